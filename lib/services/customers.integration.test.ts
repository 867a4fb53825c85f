import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { customerQueryString, parseColumns, parseCustomerQuery, type CustomerPage } from "../customer-table";
import { loadFiles } from "../ingest/load";
import { SAMPLE, sampleFiles } from "../sample";
import { sqlFile } from "../queries/sql-file";
import { getCustomerHistory, listCustomers } from "./customers";
import { runSegmentation } from "./segmentations";
import { createApiToken, createFirstAdmin } from "./accounts";
import { prepared } from "../../tests/support/reference-data";
import { preparerFor } from "./preparation";

/**
 * The customers table's API (GET /api/segmentations/{id}/customers, through
 * its route handler and the service behind it) and a customer's history, on
 * the generated sample with an RFM run: totals, every page, the order of
 * several columns against a sort of all members in JavaScript, filters,
 * keyset pages, 422s; the history against the lines and psql.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let datasetId: number;
let runId: number;
let token: string;
let GET: (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;

interface Member {
  customer_id: string;
  segment_no: number;
  recency_days: number;
  frequency: number;
  monetary: number;
  p_alive: number | null;
  clv: number | null;
  return_rate: number | null;
}
let all: Member[];

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_customers");
  pool = db.pool;
  const files = sampleFiles();
  ({ datasetId } = await loadFiles(pool, { mode: "create", name: SAMPLE.name }, [
    { fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } },
    { fileName: SAMPLE.files.customers, body: files.customers, options: { kind: "customers" } },
  ]));
  await prepared(pool, datasetId);
  runId = (await runSegmentation(pool, datasetId, { method: "rfm" })).id;
  await preparerFor(pool).prepareRun(runId);
  const { rows } = await pool.query(
    `select customer_id, segment_no, recency_days, frequency, monetary::float8 as monetary, p_alive, clv::float8 as clv, return_rate::float8 as return_rate
     from segment_members where run_id = $1`,
    [runId],
  );
  all = rows;
  // The route handler reads the app's pool; point it at this test's database.
  (globalThis as { __segmentaPool?: pg.Pool }).__segmentaPool = pool;
  ({ GET } = await import("../../app/api/segmentations/[id]/customers/route"));
  const admin = (await createFirstAdmin(pool, { email: "ana@example.com", password: "correct horse battery" }))!;
  ({ token } = await createApiToken(pool, admin.id, "customers test"));
});
afterAll(async () => {
  delete (globalThis as { __segmentaPool?: pg.Pool }).__segmentaPool;
  await db.close();
});

async function api(query: string, id = runId, authorization: string | null = `Bearer ${token}`): Promise<{ status: number; body: CustomerPage & { error?: { code: string; field: string; message: string } } }> {
  const headers = authorization ? { authorization } : undefined;
  const response = await GET(new Request(`http://localhost/api/segmentations/${id}/customers?${query}`, { headers }), { params: Promise.resolve({ id: String(id) }) });
  return { status: response.status, body: await response.json() };
}

/** Ascending comparison of one column with nulls last either way, customer id breaking ties in the same direction (what the API promises). */
function expectedOrder(rows: Member[], key: keyof Member, dir: "asc" | "desc"): string[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const x = a[key];
      const y = b[key];
      if (x === null && y !== null) return 1;
      if (y === null && x !== null) return -1;
      if (x !== null && y !== null && x !== y) return (x < y ? -1 : 1) * sign;
      return (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0) * sign;
    })
    .map((r) => r.customer_id);
}

describe("GET /api/segmentations/{id}/customers", () => {
  test("answers 401 without a session or a valid API token", async () => {
    expect((await api("page=1", runId, null)).status).toBe(401);
    expect((await api("page=1", runId, "Bearer seg_not-a-real-token")).status).toBe(401);
    const refused = await api("page=1", runId, `Bearer ${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe("unauthorized");
  });

  test("pages through every member exactly once, with the run's total", async () => {
    expect(all.length).toBeGreaterThan(1000);
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const { status, body } = await api(`page=${page}&size=500&sort=monetary&dir=desc`);
      expect(status).toBe(200);
      expect(body.total).toBe(all.length);
      seen.push(...body.rows.map((r) => r.customerId));
      if (body.rows.length < 500) break;
    }
    expect(seen).toHaveLength(all.length);
    expect(new Set(seen).size).toBe(all.length);
  });

  test.each([
    ["monetary", "monetary", "desc"],
    ["monetary", "monetary", "asc"],
    ["recency_days", "recency_days", "asc"],
    ["frequency", "frequency", "desc"],
    ["p_alive", "p_alive", "desc"],
    ["clv", "clv", "asc"],
    ["return_rate", "return_rate", "desc"],
    ["segment", "segment_no", "asc"],
    ["customer_id", "customer_id", "desc"],
  ] as const)("sorts by %s (%s %s) like a sort of all members, across pages", async (sort, key, dir) => {
    const expected = expectedOrder(all, key, dir);
    const got: string[] = [];
    for (const page of [1, 2, 7]) {
      const { body } = await api(`sort=${sort}&dir=${dir}&size=100&page=${page}`);
      expect(body.rows).toHaveLength(100);
      expect(body.rows.map((r) => r.customerId)).toEqual(expected.slice((page - 1) * 100, page * 100));
      got.push(...body.rows.map((r) => r.customerId));
    }
    expect(got).toHaveLength(300);
  });

  test("filters by segment, id and a range, and counts with the same filters", async () => {
    const segment = all.find((m) => m.segment_no === 1)!.segment_no;
    const inSegment = all.filter((m) => m.segment_no === segment);
    let r = await api(`segment=${segment}&size=500&sort=frequency&dir=desc`);
    expect(r.body.total).toBe(inSegment.length);
    expect(r.body.rows.map((x) => x.customerId)).toEqual(expectedOrder(inSegment, "frequency", "desc").slice(0, 500));
    expect(r.body.rows.every((x) => x.segmentNo === segment && x.segment === "Loyal Customers")).toBe(true);

    const q = "123";
    const withQ = all.filter((m) => m.customer_id.startsWith(q));
    expect(withQ.length).toBeGreaterThan(10);
    r = await api(`q=${q}&size=500`);
    expect(r.body.total).toBe(withQ.length);
    expect(r.body.rows.map((x) => x.customerId)).toEqual(expectedOrder(withQ, "customer_id", "asc").slice(0, 500));

    const ranged = all.filter((m) => m.monetary >= 500 && m.monetary <= 2000 && m.segment_no === segment);
    r = await api(`field=monetary&min=500&max=2000&segment=${segment}&sort=clv&dir=desc&size=500`);
    expect(r.body.total).toBe(ranged.length);
    expect(r.body.rows.map((x) => x.customerId)).toEqual(expectedOrder(ranged, "clv", "desc").slice(0, 500));
    expect(r.body.rows.every((x) => x.monetary! >= 500 && x.monetary! <= 2000)).toBe(true);

    r = await api("field=frequency&min=1000");
    expect([r.status, r.body.total, r.body.rows]).toEqual([200, 0, []]);
  });

  test("deep pages (keys sorted first, then their rows read) equal plain offset pages", async () => {
    for (const [sort, dir] of [["monetary", "desc"], ["clv", "asc"], ["segment", "desc"]] as const) {
      const query = { sort, dir, size: 100, page: 9 };
      const deep = await listCustomers(pool, runId, query, { deepOffset: 0 });
      const plain = await listCustomers(pool, runId, query, { deepOffset: Number.MAX_SAFE_INTEGER });
      expect(deep!.rows).toHaveLength(100);
      expect(deep!.rows).toEqual(plain!.rows);
    }
  });

  test("keyset pages (after = the previous page's last id) equal offset pages", async () => {
    for (const dir of ["asc", "desc"] as const) {
      const first = await api(`dir=${dir}&size=50`);
      const byOffset = await api(`dir=${dir}&size=50&page=2`);
      const byKey = await api(`dir=${dir}&size=50&page=2&after=${encodeURIComponent(first.body.rows.at(-1)!.customerId)}`);
      expect(byKey.body.rows).toEqual(byOffset.body.rows);
      expect(byKey.body.total).toBe(all.length);
    }
  });

  test("answers 422 naming the parameter, and 404 for an unknown run", async () => {
    for (const [query, field] of [
      ["sort=bogus", "sort"],
      ["sort=monetary;drop table segment_members", "sort"],
      ["dir=sideways", "dir"],
      ["page=0", "page"],
      ["size=100000", "size"],
      ["min=3", "field"],
      ["field=customer_id&min=3", "field"],
      ["field=clv&min=5&max=2", "min"],
      ["field=clv&min=abc", "min"],
      ["sort=monetary&after=123", "after"],
    ]) {
      const { status, body } = await api(query!);
      expect([status, body.error?.code, body.error?.field], query).toEqual([422, "invalid_parameter", field]);
    }
    expect((await api("", 999_999)).status).toBe(404);
  });
});

describe("the customers table's URL state", () => {
  test("a page's searchParams give the API query back, forgiving bad values", () => {
    const q = parseCustomerQuery({ page: "3", size: "25", sort: "monetary", dir: "desc", q: " 12 ", segment: "2", field: "clv", min: "10", max: "" });
    expect(customerQueryString(q)).toBe("page=3&size=25&sort=monetary&dir=desc&q=12&segment=2&field=clv&min=10");
    expect(parseCustomerQuery({ page: "-1", sort: "nope", dir: "desc" })).toMatchObject({ page: 1, sort: "customer_id", dir: "desc" });
    expect(parseCustomerQuery({ min: "4" }).min).toBeUndefined(); // a range needs its column
    expect(parseCustomerQuery({ segment: "1" }, 5).segment).toBe(5); // a segment page fixes it
    expect(parseColumns({ cols: "clv,customer_id,bogus" })).toEqual(["customer_id", "clv"]);
    expect(parseColumns({ col: ["products", "customer_id"] })).toEqual(["customer_id", "products"]);
    expect(parseColumns({})).toBeNull();
  });
});

describe("a customer's history", () => {
  function psql(sql: string, customerId: string): string[][] {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "segmenta-customer-")), "query.sql");
    fs.writeFileSync(file, sql);
    const run = spawnSync("psql", [db.url, "-X", "-A", "-t", "-F", "|", "-v", `dataset_id=${datasetId}`, "-v", `customer_id=${customerId}`, "-f", file], { encoding: "utf8" });
    expect(run.error, "psql is needed").toBeUndefined();
    expect(run.stderr).toBe("");
    return run.stdout.trim().split("\n").map((line) => line.split("|"));
  }

  test("invoices and totals equal the customer's lines, the analysis counts what the run counted, and psql gives the same", async () => {
    const busiest = [...all].sort((a, b) => b.frequency - a.frequency)[0]!;
    const history = (await getCustomerHistory(pool, datasetId, busiest.customer_id))!;
    const { rows } = await pool.query(
      `select invoice_no, count(*)::int as lines, sum(quantity)::int as quantity, sum(quantity * unit_price)::float8 as value,
              coalesce(sum(quantity * unit_price) filter (where excluded & 63 = 0), 0)::float8 as included_value, bit_or(excluded)::int as rules
       from transaction_lines where dataset_id = $1 and customer_id = $2 group by invoice_no`,
      [datasetId, busiest.customer_id],
    );
    expect(history.invoices).toHaveLength(rows.length);
    for (const r of rows) {
      const i = history.invoices.find((x) => x.invoiceNo === r.invoice_no)!;
      expect([i.lines, i.quantity, i.value, i.includedValue, i.rules]).toEqual([r.lines, r.quantity, expect.closeTo(r.value, 6), expect.closeTo(r.included_value, 6), r.rules]);
    }
    expect(history.totals.invoices).toBe(rows.length);
    expect(history.totals.includedInvoices).toBe(busiest.frequency);
    expect(history.totals.includedValue).toBeCloseTo(busiest.monetary, 2);
    // The totals row against the customer's lines themselves (on Citus too, where it is summed from the invoices' rows).
    const lines = (
      await pool.query(
        `select count(*)::int as lines, sum(quantity)::int as quantity, sum(quantity * unit_price)::float8 as value,
                (count(*) filter (where excluded & 63 = 0))::int as included_lines, bit_or(excluded)::int as rules,
                min(invoice_date)::text as first, max(invoice_date)::text as last
         from transaction_lines where dataset_id = $1 and customer_id = $2`,
        [datasetId, busiest.customer_id],
      )
    ).rows[0];
    expect(history.totals).toMatchObject({ lines: lines.lines, quantity: lines.quantity, includedLines: lines.included_lines, rules: lines.rules });
    expect(history.totals.value).toBeCloseTo(lines.value, 6);
    expect([history.totals.firstInvoiceDate, history.totals.lastInvoiceDate]).toEqual([lines.first, lines.last]);
    expect(history.invoices.map((i) => i.invoiceDate)).toEqual([...history.invoices.map((i) => i.invoiceDate)].sort().reverse());
    expect(history.file).toMatchObject({ gender: expect.stringMatching(/^[FM]$/) });
    expect(history.segments).toEqual([expect.objectContaining({ runId, segmentNo: busiest.segment_no })]);

    const text = psql(sqlFile("customer-orders").text, busiest.customer_id);
    expect(text).toHaveLength(history.invoices.length + 1);
    expect(text.slice(0, -1).map((r) => [r[0], Number(r[5]), Number(r[7]), Number(r[9])])).toEqual(history.invoices.map((i) => [i.invoiceNo, i.lines, i.value, i.includedValue]));
    expect(text.at(-1)!.slice(0, 1).concat(text.at(-1)![4]!)).toEqual(["", String(history.totals.invoices)]);
    const segments = psql(sqlFile("customer-segments").text, busiest.customer_id);
    expect(segments.map((r) => [Number(r[0]), Number(r[3]), r[4]])).toEqual(history.segments.map((s) => [s.runId, s.segmentNo, s.segment]));
  });

  test("a customer on file who bought nothing: no invoices, totals of nothing", async () => {
    await pool.query("insert into customers (dataset_id, external_id, gender) values ($1, 'on file only', 'F')", [datasetId]);
    try {
      const history = (await getCustomerHistory(pool, datasetId, "on file only"))!;
      expect(history).toMatchObject({ invoices: [], file: { gender: "F" }, totals: { invoices: 0, includedInvoices: 0, lines: 0, value: 0, firstInvoiceDate: null } });
      const text = psql(sqlFile("customer-orders").text, "on file only");
      // One row, the totals: no invoice, no dates, 0 invoices and 0 lines counted.
      expect(text).toEqual([["", "", "", "", "0", "", "", "", "0", "0", "0", ""]]);
    } finally {
      await pool.query("delete from customers where dataset_id = $1 and external_id = 'on file only'", [datasetId]);
    }
  });

  test("knows nobody it has never seen", async () => {
    expect(await getCustomerHistory(pool, datasetId, "nobody at all")).toBeNull();
    expect(await getCustomerHistory(pool, 999_999, "12346")).toBeNull();
  });

  test("listCustomers answers null for an unknown run", async () => {
    expect(await listCustomers(pool, 999_999, {})).toBeNull();
  });
});
