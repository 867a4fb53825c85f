import type pg from "pg";
import { savedAnswers } from "../queries/cache";
import {
  customerColumnBinsQuery,
  customerCorrelationsQuery,
  customerCrosstab,
  type CrosstabCell,
  type CustomerColumnBin,
  type CustomerCorrelation,
} from "../queries/customer-column-stats";
import { defaultCrosstabQuery, getCustomerColumns, type CustomerColumn } from "./customer-columns";
import { getDataset, type DatasetDetail } from "./datasets";
import { getOverview, OVERVIEW_SQL, type Grain, type Overview } from "./overview";

/** A dataset's customers file explored: its columns, how its numbers spread and correlate (null: being prepared). */
export interface CustomersFileExploration {
  columns: CustomerColumn[] | null;
  bins: CustomerColumnBin[] | null;
  correlations: CustomerCorrelation[] | null;
  /** The two columns the analyst put against each other (?x=…&y=…, names as in the header), with their counts. */
  crosstab: { x: CustomerColumn; y: CustomerColumn; cells: CrosstabCell[] } | null;
}

/** Everything the overview page draws: the dataset, its charts' answers at the grain, and the files behind them. */
export interface OverviewPage {
  dataset: DatasetDetail;
  overview: Overview;
  grain: Grain;
  sql: typeof OVERVIEW_SQL;
  /** False when the dataset holds no transaction lines (a customers file alone): no sales, orders or retention to draw. */
  purchases: boolean;
  customersFile: CustomersFileExploration;
}

/** The overview page of a dataset, or null when there is no such dataset. */
export async function getOverviewPage(pool: pg.Pool, datasetId: number, grain: Grain, pair: { x?: string; y?: string } = {}): Promise<OverviewPage | null> {
  const dataset = await getDataset(pool, datasetId);
  if (!dataset) return null;
  const [overview, columns, [bins, correlations, saved]] = await Promise.all([
    getOverview(pool, dataset.id, { grain }),
    getCustomerColumns(pool, dataset.id),
    savedAnswers(pool, { datasetId: dataset.id }, [customerColumnBinsQuery(pool, dataset.id), customerCorrelationsQuery(pool, dataset.id), defaultCrosstabQuery(pool, dataset.id)] as const),
  ]);
  // Until its figures are prepared (right after a load), a dataset has purchases if a transactions file went in.
  const purchases = dataset.figures ? dataset.figures.lines > 0 : dataset.imports.some((i) => i.kind === "transactions" && i.status === "succeeded" && i.rowsLoaded > 0);
  // The pair the analyst asked for (?x=…&y=…, read now), else the one the preparation saved.
  const x = pair.x && columns?.find((c) => c.name === pair.x);
  const y = pair.y && columns?.find((c) => c.name === pair.y);
  let crosstab: CustomersFileExploration["crosstab"] = null;
  if (x && y) crosstab = { x, y, cells: await customerCrosstab(pool, dataset.id, x.key, y.key) };
  else if (saved) {
    const [sx, sy] = [columns?.find((c) => c.key === saved.xKey), columns?.find((c) => c.key === saved.yKey)];
    if (sx && sy) crosstab = { x: sx, y: sy, cells: saved.cells };
  }
  return { dataset, overview, grain, sql: OVERVIEW_SQL, purchases, customersFile: { columns, bins, correlations, crosstab } };
}
