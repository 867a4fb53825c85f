import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { prepared } from "../../tests/support/reference-data";
import { InputError, NotFoundError } from "../errors";
import { loadFiles } from "../ingest/load";
import { getDataset, listDatasets, setDatasetCurrency } from "./datasets";
import { getRunInsights, runReport } from "./insights";
import { preparerFor } from "./preparation";
import { getRunSummary } from "./customers";
import { getSegmentPage } from "./segment-page";
import { getMoves } from "./segments-over-time";
import { runSegmentation } from "./segmentations";

/**
 * A dataset's currency (issue 17, item 14): guessed from where its revenue comes from, stored when the analyst
 * chooses one (datasets.currency), and said by the insights and the report. The files are written here: their
 * countries decide the guess (Germany and France → EUR; USA → USD), as ISO 4217 and the eurozone say.
 */
const lines = (rows: [invoice: string, customer: string, country: string, quantity: number, price: number][]) =>
  `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n${rows
    .map(([invoice, customer, country, quantity, price], i) => `${invoice},P${i},Thing,${quantity},2024-0${1 + (i % 9)}-1${i % 10} 10:00,${price},${customer},${country}`)
    .join("\n")}\n`;

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let euro: number;
let dollar: number;

async function load(name: string, csv: string): Promise<number> {
  return prepared(pool, (await loadFiles(pool, { mode: "create", name }, [{ fileName: `${name}.csv`, body: [csv] }])).datasetId);
}

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_currency");
  pool = db.pool;
  // Most revenue from Germany and France; a little from the United Kingdom.
  euro = await load(
    "euro shop",
    lines([
      ["1001", "A", "Germany", 10, 30],
      ["1002", "B", "France", 5, 40],
      ["1003", "C", "United Kingdom", 1, 20],
      ["1004", "A", "Germany", 3, 15],
      ["1005", "D", "France", 2, 50],
    ]),
  );
  dollar = await load(
    "dollar shop",
    lines([
      ["2001", "A", "USA", 4, 10],
      ["2002", "B", "USA", 2, 12],
      ["2003", "C", "Canada", 1, 5],
    ]),
  );
});
afterAll(async () => {
  await db.close();
});

describe("a dataset's currency", () => {
  test("is guessed from the countries its revenue comes from, and said to be a guess", async () => {
    expect(await getDataset(pool, euro)).toMatchObject({ currency: "EUR", currencyGuessed: true });
    expect(await getDataset(pool, dollar)).toMatchObject({ currency: "USD", currencyGuessed: true });
    const listed = await listDatasets(pool);
    expect(listed.find((d) => d.id === euro)).toMatchObject({ currency: "EUR", currencyGuessed: true });
  });

  test("is stored when the analyst chooses one, in capitals, and goes back to the guess when cleared", async () => {
    await setDatasetCurrency(pool, euro, "gbp");
    expect((await pool.query("select currency from datasets where id = $1", [euro])).rows[0].currency).toBe("GBP");
    expect(await getDataset(pool, euro)).toMatchObject({ currency: "GBP", currencyGuessed: false });
    await setDatasetCurrency(pool, euro, "");
    expect((await pool.query("select currency from datasets where id = $1", [euro])).rows[0].currency).toBeNull();
    expect(await getDataset(pool, euro)).toMatchObject({ currency: "EUR", currencyGuessed: true });
  });

  test("refuses a code that is not ISO 4217 (naming the field), and a dataset that does not exist", async () => {
    const error = await setDatasetCurrency(pool, euro, "EURO").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ field: "currency" });
    expect(await setDatasetCurrency(pool, euro, "XYZ").catch((e: unknown) => e)).toBeInstanceOf(InputError);
    expect(await setDatasetCurrency(pool, 999_999, "USD").catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    expect((await pool.query("select currency from datasets where id = $1", [euro])).rows[0].currency).toBeNull();
  });

  test("is what the insights and the report say amounts in", async () => {
    await setDatasetCurrency(pool, dollar, "USD");
    const run = await runSegmentation(pool, dollar, { method: "rfm" });
    await preparerFor(pool).prepareRun(run.id);
    const insights = (await getRunInsights(pool, run.id))!;
    // 3 customers, 4 × 10 + 2 × 12 + 1 × 5 = 69 dollars.
    expect(insights.groups[0]!.bullets[0]!.text).toContain("worth US$69.00");
    const report = (await runReport(pool, run.id))!;
    expect(report).toContain("- Currency: USD");
    expect(report).toContain("| Revenue (USD) |");
  });

  test("is handed to a segment's page (and so its share link) and to the moves between two runs", async () => {
    const first = await runSegmentation(pool, euro, { method: "rfm" });
    const second = await runSegmentation(pool, euro, { method: "rfm" });
    const page = (await getSegmentPage(pool, (await getRunSummary(pool, first.id))!, 0, {}))!;
    expect(page.currency).toBe("EUR");
    const moves = await getMoves(pool, first.id, second.id, { asked: true });
    expect(moves.swap === false && moves.page.currency).toBe("EUR");
  });
});
