import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createGunzip } from "node:zlib";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { DATASETS, loadRfmOrders, prepared } from "../../tests/support/reference-data";
import { customerQueryString, parseCustomerQuery } from "../customer-table";
import { InputError } from "../errors";
import { loadFiles } from "../ingest/load";
import { segmentMigrationQuery } from "../queries/segment-migration";
import { GONE, migrationMatrix, migrationSummary, NEW, type MigrationMatrix } from "../segmentation/migration";
import { listCustomers } from "./customers";
import { runSegmentation, type RunDetail } from "./segmentations";
import { describeFlowFilter, getMoves, getOverTime, rerunAtDate, type MovesPage } from "./segments-over-time";

/**
 * Segments over time on the UCI Online Retail file (541,909 invoice lines, Dec 2010 to Dec 2011) loaded
 * through the real loader: RFM at the end of the data, run again at the calibration date the run page
 * suggests (three quarters into the period), and the migration between the two. Every expected figure is
 * an independent count in plain SQL over the stored members or the invoice lines themselves, never our
 * migration query or matrix.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let uci: number;
let later: RunDetail;
let earlierId: number;
let calibration: string;
let moves: MovesPage;
let matrix: MigrationMatrix;

/** Plain SQL for the expectations. */
async function counts(sql: string, values: unknown[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ k: string; n: string }>(sql, values);
  return new Map(rows.map((r) => [r.k, Number(r.n)]));
}
async function one(sql: string, values: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ n: string | null }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}
const segmentSizes = (runId: number) =>
  counts(
    `select s.name as k, count(*) as n from segment_members m join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no
     where m.run_id = $1 group by s.name`,
    [runId],
  );
/** Revenue of a clean line (line total, else quantity × unit price), as the README defines it. */
const LINE_REVENUE = "coalesce(l.line_total, l.quantity * l.unit_price)";

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_over_time");
  pool = db.pool;
  const gz = path.join(DATASETS, "online-retail-uci/online_retail.csv.gz");
  const loaded = await loadFiles(pool, { mode: "create", name: "UCI Online Retail" }, [{ fileName: "online_retail.csv", body: fs.createReadStream(gz).pipe(createGunzip()) }]);
  uci = await prepared(pool, loaded.datasetId);
  later = await runSegmentation(pool, uci, { method: "rfm" });
  const overTime = (await getOverTime(pool, later.id))!;
  calibration = overTime.suggested!;
  const rerun = await rerunAtDate(pool, later.id, calibration);
  earlierId = rerun.runId;
  expect(rerun).toEqual({ runId: earlierId, earlier: earlierId, later: later.id });
  const result = await getMoves(pool, earlierId, later.id);
  if (result.swap) throw new Error("the calibration run should come first");
  moves = result.page;
  matrix = migrationMatrix(moves.flows, moves.from.segments, moves.to.segments);
}, 300_000);
afterAll(async () => {
  await db.close();
});

describe("run again at another date", () => {
  test("the run page suggests three quarters into the observed period (1 Dec 2010 to 9 Dec 2011) for a run at the end of the data", async () => {
    const overTime = (await getOverTime(pool, later.id))!;
    expect(overTime).toMatchObject({ possible: true, analysisDate: "2011-12-10", period: { first: "2010-12-01", last: "2011-12-09" }, end: "2011-12-10" });
    // 374 days from the first invoice to the day after the last; three quarters is day 280 (rounded down): 2011-09-07,
    // the churn check's calibration date.
    expect(calibration).toBe("2011-09-07");
    // From the calibration run, the suggestion is the end of the data.
    expect((await getOverTime(pool, earlierId))!.suggested).toBe("2011-12-10");
  });

  test("keeps the method and every setting but the analysis date", async () => {
    const { rows } = await pool.query<{ id: number; method: string; params: Record<string, unknown> }>("select id, method, params from segmentation_runs where id = any($1) order by id", [[later.id, earlierId]]);
    const [a, b] = rows;
    expect(b!.method).toBe(a!.method);
    expect(b!.params.analysisDate).toBe(calibration);
    expect({ ...b!.params, analysisDate: null }).toEqual({ ...a!.params, analysisDate: null });
  });

  test("refuses a date after the data, before it, or the run's own", async () => {
    for (const date of ["2011-12-11", "2010-12-01", "2011-12-10", "2011-02-30x"]) {
      await expect(rerunAtDate(pool, later.id, date)).rejects.toBeInstanceOf(InputError);
    }
  });
});

describe("segment-migration.sql through the matrix", () => {
  test("rows sum to the calibration run's segment sizes, with New its own row: customers who first bought after the calibration date", async () => {
    const sizes = await segmentSizes(earlierId);
    const rows = new Map(matrix.rows.map((r, i) => [r.name, matrix.rowTotals[i]!.customers]));
    const newCount = rows.get(NEW);
    rows.delete(NEW);
    expect(rows).toEqual(sizes);
    // The calibration run's customers from the lines: buyers with a clean line by the end of the calibration day.
    const buyersBy = (date: string) =>
      one(`select count(distinct l.customer_id) as n from transaction_lines l where l.dataset_id = $1 and l.excluded = 0 and l.invoice_date < $2::date + 1`, [uci, date]);
    expect([...sizes.values()].reduce((s, n) => s + n, 0)).toBe(await buyersBy(calibration));
    const expectedNew = await one(
      `select count(*) as n from (
         select customer_id from transaction_lines l where l.dataset_id = $1 and l.excluded = 0 group by customer_id
         having min(l.invoice_date) >= $2::date + 1) first_after`,
      [uci, calibration],
    );
    expect(expectedNew).toBeGreaterThan(0);
    expect(newCount).toBe(expectedNew);
    expect(matrix.rows.at(-1)).toEqual({ no: null, name: NEW });
  });

  test("columns sum to the later run's segment sizes; nobody is Gone with the same cleaning rules", async () => {
    const sizes = await segmentSizes(later.id);
    expect(new Map(matrix.columns.map((c, j) => [c.name, matrix.columnTotals[j]!.customers]))).toEqual(sizes);
    expect(matrix.columns.some((c) => c.name === GONE)).toBe(false);
    expect(matrix.total.customers).toBe(later.customers);
    // Every buyer with a clean line, from the lines.
    expect(later.customers).toBe(await one(`select count(distinct l.customer_id) as n from transaction_lines l where l.dataset_id = $1 and l.excluded = 0`, [uci]));
  });

  test("revenue: to the later date, before the calibration date, and between the two, as the lines give them", async () => {
    const { total } = matrix;
    const lines = (where: string) => one(`select sum(${LINE_REVENUE}) as n from transaction_lines l where l.dataset_id = $1 and l.excluded = 0 and ${where}`, [uci, calibration]);
    // Members keep their revenue in cents: allow half a cent per customer and run.
    const cents = 0.005 * 2 * later.customers;
    expect(Math.abs(total.revenue - (await lines("$2::text is not null")))).toBeLessThan(cents);
    expect(Math.abs(total.revenueBefore - (await lines("l.invoice_date < $2::date + 1")))).toBeLessThan(cents);
    expect(Math.abs(total.revenueSince - (await lines("l.invoice_date >= $2::date + 1")))).toBeLessThan(cents);
    expect(migrationSummary(moves.flows).revenueSince).toBeCloseTo(total.revenueSince, 2);
  });

  test("who bought again since the calibration date, per segment then (the holdout), as the lines count them", async () => {
    const expected = await counts(
      `with came_back as (              -- customers with a clean line after the calibration day
         select distinct l.customer_id from transaction_lines l where l.dataset_id = $2 and l.excluded = 0 and l.invoice_date >= $3::date + 1
       )
       select s.name as k, count(b.customer_id) as n
       from segment_members m join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no
       left join came_back b on b.customer_id = m.customer_id
       where m.run_id = $1 group by s.name`,
      [earlierId, uci, calibration],
    );
    const got = new Map(matrix.rows.flatMap((r, i) => (r.name === NEW ? [] : [[r.name, matrix.rowTotals[i]!.boughtAgain] as const])));
    expect(got).toEqual(expected);
    // Some of those at risk then came back, and not all.
    const atRisk = got.get("At Risk")!;
    expect(atRisk).toBeGreaterThan(0);
    expect(atRisk).toBeLessThan((await segmentSizes(earlierId)).get("At Risk")!);
  });

  test("each cell is the count of customers in both segments, by plain SQL over the members", async () => {
    const pairs = await counts(
      `select coalesce(sa.name, 'New') || '|' || sb.name as k, count(*) as n
       from segment_members b join segments sb on sb.run_id = b.run_id and sb.segment_no = b.segment_no
       left join segment_members a on a.run_id = $1 and a.customer_id = b.customer_id
       left join segments sa on sa.run_id = a.run_id and sa.segment_no = a.segment_no
       where b.run_id = $2 group by 1`,
      [earlierId, later.id],
    );
    const cells = new Map<string, number>();
    matrix.cells.forEach((row, i) => row.forEach((c, j) => c && cells.set(`${matrix.rows[i]!.name}|${matrix.columns[j]!.name}`, c.customers)));
    expect(cells).toEqual(pairs);
  });

  test("the other way round, New customers are Gone", async () => {
    const back = await segmentMigrationQuery(pool, later.id, earlierId).compute();
    const gone = back.filter((r) => r.toNo === null);
    expect(gone.every((r) => r.toSegment === GONE && r.revenue === null && r.revenueSince === null)).toBe(true);
    expect(gone.reduce((s, r) => s + r.customers, 0)).toBe(matrix.rowTotals.at(-1)!.customers);
    expect(back.some((r) => r.fromNo === null)).toBe(false);
    // The API answers the runs in the order asked (GET /api/segmentations/{later}/moves/{earlier}).
    const asked = await getMoves(pool, later.id, earlierId, { asked: true });
    expect(asked.swap).toBe(false);
    if (!asked.swap) expect(asked.page).toMatchObject({ from: { id: later.id }, to: { id: earlierId }, flows: back, sameCleaning: true });
  });

  test("gives in psql, with -v from_run and -v to_run, exactly what the app reads", () => {
    const run = spawnSync("psql", [db.url, "-X", "-A", "-t", "-F", "|", "-v", `from_run=${earlierId}`, "-v", `to_run=${later.id}`, "-f", "lib/queries/sql/segment-migration.sql"], { encoding: "utf8" });
    expect(run.error, "psql is needed: apt-get install -y postgresql-client").toBeUndefined();
    expect(run.stderr).toBe("");
    const rows = run.stdout.trim().split("\n").map((line) => line.split("|"));
    const num = (v: string) => (v === "" ? null : Number(v));
    expect(rows.map((r) => [num(r[0]!), r[1], num(r[2]!), r[3], Number(r[4]), num(r[5]!), num(r[6]!), num(r[7]!), Number(r[8])])).toEqual(
      moves.flows.map((f) => [f.fromNo, f.fromSegment, f.toNo, f.toSegment, f.customers, f.revenue, f.revenueBefore, f.revenueSince, f.boughtAgain]),
    );
  });
});

describe("the customers behind a flow", () => {
  test("the address keeps the flow filter: other_run with other_segment (a number, or none); either one wrong is dropped", () => {
    const q = parseCustomerQuery({ segment: "2", other_run: "7", other_segment: "none" });
    expect(customerQueryString(q)).toBe("segment=2&other_run=7&other_segment=none");
    expect(parseCustomerQuery({ other_segment: "3" }).other_segment).toBeUndefined(); // a segment of no run
    const wrongRun = parseCustomerQuery({ other_run: "x", other_segment: "3" });
    expect([wrongRun.other_run, wrongRun.other_segment]).toEqual([undefined, undefined]);
    const wrongSegment = parseCustomerQuery({ other_run: "7", other_segment: "bogus" });
    expect([wrongSegment.other_run, wrongSegment.other_segment]).toEqual([7, undefined]);
  });

  test("the customers table's other_run filter gives each cell's customers, New and Gone included", async () => {
    const at = (from: string, to: string) => {
      const i = matrix.rows.findIndex((r) => r.name === from);
      const j = matrix.columns.findIndex((c) => c.name === to);
      return { from: matrix.rows[i]!, to: matrix.columns[j]!, flow: matrix.cells[i]![j]! };
    };
    const riskToChampions = at("At Risk", "Champions");
    expect(riskToChampions.flow.customers).toBeGreaterThan(0);
    const page = await listCustomers(pool, later.id, { segment: riskToChampions.to.no, other_run: earlierId, other_segment: riskToChampions.from.no, size: 500 });
    expect(page!.total).toBe(riskToChampions.flow.customers);
    const ids = page!.rows.map((r) => r.customerId);
    const { rows } = await pool.query<{ n: string }>(
      "select count(*) as n from segment_members where run_id = $1 and customer_id = any($2) and segment_no = $3",
      [earlierId, ids, riskToChampions.from.no],
    );
    expect(Number(rows[0]!.n)).toBe(ids.length);

    const newest = matrix.cells[matrix.rows.length - 1]!.map((c, j) => ({ c, j })).filter(({ c }) => c).sort((a, b) => b.c!.customers - a.c!.customers)[0]!;
    const newPage = await listCustomers(pool, later.id, { segment: matrix.columns[newest.j]!.no, other_run: earlierId, other_segment: "none" });
    expect(newPage!.total).toBe(newest.c!.customers);
    // Gone, from the later run's side: every customer of the calibration run is in the later one.
    expect((await listCustomers(pool, earlierId, { other_run: later.id, other_segment: "none" }))!.total).toBe(0);
    // A run of another dataset matches no one.
    const elsewhere = await runSegmentation(pool, await loadRfmOrders(pool), { method: "rfm" });
    expect((await listCustomers(pool, later.id, { other_run: elsewhere.id, other_segment: "none" }))!.total).toBe(0);
    await expect(getMoves(pool, later.id, elsewhere.id)).rejects.toBeInstanceOf(InputError);
  });

  test("the filter's banner names the other run's segment and its time, and the moves page's address", async () => {
    const risk = moves.from.segments.find((s) => s.name === "At Risk")!;
    expect(await describeFlowFilter(pool, later.id, earlierId, risk.no)).toEqual({
      otherRun: earlierId,
      other: { method: "rfm", analysisDate: calibration, earlier: true },
      segment: "At Risk",
      absent: false,
      moves: `/runs/${earlierId}/moves?to=${later.id}`,
    });
    expect(await describeFlowFilter(pool, earlierId, later.id, "none")).toMatchObject({ other: { earlier: false }, segment: null, absent: true });
    expect(await getMoves(pool, later.id, earlierId)).toEqual({ swap: true });
  });
});
