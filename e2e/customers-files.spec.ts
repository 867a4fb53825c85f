import path from "node:path";
import { expect, test, type Page } from "@playwright/test";

/**
 * The four public files a new analyst tries first (issue 15), each through
 * the upload page, its dataset page, the segmentation form and a run: a
 * customers file alone (Mall Customers, iFood's Customer Personality, Telco
 * churn) and an invoice-lines file with a line total (sales_data_sample).
 * No chart may be drawn empty: what a file cannot have is left out.
 */
const DATASETS = path.resolve("../shared/datasets");

async function upload(page: Page, file: string, name: string) {
  await page.goto("/upload");
  await page.getByLabel("Choose a file").setInputFiles(path.join(DATASETS, file));
  await page.getByLabel("Dataset name").fill(name);
  await page.getByRole("button", { name: "Upload" }).click();
  const report = page.getByRole("region", { name: /Loaded / });
  await expect(report).toBeVisible();
  await report.getByRole("link", { name: "Open the dataset" }).click();
  // The first visit right after a load shares two cores with the dataset's preparation (CI saw > 5 s once).
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.locator("[data-preparing]")).toHaveCount(0);
}

/** On a phone, the page fits its width (wide tables scroll inside their box), and a screenshot to look at. */
async function onPhone(page: Page, file: string) {
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  // The layout settles at the new width: a condition, not a pause.
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
  await page.screenshot({ path: file, fullPage: true });
  if (desktop) await page.setViewportSize(desktop);
}

/** Every chart on the page has something to draw. */
async function noEmptyChart(page: Page) {
  await expect(page.locator(".chart-empty")).toHaveCount(0);
}

async function openForm(page: Page) {
  await page.getByRole("link", { name: "Segmentations" }).first().click();
  await expect(page.getByRole("heading", { name: "New segmentation" })).toBeVisible();
}

async function run(page: Page) {
  await page.getByTestId("run-segmentation").click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  await expect(page.locator("[data-preparing]")).toHaveCount(0);
}

test("Mall Customers: a customers file alone, clustered on its own numbers", async ({ page, request }, testInfo) => {
  await upload(page, "mall-customers/Mall_Customers.csv", "Mall (e2e)");
  const datasetId = Number(new URL(page.url()).pathname.split("/")[2]);
  await expect(page.locator('[data-figure="customers"]')).toHaveText("200");
  await expect(page.locator('[data-figure="purchases"]')).toHaveText("None loaded");
  const columns = page.getByTestId("customer-columns");
  await expect(columns.locator('tr[data-column="Annual Income (k$)"]')).toHaveAttribute("data-kind", "number");
  await expect(columns.locator('tr[data-column="Gender"]')).toHaveAttribute("data-kind", "category");
  await expect(page.getByTestId("correlation-matrix")).toBeVisible();
  // No sales, orders or retention charts for a file without purchases.
  await expect(page.getByRole("heading", { name: "Sales" })).toHaveCount(0);
  await noEmptyChart(page);
  await page.screenshot({ path: testInfo.outputPath("mall-dataset.png"), fullPage: true });
  await onPhone(page, testInfo.outputPath("mall-dataset-phone.png"));

  await openForm(page);
  await expect(page.getByRole("radio", { name: /RFM/ })).toBeEnabled();
  await page.getByRole("radio", { name: /k-means/ }).check();
  const features = page.getByTestId("features");
  for (const name of ["Age", "Annual Income (k$)", "Spending Score (1-100)"]) {
    const box = features.getByRole("checkbox", { name: new RegExp(`^${name.replace(/[()$]/g, "\\$&")}`) });
    if (!(await box.isChecked())) await box.check();
  }
  await page.getByRole("radio", { name: "Fixed:" }).check();
  await page.getByRole("spinbutton", { name: "Fixed:" }).fill("5");
  await page.screenshot({ path: testInfo.outputPath("mall-form.png"), fullPage: true });
  await run(page);
  await expect(page.getByTestId("segment-columns").locator("tbody tr")).toHaveCount(6);
  await expect(page.getByTestId("insights")).toContainText("200 customers in 5 segments");
  await noEmptyChart(page);
  await page.screenshot({ path: testInfo.outputPath("mall-run.png"), fullPage: true });
  await onPhone(page, testInfo.outputPath("mall-run-phone.png"));
  // Its customers table shows what a customers-file run has: the customer and the segment, no empty purchase columns.
  const runUrl = page.url();
  await page.goto(`${runUrl}/customers`);
  await expect(page.getByRole("columnheader", { name: /Segment/ })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /Revenue|Recency/ })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("mall-customers.png"), fullPage: true });
  await page.goto(runUrl);
  await page.getByTestId("segment-columns").locator("tbody tr a").first().click();
  await expect(page.getByTestId("segment-column-table")).toBeVisible();
  await noEmptyChart(page);
  await page.screenshot({ path: testInfo.outputPath("mall-segment.png"), fullPage: true });
  await onPhone(page, testInfo.outputPath("mall-segment-phone.png"));

  // The API takes the file's columns by their headers as written; a name the file lacks is a 422 naming the field.
  const api = `/api/datasets/${datasetId}/segmentations`;
  const made = await request.post(api, { data: { method: "hierarchical", k: 4, features: ["Annual Income (k$)", "Spending Score (1-100)", "Gender"] } });
  expect(made.status()).toBe(201);
  expect((await made.json()).segments).toHaveLength(4);
  const refused = await request.post(api, { data: { method: "kmeans", features: ["Annual Income"] } });
  expect(refused.status()).toBe(422);
  expect((await refused.json()).error).toMatchObject({ field: "features.0" });
  expect((await refused.json()).error.message).toContain('no column "Annual Income"');
});

test("Telco churn: clusters on contract and charges, with the churn rate of each segment", async ({ page }, testInfo) => {
  await upload(page, "telco-churn/Telco-Customer-Churn.csv", "Telco (e2e)");
  await expect(page.getByTestId("customer-columns").locator('tr[data-column="Churn"]')).toHaveAttribute("data-kind", "yes_no");
  await noEmptyChart(page);
  // Contracts against churn: 1,655 of the 3,875 month-to-month customers left (42.7%).
  const crosstab = page.getByTestId("crosstab");
  await crosstab.getByLabel("Rows").selectOption("Contract");
  await crosstab.getByLabel("Columns").selectOption("Churn");
  await crosstab.getByRole("button", { name: "Show" }).click();
  await expect(crosstab.getByRole("row", { name: /Month-to-month/ })).toContainText("42.7%");
  await page.screenshot({ path: testInfo.outputPath("telco-dataset.png"), fullPage: true });
  await onPhone(page, testInfo.outputPath("telco-dataset-phone.png"));
  await openForm(page);
  await page.getByRole("radio", { name: /k-means/ }).check();
  await page.getByTestId("features").getByRole("checkbox", { name: /^Contract/ }).check();
  // TotalCharges is blank for 11 new customers: left out of it, they would be left out of the run.
  await page.getByTestId("features").getByRole("checkbox", { name: /^TotalCharges/ }).uncheck();
  await page.getByLabel("Outcome to show per segment").selectOption("Churn");
  await run(page);
  // The file's churn rate: 1,869 of 7,043 customers.
  await expect(page.getByTestId("insights")).toContainText("Churn: yes for 27% of all customers (1,869 of 7,043)");
  await expect(page.getByTestId("outcome-chart")).toBeVisible();
  await noEmptyChart(page);
  await page.screenshot({ path: testInfo.outputPath("telco-run.png"), fullPage: true });
});

test("iFood's Customer Personality: RFM on its own recency, purchase and spend columns", async ({ page }, testInfo) => {
  await upload(page, "customer-personality/marketing_campaign.csv", "iFood (e2e)");
  await expect(page.locator('[data-figure="customers"]')).toHaveText("2,240");
  await expect(page.getByTestId("customer-columns").locator('tr[data-column="Education"]')).toHaveAttribute("data-kind", "category");
  await noEmptyChart(page);
  await openForm(page);
  await page.getByRole("radio", { name: /RFM/ }).check();
  // Preselected from the names: Recency; Num…Purchases; Mnt… spend.
  await expect(page.getByLabel("Recency: days since the last purchase, or its date")).toHaveValue("Recency");
  await expect(page.getByTestId("summary-monetary").getByRole("checkbox", { name: "MntWines" })).toBeChecked();
  await expect(page.getByTestId("summary-frequency").getByRole("checkbox", { name: "NumStorePurchases" })).toBeChecked();
  await page.getByLabel("Outcome to show per segment").selectOption("Response");
  await page.screenshot({ path: testInfo.outputPath("ifood-form.png"), fullPage: true });
  await onPhone(page, testInfo.outputPath("ifood-form-phone.png"));
  await run(page);
  await expect(page.locator("#rfm-grid")).toBeVisible();
  await expect(page.getByTestId("insights")).toContainText("Response: yes for 15% of all customers");
  await noEmptyChart(page);
  await page.screenshot({ path: testInfo.outputPath("ifood-run.png"), fullPage: true });
  await onPhone(page, testInfo.outputPath("ifood-run-phone.png"));
});

test("sales_data_sample: revenue is its SALES column, and RFM runs on its orders", async ({ page }, testInfo) => {
  await page.goto("/upload");
  await page.getByLabel("Choose a file").setInputFiles(path.join(DATASETS, "sales-data-sample/sales_data_sample.csv"));
  await expect(page.getByTestId("revenue-formula")).toContainText("“SALES”");
  await page.getByLabel("Dataset name").fill("Sales sample (e2e)");
  await page.getByRole("button", { name: "Upload" }).click();
  const report = page.getByRole("region", { name: /Loaded / });
  await expect(report).toBeVisible();
  await report.getByRole("link", { name: "Open the dataset" }).click();
  await expect(page.locator("[data-preparing]")).toHaveCount(0);
  // The sum of the file's SALES column.
  await expect(page.locator('[data-figure="revenue"]')).toHaveText("US$10,032,628.85");
  await noEmptyChart(page);
  await page.screenshot({ path: testInfo.outputPath("sales-dataset.png"), fullPage: true });
  await openForm(page);
  await run(page);
  await expect(page.getByTestId("segment-cards")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("sales-run.png"), fullPage: true });
});
