import type { TestProject } from "vitest/node";
import { migrate } from "../lib/db/migrate";
import { createDatabase } from "./support/databases";
import { startTestServer } from "./support/test-server";

/** Once per `vitest run`: a real PostgreSQL, and a migrated database for this run. */
export default async function setup(project: TestProject) {
  const server = await startTestServer("segmenta-vitest");
  const database = await createDatabase(server.adminUrl, "segmenta_test");
  await migrate(database.url);
  project.provide("adminUrl", server.adminUrl);
  project.provide("databaseUrl", database.url);
  return async () => {
    await database.drop();
    await server.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The test server, with rights to create databases. */
    adminUrl: string;
    /** A database migrated to the current schema, for this run only. */
    databaseUrl: string;
  }
}
