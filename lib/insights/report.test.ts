import { describe, expect, test } from "vitest";
import { buildReport } from "./report";
import type { InsightGroup } from "./insights";

const groups: InsightGroup[] = [
  {
    segmentNo: null,
    title: "All customers",
    action: null,
    bullets: [
      { text: "1,000 customers placed 1,920 orders.", query: "segment-profile" },
      { text: "The top 20% of customers bring 70% of revenue.", query: "revenue-concentration" },
    ],
  },
  { segmentNo: 0, title: "Champions", action: "reward", bullets: [{ text: "Champions are 9% of customers.", query: "segment-profile" }] },
];

describe("buildReport", () => {
  const report = buildReport({
    datasetName: "Shop",
    run: { id: 7, datasetId: 2, method: "rfm", params: {}, customers: 1000, createdAt: "2026-12-06" },
    profiles: [],
    groups,
    queries: [],
  });

  test("names the insights' queries once, not after every bullet", () => {
    expect(report).toContain("- 1,000 customers placed 1,920 orders.\n");
    expect(report).toContain("- Champions are 9% of customers.\n");
    expect(report).not.toMatch(/\.sql\)_/);
    expect(report.match(/_From segment-profile\.sql and revenue-concentration\.sql\._/g)).toHaveLength(1);
  });
});
