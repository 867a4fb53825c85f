import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { z } from "zod";
import { computeAnswer, onDemand, savedAnswers } from "./cache";

/** Saved answers on a real database: readers never compute them; on-demand answers are computed once and shared. */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let datasetId: number;
let runId: number;

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_cache");
  pool = db.pool;
  const { rows } = await pool.query<{ id: number }>("insert into datasets (name) values ('d') returning id");
  datasetId = rows[0]!.id;
  const run = await pool.query<{ id: number }>(
    "insert into segmentation_runs (dataset_id, method, params, customers, duration_ms) values ($1, 'rfm', '{}', 0, 0) returning id",
    [datasetId],
  );
  runId = run.rows[0]!.id;
});
afterAll(async () => {
  await db.close();
});

describe("saved answers", () => {
  test("a reader gets null for an answer not computed, and never computes it", async () => {
    let computations = 0;
    const query = { name: "not-yet", compute: async () => [++computations], parse: (saved: unknown) => z.array(z.number()).parse(saved) };
    expect(await savedAnswers(pool, { datasetId }, [query] as const)).toEqual([null]);
    expect(computations).toBe(0);
  });

  test("a dataset's answers are read for its current data version only", async () => {
    const query = { name: "figures", compute: async () => [{ n: 1 }], parse: (saved: unknown) => z.array(z.object({ n: z.number() })).parse(saved) };
    await computeAnswer(pool, { datasetId }, query, 0);
    expect(await savedAnswers(pool, { datasetId }, [query] as const)).toEqual([[{ n: 1 }]]);
    await pool.query("update datasets set data_version = data_version + 1 where id = $1", [datasetId]); // a load
    expect(await savedAnswers(pool, { datasetId }, [query] as const)).toEqual([null]);
  });

  test("on-demand answers: readers arriving together share one computation, and later readers read the saved rows", async () => {
    let computations = 0;
    const query = {
      name: "answer",
      compute: async () => {
        computations++;
        const { rows } = await pool.query<{ n: number }>("select 41 + 1 as n, pg_sleep(0.2)");
        return rows.map((r) => r.n);
      },
      parse: (saved: unknown) => z.array(z.number()).parse(saved),
    };
    const together = await Promise.all(Array.from({ length: 5 }, () => onDemand(pool, runId, query)));
    expect(together).toEqual(Array.from({ length: 5 }, () => [42]));
    expect(computations).toBe(1);
    expect(await onDemand(pool, runId, query)).toEqual([42]);
    expect(computations).toBe(1);
    const { rows } = await pool.query("select rows from query_results where scope = $1 and name = 'answer'", [`run:${runId}`]);
    expect(rows[0].rows).toEqual([42]);
  });
});
