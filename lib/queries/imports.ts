import { z } from "zod";
import { type Queryable, rowsOf } from "./rows";

/**
 * Marks as failed the imports whose loading connection is gone: the server (or
 * the app) was killed mid-load, or the database stopped under it; PostgreSQL
 * rolled the transaction back, and nothing of the file was stored. A backend
 * that started after the import did is another session that got the same pid
 * (after a restart of the database), not the load's. Run at start and before
 * each load; returns how many it marked.
 */
export async function markInterruptedImportsFailed(db: Queryable): Promise<number> {
  // Found first, then marked one by one: on a Citus cluster (imports is a reference table there) an UPDATE may
  // not read the coordinator's pg_stat_activity, nor call a STABLE function (jsonb_build_object) on its columns.
  const cut = await rowsOf(
    db,
    z.object({ id: z.number(), file_name: z.string() }),
    `select i.id, i.file_name from imports i
      where i.status = 'running'
        and not exists (select 1 from pg_stat_activity a
                         where a.datname = current_database() and a.pid = i.backend_pid and a.backend_start <= i.started_at)`,
  );
  let marked = 0;
  for (const { id, file_name } of cut) {
    const error = { code: "interrupted", message: `${file_name}: the server stopped while this file was loading; nothing from it was stored. Upload it again.` };
    const { rowCount } = await db.query(
      `update imports set status = 'failed', finished_at = statement_timestamp(), error = $2 where id = $1 and status = 'running'`,
      [id, JSON.stringify(error)],
    );
    marked += rowCount ?? 0;
  }
  return marked;
}

/**
 * Locks a load's own import records until its transaction ends; the load calls it first in its transaction (after
 * its turn on a Citus cluster), before anything there touches datasets. On Citus, imports and datasets are
 * reference tables, and every write of one takes a lock on the table's shard, held to commit (an UPDATE or FOR UPDATE
 * an exclusive one), and then the same on the shard of each table its foreign keys point to: a write of imports
 * locks imports, then datasets. Other loads write imports outside the load's turn (their records before it, a failed
 * load's marks after it), so the load must take them in that order too: when it locked the dataset's row first (an
 * append's or replace's FOR UPDATE, a new dataset's INSERT) and imports only when its first file was in, another
 * load's record, holding imports and waiting for datasets, deadlocked with it
 * (concurrent-loads.integration.test.ts). Now that record waits for the load's commit. On one server only the
 * load's own rows are locked, which nothing else writes while it runs.
 */
export async function lockImports(db: Queryable, ids: number[]): Promise<void> {
  await db.query("select 1 from imports where id = any($1::int[]) for update", [ids]);
}

/** Marks imports still running as failed with `error` ({ code, message, ... }); the time is the statement's, not its transaction's. */
export async function markImportsFailed(db: Queryable, ids: number[], error: unknown): Promise<void> {
  await db.query(
    // statement_timestamp(), not clock_timestamp(): the same here (one statement), and Citus refuses a VOLATILE function in an UPDATE.
    `update imports set status = 'failed', error = $2, finished_at = statement_timestamp() where id = any($1::int[]) and status = 'running'`,
    [ids, JSON.stringify(error)],
  );
}
