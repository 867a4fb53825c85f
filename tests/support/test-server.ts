import fs from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { makeTempDataDir } from "./databases";

/**
 * The PostgreSQL server tests run against: the one DATABASE_URL names (tests
 * then work in databases of their own on it), or a throwaway embedded server
 * on a free port.
 */
export interface TestServer {
  /** A URL with rights to create databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

export async function startTestServer(label: string): Promise<TestServer> {
  const external = process.env.DATABASE_URL;
  if (external) return { adminUrl: external, stop: async () => {} };
  const dataDir = makeTempDataDir(label);
  const server = await startEmbeddedPostgres({ dataDir, port: 0, database: "postgres" });
  return {
    adminUrl: server.url,
    stop: async () => {
      await server.stop();
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}
