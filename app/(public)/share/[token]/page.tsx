import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { AuthForm } from "@/components/auth/auth-form";
import { ShareGuard } from "@/components/share/share-guard";
import { DatasetOverview } from "@/components/views/dataset-overview";
import { RunView } from "@/components/views/run-view";
import { SegmentView } from "@/components/views/segment-view";
import { pageShareAccess } from "@/lib/auth/share-access";
import { getPool } from "@/lib/db";
import { formatMoment } from "@/lib/format";
import { getRunSummary } from "@/lib/services/customers";
import { getOverviewPage } from "@/lib/services/overview-page";
import { getRunPage } from "@/lib/services/run-page";
import { getSegmentPage } from "@/lib/services/segment-page";
import { recordShareView, ShareView } from "@/lib/services/shares";
import { unlockShareAction } from "./actions";

export const metadata: Metadata = { title: "Shared view", robots: { index: false, follow: false } };

type Props = { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The customers table's own parameters: they sort, filter and page within the pinned segment, never beyond it. */
const TABLE_PARAMS = ["page", "size", "sort", "dir", "q", "field", "min", "max", "cols", "col"];

/**
 * A share link: the one view it pins (dataset, run, view state from the share,
 * never from this URL), read-only. A revoked or expired link says so (410 Gone),
 * a token that never named a link is a plain 404, an address blocked for asking
 * for unknown links is told to wait (429). The statuses are proxy.ts's: a page
 * cannot set its own.
 */
export default async function SharedPage({ params, searchParams }: Props) {
  await connection();
  const { token } = await params;
  const access = await pageShareAccess(token, await headers());
  if (access.kind === "missing") notFound();
  if (access.kind === "throttled") {
    return (
      <section className="card auth-card" role="alert" data-testid="share-throttled">
        <h1>Too many requests</h1>
        <p>This address asked for too many links that do not exist. Try again in {access.retryAfter} s.</p>
      </section>
    );
  }
  if (access.kind === "gone") {
    const { reason, at } = access.gone;
    return (
      <section className="card auth-card" role="alert" data-testid="share-gone" data-reason={reason}>
        <h1>{reason === "revoked" ? "This link was revoked" : "This link has expired"}</h1>
        <p>
          {reason === "revoked" ? `Whoever shared it withdrew it on ${formatMoment(at)}.` : `It was open until ${formatMoment(at)}.`} The view it showed is no
          longer available here.
        </p>
        <p className="muted">Ask the person who sent it to you for a new link.</p>
      </section>
    );
  }
  if (access.kind === "locked") {
    return (
      <section className="card auth-card" aria-labelledby="share-password-title">
        <h1 id="share-password-title">This link is protected</h1>
        <p className="muted">Enter the password you were given with the link.</p>
        <AuthForm
          action={unlockShareAction.bind(null, token)}
          testId="share-password-form"
          submit="Open"
          fields={[{ name: "password", label: "Password", type: "password", autoComplete: "off" }]}
        />
      </section>
    );
  }
  const { share } = access;
  await recordShareView(getPool(), share.id);
  const shared = { token, allowExport: share.allowExport };
  const view = ShareView.parse(share.view);
  let content: React.ReactNode;
  const pool = getPool();
  if (view.page === "overview") {
    const page = await getOverviewPage(pool, share.datasetId, view.grain);
    if (!page) notFound();
    content = <DatasetOverview page={page} shared={shared} />;
  } else if (share.runId === null) notFound();
  else if (view.page === "run") {
    const page = await getRunPage(pool, share.runId, view.compare ?? null);
    if (!page) notFound();
    content = <RunView page={page} shared={shared} />;
  } else {
    const sp = await searchParams;
    const table = share.allowExport ? Object.fromEntries(TABLE_PARAMS.filter((k) => sp[k] !== undefined).map((k) => [k, sp[k]])) : {};
    const run = await getRunSummary(pool, share.runId);
    const data = run && (await getSegmentPage(pool, run, view.segmentNo, table));
    if (!data) notFound();
    content = <SegmentView data={data} shared={shared} />;
  }
  return (
    <ShareGuard token={token} expiresAt={share.expiresAt}>
      {content}
    </ShareGuard>
  );
}
