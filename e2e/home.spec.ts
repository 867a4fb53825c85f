import fs from "node:fs";
import { expect, test, type Locator } from "@playwright/test";
import { SAMPLE } from "../lib/sample";
import { figuresFromCsv, toMillionths } from "../tests/support/figures";

const number = async (card: Locator, key: string) => Number((await card.locator(`[data-figure="${key}"]`).innerText()).replaceAll(",", ""));

async function downloadText(link: Locator): Promise<string> {
  const page = link.page();
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  return fs.readFileSync((await download.path())!, "utf8");
}

test("the home page shows the sample dataset's figures, equal to those computed from its CSV", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();
  const card = page.getByRole("article", { name: SAMPLE.name });
  await expect(card).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("home.png"), fullPage: true });

  // The test's own computation, from the CSV the page links to.
  const csv = await downloadText(page.getByRole("link", { name: /^Transactions/ }));
  const expected = figuresFromCsv(csv);

  expect(await number(card, "lines")).toBe(expected.lines);
  expect(await number(card, "invoices")).toBe(expected.invoices);
  expect(await number(card, "customers")).toBe(expected.customers);
  expect(await number(card, "countries")).toBe(expected.countries);
  // The amount with its currency (the sample sells mostly in the United Kingdom: GBP).
  const shownRevenue = (await card.locator('[data-figure="revenue"]').innerText()).replaceAll(",", "");
  expect(shownRevenue.startsWith("£")).toBe(true);
  const cents = (millionths: bigint) => (millionths + (millionths >= 0n ? 5_000n : -5_000n)) / 10_000n;
  expect(cents(toMillionths(shownRevenue.slice(1)))).toBe(cents(expected.revenueMillionths));
  await expect(card.locator('[data-figure="first-invoice"]')).toHaveAttribute("datetime", expected.firstInvoiceAt);
  await expect(card.locator('[data-figure="last-invoice"]')).toHaveAttribute("datetime", expected.lastInvoiceAt);
});

test("the customers sample has one row per customer of the sample dataset", async ({ page }) => {
  await page.goto("/");
  const card = page.getByRole("article", { name: SAMPLE.name });
  const csv = await downloadText(page.getByRole("link", { name: /^Customers/ }));
  const [header, ...rows] = csv.trimEnd().split("\n");
  expect(header).toBe("customer_id,age,gender,country,city,signup_date,preferred_channel");
  expect(rows).toHaveLength(await number(card, "customers"));
});

test("an unknown sample file is a 404 with a JSON error", async ({ request }) => {
  const response = await request.get("/samples/secrets.csv");
  expect(response.status()).toBe(404);
  expect(await response.json()).toEqual({ error: { code: "not_found", message: "No such sample file." } });
});

test("an unknown page shows the not-found page with a way back", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to Segmenta" }).click();
  await expect(page.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();
});
