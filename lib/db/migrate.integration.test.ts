import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, inject, test } from "vitest";
import { createDatabase } from "../../tests/support/databases";
import { migrate, readMigrations } from "./migrate";

const scratch: Awaited<ReturnType<typeof createDatabase>>[] = [];
const tempDirs: string[] = [];
async function freshDatabase() {
  const db = await createDatabase(inject("adminUrl"), "segmenta_migrate");
  scratch.push(db);
  return db.url;
}
afterEach(async () => {
  await Promise.all(scratch.splice(0).map((db) => db.drop()));
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The app's migrations and, after them, a test's own: on Citus the runner lays out the app's tables after the
 * migrations (lib/db/citus.ts), which a folder of the test's migrations alone would not have.
 */
function appMigrationsAnd(files: Record<string, string>): string {
  return migrationsDir({ ...Object.fromEntries(readMigrations().map((m) => [m.name, m.sql])), ...files });
}

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "segmenta-migrations-"));
  tempDirs.push(dir);
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

describe("migrate", () => {
  test("applies every migration in order and records it as Prisma does", async () => {
    const url = await freshDatabase();
    const onDisk = fs.readdirSync("prisma/migrations").filter((n) => fs.existsSync(`prisma/migrations/${n}/migration.sql`)).sort();
    const result = await migrate(url);
    expect(result).toEqual({ applied: onDisk, wasEmpty: true });

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number; rolled_back_at: Date | null }>(
      url,
      `select migration_name, checksum, finished_at, applied_steps_count, rolled_back_at from _prisma_migrations order by migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(onDisk);
    for (const row of rows) {
      const sha = createHash("sha256").update(fs.readFileSync(`prisma/migrations/${row.migration_name}/migration.sql`)).digest("hex");
      expect(row.checksum).toBe(sha);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  test("applies nothing the second time", async () => {
    const url = await freshDatabase();
    await migrate(url);
    expect(await migrate(url)).toEqual({ applied: [], wasEmpty: false });
  });

  test("two starts at once apply each migration exactly once", async () => {
    const url = await freshDatabase();
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(readMigrations().map((m) => m.name));
    const rows = await query<{ n: string }>(url, `select count(*) as n from _prisma_migrations`);
    expect(Number(rows[0]!.n)).toBe(readMigrations().length);
  });

  test("a failing migration leaves nothing behind, is recorded as failed, and is retried once fixed", async () => {
    const url = await freshDatabase();
    const dir = appMigrationsAnd({
      "20991231000001_first": "create table first_table (id int);",
      "20991231000002_broken": "create table half_made (id int);\nselect no_such_function();",
    });
    await expect(migrate(url, { dir })).rejects.toThrow(/Migration 20991231000002_broken failed and was rolled back: .*no_such_function/);
    const tables = await query<{ relname: string }>(url, `select relname from pg_class where relname in ('first_table', 'half_made')`);
    expect(tables.map((t) => t.relname)).toEqual(["first_table"]);
    const failed = await query<{ finished_at: Date | null; logs: string }>(url, `select finished_at, logs from _prisma_migrations where migration_name = '20991231000002_broken'`);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.finished_at).toBeNull();
    expect(failed[0]!.logs).toMatch(/no_such_function/);

    fs.writeFileSync(path.join(dir, "20991231000002_broken", "migration.sql"), "create table half_made (id int);");
    expect(await migrate(url, { dir })).toEqual({ applied: ["20991231000002_broken"], wasEmpty: false });
    const history = await query<{ finished_at: Date | null; rolled_back_at: Date | null }>(
      url,
      `select finished_at, rolled_back_at from _prisma_migrations where migration_name = '20991231000002_broken' order by started_at`,
    );
    expect(history.map((h) => [h.finished_at !== null, h.rolled_back_at !== null])).toEqual([
      [false, true],
      [true, false],
    ]);
  });

  test("warns when an applied migration was edited afterwards", async () => {
    const url = await freshDatabase();
    // A comment, not a table: on Citus a table of its own would have no place in the layout, and be warned about.
    const dir = appMigrationsAnd({ "20991231000001_first": "comment on table datasets is 'first';" });
    await migrate(url, { dir });
    fs.writeFileSync(path.join(dir, "20991231000001_first", "migration.sql"), "comment on table datasets is 'first, edited';");
    const lines: string[] = [];
    await migrate(url, { dir, log: (l) => lines.push(l) });
    expect(lines).toEqual(["warning: migration 20991231000001_first was changed after it was applied (checksum differs)"]);
  });
  test("a later migration of several statements on the bulk tables applies (on Citus, sent one statement at a time)", async () => {
    const url = await freshDatabase();
    await migrate(url);
    // By now a Citus cluster has distributed these tables (lib/db/citus.ts); it refuses a query string holding
    // several DDL statements on them, and takes them one at a time.
    const later = "20991231000000_later";
    const files = Object.fromEntries(readMigrations().map((m) => [m.name, m.sql]));
    files[later] = `-- two statements; a semicolon in this comment; and one in a string
alter table customer_summaries add column later_note text default 'a;b';
alter table customers add column later_flag boolean;
create index "later;idx" on invoice_totals (dataset_id, invoice_no);`;
    const result = await migrate(url, { dir: migrationsDir(files) });
    expect(result.applied).toEqual([later]);
    const columns = await query<{ table_name: string; column_name: string; column_default: string | null }>(
      url,
      `select table_name, column_name, column_default from information_schema.columns where column_name like 'later_%' order by 1`,
    );
    expect(columns).toEqual([
      { table_name: "customer_summaries", column_name: "later_note", column_default: "'a;b'::text" },
      { table_name: "customers", column_name: "later_flag", column_default: null },
    ]);
    expect(await query(url, `select 1 from pg_indexes where indexname = 'later;idx'`)).toHaveLength(1);
  });
});
