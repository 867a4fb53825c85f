import type pg from "pg";
import { getDataset, type DatasetDetail } from "./datasets";
import { getOverview, OVERVIEW_SQL, type Grain, type Overview } from "./overview";

/** Everything the overview page draws: the dataset, its charts' answers at the grain, and the files behind them. */
export interface OverviewPage {
  dataset: DatasetDetail;
  overview: Overview;
  grain: Grain;
  sql: typeof OVERVIEW_SQL;
}

/** The overview page of a dataset, or null when there is no such dataset. */
export async function getOverviewPage(pool: pg.Pool, datasetId: number, grain: Grain): Promise<OverviewPage | null> {
  const dataset = await getDataset(pool, datasetId);
  if (!dataset) return null;
  return { dataset, overview: await getOverview(pool, dataset.id, { grain }), grain, sql: OVERVIEW_SQL };
}
