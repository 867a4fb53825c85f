import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate } from "../../lib/db/migrate";
import { createPool } from "../../lib/db/pool";
import { preparerFor } from "../../lib/services/preparation";

/**
 * Databases for tests: each run (and each test that needs an empty database)
 * gets its own, created on the test server and dropped afterwards, so tests
 * never touch the data of a running dashboard, even on a shared server.
 */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabase(adminUrl: string, prefix: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  await adminQuery(adminUrl, `create database "${name}"`);
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => adminQuery(adminUrl, `drop database if exists "${name}" with (force)`),
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty folder for a throwaway PostgreSQL data directory, reachable by the postgres user. */
export function makeTempDataDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.chmodSync(dir, 0o755);
  return path.join(dir, "pgdata");
}

/** A fresh database on the test server, migrated, with a pool; close() ends the pool and drops the database. */
export async function migratedDatabase(adminUrl: string, prefix: string, poolSize = 4): Promise<{ url: string; pool: pg.Pool; close: () => Promise<void> }> {
  const db = await createDatabase(adminUrl, prefix);
  await migrate(db.url);
  const pool = createPool(db.url, poolSize);
  return {
    url: db.url,
    pool,
    close: async () => {
      // The preparation a test's loads and runs set going stops before its database goes.
      await preparerFor(pool).stop();
      await pool.end();
      await db.drop();
    },
  };
}
