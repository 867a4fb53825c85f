import { buildInsights, type InsightGroup } from "../insights/insights";
import { getRevenueConcentration } from "../queries/revenue-concentration";
import type pg from "pg";
import { InputError, NotFoundError } from "../errors";
import { cached } from "../queries/cache";
import { getRfmGrid, type RfmGridCell } from "../queries/rfm-grid";
import { getSegmentProfiles, type SegmentProfileRow } from "../queries/segment-profile";
import { getSegmentationRuns, type RunListItem } from "../queries/segmentation-runs";
import { layoutDendrogram, type DendrogramLayout, type SavedDendrogram } from "../segmentation/dendrogram";
import { getClusterProjection, type ClusterProjection } from "./cluster-projection";
import { AT_RISK_BELOW, compareRuns, getSegmentation, type RunDetail } from "./segmentations";

/**
 * Everything the run page draws, in one call: the run, its segment profiles,
 * the RFM grid (RFM runs) or the customers' projection and dendrogram
 * (clustering runs), the dataset's other runs, and the comparison with one of
 * them. Run-scoped answers are saved with the run (query_results), so a second
 * reader reads saved rows; runs never change.
 */
export type Comparison = Awaited<ReturnType<typeof compareRuns>>;

export interface RunPage {
  run: RunDetail;
  datasetName: string;
  profiles: SegmentProfileRow[];
  insights: InsightGroup[];
  grid: RfmGridCell[];
  projection: ClusterProjection | null;
  dendrogram: DendrogramLayout | null;
  /** The dataset's runs, newest first, this one included. */
  runs: RunListItem[];
  comparison: Comparison | null;
  /** The compared run's segment names in its own order (for the crosstab's columns). */
  comparedSegments: string[];
  /** Why the asked comparison cannot be shown. */
  comparisonError: string | null;
}

/** The comparison of two runs, saved with the first run (both never change). */
export async function getComparison(pool: pg.Pool, runId: number, other: number): Promise<Comparison> {
  return cached(pool, { runId }, `compare-runs?with=${other}`, () => compareRuns(pool, runId, other));
}

export async function getRunPage(pool: pg.Pool, runId: number, compareWith: number | null = null): Promise<RunPage | null> {
  const run = await getSegmentation(pool, runId);
  if (!run) return null;
  const comparedSegments = compareWith === null || compareWith === runId
    ? Promise.resolve([] as string[])
    : pool.query<{ name: string }>("select name from segments where run_id = $1 order by segment_no", [compareWith]).then((r) => r.rows.map((x) => x.name));
  const comparison = compareWith === null || compareWith === runId
    ? Promise.resolve({ value: null, error: compareWith === runId ? "Choose another run: a run always agrees with itself." : null })
    : getComparison(pool, runId, compareWith).then(
        (value) => ({ value, error: null }),
        (error: unknown) => {
          if (error instanceof NotFoundError) return { value: null, error: `There is no run ${compareWith}.` };
          if (error instanceof InputError) return { value: null, error: `Run ${compareWith} segments another dataset: only runs of the same customers compare.` };
          throw error;
        },
      );
  const [dataset, profiles, concentration, grid, projection, runs, compared, columns] = await Promise.all([
    pool.query<{ name: string }>("select name from datasets where id = $1", [run.datasetId]),
    getSegmentProfiles(pool, runId),
    getRevenueConcentration(pool, runId),
    run.method === "rfm" ? getRfmGrid(pool, runId) : Promise.resolve([]),
    run.method === "rfm" ? Promise.resolve(null) : getClusterProjection(pool, run),
    getSegmentationRuns(pool, run.datasetId),
    comparison,
    comparedSegments,
  ]);
  const saved = run.metrics.dendrogram as SavedDendrogram | undefined;
  const k = typeof run.params.k === "number" ? run.params.k : run.segments.length;
  return {
    run,
    datasetName: dataset.rows[0]?.name ?? `Dataset ${run.datasetId}`,
    profiles,
    insights: buildInsights(profiles, concentration, { atRiskBelow: AT_RISK_BELOW, hasLifetimeValue: (run.metrics.lifetimeValue as { ok?: boolean } | undefined)?.ok === true }),
    grid,
    projection,
    dendrogram: saved && Array.isArray(saved.merges) ? layoutDendrogram(saved, k) : null,
    runs,
    comparison: compared.value,
    comparedSegments: columns,
    comparisonError: compared.error,
  };
}
