/**
 * What the benches share: a Segmenta server started as `npm start` starts it
 * (on a database of the bench's own), signed in; its web server's memory;
 * the reference `psql \copy`; uploads and runs through the HTTP API; and
 * waiting until the server has prepared what it was given.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import pg from "pg";
import { freePort } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { createDatabase } from "../tests/support/databases";
import { startTestServer } from "../tests/support/test-server";

export const log = (line: string) => console.log(line);
export const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const met = (ok: boolean) => (ok ? "met" : "NOT met");

/** The UCI Online Retail file (541,909 lines), gzipped, beside the repository. */
export const UCI_SOURCE = path.resolve("../shared/datasets/online-retail-uci/online_retail.csv.gz");

/** A bench's own ground: the UCI file unzipped into a temporary folder, a PostgreSQL with a migrated database of its own, and a small pool on it. */
export interface BenchGround {
  work: string;
  csv: string;
  databaseUrl: string;
  pool: pg.Pool;
  /** Ends the pool, drops the database, stops the server and removes the folder. */
  close(): Promise<void>;
}

export async function benchGround(name: string): Promise<BenchGround> {
  if (!fs.existsSync(UCI_SOURCE)) throw new Error(`${UCI_SOURCE} is missing: the bench needs ../shared/datasets.`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const csv = path.join(work, "online_retail.csv");
  await pipeline(fs.createReadStream(UCI_SOURCE), createGunzip(), fs.createWriteStream(csv));
  const server = await startTestServer(name);
  const database = await createDatabase(server.adminUrl, name.replaceAll("-", "_"));
  await migrate(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  return {
    work,
    csv,
    databaseUrl: database.url,
    pool,
    close: async () => {
      await pool.end();
      await database.drop();
      await server.stop();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The analyst the benches sign in as (created at start from the environment, as unattended installs do). */
export const BENCH_ADMIN = { ADMIN_EMAIL: "bench@example.com", ADMIN_PASSWORD: "bench password, not secret" };

export interface RunningApp {
  base: string;
  /** The signed-in session's cookie header. */
  session: { cookie: string };
  process: ChildProcess;
  /** The Next server process (its memory is the upload's). */
  nextServer(): number;
  /** The server's last log line (lib/log.ts: "[segmenta] …") that matches, without its prefix, or null. */
  logged(pattern: RegExp): string | null;
  stop(): Promise<void>;
}

/** A new session of the bench's admin (each sign-in is one): its cookie header. */
export async function signIn(base: string): Promise<{ cookie: string }> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: BENCH_ADMIN.ADMIN_EMAIL, password: BENCH_ADMIN.ADMIN_PASSWORD }),
  });
  if (!login.ok) throw new Error(`signing in failed: ${login.status} ${await login.text()}`);
  return { cookie: login.headers.get("set-cookie")!.split(";")[0]! };
}

/** Starts Segmenta (`scripts/start.ts`, building first if the build is stale) on the database at `databaseUrl`, and signs in. */
export async function startApp(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  log(`Starting Segmenta on port ${port} (builds first if the build is stale)…`);
  const app = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/start.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), SEGMENTA_SAMPLE: "0", NEXT_TELEMETRY_DISABLED: "1", ...BENCH_ADMIN, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // The server's own log lines (a run's split, a preparation's steps), the last 1,000: the bench quotes them.
  const logged: string[] = [];
  let partial = "";
  await new Promise<void>((resolve, reject) => {
    app.stdout!.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop()!;
      for (const line of lines) if (line.startsWith("[segmenta] ")) logged.push(line.slice("[segmenta] ".length));
      logged.splice(0, Math.max(0, logged.length - 1000));
      if (lines.some((line) => line.includes("Ready in"))) resolve();
    });
    app.once("exit", (code) => reject(new Error(`Segmenta exited (code ${code}) before it was ready`)));
  });
  const base = `http://localhost:${port}`;
  const session = await signIn(base);
  return {
    base,
    session,
    process: app,
    nextServer: () => {
      const pid = descendants(app.pid!).find((p) => fs.readFileSync(`/proc/${p}/cmdline`, "utf8").startsWith("next-server"));
      if (!pid) throw new Error("could not find the next-server process");
      return pid;
    },
    logged: (pattern) => logged.findLast((line) => pattern.test(line)) ?? null,
    stop: async () => {
      app.kill("SIGTERM");
      if (app.exitCode === null) await new Promise((r) => app.once("exit", r));
    },
  };
}

export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

/** Resident memory now and its peak (VmHWM; reset it with resetPeak). */
export function memory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** Resets a process's peak resident memory (VmHWM) to its current one. */
export function resetPeak(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

export function requirePsql(): void {
  if (spawnSync("psql", ["--version"]).error) throw new Error("psql is needed for the reference run: apt-get install -y postgresql-client");
}

/**
 * The reference load: `psql \copy` of the CSV into a plain typed table made
 * for it (the file's columns, no key, no index), PostgreSQL's own client and
 * parser (on a Citus cluster, `distributeOn` distributes the table first). Returns the time and the rows; the
 * table is dropped after.
 */
export async function psqlCopy(pool: pg.Pool, url: string, csv: string, columns: string, distributeOn: string | null = null): Promise<{ ms: number; rows: number }> {
  await pool.query(`drop table if exists bench_reference; create table bench_reference (${columns})`);
  // On a Citus cluster, distributed as the lines are, so that the COPY is routed to the workers as the app's is.
  if (distributeOn !== null) await pool.query("select create_distributed_table('bench_reference', $1)", [distributeOn]);
  const started = performance.now();
  const result = spawnSync("psql", [url, "-X", "-q", "-c", `\\copy bench_reference from '${csv}' with (format csv, header)`], { encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`psql \\copy failed: ${result.stderr}`);
  const { rows } = await pool.query<{ n: string }>("select count(*) as n from bench_reference");
  await pool.query("drop table bench_reference");
  return { ms, rows: Number(rows[0]!.n) };
}

/**
 * Puts the disks at rest before a timed load: a CHECKPOINT and the kernel's
 * sync write out what the previous step left dirty (1.3 GB after a 10M-line
 * load), which would otherwise be written during the next measurement and
 * charge it to whichever load comes second.
 */
export async function quietDisks(pool: pg.Pool): Promise<void> {
  spawnSync("sync");
  await pool.query("checkpoint").catch(() => {}); // needs superuser or pg_checkpoint: skipped where not granted
  spawnSync("sync");
}

/** POST /api/datasets with the file, as the upload page sends it; the time until the answer and the import report. */
export async function upload(app: RunningApp, file: string, fileName: string, name: string): Promise<{ ms: number; datasetId: number; rows: number }> {
  const form = new FormData();
  form.append("name", name);
  form.append("file", await fs.openAsBlob(file), fileName);
  const started = performance.now();
  const response = await fetch(`${app.base}/api/datasets`, { method: "POST", body: form, headers: app.session });
  const body = (await response.json()) as { datasetId?: number; import?: { rowsLoaded: number }; error?: unknown };
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - started, datasetId: body.datasetId!, rows: body.import!.rowsLoaded };
}

/** POST /api/datasets/{id}/segmentations; the time until the run is saved and answered. */
export async function postRun(app: RunningApp, datasetId: number, body: unknown): Promise<{ ms: number; id: number; customers: number }> {
  const started = performance.now();
  const response = await fetch(`${app.base}/api/datasets/${datasetId}/segmentations`, {
    method: "POST",
    headers: { "content-type": "application/json", ...app.session },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`segmentation failed: ${response.status} ${await response.text()}`);
  const run = (await response.json()) as { id: number; customers: number };
  return { ms: performance.now() - started, id: run.id, customers: run.customers };
}

/** Waits until every dataset and run is prepared (the server's work after its answers); returns how long it waited. */
export async function waitPrepared(pool: pg.Pool, timeoutMs = 30 * 60_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { rows } = await pool.query<{ pending: number; error: string | null }>(
      `select (select count(*)::int from datasets where prepared_version is distinct from data_version)
            + (select count(*)::int from segmentation_runs where prepared_at is null) as pending,
              (select preparation->>'error' from datasets where preparation ? 'error' and (preparation->>'version')::int = data_version limit 1) as error`,
    );
    if (rows[0]!.error) throw new Error(`a preparation failed: ${rows[0]!.error}`);
    if (rows[0]!.pending === 0) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`still preparing after ${seconds(timeoutMs)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The preparation's steps of a dataset, as it recorded them: "invoices 12.3 s, customers 4.5 s, …". */
export async function preparationSteps(pool: pg.Pool, datasetId: number): Promise<{ total: number; text: string }> {
  const { rows } = await pool.query<{ key: string; label: string; ms: number }>(
    "select s->>'key' as key, s->>'label' as label, (s->>'ms')::int as ms from datasets, jsonb_array_elements(preparation->'steps') s where id = $1",
    [datasetId],
  );
  const total = rows.reduce((sum, r) => sum + (r.ms ?? 0), 0);
  const big = rows.filter((r) => r.ms >= 500).map((r) => `${r.label.toLowerCase()} ${seconds(r.ms)}`);
  const rest = rows.filter((r) => r.ms < 500);
  return { total, text: `${big.join(", ")}${rest.length ? `, ${rest.length} more under 0.5 s each (${seconds(rest.reduce((s, r) => s + r.ms, 0))})` : ""}` };
}

/** One GET of a page as a signed-in reader; its time (ms) to the last byte. */
export async function timedGet(app: RunningApp, path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${app.base}${path}`, { headers: app.session, redirect: "manual" });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  await response.arrayBuffer();
  return performance.now() - started;
}

/**
 * The dashboard's pages, as the bench times them (first render, Chromium, concurrent readers): the home
 * page, the dataset's overview by month and week, its segmentations, each run, the RFM run against
 * k-means, a segment, a page of the customers table, and the orders of the RFM run's most frequent buyer.
 */
export async function dashboardPages(
  pool: pg.Pool,
  { home, datasetId, rfm, kmeans, hierarchical }: { home: string; datasetId: number; rfm: number; kmeans: number; hierarchical?: number },
): Promise<{ label: string; path: string }[]> {
  const { rows } = await pool.query<{ customer_id: string }>("select customer_id from segment_members where run_id = $1 order by frequency desc limit 1", [rfm]);
  return [
    { label: home, path: "/" },
    { label: "dataset overview, by month", path: `/datasets/${datasetId}` },
    { label: "dataset overview, by week", path: `/datasets/${datasetId}?grain=week` },
    { label: "segmentations (runs and form)", path: `/datasets/${datasetId}/segmentations` },
    { label: "RFM run", path: `/runs/${rfm}` },
    { label: "k-means run", path: `/runs/${kmeans}` },
    ...(hierarchical === undefined ? [] : [{ label: "hierarchical run", path: `/runs/${hierarchical}` }]),
    { label: "RFM run compared with k-means", path: `/runs/${rfm}?compare=${kmeans}` },
    { label: "segment detail", path: `/runs/${rfm}/segments/0` },
    { label: "customers, by revenue, page 3", path: `/runs/${rfm}/customers?sort=monetary&dir=desc&page=3` },
    { label: "a customer's orders", path: `/datasets/${datasetId}/customers/${encodeURIComponent(rows[0]!.customer_id)}` },
  ];
}
