import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createDatabase } from "../../tests/support/databases";
import { cancelBackend } from "./preparation";

/**
 * The preparation's bookkeeping against a real server. cancelBackend is how a stop or a dataset's delete ends the
 * step under way; on a Citus coordinator `pg_cancel_backend($1)` did not even parse (Citus adds a bigint
 * pg_cancel_backend beside PostgreSQL's integer one: "function pg_cancel_backend(unknown) is not unique"), and the
 * error was swallowed, so the step ran on.
 */
let db: Awaited<ReturnType<typeof createDatabase>>;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createDatabase(inject("adminUrl"), "segmenta_preparation_queries");
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe("cancelBackend", () => {
  test("cancels the statement under way on that backend", async () => {
    const busy = new pg.Client({ connectionString: db.url });
    await busy.connect();
    try {
      const pid = (await busy.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
      const started = performance.now();
      const sleeping = busy.query("select pg_sleep(30)").then(
        () => "finished",
        (error: Error) => error.message,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await cancelBackend(pool, pid);
      expect(await sleeping).toMatch(/canceling statement due to user request/);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await busy.end();
    }
  });
});
