import type { InsightGroup } from "../insights/insights";
import { outcomeOf, runInsights } from "./insights";
import { segmentColumnsQuery, type SegmentColumnRow } from "../queries/segment-columns";
import { segmentOutcomesQuery, type SegmentOutcomeRow } from "../queries/segment-outcomes";
import { revenueConcentrationQuery } from "../queries/revenue-concentration";
import type pg from "pg";
import { churnFitOf, type ChurnFit } from "./lifetime-values";
import { z } from "zod";
import { InputError, NotFoundError } from "../errors";
import { onDemand, savedAnswer, savedAnswers } from "../queries/cache";
import { datasetFiguresQuery } from "../queries/dataset-figures";
import { datasetCurrency } from "./datasets";
import { clusterPointsQuery } from "../queries/cluster-points";
import { rfmGridQuery, type RfmGridCell } from "../queries/rfm-grid";
import { datasetName } from "../queries/datasets";
import { segmentNames } from "../queries/runs";
import type { Same } from "../queries/rows";
import { segmentProfileQuery, type SegmentProfileRow } from "../queries/segment-profile";
import { getSegmentationRuns, type RunListItem } from "../queries/segmentation-runs";
import { layoutDendrogram, type DendrogramLayout, type SavedDendrogram } from "../segmentation/dendrogram";
import { projectClusterPoints, type ClusterProjection } from "./cluster-projection";
import { compareRuns, getSegmentation, type RunDetail } from "./segmentations";

/**
 * Everything the run page draws, in one call: the run, its segment profiles,
 * the RFM grid (RFM runs) or the customers' projection and dendrogram
 * (clustering runs), the dataset's other runs, and the comparison with one of
 * them. The run's answers are computed by its preparation once it is saved
 * (preparation.ts) and read from query_results; until then the parts they
 * feed are null and the page says they are being prepared.
 */
export const Comparison = z.object({
  first: z.object({ id: z.number(), method: z.string() }),
  second: z.object({ id: z.number(), method: z.string() }),
  customers: z.number(),
  adjustedRandIndex: z.number().nullable(),
  crosstab: z.object({ rows: z.array(z.string()), columns: z.array(z.string()), counts: z.array(z.array(z.number())) }),
});
export type Comparison = z.infer<typeof Comparison>;
// What compareRuns returns, field for field: this fails to compile when they part.
const _sameComparison: Same<Comparison, Awaited<ReturnType<typeof compareRuns>>> = true;

export interface RunPage {
  run: RunDetail;
  datasetName: string;
  /** Customers in the dataset's file as loaded, before cleaning (dataset-figures.sql), to set beside the run's; null while not prepared. */
  fileCustomers: number | null;
  /** The dataset's currency (ISO 4217), or null. */
  currency: string | null;
  /** True once every answer of the run's pages is saved. */
  prepared: boolean;
  /** Null while being prepared (as are the insights, grid and projection). */
  profiles: SegmentProfileRow[] | null;
  insights: InsightGroup[] | null;
  /** RFM runs. */
  grid: RfmGridCell[] | null;
  /** k-means and hierarchical runs. */
  projection: ClusterProjection | null;
  dendrogram: DendrogramLayout | null;
  /** The dataset's runs, newest first, this one included. */
  runs: RunListItem[];
  comparison: Comparison | null;
  /** False for a run on a customers file alone (no purchases: no profiles of orders, grid or projection). */
  purchases: boolean;
  /** The run's customers-file columns per segment (segment-columns.sql); null while being prepared. */
  columns: SegmentColumnRow[] | null;
  /** The outcome column the run shows per segment, and its rates (segment-outcomes.sql). */
  outcome: RunOutcome | null;
  /** The compared run's segment names in its own order (for the crosstab's columns). */
  comparedSegments: string[];
  /** Why the asked comparison cannot be shown. */
  comparisonError: string | null;
  /** The churn model in use, its holdout check and the churn signal (null: no fit, or a run saved before the check). */
  churn: ChurnFit | null;
}

/** The comparison of two runs, computed when first asked (a count per pair of segments, in SQL) and saved with the first run (both never change). */
export async function getComparison(pool: pg.Pool, runId: number, other: number): Promise<Comparison> {
  return onDemand(pool, runId, { name: `compare-runs?with=${other}`, compute: () => compareRuns(pool, runId, other), parse: (saved) => Comparison.parse(saved) });
}

export interface RunOutcome {
  name: string;
  kind: "yes_no" | "category";
  /** Null while being prepared. */
  rows: SegmentOutcomeRow[] | null;
}

export async function getRunPage(pool: pg.Pool, runId: number, compareWith: number | null = null): Promise<RunPage | null> {
  const run = await getSegmentation(pool, runId);
  if (!run) return null;
  const comparedSegments = compareWith === null || compareWith === runId
    ? Promise.resolve([] as string[])
    : segmentNames(pool, compareWith);
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
  const purchases = run.params.purchases !== false;
  const [dataset, [profiles, concentration, grid, points, described, outcomes], runs, compared, columns, figures, currency] = await Promise.all([
    datasetName(pool, run.datasetId),
    savedAnswers(pool, { runId }, [
      segmentProfileQuery(pool, runId),
      revenueConcentrationQuery(pool, runId),
      rfmGridQuery(pool, runId),
      clusterPointsQuery(pool, runId),
      segmentColumnsQuery(pool, runId),
      segmentOutcomesQuery(pool, runId),
    ] as const),
    getSegmentationRuns(pool, run.datasetId),
    comparison,
    comparedSegments,
    savedAnswer(pool, { datasetId: run.datasetId }, datasetFiguresQuery(pool, run.datasetId)),
    datasetCurrency(pool, run.datasetId),
  ]);
  const saved = run.metrics.dendrogram as SavedDendrogram | undefined;
  const outcome = outcomeOf(run.params);
  const k = typeof run.params.k === "number" ? run.params.k : run.segments.length;
  return {
    run,
    datasetName: dataset ?? `Dataset ${run.datasetId}`,
    fileCustomers: figures?.customers ?? null,
    prepared: run.preparedAt !== null,
    churn: churnFitOf(run.metrics.lifetimeValue),
    profiles,
    insights: runInsights(run, purchases, profiles, concentration, described, outcomes, currency),
    currency,
    purchases,
    columns: described,
    outcome: outcome && { name: outcome.name, kind: outcome.kind, rows: outcomes },
    grid,
    projection: points && projectClusterPoints(points, run),
    dendrogram: saved && Array.isArray(saved.merges) ? layoutDendrogram(saved, k) : null,
    runs,
    comparison: compared.value,
    comparedSegments: columns,
    comparisonError: compared.error,
  };
}
