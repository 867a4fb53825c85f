import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { ADMIN_STATE } from "./accounts";

/**
 * Issue 17 item 19: the charts are in the server's HTML. Each chart is drawn
 * as a static SVG from its data (components/charts/static-chart.tsx), shown
 * with JavaScript off, and replaced after hydration by the interactive
 * Recharts chart (components/charts/lazy-chart.tsx), which marks its box
 * data-interactive="ready". The static drawing is checked against the
 * interactive one, an independent renderer of the same data: as many bars.
 */
test.describe.configure({ mode: "serial" });

let sampleId = 0;
let runId = 0;

async function rfm(request: APIRequestContext, datasetId: number): Promise<number> {
  const response = await request.post(`/api/datasets/${datasetId}/segmentations`, { data: { method: "rfm" } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).id;
}

test.beforeAll(async ({ request }) => {
  const { datasets } = await (await request.get("/api/datasets")).json();
  sampleId = datasets.find((d: { isSample: boolean }) => d.isSample).id;
  runId = await rfm(request, sampleId);
});

const PAGES = () => [
  ["overview", `/datasets/${sampleId}`],
  ["run", `/runs/${runId}`],
  ["segment", `/runs/${runId}/segments/0`],
] as const;

/** Bars in a static drawing: one closed subpath each ("M…z") in the paths of its bar series. */
async function staticBars(chart: Locator): Promise<number> {
  return chart.locator("[data-static-chart] path[data-bars]").evaluateAll((paths) => paths.reduce((n, p) => n + (p.getAttribute("d")?.match(/M/g)?.length ?? 0), 0));
}

for (const [width, height] of [
  [1440, 900],
  [390, 844],
] as const) {
  test(`with JavaScript off every chart is drawn from its data at ${width} px`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, storageState: ADMIN_STATE, viewport: { width, height } });
    const page = await context.newPage();
    for (const [name, path] of PAGES()) {
      await page.goto(path);
      const drawings = page.locator("[data-chart] [data-static-chart]");
      await expect(drawings.first(), `${name}: a static chart`).toBeVisible();
      const count = await drawings.count();
      expect(count, name).toBeGreaterThan(name === "overview" ? 3 : 1);
      for (let i = 0; i < count; i++) {
        const drawing = drawings.nth(i);
        const svg = drawing.locator("svg[role=img]");
        const label = (await svg.getAttribute("aria-label")) ?? "";
        expect(label.length, `${name} #${i}: an accessible name`).toBeGreaterThan(10);
        // Marks with a shape (bars, lines or points) and axis labels.
        const marks = await drawing.locator("[data-series]").evaluateAll((shapes) => shapes.filter((p) => p.tagName === "rect" || (p.getAttribute("d") ?? "").length > 4).length);
        expect(marks, `${name}: ${label} draws its data`).toBeGreaterThan(0);
        expect(await drawing.locator("text").count(), `${name}: ${label} has labels`).toBeGreaterThan(1);
        // Inside its card, at a phone's width too.
        const [box, card] = await Promise.all([svg.boundingBox(), drawing.locator("xpath=ancestor::section[@data-chart]").boundingBox()]);
        expect(box!.x, label).toBeGreaterThanOrEqual(card!.x - 1);
        expect(box!.x + box!.width, label).toBeLessThanOrEqual(card!.x + card!.width + 1);
      }
      await page.screenshot({ path: test.info().outputPath(`${name}-${width}-no-js.png`), fullPage: true });
    }
    await context.close();
  });
}

test("with JavaScript the interactive charts replace the static ones, with as many bars, and answer the pointer", async ({ page, browser }) => {
  // The static drawing's bars, as the server's HTML has them (JavaScript off: nothing replaces it).
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: ADMIN_STATE });
  const html = await plain.newPage();
  await html.goto(`/datasets/${sampleId}`);
  const drawn = await staticBars(html.locator("[data-testid^=histogram-]").first());
  expect(drawn).toBeGreaterThan(3);
  await plain.close();
  await page.goto(`/datasets/${sampleId}`);
  const histogram = page.locator("[data-testid^=histogram-]").first();
  // Every chart becomes interactive, those below the fold too (one per idle period).
  const lazy = page.locator(".lazy-chart");
  const total = await lazy.count();
  expect(total).toBeGreaterThan(3);
  await expect(page.locator(".lazy-chart[data-interactive=ready]")).toHaveCount(total);
  await expect(page.locator("[data-static-chart]")).toHaveCount(0);
  await expect(histogram.locator(".recharts-bar-rectangle")).toHaveCount(drawn);
  await histogram.locator(".recharts-bar-rectangle").nth(Math.floor(drawn / 2)).hover();
  await expect(histogram.locator(".chart-tooltip")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("overview-1440-js.png"), fullPage: true });
  for (const [name, path] of PAGES().slice(1)) {
    await page.goto(path);
    const charts = page.locator(".lazy-chart");
    await expect(charts.first()).toBeVisible();
    await expect(page.locator(".lazy-chart:not([data-interactive=ready])")).toHaveCount(0);
    expect(await charts.count(), name).toBeGreaterThan(0);
    await page.screenshot({ path: test.info().outputPath(`${name}-1440-js.png`), fullPage: true });
  }
});

/** Each chart's number ticks, as drawn along x and y: the static drawing's (data-axis) or Recharts' (its x and y axes' tick labels). */
async function numberTicks(page: Page, which: "static" | "interactive"): Promise<{ x: string[]; y: string[] }[]> {
  return page.locator("[data-chart] .lazy-chart").evaluateAll(
    (charts, which) =>
      charts.map((chart) => {
        const texts = (selector: string) => [...chart.querySelectorAll(selector)].map((t) => t.textContent ?? "");
        return which === "static"
          ? { x: texts("[data-static-chart] text[data-axis=x]"), y: texts("[data-static-chart] text[data-axis=y]") }
          : { x: texts(".recharts-xAxis-tick-labels text"), y: texts(".recharts-yAxis-tick-labels text") };
      }),
    which,
  );
}

test("the interactive charts' number axes have the static drawings' ticks: nothing jumps at the swap", async ({ page, browser }) => {
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: ADMIN_STATE });
  const html = await plain.newPage();
  for (const [name, path] of PAGES()) {
    await html.goto(path);
    const drawn = await numberTicks(html, "static");
    expect(drawn.length, name).toBeGreaterThan(0);
    await page.goto(path);
    await expect(page.locator(".lazy-chart").first()).toBeVisible();
    await expect(page.locator(".lazy-chart:not([data-interactive=ready])")).toHaveCount(0);
    const live = await numberTicks(page, "interactive");
    expect(live.length, name).toBe(drawn.length);
    drawn.forEach((ticks, i) => {
      // Along x, the number ticks of a value or xy axis (a category axis's labels are Recharts' to thin out).
      if (ticks.x.length) expect(live[i]!.x, `${name} chart #${i}: x ticks`).toEqual(ticks.x);
      if (ticks.y.length) expect(live[i]!.y, `${name} chart #${i}: y ticks`).toEqual(ticks.y);
    });
  }
  await plain.close();
});
