import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { runSummary, SegmentView } from "@/components/views/segment-view";
import { requireUser } from "@/lib/auth/next";
import { parseId } from "@/lib/http/responses";

type Props = { params: Promise<{ id: string; no: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

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
  await requireUser();
  await connection();
  const { id, no } = await params;
  const runId = parseId(id);
  const segmentNo = parseNo(no);
  if (runId === null || segmentNo === null) notFound();
  return <SegmentView runId={runId} segmentNo={segmentNo} sp={await searchParams} />;
}
