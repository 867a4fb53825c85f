/**
 * `npm run db:check`: compares prisma/schema.prisma with the database (the
 * embedded one, or DATABASE_URL) and lists every difference. Exit code 1 on drift.
 */
import { provisionDatabase } from "../lib/db/provision";
import { schemaDrift } from "../lib/db/schema-drift";
import { readEnv } from "../lib/env";

const database = await provisionDatabase(readEnv(), () => {});
try {
  const problems = await schemaDrift(database.url);
  if (problems.length === 0) console.log("The database matches prisma/schema.prisma.");
  else {
    console.log(`The database differs from prisma/schema.prisma in ${problems.length} place(s):`);
    for (const p of problems) console.log(`  - ${p}`);
    process.exitCode = 1;
  }
} finally {
  await database.stop();
}
