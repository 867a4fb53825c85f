import type pg from "pg";

/** The app_settings table (one JSON value per key), and a lock that serialises work across server processes. */

/** Runs `work` holding a PostgreSQL advisory lock (another process asking for it waits), on one connection. */
export async function withAdvisoryLock<T>(pool: pg.Pool, key: number, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [key]);
    return await work(client);
  } finally {
    await client.query("select pg_advisory_unlock($1)", [key]).catch(() => {});
    client.release();
  }
}

export async function settingExists(db: pg.Pool | pg.ClientBase, key: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from app_settings where key = $1", [key]);
  return (rowCount ?? 0) > 0;
}

/** Saves a setting unless it is set already (the first writer wins). */
export async function saveSettingOnce(db: pg.Pool | pg.ClientBase, key: string, value: unknown): Promise<void> {
  await db.query("insert into app_settings (key, value) values ($1, $2) on conflict (key) do nothing", [key, JSON.stringify(value)]);
}

/** A setting's value, or undefined when it is not set. */
export async function readSetting(db: pg.Pool | pg.ClientBase, key: string): Promise<unknown> {
  const { rows } = await db.query("select value from app_settings where key = $1", [key]);
  return (rows[0] as { value: unknown } | undefined)?.value;
}

export async function saveSetting(db: pg.Pool | pg.ClientBase, key: string, value: unknown): Promise<void> {
  await db.query(
    "insert into app_settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at",
    [key, JSON.stringify(value)],
  );
}

/** Whether the database holds any dataset. */
export async function anyDataset(db: pg.Pool | pg.ClientBase): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from datasets limit 1");
  return (rowCount ?? 0) > 0;
}
