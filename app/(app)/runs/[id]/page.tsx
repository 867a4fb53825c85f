import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { RunView } from "@/components/views/run-view";
import { requireUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { parseId } from "@/lib/http/responses";
import { getRunPage } from "@/lib/services/run-page";
import { createShareAction } from "../../settings/actions";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ compare?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireUser();
  return { title: `Run ${(await params).id}` };
}

export default async function RunPage({ params, searchParams }: Props) {
  await requireUser();
  await connection();
  const id = parseId((await params).id);
  if (id === null) notFound();
  const compareParam = (await searchParams).compare;
  const page = await getRunPage(getPool(), id, typeof compareParam === "string" ? parseId(compareParam) : null);
  if (!page) notFound();
  return <RunView page={page} createShare={createShareAction} />;
}
