import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createDatabase } from "../../tests/support/databases";
import { hasCitus } from "./citus";
import { migrate, readMigrations } from "./migrate";

/**
 * Migration 20261211300000 (customer_key) on a database that already holds datasets, on one PostgreSQL and on a
 * Citus cluster laid out before it (`npm run test:citus`): the lines and invoice sums loaded before it get their
 * key (the customer's id, or a space and the invoice number for a guest's), the column is NOT NULL, and on the
 * cluster both tables move from invoice_no to customer_key, co-located with the per-customer tables, their rows
 * kept. Expected values are written from that definition.
 */
const KEY_MIGRATION = "20261211300000_customer_key";
let db: Awaited<ReturnType<typeof createDatabase>>;
let client: pg.Client;
let citus = false;
let dir: string;

beforeAll(async () => {
  db = await createDatabase(inject("adminUrl"), "segmenta_customer_key");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "segmenta-migrations-"));
  for (const m of readMigrations().filter((m) => m.name < KEY_MIGRATION)) {
    fs.mkdirSync(path.join(dir, m.name));
    fs.writeFileSync(path.join(dir, m.name, "migration.sql"), m.sql);
  }
  await migrate(db.url, { dir });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  citus = await hasCitus(client);
  // Two datasets loaded before the migration: known customers and guests, one guest invoice of two lines.
  for (const id of [1, 2]) {
    await client.query("insert into datasets (id, name) values ($1, $2)", [id, `before ${id}`]);
    await client.query(`create table transaction_lines_${id} partition of transaction_lines for values in (${id})`);
    await client.query(`create table invoice_totals_${id} partition of invoice_totals for values in (${id})`);
  }
  await client.query(
    `insert into transaction_lines (dataset_id, invoice_no, stock_code, quantity, invoice_date, unit_price, customer_id, excluded)
     values (1, '536365', 'A', 1, '2010-12-01 08:26', 2.5, '17850', 0), (1, '536365', 'B', 2, '2010-12-01 08:26', 1, '17850', 0),
            (1, '536366', 'A', 1, '2010-12-01 08:28', 2.5, null, 1), (1, '536366', 'C', 3, '2010-12-01 08:28', 4, null, 1),
            (2, 'C536379', 'D', -1, '2010-12-01 09:41', 27.5, '14527', 2), (2, '1', 'A', 1, '2010-12-02 10:00', 3, null, 1)`,
  );
  await client.query(
    `insert into invoice_totals (dataset_id, invoice_no, customer_id, invoice_date, country, excluded, lines, quantity, value, positive_value, negative_value)
     values (1, '536365', '17850', '2010-12-01 08:26', 'United Kingdom', 0, 2, 3, 4.5, 4.5, 0),
            (1, '536366', null, '2010-12-01 08:28', 'United Kingdom', 1, 2, 4, 14.5, 14.5, 0),
            (2, 'C536379', '14527', '2010-12-01 09:41', 'France', 2, 1, -1, -27.5, 0, -27.5)`,
  );
  await migrate(db.url);
}, 180_000);

afterAll(async () => {
  await client?.end();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("customer_key on datasets loaded before it", () => {
  test("every line and invoice sum has its key: the customer's id, or a space and the invoice number", async () => {
    const lines = await client.query("select dataset_id, invoice_no, customer_id, customer_key, count(*)::int as n from transaction_lines group by 1, 2, 3, 4 order by 1, 2");
    expect(lines.rows).toEqual([
      { dataset_id: 1, invoice_no: "536365", customer_id: "17850", customer_key: "17850", n: 2 },
      { dataset_id: 1, invoice_no: "536366", customer_id: null, customer_key: " 536366", n: 2 },
      { dataset_id: 2, invoice_no: "1", customer_id: null, customer_key: " 1", n: 1 },
      { dataset_id: 2, invoice_no: "C536379", customer_id: "14527", customer_key: "14527", n: 1 },
    ]);
    const totals = await client.query("select dataset_id, invoice_no, customer_key, value::text from invoice_totals order by 1, 2");
    expect(totals.rows).toEqual([
      { dataset_id: 1, invoice_no: "536365", customer_key: "17850", value: "4.500000" },
      { dataset_id: 1, invoice_no: "536366", customer_key: " 536366", value: "14.500000" },
      { dataset_id: 2, invoice_no: "C536379", customer_key: "14527", value: "-27.500000" },
    ]);
    const nullable = await client.query(
      "select table_name, is_nullable, data_type from information_schema.columns where column_name = 'customer_key' and table_name in ('transaction_lines', 'invoice_totals') order by 1",
    );
    expect(nullable.rows).toEqual([
      { table_name: "invoice_totals", is_nullable: "NO", data_type: "text" },
      { table_name: "transaction_lines", is_nullable: "NO", data_type: "text" },
    ]);
    // A line without a key is refused (the loader always writes one).
    await expect(
      client.query("insert into transaction_lines (dataset_id, invoice_no, quantity, invoice_date, unit_price) values (1, 'x', 1, '2011-01-01', 1)"),
    ).rejects.toThrow(/customer_key|partition column value/); // one server's words, or Citus's
  });

  test("on Citus the lines and invoice sums move to customer_key, co-located with the per-customer tables", async (context) => {
    if (!citus) return context.skip();
    const { rows } = await client.query<{ name: string; column: string; colocation: number }>(
      `select logicalrelid::regclass::text as name, column_to_column_name(logicalrelid, partkey) as "column", colocationid as colocation
       from pg_dist_partition where logicalrelid::regclass::text in ('transaction_lines', 'invoice_totals', 'customer_summaries', 'segment_members', 'transaction_lines_1', 'invoice_totals_2')
       order by 1`,
    );
    const anchor = rows.find((r) => r.name === "customer_summaries")!;
    expect(rows).toEqual([
      { name: "customer_summaries", column: "customer_id", colocation: anchor.colocation },
      { name: "invoice_totals", column: "customer_key", colocation: anchor.colocation },
      { name: "invoice_totals_2", column: "customer_key", colocation: anchor.colocation },
      { name: "segment_members", column: "customer_id", colocation: anchor.colocation },
      { name: "transaction_lines", column: "customer_key", colocation: anchor.colocation },
      { name: "transaction_lines_1", column: "customer_key", colocation: anchor.colocation },
    ]);
    // A customer's lines on the shard that holds its summary (co-located shards cover the same hash range).
    const shard = async (table: string, value: string) =>
      (await client.query<{ min: string }>("select shardminvalue as min from pg_dist_shard where shardid = get_shard_id_for_distribution_column($1::regclass, $2::text)", [table, value])).rows[0]!.min;
    expect(await shard("transaction_lines_1", "17850")).toBe(await shard("customer_summaries", "17850"));
  });
});
