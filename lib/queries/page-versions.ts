import { createHash } from "node:crypto";
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
 * requests, which it sees. The settings page's own version (links, invitations,
 * tokens) covers what changes without a request through the cache: links
 * expiring, and views and token uses counted by another server.
 */
export interface PageVersions {
  /** Sessions: what every page depends on besides its datasets. */
  shared: string;
  /** Each dataset's version, by id. */
  datasets: Map<number, string>;
  /** Each run's dataset, by run id. */
  runs: Map<number, number>;
  /** The datasets' ids and names (what the upload page lists), as one digest. */
  lists: string;
  /**
   * What the settings page shows besides sessions: its version moves with the share links (added, revoked, viewed,
   * expired), the open invitations and the API tokens (added, deleted, used); `freshUntil` is the first moment
   * (epoch ms) one of the links or invitations it lists expires, which changes the page by the clock alone (null:
   * none will). Absent: the settings page is never kept.
   */
  settings?: { version: string; freshUntil: number | null };
}

const DatasetVersion = z.object({ id: z.number(), name: z.string(), version: z.string(), runs: z.array(z.number()) });
const SettingsVersion = z.object({ version: z.string(), freshUntil: z.number().nullable() });

export async function readPageVersions(db: Queryable): Promise<PageVersions> {
  const [rows, shared, settings] = await Promise.all([
    rowsOf(
      db,
      DatasetVersion,
      `select d.id, d.name, concat_ws(':', d.data_version, d.updated_at::text, r.n, r.last, r.prepared) as version, coalesce(r.ids, '{}') as runs
       from datasets d
       left join (select dataset_id, count(*) as n, max(id) as last, count(prepared_at) as prepared, array_agg(id order by id) as ids
                  from segmentation_runs group by dataset_id) r on r.dataset_id = d.id`,
    ),
    rowOf(db, z.object({ version: z.string() }), "select concat_ws(':', count(*), max(id)) as version from sessions where expires_at > now()"),
    rowOf(
      db,
      SettingsVersion,
      `select concat_ws(':', s.n, s.last, s.views, s.viewed, s.revoked, s.active, i.n, i.last, t.n, t.last, t.used) as version,
              (extract(epoch from least(s.next, i.next)) * 1000)::float8 as "freshUntil"
       from (select count(*) as n, max(id) as last, sum(views) as views, max(last_viewed_at)::text as viewed, count(revoked_at) as revoked,
                    count(*) filter (where revoked_at is null and (expires_at is null or expires_at > now())) as active,
                    min(expires_at) filter (where revoked_at is null and expires_at > now()) as next
             from shares) s,
            (select count(*) as n, max(id) as last, min(expires_at) as next from invitations where accepted_at is null and expires_at > now()) i,
            (select count(*) as n, max(id) as last, max(last_used_at)::text as used from api_tokens) t`,
    ),
  ]);
  const datasets = new Map<number, string>();
  const runs = new Map<number, number>();
  const names = createHash("sha1");
  for (const row of rows.sort((a, b) => a.id - b.id)) {
    datasets.set(row.id, row.version);
    for (const run of row.runs) runs.set(run, row.id);
    names.update(`${row.id}\u0000${row.name}\u0000`);
  }
  return { shared: shared!.version, datasets, runs, lists: names.digest("base64url"), settings: settings! };
}
