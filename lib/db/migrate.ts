import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { rowsOf } from "../queries/rows";
import { distributeForCitus } from "./citus";
import { sessionSettingsForCitus } from "./citus-sessions";
import { splitStatements } from "./statements";
import { ADVISORY_LOCKS } from "./advisory-locks";

/**
 * Applies the SQL migrations in prisma/migrations the way `prisma migrate deploy`
 * does, without Prisma's schema engine (which cannot be downloaded here):
 * in name order, each in its own transaction, recorded in `_prisma_migrations`
 * with Prisma's checksum (sha256 of migration.sql), so `prisma migrate status`
 * agrees on a connected machine. An advisory lock keeps two starts from racing.
 * On a Citus cluster, the tables then take their places on the nodes (lib/db/citus.ts), and the database
 * runs without JIT (lib/db/citus-sessions.ts).
 */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  /** True when the database had no migrations before this run. */
  wasEmpty: boolean;
}

// Prisma Migrate's own advisory lock key, so our step and the Prisma CLI also exclude each other.
const LOCK_KEY = ADVISORY_LOCKS.migrate;

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export const defaultMigrationsDir = () => path.resolve(process.cwd(), "prisma/migrations");

export function readMigrations(dir = defaultMigrationsDir()): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    });
}

/** A migration as `_prisma_migrations` records it. */
const Applied = z.object({ migration_name: z.string(), checksum: z.string(), finished_at: z.date().nullable(), rolled_back_at: z.date().nullable() });

export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const migrations = readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const rows = await rowsOf(client, Applied, `select migration_name, checksum, finished_at, rolled_back_at from "_prisma_migrations" order by started_at`);

    const finished = new Map(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r]));
    for (const row of rows) {
      if (!row.finished_at && !row.rolled_back_at) {
        // Our migrations run in a transaction, so a failed one left nothing behind:
        // mark it rolled back (as `prisma migrate resolve --rolled-back` would) and try again.
        await client.query(
          `update "_prisma_migrations" set rolled_back_at = now() where migration_name = $1 and finished_at is null and rolled_back_at is null`,
          [row.migration_name],
        );
      }
    }
    for (const m of migrations) {
      const done = finished.get(m.name);
      if (done && done.checksum !== m.checksum) {
        log(`warning: migration ${m.name} was changed after it was applied (checksum differs)`);
      }
    }
    const known = new Set(migrations.map((m) => m.name));
    for (const name of finished.keys()) {
      if (!known.has(name)) log(`warning: the database has migration ${name}, which is not in ${options.dir ?? "prisma/migrations"}`);
    }

    const applied: string[] = [];
    for (const m of migrations.filter((m) => !finished.has(m.name))) {
      const id = randomUUID();
      const started = Date.now();
      try {
        await client.query("begin");
        // One statement at a time: Citus refuses a query string of several DDL statements on its tables.
        for (const statement of splitStatements(m.sql)) await client.query(statement);
        await client.query(
          `insert into "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           values ($1, $2, $3, $4, now(), 1)`,
          [id, m.checksum, m.name, new Date(started)],
        );
        await client.query("commit");
      } catch (error) {
        await client.query("rollback");
        const message = error instanceof Error ? error.message : String(error);
        await client.query(
          `insert into "_prisma_migrations" (id, checksum, migration_name, started_at, logs, applied_steps_count)
           values ($1, $2, $3, $4, $5, 0)`,
          [id, m.checksum, m.name, new Date(started), message],
        );
        throw new Error(`Migration ${m.name} failed and was rolled back: ${message}`);
      }
      log(`applied migration ${m.name} (${Date.now() - started} ms)`);
      applied.push(m.name);
    }
    // On a Citus cluster, the tables the migrations made (or a new one) take their places on the nodes.
    await distributeForCitus(client, log);
    // And run their queries without JIT compilation (lib/db/citus-sessions.ts).
    await sessionSettingsForCitus(client, log);
    return { applied, wasEmpty: finished.size === 0 };
  } finally {
    await client.query("select pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
