import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { connection } from "next/server";
import { ChartCard } from "@/components/charts/chart-card";
import { Figure } from "@/components/figure";
import { MigrationMatrixTable } from "@/components/runs/migration-matrix";
import { MigrationSankey } from "@/components/runs/migration-sankey";
import { CameBack } from "@/components/runs/came-back";
import { describeParams, METHOD_NAMES } from "@/components/runs/run-params";
import { ShowSql } from "@/components/show-sql";
import { requireUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { InputError, NotFoundError } from "@/lib/errors";
import { formatDay, formatInteger, formatMoney, formatShare } from "@/lib/format";
import { parseId } from "@/lib/http/responses";
import { migrationMatrix, migrationSummary } from "@/lib/segmentation/migration";
import { getMoves, movesHref } from "@/lib/services/segments-over-time";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireUser();
  return { title: `Segments over time · Run ${(await params).id}` };
}

/**
 * Segments over time: where run {id}'s customers are in run ?to= (the later
 * of the two; the address names the earlier first, and is turned round when
 * it does not). The migration matrix, the flows, who came back.
 */
export default async function MovesPage({ params, searchParams }: Props) {
  await requireUser();
  await connection();
  const fromId = parseId((await params).id);
  if (fromId === null) notFound();
  const toParam = (await searchParams).to;
  const toId = typeof toParam === "string" ? parseId(toParam) : null;
  if (toId === null) redirect(`/runs/${fromId}#over-time`);
  const result = await getMoves(getPool(), fromId, toId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof InputError) return { error: error.message };
    throw error;
  });
  if ("error" in result) {
    return (
      <div className="empty" data-testid="moves-error">
        <p>{result.error}</p>
        <p>
          <Link href={`/runs/${fromId}#over-time`}>Back to run {fromId}</Link>
        </p>
      </div>
    );
  }
  if (result.swap) redirect(movesHref(toId, fromId));
  const { page } = result;
  const { from, to } = page;
  const runs = { from: from.id, to: to.id };
  const since = formatDay(from.analysisDate);
  const until = formatDay(to.analysisDate);
  const matrix = migrationMatrix(page.flows, from.segments, to.segments);
  const summary = migrationSummary(page.flows);
  const runTitle = (r: typeof from) => `Run ${r.id} (${METHOD_NAMES[r.method] ?? r.method}, as of ${formatDay(r.analysisDate)})`;

  return (
    <>
      <div className="page-head stack-on-phone">
        <div>
          <p className="crumbs">
            <Link href="/">Datasets</Link> / <Link href={`/datasets/${page.datasetId}`}>{page.datasetName}</Link> /{" "}
            <Link href={`/runs/${from.id}`}>Run {from.id}</Link> → <Link href={`/runs/${to.id}`}>Run {to.id}</Link>
          </p>
          <h1>Segments over time</h1>
          <p className="lead">
            Where the {formatInteger(summary.earlier)} customers of <Link href={`/runs/${from.id}`}>{runTitle(from)}</Link> are in{" "}
            <Link href={`/runs/${to.id}`}>{runTitle(to)}</Link>, and who came since.
          </p>
        </div>
        <div className="card-actions">
          <Link className="button" href={`/runs/${from.id}#over-time`}>
            ← Run {from.id} · {since}
          </Link>
          <Link className="button" href={`/runs/${to.id}#over-time`}>
            Run {to.id} · {until} →
          </Link>
        </div>
      </div>

      <section className="card" aria-labelledby="moves-figures-title">
        <h2 id="moves-figures-title" className="visually-hidden">
          In figures
        </h2>
        <dl className="figures">
          <Figure label={`Customers as of ${since}`} figure="earlier" value={summary.earlier}>
            {formatInteger(summary.earlier)}
          </Figure>
          <Figure label={`Customers as of ${until}`} figure="later" value={summary.later}>
            {formatInteger(summary.later)}
          </Figure>
          <Figure label="Same segment" figure="stayed" value={summary.stayed}>
            {formatInteger(summary.stayed)} <span className="muted small">({formatShare(summary.both ? summary.stayed / summary.both : null)})</span>
          </Figure>
          <Figure label="Moved" figure="moved" value={summary.moved}>
            {formatInteger(summary.moved)}
          </Figure>
          <Figure label={`New since ${since}`} figure="new" value={summary.added}>
            {formatInteger(summary.added)}
          </Figure>
          {summary.gone > 0 && (
            <Figure label="Gone" figure="gone" value={summary.gone}>
              {formatInteger(summary.gone)}
            </Figure>
          )}
          <Figure label="Bought again" figure="bought-again" value={summary.boughtAgain}>
            {formatInteger(summary.boughtAgain)} <span className="muted small">({formatShare(summary.earlier ? summary.boughtAgain / summary.earlier : null)})</span>
          </Figure>
          <Figure label={`Revenue since ${since}`} figure="revenue-since" value={summary.revenueSince}>
            {formatMoney(summary.revenueSince, page.currency)}
          </Figure>
        </dl>
        <ul className="run-facts small muted">
          <li>
            Earlier: {describeParams(from.method, from.params)}. Later: {describeParams(to.method, to.params)}.
          </li>
          {from.analysisDate === to.analysisDate && <li>Both runs are as of the same date: the moves are between two ways of segmenting, not over time.</li>}
          {!page.sameCleaning && <li className="hint warning">The two runs leave out different lines (cleaning rules): revenue since {since} mixes them.</li>}
          {from.method !== to.method && <li>The runs use different methods: segments of the same name are not the same rule.</li>}
        </ul>
      </section>

      <section className="card" aria-labelledby="matrix-title" id="matrix">
        <header className="card-head">
          <h2 id="matrix-title">Migration matrix</h2>
        </header>
        <p className="muted small">
          Rows: segments as of {since} (run {from.id}), then “New”, customers with no purchase by then. Columns: segments as of {until} (run {to.id})
          {matrix.columns.some((c) => c.no === null) ? ", then “Gone”, customers the later run does not have" : ""}. Each cell: customers, and below, their
          revenue between the two dates{page.currency ? ` (${page.currency})` : ""}; shade: share of the row; outlined: the same segment. Totals are the runs’ segment sizes. Click a number for its
          customers.
        </p>
        {matrix.rows.length === 0 ? <div className="empty">Neither run has customers.</div> : <MigrationMatrixTable matrix={matrix} runs={runs} since={since} until={until} currency={page.currency} />}
        <ShowSql name="segment-migration" id={from.id} toRun={to.id} />
      </section>

      <ChartCard
        id="migration-flows"
        wide
        title="Flows between segments"
        description={`Left: segments as of ${since}; right: as of ${until}. Each band is a move, as wide as its customers (or their revenue since ${since}). Click a band for its customers.`}
        sql={<ShowSql name="segment-migration" id={from.id} toRun={to.id} />}
        empty={matrix.rows.length === 0 ? "Neither run has customers." : undefined}
      >
        <MigrationSankey matrix={matrix} runs={runs} since={since} until={until} currency={page.currency} />
      </ChartCard>

      <section className="card" aria-labelledby="came-back-title" id="came-back">
        <h2 id="came-back-title">Who bought again since {since}</h2>
        <p className="muted small">
          The holdout view: each segment as of {since}, and how many of its customers ordered again by {until} (more orders in run {to.id} than in run {from.id}),
          with what they spent in between.
        </p>
        <CameBack matrix={matrix} runs={runs} currency={page.currency} />
      </section>
    </>
  );
}
