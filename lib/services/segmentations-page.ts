import type pg from "pg";
import { savedAnswer } from "../queries/cache";
import { datasetFiguresQuery } from "../queries/dataset-figures";
import { customerCount, datasetHasTransactions, datasetName } from "../queries/datasets";
import { segmentableCustomersQuery } from "../queries/segmentable-customers";
import { getSegmentationRuns } from "../queries/segmentation-runs";
import { getCustomerColumns } from "./customer-columns";

/**
 * What the segmentations page draws: the dataset, its runs, how many customers a default run would segment
 * (null while preparing), whether it has purchases, and its customers file's columns (what else a run can
 * cluster on, and the outcomes it can show).
 */
export async function getSegmentationsPage(pool: pg.Pool, datasetId: number) {
  const [name, runs, customers, onFile, columns, figures, transactions] = await Promise.all([
    datasetName(pool, datasetId),
    getSegmentationRuns(pool, datasetId),
    savedAnswer(pool, { datasetId }, segmentableCustomersQuery(pool, datasetId)),
    customerCount(pool, datasetId),
    getCustomerColumns(pool, datasetId),
    savedAnswer(pool, { datasetId }, datasetFiguresQuery(pool, datasetId)),
    datasetHasTransactions(pool, datasetId),
  ]);
  const purchases = figures ? figures.lines > 0 : transactions;
  return name === null ? null : { dataset: { id: datasetId, name, customersOnFile: onFile }, runs, customers: purchases ? customers : onFile, purchases, columns: columns ?? [] };
}
