import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { expect, test, type Page } from "@playwright/test";

const UCI_GZ = path.resolve("../shared/datasets/online-retail-uci/online_retail.csv.gz");
// The published facts of the UCI Online Retail data (SOURCES.md).
const UCI = { lines: "541,909", invoices: "25,900", customers: "4,372", countries: "38" };

function uciFile(): string {
  const file = path.resolve("test-results/e2e/online_retail.csv");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, gunzipSync(fs.readFileSync(UCI_GZ)));
  }
  return file;
}

async function chooseFile(page: Page, name: string, content: string | Buffer) {
  await page.goto("/upload");
  await page.getByLabel("Choose a file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(content) });
}

test("the complete UCI Online Retail file goes in through the page, with the published figures", async ({ page }, testInfo) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Upload a file" }).first().click();
  await expect(page.getByRole("heading", { name: "Upload a file" })).toBeVisible();
  await page.getByLabel("Choose a file").setInputFiles(uciFile());
  await expect(page.getByText("Plain ASCII · comma separated · 8 columns")).toBeVisible();
  await expect(page.getByLabel("Kind of file")).toHaveValue("lines");
  await expect(page.getByLabel("Customer", { exact: true })).toHaveValue("CustomerID");
  await page.getByLabel("Dataset name").fill("UCI Online Retail (page)");
  await page.screenshot({ path: testInfo.outputPath("upload-preview.png"), fullPage: true });
  await page.getByRole("button", { name: "Upload" }).click();

  const report = page.getByRole("region", { name: /Loaded online_retail\.csv/ });
  await expect(report).toBeVisible();
  await expect(report.locator('[data-figure="rows-read"]')).toHaveText(UCI.lines);
  await expect(report.locator('[data-figure="rows-loaded"]')).toHaveText(UCI.lines);
  await expect(report.locator('tr[data-rule="noCustomer"] td').first()).toHaveText("135,080");
  await expect(report.locator('tr[data-rule="duplicate"] td').first()).toHaveText("5,268");
  await page.screenshot({ path: testInfo.outputPath("upload-report.png"), fullPage: true });

  await report.getByRole("link", { name: "Open the dataset" }).click();
  // The page opens at once; while the dataset is prepared (a few seconds on this file) it says so, then fills in.
  await expect(page.getByRole("heading", { name: "UCI Online Retail (page)", level: 1 })).toBeVisible();
  await expect(page.locator("[data-preparing]")).toHaveCount(0);
  for (const [key, value] of Object.entries(UCI)) await expect(page.locator(`[data-figure="${key}"]`)).toHaveText(value);
  await expect(page.locator('[data-figure="revenue"]')).toHaveText("£9,747,747.93");
  await expect(page.getByRole("cell", { name: "succeeded" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("dataset.png"), fullPage: true });
});

test("the complete UCI Online Retail file goes in through the API, with the published figures", async ({ request }) => {
  const created = await request.post("/api/datasets", {
    multipart: { name: "UCI Online Retail (API)", file: { name: "online_retail.csv", mimeType: "text/csv", buffer: fs.readFileSync(uciFile()) } },
    // No bound of its own (the API's answer comes when the file is in): the test's bound applies.
    timeout: 0,
  });
  expect(created.status()).toBe(201);
  const { datasetId, import: report } = await created.json();
  expect(report).toMatchObject({ rowsRead: 541_909, rowsLoaded: 541_909, layout: "lines" });
  expect(created.headers().location).toBe(`/api/datasets/${datasetId}`);

  // The figures are null until the dataset is prepared (GET …/preparation says how far it got).
  await expect.poll(async () => (await (await request.get(`/api/datasets/${datasetId}/preparation`)).json()).prepared).toBe(true);
  const dataset = await (await request.get(`/api/datasets/${datasetId}`)).json();
  expect(dataset).toMatchObject({ prepared: true, lines: 541_909, invoices: 25_900, customers: 4_372, countries: 38, revenue: "9747747.934000" });
  expect(dataset.cleaning).toMatchObject({ noCustomer: 135_080, duplicate: 5_268, adjustment: 3 });
  const list = await (await request.get("/api/datasets")).json();
  expect(list.datasets.map((d: { id: number }) => d.id)).toContain(datasetId);
});

test("a header it cannot read: the page shows the first rows and asks for the kind and the columns", async ({ page }) => {
  await chooseFile(page, "orders.csv", "Client;Day;Spent\nada;2011-01-02;10,50\nbob;2011-01-03;4\nada;2011-02-01;7,25\n");
  await expect(page.getByText("The columns do not say what this file holds")).toBeVisible();
  await expect(page.getByRole("cell", { name: "ada" }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Upload" })).toBeDisabled();
  await page.getByLabel("Kind of file").selectOption("purchases");
  // "Client" is a known name for the customer column; the others are the analyst's to choose.
  await expect(page.getByText("Choose the column for Date, Amount.")).toBeVisible();
  await expect(page.getByLabel("Customer", { exact: true })).toHaveValue("Client");
  await page.getByLabel("Date", { exact: true }).selectOption("Day");
  await page.getByLabel("Amount", { exact: true }).selectOption("Spent");
  await page.getByLabel("Dataset name").fill("Mapped by hand");
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("region", { name: /Loaded orders\.csv/ }).locator('[data-figure="rows-loaded"]')).toHaveText("3");
  await page.getByRole("link", { name: "Open the dataset" }).click();
  await expect(page.locator('[data-figure="customers"]')).toHaveText("2");
  await expect(page.locator('[data-figure="revenue"]')).toHaveText("21.75");
});

test("dates that read both ways are asked, not guessed", async ({ page }) => {
  await chooseFile(page, "ambiguous.csv", "customer_id,order_date,revenue\n1,3/4/2011,10\n2,5/6/2011,20\n");
  await expect(page.getByRole("group", { name: "How are the dates written?" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Upload" })).toBeDisabled();
  await page.getByLabel("Day first (31/12/2011)").check();
  await page.getByRole("button", { name: "Upload" }).click();
  await page.getByRole("region", { name: /Loaded ambiguous\.csv/ }).getByRole("link", { name: "Open the dataset" }).click();
  await expect(page.locator('[data-figure="first-invoice"]')).toHaveAttribute("datetime", "2011-04-03 00:00:00");
  await expect(page.locator('[data-figure="last-invoice"]')).toHaveAttribute("datetime", "2011-06-05 00:00:00");
});

test("a broken file shows the same error as the API, with its line and column, and stores nothing", async ({ page, request }) => {
  const before = (await (await request.get("/api/datasets")).json()).datasets.length;
  const csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A,x,1,2011-01-02 10:00,1.5,7,UK\n2,B,y,many,2011-01-02 10:00,1.5,7,UK\n";
  await chooseFile(page, "broken.csv", csv);
  await page.getByRole("button", { name: "Upload" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "The file was not loaded" });
  await expect(alert).toContainText('broken.csv, line 3, column Quantity: "many" is not a whole number.');
  await expect(alert).toContainText("Line 3 · Column Quantity");
  await expect(alert).toContainText("Nothing from this file was stored");
  const api = await request.post("/api/datasets", { multipart: { file: { name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from(csv) } } });
  expect(api.status()).toBe(422);
  expect(await api.json()).toEqual({
    error: { code: "invalid_value", message: 'broken.csv, line 3, column Quantity: "many" is not a whole number.', line: 3, column: "Quantity" },
  });
  expect((await (await request.get("/api/datasets")).json()).datasets.length).toBe(before);
});

test("markup in a file name, a header or a cell stays text", async ({ page }) => {
  page.on("dialog", (dialog) => {
    throw new Error(`a script ran: ${dialog.message()}`);
  });
  const name = "<img src=x onerror=alert(1)>.csv";
  await chooseFile(page, name, "customer_id,order_date,revenue,<b>Note</b>\n1,2011-01-02,10,<script>alert(2)</script>\n");
  await expect(page.getByRole("columnheader", { name: "<b>Note</b>" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "<script>alert(2)</script>" })).toBeVisible();
  await page.getByRole("button", { name: "Upload" }).click();
  await page.getByRole("region", { name: /Loaded/ }).getByRole("link", { name: "Open the dataset" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("<img src=x onerror=alert(1)>");
  await expect(page.getByRole("cell", { name })).toBeVisible();
  expect(await page.locator("img[src=x]").count()).toBe(0);
});

test("the preview reads at most 256 KB and answers with the first rows only", async ({ request }) => {
  const row = "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n";
  const body = Buffer.from(`InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n${row.repeat(20_000)}`);
  expect(body.length).toBeGreaterThan(1024 * 1024);
  const response = await request.post("/api/uploads/preview?fileName=big.csv&complete=false", { data: body, headers: { "content-type": "text/csv" } });
  expect(response.status()).toBe(200);
  const preview = await response.json();
  expect(preview).toMatchObject({ layout: "lines", delimiter: ",", missing: [] });
  expect(preview.preview).toHaveLength(10);
  expect(preview).not.toHaveProperty("sample");
});
