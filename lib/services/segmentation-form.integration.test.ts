import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { CLEANING_RULES } from "../ingest/cleaning";
import { STANDARD_RULES } from "../segmentation/rfm";
import { preparerFor } from "./preparation";
import { getRunPage } from "./run-page";
import { ensureSampleDataset } from "./sample";
import { readSegmentationForm, submitSegmentationForm } from "./segmentation-form";
import { compareRuns, getSegmentation } from "./segmentations";
import { prepared } from "../../tests/support/reference-data";

/**
 * The dashboard's "new segmentation" form, as its server action runs it: the
 * fields a browser posts are read into a run, saved, and the run page's data
 * is built from it; a wrong field comes back as a message under that field.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let sample: number;

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_form");
  pool = db.pool;
  sample = await prepared(pool, (await ensureSampleDataset(pool))!);
});
afterAll(async () => {
  await db?.close();
});

/** The fields as the form posts them: hidden method, rules as JSON, k, repeated features and cleaning. */
function form(fields: Record<string, string | string[]>, cleaning: readonly string[] | null = CLEANING_RULES.map((r) => r.key)): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  if (cleaning) {
    data.append("cleaningSent", "1");
    for (const c of cleaning) data.append("cleaning", c);
  }
  return data;
}
const rules = (change: (r: typeof STANDARD_RULES) => unknown = (r) => r) => JSON.stringify(change(STANDARD_RULES.map((r) => ({ ...r }))));

async function submitted(fields: FormData) {
  const result = await submitSegmentationForm(pool, sample, fields);
  if (!result.ok) throw new Error(`expected a run, got ${JSON.stringify(result.state)}`);
  await preparerFor(pool).prepareRun(result.runId); // its pages' answers (the run page reads them)
  return (await getSegmentation(pool, result.runId))!;
}

async function refused(fields: FormData, datasetId = sample) {
  const result = await submitSegmentationForm(pool, datasetId, fields);
  if (result.ok) throw new Error("expected field errors");
  return result.state;
}

describe("a filled form runs the segmentation it describes", () => {
  test("RFM with 4 bins and an edited rule table", async () => {
    const table = rules((r) => [{ ...r[0]!, name: "Best", recency: [4, 4], frequency: [4, 4], monetary: [3, 4] }, ...r.slice(1)]);
    const run = await submitted(form({ method: "rfm", analysisDate: "", bins: "4", rules: table }));
    expect(run).toMatchObject({ method: "rfm", params: { analysisDate: null, bins: { recency: 4, frequency: 4, monetary: 4 } } });
    expect((run.params.rules as { name: string }[])[0]!.name).toBe("Best");
    expect(run.segments.map((s) => s.name)).toContain("Best");
    expect(run.segments.reduce((s, x) => s + x.customers, 0)).toBe(run.customers);
    // The run's preparation saved every query its run and segment pages read.
    const saved = await pool.query<{ name: string }>("select name from query_results where scope = $1 order by name", [`run:${run.id}`]);
    expect(saved.rows.map((r) => r.name)).toEqual([
      "revenue-concentration", "rfm-grid", "segment-columns", "segment-countries", "segment-demographics", "segment-distributions", "segment-outcomes",
      "segment-profile", "segment-top-products",
    ]);
  });

  test("k-means with chosen features, k and seed, and only two cleaning rules", async () => {
    const run = await submitted(form({ method: "kmeans", k: "3", features: ["recencyDays", "monetary"], seed: "7" }, ["noCustomer", "cancellation"]));
    expect(run.params).toMatchObject({ k: 3, chosenK: 3, features: ["recencyDays", "monetary"], seed: 7, cleaning: ["noCustomer", "cancellation"] });
    expect(run.segments).toHaveLength(3);
  });

  test("hierarchical with k, an analysis date and no cleaning rule at all; the run page has its dendrogram and projection", async () => {
    const run = await submitted(form({ method: "hierarchical", k: "4", features: ["recencyDays", "frequency", "monetary"], seed: "1", analysisDate: "2024-06-30" }, []));
    expect(run.params).toMatchObject({ k: 4, analysisDate: "2024-06-30", cleaning: [] });
    const page = (await getRunPage(pool, run.id))!;
    expect(page.dendrogram!.leaves.reduce((s, l) => s + l.size, 0)).toBe(run.customers);
    expect(new Set(page.dendrogram!.leaves.map((l) => l.cluster))).toEqual(new Set([0, 1, 2, 3]));
    expect(page.projection!.points).toHaveLength(run.customers);
    expect(page.grid).toBeNull(); // not an RFM run: no grid
    expect(page.profiles!.at(-1)).toMatchObject({ segmentNo: null, customers: run.customers });
  });

  test("fields of other methods are not read, and the form's default k-means is k = auto", () => {
    expect(readSegmentationForm(form({ method: "rfm", k: "4", bins: "5", rules: rules() }, null))).toEqual({ method: "rfm", bins: 5, rules: STANDARD_RULES });
    expect(readSegmentationForm(form({ method: "kmeans", k: "auto", features: ["frequency"], bins: "3" }, null))).toEqual({ method: "kmeans", k: "auto", features: ["frequency"] });
  });
});

describe("a wrong field comes back as a message under that field", () => {
  test.each([
    ["a rule whose lower score exceeds the upper one", form({ method: "rfm", bins: "5", rules: rules((r) => [r[0], { ...r[1]!, recency: [5, 2] }, ...r.slice(2)]) }), "rules.1.recency", /lower score/],
    ["a rule score above 10", form({ method: "rfm", bins: "5", rules: rules((r) => [{ ...r[0]!, monetary: [4, 11] }]) }), "rules.0.monetary", /1 to 10/],
    ["a rule without a name", form({ method: "rfm", bins: "5", rules: rules((r) => [{ ...r[0]!, name: " " }]) }), "rules.0.name", /name/],
    ["no rule at all", form({ method: "rfm", bins: "5", rules: "[]" }), "rules", /at least one rule/],
    ["11 bins", form({ method: "rfm", bins: "11", rules: rules() }), "bins", /2 to 10/],
    ["k = 30", form({ method: "kmeans", k: "30", features: ["frequency"] }), "k", /2 to 20/],
    ["k that is not a number", form({ method: "hierarchical", k: "five", features: ["frequency"] }), "k", /2 to 20/],
    ["no feature", form({ method: "kmeans", k: "auto" }), "features", /at least one feature/],
    ["a date no one had bought by", form({ method: "rfm", analysisDate: "2001-01-01", rules: rules() }), "analysisDate", /no customer bought/],
    ["a date that is not one", form({ method: "rfm", analysisDate: "31/12/2024", rules: rules() }), "analysisDate", /YYYY-MM-DD/],
    ["a seed with decimals", form({ method: "kmeans", k: "3", features: ["frequency"], seed: "1.5" }), "seed", /whole number/],
  ])("%s", async (_, fields, field, message) => {
    const state = await refused(fields);
    expect(Object.keys(state.errors)).toEqual([field]);
    expect(state.errors[field]).toMatch(message);
    expect(state.message).toBeNull();
  });

  test("an unreadable rule table and an unknown dataset are said plainly", async () => {
    expect((await refused(form({ method: "rfm", rules: "{not json" }))).errors).toEqual({ rules: expect.stringMatching(/could not be read/) });
    const gone = await refused(form({ method: "rfm", rules: rules() }), 999_999);
    expect(gone).toEqual({ errors: {}, message: "There is no dataset 999999." });
  });

  test("a refused form saves nothing", async () => {
    const before = await pool.query("select count(*)::int as n from segmentation_runs");
    await refused(form({ method: "kmeans", k: "30", features: ["frequency"] }));
    expect((await pool.query("select count(*)::int as n from segmentation_runs")).rows[0].n).toBe(before.rows[0].n);
  });
});

describe("the run page's data", () => {
  test("an RFM run has its grid and no projection; the comparison is compareRuns', saved with the run; bad compare ids are explained", async () => {
    const rfm = await submitted(form({ method: "rfm", bins: "5", rules: rules() }));
    const km = await submitted(form({ method: "kmeans", k: "auto", features: ["recencyDays", "frequency", "monetary"], seed: "1" }));
    const page = (await getRunPage(pool, rfm.id, km.id))!;
    expect(page.grid!.reduce((s, c) => s + c.customers, 0)).toBe(rfm.customers);
    expect(page.projection).toBeNull();
    expect(page.dendrogram).toBeNull();
    expect(page.comparison).toEqual(await compareRuns(pool, rfm.id, km.id));
    expect(page.comparedSegments).toEqual(km.segments.map((s) => s.name));
    expect(page.runs.map((r) => r.id)).toEqual(expect.arrayContaining([rfm.id, km.id]));
    const saved = await pool.query("select rows from query_results where scope = $1 and name = $2", [`run:${rfm.id}`, `compare-runs?with=${km.id}`]);
    expect(saved.rows[0].rows.adjustedRandIndex).toBe(page.comparison!.adjustedRandIndex);

    expect((await getRunPage(pool, rfm.id, rfm.id))!).toMatchObject({ comparison: null, comparisonError: expect.stringMatching(/another run/) });
    expect((await getRunPage(pool, rfm.id, 999_999))!).toMatchObject({ comparison: null, comparisonError: "There is no run 999999." });
    expect(await getRunPage(pool, 999_999)).toBeNull();

    const kmPage = (await getRunPage(pool, km.id))!;
    expect(kmPage.projection!.drawn).toBe(km.customers);
    expect((km.metrics.candidates as unknown[]).length).toBe(6);
  });
});
