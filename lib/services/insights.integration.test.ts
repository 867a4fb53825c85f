import { spawnSync } from "node:child_process";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { loadFiles } from "../ingest/load";
import { getRevenueConcentration } from "../queries/revenue-concentration";
import { getSegmentProfiles } from "../queries/segment-profile";
import { SAMPLE, sampleFiles } from "../sample";
import { getRunInsights, runReport } from "./insights";
import { runSegmentation } from "./segmentations";
import { prepared } from "../../tests/support/reference-data";
import { preparerFor } from "./preparation";

/**
 * A run's profile, concentration and insights on the generated sample: the
 * SQL files give in psql what the app shows, the figures agree with the
 * members read directly, and the report carries the same numbers.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let runId: number;

function psqlRows(file: string, id: number): string[][] {
  const run = spawnSync("psql", [db.url, "-X", "-A", "-t", "-F", "|", "-v", `run_id=${id}`, "-f", `lib/queries/sql/${file}.sql`], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  return run.stdout.trim().split("\n").map((line) => line.split("|"));
}

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_insights");
  pool = db.pool;
  const files = sampleFiles();
  const { datasetId } = await loadFiles(pool, { mode: "create", name: SAMPLE.name }, [
    { fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } },
  ]);
  await prepared(pool, datasetId);
  runId = (await runSegmentation(pool, datasetId, { method: "rfm" })).id;
  await preparerFor(pool).prepareRun(runId);
});
afterAll(async () => {
  await db.close();
});

describe("segment-profile.sql", () => {
  test("gives in psql what the app reads, and the members' own counts and sums (at risk: the members the run's churn signal flagged)", async () => {
    const profiles = await getSegmentProfiles(pool, runId);
    const rows = psqlRows("segment-profile", runId);
    expect(rows).toHaveLength(profiles.length);
    rows.forEach((row, i) => {
      expect([row[1], Number(row[2]), Number(row[3]), Number(row[5])]).toEqual([profiles[i]!.name, profiles[i]!.customers, profiles[i]!.customerShare, profiles[i]!.revenue]);
    });
    const { rows: direct } = await pool.query(
      `select segment_no, count(*)::int as customers, sum(monetary)::float8 as revenue, avg(frequency)::float8 as frequency,
              count(*) filter (where at_risk)::int as at_risk
       from segment_members where run_id = $1 group by segment_no order by segment_no`,
      [runId],
    );
    const total = direct.reduce((s, r) => s + r.customers, 0);
    for (const d of direct) {
      const p = profiles.find((x) => x.segmentNo === d.segment_no)!;
      expect(p.customers).toBe(d.customers);
      expect(p.revenue).toBeCloseTo(d.revenue, 2);
      expect(p.frequency).toBeCloseTo(d.frequency, 2);
      expect(p.customerShare).toBeCloseTo(d.customers / total, 4);
      expect(p.atRiskCustomers).toBe(d.at_risk);
    }
    expect(profiles.at(-1)).toMatchObject({ segmentNo: null, name: "All customers", customers: total });
  });
});

describe("revenue-concentration.sql", () => {
  test("gives in psql what the app reads, and the shares of the top 1%, 10%, 20% and the bottom half computed from the members", async () => {
    const concentration = (await getRevenueConcentration(pool, runId))!;
    const [row] = psqlRows("revenue-concentration", runId);
    expect(Number(row![3])).toBe(concentration.top20PercentShare);
    const { rows } = await pool.query<{ monetary: string }>("select monetary from segment_members where run_id = $1", [runId]);
    const values = rows.map((r) => Number(r.monetary)).sort((a, b) => b - a);
    const total = values.reduce((s, v) => s + v, 0);
    const sum = (from: number, to: number) => values.slice(from, to).reduce((s, v) => s + v, 0);
    expect(concentration.customers).toBe(values.length);
    expect(concentration.top1PercentShare).toBeCloseTo(sum(0, Math.ceil(values.length * 0.01)) / total, 4);
    expect(concentration.top10PercentShare).toBeCloseTo(sum(0, Math.ceil(values.length * 0.1)) / total, 4);
    expect(concentration.top20PercentShare).toBeCloseTo(sum(0, Math.ceil(values.length * 0.2)) / total, 4);
    expect(concentration.bottomHalfShare).toBeCloseTo(sum(Math.floor(values.length * 0.5), values.length) / total, 4);
  });
});

describe("insights and report", () => {
  test("each segment's first bullet states its shares as segment-profile.sql gives them", async () => {
    const insights = (await getRunInsights(pool, runId))!;
    const segments = insights.profiles.filter((p) => p.segmentNo !== null && p.customers > 0);
    expect(insights.groups).toHaveLength(segments.length + 1);
    for (const p of segments) {
      const group = insights.groups.find((g) => g.segmentNo === p.segmentNo)!;
      const share = (x: number) => `${x < 0.01 && x > 0 ? (x * 100).toFixed(1) : Math.round(x * 100)}%`;
      expect(group.bullets[0]!.text).toContain(`${p.name} are ${share(p.customerShare)} of customers and bring ${share(p.revenueShare!)} of revenue`);
      expect(group.bullets.at(-1)!.text).toMatch(/^Recommended action: /);
    }
  });

  test("the Markdown report has the insights, a row per segment and the SQL", async () => {
    const report = (await runReport(pool, runId))!;
    const insights = (await getRunInsights(pool, runId))!;
    for (const g of insights.groups) for (const b of g.bullets) expect(report).toContain(b.text);
    for (const p of insights.profiles) expect(report).toContain(`| ${p.name} | ${p.customers.toLocaleString("en-GB")} |`);
    expect(report).toContain(`psql "$DATABASE_URL" -v run_id=${runId} -f lib/queries/sql/segment-profile.sql`);
    expect(report).toContain("group by segment_no");
  });
});
