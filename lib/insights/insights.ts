/**
 * Plain bullet points from a segmentation run's numbers: how big each segment
 * is, what share of revenue it brings, how it differs from the average
 * customer (lifts with the numbers, not adjectives), how much revenue is at
 * risk, and the recommended action. Pure: numbers in, sentences out. Each
 * bullet names the query its numbers come from, so "Show SQL" can show it.
 */

/** One row of segment-profile.sql (a segment, or the whole base when segmentNo is null). */
export interface ProfileRow {
  segmentNo: number | null;
  name: string;
  customers: number;
  customerShare: number;
  orders: number;
  revenue: number;
  revenueShare: number | null;
  recencyDays: number;
  recencyLift: number | null;
  frequency: number;
  frequencyLift: number | null;
  monetary: number;
  monetaryLift: number | null;
  averageOrderValue: number | null;
  averageOrderValueLift: number | null;
  products: number;
  productsLift: number | null;
  returnRate: number | null;
  returnRateLift: number | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  clv: number | null;
  atRiskCustomers: number;
  atRiskRevenue: number;
  atRiskRevenueShare: number | null;
}

/** revenue-concentration.sql. */
export interface Concentration {
  top1PercentShare: number | null;
  top10PercentShare: number | null;
  top20PercentShare: number | null;
  bottomHalfShare: number | null;
}

export type Action = "reward" | "upsell" | "nurture" | "win back" | "reactivate or let go";

export interface Bullet {
  text: string;
  /** The SQL file (lib/queries/sql/<query>.sql) the numbers come from. */
  query: string;
}

export interface InsightGroup {
  /** null for the whole base. */
  segmentNo: number | null;
  title: string;
  action: Action | null;
  bullets: Bullet[];
}

export interface InsightOptions {
  /** Formats an amount of money, e.g. "£1,234". */
  money?: (value: number) => string;
  /** Whether the run has a churn model's fit (members carry P(alive)). */
  hasLifetimeValue?: boolean;
  /** The churn model in use and the signal that flags customers at risk, as the run saved them. */
  churn?: ChurnWords;
}

/** How a run's churn figures are to be named: the model they come from, the at-risk signal, and the holdout verdict. */
export interface ChurnWords {
  /** "BG/NBD", "MBG/NBD", "Pareto/NBD". */
  model: string;
  /** The at-risk rule in words: "BG/NBD P(alive) below 0.5", "no purchase in 90 days". */
  signal: string;
  /** Whether the model can tell dropout (it passed its holdout check). */
  identified: boolean;
  /** The check's verdict in plain words; null for runs saved before the check existed. */
  verdict: string | null;
}

const LEGACY_CHURN: ChurnWords = { model: "BG/NBD", signal: "BG/NBD P(alive) below 0.5", identified: true, verdict: null };

const PROFILE = "segment-profile";
const CONCENTRATION = "revenue-concentration";

const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const defaultMoney = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const percent = (share: number | null) => (share === null ? "–" : `${share < 0.01 && share > 0 ? (share * 100).toFixed(1) : Math.round(share * 100)}%`);
const times = (lift: number) => `${lift >= 10 ? Math.round(lift) : lift < 0.1 ? lift.toFixed(2) : lift.toFixed(1)}×`;
const round1 = (x: number) => (Math.abs(x) >= 10 ? integer.format(Math.round(x)) : x.toFixed(1));

/** How a segment differs from the average customer, strongest differences first, as "orders 2.7× as often (11.5 vs 4.3)". */
function differences(s: ProfileRow, base: ProfileRow, money: (value: number) => string): string[] {
  const items: { weight: number; text: string }[] = [];
  const add = (lift: number | null, describe: (lift: number) => string) => {
    if (lift === null || !Number.isFinite(lift) || lift <= 0) return;
    const weight = Math.abs(Math.log(lift));
    if (weight < Math.log(1.2)) return; // within 20% of the average: not a difference worth a line
    items.push({ weight, text: describe(lift) });
  };
  add(s.frequencyLift, (l) => `orders ${times(l)} as often as the average customer (${round1(s.frequency)} orders vs ${round1(base.frequency)})`);
  add(s.monetaryLift, (l) => `spends ${times(l)} as much (${money(s.monetary)} vs ${money(base.monetary)} per customer)`);
  add(s.recencyLift, (l) => `last bought ${round1(s.recencyDays)} days ago on average, against ${round1(base.recencyDays)} for the base (${times(l)})`);
  add(s.averageOrderValueLift, (l) =>
    `has an average order of ${money(s.averageOrderValue ?? 0)} (${times(l)} the base's ${money(base.averageOrderValue ?? 0)})`,
  );
  add(s.productsLift, (l) => `buys ${round1(s.products)} distinct products (${times(l)} the base's ${round1(base.products)})`);
  add(s.returnRateLift, (l) => `sends back (cancels or returns) ${percent(s.returnRate)} of the value it buys, on average per customer (${times(l)} the base's ${percent(base.returnRate)})`);
  return items.sort((a, b) => b.weight - a.weight).slice(0, 3).map((i) => i.text);
}

/**
 * The action a segment calls for, from how recent and how valuable it is
 * against the base: recent and valuable → reward; recent, few orders →
 * nurture; recent otherwise → upsell; lapsed and valuable → win back; lapsed
 * and low value → reactivate cheaply or let go. A segment mostly at risk by
 * BG/NBD is treated as lapsed.
 */
export function recommendAction(s: ProfileRow): Action {
  const recency = s.recencyLift ?? 1;
  const value = Math.max(s.monetaryLift ?? 1, s.frequencyLift ?? 1);
  const mostlyAtRisk = s.customers > 0 && s.atRiskCustomers / s.customers > 0.5;
  const lapsed = recency > 1.3 || mostlyAtRisk;
  if (lapsed) return value >= 1.2 ? "win back" : "reactivate or let go";
  if (recency < 0.8 && value >= 1.5) return "reward";
  if ((s.frequencyLift ?? 1) < 0.8) return "nurture";
  return "upsell";
}

const ACTION_TEXT: Record<Action, string> = {
  reward: "Reward them: loyalty perks and early access; ask for reviews and referrals. Do not discount what they already buy at full price.",
  upsell: "Upsell: recommend higher-value and related products, and bundles that lift the order value.",
  nurture: "Nurture: a welcome series and a second-purchase offer to turn first orders into a habit.",
  "win back": "Win them back: personal outreach and a strong, time-limited offer before they are lost.",
  "reactivate or let go": "Reactivate cheaply or let go: automated, low-cost win-back emails only; do not spend much here.",
};

export function buildInsights(rows: readonly ProfileRow[], concentration: Concentration | null, options: InsightOptions = {}): InsightGroup[] {
  const money = options.money ?? ((v: number) => defaultMoney.format(v));
  const churn = options.churn ?? LEGACY_CHURN;
  const base = rows.find((r) => r.segmentNo === null);
  if (!base) return [];
  const segments = rows.filter((r) => r.segmentNo !== null && r.customers > 0);
  const hasLtv = options.hasLifetimeValue ?? base.pAlive !== null;

  const overall: Bullet[] = [
    {
      text: `${integer.format(base.customers)} customers placed ${integer.format(base.orders)} orders worth ${money(base.revenue)}; the average customer ordered ${round1(base.frequency)} times and spent ${money(base.monetary)}.`,
      query: PROFILE,
    },
  ];
  const byRevenue = [...segments].sort((a, b) => (b.revenueShare ?? 0) - (a.revenueShare ?? 0));
  const top = byRevenue[0];
  if (top) {
    overall.push({
      text: `${top.name} bring the most revenue: ${percent(top.revenueShare)} of it from ${percent(top.customerShare)} of customers.`,
      query: PROFILE,
    });
  }
  const largest = [...segments].sort((a, b) => b.customers - a.customers)[0];
  if (largest && largest !== top) {
    overall.push({
      text: `The largest segment is ${largest.name}: ${percent(largest.customerShare)} of customers, bringing ${percent(largest.revenueShare)} of revenue.`,
      query: PROFILE,
    });
  }
  if (concentration?.top20PercentShare != null) {
    overall.push({
      text: `The top 20% of customers bring ${percent(concentration.top20PercentShare)} of revenue (top 1%: ${percent(concentration.top1PercentShare)}); the bottom half brings ${percent(concentration.bottomHalfShare)}.`,
      query: CONCENTRATION,
    });
  }
  if (hasLtv) {
    // A model that failed its check is said to, first; nothing below claims what it cannot tell.
    if (churn.verdict && !churn.identified) overall.push({ text: `Churn: ${churn.verdict}`, query: PROFILE });
    if (base.atRiskCustomers > 0) {
      overall.push({
        text: `${integer.format(base.atRiskCustomers)} customers (${percent(base.atRiskCustomers / base.customers)}) are at risk of having churned (${churn.signal}); they brought ${money(base.atRiskRevenue)}, ${percent(base.atRiskRevenueShare)} of revenue.`,
        query: PROFILE,
      });
    } else if (churn.identified) {
      overall.push({
        text: `${churn.model} finds no customer at risk (${churn.signal}; mean P(alive) ${percent(base.pAlive)}): by this model no revenue is at risk yet; watch recency too.`,
        query: PROFILE,
      });
    } else {
      overall.push({ text: `No customer is flagged at risk (${churn.signal}).`, query: PROFILE });
    }
    if (base.expectedPurchases !== null && base.clv !== null) {
      overall.push({
        text: `By ${churn.model}${churn.identified ? "" : " (which cannot tell dropout here, so read it as an upper bound)"}, the average customer is expected to make ${base.expectedPurchases.toFixed(1)} purchases in the next 12 months, worth ${money(base.clv)} (discounted CLV with Gamma-Gamma); ${money(base.clv * base.customers)} for the whole base.`,
        query: PROFILE,
      });
    }
  }
  const groups: InsightGroup[] = [{ segmentNo: null, title: "All customers", action: null, bullets: overall }];

  for (const s of byRevenue) {
    const action = recommendAction(s);
    const bullets: Bullet[] = [
      { text: `${s.name} are ${percent(s.customerShare)} of customers and bring ${percent(s.revenueShare)} of revenue (${money(s.revenue)}).`, query: PROFILE },
    ];
    const diffs = differences(s, base, money);
    if (diffs.length) bullets.push({ text: `The typical customer here ${diffs.join("; ")}.`, query: PROFILE });
    else bullets.push({ text: `They look like the average customer: no feature differs from the base by more than 20%.`, query: PROFILE });
    if (hasLtv && s.atRiskCustomers > 0) {
      bullets.push({
        text: `${integer.format(s.atRiskCustomers)} of them (${percent(s.atRiskCustomers / s.customers)}) are at risk (${churn.signal}), with ${money(s.atRiskRevenue)} of revenue to date (${percent(s.atRiskRevenueShare)} of all revenue).`,
        query: PROFILE,
      });
    } else if (hasLtv && s.pAlive !== null) {
      bullets.push({
        text: churn.identified
          ? `None of them is at risk by ${churn.signal} (mean ${churn.model} P(alive) ${percent(s.pAlive)}).`
          : `None of them is flagged at risk (${churn.signal}).`,
        query: PROFILE,
      });
    }
    bullets.push({ text: `Recommended action: ${ACTION_TEXT[action]}`, query: PROFILE });
    groups.push({ segmentNo: s.segmentNo, title: s.name, action, bullets });
  }
  return groups;
}
