import { IfAllowed } from "@/components/auth/permissions";
import Link from "next/link";
import { ChartCard } from "@/components/charts/chart-card";
import { ClusterScatter, type ScatterSeries } from "@/components/runs/cluster-scatter";
import { DendrogramChart } from "@/components/runs/dendrogram-chart";
import { KQualityChart, type KCandidate } from "@/components/runs/k-quality-chart";
import { RfmHeatmap } from "@/components/runs/rfm-heatmap";
import { describeAnalysisDate, describeFeatures, describeK, describeRules, METHOD_NAMES } from "@/components/runs/run-params";
import { SegmentCards } from "@/components/runs/segment-cards";
import { SegmentTreemap } from "@/components/runs/segment-treemap";
import { Insights } from "@/components/insights";
import { ShowSql } from "@/components/show-sql";
import { formatInteger, formatShare } from "@/lib/format";
import type { RunPage } from "@/lib/services/run-page";
import { ShareButton, SharedBadge } from "@/components/share/share-button";
import { RunColumns, RunOutcome } from "./run/columns";
import { RunComparison } from "./run/comparison";
import { RunChurnCheck } from "./run/churn-check";
import { RunSettings, type LifetimeFit } from "./run/settings";
import type { ViewAudience } from "./shared";
import { RunPreparationNote } from "@/components/preparation/preparation-note";

interface RuleReport {
  unreachable: { rule: string; coveredBy: string[] }[];
  uncovered: [number, number, number][];
}


/** A segmentation run: insights, settings and quality, segments, charts, comparison (its page loads it: lib/services/run-page.ts). */
export function RunView({ page, shared, createShare }: { page: RunPage } & ViewAudience) {
  const { run, profiles, grid, projection, dendrogram, comparison } = page;
  const method = METHOD_NAMES[run.method] ?? run.method;
  const clustering = run.method !== "rfm";
  const names = new Map(run.segments.map((s) => [s.no, s.name]));
  const empty = run.segments.filter((s) => s.customers === 0);
  // As the segment pages count them ("Segment n of N", a tab for each, empty ones too).
  const inSegments = empty.length
    ? `${formatInteger(run.segments.length - empty.length)} of its ${formatInteger(run.segments.length)} segments`
    : `${formatInteger(run.segments.length)} segments`;
  const fit = run.metrics.lifetimeValue as LifetimeFit | undefined;
  const quality = run.metrics.quality as KCandidate | undefined;
  const candidates = (run.metrics.candidates as KCandidate[] | undefined) ?? [];
  const chosenK = typeof run.params.chosenK === "number" ? run.params.chosenK : typeof run.params.k === "number" ? run.params.k : run.segments.length;
  const ruleReport = run.metrics.rules as RuleReport | undefined;
  const base = profiles?.find((p) => p.segmentNo === null);
  const runLabel = (r: { id: number; method: string; params: Record<string, unknown>; createdAt: string }) =>
    `Run ${r.id} · ${METHOD_NAMES[r.method] ?? r.method}${r.method === "rfm" ? ` · ${describeRules(r.params)}` : ` · k ${describeK(r.params)} · ${describeFeatures(r.params, true)}`}`;
  const series: ScatterSeries[] = projection
    ? run.segments
        .filter((s) => s.customers > 0)
        .map((s) => {
          const points = projection.points.filter((p) => p.segmentNo === s.no);
          return { no: s.no, name: s.name, xs: points.map((p) => p.x), ys: points.map((p) => p.y), ids: points.map((p) => p.customerId) };
        })
    : [];

  return (
    <>
      <div className="page-head stack-on-phone">
        <div>
          {shared ? (
            <p className="crumbs">{page.datasetName}</p>
          ) : (
            <p className="crumbs">
              <Link href="/">Datasets</Link> / <Link href={`/datasets/${run.datasetId}`}>{page.datasetName}</Link> /{" "}
              <Link href={`/datasets/${run.datasetId}/segmentations`}>Segmentations</Link>
            </p>
          )}
          <h1>
            Run {run.id}: {method}
          </h1>
          <p className="lead">
            {page.purchases
              ? `${formatInteger(run.customers)} customers in ${inSegments}, as of ${describeAnalysisDate(run.params)}.`
              : `${formatInteger(run.customers)} customers of the customers file in ${inSegments}, by its columns (the dataset has no purchases).`}
            {page.purchases && page.fileCustomers !== null && page.fileCustomers !== run.customers && (
              <span className="muted small" data-testid="run-file-customers">
                {" "}
                The file has {formatInteger(page.fileCustomers)} customers: the run counts those with purchases left after cleaning
                {typeof run.params.analysisDate === "string" ? " and before the analysis date" : ""}
                {shared ? "" : (
                  <>
                    {" "}
                    (<Link href={`/datasets/${run.datasetId}#cleaning-title`}>cleaning report</Link>)
                  </>
                )}
                .
              </span>
            )}
          </p>
        </div>
        {shared ? (
          <div className="card-actions">
            {shared.allowExport && (
              <a className="button" href={`/share/${shared.token}/members.csv`} download data-testid="run-csv">
                All members CSV
              </a>
            )}
            <SharedBadge />
          </div>
        ) : (
          <div className="card-actions">
            {createShare && <ShareButton create={createShare} datasetId={run.datasetId} segmentationId={run.id} view={{ page: "run", compare: comparison?.second.id ?? null }} label="this run" />}
            <Link className="button" href={`/runs/${run.id}/customers`}>
              Customers table
            </Link>
            <IfAllowed to="export">
              <a className="button" href={`/api/segmentations/${run.id}/members.csv`} download>
                All members CSV
              </a>
            </IfAllowed>
            <IfAllowed to="change">
              <Link className="button primary" href={`/datasets/${run.datasetId}/segmentations?method=${run.method}#new-run`}>
                New segmentation
              </Link>
            </IfAllowed>
          </div>
        )}
      </div>

      {!page.prepared && <RunPreparationNote statusUrl={shared ? undefined : `/api/segmentations/${run.id}/preparation`} />}

      {page.insights ? (
        <Insights runId={run.id} groups={page.insights} shared={!!shared} />
      ) : (
        <section className="card" aria-labelledby="insights-title">
          <h2 id="insights-title">Insights</h2>
          <p className="muted" data-preparing>
            The insights appear once the segments&apos; profiles are computed.
          </p>
        </section>
      )}

      <RunSettings run={run} quality={quality} fit={fit} base={base} currency={page.currency} />

      {page.churn && <RunChurnCheck fit={page.churn} runId={run.id} datasetId={run.datasetId} />}

      {!page.purchases ? (
        <RunColumns page={page} shared={shared} />
      ) : (
      <section className="run-section" aria-labelledby="segments-title">
        <h2 id="segments-title" className="section-title">
          Segments
        </h2>
        {profiles === null ? (
          <p className="muted" data-preparing>
            The segments&apos; profiles are being computed: {run.segments.map((s) => `${s.name} (${formatInteger(s.customers)})`).join(", ")}.
          </p>
        ) : profiles.length <= 1 ? (
          <div className="empty">
            <p>This run has no customers.</p>
            {!shared && (
              <p className="muted">
                <Link href={`/datasets/${run.datasetId}/segmentations#new-run`}>Run a segmentation</Link> with an earlier analysis date or fewer cleaning rules.
              </p>
            )}
          </div>
        ) : (
          <SegmentCards runId={run.id} rows={profiles} shared={shared} currency={page.currency} />
        )}
        {empty.length > 0 && (
          <p className="muted small" data-testid="empty-segments">
            No customers in: {empty.map((s) => s.name).join(", ")}.
            {ruleReport && ruleReport.unreachable.length > 0 && (
              <>
                {" "}
                Rules earlier ones always take first:{" "}
                {ruleReport.unreachable.map((u) => `${u.rule} (by ${u.coveredBy.join(", ") || "none"})`).join("; ")}.
              </>
            )}
          </p>
        )}
        {ruleReport && ruleReport.uncovered.length > 0 && (
          <p className="muted small">
            {formatInteger(ruleReport.uncovered.length)} score combinations match no rule; their customers are “Others”.
          </p>
        )}
        <ShowSql name="segment-profile" id={run.id} />
      </section>
      )}

      {page.purchases && Array.isArray(run.params.columns) && run.params.columns.length > 0 && <RunColumns page={page} shared={shared} />}

      <RunOutcome page={page} />

      {run.method === "rfm" && (
        <div className="grid-2">
          <ChartCard
            id="rfm-grid"
            title="RFM grid"
            description="Mean spend per customer (revenue, in the dataset's currency) and customers, by recency score (rows; the highest bought most recently) and frequency score (columns)."
            sql={<ShowSql name="rfm-grid" id={run.id} />}
            pending={grid === null}
            empty={grid?.length === 0 ? "This run has no scores." : undefined}
          >
            {grid && <RfmHeatmap cells={grid} currency={page.currency} />}
          </ChartCard>
          {page.purchases && (
          <ChartCard
            id="segment-treemap"
            title="Segments by size"
            description="Area: customers in the segment. Hover for its share of revenue."
            sql={<ShowSql name="segment-profile" id={run.id} />}
            pending={profiles === null}
            empty={profiles && profiles.length <= 1 ? "No segment has customers." : undefined}
          >
            {profiles && <SegmentTreemap
              segments={profiles
                .filter((p) => p.segmentNo !== null)
                .map((p) => ({ no: p.segmentNo!, name: p.name, customers: p.customers, customerShare: p.customerShare, revenue: p.revenue, revenueShare: p.revenueShare }))}
              currency={page.currency}
            />}
          </ChartCard>
          )}
        </div>
      )}

      {clustering && (
        <div className="grid-2">
          {!page.purchases || (!projection && page.prepared) ? null : !projection ? (
            <ChartCard id="cluster-projection" wide title="Customers on their two main directions" pending sql={<ShowSql name="cluster-points" id={run.id} />}>
              {null}
            </ChartCard>
          ) : (
          <ChartCard
            id="cluster-projection"
            wide
            title="Customers on their two main directions"
            description={
              <>
                Principal components of the standardised features the run clustered on ({projection.features.length === 1 ? "one feature: the second axis is 0" : `${formatShare(projection.explained[0] + projection.explained[1], 0)} of their variance`}
                ), one colour per cluster.
                {projection.drawn < projection.customers ? ` ${formatInteger(projection.drawn)} of ${formatInteger(projection.customers)} customers drawn, each cluster sampled evenly.` : ""} Component 1 ≈{" "}
                {projection.loadings.map((l) => `${l.x >= 0 ? "+" : "−"}${Math.abs(l.x).toFixed(2)} ${describeFeatures({ features: [l.feature] }, true)}`).join(" ")}; component 2 ≈{" "}
                {projection.loadings.map((l) => `${l.y >= 0 ? "+" : "−"}${Math.abs(l.y).toFixed(2)} ${describeFeatures({ features: [l.feature] }, true)}`).join(" ")}.
              </>
            }
            sql={<ShowSql name="cluster-points" id={run.id} />}
            empty={projection.points.length === 0 ? "No customer has every feature of this run." : undefined}
          >
            <ClusterScatter series={series} explained={projection.explained} />
          </ChartCard>
          )}

          {run.method === "kmeans" && candidates.length > 1 && (
            <>
              <ChartCard
                id="k-elbow"
                title="Elbow: inertia by k"
                description="Within-cluster sum of squared distances (standardised units). The bend shows where more clusters stop paying off."
                sql={<SavedMetric runId={run.id} path="candidates" />}
              >
                <KQualityChart candidates={candidates} chosen={chosenK} measure="inertia" />
              </ChartCard>
              <ChartCard
                id="k-silhouette"
                title="Silhouette by k"
                description="Mean silhouette on up to 5,000 sampled customers (−1 to 1, higher: better separated)."
                sql={<SavedMetric runId={run.id} path="candidates" />}
              >
                <KQualityChart candidates={candidates} chosen={chosenK} measure="silhouette" />
              </ChartCard>
            </>
          )}
          {run.method === "kmeans" && candidates.length <= 1 && (
            <section className="card chart-wide">
              <h2>Choosing k</h2>
              <p className="muted">
                This run was asked for k = {String(run.params.k)}: there is one candidate, nothing to compare.
                {!shared && (
                  <>
                    {" "}
                    <Link href={`/datasets/${run.datasetId}/segmentations?method=kmeans#new-run`}>Run k-means with k = auto</Link> to see the elbow and silhouette from 3 to 8.
                  </>
                )}
              </p>
            </section>
          )}

          {run.method === "hierarchical" && dendrogram && (
            <ChartCard
              id="dendrogram"
              wide
              title="Dendrogram"
              description={`How groups of customers merge (Ward linkage): the last ${formatInteger(dendrogram.drawnMerges)} of ${formatInteger(dendrogram.savedLeaves - 1)} merges, each leaf a group with its number of customers, cut into ${chosenK} clusters.`}
              sql={<SavedMetric runId={run.id} path="dendrogram" />}
              empty={dendrogram.leaves.length === 0 ? "The dendrogram has a single group." : undefined}
            >
              <DendrogramChart layout={dendrogram} names={new Map([...names].filter(([no]) => run.segments[no]!.customers > 0))} k={chosenK} />
            </ChartCard>
          )}
        </div>
      )}

      <RunComparison page={page} shared={!!shared} runLabel={runLabel} />
    </>
  );
}

/** Where a chart drawn from the run's saved metrics comes from, with the query that reads them. */
function SavedMetric({ runId, path }: { runId: number; path: string }) {
  return (
    <details className="show-sql">
      <summary>Show SQL</summary>
      <p className="small muted">
        Saved with the run when it was computed (<code>segmentation_runs.metrics</code>). Read it yourself:{" "}
        <code className="copyable">
          psql &quot;$DATABASE_URL&quot; -c &quot;select metrics-&gt;&apos;{path}&apos; from segmentation_runs where id = {runId}&quot;
        </code>
      </p>
    </details>
  );
}
