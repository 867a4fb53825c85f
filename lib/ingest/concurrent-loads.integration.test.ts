import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { ADVISORY_LOCKS } from "../db/advisory-locks";
import { hasCitus } from "../db/citus";
import { loadFiles } from "./load";
import { SNIFF_BYTES } from "./sniff";

/**
 * Several datasets loaded at the same time (issue 18): on one PostgreSQL and on a Citus cluster alike, every load
 * ends with its own lines and its import succeeded. On Citus they deadlocked between their partitions' creation
 * (create_distributed_table of each new partition, and its attach, in each load's transaction).
 */
const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

/** `lines` lines of dataset `n`, as a file arriving in a few pieces (so the loads overlap). */
async function* file(n: number, lines: number): AsyncGenerator<Buffer> {
  yield Buffer.from(HEADER);
  for (let from = 0; from < lines; from += 500) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const rows: string[] = [];
    for (let i = from; i < Math.min(lines, from + 500); i++) rows.push(`${n * 100_000 + i},85123A,HEART,${1 + (i % 5)},2010-12-01 08:26:00,2.55,${17850 + (i % 40)},United Kingdom\n`);
    yield Buffer.from(rows.join(""));
  }
}

/**
 * Dataset `n`'s file in two parts: more than the sniffed head first (so its load has created its table and begun its
 * COPY), then the rest once `ready` resolves: loads given the same `ready` are all mid-COPY at once.
 */
async function* gated(n: number, ready: Promise<unknown>, arrived: () => void): AsyncGenerator<Buffer> {
  const rows = (from: number, to: number) => {
    const out: string[] = [];
    for (let i = from; i < to; i++) out.push(`${n * 100_000 + i},85123A,HEART,${1 + (i % 5)},2010-12-01 08:26:00,2.55,${17850 + (i % 40)},United Kingdom\n`);
    return out.join("");
  };
  const head = Buffer.from(HEADER + rows(0, 5000));
  expect(head.length).toBeGreaterThan(SNIFF_BYTES);
  yield head;
  arrived();
  await ready;
  yield Buffer.from(rows(5000, 6000));
}

describe("loads at the same time", () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await migratedDatabase(inject("adminUrl"), "segmenta_concurrent_loads", 12);
    pool = db.pool;
  });
  afterAll(async () => {
    await db?.close();
  });

  test("six new datasets loaded at once each get their own lines, and their imports succeed", async () => {
    const sizes = [3000, 1200, 2500, 800, 2000, 1500];
    const results = await Promise.allSettled(sizes.map((lines, n) => loadFiles(pool, { mode: "create", name: `at once ${n}` }, [{ fileName: `at-once-${n}.csv`, body: file(n, lines) }])));
    const errors = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message ?? r.reason)] : []));
    expect(errors).toEqual([]);
    for (const [n, result] of results.entries()) {
      const { datasetId, imports } = (result as PromiseFulfilledResult<Awaited<ReturnType<typeof loadFiles>>>).value;
      const { rows } = await pool.query(
        `select (select count(*)::int from transaction_lines where dataset_id = $1) as lines,
                (select status::text from imports where id = $2) as status`,
        [datasetId, imports[0]!.importId],
      );
      expect(rows[0], `dataset ${n}`).toEqual({ lines: sizes[n], status: "succeeded" });
    }
  });

  test("appends, replaces and new datasets at once", async () => {
    const base = await Promise.all([0, 1, 2].map((n) => loadFiles(pool, { mode: "create", name: `base ${n}` }, [{ fileName: `base-${n}.csv`, body: file(10 + n, 600) }])));
    const [a, b, c] = base.map((r) => r.datasetId) as [number, number, number];
    const results = await Promise.allSettled([
      loadFiles(pool, { mode: "append", datasetId: a }, [{ fileName: "append.csv", body: file(20, 700) }]),
      loadFiles(pool, { mode: "replace", datasetId: b }, [{ fileName: "replace.csv", body: file(21, 900) }]),
      loadFiles(pool, { mode: "create", name: "new beside" }, [{ fileName: "new.csv", body: file(22, 1000) }]),
      loadFiles(pool, { mode: "replace", datasetId: c }, [{ fileName: "replace-c.csv", body: file(23, 400) }]),
    ]);
    expect(results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message ?? r.reason)] : []))).toEqual([]);
    const count = async (id: number) => (await pool.query("select count(*)::int as n from transaction_lines where dataset_id = $1", [id])).rows[0].n as number;
    expect(await count(a)).toBe(1300);
    expect(await count(b)).toBe(900);
    expect(await count(c)).toBe(400);
    expect(await count((results[2] as PromiseFulfilledResult<{ datasetId: number }>).value.datasetId)).toBe(1000);
  });

  test("a load that starts while an append is mid-COPY waits for it, and both land", async () => {
    // On Citus the import record a load writes before its turn (imports, a reference table) locks imports' shard and
    // then that of datasets, which imports references; the append in its turn had locked the dataset's row (datasets)
    // first and wanted imports once its COPY ended: 'deadlock detected' between the two, every time the record came
    // after the append's turn began. Here it always does: the append is held mid-COPY until the new load's record is
    // written (one server) or waits for a lock (Citus), then let go.
    const { datasetId } = await loadFiles(pool, { mode: "create", name: "appended mid-COPY" }, [{ fileName: "old.csv", body: file(50, 300) }]);
    let midCopy = () => {};
    const appending = new Promise<void>((resolve) => (midCopy = resolve));
    let letGo = () => {};
    const ready = new Promise<void>((resolve) => (letGo = resolve));
    const append = loadFiles(pool, { mode: "append", datasetId }, [{ fileName: "more.csv", body: gated(51, ready, midCopy) }]);
    await appending;
    const beside = loadFiles(pool, { mode: "create", name: "started mid-COPY" }, [{ fileName: "beside.csv", body: file(52, 500) }]);
    const citus = await hasCitus(pool);
    for (;;) {
      const { rows } = await pool.query<{ there: boolean }>(
        citus
          ? `select exists (select 1 from citus_lock_waits w join citus_stat_activity a on a.global_pid = w.waiting_gpid
                             where a.datname = current_database() and w.blocked_statement ilike 'insert into imports%') as there`
          : "select exists (select 1 from imports where file_name = 'beside.csv') as there",
      );
      if (rows[0]!.there) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    letGo();
    const results = await Promise.allSettled([append, beside]);
    expect(results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message ?? r.reason)] : []))).toEqual([]);
    const { rows } = await pool.query(
      "select d.name, count(l.*)::int as lines from datasets d left join transaction_lines l on l.dataset_id = d.id where d.name in ('appended mid-COPY', 'started mid-COPY') group by 1 order by 1",
    );
    expect(rows).toEqual([
      { name: "appended mid-COPY", lines: 6300 },
      { name: "started mid-COPY", lines: 500 },
    ]);
    const { rows: imports } = await pool.query("select file_name, status::text from imports where file_name in ('more.csv', 'beside.csv') order by 1");
    expect(imports).toEqual([
      { file_name: "beside.csv", status: "succeeded" },
      { file_name: "more.csv", status: "succeeded" },
    ]);
  });

  test("two replaces whose COPYs overlap both end with their own lines (on Citus: the second waits its turn)", async () => {
    // Each replace's table was made LIKE the parent, keeping its ACCESS SHARE lock to commit; both then asked for the
    // parent's ACCESS EXCLUSIVE to detach the old lines: 'deadlock detected' every time.
    // On a Citus cluster loads take turns (loadsOneAtATime, storage.ts), so they cannot both be mid-COPY: there the
    // first is held mid-COPY until the second waits for its turn (the load turn's advisory lock, not granted; or, when
    // its import record came after the first's turn began, that record, for the first's lock on imports), then both land.
    const base = await Promise.all([0, 1].map((n) => loadFiles(pool, { mode: "create", name: `to replace ${n}` }, [{ fileName: `old-${n}.csv`, body: file(30 + n, 300) }])));
    const turns = await hasCitus(pool);
    let arrivals = 0;
    let bothThere = () => {};
    const ready = new Promise<void>((resolve) => (bothThere = resolve));
    const secondWaitsItsTurn = async () => {
      for (;;) {
        const { rows } = await pool.query<{ n: number }>(
          // A one-key advisory lock is (classid, objid) = its high and low 32 bits, objsubid 1.
          `select (select count(*)::int from pg_locks where locktype = 'advisory' and classid = 0 and objid = $1 and objsubid = 1 and not granted
                     and database = (select oid from pg_database where datname = current_database()))
                + (select count(*)::int from citus_lock_waits w join citus_stat_activity a on a.global_pid = w.waiting_gpid
                    where a.datname = current_database() and w.blocked_statement ilike 'insert into imports%') as n`,
          [ADVISORY_LOCKS.citusLoad],
        );
        if (rows[0]!.n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const arrived = () => {
      if (++arrivals === 2) bothThere();
      else if (turns && arrivals === 1) void secondWaitsItsTurn().then(bothThere);
    };
    const results = await Promise.allSettled(
      base.map(({ datasetId }, n) => loadFiles(pool, { mode: "replace", datasetId }, [{ fileName: `new-${n}.csv`, body: gated(40 + n, ready, arrived) }])),
    );
    expect(results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message ?? r.reason)] : []))).toEqual([]);
    for (const [n, { datasetId }] of base.entries()) {
      const { rows } = await pool.query("select count(*)::int as n, min(invoice_no) as first from transaction_lines where dataset_id = $1", [datasetId]);
      expect(rows[0]).toEqual({ n: 6000, first: String((40 + n) * 100_000) });
    }
  });
});
