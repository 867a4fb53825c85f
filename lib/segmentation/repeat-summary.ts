import type { RepeatSummary, SpendSummary } from "./clv";

/**
 * Per-customer inputs of BG/NBD and Gamma-Gamma from dated purchases, with
 * lifetimes' conventions (summary_data_from_transaction_data): only purchases
 * up to the analysis date count; purchases on the same day are one purchase
 * (amounts added); frequency = distinct purchase days − 1; recency = first to
 * last purchase day; T = first purchase day to the analysis date; monetary =
 * mean amount of the repeat purchase days (the first day left out).
 */
export interface DatedPurchase {
  customerId: string;
  /** Whole days since 1970-01-01. */
  day: number;
  amount: number;
}

export interface CustomerSummary extends RepeatSummary, SpendSummary {
  customerId: string;
}

export const DAYS_PER_UNIT = { days: 1, weeks: 7 } as const;

export function repeatSummaries(purchases: readonly DatedPurchase[], analysisDay: number, unit: keyof typeof DAYS_PER_UNIT): CustomerSummary[] {
  const byCustomer = new Map<string, Map<number, number>>();
  for (const p of purchases) {
    if (p.day > analysisDay) continue;
    let days = byCustomer.get(p.customerId);
    if (!days) byCustomer.set(p.customerId, (days = new Map()));
    days.set(p.day, (days.get(p.day) ?? 0) + p.amount);
  }
  const perUnit = DAYS_PER_UNIT[unit];
  return [...byCustomer].map(([customerId, days]) => {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    const repeat = sorted.slice(1).map((d) => days.get(d)!);
    return {
      customerId,
      frequency: sorted.length - 1,
      recency: (last - first) / perUnit,
      T: (analysisDay - first) / perUnit,
      monetary: repeat.length ? repeat.reduce((s, a) => s + a, 0) / repeat.length : 0,
    };
  });
}
