import { expect, test, type Page } from "@playwright/test";

/**
 * Issue 17, items 1 and 7, as an analyst meets them on the upload page: a file
 * with two columns of one name is refused when it is chosen (the page maps
 * columns by name), and a value longer than the limit (1 MB) is refused
 * naming its line and column, with nothing stored.
 */
const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

async function chooseFile(page: Page, name: string, content: string) {
  await page.goto("/upload");
  await page.getByLabel("Choose a file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(content) });
}

test("a file with two CustomerID columns is refused when chosen, naming both positions", async ({ page }, testInfo) => {
  await chooseFile(page, "twice.csv", `CustomerID,InvoiceNo,StockCode,Description,CustomerID,Quantity,InvoiceDate,UnitPrice\n17850,536365,85123A,HEART,99999,6,2010-12-01 08:26:00,2.55\n`);
  const alert = page.locator('section[role="alert"]');
  await expect(alert).toContainText('twice.csv, line 1: columns 1 and 5 are both named "CustomerID".');
  await expect(page.getByRole("button", { name: "Upload", exact: true })).toHaveCount(0);
  for (const [width, height] of [[1440, 900], [390, 844]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: testInfo.outputPath(`duplicate-columns-${width}.png`), fullPage: true });
  }
});

test("a value longer than 1 MB is refused with its line and column, and no dataset is made", async ({ page, request }, testInfo) => {
  const csv = `${HEADER}\n536365,85123A,short,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n536366,22633,"${"x".repeat(1024 * 1024 + 1)}",6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n`;
  await chooseFile(page, "long-value.csv", csv);
  await expect(page.getByLabel("Kind of file")).toHaveValue("lines");
  await page.getByLabel("Dataset name").fill("Long value");
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  const alert = page.locator('section[role="alert"]');
  await expect(alert).toContainText('long-value.csv, line 3, column 3 ("Description"): the value is longer than the limit of 1 MB');
  await expect(alert).toContainText("Line 3");
  const datasets = await (await request.get("/api/datasets")).json();
  expect(JSON.stringify(datasets)).not.toContain("Long value");
  for (const [width, height] of [[1440, 900], [390, 844]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: testInfo.outputPath(`long-value-${width}.png`), fullPage: true });
  }
});
