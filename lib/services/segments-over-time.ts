import type pg from "pg";
import { InputError, NotFoundError } from "../errors";
import { onDemand } from "../queries/cache";
import { datasetName, observedPeriod } from "../queries/datasets";
import { getRunSummary } from "../queries/runs";
import { getSegmentationRuns } from "../queries/segmentation-runs";
import { runTimes, segmentMigrationQuery, type MigrationRow, type RunTime } from "../queries/segment-migration";
import { defaultCalibrationDate } from "./churn-check";
import { datasetCurrency } from "./datasets";
import { getSegmentation, runSegmentation } from "./segmentations";

/**
 * Segments over time: the same segmentation run again at another analysis
 * date (a calibration date and the end of the data), and where customers
 * moved between the two runs' segments (segment-migration.sql), with the
 * customers behind each flow one click away (the customers table's
 * other_run filter, lib/queries/customer-page.ts).
 */
export type { MigrationRow, RunTime };

/** The moves page of two runs: rows the earlier run's segments, columns the later one's. */
export function movesHref(earlier: number, later: number): string {
  return `/runs/${earlier}/moves?to=${later}`;
}

const DAY = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoOf = (day: number) => new Date(Math.round(day) * DAY).toISOString().slice(0, 10);

export interface OverTime {
  /** False when the run cannot be run at another date (a customers file alone, or RFM on its summary columns). */
  possible: boolean;
  /** This run's analysis date (YYYY-MM-DD), its own or the day after the last invoice. */
  analysisDate: string | null;
  /** The dataset's first and last invoice days. */
  period: { first: string; last: string } | null;
  /** The date the form suggests: three quarters into the period, or the end of the data when this run is already before it. */
  suggested: string | null;
  /** The latest date a run can take: the day after the last invoice (the default). */
  end: string | null;
  /** The dataset's other runs with purchases, newest first, each with its analysis date. */
  others: { id: number; method: string; analysisDate: string | null; params: Record<string, unknown>; createdAt: string }[];
}

/** What the run page's "Segments over time" section offers: the rerun form's dates, and the runs to see moves with. */
export async function getOverTime(pool: pg.Pool, runId: number): Promise<OverTime | null> {
  const [summary, times] = await Promise.all([getRunSummary(pool, runId), runTimes(pool, [runId])]);
  const self = times[0];
  if (!summary || !self) return null;
  const [period, runs] = await Promise.all([observedPeriod(pool, summary.datasetId), getSegmentationRuns(pool, summary.datasetId)]);
  const others = runs.filter((r) => r.id !== runId && r.params.purchases !== false);
  const dates = new Map((await runTimes(pool, others.map((r) => r.id))).map((t) => [t.id, t.analysisDate]));
  const possible = self.purchases && summary.purchases && period.first !== null && period.last !== null;
  let suggested: string | null = null;
  let end: string | null = null;
  if (period.first !== null && period.last !== null) {
    end = isoOf(dayNumber(period.last) + 1);
    // The churn check's calibration date, so the earlier run's moves are its holdout.
    const calibration = defaultCalibrationDate(period.first, end);
    suggested = self.analysisDate !== null && self.analysisDate <= calibration ? end : calibration;
  }
  return {
    possible,
    analysisDate: self.analysisDate,
    period: period.first !== null && period.last !== null ? { first: period.first, last: period.last } : null,
    suggested,
    end,
    others: others.map((r) => ({ id: r.id, method: r.method, analysisDate: dates.get(r.id) ?? null, params: r.params, createdAt: r.createdAt })),
  };
}

/**
 * A run's input again, at another analysis date: the same method and settings (bins and rules; k, features,
 * seed, totals and category weight; cleaning rules; outcome). Undefined date: the default (the day after the last invoice).
 */
export function rerunInput(run: { method: string; params: Record<string, unknown> }, analysisDate: string | undefined): Record<string, unknown> {
  const p = run.params;
  const input: Record<string, unknown> = { method: run.method };
  if (analysisDate !== undefined) input.analysisDate = analysisDate;
  if (Array.isArray(p.cleaning)) input.cleaning = p.cleaning;
  if (run.method === "rfm") {
    if (p.bins !== undefined) input.bins = p.bins;
    if (p.rules !== undefined) input.rules = p.rules;
  } else {
    for (const key of ["k", "features", "seed", "totals", "categoryWeight"] as const) if (p[key] !== undefined) input[key] = p[key];
  }
  const outcome = (p.outcome as { name?: unknown } | undefined)?.name;
  if (typeof outcome === "string") input.outcome = outcome;
  // The churn model asked is kept; a holdout date belongs to its own analysis date, so it is not.
  if (typeof p.churnModel === "string") input.churnModel = p.churnModel;
  return input;
}

/** Runs a run again at another analysis date (YYYY-MM-DD); returns the new run's id with both runs in time order. */
export async function rerunAtDate(pool: pg.Pool, runId: number, analysisDate: string): Promise<{ runId: number; earlier: number; later: number }> {
  const run = await getSegmentation(pool, runId);
  if (!run) throw new NotFoundError("There is no such segmentation.");
  if (run.params.purchases === false || run.params.summary !== undefined) {
    throw new InputError("analysisDate", "this run reads a customers file's columns, which hold no dates: only a run on purchases can be run at another date");
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(analysisDate) || Number.isNaN(Date.parse(`${analysisDate}T00:00:00Z`))) throw new InputError("analysisDate", "must be a date as YYYY-MM-DD");
  const [times, period] = await Promise.all([runTimes(pool, [runId]), observedPeriod(pool, run.datasetId)]);
  const end = period.last === null ? null : isoOf(dayNumber(period.last) + 1);
  if (period.first !== null && analysisDate <= period.first) throw new InputError("analysisDate", `must be after the first invoice (${period.first}): no customer had bought anything yet`);
  if (end !== null && analysisDate > end) throw new InputError("analysisDate", `must be at most ${end}, the day after the last invoice: there is no data after it`);
  if (times[0]?.analysisDate === analysisDate) throw new InputError("analysisDate", "this run is already at that date: choose another one");
  // The day after the last invoice is the default: run as the default, which reads the prepared summaries.
  const created = await runSegmentation(pool, run.datasetId, rerunInput(run, analysisDate === end ? undefined : analysisDate));
  const earlier = (times[0]?.analysisDate ?? "") <= analysisDate ? runId : created.id;
  return { runId: created.id, earlier, later: earlier === runId ? created.id : runId };
}

export interface MovesPage {
  datasetId: number;
  datasetName: string;
  /** The dataset's currency (ISO 4217: chosen, else guessed), or null. */
  currency: string | null;
  /** The earlier run (rows) and the later one (columns). */
  from: RunTime & { params: Record<string, unknown>; segments: { no: number; name: string; customers: number }[] };
  to: RunTime & { params: Record<string, unknown>; segments: { no: number; name: string; customers: number }[] };
  flows: MigrationRow[];
  /** False when the two runs left out different lines (their revenue since the earlier date then mixes rules). */
  sameCleaning: boolean;
}

/**
 * The moves from one run's segments to another's, the earlier run first: when `from` is the later of the two,
 * `swap` is true and the page's address should name them the other way round (unless `asked`: the API
 * answers the two runs in the order it was asked).
 */
export async function getMoves(pool: pg.Pool, fromId: number, toId: number, { asked = false } = {}): Promise<{ swap: true } | { swap: false; page: MovesPage }> {
  if (fromId === toId) throw new InputError("to", "choose another run: a run's customers never move within it");
  const [times, from, to] = await Promise.all([runTimes(pool, [fromId, toId]), getSegmentation(pool, fromId), getSegmentation(pool, toId)]);
  const a = times.find((t) => t.id === fromId);
  const b = times.find((t) => t.id === toId);
  if (!a || !b || !from || !to) throw new NotFoundError(`There is no run ${!a || !from ? fromId : toId}.`);
  if (a.datasetId !== b.datasetId) throw new InputError("to", `run ${toId} segments another dataset: only runs of the same customers show moves`);
  if (!asked && (a.analysisDate ?? "") > (b.analysisDate ?? "")) return { swap: true };
  const [flows, name, currency] = await Promise.all([onDemand(pool, fromId, segmentMigrationQuery(pool, fromId, toId)), datasetName(pool, a.datasetId), datasetCurrency(pool, a.datasetId)]);
  const segments = (run: typeof from) => run.segments.map((s) => ({ no: s.no, name: s.name, customers: s.customers }));
  const rules = (t: RunTime) => JSON.stringify([...(t.cleaning ?? [])].sort());
  return {
    swap: false,
    page: {
      datasetId: a.datasetId,
      datasetName: name ?? `Dataset ${a.datasetId}`,
      currency,
      from: { ...a, params: from.params, segments: segments(from) },
      to: { ...b, params: to.params, segments: segments(to) },
      flows,
      sameCleaning: rules(a) === rules(b),
    },
  };
}

/** The customers table's filter by another run (other_run, other_segment), in words for its banner. */
export interface FlowFilter {
  otherRun: number;
  /** Null when the other run is not of this run's dataset (the table then shows no one). */
  other: { method: string; analysisDate: string | null; earlier: boolean } | null;
  /** The other run's segment the customers are in; null with `absent`, or for any segment. */
  segment: string | null;
  /** Customers absent from the other run (other_segment=none). */
  absent: boolean;
  /** The moves page of the two runs. */
  moves: string | null;
}

export async function describeFlowFilter(pool: pg.Pool, runId: number, otherRun: number, otherSegment: number | "none" | undefined): Promise<FlowFilter> {
  const [times, other] = await Promise.all([runTimes(pool, [runId, otherRun]), getRunSummary(pool, otherRun)]);
  const self = times.find((t) => t.id === runId);
  const them = times.find((t) => t.id === otherRun);
  const absent = otherSegment === "none";
  const segment = typeof otherSegment === "number" ? (other?.segments.find((s) => s.no === otherSegment)?.name ?? `Segment ${otherSegment}`) : null;
  if (!self || !them || !other || self.datasetId !== them.datasetId || runId === otherRun) return { otherRun, other: null, segment, absent, moves: null };
  const earlier = (them.analysisDate ?? "") < (self.analysisDate ?? "") || ((them.analysisDate ?? "") === (self.analysisDate ?? "") && otherRun < runId);
  return {
    otherRun,
    other: { method: them.method, analysisDate: them.analysisDate, earlier },
    segment,
    absent,
    moves: earlier ? movesHref(otherRun, runId) : movesHref(runId, otherRun),
  };
}
