import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import type pg from "pg";
import { createDatabase } from "../../tests/support/databases";
import { figuresFromCsv, toMillionths } from "../../tests/support/figures";
import { migrate } from "../db/migrate";
import { createPool } from "../db/pool";
import { datasetFiguresSql, getDatasetFigures } from "../queries/dataset-figures";
import { SAMPLE, sampleFiles } from "../sample";
import { deleteDataset, listDatasets } from "./datasets";
import { ensureSampleDataset } from "./sample";
import { runSegmentation } from "./segmentations";
import { parse } from "csv-parse/sync";
import { prepared } from "../../tests/support/reference-data";

const text = (lines: Iterable<string>) => [...lines].join("");

describe("the sample dataset on first start", () => {
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let pool: pg.Pool;
  let datasetId: number | null;

  beforeAll(async () => {
    db = await createDatabase(inject("adminUrl"), "segmenta_sample");
    await migrate(db.url);
    pool = createPool(db.url, 4);
    datasetId = await ensureSampleDataset(pool);
    if (datasetId !== null) await prepared(pool, datasetId);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  test("is loaded into an empty database, with both files and their import records", async () => {
    expect(datasetId).toEqual(expect.any(Number));
    const imports = await pool.query(`select kind, status, file_name, row_count, rows_loaded from imports where dataset_id = $1 order by kind`, [datasetId]);
    const files = sampleFiles();
    const csv = { transactions: text(files.transactions), customers: text(files.customers) };
    const dataRows = (s: string) => s.trimEnd().split("\n").length - 1;
    expect(imports.rows).toEqual([
      { kind: "transactions", status: "succeeded", file_name: SAMPLE.files.transactions, row_count: dataRows(csv.transactions), rows_loaded: dataRows(csv.transactions) },
      { kind: "customers", status: "succeeded", file_name: SAMPLE.files.customers, row_count: SAMPLE.customers, rows_loaded: SAMPLE.customers },
    ]);
    const extras = await pool.query(`select count(*)::int as n from customers where dataset_id = $1 and attributes ? 'preferred_channel'`, [datasetId]);
    expect(extras.rows[0].n).toBe(SAMPLE.customers);
  });

  test("is not loaded again on the next start", async () => {
    expect(await ensureSampleDataset(pool)).toBeNull();
    const { rows } = await pool.query(`select count(*)::int as n from datasets`);
    expect(rows[0].n).toBe(1);
  });

  test("stays deleted once an analyst deletes it", async () => {
    const other = await createDatabase(inject("adminUrl"), "segmenta_sample_deleted");
    await migrate(other.url);
    const otherPool = createPool(other.url, 2);
    try {
      const id = await ensureSampleDataset(otherPool);
      expect(await deleteDataset(otherPool, id!)).toBe(true);
      expect(await ensureSampleDataset(otherPool)).toBeNull();
      expect((await otherPool.query(`select count(*)::int as n from transaction_lines`)).rows[0].n).toBe(0);
    } finally {
      await otherPool.end();
      await other.drop();
    }
  });

  test("headline figures equal the figures computed from the sample CSV", async () => {
    const expected = figuresFromCsv(text(sampleFiles().transactions));
    const figures = await getDatasetFigures(pool, datasetId!);
    const { customersKept, revenueKept, ...asLoaded } = figures;
    expect(customersKept).toEqual(expect.any(Number));
    expect(revenueKept).toEqual(expect.any(String));
    expect({ ...asLoaded, revenue: toMillionths(figures.revenue) }).toEqual({
      lines: expected.lines,
      invoices: expected.invoices,
      customers: expected.customers,
      revenue: expected.revenueMillionths,
      firstInvoiceAt: expected.firstInvoiceAt,
      lastInvoiceAt: expected.lastInvoiceAt,
      countries: expected.countries,
      // The sample's customers file: one row per customer after its header.
      customersOnFile: text(sampleFiles().customers).trimEnd().split("\n").length - 1,
    });
    const [listed] = await listDatasets(pool);
    expect(listed).toMatchObject({ id: datasetId, name: SAMPLE.name, isSample: true, figures });
  });

  test("the figures query gives the same numbers when run with psql", async () => {
    const psql = spawnSync("psql", [db.url, "-X", "-A", "-t", "-F", "|", "-v", `dataset_id=${datasetId}`, "-f", `lib/queries/sql/${datasetFiguresSql().name}.sql`], {
      encoding: "utf8",
    });
    expect(psql.error, "psql is needed for this test: apt-get install -y postgresql-client").toBeUndefined();
    expect(psql.stderr).toBe("");
    const figures = await getDatasetFigures(pool, datasetId!);
    expect(psql.stdout.trim().split("|")).toEqual([
      String(figures.lines),
      String(figures.invoices),
      String(figures.customers),
      figures.revenue,
      figures.firstInvoiceAt,
      figures.lastInvoiceAt,
      String(figures.countries),
      String(figures.customersKept),
      figures.revenueKept,
      String(figures.customersOnFile),
    ]);
  });

  test("the figures after cleaning are the file's customers and revenue under the cleaning rules, and what a default RFM run counts", async () => {
    // From the CSV, by the rules as the README states them: a customer id, no C/A invoice, a positive quantity
    // and price, a product code (the sample's non-product codes are POST, DOT and M), the first of exact duplicates.
    const rows = parse(text(sampleFiles().transactions), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
    const seen = new Set<string>();
    const customers = new Set<string>();
    let revenue = 0n;
    for (const r of rows) {
      const key = JSON.stringify(r);
      const duplicate = seen.has(key);
      seen.add(key);
      if (duplicate || !r.CustomerID || /^[CA]/i.test(r.InvoiceNo!) || Number(r.Quantity) <= 0 || Number(r.UnitPrice) <= 0 || ["POST", "DOT", "M"].includes(r.StockCode!.toUpperCase())) continue;
      customers.add(r.CustomerID);
      revenue += BigInt(r.Quantity!) * toMillionths(r.UnitPrice!);
    }
    const figures = await getDatasetFigures(pool, datasetId!);
    expect(figures.customersKept).toBe(customers.size);
    expect(toMillionths(figures.revenueKept!)).toBe(revenue);
    expect(toMillionths(figures.revenueKept!)).toBeLessThan(toMillionths(figures.revenue));

    const run = await runSegmentation(pool, datasetId!, { method: "rfm" });
    expect(run.customers).toBe(figures.customersKept);
    expect(run.segments.reduce((s, x) => s + x.revenue, 0)).toBeCloseTo(Number(figures.revenueKept), 2);
  });
});
