import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import pg from "pg";
import { migratedDatabase } from "../../tests/support/databases";
import { createRng } from "../segmentation/random";
import { ImportError } from "./errors";
import { loadFiles, type ImportTarget, type SourceFile } from "./load";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
const GOOD = `${HEADER}536365,85123A,"WHITE HANGING HEART T-LIGHT HOLDER",6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n`;

describe("loadFiles", () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;
  let pool: pg.Pool;
  const count = async (table: string, where = "true") => (await pool.query(`select count(*)::int as n from ${table} where ${where}`)).rows[0].n as number;
  const load = (target: ImportTarget, ...files: SourceFile[]) => loadFiles(pool, target, files);
  const create = (name: string, csv: string | Buffer, fileName = "file.csv", options?: SourceFile["options"]) =>
    load({ mode: "create", name }, { fileName, body: [Buffer.from(csv)], options });

  beforeAll(async () => {
    db = await migratedDatabase(inject("adminUrl"), "segmenta_load");
    pool = db.pool;
  });
  afterAll(async () => {
    await db.close();
  });

  /**
   * The byte path (fast-lines.ts) takes files whose every column is read; a
   * file with one more column goes the general path. The same records loaded
   * both ways must store the same lines, cleaning bits included: records of
   * every shape the byte path copies as they stand, and of every shape it hands
   * over (quotes, spaces, ".0" ids, other dates), in chunks cut anywhere.
   */
  test.each([["mdy"], ["dmy"]] as const)("the byte path stores what the general path stores (slashed dates %s)", async (order) => {
    const random = createRng(order === "mdy" ? 11 : 12);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const records: string[][] = [];
    for (let i = 0; i < 3000; i++) {
      const day = 1 + Math.floor(random() * 28);
      const month = 1 + Math.floor(random() * 12);
      const date = pick([
        `2011-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")} 0${Math.floor(random() * 10)}:26:00`,
        `2011-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")} 12:05`,
        order === "mdy" ? `${month}/${day}/2011 8:26` : `${day}/${month}/2011 18:26`,
        order === "mdy" ? `${month}/${day}/2011` : `${day}/${month}/2011 07:01:30`,
      ]);
      const record = [
        pick(["536365", "C536379", "A563185", "581587", " 536366", "536367"]),
        pick(["85123A", "POST", "DOT", "M", "22423", "", "gift_0001_10", "BANK CHARGES"]),
        pick(["WHITE HANGING HEART", '"SET OF 3, ASSORTED"', '"MUG ""LOVE"""', "", " padded ", "CAFÉ"]),
        pick(["6", "-2", "0", "12", " 3"]),
        date,
        pick(["2.55", "0", "-11062.06", "0.001", "7.650000001", "3"]),
        pick(["17850", "", "17850.0", "C-12", "12346"]),
        pick(["United Kingdom", "", "EIRE", '"Korea, Republic of"']),
      ];
      records.push(record);
      if (random() < 0.05) records.push([...record]); // an exact duplicate
    }
    const text = (extra: boolean) =>
      [HEADER.trim() + (extra ? ",Note" : ""), ...records.map((r) => r.join(",") + (extra ? ",x" : ""))].join(order === "dmy" ? "\r\n" : "\n") + (order === "dmy" ? "\r\n" : "\n");
    const cut = (body: string) => {
      const bytes = Buffer.from(body);
      const chunks: Buffer[] = [];
      for (let p = 0; p < bytes.length; ) {
        const next = Math.min(bytes.length, p + 1 + Math.floor(random() * 5000));
        chunks.push(bytes.subarray(p, next));
        p = next;
      }
      return chunks;
    };
    const options = { dateOrder: order };
    const fast = await load({ mode: "create", name: "byte path" }, { fileName: "fast.csv", body: cut(text(false)), options });
    const general = await load({ mode: "create", name: "general path" }, { fileName: "general.csv", body: cut(text(true)), options });
    expect(fast.imports[0]!.cleaning).toEqual(general.imports[0]!.cleaning);
    expect(fast.imports[0]!.cleaning!.duplicate).toBeGreaterThan(50);
    const columns = "invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country, excluded, customer_key";
    const differences = await pool.query(
      `(select ${columns} from transaction_lines where dataset_id = $1 except all select ${columns} from transaction_lines where dataset_id = $2)
       union all
       (select ${columns} from transaction_lines where dataset_id = $2 except all select ${columns} from transaction_lines where dataset_id = $1)`,
      [fast.datasetId, general.datasetId],
    );
    expect(differences.rows).toEqual([]);
    expect(await count("transaction_lines", `dataset_id = ${fast.datasetId}`)).toBe(records.length);
  });

  /**
   * customer_key (migration 20261211300000; what a Citus cluster distributes the lines on): the customer's id,
   * or a space and the invoice number for a guest's line. Expected values written from that definition.
   */
  test("each line's customer_key is its customer's id, or a space and its invoice for a guest's, on both paths", async () => {
    const rows = [
      '536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom', // byte path
      '536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom', // byte path, a guest
      'C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom', // general path (".0" id)
      '"536380",22423,"CAKE, STAND",1,2010-12-01 09:45:00,12.75, ,France', // general path, a guest (spaces)
    ];
    const { datasetId } = await create("keys", `${HEADER}${rows.join("\n")}\n`);
    const keys = await pool.query(`select invoice_no, customer_id, customer_key from transaction_lines where dataset_id = $1 order by invoice_no`, [datasetId]);
    expect(keys.rows).toEqual([
      { invoice_no: "536365", customer_id: "17850", customer_key: "17850" },
      { invoice_no: "536366", customer_id: null, customer_key: " 536366" },
      { invoice_no: "536380", customer_id: null, customer_key: " 536380" },
      { invoice_no: "C536379", customer_id: "14527", customer_key: "14527" },
    ]);
    // A purchases file without order ids: each row's line number is its invoice, and a guest's key.
    const purchases = await create("purchases keys", "CustomerID,OrderDate,Amount\n17850,2011-01-02,10.5\n,2011-01-03,4\n");
    const bought = await pool.query(`select invoice_no, customer_id, customer_key from transaction_lines where dataset_id = $1 order by invoice_no`, [purchases.datasetId]);
    expect(bought.rows).toEqual([
      { invoice_no: "2", customer_id: "17850", customer_key: "17850" },
      { invoice_no: "3", customer_id: null, customer_key: " 3" },
    ]);
  });

  test("keeps tabs, backslashes, quotes and line breaks in values exactly", async () => {
    const csv = `${HEADER}1,A,"tab\there ""quoted"" back\\slash\nnew line",1,2011-01-02 03:04:05,1.5,,France\n`;
    const { datasetId } = await create("odd values", csv);
    const { rows } = await pool.query(`select description, customer_id, invoice_date, excluded from transaction_lines where dataset_id = $1`, [datasetId]);
    expect(rows).toEqual([{ description: 'tab\there "quoted" back\\slash\nnew line', customer_id: null, invoice_date: "2011-01-02 03:04:05", excluded: 1 }]);
  });

  test.each([
    ["a value that is not a number", `${HEADER}1,A,x,three,2011-01-02 03:04,1.5,1,France\n`, { code: "invalid_value", line: 2, column: "Quantity" }],
    ["a row with too many fields", `${GOOD}2,B,y,1,2011-01-02 03:04,1.5,1,France,extra\n`, { code: "wrong_field_count", line: 3 }],
    ["an unterminated quote", `${GOOD}3,"B,y,1,2011-01-02 03:04,1.5,1,France\n4,C,z,1,2011-01-02 03:04,1.5,1,France\n`, { code: "unterminated_quote", line: 3 }],
    ["a header only", HEADER, { code: "no_rows" }],
    ["an empty file", "", { code: "empty_file" }],
    ["a header that is neither transactions nor customers", "name,email\nAda,ada@example.com\n", { code: "unknown_layout", line: 1 }],
  ])("a file with %s is refused with its line, and nothing is stored", async (_label, csv, expected) => {
    const before = { datasets: await count("datasets"), lines: await count("transaction_lines") };
    const error = await create("broken", csv, "broken.csv").catch((e: unknown) => e);
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
      load(
        { mode: "create", name: "two files" },
        { fileName: "t.csv", body: [GOOD] },
        { fileName: "c.csv", body: ["customer_id,age\n1,40\n1,41\n"] },
      ),
    ).rejects.toThrow(/c\.csv, line 3: customer 1 already appears on line 2/);
    expect(await count("transaction_lines")).toBe(before);
  });

  test("append adds rows and replace swaps them, each in one transaction", async () => {
    const { datasetId } = await create("append and replace", GOOD);
    const more = `${HEADER}536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n536367,84879,BIRD,32,2010-12-01 08:34:00,1.69,13047,United Kingdom\n`;
    await load({ mode: "append", datasetId }, { fileName: "more.csv", body: [more] });
    expect(await count("transaction_lines", `dataset_id = ${datasetId}`)).toBe(3);
    await expect(load({ mode: "replace", datasetId }, { fileName: "bad.csv", body: [`${HEADER}x,y,z,not a number,2010-12-01,1,1,UK\n`] })).rejects.toThrow(ImportError);
    expect(await count("transaction_lines", `dataset_id = ${datasetId}`)).toBe(3);
    await load({ mode: "replace", datasetId }, { fileName: "replacement.csv", body: [GOOD] });
    expect(await count("transaction_lines", `dataset_id = ${datasetId}`)).toBe(1);
  });

  test("appending a customers file updates known customers (keeping what the new file lacks) and adds new ones", async () => {
    const { datasetId } = await create("customers", "customer_id,age,city,tier\n1,40,Leeds,gold\n2,31,York,silver\n");
    const { imports } = await load({ mode: "append", datasetId }, { fileName: "update.csv", body: ["customer_id,age,tier\n2,32,gold\n3,25,bronze\n"] });
    expect(imports[0]).toMatchObject({ kind: "customers", rowsRead: 2, rowsLoaded: 2 });
    const { rows } = await pool.query(`select external_id, age, city, attributes from customers where dataset_id = $1 order by external_id`, [datasetId]);
    expect(rows).toEqual([
      { external_id: "1", age: 40, city: "Leeds", attributes: { tier: "gold" } },
      { external_id: "2", age: 32, city: "York", attributes: { tier: "gold" } },
      { external_id: "3", age: 25, city: null, attributes: { tier: "bronze" } },
    ]);
  });

  test("an import into a dataset that does not exist is a 404", async () => {
    const error = await load({ mode: "append", datasetId: 999_999 }, { fileName: "x.csv", body: [GOOD] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "dataset_not_found", status: 404 });
  });
});
