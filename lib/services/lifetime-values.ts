import type pg from "pg";
import { callOffThread } from "../compute/off-thread";
import { z } from "zod";
import type { CachedQuery } from "../queries/cache";
import { getHoldoutRows } from "../queries/churn-holdout";
import { observedPeriod } from "../queries/datasets";
import { getRepeatRows, inUnit, type RepeatInputs } from "../queries/repeat-summary";
import type { RunOptions } from "../queries/sql-file";
import { CHURN_MODELS, type ChurnModelName } from "../segmentation/churn-models";
import { discountedOverHorizon, expectedAverageSpend, fitGammaGamma, FitError, UNITS_PER_MONTH } from "../segmentation/clv";
import type { ChurnWords } from "../insights/insights";
import { flags, medianGap, type ChurnRule } from "../segmentation/holdout";
import { ChurnCheck, ChurnSignal, checkChurnModelsOffThread, chooseSignal, dayAfter, defaultCalibrationDate, MODEL_NAMES, yieldToEventLoop } from "./churn-check";

/**
 * The churn and lifetime-value models of a set of customers and each
 * customer's values from them: what a run saves with its members, and what a
 * dataset's preparation fits once at its defaults (lifetimeFitQuery). The
 * churn model is BG/NBD, MBG/NBD or Pareto/NBD: by default the one that best
 * foresaw a holdout period (churn-check.ts), refitted on the whole period.
 */

/** Gamma-Gamma, or why the data cannot support it (BG/NBD still gives P(alive) and expected purchases). */
export function fitSpend(summaries: Parameters<typeof fitGammaGamma>[0]): { gammaGamma: ReturnType<typeof fitGammaGamma> | null; gammaGammaError: string | null } {
  try {
    return { gammaGamma: fitGammaGamma(summaries), gammaGammaError: null };
  } catch (error) {
    if (!(error instanceof FitError)) throw error;
    return { gammaGamma: null, gammaGammaError: error.message };
  }
}

export interface CustomerValue {
  pAlive: number;
  /** Purchases expected over the horizon. */
  expectedPurchases: number;
  /** Discounted value over the horizon; null when Gamma-Gamma could not be fitted. */
  clv: number | null;
  /** Flagged by the run's churn signal (the fit's `signal`: the model's P(alive), or a recency rule). */
  atRisk: boolean;
}

export type CustomerValues =
  | ({ ok: true; horizonMonths: number; monthlyDiscount: number; values: Map<string, CustomerValue> } & FittedLifetime)
  | { ok: false; error: string };

/**
 * The fitted models a run's values come from: the churn model in use (its
 * parameters named as in its paper), Gamma-Gamma, the holdout check of all
 * three models and the churn signal it chose, in plain words. What a
 * dataset's preparation saves for its defaults, and a run in its metrics.
 */
const FittedLifetime = z.object({
  ok: z.literal(true),
  unit: z.literal("weeks"),
  model: z.enum(MODEL_NAMES),
  label: z.string(),
  params: z.record(z.string(), z.number()),
  logLikelihood: z.number(),
  /** Customers the model in use was fitted on (a sample of a very large base), of `customers`. */
  fittedOn: z.number(),
  customers: z.number(),
  /** Share of new customers the model expects to stop buying within the period observed. */
  dropoutInPeriod: z.number(),
  gammaGamma: z.object({ p: z.number(), q: z.number(), v: z.number() }).nullable(),
  gammaGammaError: z.string().nullable(),
  check: ChurnCheck.nullable(),
  /** Why there is no holdout check (too little data after the calibration date…), when there is none. */
  checkError: z.string().nullable(),
  signal: ChurnSignal,
});
type FittedLifetime = z.infer<typeof FittedLifetime>;
export const LifetimeFit = z.discriminatedUnion("ok", [FittedLifetime, z.object({ ok: z.literal(false), error: z.string() })]);
export type LifetimeFit = z.infer<typeof LifetimeFit>;

/** The model in use: named, or the one with the lowest holdout error ("auto"). */
export type ModelChoice = ChurnModelName | "auto";

/** Customers a model is fitted on at most: a larger base is fitted on an even sample of them (ordered by id). */
const MAX_FITTED = 200_000;
/** Customers the holdout check reads at most (hash buckets of the id, churn-holdout.sql). */
const MAX_CHECKED = 20_000;

/**
 * The churn model (checked on a holdout first, when the data allow) and
 * Gamma-Gamma, fitted in weeks on the rows of repeat-summary.sql, with the
 * churn signal the check chose; or why the data cannot support them.
 */
export async function fitLifetime(
  db: pg.Pool | pg.ClientBase,
  datasetId: number,
  repeats: readonly RepeatInputs[],
  options: RunOptions & { model?: ModelChoice; calibrationDate?: string; churnRule?: ChurnRule } = {},
): Promise<LifetimeFit> {
  let check: ChurnCheck | null = null;
  let checkError: string | null = null;
  const observed = await observedPeriod(db, datasetId);
  const period = observed.first !== null && observed.last !== null ? { firstDay: observed.first, endDay: dayAfter(observed.last) } : null;
  if (period) {
    const endDate = options.analysisDate ?? period.endDay;
    const calibrationDate = options.calibrationDate ?? defaultCalibrationDate(period.firstDay, endDate);
    const buckets = repeats.length > MAX_CHECKED ? Math.max(1, Math.round((1024 * MAX_CHECKED) / repeats.length)) : 1024;
    try {
      if (!(calibrationDate > period.firstDay && calibrationDate < endDate)) {
        throw new FitError("invalid_input", `the calibration date must fall between the first purchase (${period.firstDay}) and the analysis date (${endDate})`);
      }
      const rows = await getHoldoutRows(db, datasetId, { ...options, calibrationDate, buckets });
      check = await checkChurnModelsOffThread(rows, { calibrationDate, endDate, sampleShare: buckets / 1024 }, options.churnRule ? [options.churnRule] : []);
    } catch (error) {
      if (!(error instanceof FitError)) throw error;
      checkError = error.message;
    }
  }
  await yieldToEventLoop();
  return fitChosenOffThread(repeats, options.model ?? "auto", check, checkError ?? (period ? null : "the dataset has no purchases"), options.churnRule);
}

/**
 * fitChosen on a worker thread (lib/compute/off-thread.ts): on UCI's 4,338
 * customers a fit took 190 to 510 ms (BG/NBD, Pareto/NBD; 2 busy cores), all of
 * it holding the web server's thread. Same result; on this thread when no worker can run it.
 */
export function fitChosenOffThread(...args: Parameters<typeof fitChosen>): Promise<LifetimeFit> {
  return callOffThread({
    module: "lib/services/lifetime-values.ts",
    name: "fitChosen",
    args,
    parse: (value) => LifetimeFit.parse(value),
    here: () => fitChosen(...args),
  });
}

/** The chosen model fitted on every customer (or an even sample of a very large base), with Gamma-Gamma and the signal. */
export function fitChosen(repeats: readonly RepeatInputs[], choice: ModelChoice, check: ChurnCheck | null, checkError: string | null, churnRule?: ChurnRule): LifetimeFit {
  const model: ChurnModelName = choice === "auto" ? (check?.best ?? "bgnbd") : choice;
  const spec = CHURN_MODELS[model];
  const summaries = inUnit(repeats, "weeks");
  const stride = Math.ceil(summaries.length / MAX_FITTED);
  const fitted = stride > 1 ? summaries.filter((_, i) => i % stride === 0) : summaries;
  let fit: ReturnType<typeof spec.fit>;
  try {
    fit = spec.fit(fitted);
  } catch (error) {
    if (error instanceof FitError) return { ok: false, error: `${spec.label}: ${error.message}` };
    throw error;
  }
  const span = summaries.reduce((m, c) => Math.max(m, c.T), 0);
  const dropoutInPeriod = 1 - spec.aliveAfter(fit.params, span);
  const { gammaGamma, gammaGammaError } = fitSpend(summaries);
  const signal = chooseSignal(check, model, { dropoutInPeriod, why: checkError ?? "no check" }, churnRule);
  return {
    ok: true,
    unit: "weeks",
    model,
    label: spec.label,
    params: fit.params,
    logLikelihood: fit.logLikelihood,
    fittedOn: fitted.length,
    customers: summaries.length,
    dropoutInPeriod,
    gammaGamma: gammaGamma?.params ?? null,
    gammaGammaError,
    check,
    checkError,
    signal,
  };
}

/**
 * The models of a dataset at its defaults, checked and fitted once by its
 * preparation and saved with its answers (a run at the defaults reads them:
 * the fit took 1.4 s of a 140,000-customer run).
 */
export const lifetimeFitQuery = (pool: pg.Pool, datasetId: number): CachedQuery<LifetimeFit> => ({
  name: "churn-models",
  compute: async (db = pool) => fitLifetime(db, datasetId, await getRepeatRows(db, datasetId, {})),
  parse: (saved) => LifetimeFit.parse(saved),
});

/**
 * P(alive), expected purchases, CLV and the churn flag of every customer, for
 * a segmentation run to save with its members, from the fit given (the
 * dataset's, saved by its preparation, for a run at its defaults; else
 * fitLifetime at the run's analysis date and rules), or BG/NBD fitted here
 * without a check when none is given. When the data cannot support the fit,
 * the reason instead (the run is still saved).
 */
const DAYS = 131_072; // 2^17 days: 358 years

/** (repeat purchases, age) in days as one number when they fit, else as text. */
function numeratorKey(r: RepeatInputs): number | string {
  const { frequency: x, tDays: T } = r;
  return Number.isInteger(x) && Number.isInteger(T) && x >= 0 && x < 2 ** 30 && T >= 0 && T < DAYS ? x * DAYS + T : `${x}|${T}`;
}

export function customerValues(repeats: readonly RepeatInputs[], options: { fit?: LifetimeFit; horizonMonths?: number; monthlyDiscount?: number } = {}): CustomerValues {
  const unit = "weeks" as const;
  const horizonMonths = options.horizonMonths ?? 12;
  const monthlyDiscount = options.monthlyDiscount ?? 0.01;
  const summaries = inUnit(repeats, unit);
  const fit = options.fit ?? fitChosen(repeats, "bgnbd", null, "no check asked");
  if (!fit.ok) return fit;
  const spec = CHURN_MODELS[fit.model];
  const params = fit.params;
  const gap = medianGap(repeats);
  const gammaGamma = fit.gammaGamma;
  const horizonOptions = { months: horizonMonths, monthlyDiscount, unit };
  const horizon = horizonMonths * UNITS_PER_MONTH[unit];
  const values = new Map<string, CustomerValue>();
  // In all three models a customer's expected purchases are P(alive), of (x, t_x, T), times the purchases expected
  // if alive, of (x, T) and the horizon (churn-models.ts). The horizon's months (one hypergeometric function each
  // for BG/NBD and MBG/NBD) are computed once per distinct (x, T): 21,000 of a million customers (1 s, where once
  // per distinct (x, t_x, T) took 5 s). P(alive) once per customer: Pareto/NBD's, taken with each month's expectation
  // (two hypergeometric functions each time), took 11.9 s for 140,000 customers; by probabilityAliveOf
  // (its terms shared between customers), 0.35 s.
  const ifAlive = new Map<number | string, { expected: number; discounted: number }>();
  const aliveOf = spec.probabilityAliveOf(params);
  for (let i = 0; i < summaries.length; i++) {
    const c = summaries[i]!;
    const r = repeats[i]!;
    const key = numeratorKey(r);
    let over = ifAlive.get(key);
    if (!over) {
      over = gammaGamma
        ? discountedOverHorizon((t) => spec.expectedPurchasesIfAlive(params, c, t), horizonOptions)
        : { expected: spec.expectedPurchasesIfAlive(params, c, horizon), discounted: 0 };
      ifAlive.set(key, over);
    }
    const pAlive = aliveOf(c);
    values.set(c.customerId, {
      pAlive,
      expectedPurchases: pAlive * over.expected,
      clv: gammaGamma ? expectedAverageSpend(gammaGamma, c) * pAlive * over.discounted : null,
      atRisk: flags(fit.signal.rule, { frequency: r.frequency, recencyDays: r.recencyDays, tDays: r.tDays }, { medianGap: gap, pAlive }),
    });
  }
  return { ...fit, horizonMonths, monthlyDiscount, values };
}

/**
 * How a run's churn figures are named (lib/insights' ChurnWords), from the fit
 * its metrics saved: the model, the at-risk signal and the holdout verdict.
 * Runs saved before the check had BG/NBD and P(alive) below 0.5, unchecked.
 */
export function churnWordsOf(saved: unknown): ChurnWords | null {
  const fit = LifetimeFit.safeParse(saved);
  if (fit.success) return fit.data.ok ? { model: fit.data.label, signal: fit.data.signal.label, identified: fit.data.signal.identified, verdict: fit.data.signal.verdict } : null;
  const legacy = saved as { ok?: unknown; bgnbd?: unknown } | undefined;
  return legacy?.ok === true && legacy.bgnbd ? { model: "BG/NBD", signal: "BG/NBD P(alive) below 0.5", identified: true, verdict: null } : null;
}

/** A fitted churn model as a run saved it in its metrics (with its check and signal). */
export type ChurnFit = z.infer<typeof FittedLifetime>;

/** The run's fitted churn model, or null (no fit, or a run saved before the holdout check). */
export function churnFitOf(saved: unknown): ChurnFit | null {
  const fit = LifetimeFit.safeParse(saved);
  return fit.success && fit.data.ok ? fit.data : null;
}
