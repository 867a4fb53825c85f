import type pg from "pg";
import { z } from "zod";
import { InputError, NotFoundError } from "../errors";
import { RULE_KEYS, rulesMask } from "../ingest/cleaning";
import { getCustomerFeatures } from "../queries/customer-features";
import { getRepeatRows, inUnit } from "../queries/repeat-summary";
import type { ChurnRule } from "../segmentation/holdout";
import { dayBefore, MODEL_NAMES, modelLabel } from "./churn-check";
import { customerValues, fitLifetime } from "./lifetime-values";
import { preparerFor } from "./preparation";
import { requireDataset } from "../queries/datasets";
import { memberSegmentNames, runsByIds } from "../queries/runs";
import { fitBgNbd, FitError } from "../segmentation/clv";

/**
 * Churn and lifetime value of a dataset's customers: the churn models fitted
 * on lib/queries/sql/repeat-summary.sql and checked on a holdout
 * (churn-holdout.sql), Gamma-Gamma, then P(alive), expected purchases, CLV and
 * the at-risk flag per customer, summed for the whole base.
 */

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD");

export const ClvInput = z.object({
  analysisDate: Day.optional(),
  unit: z.enum(["days", "weeks"]).default("weeks"),
  /** Months ahead for expected purchases and CLV. */
  horizon: z.number().int().min(1).max(120).default(12),
  /** Monthly discount rate of the CLV. */
  discount: z.number().min(0).max(1).default(0.01),
  /** P(alive) below which a customer counts as at risk, when asked (else the signal the holdout check chose). */
  atRiskBelow: z.number().gt(0).lt(1).optional(),
  /** The churn rule that flags customers at risk (else the one the holdout check chose). */
  churnRule: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("days"), days: z.number().int().min(1).max(3650) }),
      z.object({ kind: z.literal("gaps"), times: z.number().gt(0).max(100) }),
      z.object({ kind: z.literal("p_alive"), below: z.number().gt(0).lt(1) }),
    ])
    .optional(),
  /** The churn model: one of the three, or the one with the lowest holdout error. */
  model: z.enum(["bgnbd", "mbgnbd", "paretonbd", "auto"]).default("auto"),
  /** The first day of the holdout period (default: the last quarter of the period held out). */
  holdoutFrom: Day.optional(),
  cleaning: z.array(z.enum(RULE_KEYS)).optional(),
  /** A run of this dataset: adds, per segment, the customers at risk and the revenue they brought. */
  segmentationId: z.number().int().positive().optional(),
});

export interface SegmentRisk {
  segment: string;
  customers: number;
  atRiskCustomers: number;
  /** Revenue to date of the customers at risk. */
  atRiskRevenue: number;
  expectedPurchases: number;
  lifetimeValue: number | null;
}

/**
 * The churn models of a dataset (at an analysis date, with cleaning rules):
 * BG/NBD in the unit asked (today's answer), the three models checked on a
 * holdout period, the one in use (asked, or the best on the holdout) with
 * Gamma-Gamma, and the totals over the horizon, per segment of a run if asked.
 */
export async function fitLifetimeValue(pool: pg.Pool, datasetId: number, raw: unknown) {
  const input = ClvInput.parse(raw ?? {});
  await requireDataset(pool, datasetId);
  // The fit reads the dataset's summaries: right after a load, it waits for its preparation to build them.
  await preparerFor(pool).summaries(datasetId);
  const cleaning = input.cleaning ?? RULE_KEYS;
  // Checked before the (slower) fit, so a wrong request fails fast.
  const segmentOf = input.segmentationId ? await segmentsOfRun(pool, datasetId, input.segmentationId) : null;
  const options = { analysisDate: input.analysisDate, rulesMask: rulesMask(cleaning) };
  const rows = await getRepeatRows(pool, datasetId, options);
  const summaries = inUnit(rows, input.unit);
  const bgnbd = fitBgNbd(summaries);
  if (input.holdoutFrom && input.analysisDate && input.holdoutFrom > input.analysisDate) throw new InputError("holdoutFrom", "must be on or before the analysis date");
  const churnRule: ChurnRule | undefined =
    input.churnRule?.kind === "p_alive" ? { ...input.churnRule, model: "asked" } : (input.churnRule ?? (input.atRiskBelow !== undefined ? { kind: "p_alive", model: "asked", below: input.atRiskBelow } : undefined));
  const fit = await fitLifetime(pool, datasetId, rows, { ...options, model: input.model, calibrationDate: input.holdoutFrom && dayBefore(input.holdoutFrom), churnRule });
  if (!fit.ok) throw new FitError("did_not_converge", fit.error);
  if (input.holdoutFrom && fit.checkError) throw new InputError("holdoutFrom", fit.checkError);
  const values = customerValues(rows, { fit, horizonMonths: input.horizon, monthlyDiscount: input.discount });
  if (!values.ok) throw new FitError("did_not_converge", values.error);
  const revenue = segmentOf ? new Map((await getCustomerFeatures(pool, datasetId, options)).map((f) => [f.customerId, f.monetary])) : null;
  const bySegment = new Map<string, SegmentRisk>();
  let purchases = 0;
  let value = 0;
  let atRisk = 0;
  for (const [customerId, v] of values.values) {
    purchases += v.expectedPurchases;
    value += v.clv ?? 0;
    if (v.atRisk) atRisk++;
    const segment = segmentOf?.get(customerId);
    if (segment !== undefined) {
      const s = bySegment.get(segment) ?? { segment, customers: 0, atRiskCustomers: 0, atRiskRevenue: 0, expectedPurchases: 0, lifetimeValue: fit.gammaGamma ? 0 : null };
      s.customers++;
      s.expectedPurchases += v.expectedPurchases;
      if (s.lifetimeValue !== null) s.lifetimeValue += v.clv ?? 0;
      if (v.atRisk) {
        s.atRiskCustomers++;
        s.atRiskRevenue += revenue!.get(customerId) ?? 0;
      }
      bySegment.set(segment, s);
    }
  }
  const check = fit.check;
  return {
    datasetId,
    analysisDate: input.analysisDate ?? null,
    unit: input.unit,
    horizonMonths: input.horizon,
    monthlyDiscount: input.discount,
    customers: summaries.length,
    repeatCustomers: summaries.filter((c) => c.frequency > 0).length,
    bgnbd: { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood },
    gammaGamma: fit.gammaGamma,
    gammaGammaError: fit.gammaGammaError,
    /** The model the figures come from, and all three as checked on the holdout (parameters in weeks). */
    model: fit.model,
    models: MODEL_NAMES.map((model) => {
      const m = check?.models.find((x) => x.model === model);
      if (!m) return { model, label: modelLabel(model), error: fit.checkError ?? "not checked" };
      if (!("params" in m)) return m;
      return { model, label: m.label, params: m.params, logLikelihood: m.logLikelihood, dropoutInPeriod: m.dropoutInPeriod, identified: m.identified, holdout: m.holdout };
    }),
    fit: { params: fit.params, logLikelihood: fit.logLikelihood, fittedOn: fit.fittedOn, dropoutInPeriod: fit.dropoutInPeriod },
    identified: fit.signal.identified,
    verdict: fit.signal.verdict,
    holdout: check && { calibrationDate: check.calibrationDate, from: check.models.find((m) => "holdout" in m)?.holdout.from ?? null, to: check.endDate, customers: check.customers, sampleShare: check.sampleShare, baseline: check.baseline, rules: check.rules },
    churnRule: { ...fit.signal.rule, label: fit.signal.label, precision: fit.signal.precision, recall: fit.signal.recall },
    expectedPurchases: purchases,
    lifetimeValue: fit.gammaGamma ? value : null,
    atRisk: { below: fit.signal.rule.kind === "p_alive" ? fit.signal.rule.below : null, rule: fit.signal.label, customers: atRisk, share: summaries.length ? atRisk / summaries.length : 0 },
    segments: segmentOf ? [...bySegment.values()].map((s) => ({ ...s, atRiskRevenue: Math.round(s.atRiskRevenue * 100) / 100 })) : null,
  };
}

async function segmentsOfRun(pool: pg.Pool, datasetId: number, runId: number): Promise<Map<string, string>> {
  const [run] = await runsByIds(pool, [runId]);
  if (!run) throw new NotFoundError(`There is no segmentation ${runId}.`);
  if (run.datasetId !== datasetId) throw new InputError("segmentationId", `segmentation ${runId} is of another dataset`);
  return memberSegmentNames(pool, runId);
}
