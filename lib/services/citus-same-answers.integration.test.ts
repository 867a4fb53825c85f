import fs from "node:fs";
import path from "node:path";
import { createGunzip } from "node:zlib";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { makeTempDataDir, migratedDatabase } from "../../tests/support/databases";
import { DATASETS, prepared } from "../../tests/support/reference-data";
import { startEmbeddedPostgres, type EmbeddedServer } from "../db/embedded";
import { migrate } from "../db/migrate";
import { createPool } from "../db/pool";
import { loadFiles } from "../ingest/load";
import { getDatasetFigures } from "../queries/dataset-figures";
import { runSegmentation } from "./segmentations";

/**
 * Issue 18's check: "The UCI figures (541,909 lines, 25,900 invoices, 4,372 customers, revenue 9,747,747.934) and
 * an RFM run's segment table are identical on one server and on the cluster." Runs on a Citus cluster only
 * (`npm run test:citus`); skipped on one PostgreSQL, where uploads.integration.test.ts checks the same figures.
 * The figures are the file's own (SOURCES.md, UCI id 352); the one-server side is a plain PostgreSQL started here.
 */
const UCI = path.join(DATASETS, "online-retail-uci/online_retail.csv.gz");
const FIGURES = { lines: 541_909, invoices: 25_900, customers: 4_372, revenue: "9747747.934000" };

let cluster: Awaited<ReturnType<typeof migratedDatabase>>;
let citus = false;
let server: EmbeddedServer | undefined;
let dataDir = "";
let single: pg.Pool | undefined;

beforeAll(async () => {
  cluster = await migratedDatabase(inject("adminUrl"), "segmenta_same_answers");
  citus = (await cluster.pool.query("select exists (select 1 from pg_extension where extname = 'citus') as citus")).rows[0].citus;
  if (!citus) return;
  dataDir = makeTempDataDir("segmenta-one-server");
  server = await startEmbeddedPostgres({ dataDir, port: 0, database: "one_server" });
  await migrate(server.url);
  single = createPool(server.url, 4);
});
afterAll(async () => {
  await single?.end();
  await server?.stop();
  if (dataDir) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  await cluster?.close();
});

async function loadUci(pool: pg.Pool): Promise<number> {
  const { datasetId } = await loadFiles(pool, { mode: "create", name: "UCI Online Retail" }, [{ fileName: "online_retail.csv", body: fs.createReadStream(UCI).pipe(createGunzip()) }]);
  return prepared(pool, datasetId);
}

/** A run's segment table (no ids or times) and its members' segments and scores, in a fixed order. */
async function segmentTable(pool: pg.Pool, runId: number) {
  const segments = await pool.query(
    "select segment_no, name, customers, orders, revenue::text as revenue, profile from segments where run_id = $1 order by segment_no",
    [runId],
  );
  const members = await pool.query(
    `select customer_id, segment_no, recency_score, frequency_score, monetary_score, recency_days, frequency, monetary::text as monetary
     from segment_members where run_id = $1 order by customer_id`,
    [runId],
  );
  return { segments: segments.rows, members: members.rows };
}

describe("the same answers on one server and on the cluster", () => {
  test("the UCI file's figures, and an RFM run's segment table", { timeout: 900_000 }, async (context) => {
    if (!citus) return context.skip();
    const [onCluster, onOne] = await Promise.all([loadUci(cluster.pool), loadUci(single!)]);
    expect(await getDatasetFigures(cluster.pool, onCluster)).toMatchObject(FIGURES);
    expect(await getDatasetFigures(single!, onOne)).toMatchObject(FIGURES);
    const [clusterRun, oneRun] = await Promise.all([runSegmentation(cluster.pool, onCluster, { method: "rfm" }), runSegmentation(single!, onOne, { method: "rfm" })]);
    const [a, b] = await Promise.all([segmentTable(cluster.pool, clusterRun.id), segmentTable(single!, oneRun.id)]);
    expect(a.segments.length).toBeGreaterThan(5);
    // The customers the default cleaning keeps (4,334 of the file's 4,372: the others bought nothing it counts).
    expect(a.members.length).toBeGreaterThan(4_000);
    expect(a.segments).toEqual(b.segments);
    expect(a.members).toEqual(b.members);
  });
});
