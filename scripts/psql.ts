/** `npm run psql`: opens psql on the running embedded database (or on DATABASE_URL). */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { fromRoot } from "../lib/db/provision";
import { readEnv } from "../lib/env";

const env = readEnv();
const urlFile = `${fromRoot(env.SEGMENTA_DATA_DIR)}.url`;
const url = env.DATABASE_URL ?? (fs.existsSync(urlFile) ? fs.readFileSync(urlFile, "utf8").trim() : undefined);
if (!url) {
  console.error("No database yet: run `npm start` first, or set DATABASE_URL.");
  process.exit(1);
}
const result = spawnSync("psql", [url, ...process.argv.slice(2)], { stdio: "inherit" });
if (result.error) console.error("psql is not installed (Debian: apt-get install postgresql-client).");
process.exit(result.status ?? 1);
