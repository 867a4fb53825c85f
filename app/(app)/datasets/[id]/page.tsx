import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { DatasetOverview } from "@/components/views/dataset-overview";
import { requireUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { datasetTitle } from "@/lib/services/datasets";
import { parseId } from "@/lib/http/responses";
import { parseGrain } from "@/lib/services/overview";
import { getOverviewPage } from "@/lib/services/overview-page";
import { permissionsOf } from "@/lib/services/workspace-settings";
import { createShareAction } from "../../settings/actions";
import { setColumnKindAction, setCurrencyAction } from "./actions";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ grain?: string | string[]; x?: string | string[]; y?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireUser();
  const id = parseId((await params).id);
  const name = id === null ? null : await datasetTitle(getPool(), id);
  return { title: name ?? "Dataset" };
}

export default async function DatasetPage({ params, searchParams }: Props) {
  const user = await requireUser();
  await connection();
  const id = parseId((await params).id);
  if (id === null) notFound();
  const query = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  const page = await getOverviewPage(getPool(), id, parseGrain(query.grain), { x: one(query.x), y: one(query.y) });
  if (!page) notFound();
  const { change } = await permissionsOf(getPool(), user);
  return <DatasetOverview page={page} createShare={change ? createShareAction : undefined} setColumnKind={change ? setColumnKindAction : undefined} setCurrency={change ? setCurrencyAction : undefined} />;
}
