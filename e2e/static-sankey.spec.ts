import { expect, test, type Browser, type Locator } from "@playwright/test";
import { ADMIN_STATE } from "./accounts";

/**
 * Issue 17 item 19: the moves page's flows (the Sankey chart) are in the
 * server's HTML too: a static SVG (components/charts/static-sankey.tsx),
 * placed as Recharts' <Sankey> places them (sankey-layout.ts), replaced once
 * the page is idle by the interactive chart (data-interactive="ready"). The
 * drawing is checked against the moves' API (its bands and its nodes'
 * customers) and against the interactive chart (the same nodes at the same
 * place, the same labels), at a laptop's width and a phone's.
 */
test.describe.configure({ mode: "serial" });

let movesUrl = "";
let flows: { fromSegment: string; toSegment: string; fromNo: number | null; toNo: number | null; customers: number }[] = [];

test.beforeAll(async ({ request }) => {
  const { datasets } = await (await request.get("/api/datasets")).json();
  const sampleId = datasets.find((d: { isSample: boolean }) => d.isSample).id;
  const run = async (data: object) => {
    const response = await request.post(`/api/datasets/${sampleId}/segmentations`, { data });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()).id as number;
  };
  // The sample runs from January 2023 to December 2024: an RFM run in mid-2024, and one at the end of the data.
  const earlier = await run({ method: "rfm", analysisDate: "2024-06-30" });
  const later = await run({ method: "rfm" });
  movesUrl = `/runs/${earlier}/moves?to=${later}`;
  flows = (await (await request.get(`/api/segmentations/${earlier}/moves/${later}`)).json()).flows;
  flows = flows.filter((f) => f.customers > 0);
  expect(flows.length).toBeGreaterThan(5);
});

const SIZES = [
  [1440, 900],
  [390, 844],
] as const;

const number = (text: string) => Number(text.replace(/[^0-9]/g, ""));

/** Each node's rectangle, relative to the chart's box, and its shown label. */
async function nodes(chart: Locator, node: string, label: string) {
  return chart.locator(node).evaluateAll(
    (gs, label) => {
      const box = gs[0]!.closest(".lazy-chart")!.getBoundingClientRect();
      return gs.map((g) => {
        const r = g.querySelector("rect")!.getBoundingClientRect();
        const shown = [...g.querySelectorAll(label)].filter((t) => getComputedStyle(t).display !== "none");
        return { x: r.x - box.x, y: r.y - box.y, width: r.width, height: r.height, labels: shown.map((t) => t.textContent ?? "") };
      });
    },
    label,
  );
}

async function staticPage(browser: Browser, width: number, height: number) {
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: ADMIN_STATE, viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(movesUrl);
  return { context, page, chart: page.locator('[data-chart="migration-flows"]') };
}

for (const [width, height] of SIZES) {
  test(`with JavaScript off the flows are drawn from the moves at ${width} px`, async ({ browser }) => {
    const { context, page, chart } = await staticPage(browser, width, height);
    const svg = chart.locator("[data-static-chart] svg[role=img]");
    await expect(svg).toBeVisible();
    expect(await svg.getAttribute("aria-label")).toMatch(/^Flows of customers from the segments as of .+ to those as of .+/);
    // One band per move the API lists, each titled with its segments and customers.
    const bands = await chart.locator("[data-static-chart] path.static-band").evaluateAll((ps) => ps.map((p) => ({ title: p.parentElement!.querySelector("title")!.textContent!, width: Number(p.getAttribute("stroke-width")) })));
    expect(bands.length).toBe(flows.length);
    const moved = (t: string) => t.split(":")[0];
    expect(bands.map((b) => moved(b.title)).sort()).toEqual(flows.map((f) => `${f.fromSegment} → ${f.toSegment}`).sort());
    for (const f of flows) {
      const band = bands.find((b) => moved(b.title) === `${f.fromSegment} → ${f.toSegment}`)!;
      expect(number(band.title.split(":")[1]!.split("customers")[0]!), band.title).toBe(f.customers);
    }
    // Each side's nodes: its segments (and New, Gone), each labelled with its customers, as the API adds them up.
    for (const side of ["from", "to"] as const) {
      const totals = new Map<string, number>();
      for (const f of flows) {
        const name = side === "from" ? f.fromSegment : f.toSegment;
        totals.set(name, (totals.get(name) ?? 0) + f.customers);
      }
      const drawn = await nodes(chart, `[data-static-node^="${side}:"]`, "text");
      expect(drawn.length, side).toBe(totals.size);
      for (const [name, customers] of totals) {
        const node = chart.locator(`[data-static-node="${side}:${name}"]`);
        await expect(node.locator("title")).toHaveText(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, as of .*: ${customers.toLocaleString("en-GB")} customers$`));
      }
      for (const n of drawn) {
        // One label shown per node (the cut for this width), ending in its count; its bar beside it.
        expect(n.labels.length).toBe(1);
        expect(n.labels[0]).toMatch(/ [\d,]+$/);
        expect(n.height).toBeGreaterThanOrEqual(1);
      }
    }
    // Inside its card, at a phone's width too; the page does not scroll sideways.
    const [box, card] = await Promise.all([svg.boundingBox(), chart.boundingBox()]);
    const all = await chart.locator("[data-static-chart] rect, [data-static-chart] text").evaluateAll((es) =>
      es.filter((e) => getComputedStyle(e).display !== "none").map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.right]),
    );
    for (const [l, r] of all) {
      expect(l).toBeGreaterThanOrEqual(card!.x);
      expect(r).toBeLessThanOrEqual(card!.x + card!.width);
    }
    expect(box!.x).toBeGreaterThanOrEqual(card!.x);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath(`moves-${width}-no-js.png`), fullPage: true });
    await chart.screenshot({ path: test.info().outputPath(`flows-${width}-no-js.png`) });
    await context.close();
  });

  test(`with JavaScript the interactive flows replace the static ones where they were, at ${width} px`, async ({ browser }) => {
    const plain = await staticPage(browser, width, height);
    await expect(plain.chart.locator("[data-static-chart]")).toBeVisible();
    const drawn = await nodes(plain.chart, "[data-static-node]", "text");
    const bandCount = await plain.chart.locator("path.static-band").count();
    await plain.context.close();

    const context = await browser.newContext({ storageState: ADMIN_STATE, viewport: { width, height } });
    const page = await context.newPage();
    await page.goto(movesUrl);
    const chart = page.locator('[data-chart="migration-flows"]');
    await chart.scrollIntoViewIfNeeded();
    await expect(chart.locator(".lazy-chart")).toHaveAttribute("data-interactive", "ready");
    await expect(chart.locator("[data-static-chart]")).toHaveCount(0);
    await expect(chart.locator("path.migration-band")).toHaveCount(bandCount);
    const live = await nodes(chart, "g.migration-node", "text");
    // The same nodes, at the same place (within a pixel), with the same labels: nothing moves at the swap.
    expect(live.length).toBe(drawn.length);
    live.forEach((n, i) => {
      const s = drawn[i]!;
      for (const k of ["x", "y", "width", "height"] as const) expect(Math.abs(n[k] - s[k]), `node ${i} (${s.labels[0]}): ${k}`).toBeLessThanOrEqual(1);
      expect(n.labels).toEqual(s.labels);
    });
    await page.screenshot({ path: test.info().outputPath(`moves-${width}-js.png`), fullPage: true });
    // A band answers the pointer (its tooltip) and opens its customers.
    const band = chart.locator("path.migration-band").first();
    await band.hover({ force: true });
    await expect(chart.locator(".chart-tooltip")).toBeVisible();
    await chart.screenshot({ path: test.info().outputPath(`flows-${width}-js.png`) });
    await band.click({ force: true });
    await expect(page).toHaveURL(/\/customers\?.*other_run=/);
    await context.close();
  });
}
