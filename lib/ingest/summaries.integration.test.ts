import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { getCleaningCounts } from "../queries/cleaning-counts";
import { getCustomerFeatures } from "../queries/customer-features";
import { getDatasetFigures } from "../queries/dataset-figures";
import { getRepeatSummaries } from "../queries/repeat-summary";
import { SAMPLE, sampleFiles } from "../sample";
import { deleteDataset } from "../services/datasets";
import { preparerFor } from "../services/preparation";
import { loadFiles } from "./load";

/**
 * invoice_totals stands in for the lines in every analytics query, and
 * customer_summaries for customer-features.sql at the defaults. These tests
 * hold them to the lines themselves: the reference queries below read
 * transaction_lines directly (the way the queries were written before the
 * summaries existed) and must give the same numbers for any cleaning rules and
 * analysis date, on the sample's cancellations, guests, duplicates and postage.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let datasetId: number;

const LINE_FEATURES = `
with settings as (select coalesce($2::date, (select max(invoice_date)::date + 1 from transaction_lines where dataset_id = $1)) as analysis_date),
lines as (
  select l.customer_id, l.invoice_no, l.invoice_date, l.stock_code, l.quantity * l.unit_price as value, l.excluded
  from transaction_lines l cross join settings s
  where l.dataset_id = $1 and l.customer_id is not null and l.invoice_date < s.analysis_date + 1
)
select customer_id,
       (select analysis_date from settings) - max(invoice_date) filter (where excluded & $3 = 0)::date as recency_days,
       count(distinct invoice_no) filter (where excluded & $3 = 0) as frequency,
       sum(value) filter (where excluded & $3 = 0) as monetary,
       count(distinct stock_code) filter (where excluded & $3 = 0) as products,
       round(coalesce(sum(-value) filter (where value < 0 and excluded & 2 <> 0), 0) / nullif(sum(value) filter (where value > 0 and excluded & 2 = 0), 0), 4) as return_rate
from lines
group by customer_id
having count(*) filter (where excluded & $3 = 0) > 0
order by customer_id collate "C"`;

const LINE_PURCHASE_DAYS = `
select customer_id, invoice_date::date::text as day, sum(quantity * unit_price) as value
from transaction_lines
where dataset_id = $1 and customer_id is not null and excluded & $2 = 0 and invoice_date < $3::date + 1
group by 1, 2`;

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_summaries");
  pool = db.pool;
  const files = sampleFiles();
  ({ datasetId } = await loadFiles(pool, { mode: "create", name: SAMPLE.name }, [
    { fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } },
  ]));
});
afterAll(async () => {
  await db.close();
});

const count = async (datasetId: number, table = "invoice_totals") =>
  Number((await pool.query(`select count(*) as n from ${table} where dataset_id = $1`, [datasetId])).rows[0].n);
const prepare = (id: number) => preparerFor(pool).prepareDataset(id);
/** The day after the dataset's last line, as YYYY-MM-DD. */
const defaultDate = async () => (await pool.query("select (max(invoice_date)::date + 1)::text as d from transaction_lines where dataset_id = $1", [datasetId])).rows[0].d as string;

describe("invoice_totals", () => {
  test("is built by the preparation after a load, and gives the lines' features for any rules and analysis date", async () => {
    expect(await count(datasetId)).toBe(0); // a load builds nothing; its preparation does
    await prepare(datasetId);
    expect(await count(datasetId, "customer_summaries")).toBeGreaterThan(100);
    expect(await count(datasetId, "customer_countries")).toBeGreaterThanOrEqual(await count(datasetId, "customer_summaries"));
    expect(await count(datasetId, "product_descriptions")).toBeGreaterThan(10);
    const cases = [
      { rulesMask: 63 }, // the defaults: read from customer_summaries
      { rulesMask: 63, analysisDate: await defaultDate() }, // the same date, given: the file runs
      { rulesMask: 0 },
      { rulesMask: 63 & ~2 }, // cancellations kept
      { rulesMask: 32 | 8 },
      { rulesMask: 63, analysisDate: "2024-06-30" },
      { rulesMask: 1, analysisDate: "2023-09-01" },
    ];
    for (const options of cases) {
      const features = await getCustomerFeatures(pool, datasetId, options);
      const { rows } = await pool.query(LINE_FEATURES, [datasetId, options.analysisDate ?? null, options.rulesMask]);
      expect(features.length, JSON.stringify(options)).toBe(rows.length);
      expect(features.length).toBeGreaterThan(100);
      expect(features.map((f) => [f.customerId, f.recencyDays, f.frequency, f.monetary, f.products, f.returnRate])).toEqual(
        rows.map((r) => [r.customer_id, r.recency_days, Number(r.frequency), Number(r.monetary), Number(r.products), r.return_rate === null ? null : Number(r.return_rate)]),
      );
    }
    expect(await count(datasetId)).toBeGreaterThan(1000);
  });

  test.each([["2024-09-30"], [undefined]])("gives the lines' purchase days to BG/NBD and Gamma-Gamma (analysis date %s)", async (date) => {
    const summaries = await getRepeatSummaries(pool, datasetId, { analysisDate: date, rulesMask: 63, unit: "days" });
    const analysisDate = date ?? (await defaultDate());
    const { rows } = await pool.query<{ customer_id: string; day: string; value: string }>(LINE_PURCHASE_DAYS, [datasetId, 63, analysisDate]);
    const days = new Map<string, typeof rows>();
    for (const r of rows) days.set(r.customer_id, [...(days.get(r.customer_id) ?? []), r]);
    expect(summaries).toHaveLength(days.size);
    for (const s of summaries) {
      const own = days.get(s.customerId)!.sort((a, b) => a.day.localeCompare(b.day));
      const repeats = own.slice(1);
      expect(s.frequency).toBe(own.length - 1);
      expect(s.monetary).toBeCloseTo(repeats.length ? repeats.reduce((t, r) => t + Number(r.value), 0) / repeats.length : 0, 6);
    }
  });

  test("gives the lines' headline figures and cleaning counts", async () => {
    const { rows } = await pool.query(
      `select count(*) as lines, count(distinct invoice_no) as invoices, count(distinct customer_id) as customers,
              sum(quantity * unit_price) as revenue, count(distinct country) as countries,
              count(*) filter (where excluded & 2 <> 0) as cancellation, count(*) filter (where excluded = 0) as included
       from transaction_lines where dataset_id = $1`,
      [datasetId],
    );
    const lines = rows[0];
    expect(await getDatasetFigures(pool, datasetId)).toMatchObject({
      lines: Number(lines.lines),
      invoices: Number(lines.invoices),
      customers: Number(lines.customers),
      revenue: lines.revenue,
      countries: Number(lines.countries),
    });
    expect(await getCleaningCounts(pool, datasetId)).toMatchObject({ cancellation: Number(lines.cancellation), included: Number(lines.included) });
  });

  test("is rebuilt after an append, once even when many ask at the same time", async () => {
    const before = await getDatasetFigures(pool, datasetId);
    await loadFiles(pool, { mode: "append", datasetId }, [
      { fileName: "more.csv", body: ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n", "X1,85123A,LAMP,2,2024-12-21 12:00,5.00,99999,Iceland\n"] },
    ]);
    await Promise.all(Array.from({ length: 5 }, () => prepare(datasetId)));
    const after = await getDatasetFigures(pool, datasetId);
    expect(after.lines).toBe(before.lines + 1);
    expect(after.invoices).toBe(before.invoices + 1);
    const { rows } = await pool.query("select count(*) as n, count(distinct (invoice_no, customer_id, invoice_date, country, excluded)) as groups from invoice_totals where dataset_id = $1", [datasetId]);
    expect(Number(rows[0].n)).toBe(Number(rows[0].groups)); // no group twice
  });

  test("preparations of several datasets asked for at once all finish, one after another", async () => {
    const line = (n: number) => `I${n},85123A,LAMP,${n},2024-12-2${n} 12:00,5.00,C${n},Iceland\n`;
    const others = await Promise.all(
      [1, 2, 3].map(async (n) => (await loadFiles(pool, { mode: "create", name: `other ${n}` }, [{ fileName: `o${n}.csv`, body: ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n", line(n)] }])).datasetId),
    );
    await pool.query("update datasets set summarised_version = null, prepared_version = null");
    await Promise.all([datasetId, ...others, datasetId, ...others].map((id) => prepare(id)));
    const { rows } = await pool.query("select count(*) filter (where prepared_version = data_version) as prepared, count(*) as n from datasets");
    expect(Number(rows[0].prepared)).toBe(Number(rows[0].n));
    for (const id of others) {
      expect(await count(id)).toBe(1);
      expect(await count(id, "customer_summaries")).toBe(1);
      await deleteDataset(pool, id);
    }
  });

  test("goes with its dataset: its partitions are dropped", async () => {
    await prepare(datasetId);
    expect(await deleteDataset(pool, datasetId)).toBe(true);
    expect(await count(datasetId)).toBe(0);
    expect(await count(datasetId, "customer_summaries")).toBe(0);
    const tables = ["transaction_lines", "invoice_totals", "customer_products", "customer_summaries", "customer_countries", "product_descriptions"];
    const { rows } = await pool.query("select count(*) as n from pg_class where relname like any($1)", [tables.map((t) => `${t}_${datasetId}%`)]);
    expect(Number(rows[0].n)).toBe(0);
  });
});
