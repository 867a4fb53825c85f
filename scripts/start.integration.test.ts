/**
 * `npm start` stops within seconds whatever is running, and starts again right
 * after a stop. The stack is started as a user starts it (`npm start`, its own
 * process group, a fresh embedded data directory); a request is left waiting on
 * a query that will not end by itself (its table is locked by another session,
 * as a long preparation or a report would keep it busy), and SIGTERM goes to the
 * whole group, as a terminal's Ctrl-C or a service manager sends it.
 *
 * Before the fix, tsx killed the launcher at once (it took over the signal
 * without telling tsx), PostgreSQL, which got the SIGTERM too, stayed in a smart
 * shutdown waiting on its sessions, and a start right after reused that dying
 * server ("using the embedded PostgreSQL already running", then ECONNREFUSED).
 *
 * The first start builds the app when the build is missing or stale, as
 * `npm start` does (minutes on two cores); the timeouts allow for it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import { freePort } from "../lib/db/embedded";
import { makeTempDataDir } from "../tests/support/databases";

const STOP_WITHIN_MS = 15_000;
const START_WITHIN_MS = 15 * 60_000; // a build of the app on a busy two-core machine

interface Stack {
  child: ChildProcess;
  output: () => string;
  ready: Promise<void>;
}

const stacks: Stack[] = [];
const dataDir = makeTempDataDir("segmenta-stop");

function startStack(port: number): Stack {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SEGMENTA_DATA_DIR: dataDir,
    SEGMENTA_PG_PORT: "0",
    SEGMENTA_SAMPLE: "0",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  for (const name of ["DATABASE_URL", "ADMIN_EMAIL", "ADMIN_PASSWORD"]) delete env[name];
  // Its own process group, like a terminal's job: the group is what a stop signals.
  const child = spawn("npm", ["start"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(`dashboard: http://localhost:${port}`)) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before serving:\n${text}`)));
  });
  ready.catch(() => {});
  const stack = { child, output: () => text, ready };
  stacks.push(stack);
  return stack;
}

/** Waits for a stack's whole group to end, or fails showing what is left and what the stack said. */
async function stopped(stack: Stack): Promise<number> {
  const pgid = stack.child.pid!;
  return waitFor("every process of the stopped start gone", () => groupGone(pgid), STOP_WITHIN_MS).catch((error: Error) => {
    const left = spawnSync("ps", ["-o", "pid,stat,args", "-g", String(pgid)], { encoding: "utf8" }).stdout;
    throw new Error(`${error.message}\nstill running:\n${left}\nits output:\n${stack.output()}`);
  });
}

/** Every process of the group (npm, tsx, the launcher, next-server, postgres and its backends) has exited. */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

function postmasterPid(): number | null {
  const file = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(file)) return null;
  const pid = Number.parseInt(fs.readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > ms) throw new Error(`${what}: not after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

/** Next answers behind the launcher's page cache (it listens a moment after the launcher says where). */
async function serving(port: number): Promise<void> {
  await waitFor(
    "the dashboard answering",
    () => fetch(`http://localhost:${port}/api/auth/me`).then((r) => r.status === 401, () => false),
    60_000,
  );
}

/** A session cookie of the right shape: the app looks it up in `sessions` (and finds no one: 401). */
const sessionCookie = () => `segmenta_session=ses_${randomBytes(32).toString("base64url")}`;

afterAll(() => {
  for (const { child } of stacks) if (child.pid && !groupGone(child.pid)) process.kill(-child.pid, "SIGKILL");
  const pid = postmasterPid();
  if (pid) process.kill(pid, "SIGKILL");
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

/**
 * A started stack with a request waiting on a query that does not end by itself: another session holds
 * `sessions` locked, and the app's look-up of a cookie waits on the lock.
 */
async function busyStack(port: number): Promise<Stack> {
  const stack = startStack(port);
  await stack.ready;
  await serving(port);
  const url = fs.readFileSync(`${dataDir}.url`, "utf8").trim();
  const locker = new pg.Client({ connectionString: url });
  locker.on("error", () => {}); // the stop ends this session too
  await locker.connect();
  await locker.query("begin");
  await locker.query("lock table sessions in access exclusive mode");
  void fetch(`http://localhost:${port}/api/auth/me`, { headers: { cookie: sessionCookie() } }).catch(() => {});
  await waitFor(
    "the app's query waiting on the lock",
    async () => {
      // (pg_stat_activity is read once per transaction: the locker's view would stay as it was.)
      await locker.query("select pg_stat_clear_snapshot()");
      const { rows } = await locker.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where application_name = 'segmenta' and state = 'active' and wait_event_type = 'Lock'",
      );
      return rows[0]!.n > 0;
    },
    30_000,
  );
  return stack;
}

describe("npm start and a stop", () => {
  test(
    "SIGTERM ends the web server and PostgreSQL within seconds while a query runs; a start during a stop waits for it, then serves",
    async () => {
      const port = await freePort();

      const first = await busyStack(port);
      const postgres = postmasterPid();
      expect(postgres).not.toBeNull();
      process.kill(-first.child.pid!, "SIGTERM");
      const stoppedIn = await stopped(first);
      expect(stoppedIn).toBeLessThan(STOP_WITHIN_MS);
      expect(postmasterPid()).toBeNull();

      // Again, and this time a start follows the stop at once, while the first is still stopping.
      const second = await busyStack(port);
      process.kill(-second.child.pid!, "SIGTERM");
      const third = startStack(port);
      const secondStoppedIn = await stopped(second);
      console.info(`stopped in ${stoppedIn} ms, then in ${secondStoppedIn} ms with a start waiting`);
      await third.ready;
      await serving(port);
      expect(third.output()).not.toMatch(/already running/);
      // The new server reads the database (the cookie's look-up) and answers.
      const answer = await fetch(`http://localhost:${port}/api/auth/me`, { headers: { cookie: sessionCookie() } });
      expect(answer.status).toBe(401);

      process.kill(-third.child.pid!, "SIGTERM");
      await stopped(third);
      expect(postmasterPid()).toBeNull();
    },
    START_WITHIN_MS * 2,
  );

  test(
    "the web server stops by itself when the launcher that started it is killed outright",
    async () => {
      const port = await freePort();
      const stack = startStack(port);
      await stack.ready;
      await serving(port);
      const group = groupProcesses(stack.child.pid!);
      // The launcher: the node tsx runs scripts/start.ts in (its loader on the command line), not tsx's own CLI.
      const launcher = group.find((p) => p.args.includes("scripts/start.ts") && p.args.includes("loader"));
      const web = group.find((p) => p.args.startsWith("next-server"));
      expect(launcher, JSON.stringify(group)).toBeDefined();
      expect(web, JSON.stringify(group)).toBeDefined();
      // The web server runs with glibc's mmap threshold fixed (scripts/start.ts), unless the caller set one.
      if (process.env.MALLOC_MMAP_THRESHOLD_ === undefined) {
        expect(fs.readFileSync(`/proc/${web!.pid}/environ`, "utf8").split("\0")).toContain("MALLOC_MMAP_THRESHOLD_=131072");
      }
      process.kill(launcher!.pid, "SIGKILL");
      const gone = () => {
        try {
          process.kill(web!.pid, 0);
          return false;
        } catch {
          return true;
        }
      };
      // Before: next-server went on serving nobody until killed by hand.
      const after = await waitFor("next-server gone after its launcher was killed", gone, STOP_WITHIN_MS);
      console.info(`next-server stopped ${after} ms after its launcher was killed`);
      process.kill(-stack.child.pid!, "SIGTERM"); // what is left: npm, tsx, PostgreSQL
      await stopped(stack);
    },
    START_WITHIN_MS,
  );
});

/** The processes of a group, with their command lines (ps). */
function groupProcesses(pgid: number): { pid: number; args: string }[] {
  const out = spawnSync("ps", ["-o", "pid=,args=", "-g", String(pgid)], { encoding: "utf8" }).stdout;
  return out
    .split("\n")
    .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}
