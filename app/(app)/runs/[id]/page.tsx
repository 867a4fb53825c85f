import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { RunView } from "@/components/views/run-view";
import { requireUser } from "@/lib/auth/next";
import { parseId } from "@/lib/http/responses";

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
  return <RunView id={id} compareWith={typeof compareParam === "string" ? parseId(compareParam) : null} />;
}
