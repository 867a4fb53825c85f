/** `npm run db:migrate`: applies pending migrations (starting the embedded PostgreSQL when DATABASE_URL is unset). */
import { migrate } from "../lib/db/migrate";
import { provisionDatabase } from "../lib/db/provision";
import { readEnv } from "../lib/env";

const log = (line: string) => console.log(`[migrate] ${line}`);
const database = await provisionDatabase(readEnv(), log);
try {
  const { applied } = await migrate(database.url, { log });
  log(applied.length ? `applied ${applied.length} migration(s)` : "nothing to apply: the schema is up to date");
} catch (error) {
  console.error(`[migrate] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await database.stop();
}
