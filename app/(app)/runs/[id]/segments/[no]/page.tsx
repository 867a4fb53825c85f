import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { SegmentView } from "@/components/views/segment-view";
import { requireUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { parseId } from "@/lib/http/responses";
import { getRunSummary } from "@/lib/services/customers";
import { getSegmentPage } from "@/lib/services/segment-page";
import { permissionsOf } from "@/lib/services/workspace-settings";
import { createShareAction } from "../../../../settings/actions";

type Props = { params: Promise<{ id: string; no: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The run, read once per request for the title and the page. */
const runSummary = cache((runId: number) => getRunSummary(getPool(), runId));

const parseNo = (value: string) => (/^\d{1,5}$/.test(value) && Number(value) <= 32767 ? Number(value) : null);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireUser();
  const { id, no } = await params;
  const runId = parseId(id);
  const run = runId === null ? null : await runSummary(runId);
  const segment = run?.segments.find((s) => s.no === parseNo(no));
  return { title: segment ? `${segment.name} · Run ${run!.id}` : "Segment" };
}

export default async function SegmentPage({ params, searchParams }: Props) {
  const user = await requireUser();
  await connection();
  const { id, no } = await params;
  const runId = parseId(id);
  const segmentNo = parseNo(no);
  if (runId === null || segmentNo === null) notFound();
  const run = await runSummary(runId);
  const data = run && (await getSegmentPage(getPool(), run, segmentNo, await searchParams));
  if (!data) notFound();
  const { change } = await permissionsOf(getPool(), user);
  return <SegmentView data={data} createShare={change ? createShareAction : undefined} />;
}
