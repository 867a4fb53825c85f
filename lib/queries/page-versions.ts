import { z } from "zod";
import { rowOf, rowsOf, type Queryable } from "./rows";

/**
 * What the page cache (lib/http/page-cache.ts) reads to know which rendered
 * pages are still good, at most once a second: one version per dataset that
 * moves whenever the data behind its pages does, and what every page shares.
 *
 * A dataset's version moves with a load (data_version), each preparation step
 * (updated_at, lib/queries/preparation.ts), a run added, deleted or prepared
 * (its runs' count, last id and prepared count); a deleted dataset has none.
 * The shared part moves when a session starts or ends (a signed-out or
 * expired cookie must get nothing from the cache). Changes that move none of
 * these (a column's kind, the currency, settings) pass through the cache as
 * requests, which it sees.
 */
export interface PageVersions {
  /** Sessions: what every page depends on besides its datasets. */
  shared: string;
  /** Each dataset's version, by id. */
  datasets: Map<number, string>;
  /** Each run's dataset, by run id. */
  runs: Map<number, number>;
}

const DatasetVersion = z.object({ id: z.number(), version: z.string(), runs: z.array(z.number()) });

export async function readPageVersions(db: Queryable): Promise<PageVersions> {
  const [rows, shared] = await Promise.all([
    rowsOf(
      db,
      DatasetVersion,
      `select d.id, concat_ws(':', d.data_version, d.updated_at::text, r.n, r.last, r.prepared) as version, coalesce(r.ids, '{}') as runs
       from datasets d
       left join (select dataset_id, count(*) as n, max(id) as last, count(prepared_at) as prepared, array_agg(id order by id) as ids
                  from segmentation_runs group by dataset_id) r on r.dataset_id = d.id`,
    ),
    rowOf(db, z.object({ version: z.string() }), "select concat_ws(':', count(*), max(id)) as version from sessions where expires_at > now()"),
  ]);
  const datasets = new Map<number, string>();
  const runs = new Map<number, number>();
  for (const row of rows) {
    datasets.set(row.id, row.version);
    for (const run of row.runs) runs.set(run, row.id);
  }
  return { shared: shared!.version, datasets, runs };
}
