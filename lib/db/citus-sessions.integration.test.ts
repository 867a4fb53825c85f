import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { prepared } from "../../tests/support/reference-data";
import { loadFiles } from "../ingest/load";
import { sqlFile, sqlFileValues } from "../queries/sql-file";
import { hasCitus } from "./citus";

/**
 * The database's sessions on a Citus cluster run without JIT (lib/db/citus-sessions.ts), on the coordinator and
 * on the workers' task connections; on one PostgreSQL the server's setting stays.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let citus = false;
let dataset: number;
beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_citus_sessions", 2);
  citus = await hasCitus(db.pool);
  const csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom\n";
  dataset = await prepared(db.pool, (await loadFiles(db.pool, { mode: "create", name: "one line" }, [{ fileName: "one.csv", body: [csv] }])).datasetId);
});
afterAll(async () => {
  await db?.close();
});

/** Every "JIT" entry of an EXPLAIN (ANALYZE, FORMAT JSON), the workers' tasks' plans included (Citus nests them). */
function jitEntries(plan: unknown): unknown[] {
  if (Array.isArray(plan)) return plan.flatMap(jitEntries);
  if (plan === null || typeof plan !== "object") return [];
  return Object.entries(plan).flatMap(([key, value]) => (key === "JIT" ? [value] : jitEntries(value)));
}

describe("JIT", () => {
  test("is off for a new session on the coordinator and on every worker's connection (Citus)", async (context) => {
    if (!citus) return context.skip();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      expect((await client.query("show jit")).rows[0].jit).toBe("off");
      const workers = await client.query<{ result: string }>("select result from run_command_on_workers('show jit')");
      expect(workers.rows.map((r) => r.result)).toEqual(["off", "off"]);
    } finally {
      await client.end();
    }
  });

  test("does not compile order-value-distribution.sql on a one-line dataset (its plan's costs passed jit_above_cost on Citus)", async () => {
    const file = sqlFile("order-value-distribution");
    const { rows } = await db.pool.query(`explain (analyze, format json) ${file.statement}`, sqlFileValues(file, dataset));
    const entries = jitEntries(rows[0]["QUERY PLAN"]);
    if (citus) expect(entries).toEqual([]);
    else expect(rows[0]["QUERY PLAN"]).toBeTruthy();
  });

  test("is left as the server has it on one PostgreSQL (no setting of the database's own)", async (context) => {
    if (citus) return context.skip();
    const { rows } = await db.pool.query(
      "select count(*)::int as n from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = current_database()",
    );
    expect(rows[0].n).toBe(0);
    const { rows: jit } = await db.pool.query("select setting = reset_val as unchanged from pg_settings where name = 'jit'");
    expect(jit[0].unchanged).toBe(true);
  });
});
