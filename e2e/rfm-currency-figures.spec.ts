import { expect, test, type Page } from "@playwright/test";
import { SAMPLE } from "../lib/sample";

/**
 * Issue 17, items 12 to 15, as a first-time analyst meets them on the sample: the headline figures before and
 * after cleaning side by side, the dataset's currency (guessed, changed, shown with every amount), the RFM
 * form's two rule presets and its warnings while rules are edited, insight bullets without a file name each,
 * and no "0 …" sentences on a dataset with nothing left after cleaning. Screenshots at 1440×900 and 390×844.
 */
let datasetUrl = "";

/** The sample dataset's page address, from the home page (each test finds it, so each can run, and fail, on its own). */
async function sampleUrl(page: Page): Promise<string> {
  if (!datasetUrl) {
    await page.goto("/");
    await page.getByRole("article", { name: SAMPLE.name }).getByRole("link", { name: SAMPLE.name }).click();
    await expect(page.getByRole("heading", { name: SAMPLE.name, level: 1 })).toBeVisible();
    datasetUrl = new URL(page.url()).pathname;
  }
  return datasetUrl;
}

/** The whole page, and the part this spec is about (`part`), at 1440×900 and 390×844. */
async function shots(page: Page, url: string, name: string, part: string) {
  for (const [size, viewport] of [["desktop", { width: 1440, height: 900 }], ["phone", { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(viewport);
    await page.goto(url);
    await expect(page.locator("h1")).toBeVisible();
    await page.screenshot({ path: test.info().outputPath(`${name}-${size}.png`), fullPage: true });
    await page.locator(part).first().screenshot({ path: test.info().outputPath(`${name}-${size}-part.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test("the dataset page shows customers and revenue in the file and after cleaning, labelled, in the guessed currency", async ({ page }) => {
  await page.goto(await sampleUrl(page));
  const figures = page.locator("dl.figures");
  await expect(figures.getByText("Customers in the file")).toBeVisible();
  await expect(figures.locator('[data-figure="customers-kept"]')).toContainText(/^[\d,]+ after cleaning/);
  await expect(figures.locator('[data-figure="revenue-kept"]')).toContainText(/^£[\d,]+\.\d\d after cleaning/);
  // The sample sells mostly in the United Kingdom: GBP, said to be a guess.
  await expect(figures.getByText("Revenue (GBP) in the file")).toBeVisible();
  await expect(figures.locator('[data-figure="revenue"]')).toHaveText(/^£[\d,]+\.\d\d$/);
  await expect(page.getByTestId("currency")).toContainText("GBP (guessed from the countries)");
  const sentence = page.getByTestId("figures-cleaning");
  await expect(sentence).toContainText("Customers and revenue are counted in the file as loaded and after the default cleaning, as segmentation runs count them");
  await expect(sentence.getByRole("link", { name: "the cleaning report" })).toHaveAttribute("href", "#cleaning-title");
  // The customers file is named with its count, never as "0 customers in a customers file".
  await expect(page.getByText(`${SAMPLE.customers.toLocaleString("en-GB")} customers in the customers file`)).toBeVisible();
  await expect(page.locator('[data-chart="top-products"]')).toContainText(/The \d+ products with the most revenue: units sold, distinct customers and revenue \(GBP/);
  await shots(page, datasetUrl, "dataset", 'section[aria-labelledby="figures-title"]');
});

test("the analyst changes the currency: every amount on the page follows, and back to the guess", async ({ page }) => {
  await page.goto(await sampleUrl(page));
  const select = page.getByLabel("Currency", { exact: true });
  await select.selectOption("EUR");
  await expect(page.locator('dl.figures [data-figure="revenue"]')).toHaveText(/^€[\d,]+\.\d\d$/);
  await expect(page.getByTestId("currency")).toContainText("Amounts in EUR.");
  await page.reload();
  await expect(page.getByLabel("Currency", { exact: true })).toHaveValue("EUR");
  await page.getByLabel("Currency", { exact: true }).selectOption("");
  await expect(page.locator('dl.figures [data-figure="revenue"]')).toHaveText(/^£/);
});

test("the RFM form offers both rule tables and warns while the analyst edits", async ({ page }) => {
  await page.goto(`${await sampleUrl(page)}/segmentations`);
  const presets = page.getByRole("group", { name: "Start from a preset" });
  await expect(presets.getByRole("button", { name: "Standard (every score combination in one segment)" })).toBeVisible();
  await expect(presets.getByRole("button", { name: "R rfm (package default)" })).toBeVisible();
  const warnings = page.getByTestId("rule-warnings");
  await expect(warnings).toContainText("Every one of the 125 score combinations has a segment, and every rule matches some.");
  await expect(page.getByTestId("rule-table").locator("tbody tr")).toHaveCount(11);

  await presets.getByRole("button", { name: "R rfm (package default)" }).click();
  await expect(page.getByTestId("rule-table").locator("tbody tr")).toHaveCount(10);
  await expect(warnings.locator('[data-warning="shadowed"]')).toContainText("New Customers (taken by Potential Loyalist); Promising (taken by Potential Loyalist); Can't Lose Them (taken by At Risk)");
  await expect(warnings.locator('[data-warning="uncovered"]')).toContainText("36 of the 125 score combinations match no rule");
  await page.locator("fieldset.rule-table").screenshot({ path: test.info().outputPath("form-rfm-package-desktop-part.png") });

  // Back to the standard table, then edits: Champions widened to R 1–5 (F 4–5) covers all of Can't Lose Them (R 1–2, F 5), which
  // comes later; Lost narrowed to F 1 leaves R 1, F 2 (five M scores) to no rule.
  await presets.getByRole("button", { name: "Standard (every score combination in one segment)" }).click();
  await page.getByLabel("Champions: recency from").fill("1");
  await expect(warnings.locator('[data-warning="shadowed"]')).toContainText("Can't Lose Them (taken by Champions)");
  await expect(page.locator('tr[data-rule="Can\'t Lose Them"]')).toHaveAttribute("data-shadowed", "true");
  await page.getByLabel("Champions: recency from").fill("5");
  await page.getByLabel("Lost: frequency to").fill("1");
  await expect(warnings.locator('[data-warning="uncovered"]')).toContainText("5 of the 125 score combinations match no rule");
  await expect(warnings.locator('[data-warning="uncovered"]')).toContainText("R 1 F 2 M 1");
  await presets.getByRole("button", { name: "Standard (every score combination in one segment)" }).click();
  await shots(page, `${datasetUrl}/segmentations`, "form", "fieldset.rule-table");
});

test("a default RFM run: no Others, insights in the currency without a file name per bullet", async ({ page }) => {
  await page.goto(`${await sampleUrl(page)}/segmentations`);
  await page.getByTestId("run-segmentation").click();
  await page.waitForURL(/\/runs\/\d+$/);
  const runUrl = new URL(page.url()).pathname;
  const insights = page.getByTestId("insights");
  await expect(insights).toContainText("of customers and bring");
  await expect(insights.locator("li").first()).toContainText(/worth £[\d,]+\.\d\d/);
  expect(await insights.locator("li").allInnerTexts()).not.toContainEqual(expect.stringMatching(/\.sql\)\s*$/));
  await expect(insights.getByText(/^Show SQL: segment-profile\.sql/)).toHaveCount(1);
  await expect(page.getByTestId("segment-cards").locator('[data-segment="Others"]')).toHaveCount(0);
  // The run page's other amounts carry the currency too: the cards' average order, the RFM grid's cells (whole pounds).
  await expect(page.getByTestId("segment-cards").locator('[data-figure="average-order-value"]').first()).toHaveText(/^£[\d,]+\.\d\d$/);
  await expect(page.locator(".cell-value").first()).toHaveText(/^£[\d,]+$/);
  await shots(page, runUrl, "run", ".page-head");
  await page.getByTestId("insights").screenshot({ path: test.info().outputPath("run-desktop-insights.png") });

  const report = await (await page.request.get(`${runUrl}/report.md`)).text();
  expect(report).toContain("- Currency: GBP");
  expect(report).not.toMatch(/\.sql\)_/);
});

test("a file whose every line is cleaned away: no '0 customers in a customers file', no 'The 0 products'", async ({ page }) => {
  await page.goto("/upload");
  const csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\nC1,A1,Thing,-2,2024-01-02 10:00,3.5,17,Germany\nC2,A2,Other,-1,2024-01-03 10:00,4,18,Germany\n";
  await page.getByLabel("Choose a file").setInputFiles({ name: "cancelled.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByLabel("Dataset name").fill("Only cancellations");
  await page.getByRole("button", { name: "Upload" }).click();
  const report = page.getByRole("region", { name: /Loaded cancelled\.csv/ });
  await expect(report).toBeVisible({ timeout: 60_000 });
  await report.getByRole("link", { name: "Open the dataset" }).click();
  await expect(page.getByRole("heading", { name: "Only cancellations", level: 1 })).toBeVisible();
  await expect(page.locator('dl.figures [data-figure="customers"]')).toHaveText("2");
  await expect(page.locator('dl.figures [data-figure="customers-kept"]')).toHaveText("0 after cleaning (why)");
  await expect(page.getByText(/customers in a customers file/)).toHaveCount(0);
  await expect(page.getByText(/The 0 products/)).toHaveCount(0);
  // Its countries' revenue is all cleaned away too: the currency is not guessed, and the page says so.
  await expect(page.getByTestId("currency")).toContainText("Currency not known: no invoice country names one.");
});

test("the segment page, the customers table and a customer's page write their amounts in the dataset's currency", async ({ page }) => {
  // A run of the sample (GBP, guessed from its countries), made here so the test stands on its own.
  await page.goto(`${await sampleUrl(page)}/segmentations`);
  await page.getByTestId("run-segmentation").click();
  await page.waitForURL(/\/runs\/\d+$/);
  const runUrl = new URL(page.url()).pathname;
  const pound = /^£[\d,]+\.\d\d$/;

  // The segment page: its revenue figure, the profile table, the top countries' revenue and its customers' amounts.
  await page.getByTestId("segment-cards").locator("h3 a").first().click();
  await page.waitForURL(/\/segments\/\d+$/);
  const segmentUrl = new URL(page.url()).pathname;
  // The run's answers may still be computing: the page says so and shows them once they are saved.
  await expect(page.getByTestId("segment-revenue")).toHaveText(pound);
  await expect(page.getByTestId("countries-table").locator("td[data-value]").first()).toHaveText(pound);
  const segmentTable = page.getByTestId("customers-table");
  await expect(segmentTable.locator("tbody td[data-col=monetary]").first()).toHaveText(pound);
  await expect(segmentTable.locator("tbody td[data-col=average_order_value]").first()).toHaveText(pound);

  // The run's customers table: revenue, average order and CLV cells.
  await page.goto(`${runUrl}/customers`);
  const table = page.getByTestId("customers-table");
  for (const col of ["monetary", "average_order_value", "clv"]) await expect(table.locator(`tbody td[data-col=${col}]`).first()).toHaveText(pound);

  // A customer's page: the totals and each invoice's value.
  await table.locator("tbody td[data-col=customer_id] a").first().click();
  await expect(page.getByTestId("customer-id")).toBeVisible();
  await expect(page.getByTestId("customer-value")).toHaveText(/^-?£[\d,]+\.\d\d$/);
  await expect(page.getByTestId("customer-included-value")).toHaveText(/^-?£[\d,]+\.\d\d$/);

  // At 1440 and 390: nothing runs past a phone's edge.
  await shots(page, segmentUrl, "segment", 'section[aria-labelledby="segment-figures-title"]');
  await shots(page, `${runUrl}/customers`, "customers", '[data-testid="customers-table"]');
  await page.setViewportSize({ width: 390, height: 844 });
  for (const url of [segmentUrl, `${runUrl}/customers`]) {
    await page.goto(url);
    await expect(page.locator("h1")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${url} fits a phone`).toBeLessThanOrEqual(390);
  }
});
