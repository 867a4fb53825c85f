import fs from "node:fs";
import path from "node:path";
import { createGunzip } from "node:zlib";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { DATASETS, loadCdnow, prepared } from "../../tests/support/reference-data";
import { InputError } from "../errors";
import { loadFiles } from "../ingest/load";
import { fitLifetimeValue } from "./clv";
import { getRunInsights } from "./insights";
import { preparerFor } from "./preparation";
import { runSegmentation } from "./segmentations";

/**
 * The churn models' holdout check (issue 16) on real files:
 * - Online Retail II (2009-12 to 2010-12, 4,383 customers) loaded through the real loader: the shop where
 *   the models find almost no dropout. The run must say so, name the signal it uses instead, and show the
 *   holdout figures; those figures are recounted here in plain SQL over the stored lines, never by our code.
 * - CDNOW with the holdout from 1997-10-01: the calibration period is exactly lifetimes' published summary
 *   (39 weeks to 1997-09-30), so each model's calibration fit must be the published one.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let retail: number;
let cdnow: number;

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_churn");
  pool = db.pool;
  const gz = path.join(DATASETS, "online-retail-ii-uci/online_retail_II_2009-2010.csv.gz");
  const loaded = await loadFiles(pool, { mode: "create", name: "Online Retail II" }, [{ fileName: "online_retail_II.csv", body: fs.createReadStream(gz).pipe(createGunzip()) }]);
  retail = await prepared(pool, loaded.datasetId);
  cdnow = await loadCdnow(pool);
}, 240_000);
afterAll(async () => {
  await db.close();
});

/**
 * Plain SQL over the stored invoice sums with no cleaning bit set (every rule applies, as by default): purchase
 * days per customer, the default calibration date, and what happened after it.
 */
async function recount(datasetId: number) {
  const { rows } = await pool.query<{ calibration: string; customers: string; actual: string; gone: string; flagged: string; flagged_gone: string }>(
    `with days as (select distinct customer_id, invoice_date::date as day from invoice_totals where dataset_id = $1 and customer_id is not null and excluded = 0),
          period as (select min(day) as first, max(day) + 1 as "end" from days),
          cal as (select first + ("end" - first) * 3 / 4 as c from period),
          per as (select customer_id,
                         max(day) filter (where day <= c) as last_before,
                         count(*) filter (where day > c) as after
                  from days, cal group by customer_id having min(day) < min(c))
     select (select c from cal)::text as calibration, count(*) as customers, sum(after) as actual,
            count(*) filter (where after = 0) as gone,
            count(*) filter (where last_before <= (select c from cal) - 90) as flagged,
            count(*) filter (where after = 0 and last_before <= (select c from cal) - 90) as flagged_gone
     from per`,
    [datasetId],
  );
  const r = rows[0]!;
  return { calibration: r.calibration, customers: Number(r.customers), actual: Number(r.actual), gone: Number(r.gone), flagged: Number(r.flagged), flaggedGone: Number(r.flagged_gone) };
}

describe("Online Retail II: models that cannot tell dropout", () => {
  test("the answer says dropout is not identified, names the rule it uses instead, and its holdout figures are the data's", async () => {
    const clv = await fitLifetimeValue(pool, retail, {});
    const truth = await recount(retail);
    expect(clv.identified).toBe(false);
    expect(clv.verdict).toMatch(/finds almost no dropout on this data/);
    expect(clv.verdict).toMatch(/At risk means no purchase in \d+ (days|times)|At risk means no purchase in \d+ times/);
    expect(clv.churnRule.kind).not.toBe("p_alive");
    expect(clv.models.map((m) => m.model)).toEqual(["bgnbd", "mbgnbd", "paretonbd"]);
    for (const m of clv.models) {
      if (!("params" in m)) throw new Error(`${m.model} was not fitted: ${m.error}`);
      expect(m.dropoutInPeriod).toBeLessThan(0.05);
      expect(m.identified).toBe(false);
      const holdout = m.holdout;
      if (!holdout) throw new Error(`${m.model} has no holdout figures`);
      expect(holdout.actual).toBe(truth.actual);
      expect(holdout.from > truth.calibration).toBe(true);
    }
    expect(clv.holdout!.calibrationDate).toBe(truth.calibration);
    expect(clv.holdout!.customers).toBe(truth.customers);
    const baseline = clv.holdout!.rules.find((r) => r.rule.kind === "days" && r.rule.days === 90)!;
    expect(baseline).toMatchObject({ customers: truth.customers, gone: truth.gone, flagged: truth.flagged, flaggedGone: truth.flaggedGone });
    expect(baseline.precision).toBeCloseTo(truth.flaggedGone / truth.flagged, 12);
    expect(baseline.recall).toBeCloseTo(truth.flaggedGone / truth.gone, 12);
    // The signal in use did at least as well as the baseline on the holdout.
    const used = clv.holdout!.rules.find((r) => r.label === clv.churnRule.label)!;
    expect(used.f1).toBeGreaterThanOrEqual(baseline.f1);
    expect(clv.atRisk.customers).toBeGreaterThan(0);
  }, 120_000);

  test("a run says so in its insights and flags customers by the rule it names, never 'none at risk' by the model", async () => {
    const run = await runSegmentation(pool, retail, { method: "rfm" });
    await preparerFor(pool).prepareRun(run.id);
    const insights = (await getRunInsights(pool, run.id))!;
    const text = insights.groups.flatMap((g) => g.bullets.map((b) => b.text)).join("\n");
    expect(text).toMatch(/Churn: .*finds almost no dropout on this data/);
    expect(text).not.toMatch(/None of them is at risk by BG\/NBD/);
    const { rows } = await pool.query<{ flagged: string; since: string }>(
      `select count(*) filter (where at_risk) as flagged, count(*) filter (where at_risk is null) as since from segment_members where run_id = $1`,
      [run.id],
    );
    expect(Number(rows[0]!.since)).toBe(0);
    const base = insights.profiles.find((p) => p.segmentNo === null)!;
    expect(base.atRiskCustomers).toBe(Number(rows[0]!.flagged));
  }, 120_000);
});

describe("CDNOW: each model's calibration fit is lifetimes' published one", () => {
  test("holdout from 1997-10-01: Pareto/NBD r 0.553, α 10.578, s 0.606, β 11.669; MBG/NBD r 0.525, α 6.183, a 0.891, b 1.614; BG/NBD 0.243, 4.414, 0.793, 2.426", async () => {
    const clv = await fitLifetimeValue(pool, cdnow, { cleaning: [], holdoutFrom: "1997-10-01", model: "paretonbd" });
    expect(clv.model).toBe("paretonbd");
    const params = Object.fromEntries(clv.models.map((m) => [m.model, "params" in m ? m.params : null]));
    const round = (p: Record<string, number> | null | undefined, keys: string[], digits: number) => keys.map((k) => p![k]!.toFixed(digits));
    expect(round(params.paretonbd, ["r", "alpha", "s", "beta"], 2)).toEqual(["0.55", "10.58", "0.61", "11.67"]);
    expect(round(params.mbgnbd, ["r", "alpha", "a", "b"], 3)).toEqual(["0.525", "6.183", "0.891", "1.614"]);
    expect(round(params.bgnbd, ["r", "alpha", "a", "b"], 3)).toEqual(["0.243", "4.414", "0.793", "2.426"]);
    expect(clv.holdout!.calibrationDate).toBe("1997-09-30");
    expect(clv.holdout!.customers).toBe(2357);
  }, 120_000);
});

describe("a run with the analyst's churn model and holdout", () => {
  test("keeps them (model in use, calibration date) and refuses a holdout outside the data, naming the field", async () => {
    const run = await runSegmentation(pool, cdnow, { method: "rfm", cleaning: [], churnModel: "paretonbd", holdoutFrom: "1997-10-01" });
    const fit = run.metrics.lifetimeValue as { model: string; check: { calibrationDate: string; customers: number } };
    expect(fit.model).toBe("paretonbd");
    expect(fit.check).toMatchObject({ calibrationDate: "1997-09-30", customers: 2357 });
    expect(run.params).toMatchObject({ churnModel: "paretonbd", holdoutFrom: "1997-10-01" });
    const error = await runSegmentation(pool, cdnow, { method: "rfm", holdoutFrom: "1990-01-01" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe("holdoutFrom");
  }, 120_000);
});
