import type pg from "pg";

/**
 * Marks as failed the imports whose loading connection is gone: the server (or
 * the app) was killed mid-load, PostgreSQL rolled the transaction back, and
 * nothing of the file was stored. Run at start; returns how many it marked.
 */
export async function markInterruptedImportsFailed(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(
    `update imports set status = 'failed', finished_at = now(),
            error = jsonb_build_object('code', 'interrupted', 'message',
              file_name || ': the server stopped while this file was loading; nothing from it was stored. Upload it again.')
      where status = 'running'
        and (backend_pid is null or backend_pid not in (select pid from pg_stat_activity where datname = current_database()))`,
  );
  return rowCount ?? 0;
}
