import { describe, expect, test } from "vitest";
import { buildInsights, recommendAction, type ProfileRow } from "./insights";

/** A profile row for a segment with the given means, with lifts computed against `base` as segment-profile.sql does. */
function segment(no: number | null, name: string, m: { customers: number; orders: number; revenue: number; recencyDays: number; products?: number; atRisk?: number; atRiskRevenue?: number; pAlive?: number }, base?: ProfileRow): ProfileRow {
  const frequency = m.orders / m.customers;
  const monetary = m.revenue / m.customers;
  const aov = m.revenue / m.orders;
  const lift = (x: number, b: number | undefined) => (b ? x / b : 1);
  return {
    segmentNo: no,
    name,
    customers: m.customers,
    customerShare: base ? m.customers / base.customers : 1,
    orders: m.orders,
    revenue: m.revenue,
    revenueShare: base ? m.revenue / base.revenue : 1,
    recencyDays: m.recencyDays,
    recencyLift: lift(m.recencyDays, base?.recencyDays),
    frequency,
    frequencyLift: lift(frequency, base?.frequency),
    monetary,
    monetaryLift: lift(monetary, base?.monetary),
    averageOrderValue: aov,
    averageOrderValueLift: lift(aov, base?.averageOrderValue ?? undefined),
    products: m.products ?? 10,
    productsLift: lift(m.products ?? 10, base?.products),
    returnRate: 0.02,
    returnRateLift: 1,
    pAlive: m.pAlive ?? 0.9,
    expectedPurchases: 2,
    clv: 100,
    atRiskCustomers: m.atRisk ?? 0,
    atRiskRevenue: m.atRiskRevenue ?? 0,
    atRiskRevenueShare: base ? (m.atRiskRevenue ?? 0) / base.revenue : 0,
  };
}

const parts = [
  { name: "Champions", customers: 90, orders: 900, revenue: 41_000, recencyDays: 10, products: 40 },
  { name: "Lost", customers: 500, orders: 600, revenue: 9_000, recencyDays: 300, atRisk: 400, atRiskRevenue: 7_000, pAlive: 0.3 },
  { name: "New Customers", customers: 410, orders: 420, revenue: 50_000, recencyDays: 20 },
];
const totals = parts.reduce((t, p) => ({ customers: t.customers + p.customers, orders: t.orders + p.orders, revenue: t.revenue + p.revenue }), { customers: 0, orders: 0, revenue: 0 });
const base = segment(null, "All customers", {
  ...totals,
  recencyDays: parts.reduce((s, p) => s + p.recencyDays * p.customers, 0) / totals.customers,
  products: 12,
  atRisk: 400,
  atRiskRevenue: 7_000,
});
const rows = [...parts.map((p, i) => segment(i, p.name, p, base)), base];

describe("buildInsights", () => {
  const groups = buildInsights(rows, { top1PercentShare: 0.2, top10PercentShare: 0.5, top20PercentShare: 0.7, bottomHalfShare: 0.1 }, { hasLifetimeValue: true });

  test("says each segment's share of customers and of revenue, as the issue's example does", () => {
    const champions = groups.find((g) => g.title === "Champions")!;
    expect(champions.bullets[0]!.text).toBe(`Champions are ${Math.round((90 / 1000) * 100)}% of customers and bring ${Math.round((41_000 / 100_000) * 100)}% of revenue (41,000).`);
    expect(champions.bullets[0]!.query).toBe("segment-profile");
  });

  test("describes differences with lifts and the numbers, strongest first", () => {
    const champions = groups.find((g) => g.title === "Champions")!;
    const lifts = champions.bullets[1]!.text;
    expect(lifts).toContain(`orders ${(10 / base.frequency).toFixed(1)}× as often as the average customer (10 orders vs ${base.frequency.toFixed(1)})`);
    expect(lifts).toContain(`last bought 10 days ago on average, against ${Math.round(base.recencyDays)} for the base`);
    // recency differs most (16×), then frequency, then spend
    expect(lifts.indexOf("last bought")).toBeLessThan(lifts.indexOf("orders"));
    expect(lifts.indexOf("orders")).toBeLessThan(lifts.indexOf("spends"));
  });

  test("counts revenue at risk and recommends an action per segment", () => {
    const lost = groups.find((g) => g.title === "Lost")!;
    expect(lost.action).toBe("reactivate or let go");
    expect(lost.bullets.some((b) => b.text.startsWith("400 of them (80%) are at risk") && b.text.includes("7,000 of revenue"))).toBe(true);
    expect(groups.find((g) => g.title === "Champions")!.action).toBe("reward");
    const overall = groups[0]!;
    expect(overall.title).toBe("All customers");
    expect(overall.bullets.some((b) => b.query === "revenue-concentration" && b.text.startsWith("The top 20% of customers bring 70% of revenue"))).toBe(true);
  });

  test("says what the return rate means: the value sent back against the value bought, on average per customer", () => {
    const returners = { ...rows[0]!, recencyLift: 1, frequencyLift: 1, monetaryLift: 1, averageOrderValueLift: 1, productsLift: 1, returnRate: 0.06, returnRateLift: 3 };
    const text = buildInsights([returners, { ...base, returnRate: 0.02 }], null)[1]!.bullets[1]!.text;
    expect(text).toContain("sends back (cancels or returns) 6% of the value it buys, on average per customer (3.0× the base's 2%)");
    expect(text).not.toContain("of what it buys");
  });

  test("orders segments by revenue share", () => {
    expect(groups.slice(1).map((g) => g.title)).toEqual(["New Customers", "Champions", "Lost"]);
  });
});

describe("recommendAction", () => {
  test("recent and valuable → reward; lapsed and valuable → win back; recent with few orders → nurture", () => {
    expect(recommendAction(segment(0, "a", { customers: 10, orders: 100, revenue: 10_000, recencyDays: 5 }, base))).toBe("reward");
    expect(recommendAction(segment(0, "b", { customers: 10, orders: 100, revenue: 10_000, recencyDays: 400 }, base))).toBe("win back");
    expect(recommendAction(segment(0, "c", { customers: 10, orders: 10, revenue: 800, recencyDays: 20 }, base))).toBe("nurture");
  });
});
