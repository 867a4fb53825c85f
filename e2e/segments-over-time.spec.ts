import { expect, test, type Page } from "@playwright/test";
import { SAMPLE } from "../lib/sample";
import { ADMIN_STATE } from "./accounts";

/**
 * Issue 16, segments over time, as an analyst walks it: the sample dataset, an RFM run at the end of the
 * data, "Run again at another date" at the date the page suggests (three quarters into the data), the
 * moves page (migration matrix and flows, at desktop and on a phone), and a cell of the matrix opening
 * the customers behind it, each in the right segment of both runs.
 */
test.describe.configure({ mode: "serial" });

const number = (text: string) => Number(text.replace(/[^0-9.-]/g, ""));
async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

let laterRun = "";
let movesUrl = "";

test("run RFM on the sample, then run it again at the suggested calibration date: the moves page opens", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("article", { name: SAMPLE.name }).getByRole("link", { name: SAMPLE.name }).first().click();
  await expect(page.getByRole("heading", { name: SAMPLE.name, level: 1 })).toBeVisible();
  await page.goto(`${new URL(page.url()).pathname}/segmentations`);
  await page.getByRole("button", { name: /^Run/ }).click();
  await page.waitForURL(/\/runs\/\d+$/);
  laterRun = new URL(page.url()).pathname.split("/").pop()!;

  const section = page.getByTestId("over-time");
  await section.scrollIntoViewIfNeeded();
  await expect(section.getByRole("heading", { name: "Segments over time" })).toBeVisible();
  // The sample runs from January 2023 to December 2024: three quarters in is in 2024, before the last invoice.
  const date = section.getByLabel("Analysis date of the new run");
  const suggested = await date.inputValue();
  expect(suggested).toMatch(/^2024-0[6-9]-\d\d$/);
  await section.screenshot({ path: test.info().outputPath("run-over-time.png") });
  await section.getByTestId("rerun").click();
  await page.waitForURL(/\/runs\/\d+\/moves\?to=\d+$/);
  movesUrl = new URL(page.url()).pathname + new URL(page.url()).search;
  // The earlier run (the new one) names the page; the later one is ?to=.
  expect(new URL(page.url()).searchParams.get("to")).toBe(laterRun);
  expect(movesUrl).not.toContain(`/runs/${laterRun}/`);
});

test("the moves page: the matrix's totals are both runs' segment sizes, New its own row, and the flows are drawn", async ({ page }) => {
  await page.goto(movesUrl);
  await expect(page.getByRole("heading", { name: "Segments over time", level: 1 })).toBeVisible();
  const matrix = page.getByTestId("migration-matrix");
  await expect(matrix).toBeVisible();
  await expect(matrix.locator('tr[data-row="New"] th')).toContainText("not in the earlier run");

  // Row totals add up to the earlier run's customers plus the New ones; column totals to the later run's.
  const rowTotals = (await matrix.locator("[data-row-total]").evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-row-total"))))) as number[];
  const columnTotals = (await matrix.locator("[data-column-total]").evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-column-total"))))) as number[];
  const earlier = number(await page.locator('[data-figure="earlier"]').innerText());
  const later = number(await page.locator('[data-figure="later"]').innerText());
  const added = number(await page.locator('[data-figure="new"]').innerText());
  expect(added).toBeGreaterThan(0);
  expect(rowTotals.reduce((s, n) => s + n, 0)).toBe(later);
  expect(rowTotals.at(-1)).toBe(added);
  expect(rowTotals.slice(0, -1).reduce((s, n) => s + n, 0)).toBe(earlier);
  expect(columnTotals.reduce((s, n) => s + n, 0)).toBe(later);

  // The API says the same: the later run's size, and the moves' flows.
  const sizes = await page.request.get(`/api/segmentations/${laterRun}`);
  expect((await sizes.json()).customers).toBe(later);
  const earlierRun = movesUrl.split("/")[2];
  const api = await (await page.request.get(`/api/segmentations/${earlierRun}/moves/${laterRun}`)).json();
  const flows = api.flows as { fromNo: number | null; customers: number }[];
  expect(flows.reduce((s, f) => s + f.customers, 0)).toBe(later);
  expect(flows.filter((f) => f.fromNo === null).reduce((s, f) => s + f.customers, 0)).toBe(added);

  const chart = page.locator('[data-chart="migration-flows"]');
  await chart.scrollIntoViewIfNeeded();
  await expect.poll(() => chart.locator("path.migration-band").count()).toBeGreaterThan(5);
  await expect(chart.locator('[data-node="from:New"]')).toBeVisible();
  await chart.getByRole("button", { name: /^Revenue since/ }).click();
  await expect(page).toHaveURL(/by=revenue/);
  await expect.poll(() => chart.locator("path.migration-band").count()).toBeGreaterThan(0);
  await shot(page, "moves-desktop");
  await expect(page.getByTestId("came-back")).toContainText("At Risk");
  // Amounts in the dataset's currency (the sample's, guessed: GBP), as on every other page.
  await expect(page.locator('[data-figure="revenue-since"]')).toHaveText(/^£[\d,]+\.\d\d$/);
  await expect(page.getByTestId("came-back").locator("tbody tr").first().locator("td").nth(3)).toHaveText(/^£[\d,]+\.\d\d$/);
});

test("on a phone the moves page and the run page's section fit 390 px: the matrix scrolls inside its card", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: ADMIN_STATE });
  const page = await context.newPage();
  await page.goto(movesUrl);
  await expect(page.getByTestId("migration-matrix")).toBeVisible();
  await expect.poll(() => page.locator("path.migration-band").count()).toBeGreaterThan(5);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const scroller = page.locator(".migration-scroll");
  expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await page.screenshot({ path: test.info().outputPath("moves-phone.png"), fullPage: true });
  // The run page's "Segments over time" section too.
  await page.goto(`/runs/${laterRun}`);
  await page.getByTestId("over-time").scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByTestId("over-time").screenshot({ path: test.info().outputPath("run-over-time-phone.png") });
  await context.close();
});

test("a cell of the matrix opens the customers who made that move, in both runs' segments", async ({ page }) => {
  await page.goto(movesUrl);
  const matrix = page.getByTestId("migration-matrix");
  // The biggest move between two different segments.
  const cells = await matrix.locator("td.migration-cell").evaluateAll((tds) =>
    tds.map((td) => ({ key: td.getAttribute("data-cell")!, n: Number(td.getAttribute("data-customers")) })),
  );
  const moved = cells.filter((c) => !c.key.startsWith("New|") && c.key.split("|")[0] !== c.key.split("|")[1]).sort((a, b) => b.n - a.n)[0]!;
  const [from, to] = moved.key.split("|") as [string, string];
  await matrix.locator(`td[data-cell="${moved.key}"] a`).click();

  await expect(page).toHaveURL(new RegExp(`/runs/${laterRun}/customers\\?.*other_run=\\d+.*other_segment=\\d+`));
  const table = page.getByTestId("customers-table");
  await expect(table).toHaveAttribute("data-total", String(moved.n));
  await expect(page.getByTestId("flow-filter")).toContainText(`were in “${from}” in run`);
  const segments = await table.locator('tbody td[data-col="segment"]').allInnerTexts();
  expect(segments.length).toBe(Math.min(moved.n, 50));
  expect(new Set(segments)).toEqual(new Set([to]));
  await shot(page, "flow-customers");

  // One of them: its history lists both runs, in those segments.
  const earlierRun = new URL(page.url()).searchParams.get("other_run")!;
  await table.locator("tbody tr").first().locator('td[data-col="customer_id"] a').click();
  const history = page.getByTestId("customer-segments");
  await expect(history.locator(`tr[data-run="${earlierRun}"]`)).toHaveAttribute("data-segment", from);
  await expect(history.locator(`tr[data-run="${laterRun}"]`)).toHaveAttribute("data-segment", to);

  // Back on the moves page, a band of the flows opens its customers too.
  await page.goto(movesUrl);
  const flows = page.locator('[data-chart="migration-flows"]');
  await flows.scrollIntoViewIfNeeded();
  await flows.locator("path.migration-band").first().click({ force: true });
  await expect(page).toHaveURL(/\/customers\?.*other_run=/);
  await expect(page.getByTestId("customers-table")).toBeVisible();
});
