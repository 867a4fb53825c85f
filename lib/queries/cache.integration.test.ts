import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { cached } from "./cache";

/** Saved answers on a real database: computed once, read back, and shared by readers that arrive together. */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let runId: number;

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_cache");
  pool = db.pool;
  const { rows } = await pool.query<{ id: number }>("insert into datasets (name) values ('d') returning id");
  const run = await pool.query<{ id: number }>(
    "insert into segmentation_runs (dataset_id, method, params, customers, duration_ms) values ($1, 'rfm', '{}', 0, 0) returning id",
    [rows[0]!.id],
  );
  runId = run.rows[0]!.id;
});
afterAll(async () => {
  await db.close();
});

describe("cached", () => {
  test("readers arriving together share one computation, and later readers read the saved rows", async () => {
    let computations = 0;
    const compute = async () => {
      computations++;
      const { rows } = await pool.query<{ n: number }>("select 41 + 1 as n, pg_sleep(0.2)");
      return rows.map((r) => r.n);
    };
    const together = await Promise.all(Array.from({ length: 5 }, () => cached(pool, { runId }, "answer", compute)));
    expect(together).toEqual(Array.from({ length: 5 }, () => [42]));
    expect(computations).toBe(1);
    expect(await cached(pool, { runId }, "answer", compute)).toEqual([42]);
    expect(computations).toBe(1);
    const { rows } = await pool.query("select rows from query_results where scope = $1 and name = 'answer'", [`run:${runId}`]);
    expect(rows[0].rows).toEqual([42]);
  });
});
