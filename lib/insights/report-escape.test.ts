import { describe, expect, test } from "vitest";
import { buildReport, markdownText } from "./report";

// Expected texts written by hand from CommonMark's rules (backslash escapes of ASCII punctuation, entity
// references, raw HTML and link syntax), not from our output.
describe("markdownText", () => {
  test.each([
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    ["[click](javascript:alert(2))", "\\[click\\](javascript:alert(2))"],
    ["<https://evil.example>", "&lt;https://evil.example&gt;"],
    ["a | b", "a \\| b"],
    ["*bold* _it_ `code` ~~x~~", "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~x\\~\\~"],
    ["# heading", "\\# heading"],
    ["- item", "\\- item"],
    ["1. first", "1\\. first"],
    ["AT&T", "AT&amp;T"],
    ["two\nlines", "two lines"],
    ["back\\slash", "back\\\\slash"],
    ["Champions", "Champions"],
    ["Can't Lose Them (12.5%)", "Can't Lose Them (12.5%)"],
  ])("%j → %j", (raw, escaped) => {
    expect(markdownText(raw)).toBe(escaped);
  });
});

describe("buildReport with names from the data", () => {
  const report = buildReport({
    datasetName: "<script>alert(1)</script>",
    run: { id: 3, datasetId: 1, method: "rfm", params: { features: ["<img src=x onerror=alert(3)>"] }, customers: 2, createdAt: "2026-12-06" },
    profiles: [
      {
        segmentNo: 0, name: "A | B <b>", customers: 2, customerShare: 1, orders: 2, revenue: 10, revenueShare: 1, recencyDays: 1, recencyLift: null,
        frequency: 1, frequencyLift: null, monetary: 5, monetaryLift: null, averageOrderValue: 5, averageOrderValueLift: null, products: 1,
        productsLift: null, returnRate: null, returnRateLift: null, pAlive: null, expectedPurchases: null, clv: null, atRiskCustomers: 0,
        atRiskRevenue: 0, atRiskRevenueShare: null,
      },
    ],
    groups: [{ segmentNo: 0, title: "A | B <b>", action: null, bullets: [{ text: "Top product: <b>Mug</b> [x](javascript:y)", query: "segment-profile" }] }],
    queries: [],
  });

  test("no raw HTML and no link comes out of a name, a title, a bullet or a feature", () => {
    expect(report).not.toMatch(/<[a-z/!]/i);
    expect(report).not.toMatch(/(^|[^\\])\[x\]/);
    expect(report.split("\n")[0]).toBe("# &lt;script&gt;alert(1)&lt;/script&gt;: RFM segmentation (run 3)");
  });

  test("a | in a segment name stays in its cell: the row keeps 11 cells", () => {
    const row = report.split("\n").find((l) => l.startsWith("| A"))!;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(13);
  });
});
