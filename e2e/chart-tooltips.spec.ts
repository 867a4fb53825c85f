import { expect, test, type Locator, type Page } from "@playwright/test";
import { ADMIN_STATE } from "./accounts";

/**
 * A chart's tooltip is read whole: at a phone's width as on a desktop, the
 * hovered datum's tooltip lies inside the screen and, across, inside the
 * chart's card (it was cut at the screen's right edge at 390 px: the country
 * chart's "£2,622,48…"). Every interactive chart of the overview, a run, a
 * segment and the moves between two runs is hovered on its first and its last
 * datum.
 */
let sampleId = 0;
let runId = 0;
let earlierId = 0;

test.beforeAll(async ({ request }) => {
  const { datasets } = await (await request.get("/api/datasets")).json();
  sampleId = datasets.find((d: { isSample: boolean }) => d.isSample).id;
  const run = async (data: object) => {
    const response = await request.post(`/api/datasets/${sampleId}/segmentations`, { data });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()).id as number;
  };
  runId = await run({ method: "rfm" });
  // The sample runs from January 2023 to December 2024: the moves from mid-2024 to its end.
  earlierId = await run({ method: "rfm", analysisDate: "2024-06-30" });
});

const PAGES = () => [
  ["overview", `/datasets/${sampleId}`],
  ["run", `/runs/${runId}`],
  ["segment", `/runs/${runId}/segments/0`],
  ["moves", `/runs/${earlierId}/moves?to=${runId}`],
] as const;

/** What a pointer can hover in a Recharts chart: bars, line dots, treemap tiles, a Sankey's bands and bars. */
const MARKS = ".recharts-bar-rectangle, .recharts-line-dots circle, .recharts-treemap-depth-1 > g, .migration-band, .migration-node rect";

type Box = { x: number; y: number; width: number; height: number };

/** The visible tooltip's box once it has stopped moving (Recharts measures it, then slides it into place). */
async function settledTip(chart: Locator): Promise<{ box: Box; text: string }> {
  const tip = chart.locator(".recharts-tooltip-wrapper").filter({ visible: true });
  await expect(tip).toHaveCount(1);
  let last = "";
  let box: Box | null = null;
  await expect
    .poll(async () => {
      box = await tip.boundingBox();
      const now = JSON.stringify(box);
      const same = now === last && box !== null && box.width > 0;
      last = now;
      return same;
    }, { intervals: [100] })
    .toBe(true);
  // Figures are never cut inside the box either: no block in it is wider than its own box.
  const clipped = await tip.evaluate((t) =>
    [t, ...t.querySelectorAll("*")].filter((e) => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent ?? ""),
  );
  const text = (await tip.textContent()) ?? "";
  expect(clipped, `text overflowing its box in the tooltip "${text}"`).toEqual([]);
  return { box: box!, text };
}

async function ready(page: Page) {
  await expect(page.locator(".lazy-chart").first()).toBeVisible();
  await expect(page.locator(".lazy-chart:not([data-interactive=ready])")).toHaveCount(0);
  await expect(page.locator("[data-preparing]")).toHaveCount(0);
}

for (const [width, height] of [
  [390, 844],
  [1440, 900],
] as const) {
  test(`every chart's tooltip lies inside the screen and its card at ${width} px`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: ADMIN_STATE, viewport: { width, height } });
    const page = await context.newPage();
    const escaped: string[] = [];
    let hovered = 0;
    const perPage: string[] = [];
    for (const [name, path] of PAGES()) {
      await page.goto(path);
      await ready(page);
      const charts = page.locator("[data-chart] .lazy-chart").filter({ has: page.locator(".recharts-wrapper") });
      const count = await charts.count();
      expect(count, name).toBeGreaterThan(0);
      const before = hovered;
      for (let i = 0; i < count; i++) {
        const chart = charts.nth(i);
        const card = chart.locator("xpath=ancestor::section[@data-chart]");
        const id = await card.getAttribute("data-chart");
        const marks = chart.locator(MARKS);
        // Marks a pointer can land on (a zero share draws a bar of no width).
        const sized = await marks.evaluateAll((all) => all.flatMap((e, i) => (e.getBoundingClientRect().width >= 2 && e.getBoundingClientRect().height >= 2 ? [i] : [])));
        if (!sized.length) continue;
        for (const m of new Set([sized[0]!, sized.at(-1)!])) {
          const mark = marks.nth(m);
          // The datum mid-screen: whatever is drawn near it is on the screen too.
          await mark.evaluate((e) => e.scrollIntoView({ block: "center", inline: "center" }));
          await page.mouse.move(0, 0);
          const at = (await mark.boundingBox())!;
          await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2, { steps: 2 });
          const { box, text } = await settledTip(chart);
          const cardBox = (await card.boundingBox())!;
          hovered++;
          const where = `${name} ${id} #${m} (${text.slice(0, 40)}…): tooltip x ${box.x.toFixed(0)}–${(box.x + box.width).toFixed(0)}, y ${box.y.toFixed(0)}–${(box.y + box.height).toFixed(0)}; card x ${cardBox.x.toFixed(0)}–${(cardBox.x + cardBox.width).toFixed(0)}; viewport ${width}×${height}`;
          const inside =
            box.x >= -0.5 &&
            box.y >= -0.5 &&
            box.x + box.width <= width + 0.5 &&
            box.y + box.height <= height + 0.5 &&
            box.x >= cardBox.x - 0.5 &&
            box.x + box.width <= cardBox.x + cardBox.width + 0.5;
          if (!inside) {
            escaped.push(where);
            await page.screenshot({ path: test.info().outputPath(`${name}-${width}-${id}-${m}.png`) });
          }
        }
      }
      expect(hovered, `${name}: tooltips hovered`).toBeGreaterThan(before);
      perPage.push(`${name} ${hovered - before}`);
    }
    test.info().annotations.push({ type: "tooltips hovered", description: perPage.join(", ") });
    console.log(`tooltips hovered at ${width} px: ${perPage.join(", ")}; outside: ${escaped.length}`);
    expect(escaped, `tooltips outside the screen or their card at ${width} px`).toEqual([]);
    await context.close();
  });
}
