import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase, withDatabase } from "../../tests/support/databases";
import { errorResponse } from "../http/responses";
import { receiveUpload } from "../http/upload";

/**
 * Issue 18's check: "A load interrupted by stopping a worker leaves no rows on any node and marks the import
 * failed." Runs on a Citus cluster whose folder it knows (`npm run test:citus` passes CITUS_CLUSTER_DIR, the
 * folder ../shared/citus/cluster.sh keeps each node's data in, node-PORT); skipped elsewhere. A large upload
 * streams into the cluster; part-way through its COPY one worker is stopped at once (pg_ctl -m immediate, as a
 * crash), then started again.
 */
const PG_BIN = "/usr/lib/postgresql/15/bin";
const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
const STOCK = "STOPTEST";
const clusterDir = process.env.CITUS_CLUSTER_DIR;

/** pg_ctl on a node's data folder, as the postgres user when this runs as root (as cluster.sh does). */
function pgCtl(args: string): void {
  const command = `${PG_BIN}/pg_ctl ${args}`;
  const result = process.getuid?.() === 0 ? spawnSync("su", ["postgres", "-s", "/bin/bash", "-c", command], { encoding: "utf8" }) : spawnSync("bash", ["-c", command], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`pg_ctl ${args} failed: ${result.stderr}${result.stdout}`);
}

/** `lines` lines in pieces of 5,000; `onPiece(n)` after piece n was handed over. */
async function* bigFile(lines: number, onPiece: (n: number) => void): AsyncGenerator<Buffer> {
  yield Buffer.from(HEADER);
  for (let n = 0; n * 5000 < lines; n++) {
    const rows: string[] = [];
    for (let i = n * 5000; i < Math.min(lines, (n + 1) * 5000); i++) rows.push(`${700000 + Math.floor(i / 4)},${STOCK},WORKER STOP,${1 + (i % 6)},2011-03-0${1 + (i % 9)} 10:${String(i % 60).padStart(2, "0")}:00,1.25,${13000 + (i % 500)},United Kingdom\n`);
    yield Buffer.from(rows.join(""));
    onPiece(n);
  }
}

async function upload(pool: pg.Pool, body: AsyncIterable<Buffer>, fileName: string) {
  // A streamed multipart body, as a browser sends a large file.
  const boundary = "----segmenta-worker-stop";
  async function* multipart() {
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${fileName}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`);
    yield* body;
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  const request = new Request("http://localhost/api/datasets", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Readable.toWeb(Readable.from(multipart())) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  const response = await receiveUpload(pool, request, "new").catch(errorResponse);
  return { status: response.status, body: (await response.json()) as { datasetId?: number; error?: { code: string; message: string } } };
}

describe("a load interrupted by stopping a worker", () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;
  let citus = false;
  let workers: { port: number; url: string; dataDir: string }[] = [];

  beforeAll(async () => {
    db = await migratedDatabase(inject("adminUrl"), "segmenta_worker_stop", 6);
    const { rows } = await db.pool.query("select exists (select 1 from pg_extension where extname = 'citus') as citus");
    citus = rows[0].citus && !!clusterDir;
    if (!citus) return;
    const nodes = await db.pool.query<{ nodename: string; nodeport: number }>("select nodename, nodeport from pg_dist_node where groupid <> 0 and noderole = 'primary' order by nodeport");
    workers = nodes.rows.map((n) => {
      const u = new URL(db.url);
      u.hostname = n.nodename;
      u.port = String(n.nodeport);
      return { port: n.nodeport, url: u.toString(), dataDir: path.join(clusterDir!, `node-${n.nodeport}`) };
    });
  });
  afterAll(async () => {
    // Whatever happened, the workers run again for the tests after this one.
    for (const w of workers) if (fs.existsSync(path.join(w.dataDir, "PG_VERSION"))) spawnSync("su", ["postgres", "-s", "/bin/bash", "-c", `${PG_BIN}/pg_ctl -D '${w.dataDir}' -l '${w.dataDir}/server.log' -w status >/dev/null || ${PG_BIN}/pg_ctl -D '${w.dataDir}' -l '${w.dataDir}/server.log' -w start`]);
    await db?.close();
  });

  /** On every node, the rows of this test's file in any table of transaction_lines (a partition, a shard, a leftover). */
  async function rowsOnEachNode(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [name, url] of [["coordinator", db.url], ...workers.map((w) => [`worker ${w.port}`, withDatabase(w.url, new URL(db.url).pathname.slice(1))])]) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const tables = await client.query<{ name: string }>(
          "select c.oid::regclass::text as name from pg_class c where c.relkind = 'r' and c.relname ~ '^transaction_lines_[0-9]+' and c.relnamespace = 'public'::regnamespace",
        );
        let total = 0;
        // Read each table itself (ONLY: not through a parent), with Citus's routing off on the workers' shards.
        await client.query("set citus.override_table_visibility = off").catch(() => {});
        for (const t of tables.rows) total += Number((await client.query(`select count(*) as n from only ${t.name} where stock_code = $1`, [STOCK])).rows[0].n);
        counts[name!] = total;
      } finally {
        await client.end();
      }
    }
    return counts;
  }

  test("the upload answers an error naming the failure, the import is failed, no node keeps a row of it, and the next load works", { timeout: 600_000 }, async (context) => {
    if (!citus) return context.skip();
    const worker = workers[0]!;
    let stopped = false;
    const started = Date.now();
    const answer = await upload(
      db.pool,
      bigFile(1_500_000, (n) => {
        // About 200,000 lines in: the COPY is well under way.
        if (n === 40 && !stopped) {
          stopped = true;
          pgCtl(`-D '${worker.dataDir}' -m immediate -w stop`);
        }
      }),
      "worker-stop.csv",
    );
    const failedAfter = Date.now() - started;
    expect(stopped).toBe(true);
    // It names the file and the server that stopped (the coordinator itself answered all along).
    expect(answer.status).toBe(503);
    expect(answer.body.error?.message).toMatch(/^worker-stop\.csv: /);
    expect(answer.body.error?.message).toContain(`${new URL(worker.url).hostname}:${worker.port}`);
    expect(answer.body.error?.message).toMatch(/nothing from it was stored/);
    console.log(`[worker stop] answered ${answer.status} after ${failedAfter} ms: ${answer.body.error?.message}`);

    pgCtl(`-D '${worker.dataDir}' -l '${worker.dataDir}/server.log' -w start`);
    // The import row ends failed once the worker answers again (the load marks it through the pool, retrying).
    let status = "";
    for (let wait = 0; wait < 120 && status !== "failed"; wait++) {
      const { rows } = await db.pool.query<{ status: string }>("select status::text from imports where file_name = 'worker-stop.csv' order by id desc limit 1").catch(() => ({ rows: [] as { status: string }[] }));
      status = rows[0]?.status ?? "";
      if (status !== "failed") await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(status).toBe("failed");
    // Citus's two-phase commit leaves nothing prepared on any worker once its recovery ran.
    await db.pool.query("select recover_prepared_transactions()");
    for (const w of workers) {
      const client = new pg.Client({ connectionString: w.url });
      await client.connect();
      try {
        expect((await client.query("select gid from pg_prepared_xacts")).rows, `worker ${w.port}`).toEqual([]);
      } finally {
        await client.end();
      }
    }
    expect(await rowsOnEachNode()).toEqual(Object.fromEntries([["coordinator", 0], ...workers.map((w) => [`worker ${w.port}`, 0])]));
    expect((await db.pool.query("select count(*)::int as n from datasets where name = 'worker-stop.csv'")).rows[0].n).toBe(0);

    // The next load works, and its rows are where they should be.
    const next = await upload(db.pool, bigFile(20_000, () => {}), "after-stop.csv");
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect((await db.pool.query("select count(*)::int as n from transaction_lines where dataset_id = $1", [next.body.datasetId])).rows[0].n).toBe(20_000);
  });
});
