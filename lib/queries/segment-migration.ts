import { z } from "zod";
import type { CachedQuery } from "./cache";
import { camelKeys, num, numOrNull, rowOf, rowsOf, type Queryable } from "./rows";
import { sqlFile, sqlFileValues } from "./sql-file";

/**
 * Segments over time: two runs' members joined by customer id
 * (segment-migration.sql, with :from_run and :to_run), and the dates that
 * place the runs in the dataset's observed period.
 */

/** A pair of segments customers moved between; a null number is "New" (from) or "Gone" (to). */
export const MigrationRow = z.object({
  fromNo: z.number().nullable(),
  fromSegment: z.string(),
  toNo: z.number().nullable(),
  toSegment: z.string(),
  customers: num,
  revenue: numOrNull,
  revenueBefore: numOrNull,
  revenueSince: numOrNull,
  boughtAgain: num,
});
export type MigrationRow = z.infer<typeof MigrationRow>;

export const SEGMENT_MIGRATION = "segment-migration";

/** The migration of from's customers into to's segments, as a query whose answer is saved with the first run (both never change). */
export function segmentMigrationQuery(db: Queryable, fromRun: number, toRun: number): CachedQuery<MigrationRow[]> {
  const file = sqlFile(SEGMENT_MIGRATION);
  const Row = z.preprocess(camelKeys, MigrationRow);
  return {
    name: `${SEGMENT_MIGRATION}?to=${toRun}`,
    compute: (on = db) => rowsOf(on, Row, file.statement, sqlFileValues(file, fromRun, toRun)),
    parse: (saved) => z.array(MigrationRow).parse(saved),
  };
}

/** A run placed in time: its analysis date as run (its own, else the day after the dataset's last invoice) and its cleaning rules. */
export const RunTime = z.object({
  id: z.number(),
  datasetId: z.number(),
  method: z.string(),
  /** YYYY-MM-DD. */
  analysisDate: z.string().nullable(),
  /** True when the run kept the default date (the day after the last invoice). */
  defaultDate: z.boolean(),
  cleaning: z.array(z.string()).nullable(),
  /** False for a run on a customers file alone (no purchases, no dates). */
  purchases: z.boolean(),
});
export type RunTime = z.infer<typeof RunTime>;

/**
 * The runs that exist among ids, each with its analysis date. A run that kept the default date is placed at the
 * day after its dataset's last invoice, read per dataset in a statement of its own: a subquery correlated with
 * the run's row is refused by Citus (segmentation_runs is a reference table there), and a join with the invoice
 * sums grouped by dataset would read every invoice of the dataset, where max() of one dataset's invoice_date is
 * read from the end of the (dataset_id, invoice_date) index on one server (each shard's, on Citus).
 */
export async function runTimes(db: Queryable, ids: number[]): Promise<RunTime[]> {
  const runs = await rowsOf(
    db,
    z.preprocess(camelKeys, RunTime.omit({ analysisDate: true }).extend({ asRun: z.string().nullable() })),
    `select r.id, r.dataset_id, r.method,
            to_char((r.params ->> 'analysisDate')::date, 'YYYY-MM-DD') as as_run,
            r.params ->> 'analysisDate' is null as default_date,
            r.params -> 'cleaning' as cleaning,
            coalesce(r.params ->> 'purchases', 'true') <> 'false' as purchases
     from segmentation_runs r where r.id = any($1::int[])`,
    [ids],
  );
  const datasets = [...new Set(runs.filter((r) => r.asRun === null).map((r) => r.datasetId))];
  const lastDays = new Map(await Promise.all(datasets.map(async (id) => [id, await dayAfterLastInvoice(db, id)] as const)));
  return runs.map(({ asRun, ...run }) => ({ ...run, analysisDate: asRun ?? lastDays.get(run.datasetId) ?? null }));
}

/** The day after a dataset's last invoice (YYYY-MM-DD), a run's default analysis date; null without invoices. */
async function dayAfterLastInvoice(db: Queryable, datasetId: number): Promise<string | null> {
  const row = await rowOf(
    db,
    z.object({ day: z.string().nullable() }),
    "select to_char(max(invoice_date)::date + 1, 'YYYY-MM-DD') as day from invoice_totals where dataset_id = $1",
    [datasetId],
  );
  return row?.day ?? null;
}
