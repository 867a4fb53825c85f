import { z } from "zod";
import { callOffThread } from "../compute/off-thread";
import type { HoldoutRow } from "../queries/churn-holdout";
import { CHURN_MODELS, type ChurnModelName } from "../segmentation/churn-models";
import { FitError } from "../segmentation/clv";
import { dayOf, isoDay } from "../segmentation/feature-matrix";
import {
  BASELINE_RULE,
  bestRule,
  describeRule,
  flags,
  holdoutFigures,
  inModelUnit,
  judgeRule,
  medianGap,
  ownPace,
  recencyRules,
  ruleKey,
  type ChurnRule,
  type RuleFigures,
} from "../segmentation/holdout";

/**
 * The holdout check of the three churn models on a dataset (issue 16): each
 * fitted on the purchases up to a calibration date, its predicted repeat
 * purchases compared with what customers did after it, the churn rules judged
 * like classifiers, and the verdict in plain words: which model to use, whether
 * it can tell dropout at all, and which churn signal to trust.
 */

export const MODEL_NAMES = ["bgnbd", "mbgnbd", "paretonbd"] as const satisfies readonly ChurnModelName[];
/** Weeks: the models' unit, as lifetimes' published fits. */
export const DAYS_PER_UNIT = 7;
/** A model "identifies" dropout when it expects at least this share of new customers to stop buying within the calibration period. */
export const IDENTIFIED_DROPOUT = 0.05;
/** P(alive) below which a customer counts as at risk, for the models' rule. */
export const AT_RISK_BELOW = 0.5;

const Rule = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("days"), days: z.number() }),
  z.object({ kind: z.literal("gaps"), times: z.number() }),
  z.object({ kind: z.literal("p_alive"), model: z.string(), below: z.number() }),
]);

const Holdout = z.object({ from: z.string(), to: z.string(), actual: z.number(), predicted: z.number(), mae: z.number() });

export const ModelCheck = z.union([
  z.object({
    model: z.enum(MODEL_NAMES),
    label: z.string(),
    params: z.record(z.string(), z.number()),
    logLikelihood: z.number(),
    /** Share of new customers the fit expects to stop buying within the calibration period. */
    dropoutInPeriod: z.number(),
    identified: z.boolean(),
    holdout: Holdout,
    /** Cumulative predicted repeat purchases at the end of each holdout week. */
    tracking: z.array(z.number()),
  }),
  z.object({ model: z.enum(MODEL_NAMES), label: z.string(), error: z.string() }),
]);
export type ModelCheck = z.infer<typeof ModelCheck>;

export const RuleCheck = z.object({
  rule: Rule,
  label: z.string(),
  flagged: z.number(),
  flaggedGone: z.number(),
  gone: z.number(),
  customers: z.number(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
  f1: z.number(),
});
export type RuleCheck = z.infer<typeof RuleCheck>;

export const ChurnCheck = z.object({
  calibrationDate: z.string(),
  /** The analysis date: the holdout runs from the day after the calibration date up to it. */
  endDate: z.string(),
  holdoutDays: z.number(),
  /** Customers checked (who first bought before the calibration date), and the share of all customers they were drawn from (1: everyone). */
  customers: z.number(),
  sampleShare: z.number(),
  models: z.array(ModelCheck),
  /** Each customer's own past pace carried on: the purchase forecast a model must beat. */
  baseline: Holdout.extend({ tracking: z.array(z.number()) }),
  /** Cumulative actual repeat purchases at the end of each holdout week. */
  actualTracking: z.array(z.number()),
  /** The model with the lowest holdout error (null when none could be fitted). */
  best: z.enum(MODEL_NAMES).nullable(),
  rules: z.array(RuleCheck),
});
export type ChurnCheck = z.infer<typeof ChurnCheck>;

/** Lets other requests through: a fit takes up to a few seconds of the server's thread. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const iso = isoDay;
const day = (date: string) => dayOf(date, "the date");
/** The day before a YYYY-MM-DD date: the calibration date of a holdout starting on it. */
export const dayBefore = (date: string) => iso(day(date) - 1);
/** The day after a YYYY-MM-DD date: the default analysis date after the last invoice day. */
export const dayAfter = (date: string) => iso(day(date) + 1);

/** The default calibration date: the last quarter of the days from the first purchase to the analysis date held out (as churn-holdout.sql). */
export function defaultCalibrationDate(firstDay: string, endDay: string): string {
  const first = day(firstDay);
  return iso(first + Math.floor(((day(endDay) - first) * 3) / 4));
}

export const modelLabel = (model: string): string => (model in CHURN_MODELS ? CHURN_MODELS[model as ChurnModelName].label : model);

/** The three models fitted on the calibration period, checked on the holdout, with the churn rules judged. */
export async function checkChurnModels(
  rows: readonly HoldoutRow[],
  dates: { calibrationDate: string; endDate: string; sampleShare: number },
  extraRules: readonly ChurnRule[] = [],
): Promise<ChurnCheck> {
  const holdoutDays = day(dates.endDate) - day(dates.calibrationDate);
  if (holdoutDays < 7) throw new FitError("invalid_input", `the holdout (${dates.calibrationDate} to ${dates.endDate}) is shorter than a week`);
  const summaries = rows.map((c) => inModelUnit(c, DAYS_PER_UNIT));
  const span = rows.reduce((m, c) => Math.max(m, c.tDays), 0) / DAYS_PER_UNIT;
  const holdout = { from: iso(day(dates.calibrationDate) + 1), to: dates.endDate };
  const pAlive = new Map<ChurnModelName, Float64Array>();
  const models: ModelCheck[] = [];
  const baselineFigures = holdoutFigures(rows, holdoutDays, ownPace);
  for (const model of MODEL_NAMES) {
    // Each fit takes up to a few seconds of this thread: let other requests through between them.
    await yieldToEventLoop();
    const spec = CHURN_MODELS[model];
    let fit: ReturnType<typeof spec.fit>;
    try {
      fit = spec.fit(summaries);
    } catch (error) {
      if (!(error instanceof FitError)) throw error;
      models.push({ model, label: spec.label, error: error.message });
      continue;
    }
    // Expected purchases are P(alive) times the purchases expected if alive (churn-models.ts): P(alive) once per
    // profile, not once per holdout week (Pareto/NBD's takes two hypergeometric functions).
    const aliveOf = spec.probabilityAliveOf(fit.params);
    const figures = holdoutFigures(rows, holdoutDays, (c) => {
      const summary = inModelUnit(c, DAYS_PER_UNIT);
      const alive = aliveOf(summary);
      return (days) => alive * spec.expectedPurchasesIfAlive(fit.params, summary, days / DAYS_PER_UNIT);
    });
    const dropoutInPeriod = 1 - spec.aliveAfter(fit.params, span);
    const numbers = [fit.logLikelihood, dropoutInPeriod, figures.predicted, figures.mae, ...Object.values(fit.params), ...figures.tracking.map((t) => t.predicted)];
    if (!numbers.every(Number.isFinite)) {
      // A fit whose numbers are not finite is no forecast: said as the model's error, never shown or compared as a
      // number. (Seen on a few hundred customers: MBG/NBD's -Infinity purchases, its 2F1 overflowing at a ≈ 3·10^4;
      // lib/segmentation/beta-geometric.ts takes it in log space now.)
      models.push({ model, label: spec.label, error: "its fit is degenerate on these customers: its forecast is not a finite number" });
      continue;
    }
    pAlive.set(model, Float64Array.from(summaries, aliveOf));
    models.push({
      model,
      label: spec.label,
      params: fit.params,
      logLikelihood: fit.logLikelihood,
      dropoutInPeriod,
      identified: dropoutInPeriod >= IDENTIFIED_DROPOUT && figures.mae <= baselineFigures.mae,
      holdout: { ...holdout, actual: figures.actual, predicted: figures.predicted, mae: figures.mae },
      tracking: figures.tracking.map((t) => t.predicted),
    });
  }
  const fitted = models.filter((m): m is Extract<ModelCheck, { params: unknown }> => "params" in m);
  const best = fitted.reduce<(typeof fitted)[number] | null>((b, m) => (!b || m.holdout.mae < b.holdout.mae ? m : b), null);
  const gap = medianGap(rows);
  // The recency rules, each model's P(alive) below 0.5, and the analyst's own rule (a P(alive) rule: for each model).
  const asked = extraRules.flatMap((r) => (r.kind === "p_alive" ? fitted.map((m): ChurnRule => ({ ...r, model: m.model })) : [r]));
  const listed = [...recencyRules(span * DAYS_PER_UNIT), ...fitted.map((m): ChurnRule => ({ kind: "p_alive", model: m.model, below: AT_RISK_BELOW }))];
  const keys = new Set(listed.map(ruleKey));
  const candidates = [...listed, ...asked.filter((r) => !keys.has(ruleKey(r)) && keys.add(ruleKey(r)))];
  const rules = candidates.map((rule) => {
    const alive = rule.kind === "p_alive" ? pAlive.get(rule.model as ChurnModelName) : undefined;
    const judged: RuleFigures = judgeRule(rule, rows, (c, i) => flags(rule, c, { medianGap: gap, pAlive: alive?.[i] }));
    return { ...judged, label: describeRule(rule, modelLabel) };
  });
  return {
    calibrationDate: dates.calibrationDate,
    endDate: dates.endDate,
    holdoutDays,
    customers: rows.length,
    sampleShare: dates.sampleShare,
    models,
    baseline: { ...holdout, actual: baselineFigures.actual, predicted: baselineFigures.predicted, mae: baselineFigures.mae, tracking: baselineFigures.tracking.map((t) => t.predicted) },
    actualTracking: baselineFigures.tracking.map((t) => t.actual),
    best: best?.model ?? null,
    rules,
  };
}

/**
 * checkChurnModels on a worker thread (lib/compute/off-thread.ts): its fits
 * take up to seconds each, and on the web server's thread they held every
 * other request that long (the home page waited up to 7.7 s behind a
 * preparation on a busy machine). Same result; on this thread when no worker
 * can run it.
 */
export function checkChurnModelsOffThread(
  rows: readonly HoldoutRow[],
  dates: { calibrationDate: string; endDate: string; sampleShare: number },
  extraRules: readonly ChurnRule[] = [],
): Promise<ChurnCheck> {
  return callOffThread({
    module: "lib/services/churn-check.ts",
    name: "checkChurnModels",
    args: [rows, dates, extraRules],
    parse: (value) => ChurnCheck.parse(value),
    here: () => checkChurnModels(rows, dates, extraRules),
    revive: (error) => (error.name === "FitError" ? new FitError((error.code ?? "invalid_input") as FitError["code"], error.message) : undefined),
  });
}

/** The churn signal a run flags customers with, and why, in plain words. */
export const ChurnSignal = z.object({
  rule: Rule,
  label: z.string(),
  /** Its precision and recall on the holdout (null: not checked). */
  precision: z.number().nullable(),
  recall: z.number().nullable(),
  /** Whether the model in use can tell dropout (fitted dropout not near zero, holdout error no worse than the customers' own pace). */
  identified: z.boolean(),
  /** The verdict for people: what the model can say, and which signal is used. */
  verdict: z.string(),
});
export type ChurnSignal = z.infer<typeof ChurnSignal>;

const pct = (x: number | null) => (x === null ? "n/a" : x > 0 && x < 0.001 ? "under 0.1%" : `${(x * 100).toFixed(x < 0.01 && x > 0 ? 1 : 0)}%`);

/**
 * The model to use (the analyst's, or the lowest holdout error), and the
 * churn signal: the model's P(alive) rule when the model can tell dropout and
 * no recency rule did better on the holdout, else the best-validated recency
 * rule, named. Without a check (too little data after the calibration date),
 * the model's own fitted dropout decides, and the verdict says it is unchecked.
 */
export function chooseSignal(check: ChurnCheck | null, model: ChurnModelName, unchecked: { dropoutInPeriod: number; why: string }, asked?: ChurnRule): ChurnSignal {
  const label = modelLabel(model);
  if (asked) return askedSignal(check, model, unchecked, asked.kind === "p_alive" ? { ...asked, model } : asked);
  if (!check) {
    const identified = unchecked.dropoutInPeriod >= IDENTIFIED_DROPOUT;
    const rule: ChurnRule = identified ? { kind: "p_alive", model, below: AT_RISK_BELOW } : BASELINE_RULE;
    return {
      rule,
      label: describeRule(rule, modelLabel),
      precision: null,
      recall: null,
      identified,
      verdict: identified
        ? `${label} was not checked on a holdout (${unchecked.why}); at risk means ${describeRule(rule, modelLabel)}, unchecked.`
        : `${label} finds almost no dropout on this data (${pct(unchecked.dropoutInPeriod)} of new customers expected to stop within the period) and could not be checked on a holdout (${unchecked.why}): it cannot tell who has stopped buying. At risk means ${describeRule(rule)} instead, a rule of thumb, unchecked.`,
    };
  }
  const used = check.models.find((m) => m.model === model);
  const fitted = used && "params" in used ? used : null;
  const byKey = new Map(check.rules.map((r) => [ruleKey(r.rule), r]));
  const modelRule = byKey.get(ruleKey({ kind: "p_alive", model, below: AT_RISK_BELOW }));
  const recency = bestRule(check.rules.filter((r) => r.rule.kind !== "p_alive"));
  const baseline = byKey.get(ruleKey(BASELINE_RULE));
  const identified = fitted?.identified ?? false;
  const useModel = identified && modelRule && (!recency || modelRule.f1 >= recency.f1);
  const chosen = useModel ? modelRule : (recency ?? baseline!);
  const figures = `precision ${pct(chosen.precision)}, recall ${pct(chosen.recall)} on the holdout after ${check.calibrationDate}`;
  const baselineText = baseline && chosen !== baseline ? `; the 90-day rule: precision ${pct(baseline.precision)}, recall ${pct(baseline.recall)}` : "";
  let verdict: string;
  if (useModel) verdict = `${label} passed its holdout check; at risk means ${chosen.label} (${figures}${baselineText}).`;
  else {
    const why = !fitted
      ? `${label} could not be fitted`
      : fitted.dropoutInPeriod < IDENTIFIED_DROPOUT
        ? `${label} finds almost no dropout on this data (${pct(fitted.dropoutInPeriod)} of new customers expected to stop within the calibration period), so its P(alive) cannot tell who has stopped buying`
        : fitted.holdout.mae > check.baseline.mae
          ? `${label} foresaw the holdout's purchases worse than each customer's own past pace (error ${fitted.holdout.mae.toFixed(2)} against ${check.baseline.mae.toFixed(2)} per customer)`
          : `${label}'s P(alive) flagged leavers less well than a recency rule`;
    verdict = `${why}. At risk means ${chosen.label} instead, the rule that best foresaw who did not come back (${figures}${baselineText}).`;
  }
  return { rule: chosen.rule, label: chosen.label, precision: chosen.precision, recall: chosen.recall, identified, verdict };
}

/** The analyst's own rule, with its holdout figures when there was a check, and what the model can tell. */
function askedSignal(check: ChurnCheck | null, model: ChurnModelName, unchecked: { dropoutInPeriod: number; why: string }, rule: ChurnRule): ChurnSignal {
  const label = modelLabel(model);
  const judged = check?.rules.find((r) => ruleKey(r.rule) === ruleKey(rule));
  const used = check?.models.find((m) => m.model === model);
  const identified = used ? "params" in used && used.identified : unchecked.dropoutInPeriod >= IDENTIFIED_DROPOUT;
  const text = describeRule(rule, modelLabel);
  const figures = judged ? `precision ${pct(judged.precision)}, recall ${pct(judged.recall)} on the holdout after ${check!.calibrationDate}` : "not checked on a holdout";
  const model_ = identified ? `${label} can tell dropout on this data` : `${label} cannot tell dropout on this data`;
  return { rule, label: text, precision: judged?.precision ?? null, recall: judged?.recall ?? null, identified, verdict: `At risk means ${text}, as asked (${figures}); ${model_}.` };
}
