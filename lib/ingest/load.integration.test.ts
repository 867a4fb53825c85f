import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import pg from "pg";
import { createDatabase } from "../../tests/support/databases";
import { migrate } from "../db/migrate";
import { createPool } from "../db/pool";
import { ImportError } from "./errors";
import { createDataset } from "./load";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
const GOOD = `${HEADER}536365,85123A,"WHITE HANGING HEART T-LIGHT HOLDER",6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n`;

describe("createDataset", () => {
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let pool: pg.Pool;
  const count = async (table: string) => (await pool.query(`select count(*)::int as n from ${table}`)).rows[0].n as number;

  beforeAll(async () => {
    db = await createDatabase(inject("adminUrl"), "segmenta_load");
    await migrate(db.url);
    pool = createPool(db.url, 4);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  test("keeps tabs, backslashes, quotes and line breaks in values exactly", async () => {
    const csv = `${HEADER}1,A,"tab\there ""quoted"" back\\slash\nnew line",1,2011-01-02 03:04:05,1.5,,France\n`;
    const { datasetId } = await createDataset(pool, { name: "odd values", files: [{ kind: "transactions", fileName: "odd.csv", body: [csv] }] });
    const { rows } = await pool.query(`select description, customer_id, invoice_date from transaction_lines where dataset_id = $1`, [datasetId]);
    expect(rows).toEqual([{ description: 'tab\there "quoted" back\\slash\nnew line', customer_id: null, invoice_date: "2011-01-02 03:04:05" }]);
  });

  test.each([
    ["a value that is not a number", `${HEADER}1,A,x,three,2011-01-02 03:04,1.5,1,France\n`, { code: "invalid_value", line: 2, column: "Quantity" }],
    ["a row with too many fields", `${GOOD}2,B,y,1,2011-01-02 03:04,1.5,1,France,extra\n`, { code: "csv_record_inconsistent_fields_length", line: 3 }],
    ["an unterminated quote", `${GOOD}3,"B,y,1,2011-01-02 03:04,1.5,1,France\n`, { code: "csv_quote_not_closed" }],
    ["a header only", HEADER, { code: "no_rows" }],
    ["an empty file", "", { code: "empty_file" }],
    ["a header that is not transactions", "name,email\nAda,ada@example.com\n", { code: "unmapped_header", line: 1 }],
  ])("a file with %s is refused with its line, and nothing is stored", async (_label, csv, expected) => {
    const before = { datasets: await count("datasets"), lines: await count("transaction_lines") };
    const error = await createDataset(pool, { name: "broken", files: [{ kind: "transactions", fileName: "broken.csv", body: [csv] }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).toJSON()).toMatchObject(expected);
    expect((error as ImportError).message).toMatch(/^broken\.csv/);
    expect({ datasets: await count("datasets"), lines: await count("transaction_lines") }).toEqual(before);
    const { rows } = await pool.query(`select status, error from imports where file_name = 'broken.csv' order by id desc limit 1`);
    expect(rows[0]).toMatchObject({ status: "failed", error: expected });
  });

  test("a second file that fails takes the first one's rows with it", async () => {
    const before = await count("transaction_lines");
    await expect(
      createDataset(pool, {
        name: "two files",
        files: [
          { kind: "transactions", fileName: "t.csv", body: [GOOD] },
          { kind: "customers", fileName: "c.csv", body: ["customer_id,age\n1,40\n1,41\n"] },
        ],
      }),
    ).rejects.toThrow(/c\.csv, line 3: customer 1 already appears on line 2/);
    expect(await count("transaction_lines")).toBe(before);
  });
});
