/**
 * The server behind the e2e tests: exactly what `npm start` runs, on a fresh,
 * empty database (a new embedded data directory, or a new database on the
 * server DATABASE_URL names), so every run starts as a new user would.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createDatabase, makeTempDataDir } from "../tests/support/databases";

const env: NodeJS.ProcessEnv = { ...process.env, PORT: process.env.E2E_PORT ?? "3100", NEXT_TELEMETRY_DISABLED: "1" };
// No admin from the environment: the first visit must meet the setup page (e2e/auth.setup.ts).
delete env.ADMIN_EMAIL;
delete env.ADMIN_PASSWORD;
let cleanup = async () => {};
if (process.env.DATABASE_URL) {
  const db = await createDatabase(process.env.DATABASE_URL, "segmenta_e2e");
  env.DATABASE_URL = db.url;
  cleanup = db.drop;
} else {
  const dataDir = makeTempDataDir("segmenta-e2e");
  env.SEGMENTA_DATA_DIR = dataDir;
  env.SEGMENTA_PG_PORT = "0";
  cleanup = async () => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
}

const tsx = path.resolve("node_modules/tsx/dist/cli.mjs");
const server = spawn(process.execPath, [tsx, "scripts/start.ts"], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", async (code) => {
  await cleanup().catch((error: unknown) => console.error(error));
  process.exit(code ?? 0);
});
