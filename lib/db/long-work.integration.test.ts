import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { loadFiles } from "../ingest/load";
import { preparerFor } from "../services/preparation";
import { migratedDatabase } from "../../tests/support/databases";

/**
 * Long work takes none of the readers' connections (issue 17, item 11: in the
 * soak, two uploads and a preparation held three of next-server's ten and
 * up to 172 callers queued). With a pool of ONE connection, a query for a
 * page still answers while a load streams in and while a preparation step
 * waits; before, each held that one connection to its end.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_long_work", 1);
});
afterAll(async () => {
  await db.close();
});

/** A reader's query, or "waited" when it has no answer within 3 s. */
const read = () => Promise.race([db.pool.query("select 1 as one").then((r) => r.rows[0].one as number), new Promise<string>((resolve) => setTimeout(() => resolve("waited"), 3000))]);

test("a reader's query answers while a load is under way (its file still streaming in)", async () => {
  let more = () => {};
  let asked = 0;
  let wanted = () => {};
  const streaming = new Promise<void>((resolve) => (wanted = resolve));
  const rows = Array.from({ length: 200 }, (_, i) => `c${i % 17},2024-01-${String((i % 28) + 1).padStart(2, "0")},${i}.50`).join("\n");
  const body = new Readable({
    read() {
      asked++;
      if (asked === 1) this.push(`customer_id,date,amount\n${rows}\n`);
      else if (asked === 2) {
        wanted(); // the load has read the first part and asks for more: it is in its COPY
        more = () => this.push(null);
      }
    },
  });
  const load = loadFiles(db.pool, { mode: "create", name: "streaming" }, [{ fileName: "orders.csv", body }]);
  await streaming;
  expect(await read()).toBe(1);
  more();
  expect((await load).imports[0]!.rowsLoaded).toBe(200);
});

test("a reader's query answers while a preparation step waits on its own connection", async () => {
  const { rows } = await db.pool.query<{ id: number }>("select id from datasets where name = 'streaming'");
  const datasetId = rows[0]!.id;
  await db.pool.query("update datasets set prepared_version = null where id = $1", [datasetId]);
  // Another session holds the datasets table: the preparation's first statement waits on it, holding its connection.
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    await locker.query("begin; lock table datasets in access exclusive mode");
    const prepared = preparerFor(db.pool).prepareDataset(datasetId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const waiting = await locker.query("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
    expect(waiting.rows[0].n).toBeGreaterThanOrEqual(1);
    expect(await read()).toBe(1);
    await locker.query("rollback");
    await prepared;
  } finally {
    await locker.end();
  }
});
