import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";

/**
 * Issue 17, items 16-18, as a first-time analyst met them on the sample in Chromium at 1440×900 and 390×844:
 * the segment page's tabs and its "Segment n of N", the customers table's columns and its segment filter,
 * the charts' axis labels (readable, with their spaces in the page's text), the Revoke button in Settings,
 * the run page's buttons, the title in a chart's PNG. Every wait is for something the page promises.
 */

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

interface Run {
  id: number;
  datasetId: number;
  segments: { no: number; name: string; customers: number }[];
}
let run: Run;

async function sampleRun(request: APIRequestContext): Promise<Run> {
  const { datasets } = await (await request.get("/api/datasets")).json();
  const sample = datasets.find((d: { isSample: boolean }) => d.isSample);
  const body = await (await request.post(`/api/datasets/${sample.id}/segmentations`, { data: { method: "rfm" } })).json();
  return { id: body.id, datasetId: sample.id, segments: body.segments };
}

/** A page's width fits the viewport: nothing reaches past it (the layout has settled at the new size). */
async function fitsWidth(page: Page, width: number) {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/** The box of an element, which must be drawn. */
async function box(locator: Locator) {
  const b = await locator.boundingBox();
  expect(b, "the element is drawn").not.toBeNull();
  return b!;
}

test.beforeAll(async ({ request }) => {
  run = await sampleRun(request);
});

test("the segment page's tabs are the run's segments, as many as its 'Segment n of N' says, at both widths", async ({ page }) => {
  const segment = run.segments.find((s) => s.customers > 0)!;
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.goto(`/runs/${run.id}/segments/${segment.no}`);
    await expect(page.getByTestId("segment-name")).toHaveText(segment.name);
    const tabs = page.getByRole("navigation", { name: "Segments of this run" }).getByRole("link");
    await expect(page.locator(".lead").first()).toContainText(`of ${run.segments.length} in run ${run.id}`);
    await expect(tabs).toHaveCount(run.segments.length);
    // Every tab is in view, none behind a horizontal scroll.
    for (const tab of await tabs.all()) {
      const b = await box(tab);
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(size.width);
    }
    await fitsWidth(page, size.width);
    await shot(page, `segment-${size.width}`);
  }
  // The run page counts the same segments: those with customers, of the same total (the sample's RFM run leaves one
  // empty; it said "in 11 segments" above tabs and a "Segment n of 12").
  const filled = run.segments.filter((s) => s.customers > 0).length;
  await page.goto(`/runs/${run.id}`);
  await expect(page.locator(".lead").first()).toContainText(
    filled === run.segments.length ? `in ${run.segments.length} segments` : `in ${filled} of its ${run.segments.length} segments`,
  );
});

test("the customers table shows its columns at 1440 without a horizontal scroll", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`/runs/${run.id}/customers`);
  const table = page.getByTestId("customers-table");
  const scroller = table.locator(".ct-scroll");
  await expect(table.getByRole("columnheader", { name: /CLV/ })).toBeVisible();
  const area = await box(scroller);
  for (const name of [/Avg order value/, /P\(alive\)/, /CLV/]) {
    const b = await box(table.getByRole("columnheader", { name }));
    expect(b.x + b.width, `${name} is inside the table's visible area`).toBeLessThanOrEqual(area.x + area.width + 0.5);
  }
  expect(await scroller.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
  await shot(page, "customers-1440");
  await page.setViewportSize(PHONE);
  await fitsWidth(page, PHONE.width);
  await shot(page, "customers-390");
});

test("the customers table's Segment filter applies as soon as a segment is chosen, without Apply", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`/runs/${run.id}/customers`);
  const table = page.getByTestId("customers-table");
  await expect(table).toHaveAttribute("data-total", String(run.segments.reduce((n, s) => n + s.customers, 0)));
  await expect(table).toHaveAttribute("data-hydrated", "true");
  const segment = run.segments.filter((s) => s.customers > 0).at(-1)!;
  await table.getByRole("search", { name: "Filter customers" }).locator("select[name=segment]").selectOption(String(segment.no));
  await expect(page).toHaveURL(new RegExp(`[?&]segment=${segment.no}(&|$)`));
  await expect(table).toHaveAttribute("data-total", String(segment.customers));
  await expect(table.locator("tbody tr td[data-col=segment]").first()).toHaveText(segment.name);
});

test("the segment page's customers table shows its columns at 1440 without a horizontal scroll", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  const segment = run.segments.find((s) => s.customers > 0)!;
  await page.goto(`/runs/${run.id}/segments/${segment.no}`);
  const scroller = page.getByTestId("customers-table").locator(".ct-scroll");
  await expect(page.getByTestId("customers-table").getByRole("columnheader", { name: /CLV/ })).toBeAttached();
  expect(await scroller.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
});

test("axis labels: whole names on hover and in the page's text, spaces kept (country and product bars)", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  const segment = [...run.segments].filter((s) => s.customers > 0).sort((a, b) => b.customers - a.customers)[0]!;
  await page.goto(`/runs/${run.id}/segments/${segment.no}`);
  const countries = page.getByTestId("share-bars-countries");
  await expect(countries.locator(".recharts-yAxis-tick-labels")).toBeVisible();
  const countryText = (await countries.locator(".recharts-yAxis-tick-labels text").allTextContents()).join("|");
  expect(countryText).toContain("United Kingdom");
  expect(countryText).not.toContain("UnitedKingdom");
  // Each product's tick carries its whole name (a tooltip), and its text is the name with its spaces, or a cut of it.
  const products = page.getByTestId("share-bars-products");
  const ticks = products.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-label");
  await expect(ticks.first()).toBeVisible();
  const chart = await box(products.locator(".recharts-wrapper > svg.recharts-surface"));
  for (const tick of await ticks.all()) {
    const full = (await tick.locator("title").textContent())!;
    expect(full.length).toBeGreaterThan(0);
    const shown = (await tick.locator("text").textContent())!;
    expect(full.startsWith(shown.replace(/…$/, "").trimEnd())).toBe(true);
    // Drawn inside the chart: no line runs past its left edge ("D ENAMEL PHOTO FRAME").
    expect((await box(tick.locator("text"))).x, shown).toBeGreaterThanOrEqual(chart.x - 0.5);
  }
  await shot(page, "segment-products-1440");
});

test("the Revoke button is inside the window in Settings, at both widths", async ({ page, request }) => {
  const created = await request.post("/api/shares", { data: { datasetId: run.datasetId, segmentationId: run.id, view: { page: "run", compare: null } } });
  expect(created.status()).toBe(201);
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.goto("/settings");
    const revoke = page.getByTestId("revoke-share").first();
    await expect(revoke).toBeVisible();
    const b = await box(revoke);
    const scroller = await box(page.locator("section[aria-labelledby=shares-title] .table-scroll"));
    expect(b.x + b.width, "Revoke ends inside the table's visible area").toBeLessThanOrEqual(Math.min(size.width, scroller.x + scroller.width) + 0.5);
    expect(b.x).toBeGreaterThanOrEqual(scroller.x - 0.5);
    await shot(page, `settings-${size.width}`);
  }
});

test("the run page's buttons stay on one row at 1440", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`/runs/${run.id}`);
  // Share, Customers table, All members CSV, New segmentation (the share dialog is closed: not drawn).
  const actions = page.locator(".page-head > .card-actions").first().locator(":scope > :visible");
  await expect(actions).toHaveCount(4);
  const tops = await actions.evaluateAll((all) => all.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(tops).size, `tops ${tops.join(", ")}`).toBe(1);
  await shot(page, "run-1440");
  await page.setViewportSize(PHONE);
  await fitsWidth(page, PHONE.width);
  await shot(page, "run-390");
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer) {
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test("a chart's PNG carries its title above the chart", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`/runs/${run.id}`);
  const card = page.locator("section.chart-card").filter({ has: page.locator(".recharts-surface") }).first();
  await expect(card).toBeVisible();
  const title = (await card.locator("h2").textContent())!;
  const chart = await box(card.locator(".chart-body"));
  const heading = await box(card.locator("h2"));
  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", { name: `Download “${title}” as PNG` }).click()]);
  const png = pngSize(await (await download.createReadStream()).toArray().then((parts) => Buffer.concat(parts)));
  // Drawn at twice the pixels: the chart's height and the title's above it.
  expect(png.height / 2).toBeGreaterThanOrEqual(chart.height + heading.height);
  // The exported node holds the title's text.
  await expect(card.locator("[data-png-title]")).toHaveText(title);
});

/** The fields of one CSV line (quoted fields with commas and doubled quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") out.push(field), (field = "");
    else field += ch;
  }
  out.push(field);
  return out;
}

test("the sample's cohort chart says why its late cohorts read 0%: their customers never ordered again (the CSV says so too)", async ({ page }) => {
  // From the downloaded sample: each customer's order months; the latest cohorts in which nobody ordered in a second month.
  const csv = await (await page.request.get("/samples/sample-transactions.csv")).text();
  const [header, ...lines] = csv.trim().split("\n");
  const names = csvFields(header!);
  const at = (re: RegExp) => names.findIndex((n) => re.test(n));
  const [invoice, date, customer] = [at(/invoice/i), at(/date/i), at(/customer/i)];
  const months = new Map<string, Set<string>>();
  for (const line of lines) {
    const f = csvFields(line);
    if (!f[customer] || f[invoice]!.startsWith("C")) continue;
    const set = months.get(f[customer]!) ?? new Set<string>();
    set.add(f[date]!.slice(0, 7));
    months.set(f[customer]!, set);
  }
  const cohorts = new Map<string, boolean>(); // cohort month → someone came back
  for (const set of months.values()) {
    const first = [...set].sort()[0]!;
    cohorts.set(first, (cohorts.get(first) ?? false) || set.size > 1);
  }
  const ordered = [...cohorts.entries()].sort(([a], [b]) => a.localeCompare(b));
  let start = ordered.length;
  while (start > 0 && !ordered[start - 1]![1]) start--;
  const from = ordered[start]![0];

  const { datasets } = await (await page.request.get("/api/datasets")).json();
  const sample = datasets.find((d: { isSample: boolean }) => d.isSample);
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.goto(`/datasets/${sample.id}`);
    const note = page.getByTestId("cohort-no-return");
    await expect(note).toHaveAttribute("data-from", `${from}-01`);
    await expect(note).toContainText("the sample was generated");
    await fitsWidth(page, size.width);
    await page.locator("#cohort-retention").screenshot({ path: test.info().outputPath(`cohorts-${size.width}.png`) });
  }
});

test("the country chart says it shows each country when the dataset has no more than 15 (the sample's CSV has 11)", async ({ page }) => {
  const csv = await (await page.request.get("/samples/sample-transactions.csv")).text();
  const [header, ...lines] = csv.trim().split("\n");
  const country = csvFields(header!).findIndex((n) => /country/i.test(n));
  const countries = new Set(lines.map((line) => csvFields(line)[country]));
  expect(countries.size).toBeLessThanOrEqual(15);
  const { datasets } = await (await page.request.get("/api/datasets")).json();
  const sample = datasets.find((d: { isSample: boolean }) => d.isSample);
  await page.goto(`/datasets/${sample.id}`);
  // It said "the 15 countries with the most revenue, then all others together" over 11 bars.
  await expect(page.locator("#countries")).toContainText(`each of its ${countries.size} countries, by revenue`);
});
