import type pg from "pg";
import { z } from "zod";
import { InputError, NotFoundError } from "../errors";
import { RULE_KEYS, rulesMask } from "../ingest/cleaning";
import { getCustomerFeatures } from "../queries/customer-features";
import { getRepeatSummaries } from "../queries/repeat-summary";
import { fitSpend } from "./lifetime-values";
import { preparerFor } from "./preparation";
import { requireDataset } from "../queries/datasets";
import { memberSegmentNames, runsByIds } from "../queries/runs";
import {
  expectedPurchases,
  fitBgNbd,
  lifetimeValue,
  probabilityAlive,
  UNITS_PER_MONTH,
} from "../segmentation/clv";

/**
 * Churn and lifetime value of a dataset's customers: BG/NBD and Gamma-Gamma
 * fitted on lib/queries/sql/repeat-summary.sql, then P(alive), expected
 * purchases and CLV per customer, summed for the whole base.
 */

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

export async function fitLifetimeValue(pool: pg.Pool, datasetId: number, raw: unknown) {
  const input = ClvInput.parse(raw ?? {});
  await requireDataset(pool, datasetId);
  // The fit reads the dataset's summaries: right after a load, it waits for its preparation to build them.
  await preparerFor(pool).summaries(datasetId);
  const cleaning = input.cleaning ?? RULE_KEYS;
  // Checked before the (slower) fit, so a wrong request fails fast.
  const segmentOf = input.segmentationId ? await segmentsOfRun(pool, datasetId, input.segmentationId) : null;
  const summaries = await getRepeatSummaries(pool, datasetId, { analysisDate: input.analysisDate, rulesMask: rulesMask(cleaning), unit: input.unit });
  const bgnbd = fitBgNbd(summaries);
  const { gammaGamma, gammaGammaError } = fitSpend(summaries);
  const horizon = input.horizon * UNITS_PER_MONTH[input.unit];
  const revenue = segmentOf ? new Map((await getCustomerFeatures(pool, datasetId, { analysisDate: input.analysisDate, rulesMask: rulesMask(cleaning) })).map((f) => [f.customerId, f.monetary])) : null;
  const bySegment = new Map<string, SegmentRisk>();
  let purchases = 0;
  let value = 0;
  let atRisk = 0;
  for (const c of summaries) {
    const expected = expectedPurchases(bgnbd.params, c, horizon);
    const risky = probabilityAlive(bgnbd.params, c) < input.atRiskBelow;
    const clv = gammaGamma ? lifetimeValue(bgnbd.params, gammaGamma.params, c, { months: input.horizon, monthlyDiscount: input.discount, unit: input.unit }) : 0;
    purchases += expected;
    value += clv;
    if (risky) atRisk++;
    const segment = segmentOf?.get(c.customerId);
    if (segment !== undefined) {
      const s = bySegment.get(segment) ?? { segment, customers: 0, atRiskCustomers: 0, atRiskRevenue: 0, expectedPurchases: 0, lifetimeValue: gammaGamma ? 0 : null };
      s.customers++;
      s.expectedPurchases += expected;
      if (s.lifetimeValue !== null) s.lifetimeValue += clv;
      if (risky) {
        s.atRiskCustomers++;
        s.atRiskRevenue += revenue!.get(c.customerId) ?? 0;
      }
      bySegment.set(segment, s);
    }
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
    segments: segmentOf ? [...bySegment.values()].map((s) => ({ ...s, atRiskRevenue: Math.round(s.atRiskRevenue * 100) / 100 })) : null,
  };
}

async function segmentsOfRun(pool: pg.Pool, datasetId: number, runId: number): Promise<Map<string, string>> {
  const [run] = await runsByIds(pool, [runId]);
  if (!run) throw new NotFoundError(`There is no segmentation ${runId}.`);
  if (run.datasetId !== datasetId) throw new InputError("segmentationId", `segmentation ${runId} is of another dataset`);
  return memberSegmentNames(pool, runId);
}
