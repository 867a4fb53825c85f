import type pg from "pg";
import { z } from "zod";
import { NotFoundError } from "../errors";
import { CLEANING_RULES, type CleaningRule } from "../ingest/cleaning";
import { getRepeatSummaries } from "../queries/repeat-summary";
import { expectedPurchases, fitBgNbd, fitGammaGamma, FitError, lifetimeValue, probabilityAlive, UNITS_PER_MONTH } from "../segmentation/clv";

/**
 * Churn and lifetime value of a dataset's customers: BG/NBD and Gamma-Gamma
 * fitted on lib/queries/sql/repeat-summary.sql, then P(alive), expected
 * purchases and CLV per customer, summed for the whole base.
 */
const RULE_KEYS = CLEANING_RULES.map((r) => r.key) as [CleaningRule, ...CleaningRule[]];

export const ClvInput = z.object({
  analysisDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD").optional(),
  unit: z.enum(["days", "weeks"]).default("weeks"),
  /** Months ahead for expected purchases and CLV. */
  horizon: z.number().int().min(1).max(120).default(12),
  /** Monthly discount rate of the CLV. */
  discount: z.number().min(0).max(1).default(0.01),
  /** P(alive) below which a customer counts as at risk. */
  atRiskBelow: z.number().gt(0).lt(1).default(0.5),
  cleaning: z.array(z.enum(RULE_KEYS)).optional(),
});

export async function fitLifetimeValue(pool: pg.Pool, datasetId: number, raw: unknown) {
  const input = ClvInput.parse(raw ?? {});
  const exists = await pool.query("select 1 from datasets where id = $1", [datasetId]);
  if (!exists.rowCount) throw new NotFoundError(`There is no dataset ${datasetId}.`);
  const cleaning = input.cleaning ?? RULE_KEYS;
  const rulesMask = CLEANING_RULES.filter((r) => cleaning.includes(r.key)).reduce((m, r) => m | r.bit, 0);
  const summaries = await getRepeatSummaries(pool, datasetId, { analysisDate: input.analysisDate, rulesMask, unit: input.unit });
  const bgnbd = fitBgNbd(summaries);
  let gammaGamma: ReturnType<typeof fitGammaGamma> | null = null;
  let gammaGammaError: string | null = null;
  try {
    gammaGamma = fitGammaGamma(summaries);
  } catch (error) {
    if (!(error instanceof FitError)) throw error;
    gammaGammaError = error.message;
  }
  const horizon = input.horizon * UNITS_PER_MONTH[input.unit];
  let purchases = 0;
  let value = 0;
  let atRisk = 0;
  for (const c of summaries) {
    purchases += expectedPurchases(bgnbd.params, c, horizon);
    if (probabilityAlive(bgnbd.params, c) < input.atRiskBelow) atRisk++;
    if (gammaGamma) value += lifetimeValue(bgnbd.params, gammaGamma.params, c, { months: input.horizon, monthlyDiscount: input.discount, unit: input.unit });
  }
  return {
    datasetId,
    analysisDate: input.analysisDate ?? null,
    unit: input.unit,
    horizonMonths: input.horizon,
    monthlyDiscount: input.discount,
    customers: summaries.length,
    repeatCustomers: summaries.filter((c) => c.frequency > 0).length,
    bgnbd: { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood },
    gammaGamma: gammaGamma ? gammaGamma.params : null,
    gammaGammaError,
    expectedPurchases: purchases,
    lifetimeValue: gammaGamma ? value : null,
    atRisk: { below: input.atRiskBelow, customers: atRisk, share: summaries.length ? atRisk / summaries.length : 0 },
  };
}
