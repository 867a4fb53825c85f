import path from "node:path";
import type { Env } from "../env";

/** Absolute path of a folder given relative to the repository root (scripts run there). */
export function fromRoot(p: string): string {
  return path.resolve(process.cwd(), p);
}

/**
 * The database the app runs on: the server named by DATABASE_URL, or else the
 * embedded PostgreSQL with its data in SEGMENTA_DATA_DIR. Its URL is written
 * beside the data (`.data/postgres.url`) so `npm run psql` can reach it.
 */
export interface Database {
  url: string;
  embedded: boolean;
  /** At the start of a stop: a start from then on waits for this server to end instead of sharing it. */
  release(): void;
  /** Ends the embedded server with a fast shutdown (bounded: EmbeddedServer.stop); a server at DATABASE_URL stays. */
  stop(): Promise<void>;
}

const NOTEWORTHY = /ERROR|FATAL|PANIC|WARNING|ready to accept connections/;

export async function provisionDatabase(env: Env, log: (line: string) => void): Promise<Database> {
  if (env.DATABASE_URL) {
    log(`using the PostgreSQL at ${redact(env.DATABASE_URL)}`);
    return { url: env.DATABASE_URL, embedded: false, release: () => {}, stop: async () => {} };
  }
  const { startEmbeddedPostgres } = await import("./embedded");
  const dataDir = fromRoot(env.SEGMENTA_DATA_DIR);
  const started = Date.now();
  const server = await startEmbeddedPostgres({
    dataDir,
    port: env.SEGMENTA_PG_PORT,
    log: (line) => {
      for (const l of line.split("\n")) if (NOTEWORTHY.test(l)) log(`[postgres] ${l.replace(/^\S+ \S+ \S+ \[\d+\] /, "")}`);
    },
  });
  log(
    server.shared
      ? `using the embedded PostgreSQL already running on port ${server.port}`
      : `embedded PostgreSQL on port ${server.port}, data in ${env.SEGMENTA_DATA_DIR} (${Date.now() - started} ms)`,
  );
  return { url: server.url, embedded: true, release: server.release, stop: server.stop };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
