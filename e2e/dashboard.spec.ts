import fs from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { SAMPLE } from "../lib/sample";

/**
 * Issue 5's "done when", as a new user would: upload the sample transactions
 * and customers files, read the overview's charts, run RFM and k-means (auto),
 * open a segment, sort and page its customers, reopen the copied address, show
 * the SQL, download the members CSV and the report, and find the figures on
 * screen in them. Screenshots of every screen go to the test output.
 */
test.describe.configure({ mode: "serial" });

const number = (text: string) => Number(text.replace(/[^0-9.-]/g, ""));

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

async function download(page: Page, link: Locator): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  return fs.readFileSync((await file.path())!, "utf8");
}

/** Every chart card on the page has drawn marks (bars, lines, sectors, cells) or table rows, not an empty state. */
async function expectChartsDrawn(page: Page, at_least: number) {
  const cards = page.locator("[data-chart]");
  await expect(cards.first()).toBeVisible();
  const count = await cards.count();
  expect(count).toBeGreaterThanOrEqual(at_least);
  for (let i = 0; i < count; i++) {
    const card = cards.nth(i);
    const id = await card.getAttribute("data-chart");
    await card.scrollIntoViewIfNeeded();
    await expect(card.locator(".chart-empty"), `${id} is empty`).toHaveCount(0);
    const marks = card.locator(".recharts-rectangle, .recharts-curve, .recharts-sector, .recharts-symbols, .recharts-treemap-depth-1, tbody td, svg rect, svg path");
    await expect.poll(async () => marks.count(), { message: `${id} draws nothing` }).toBeGreaterThan(0);
  }
}

let datasetUrl = "";

test("upload the sample transactions and customers files as a new dataset", async ({ page, request }) => {
  const transactions = await (await request.get(`/samples/${SAMPLE.files.transactions}`)).body();
  const customers = await (await request.get(`/samples/${SAMPLE.files.customers}`)).body();

  await page.goto("/upload");
  await page.getByLabel("Choose a file").setInputFiles({ name: SAMPLE.files.transactions, mimeType: "text/csv", buffer: transactions });
  await page.getByLabel("Dataset name").fill("E2E shop");
  await page.getByRole("button", { name: "Upload" }).click();
  const report = page.getByRole("region", { name: /Loaded sample-transactions\.csv/ });
  await expect(report).toBeVisible();
  await report.getByRole("link", { name: "Open the dataset" }).click();
  // The first visit after an upload may compute the overview's queries.
  await expect(page.getByRole("heading", { name: "E2E shop", level: 1 })).toBeVisible();
  datasetUrl = new URL(page.url()).pathname;
  const datasetId = datasetUrl.split("/").pop();

  await page.goto(`/upload?dataset=${datasetId}`);
  await page.getByLabel("Choose a file").setInputFiles({ name: SAMPLE.files.customers, mimeType: "text/csv", buffer: customers });
  await page.getByLabel("An existing dataset").check();
  await page.getByLabel("Dataset", { exact: true }).selectOption({ label: "E2E shop" });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("region", { name: /Loaded sample-customers\.csv/ })).toBeVisible();
});

test("the overview draws every chart with data, demographics included, and its SQL shows", async ({ page }) => {
  await page.goto(datasetUrl);
  await expect(page.getByTestId("demographics")).toBeVisible();
  await expectChartsDrawn(page, 12);
  await shot(page, "overview");
  // Each chart downloads as a PNG image of what is drawn.
  const card = page.locator('[data-chart="sales-over-time"]');
  const [png] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", { name: /as PNG/ }).click()]);
  expect(png.suggestedFilename()).toBe("sales-over-time.png");
  const image = fs.readFileSync((await png.path())!);
  expect(image.subarray(1, 4).toString()).toBe("PNG");
  expect(image.length).toBeGreaterThan(10_000);
  await page.goto(`${datasetUrl}?grain=week`);
  await expect(page.locator('[data-chart="sales-over-time"]')).toBeVisible();
  await shot(page, "overview-weekly");
  const sql = page.locator('[data-chart="sales-over-time"] details.show-sql');
  await sql.locator("summary").click();
  await expect(sql.locator("pre")).toContainText("invoice_totals");
  await expect(sql).toContainText('psql "$DATABASE_URL" -v dataset_id=');
});

let rfmUrl = "";

test("RFM and k-means (k = auto) run from the form, and their pages show segments, charts and insights", async ({ page }) => {
  await page.goto(`${datasetUrl}/segmentations`);
  await shot(page, "segmentations");
  await page.getByRole("button", { name: /^Run/ }).click();
  await page.waitForURL(/\/runs\/\d+$/);
  rfmUrl = new URL(page.url()).pathname;
  await expect(page.getByTestId("segment-cards")).toBeVisible();
  await expect(page.getByTestId("insights")).toContainText("of customers and bring");
  await expectChartsDrawn(page, 2);
  await shot(page, "run-rfm");

  await page.goto(`${datasetUrl}/segmentations?method=kmeans`);
  await page.getByRole("button", { name: /^Run/ }).click();
  await page.waitForURL((url) => /\/runs\/\d+$/.test(url.pathname) && url.pathname !== rfmUrl);
  await expect(page.getByTestId("segment-cards")).toBeVisible();
  await expectChartsDrawn(page, 3);
  await shot(page, "run-kmeans");
});

test("a segment's page: sort and page its customers, reopen the copied address, show SQL, and find the screen's figures in the CSV and the report", async ({ page, context }) => {
  await page.goto(rfmUrl);
  const card = page.getByTestId("segment-cards").locator("[data-segment]").first();
  const segment = (await card.getAttribute("data-segment"))!;
  const cardCustomers = number(await card.locator('[data-figure="customers"]').innerText());
  const insight = page.locator(`[data-insight-group="${segment}"] li`).first();
  const bullet = (await insight.innerText()).replace(/\s*\(segment-profile\.sql\)$/, "");

  await card.getByRole("link", { name: segment }).first().click();
  // The first visit to a run's segments may compute every segment's figures (the page says so while it does).
  await expect(page.getByTestId("segment-name")).toContainText(segment);
  expect(number(await page.getByTestId("segment-customers").innerText())).toBe(cardCustomers);
  await expectChartsDrawn(page, 3);

  // Sort by spend, largest first, then go to page 2.
  const table = page.getByTestId("customers-table");
  await table.getByRole("link", { name: /^Revenue/ }).first().click();
  await expect(table).toHaveAttribute("data-sort", "monetary");
  if ((await table.getAttribute("data-dir")) !== "desc") await table.getByRole("link", { name: /^Revenue/ }).first().click();
  await expect(table).toHaveAttribute("data-dir", "desc");
  await page.getByRole("navigation", { name: "Pages of customers" }).getByRole("link", { name: /Next/ }).click();
  await expect(page.getByTestId("customers-page")).toContainText("Page 2");
  await expect(page).toHaveURL(/sort=monetary/);
  await expect(page).toHaveURL(/page=2/);
  const rows = table.locator("tbody tr");
  const firstId = await rows.first().getAttribute("data-customer-id");
  const spends = await table.locator('tbody td[data-col="monetary"]').allInnerTexts();
  expect(spends.map(number)).toEqual([...spends.map(number)].sort((a, b) => b - a));
  await shot(page, "segment");

  // The copied address reopens the same view.
  const copied = page.url();
  const other = await context.newPage();
  await other.goto(copied);
  const reopened = other.getByTestId("customers-table");
  await expect(reopened).toHaveAttribute("data-sort", "monetary");
  await expect(reopened).toHaveAttribute("data-dir", "desc");
  await expect(other.getByTestId("customers-page")).toContainText("Page 2");
  await expect(reopened.locator("tbody tr").first()).toHaveAttribute("data-customer-id", firstId!);
  await other.close();

  // Show SQL.
  const sql = page.locator("details.show-sql").first();
  await sql.locator("summary").click();
  await expect(sql.locator("pre")).toBeVisible();
  await expect(sql).toContainText("-v run_id=");

  // The members CSV has the segment's customers, with the spend shown on screen.
  const csv = await download(page, page.getByTestId("segment-csv"));
  const [header, ...lines] = csv.trimEnd().split("\n");
  expect(lines).toHaveLength(cardCustomers);
  const columns = header!.split(",");
  const row = lines.map((l) => l.split(",")).find((cells) => cells[columns.indexOf("customer_id")] === firstId)!;
  expect(row, `customer ${firstId} is in the CSV`).toBeTruthy();
  expect(number(row[columns.indexOf("monetary")]!)).toBe(spends.map(number)[0]);

  // The report carries the same insight as the run page.
  await page.goto(rfmUrl);
  const report = await download(page, page.getByTestId("insights").getByRole("link", { name: "Download report" }));
  expect(report).toContain(bullet);
  expect(report).toContain(`| ${segment} | ${cardCustomers.toLocaleString("en-GB")} |`);
  expect(report).toContain("lib/queries/sql/segment-profile.sql");
});

test("the screens read on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, url] of [
    ["phone-overview", datasetUrl],
    ["phone-segmentations", `${datasetUrl}/segmentations`],
    ["phone-run", rfmUrl],
    ["phone-segment", `${rfmUrl}/segments/0`],
    ["phone-customers", `${rfmUrl}/customers`],
  ] as const) {
    await page.goto(url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(1);
    await shot(page, name);
  }
});
