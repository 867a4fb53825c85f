import { getDataset, type DatasetDetail, type Db } from "./datasets";
import { getOverview, OVERVIEW_SQL, type Grain, type Overview } from "./overview";

/** Everything the overview page draws: the dataset, its charts' answers at the grain, and the files behind them. */
export interface OverviewPage {
  dataset: DatasetDetail;
  overview: Overview;
  grain: Grain;
  sql: typeof OVERVIEW_SQL;
}

/** The overview page of a dataset, or null when there is no such dataset. */
export async function getOverviewPage(db: Db, datasetId: number, grain: Grain): Promise<OverviewPage | null> {
  const dataset = await getDataset(db, datasetId);
  if (!dataset) return null;
  return { dataset, overview: await getOverview(db.pool, dataset.id, { grain }), grain, sql: OVERVIEW_SQL };
}
