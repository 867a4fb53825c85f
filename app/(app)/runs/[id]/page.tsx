import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { RunView } from "@/components/views/run-view";
import { RunOverTime } from "@/components/views/run/over-time";
import { requireUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { parseId } from "@/lib/http/responses";
import { getRunPage } from "@/lib/services/run-page";
import { getOverTime } from "@/lib/services/segments-over-time";
import { permissionsOf } from "@/lib/services/workspace-settings";
import { createShareAction } from "../../settings/actions";
import { rerunAtDateAction } from "./actions";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ compare?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireUser();
  return { title: `Run ${(await params).id}` };
}

export default async function RunPage({ params, searchParams }: Props) {
  const user = await requireUser();
  await connection();
  const id = parseId((await params).id);
  if (id === null) notFound();
  const compareParam = (await searchParams).compare;
  const [page, overTime, { change }] = await Promise.all([
    getRunPage(getPool(), id, typeof compareParam === "string" ? parseId(compareParam) : null),
    getOverTime(getPool(), id),
    permissionsOf(getPool(), user),
  ]);
  if (!page) notFound();
  return (
    <>
      <RunView page={page} createShare={change ? createShareAction : undefined} />
      {overTime && <RunOverTime runId={id} method={page.run.method} overTime={overTime} rerun={change ? rerunAtDateAction.bind(null, id) : undefined} />}
    </>
  );
}
