import { spawnSync } from "node:child_process";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { lineFlags } from "../ingest/cleaning";
import { loadFiles } from "../ingest/load";
import { SAMPLE, sampleFiles } from "../sample";
import { generateSample, transactionsCsv } from "../sample/generate";
import { getOverview, OVERVIEW_SQL } from "../services/overview";
import { preparerFor } from "../services/preparation";
import { getAgeDistribution } from "./age-distribution";
import { getBasketSizeDistribution } from "./basket-size-distribution";
import { getChannelByGender } from "./channel-by-gender";
import { getCohortRetention } from "./cohort-retention";
import { getCountryTotals } from "./country-totals";
import { getCustomerDistributions } from "./customer-distributions";
import { getCustomerLocations } from "./customer-locations";
import { getFrequencyByCountry } from "./frequency-by-country";
import { getGenderSplit } from "./gender-split";
import { getOrderValueDistribution } from "./order-value-distribution";
import { getRevenueByMonth, getRevenueByWeek } from "./revenue-over-time";
import { getSpendByAgeBand } from "./spend-by-age-band";
import { sqlFile } from "./sql-file";
import { getTopProducts } from "./top-products";

/**
 * The dataset overview's queries on the generated sample (transactions and
 * customers files loaded through the real upload path): each file must give
 * in psql exactly what the app reads, and the figures must agree with direct
 * queries on transaction_lines and customers, and with the generator's own data.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let datasetId: number;
let bareId: number; // transactions only, no customers file

const sample = generateSample({ customers: SAMPLE.customers, seed: SAMPLE.seed });

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_overview");
  pool = db.pool;
  const files = sampleFiles();
  ({ datasetId } = await loadFiles(pool, { mode: "create", name: SAMPLE.name }, [
    { fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } },
    { fileName: SAMPLE.files.customers, body: files.customers, options: { kind: "customers" } },
  ]));
  const bare = [
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
    "1001,A1,Mug,2,2024-01-05 10:00,3.50,C1,France",
    "1001,A2,Plate,1,2024-01-05 10:00,7.00,C1,France",
    "1002,A1,Mug,4,2024-02-11 12:30,3.50,C2,Spain",
    "1003,A1,Mug,1,2024-03-02 09:15,3.50,C1,France",
    "C1004,A1,Mug,-1,2024-03-03 09:15,3.50,C1,France",
  ].map((l) => `${l}\n`);
  ({ datasetId: bareId } = await loadFiles(pool, { mode: "create", name: "bare" }, [{ fileName: "bare.csv", body: bare, options: { kind: "transactions" } }]));
  await Promise.all([preparerFor(pool).prepareDataset(datasetId), preparerFor(pool).prepareDataset(bareId)]);
});
afterAll(async () => {
  await db?.close();
});

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Runs a query file in psql as a user would (with `-v grain=week` for "revenue-over-time?grain=week"); its rows as objects typed like the app's (numbers, null, booleans, text). */
function psqlRows(name: string, id: number, like: Record<string, unknown>[]): Record<string, unknown>[] {
  const file = sqlFile(name);
  const option = file.option ? ["-v", `${file.option.variable}=${file.option.value}`] : [];
  const run = spawnSync("psql", [db.url, "-X", "-A", "-F", "\x1f", "-P", "footer=off", "-P", "null=\x02", "-v", `dataset_id=${id}`, ...option, "-f", `lib/queries/sql/${file.name}.sql`], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.error, "psql is needed: apt-get install -y postgresql-client").toBeUndefined();
  expect(run.stderr).toBe("");
  const [header, ...lines] = run.stdout.replace(/\n$/, "").split("\n");
  const columns = header!.split("\x1f").map(camel);
  const kinds = new Map<string, string>();
  for (const row of like) for (const [k, v] of Object.entries(row)) if (v !== null) kinds.set(k, typeof v);
  return lines.map((line) =>
    Object.fromEntries(
      line.split("\x1f").map((field, i) => {
        const key = columns[i]!;
        const kind = kinds.get(key);
        if (field === "\x02") return [key, null];
        if (kind === "number") return [key, Number(field)];
        if (kind === "boolean") return [key, field === "t"];
        return [key, field];
      }),
    ),
  );
}

/** Rows of a direct query, typed by the test that asks (test data, not the app's edge). */
const direct = async <T extends pg.QueryResultRow = Record<string, string>>(sql: string, values: unknown[] = [datasetId]) => (await pool.query<T>(sql, values)).rows;
const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);

/** Kept lines of the sample computed here from the generator's data: the cleaning rules applied in JS. */
function keptSampleLines() {
  const csv = [...transactionsCsv(sample)].slice(1);
  const seen = new Set<string>();
  return sample.lines.filter((l, i) => {
    const duplicate = seen.has(csv[i]!);
    seen.add(csv[i]!);
    const price = Number(l.unitPrice.toFixed(2));
    return !duplicate && lineFlags(l.invoiceNo, l.stockCode, l.quantity, price, l.customerId) === 0;
  });
}
const cents = (l: { quantity: number; unitPrice: number }) => l.quantity * Math.round(l.unitPrice * 100);

describe("every overview SQL file", () => {
  const getters = {
    "revenue-over-time?grain=month": getRevenueByMonth,
    "revenue-over-time?grain=week": getRevenueByWeek,
    "country-totals": getCountryTotals,
    "top-products": getTopProducts,
    "order-value-distribution": getOrderValueDistribution,
    "basket-size-distribution": getBasketSizeDistribution,
    "customer-distributions": getCustomerDistributions,
    "cohort-retention": getCohortRetention,
    "age-distribution": getAgeDistribution,
    "gender-split": getGenderSplit,
    "customer-locations": getCustomerLocations,
    "spend-by-age-band": getSpendByAgeBand,
    "frequency-by-country": getFrequencyByCountry,
    "channel-by-gender": getChannelByGender,
  } as const;

  test("is covered here, one getter per file of the overview", () => {
    expect(new Set(Object.values(OVERVIEW_SQL))).toEqual(new Set(Object.keys(getters)));
  });

  test.each(Object.keys(getters) as (keyof typeof getters)[])("%s gives in psql exactly what the app reads, fresh and saved", async (name) => {
    const fresh = (await getters[name](pool, datasetId)) as unknown as Record<string, unknown>[];
    const saved = (await getters[name](pool, datasetId)) as unknown as Record<string, unknown>[];
    expect(fresh.length).toBeGreaterThan(0);
    expect(saved).toEqual(fresh);
    expect(psqlRows(name, datasetId, fresh)).toEqual(fresh);
  });
});

describe("figures against independent computations", () => {
  test("months: revenue and orders equal the generator's kept lines month by month, and sum to the kept revenue on transaction_lines", async () => {
    const months = await getRevenueByMonth(pool, datasetId);
    const kept = keptSampleLines();
    const byMonth = new Map<string, { cents: number; invoices: Set<string> }>();
    for (const l of kept) {
      const key = `${l.invoiceDate.slice(0, 7)}-01`;
      const m = byMonth.get(key) ?? { cents: 0, invoices: new Set() };
      m.cents += cents(l);
      m.invoices.add(l.invoiceNo);
      byMonth.set(key, m);
    }
    expect(months.filter((m) => m.orders > 0).map((m) => m.period)).toEqual([...byMonth.keys()].sort());
    for (const m of months) {
      const js = byMonth.get(m.period);
      expect([m.period, Math.round(m.revenue * 100), m.orders]).toEqual([m.period, js?.cents ?? 0, js?.invoices.size ?? 0]);
    }
    const [total] = await direct("select sum(quantity * unit_price) as revenue, count(distinct invoice_no) as orders from transaction_lines where dataset_id = $1 and excluded & 63 = 0");
    expect(sum(months, (m) => m.revenue)).toBeCloseTo(Number(total!.revenue), 2);
    expect(sum(months, (m) => m.orders)).toBe(Number(total!.orders));
    // consecutive months, the first and last marked partial (the sample runs 3 Jan 2023 to 20 Dec 2024)
    expect(months[0]).toMatchObject({ period: "2023-01-01", partial: true, coveredFrom: "2023-01-03" });
    expect(months.at(-1)).toMatchObject({ period: "2024-12-01", partial: true });
    expect(months).toHaveLength(24);
  });

  test("weeks: Mondays, one per week, summing to the same revenue and orders", async () => {
    const [weeks, months] = [await getRevenueByWeek(pool, datasetId), await getRevenueByMonth(pool, datasetId)];
    for (const w of weeks) expect(new Date(`${w.period}T00:00:00Z`).getUTCDay()).toBe(1);
    const gaps = weeks.slice(1).map((w, i) => (Date.parse(w.period) - Date.parse(weeks[i]!.period)) / 86_400_000);
    expect(new Set(gaps)).toEqual(new Set([7]));
    expect(sum(weeks, (w) => w.revenue)).toBeCloseTo(sum(months, (m) => m.revenue), 2);
    expect(sum(weeks, (w) => w.orders)).toBe(sum(months, (m) => m.orders));
  });

  test("countries: 15 at most then Other, summing to every kept order and the kept revenue", async () => {
    const countries = await getCountryTotals(pool, datasetId);
    const rows = await direct<{ country: string; orders: string; revenue: string }>(
      "select country, count(distinct invoice_no) as orders, sum(quantity * unit_price) as revenue from transaction_lines where dataset_id = $1 and excluded & 63 = 0 group by country order by 3 desc",
    );
    expect(countries.length).toBeLessThanOrEqual(16);
    expect(countries.filter((c) => c.country !== "Other").map((c) => [c.country, c.orders, c.revenue])).toEqual(
      rows.slice(0, 15).map((r) => [r.country, Number(r.orders), Number(Number(r.revenue).toFixed(2))]),
    );
    expect(sum(countries, (c) => c.countries)).toBe(rows.length);
    expect(sum(countries, (c) => c.revenueShare ?? 0)).toBeCloseTo(1, 2);
  });

  test("top products: the generator's 20 best-selling stock codes by kept revenue, with their units and customers", async () => {
    const products = await getTopProducts(pool, datasetId);
    const byCode = new Map<string, { cents: number; units: number; customers: Set<string> }>();
    for (const l of keptSampleLines()) {
      const p = byCode.get(l.stockCode) ?? { cents: 0, units: 0, customers: new Set() };
      p.cents += cents(l);
      p.units += l.quantity;
      p.customers.add(l.customerId!);
      byCode.set(l.stockCode, p);
    }
    const expected = [...byCode.entries()].sort((a, b) => b[1].cents - a[1].cents || (a[0] < b[0] ? -1 : 1)).slice(0, 20);
    expect(products.map((p) => [p.stockCode, Math.round(p.revenue * 100), p.quantity, p.customers])).toEqual(
      expected.map(([code, p]) => [code, p.cents, p.units, p.customers.size]),
    );
    expect(products.every((p) => p.description.length > 0)).toBe(true);
  });

  test("order values and basket sizes: bins hold every kept order once, each bin's count equals a direct count", async () => {
    const [values, baskets] = [await getOrderValueDistribution(pool, datasetId), await getBasketSizeDistribution(pool, datasetId)];
    const orders = await direct<{ v: string; lines: string }>(
      "select sum(quantity * unit_price) as v, count(*) as lines from transaction_lines where dataset_id = $1 and excluded & 63 = 0 group by invoice_no",
    );
    const inBin = (x: number, b: { lower: number | null; upper: number | null }) => (b.lower === null || x >= b.lower) && (b.upper === null || x < b.upper);
    expect(sum(values, (b) => b.orders)).toBe(orders.length);
    expect(sum(baskets, (b) => b.orders)).toBe(orders.length);
    for (const b of values) expect(b.orders).toBe(orders.filter((o) => inBin(Number(o.v), b)).length);
    for (const b of baskets) expect(b.orders).toBe(orders.filter((o) => inBin(Number(o.lines), b)).length);
    // edges rise, bins touch, and only the ends may be open
    for (const bins of [values, baskets]) {
      bins.slice(1).forEach((b, i) => expect(b.lower).toBe(bins[i]!.upper));
      expect(bins.slice(1, -1).every((b) => b.lower !== null && b.upper !== null)).toBe(true);
    }
    expect(baskets[0]).toMatchObject({ lower: 1, upper: 2 });
    expect(sum(values, (b) => b.value)).toBeCloseTo(sum(orders, (o) => Number(o.v)), 1);
  });

  test("customer distributions: each measure holds every buyer once; one-order customers and recent buyers equal direct counts", async () => {
    const bins = await getCustomerDistributions(pool, datasetId);
    // The day after the last line (any line, as the app's 'now'), read first: Citus cannot push down a subquery in
    // the target list of a query over the lines.
    const [last] = await direct("select (max(invoice_date)::date + 1)::text as day from transaction_lines where dataset_id = $1");
    const customers = await direct<{ frequency: string; recency: number; spend: string }>(
      `select count(distinct invoice_no) as frequency, $2::date - max(invoice_date)::date as recency, sum(quantity * unit_price) as spend
       from transaction_lines where dataset_id = $1 and excluded & 63 = 0 group by customer_id`,
      [datasetId, last!.day],
    );
    for (const measure of ["recency_days", "frequency", "spend"] as const) {
      const own = bins.filter((b) => b.measure === measure);
      expect(sum(own, (b) => b.customers), measure).toBe(customers.length);
      const value = (c: (typeof customers)[number]) => Number(measure === "recency_days" ? c.recency : measure === "frequency" ? c.frequency : c.spend);
      for (const b of own) expect(b.customers, `${measure} ${b.lower}`).toBe(customers.filter((c) => (b.lower === null || value(c) >= b.lower) && (b.upper === null || value(c) < b.upper)).length);
    }
    expect(bins.find((b) => b.measure === "frequency")).toMatchObject({ lower: 1, upper: 2, customers: customers.filter((c) => c.frequency === "1").length });
    expect(bins.find((b) => b.measure === "recency_days")).toMatchObject({ lower: 0 });
  });

  test("cohorts: sizes sum to the buyers, month 0 is the whole cohort, and a cell equals a direct count", async () => {
    const cells = await getCohortRetention(pool, datasetId);
    const [buyers] = await direct("select count(distinct customer_id) as n from transaction_lines where dataset_id = $1 and excluded & 63 = 0");
    const firsts = cells.filter((c) => c.monthsSince === 0);
    expect(sum(firsts, (c) => c.cohortSize)).toBe(Number(buyers!.n));
    expect(firsts.every((c) => c.customers === c.cohortSize && c.share === 1)).toBe(true);
    // every cohort runs to the last month: 24 months of data make 24 + 23 + ... cells
    expect(cells).toHaveLength(firsts.reduce((s, _, i) => s + firsts.length - i, 0));
    const [cell] = await direct(
      `with k as (select customer_id, date_trunc('month', invoice_date) as m from transaction_lines where dataset_id = $1 and excluded & 63 = 0),
            f as (select customer_id, min(m) as c from k group by 1)
       select count(distinct k.customer_id) as n from k join f using (customer_id) where f.c = date '2023-03-01' and k.m = date '2023-06-01'`,
    );
    expect(cells.find((c) => c.cohort === "2023-03-01" && c.monthsSince === 3)?.customers).toBe(Number(cell!.n));
  });

  test("demographics: genders, channels, ages and countries equal the generator's customers file", async () => {
    const [genders, channels, ages, locations, bands, frequency] = await Promise.all([
      getGenderSplit(pool, datasetId),
      getChannelByGender(pool, datasetId),
      getAgeDistribution(pool, datasetId),
      getCustomerLocations(pool, datasetId),
      getSpendByAgeBand(pool, datasetId),
      getFrequencyByCountry(pool, datasetId),
    ]);
    const count = <K>(keys: K[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<K, number>());
    const byGender = count(sample.customers.map((c) => c.gender ?? "Unknown"));
    expect(new Map(genders.map((g) => [g.gender, g.customers]))).toEqual(byGender);
    const [onFile] = await direct("select count(*) filter (where gender = 'F') as f, count(*) as n from customers where dataset_id = $1");
    expect(genders.find((g) => g.gender === "F")?.customers).toBe(Number(onFile!.f));
    expect(new Map(channels.map((c) => [`${c.gender}/${c.channel}`, c.customers]))).toEqual(count(sample.customers.map((c) => `${c.gender ?? "Unknown"}/${c.channel}`)));
    expect(sum(ages, (a) => a.customers)).toBe(SAMPLE.customers);
    expect(ages.at(-1)).toMatchObject({ bin: null, customers: sample.customers.filter((c) => c.age === null).length });
    expect(new Map(locations.filter((l) => l.city === null).map((l) => [l.country, l.customers]))).toEqual(count(sample.customers.map((c) => c.country)));
    expect(sum(bands, (b) => b.customers)).toBe(SAMPLE.customers);
    expect(bands.find((b) => b.band === "18–24")?.customers).toBe(sample.customers.filter((c) => c.age !== null && c.age >= 18 && c.age < 25).length);
    // revenue by band sums to the kept revenue of the customers on file (here: every buyer is on file)
    const [revenue] = await direct("select sum(quantity * unit_price) as r from transaction_lines where dataset_id = $1 and excluded & 63 = 0");
    expect(sum(bands, (b) => b.revenue)).toBeCloseTo(Number(revenue!.r), 1);
    const [buyers] = await direct("select count(distinct customer_id) as n from transaction_lines where dataset_id = $1 and excluded & 63 = 0");
    expect(sum(frequency, (f) => f.buyers)).toBe(Number(buyers!.n));
  });
});

describe("the overview service", () => {
  test("the preparation saves every file (both grains) and getOverview reads every part; before it, every part is null", async () => {
    const { rows } = await pool.query<{ name: string }>("select name from query_results where scope = $1 order by name", [`dataset:${datasetId}`]);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(Object.values(OVERVIEW_SQL)));
    const month = await getOverview(pool, datasetId);
    const week = await getOverview(pool, datasetId, { grain: "week" });
    expect(month.periods).toEqual(await getRevenueByMonth(pool, datasetId));
    expect(week.periods).toEqual(await getRevenueByWeek(pool, datasetId));
    expect(month.customers!.frequency.length + month.customers!.recencyDays.length + month.customers!.spend.length).toBe((await getCustomerDistributions(pool, datasetId)).length);
    expect(month.demographics.genders!.length).toBeGreaterThan(1);
    await pool.query("update datasets set data_version = data_version + 1 where id = $1", [datasetId]); // as a load does
    const stale = await getOverview(pool, datasetId);
    expect([stale.periods, stale.countries, stale.products, stale.customers, stale.cohorts, ...Object.values(stale.demographics)].every((part) => part === null)).toBe(true);
    await preparerFor(pool).prepareDataset(datasetId);
    expect((await getOverview(pool, datasetId)).periods).toEqual(month.periods);
  });

  test("a dataset without a customers file has empty demographics and the right small figures", async () => {
    const o = await getOverview(pool, bareId);
    expect(Object.values(o.demographics).every((rows) => rows!.length === 0)).toBe(true);
    expect(o.periods!.map((p) => [p.period, p.orders, p.revenue])).toEqual([
      ["2024-01-01", 1, 14],
      ["2024-02-01", 1, 14],
      ["2024-03-01", 1, 3.5],
    ]);
    expect(o.countries!.map((c) => [c.country, c.orders, c.customers, c.revenue])).toEqual([
      ["France", 2, 1, 17.5],
      ["Spain", 1, 1, 14],
    ]);
    expect(o.products!.map((p) => [p.stockCode, p.quantity, p.revenue, p.customers])).toEqual([
      ["A1", 7, 24.5, 2],
      ["A2", 1, 7, 1],
    ]);
    expect(o.customers!.frequency.map((b) => [b.lower, b.upper, b.customers])).toEqual([
      [1, 2, 1],
      [2, null, 1], // the bins run past the 99th percentile, 1.99: the last one is open
    ]);
    expect(o.cohorts!.map((c) => [c.cohort, c.monthsSince, c.customers])).toEqual([
      ["2024-01-01", 0, 1],
      ["2024-01-01", 1, 0],
      ["2024-01-01", 2, 1],
      ["2024-02-01", 0, 1],
      ["2024-02-01", 1, 0],
    ]);
  });
});
