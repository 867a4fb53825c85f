/**
 * `npm run bench -- --citus [--lines N] [--shards 32]`: the same figures on one PostgreSQL and on a local Citus
 * cluster of three nodes (issue 18), in one run, side by side with their ratio (printed by bench-citus-report.ts).
 *
 * Each side is a fresh database (one server: as `npm run bench` makes it; the cluster: a database on a coordinator
 * and two workers started here, scripts/citus-cluster.ts) with Segmenta started on it as `npm start` does. On each:
 * the reference `psql \copy` (into a plain typed table; on the cluster, distributed on invoice_no: the file has no
 * never-null customer column, the lines' customer_key is written by the loader),
 * the upload through the HTTP API, its preparation step by step, a plain SQL aggregate per customer against the
 * run inputs, an RFM and a k-means run through the API, every answer of their pages computed again one by one, and
 * each dashboard page's first render. A query or page that fails prints a failure line; the bench goes on.
 * For the cluster, how the time splits: the load's partition creation and distribution against its COPY, and
 * EXPLAIN ANALYZE of the main per-customer queries (distributed part against the coordinator's own, tasks, whether
 * the per-customer grouping runs on the workers). Then a correctness check: the same lines, invoices, customers,
 * revenue, RFM segment counts and answers' rows on both.
 * Data: the UCI Online Retail file (541,909 lines); `--lines N` a generated set of about N lines (npm run sample,
 * kept in .data/bench).
 */
import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { migrate } from "../lib/db/migrate";
import { createPartitionTable } from "../lib/ingest/storage";
import { getCustomerFeatures, customerFeaturesSql } from "../lib/queries/customer-features";
import { getRepeatSummaries, repeatSummarySql } from "../lib/queries/repeat-summary";
import { runStatement, sqlFile } from "../lib/queries/sql-file";
import { runAnswers } from "../lib/services/answers";
import { createDatabase } from "../tests/support/databases";
import { benchGround, dashboardPages, log, postRun, psqlCopy, quietDisks, seconds, startApp, timedGet, upload, waitPrepared } from "./bench-support";
import { generated, LINE_COLUMNS } from "./bench-scale";
import { canonical, PLANS, report, splitOf, type Side } from "./bench-citus-report";
import { startCitusCluster, type CitusCluster } from "./citus-cluster";

export interface CitusBenchOptions {
  /** About this many generated lines instead of the UCI file (0: the UCI file). */
  lines: number;
  /** Shards per distributed table (and so per dataset's and run's partition). */
  shards: number;
  /** The first of the cluster's three ports. */
  port: number;
}


/** The lines' columns in the file's order (UCI and the generator's lines layout). */
const FILE_COLUMNS = "invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country";
const LINES_PER_CUSTOMER = 10_000_000 / 140_000; // the generator at --customers 140000 gives 10M lines (bench-scale.ts)
const PLAIN_AGGREGATE = `select customer_id, max(invoice_date) as last, count(distinct invoice_no) as invoices, sum(quantity * unit_price) as spend
from transaction_lines where dataset_id = $1 and customer_id is not null group by customer_id`;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);

export async function benchCitus(options: CitusBenchOptions): Promise<void> {
  const ground = await benchGround("segmenta-bench-citus");
  let cluster: CitusCluster | undefined;
  try {
    const file = options.lines > 0 ? generatedLines(options.lines) : ground.csv;
    const fileName = path.basename(file);
    log(`File: ${file} (${(fs.statSync(file).size / 1024 ** 2).toFixed(0)} MB)`);
    log("");
    log("== one PostgreSQL server ==");
    const one = await measure("one server", ground.databaseUrl, ground.pool, file, fileName, null);
    log("");
    log(`== Citus: a coordinator and two workers on this machine, ${options.shards} shards per table ==`);
    cluster = await startCitusCluster({ fromPort: options.port, shardCount: options.shards });
    const database = await createDatabase(cluster.adminUrl, "segmenta_bench_citus");
    await migrate(database.url);
    const pool = new pg.Pool({ connectionString: database.url, max: 3 });
    try {
      const citus = await measure("cluster", database.url, pool, file, fileName, "invoice_no");
      report(one, citus);
    } finally {
      await pool.end();
      await database.drop().catch(() => {});
    }
  } finally {
    cluster?.stop();
    await ground.close();
  }
}

function generatedLines(lines: number): string {
  const customers = Math.max(1, Math.round(lines / LINES_PER_CUSTOMER));
  return generated(`lines-${customers}-7`, ["--customers", String(customers), "--seed", "7"], "transactions.csv");
}

/** Every figure on one side, as the app on `url` gives them. */
async function measure(name: string, url: string, pool: pg.Pool, file: string, fileName: string, distributeOn: string | null): Promise<Side> {
  const side: Side = { name, figures: new Map(), facts: new Map(), notes: [] };
  const figure = async <T>(label: string, work: () => Promise<T>): Promise<T | undefined> => {
    const started = performance.now();
    try {
      const result = await work();
      const ms = performance.now() - started;
      side.figures.set(label, { ms });
      log(`  ${label.padEnd(46)} ${seconds(ms)}`);
      return result;
    } catch (error) {
      side.figures.set(label, { error: message(error) });
      log(`  ${label.padEnd(46)} FAILED: ${message(error)}`);
      return undefined;
    }
  };
  const app = await startApp(url);
  try {
    // The first request compiles the route: a few hundred lines, prepared before anything is measured.
    const warmUp = path.join(path.dirname(file), "warm-up.csv");
    fs.writeFileSync(warmUp, firstLines(file, 500));
    await upload(app, warmUp, "warm-up.csv", "warm-up");
    await waitPrepared(pool);

    await quietDisks(pool);
    const reference = await figure("psql \\copy into a plain table (reference)", () => psqlCopy(pool, url, file, LINE_COLUMNS, distributeOn));
    await quietDisks(pool);
    await loadSplit(side, pool, file, figure);
    await quietDisks(pool);
    const loaded = await figure("upload through the HTTP API", () => upload(app, file, fileName, "measured"));
    if (!loaded) return side;
    if (reference && loaded.rows !== reference.rows) side.notes.push(`the API stored ${loaded.rows} rows, psql \\copy ${reference.rows}`);
    const datasetId = loaded.datasetId;
    await figure("preparation (after the upload answered)", () => waitPrepared(pool));
    for (const step of await preparationRecord(pool, datasetId)) {
      side.figures.set(`  prep: ${step.label}`, step.ms === null ? { error: step.error ?? "not reached" } : { ms: step.ms });
    }

    await figure("plain SQL aggregate per customer (reference)", () => pool.query(PLAIN_AGGREGATE, [datasetId]));
    await figure("run inputs: features + repeat summaries", () => Promise.all([getCustomerFeatures(pool, datasetId), getRepeatSummaries(pool, datasetId, { unit: "days" })]));
    await explainMain(side, pool, datasetQueries(datasetId), distributeOn !== null, figure);

    const rfm = await figure("RFM run through the API", () => postRun(app, datasetId, { method: "rfm" }));
    const kmeans = await figure("k-means run (k = auto) through the API", () => postRun(app, datasetId, { method: "kmeans", k: "auto" }));
    await figure("runs' pages prepared (or stopped)", () => runsSettled(pool));
    for (const [run, method, title] of [[rfm, "rfm", "RFM"], [kmeans, "kmeans", "k-means"]] as const) {
      if (!run) continue;
      for (const { label, query } of runAnswers(pool, run.id, method)) {
        const rows = await figure(`${title}: ${label}`, () => query.compute(pool));
        if (rows !== undefined) side.facts.set(`${title}: ${label} (rows)`, canonical(rows));
      }
    }
    if (rfm) await explainMain(side, pool, runQueries(rfm.id), distributeOn !== null, figure);
    if (rfm && kmeans) {
      for (const page of await dashboardPages(pool, { home: "home page", datasetId, rfm: rfm.id, kmeans: kmeans.id })) {
        await figure(`page: ${page.label}`, () => timedGet(app, page.path));
      }
    }
    await facts(side, pool, datasetId, rfm?.id);
    return side;
  } finally {
    await app.stop();
  }
}

/** The file's first lines (its header among them) as they are written, from its first 256 KB. */
function firstLines(file: string, count: number): Buffer {
  const head = Buffer.alloc(256 * 1024);
  const fd = fs.openSync(file, "r");
  try {
    const read = fs.readSync(fd, head, 0, head.length, 0);
    let end = 0;
    for (let n = 0; n < count && end < read; n++) {
      const next = head.indexOf(10, end);
      if (next < 0 || next >= read) break;
      end = next + 1;
    }
    return head.subarray(0, end);
  } finally {
    fs.closeSync(fd);
  }
}

type Figure = <T>(label: string, work: () => Promise<T>) => Promise<T | undefined>;

/**
 * A load's two parts on their own, in a transaction rolled back after: the dataset's partition created (and on
 * the cluster, distributed: a shard per table and shard on the workers, in two-phase commit) as the loader makes
 * it (createPartitionTable), then a COPY of the file into it. The API's upload adds parsing, cleaning and attaching.
 */
async function loadSplit(side: Side, pool: pg.Pool, file: string, figure: Figure): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const id = 999_999_999; // no dataset: the table stands alone until attached, which this never does
    const table = await figure("  load part: partition created (+ distributed)", () => createPartitionTable(client, "transaction_lines", id));
    if (table === undefined) return;
    await client.query(`alter table ${table} alter column dataset_id set default ${id}`);
    // The file has no customer_key (the loader writes it): a random one per row, appended to each line as it
    // streams, spreads the rows over the shards as customers do (on the cluster the lines are distributed on it).
    // Not a column default: Citus refuses ALTER TABLE on a distributed table's distribution column.
    await figure("  load part: COPY of the file into it", () =>
      pipeline(fs.createReadStream(file), withRandomKey(), client.query(copyFrom(`copy ${table} (${FILE_COLUMNS}, customer_key) from stdin with (format csv, header)`))),
    );
  } finally {
    await client.query("rollback").catch(() => {});
    client.release();
  }
}

/** Each line of a CSV file (no line breaks inside values) with a last field appended: a random key (the header's: its name). */
function withRandomKey(): Transform {
  let rest = "";
  let header = true;
  const keyed = (line: string) => {
    const cr = line.endsWith("\r") ? "\r" : "";
    const key = header ? "customer_key" : Math.random().toString(36).slice(2);
    header = false;
    return `${line.slice(0, line.length - cr.length)},${key}${cr}\n`;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString("latin1")).split("\n");
      rest = lines.pop()!;
      done(null, Buffer.from(lines.map(keyed).join(""), "latin1"));
    },
    flush(done) {
      done(null, rest.length ? Buffer.from(keyed(rest), "latin1") : undefined);
    },
  });
}

/** The preparation's steps as the dataset recorded them (ms, or the error it stopped at). */
async function preparationRecord(pool: pg.Pool, datasetId: number): Promise<{ label: string; ms: number | null; error?: string }[]> {
  const { rows } = await pool.query<{ label: string; ms: number | null; error: string | null }>(
    "select s->>'label' as label, (s->>'ms')::int as ms, preparation->>'error' as error from datasets, jsonb_array_elements(preparation->'steps') s where id = $1",
    [datasetId],
  );
  return rows.map((r) => ({ label: r.label, ms: r.ms, error: r.error ?? undefined }));
}

/** Until every run is prepared, or nothing of the app's has run for two seconds (a run whose preparation failed stays unprepared). */
async function runsSettled(pool: pg.Pool): Promise<void> {
  let quietSince = Date.now();
  for (;;) {
    const { rows } = await pool.query<{ active: number; pending: number }>(
      `select (select count(*)::int from pg_stat_activity where state = 'active' and application_name = 'segmenta' and pid <> pg_backend_pid()) as active,
              (select count(*)::int from segmentation_runs where prepared_at is null) as pending`,
    );
    if (rows[0]!.pending === 0) return;
    if (rows[0]!.active > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 2000) throw new Error(`${rows[0]!.pending} run(s) not prepared: their preparation stopped (the server's log says at which answer)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * EXPLAIN ANALYZE of the per-customer queries a dataset's preparation and a run's inputs rest on: their time on
 * both sides, and on the cluster how it splits (citus.explain_all_tasks shows every task's time on its worker).
 */
function datasetQueries(datasetId: number): Explained[] {
  const defaults = (file: ReturnType<typeof sqlFile>) => {
    const { text, values } = runStatement(file, {});
    return { text, values: [datasetId, ...values] };
  };
  return [
    { name: "customer-features.sql", ...defaults(customerFeaturesSql()) },
    { name: "repeat-summary.sql", ...defaults(repeatSummarySql()) },
    { name: "the plain aggregate", text: PLAIN_AGGREGATE, values: [datasetId] },
  ];
}

/** A run's per-customer queries: its members joined with their summaries, by segment. */
const runQueries = (runId: number): Explained[] =>
  ["segment-profile", "segment-distributions", "segment-top-products"].map((name) => ({ name: `${name}.sql (RFM run)`, text: sqlFile(name).statement, values: [runId] }));

interface Explained {
  name: string;
  text: string;
  values: unknown[];
}

async function explainMain(side: Side, pool: pg.Pool, queries: Explained[], citus: boolean, figure: Figure): Promise<void> {
  const client = await pool.connect();
  try {
    if (citus) await client.query("set citus.explain_all_tasks = on");
    for (const q of queries) {
      const plan = await figure(`EXPLAIN ANALYZE ${q.name}`, async () => (await client.query<{ "QUERY PLAN": unknown }>(`explain (analyze, format json) ${q.text}`, q.values)).rows[0]!["QUERY PLAN"]);
      if (plan !== undefined && citus) {
        side.notes.push(`${q.name}: ${splitOf(plan)}`);
        fs.mkdirSync(PLANS, { recursive: true });
        fs.writeFileSync(path.join(PLANS, `${q.name.replace(/[^a-z0-9.-]+/g, "-")}.json`), JSON.stringify(plan, null, 2));
      }
    }
  } finally {
    client.release();
  }
}

/** What both sides must agree on. */
async function facts(side: Side, pool: pg.Pool, datasetId: number, rfmId: number | undefined): Promise<void> {
  try {
    const { rows } = await pool.query<{ lines: string; invoices: string; customers: string; revenue: string }>(
      `select (select count(*) from transaction_lines where dataset_id = $1) as lines,
              (select count(distinct invoice_no) from invoice_totals where dataset_id = $1) as invoices,
              (select count(*) from customer_summaries where dataset_id = $1) as customers,
              (select round(sum(quantity * unit_price), 2) from transaction_lines where dataset_id = $1) as revenue`,
      [datasetId],
    );
    const r = rows[0]!;
    side.facts.set("lines / invoices / customers / revenue", `${r.lines} / ${r.invoices} / ${r.customers} / ${r.revenue}`);
    if (rfmId !== undefined) {
      const segments = await pool.query<{ segment: string; n: string }>(
        "select s.name as segment, count(*) as n from segment_members m join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no where m.run_id = $1 group by 1 order by 1",
        [rfmId],
      );
      side.facts.set("RFM segment counts", segments.rows.map((s) => `${s.segment} ${s.n}`).join(", "));
    }
  } catch (error) {
    side.facts.set("lines / invoices / customers / revenue", `FAILED: ${message(error)}`);
  }
}
