import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startEmbeddedPostgres, type EmbeddedServer } from "../db/embedded";
import { migrate } from "../db/migrate";
import { createPool } from "../db/pool";
import { makeTempDataDir, migratedDatabase } from "../../tests/support/databases";
import { loadFiles } from "./load";

/**
 * Issue 17, item 2: an import's row tells the truth about its load. Its
 * started_at and finished_at span the load as the wall clock measured it, and
 * a load cut off by a database outage ends as failed once the database is
 * back, without a restart of the app.
 */
const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
const line = (i: number) => `${536365 + i},85123A,HEART,6,2010-12-01 08:26:00,2.55,${17850 + (i % 50)},United Kingdom\n`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A file arriving slowly (a slow network): `pieces` chunks of lines, `gap` ms apart; `onPiece` after each is handed over. */
async function* trickle(pieces: number, gap: number, onPiece: (n: number) => Promise<void> | void = () => {}): AsyncGenerator<Buffer> {
  yield Buffer.from(HEADER);
  for (let n = 0; n < pieces; n++) {
    await sleep(gap);
    yield Buffer.from(Array.from({ length: 200 }, (_, i) => line(n * 200 + i)).join(""));
    await onPiece(n);
  }
}

describe("an import's times", () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;

  beforeAll(async () => {
    db = await migratedDatabase(inject("adminUrl"), "segmenta_import_times");
  });
  afterAll(async () => {
    await db.close();
  });

  test("finished_at - started_at is the load's duration as the wall clock measured it", async () => {
    const t0 = performance.now();
    const { imports } = await loadFiles(db.pool, { mode: "create", name: "slow" }, [{ fileName: "slow.csv", body: trickle(8, 250) }]);
    const wall = (performance.now() - t0) / 1000;
    const { rows } = await db.pool.query(
      `select status, extract(epoch from finished_at - started_at)::float8 as seconds from imports where id = $1`,
      [imports[0]!.importId],
    );
    expect(rows[0].status).toBe("succeeded");
    expect(wall).toBeGreaterThan(2);
    expect(rows[0].seconds).toBeGreaterThan(wall - 0.3);
    expect(rows[0].seconds).toBeLessThanOrEqual(wall + 0.05);
    // The dataset was updated when the load ended (its commit), not when its transaction began.
    const dataset = await db.pool.query(
      `select extract(epoch from d.updated_at - i.finished_at)::float8 as after from datasets d join imports i on i.dataset_id = d.id where i.id = $1`,
      [imports[0]!.importId],
    );
    expect(dataset.rows[0].after).toBeGreaterThanOrEqual(0);
  });

  test("an import left running by a load whose connection died is marked failed by the next load, not only at the next start", async () => {
    const { rows } = await db.pool.query(
      `insert into imports (kind, file_name, status, backend_pid) values ('transactions', 'orphan.csv', 'running', 2147483000) returning id`,
    );
    await loadFiles(db.pool, { mode: "create", name: "next" }, [{ fileName: "next.csv", body: trickle(1, 0) }]);
    const after = await db.pool.query(`select status, error->>'code' as code from imports where id = $1`, [rows[0].id]);
    expect(after.rows).toEqual([{ status: "failed", code: "interrupted" }]);
  });

  test("each file of a load has its own times: the second starts when the first has finished", async () => {
    const { imports } = await loadFiles(db.pool, { mode: "create", name: "two files" }, [
      { fileName: "first.csv", body: trickle(12, 250) },
      { fileName: "second.csv", body: trickle(1, 0) },
    ]);
    const { rows } = await db.pool.query(
      `select file_name, extract(epoch from started_at)::float8 as started, extract(epoch from finished_at)::float8 as finished from imports where id = any($1::int[]) order by id`,
      [imports.map((i) => i.importId)],
    );
    const [first, second] = rows;
    expect(first.finished - first.started).toBeGreaterThan(1.4);
    expect(second.started).toBeGreaterThanOrEqual(first.finished);
    // Its own time, not the transaction's (which the first file's trickle fills): shorter than the first's. (A bound
    // of 1 s failed on a Citus cluster, where a one-line file took 1.38 s under load.)
    expect(second.finished - second.started).toBeLessThan(first.finished - first.started);
  });
});

describe("a database outage in the middle of a load", () => {
  let server: EmbeddedServer;
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    dataDir = makeTempDataDir("segmenta-outage");
    server = await startEmbeddedPostgres({ dataDir, port: 0, database: "outage" });
    url = server.url;
    await migrate(url);
  }, 120_000);
  afterAll(async () => {
    await server.stop();
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }, 60_000);

  test("leaves the import failed, not running, once the database is back (without restarting the app)", async () => {
    const pool = createPool(url, 4);
    try {
      // The database stops after the second piece has gone in, while the load waits for the third.
      let stopped: Promise<void> | null = null;
      const load = loadFiles(pool, { mode: "create", name: "cut off" }, [
        {
          fileName: "cut.csv",
          body: trickle(6, 200, (n) => {
            if (n === 1) stopped = server.stop();
          }),
        },
      ]).catch((error: unknown) => error);
      const error = await load;
      expect(error).toMatchObject({ status: 503, code: "database_unavailable" });
      await stopped;
      server = await startEmbeddedPostgres({ dataDir, port: server.port, database: "outage" });
      // The app's pool is the same; the import's row becomes failed once the database answers again.
      const deadline = Date.now() + 30_000;
      let row: { status: string; code: string | null; seconds: number } | undefined;
      while (Date.now() < deadline) {
        const { rows } = await pool
          .query(`select status, error->>'code' as code, extract(epoch from finished_at - started_at)::float8 as seconds from imports where file_name = 'cut.csv'`)
          .catch(() => ({ rows: [] }));
        row = rows[0];
        if (row && row.status !== "running") break;
        await sleep(200);
      }
      expect(row).toMatchObject({ status: "failed", code: "database_unavailable" });
      const { rows } = await pool.query(`select count(*)::int as n from datasets where name = 'cut off'`);
      expect(rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  }, 120_000);
});
