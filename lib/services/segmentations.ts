import type pg from "pg";
import { SegmentationInput } from "./segmentation-input";
import { InputError, NotFoundError } from "../errors";
import { RULE_KEYS, rulesMask } from "../ingest/cleaning";
import { getRunInputs } from "../queries/customer-features";
import { savedAnswer } from "../queries/cache";
import { atDefaults } from "../queries/sql-file";
import { dayBefore } from "./churn-check";
import { customerValues, fitLifetime, lifetimeFitQuery, type CustomerValue } from "./lifetime-values";
import { preparerFor } from "./preparation";
import { logLine } from "../log";
import { hasPurchases, runPopulation, type Member, type Population } from "./run-population";
import { adjustedRandIndexOf, crosstabOf } from "../segmentation/compare";
import { hierarchicalSegmentation } from "../segmentation/hierarchical";
import { kmeansSegmentation } from "../segmentation/kmeans";
import { threadedEngine } from "../compute/threads";
import { analyseRules, assignSegments, OTHERS, rfmScores, STANDARD_RULES, type RfmCustomer, type SegmentRule } from "../segmentation/rfm";
import { datasetExists, requireDataset } from "../queries/datasets";
import { getSegmentationRuns, type RunListItem } from "../queries/segmentation-runs";
import { insertRun, memberLine, memberPage, readRun, runCrosstabCounts, runExists, runReadiness, runsByIds, type RunRecord, type SegmentRecord } from "../queries/runs";

/**
 * Segmentation runs: read per-customer features (SQL), run the method (pure
 * math in lib/segmentation), and save the run, its segments and every
 * customer's segment (COPY) in one transaction. The HTTP API and the
 * dashboard's server actions both call runSegmentation.
 */
export { FEATURE_KEYS, type FeatureKey } from "../segmentation/features";

export { SegmentationInput } from "./segmentation-input";


/** A segment as saved, with its shares of the run and its average order value. */
export interface SegmentSummary extends SegmentRecord {
  customerShare: number;
  revenueShare: number;
  averageOrderValue: number;
}

/** A run as saved (its pages' answers are all saved once preparedAt is set), with its segments. */
export interface RunDetail extends RunRecord {
  segments: SegmentSummary[];
}

interface Assignment {
  names: string[];
  /** Segment index of each customer, in the order of `names`. */
  members: number[];
  scores?: { r: number; f: number; m: number }[];
  metrics: Record<string, unknown>;
  params: Record<string, unknown>;
  profiles?: Record<string, unknown>[];
}

function rfm(features: readonly RfmCustomer[], input: SegmentationInput): Assignment {
  const perScore = (key: "recency" | "frequency" | "monetary") => (typeof input.bins === "object" && !Array.isArray(input.bins) ? input.bins[key] : input.bins) ?? 5;
  const bins = { recency: perScore("recency"), frequency: perScore("frequency"), monetary: perScore("monetary") };
  const result = rfmScores(features, { recencyBins: bins.recency, frequencyBins: bins.frequency, monetaryBins: bins.monetary });
  const rules: SegmentRule[] = input.rules ?? STANDARD_RULES;
  const labels = assignSegments(result.customers, rules);
  const names = [...rules.map((r) => r.name).filter((name, i, all) => all.indexOf(name) === i), OTHERS];
  const index = new Map(names.map((n, i) => [n, i]));
  const counts = { recency: result.bins.recency.length, frequency: result.bins.frequency.length, monetary: result.bins.monetary.length };
  return {
    names,
    members: labels.map((l) => index.get(l)!),
    scores: result.customers.map((c) => ({ r: c.recencyScore, f: c.frequencyScore, m: c.monetaryScore })),
    params: { bins, rules },
    metrics: { bins: result.bins, rules: analyseRules(rules, counts) },
    profiles: names.map((name) => {
      const rule = rules.find((r) => r.name === name);
      return rule ? { recency: rule.recency, frequency: rule.frequency, monetary: rule.monetary } : {};
    }),
  };
}

type Matrix = NonNullable<Population["matrix"]>;

async function hierarchical({ features: keys, rows, dummyWeights }: Matrix, input: SegmentationInput): Promise<Assignment> {
  if (input.k === "auto") throw new InputError("k", "hierarchical segmentation needs a number of segments; use kmeans for auto");
  const k = input.k ?? 5;
  const seed = input.seed ?? 1;
  const result = await hierarchicalSegmentation(keys, rows, { k, seed, engine: threadedEngine(), dummyWeights });
  return {
    names: result.profiles.map((p) => p.name),
    members: result.labels,
    params: { k, features: keys, seed, linkage: "ward" },
    metrics: { quality: result.quality, dendrogram: result.dendrogram, scaling: result.scaling },
    profiles: result.profiles.map((p) => ({ means: p.means })),
  };
}

async function kmeans({ features: keys, rows, dummyWeights }: Matrix, input: SegmentationInput): Promise<Assignment> {
  const k = input.k ?? "auto";
  const seed = input.seed ?? 1;
  const result = await kmeansSegmentation(keys, rows, { k, seed, engine: threadedEngine(), dummyWeights });
  return {
    names: result.profiles.map((p) => p.name),
    members: result.labels,
    params: { k, chosenK: result.k, features: keys, seed },
    metrics: { quality: result.quality, candidates: result.candidates, scaling: result.scaling },
    profiles: result.profiles.map((p) => ({ means: p.means, centroid: result.centroids[p.cluster] })),
  };
}

/** A dataset's runs, newest first (lib/queries/sql/segmentation-runs.sql); a NotFoundError when there is no such dataset. */
export async function listRuns(pool: pg.Pool, datasetId: number): Promise<RunListItem[]> {
  if (!(await datasetExists(pool, datasetId))) throw new NotFoundError("There is no such dataset.");
  return getSegmentationRuns(pool, datasetId);
}

export async function runSegmentation(pool: pg.Pool, datasetId: number, raw: unknown): Promise<RunDetail> {
  const input = SegmentationInput.parse(raw);
  await requireDataset(pool, datasetId);
  const started = performance.now();
  // Runs read the dataset's summaries: right after a load, they wait for its preparation to build them.
  await preparerFor(pool).summaries(datasetId);
  const cleaning = input.cleaning ?? RULE_KEYS;
  const options = { analysisDate: input.analysisDate, rulesMask: rulesMask(cleaning) };
  // The lifetime-value fit reads its own query; both run at once.
  // At the defaults, the models fitted by the dataset's preparation (else fitted here, on this run's inputs).
  // The analyst's churn model or holdout date: fitted here, never the dataset's saved fit.
  const churnAsked = (input.churnModel !== undefined && input.churnModel !== "auto") || input.holdoutFrom !== undefined;
  const [{ features, repeats }, savedFit] = await Promise.all([
    getRunInputs(pool, datasetId, options),
    atDefaults(options) && !churnAsked ? savedAnswer(pool, { datasetId }, lifetimeFitQuery(pool, datasetId)) : null,
  ]);
  const population = await runPopulation(pool, datasetId, input, features);
  const read = performance.now();
  // Other dates, rules or models: the models checked and fitted here, on this run's inputs.
  const calibrationDate = input.holdoutFrom && dayBefore(input.holdoutFrom);
  const lifetimeFit = population.purchases ? (savedFit ?? (await fitLifetime(pool, datasetId, repeats, { ...options, model: input.churnModel, calibrationDate }))) : null;
  if (input.holdoutFrom && lifetimeFit?.ok && lifetimeFit.checkError) throw new InputError("holdoutFrom", lifetimeFit.checkError);
  const values = lifetimeFit ? customerValues(repeats, { fit: lifetimeFit }) : null;
  if (population.members.length === 0) throw new InputError("analysisDate", "no customer bought anything before the analysis date (with these cleaning rules)", "no_customers");

  let assignment: Assignment;
  if (input.method === "rfm") assignment = rfm(population.members.filter(hasPurchases), input);
  else if (input.method === "kmeans") assignment = await kmeans(population.matrix!, input);
  else assignment = await hierarchical(population.matrix!, input);
  const segmented = performance.now();

  const params = {
    analysisDate: input.analysisDate ?? null,
    cleaning,
    ...assignment.params,
    ...(input.method === "rfm"
      ? {}
      : { features: population.features, encodings: population.encodings, columns: population.columns, categoryWeight: input.categoryWeight ?? 1, ...(input.totals ? { totals: input.totals } : {}) }),
    ...(population.leftOut.length ? { leftOut: population.leftOut } : {}),
    ...(input.churnModel ? { churnModel: input.churnModel } : {}),
    ...(input.holdoutFrom ? { holdoutFrom: input.holdoutFrom } : {}),
    ...(population.outcome ? { outcome: population.outcome } : {}),
    ...(population.summary ? { summary: population.summary, columns: population.columns } : {}),
    purchases: population.purchases,
  };
  const { values: perCustomer, ...fit } = values === null ? { values: null, ok: false, error: "the dataset has no purchases" } : values.ok ? values : { values: null, ...values };
  assignment.metrics.lifetimeValue = fit;
  const run = await saveRun(pool, datasetId, input.method, params, assignment, population.members, perCustomer, Math.round(performance.now() - started));
  const ms = (from: number, to: number) => Math.round(to - from);
  logLine(`run ${run.id} (${input.method}, ${population.members.length} customers) saved in ${ms(started, performance.now())} ms: inputs ${ms(started, read)}, lifetime values and segments ${ms(read, segmented)}, saving ${ms(segmented, performance.now())}`);
  // Its pages' answers, computed once, before any other preparation waiting (preparation.ts).
  void preparerFor(pool).prepareRun(run.id);
  return run;
}

async function saveRun(
  pool: pg.Pool,
  datasetId: number,
  method: string,
  params: Record<string, unknown>,
  a: Assignment,
  features: readonly Member[],
  values: Map<string, CustomerValue> | null,
  durationMs: number,
): Promise<RunDetail> {
  // Totals per segment, in one pass over the customers.
  const totals = a.names.map(() => ({ customers: 0, buyers: 0, orders: 0, revenue: 0, recencyDays: 0, pAlive: 0, valued: 0, atRisk: 0, atRiskRevenue: 0, expectedPurchases: 0, clv: 0 }));
  features.forEach((f, i) => {
    const t = totals[a.members[i]!]!;
    t.customers++;
    if (!hasPurchases(f)) return;
    t.buyers++;
    t.orders += f.frequency;
    t.revenue += f.monetary;
    t.recencyDays += f.recencyDays;
    const v = values?.get(f.customerId);
    if (v) {
      t.valued++;
      t.pAlive += v.pAlive;
      t.expectedPurchases += v.expectedPurchases;
      t.clv += v.clv ?? 0;
      if (v.atRisk) {
        t.atRisk++;
        t.atRiskRevenue += f.monetary;
      }
    }
  });
  const cents = (x: number) => Math.round(x * 100) / 100;
  const segments = a.names.map((name, no) => {
    const t = totals[no]!;
    // A customers file alone has no purchases: no recency, frequency or spend to average.
    const mean = (sum: number) => (t.buyers ? sum / t.buyers : null);
    const churn = values && t.valued
      ? { pAlive: t.pAlive / t.valued, atRiskCustomers: t.atRisk, atRiskRevenue: cents(t.atRiskRevenue), expectedPurchases: t.expectedPurchases, lifetimeValue: cents(t.clv) }
      : {};
    return {
      no,
      name,
      customers: t.customers,
      orders: t.orders,
      revenue: cents(t.revenue),
      profile: { ...(a.profiles?.[no] ?? {}), recencyDays: mean(t.recencyDays), frequency: mean(t.orders), monetary: mean(t.revenue), ...churn },
    };
  });
  const memberText = async function* () {
    let chunk = "";
    for (let i = 0; i < features.length; i++) {
      const f = features[i]!;
      chunk += memberLine(f.customerId, a.members[i]!, a.scores?.[i], hasPurchases(f) ? f : null, values?.get(f.customerId));
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  };
  const runId = await insertRun(pool, { datasetId, method, params, metrics: a.metrics, customers: features.length, durationMs }, segments, memberText());
  return (await getSegmentation(pool, runId))!;
}

export async function getSegmentation(pool: pg.Pool, runId: number): Promise<RunDetail | null> {
  const saved = await readRun(pool, runId);
  if (!saved) return null;
  const { run, segments } = saved;
  const totalRevenue = segments.reduce((sum, x) => sum + x.revenue, 0);
  return {
    ...run,
    segments: segments.map((x) => ({
      ...x,
      customerShare: run.customers ? x.customers / run.customers : 0,
      revenueShare: totalRevenue ? x.revenue / totalRevenue : 0,
      averageOrderValue: x.orders ? x.revenue / x.orders : 0,
    })),
  };
}

export interface MemberPage {
  total: number;
  page: number;
  pageSize: number;
  members: { customerId: string; segment: string; recencyScore: number | null; frequencyScore: number | null; monetaryScore: number | null }[];
}

/** One page of a run's members, optionally of one segment (by name), in primary-key order (customer id). */
export async function listMembers(pool: pg.Pool, runId: number, options: { segment?: string; page: number; pageSize: number }): Promise<MemberPage | null> {
  if (!(await runExists(pool, runId))) return null;
  const { total, members } = await memberPage(pool, runId, options.segment ?? null, options.pageSize, (options.page - 1) * options.pageSize);
  return { total, page: options.page, pageSize: options.pageSize, members };
}

/** Crosstab and adjusted Rand index of two runs of the same dataset, over the customers both segmented. */
export async function compareRuns(pool: pg.Pool, firstId: number, secondId: number) {
  const runs = await runsByIds(pool, [firstId, secondId]);
  const first = runs.find((r) => r.id === firstId);
  const second = runs.find((r) => r.id === secondId);
  if (!first || !second) throw new NotFoundError("There is no such segmentation.");
  if (first.datasetId !== second.datasetId) throw new InputError("with", "the two segmentations are of different datasets");
  const rows = await runCrosstabCounts(pool, firstId, secondId);
  const table = crosstabOf(rows.map((r) => ({ row: r.a, column: r.b, count: r.n })));
  const customers = rows.reduce((sum, r) => sum + r.n, 0);
  return { first: { id: firstId, method: first.method }, second: { id: secondId, method: second.method }, customers, adjustedRandIndex: customers > 1 ? adjustedRandIndexOf(table) : null, crosstab: table };
}

/** Whether a run's pages are ready (what the run page's refresher asks): its saved answers so far. Null when there is no such run. */
export const getRunReadiness = runReadiness;

