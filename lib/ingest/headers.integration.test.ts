import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import type pg from "pg";
import { migratedDatabase } from "../../tests/support/databases";
import { ImportError } from "./errors";
import { loadFiles, type SourceFile } from "./load";
import { sniff } from "./sniff";

/**
 * Issue 17, item 7: a file with two columns of one name loaded silently (the
 * first CustomerID read, the second dropped). Such a file is refused with
 * both positions, and so are its relatives: names equal once trimmed (spaces,
 * a byte order mark), names that read the same for the automatic mapping
 * ("CustomerID", "customer id") unless the mapping says which, and a customers
 * file's column kept under the name of a mapped field.
 */
const ROW = "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55";

describe("column names", () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;
  let pool: pg.Pool;
  const count = async (table: string) => (await pool.query(`select count(*)::int as n from ${table}`)).rows[0].n as number;
  const create = (csv: string, fileName: string, options?: SourceFile["options"]) =>
    loadFiles(pool, { mode: "create", name: fileName }, [{ fileName, body: [Buffer.from(csv)], options }]);
  /** The load's error (or its result), and whether anything was stored. */
  const attempt = async (csv: string, fileName: string, options?: SourceFile["options"]) => {
    const before = { datasets: await count("datasets"), lines: await count("transaction_lines"), customers: await count("customers") };
    const outcome = await create(csv, fileName, options).catch((e: unknown) => e);
    const after = { datasets: await count("datasets"), lines: await count("transaction_lines"), customers: await count("customers") };
    return { outcome, stored: JSON.stringify(after) !== JSON.stringify(before) };
  };

  beforeAll(async () => {
    db = await migratedDatabase(inject("adminUrl"), "segmenta_headers");
    pool = db.pool;
  });
  afterAll(async () => {
    await db.close();
  });

  test.each([
    ["the same name", "CustomerID,InvoiceNo,StockCode,Description,CustomerID,Quantity,InvoiceDate,UnitPrice", "17850,", ",99999", 1, 5, "CustomerID"],
    ["names equal once trimmed", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,Country, Country ", "", ",United Kingdom,France", 7, 8, "Country"],
    ["a byte order mark before the second", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,\uFEFFCustomerID", "", ",17850,99999", 7, 8, "CustomerID"],
  ])("two columns with %s: refused naming both positions and the file, nothing stored", async (_label, header, before, after, a, b, name) => {
    const csv = `${header}\n${before}${ROW}${after}\n`;
    const { outcome, stored } = await attempt(csv, "twice.csv");
    expect(outcome).toBeInstanceOf(ImportError);
    expect((outcome as ImportError).status).toBe(422);
    expect((outcome as ImportError).message).toBe(
      `twice.csv, line 1: columns ${a} and ${b} are both named "${name}". Rename or remove one of them and upload the file again.`,
    );
    expect(stored).toBe(false);
  });

  test("the upload page's preview refuses them too (it maps columns by name)", () => {
    const head = Buffer.from(`CustomerID,InvoiceNo,StockCode,Description,CustomerID,Quantity,InvoiceDate,UnitPrice\n17850,${ROW},99999\n`);
    expect(() => sniff(head, "twice.csv", true)).toThrow(/columns 1 and 5 are both named "CustomerID"/);
  });

  test("unnamed columns may repeat (a trailing delimiter, a spreadsheet's blank headers)", async () => {
    const { outcome } = await attempt(`InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,,\n${ROW},17850,,\n`, "blanks.csv");
    expect(outcome).toMatchObject({ imports: [{ rowsLoaded: 1 }] });
  });

  test("two columns that read the same for the automatic mapping are refused unless the mapping says which", async () => {
    const csv = `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,customer id\n${ROW},17850,99999\n`;
    const { outcome, stored } = await attempt(csv, "alike.csv");
    expect((outcome as ImportError).toJSON()).toMatchObject({ code: "ambiguous_column", line: 1 });
    expect((outcome as ImportError).message).toBe(
      'alike.csv, line 1: columns 7 ("CustomerID") and 8 ("customer id") both read as Customer. Choose the one to use on the upload page, or send a mapping such as {"customer_id":"CustomerID"}.',
    );
    expect(stored).toBe(false);
    // Named, the chosen column is read (the second here).
    const { datasetId } = await create(csv, "alike.csv", { mapping: { customer_id: "customer id" } });
    const { rows } = await pool.query(`select customer_id from transaction_lines where dataset_id = $1`, [datasetId]);
    expect(rows).toEqual([{ customer_id: "99999" }]);
  });

  test("a customers file's column named like a mapped field's key is refused (one would overwrite the other)", async () => {
    // The header alone maps birth_date; the analyst's mapping reads DOB instead, and birth_date would be kept as an attribute.
    const { outcome, stored } = await attempt("customer_id,DOB,birth_date\n1,1980-02-03,1990-04-05\n", "people.csv", { mapping: { birth_date: "DOB" } });
    expect((outcome as ImportError).message).toBe(
      'people.csv, line 1: column 2 ("DOB") is read as Birth date, kept as "birth_date", and column 3 is named "birth_date" too. Rename column 3, or map it as Birth date instead.',
    );
    expect(stored).toBe(false);
  });
});
