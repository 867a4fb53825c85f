import type { Queryable } from "./rows";

/**
 * Marks as failed the imports whose loading connection is gone: the server (or
 * the app) was killed mid-load, or the database stopped under it; PostgreSQL
 * rolled the transaction back, and nothing of the file was stored. A backend
 * that started after the import did is another session that got the same pid
 * (after a restart of the database), not the load's. Run at start and before
 * each load; returns how many it marked.
 */
export async function markInterruptedImportsFailed(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `update imports set status = 'failed', finished_at = clock_timestamp(),
            error = jsonb_build_object('code', 'interrupted', 'message',
              file_name || ': the server stopped while this file was loading; nothing from it was stored. Upload it again.')
      where status = 'running'
        and not exists (select 1 from pg_stat_activity a
                         where a.datname = current_database() and a.pid = imports.backend_pid and a.backend_start <= imports.started_at)`,
  );
  return rowCount ?? 0;
}

/** Marks imports still running as failed with `error` ({ code, message, ... }); the time is the statement's, not its transaction's. */
export async function markImportsFailed(db: Queryable, ids: number[], error: unknown): Promise<void> {
  await db.query(
    `update imports set status = 'failed', error = $2, finished_at = clock_timestamp() where id = any($1::int[]) and status = 'running'`,
    [ids, JSON.stringify(error)],
  );
}
