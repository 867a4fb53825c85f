import { describe, expect, test } from "vitest";
import { countryRows, countryTitle, legendEntries, resolveAxes, resolveAxis, type ChartSpec } from "./chart-spec";

// Both drawings of a chart take their number axes from here; the expected ticks are worked out by hand
// (about five "nice" steps of 1, 2 or 5 times a power of ten, the domain widened to whole steps).
describe("resolveAxis", () => {
  test("widens the data's extent to nice ticks, from 0 for bars", () => {
    expect(resolveAxis({}, [120, 4900], true)).toEqual({ domain: [0, 5000], ticks: [0, 1000, 2000, 3000, 4000, 5000] });
    expect(resolveAxis({}, [0.213, 0.487], false)).toEqual({ domain: [0.2, 0.5], ticks: [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5] });
  });
  test("keeps whole numbers only for a count", () => {
    expect(resolveAxis({ integer: true }, [0, 3], true).ticks).toEqual([0, 1, 2, 3]);
  });
  test("keeps a fixed domain and ticks", () => {
    expect(resolveAxis({ domain: [0, 1], ticks: [0, 0.5, 1] }, [7], true)).toEqual({ domain: [0, 1], ticks: [0, 0.5, 1] });
    expect(resolveAxis({ domain: [-2, 2] }, [], false).ticks).toEqual([-2, -1, 0, 1, 2]);
  });
  test("a single value still spans one unit", () => {
    expect(resolveAxis({}, [3], false).domain).toEqual([3, 4]);
  });
});

describe("resolveAxes", () => {
  const data = [
    { c: "a", x: 0.6, y: 0.5, low: 0.1, high: 0.7, r: 900 },
    { c: "b", x: 0.3, y: 0.2, low: 0.2, high: 0.4, r: 2100 },
  ];
  const spec = (over: Partial<ChartSpec<(typeof data)[number]>>): ChartSpec<(typeof data)[number]> => ({
    title: "t",
    height: 200,
    margin: { top: 0, right: 0, bottom: 0, left: 0 },
    layout: "columns",
    data,
    x: { key: "c" },
    y: {},
    ...over,
  });
  test("a stack's axis reaches its sums", () => {
    const { y } = resolveAxes(spec({ bars: [{ value: "x", name: "x", colour: "#000", stack: "s" }, { value: "y", name: "y", colour: "#111", stack: "s" }] }));
    expect(y.domain).toEqual([0, 1.2]); // 0.6 + 0.5 = 1.1
  });
  test("whiskers widen the axis; the right axis has its own series", () => {
    const { y, right } = resolveAxes(
      spec({
        bars: [{ value: "y", name: "y", colour: "#000", whisker: (d) => [d.low, d.high] }],
        lines: [{ value: "r", name: "r", colour: "#111", right: true }],
        right: {},
      }),
    );
    expect(y.domain).toEqual([0, 0.7]);
    expect(right).toEqual({ domain: [800, 2200], ticks: [800, 1000, 1200, 1400, 1600, 1800, 2000, 2200] });
  });
  test("the legend lists the series in their order, bars before lines", () => {
    const s = spec({ bars: [{ value: "x", name: "Orders", colour: "#0072B2" }], lines: [{ value: "r", name: "Revenue", colour: "#E69F00" }] });
    expect(legendEntries(s)).toEqual([
      { name: "Orders", colour: "#0072B2" },
      { name: "Revenue", colour: "#E69F00" },
    ]);
  });
});

describe("countryRows", () => {
  const rows = [
    { country: "United Kingdom", countries: 1, customers: 3950 },
    { country: "Other", countries: 12, customers: 410 },
  ];
  test("labels the folded row with its count of countries, on the axis and in the tooltip", () => {
    expect(countryRows(rows, { rowHeight: 30 }).data!.map((d) => d.label)).toEqual(["United Kingdom", "Other (12)"]);
    expect(rows.map(countryTitle)).toEqual(["United Kingdom", "Other: 12 countries"]);
  });
  test("is as tall as its rows, with room for a legend only where it has one", () => {
    // Two rows of 30 px (+60 px of axis) stay under the 200 px floor; 8 rows of 36 px + 90 px pass the 220 px one.
    expect(countryRows(rows, { rowHeight: 30 })).toMatchObject({ height: 200, layout: "rows", x: { key: "label", size: 112, chars: 16 } });
    expect(countryRows(rows, { rowHeight: 30 }).legend).toBeUndefined();
    const eight = Array.from({ length: 8 }, (_, i) => ({ country: `C${i}`, countries: 1 }));
    expect(countryRows(eight, { rowHeight: 36, legend: true })).toMatchObject({ height: 378, legend: {}, margin: { top: 4, right: 16, bottom: 20, left: 4 } });
  });
});
