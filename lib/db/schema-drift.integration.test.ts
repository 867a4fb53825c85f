import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createDatabase } from "../../tests/support/databases";
import { schemaDrift } from "./schema-drift";
import { migrate } from "./migrate";

describe("prisma/schema.prisma and the migrated database", () => {
  test("agree on every table, column, type, enum, index and foreign key", async () => {
    expect(await schemaDrift(inject("databaseUrl"))).toEqual([]);
  });

  test("partitions of the bulk tables (a dataset's lines, a run's members) are part of their table, not drift", async () => {
    const client = new pg.Client({ connectionString: inject("databaseUrl") });
    await client.connect();
    try {
      await client.query("begin");
      await client.query("insert into datasets (id, name) values (987654, 'drift')");
      await client.query("create table transaction_lines_987654 partition of transaction_lines for values in (987654)");
      await client.query("create table invoice_totals_987654 partition of invoice_totals for values in (987654)");
      await client.query("commit");
      expect(await schemaDrift(inject("databaseUrl"))).toEqual([]);
    } finally {
      await client.query("rollback").catch(() => {});
      await client.query("drop table if exists transaction_lines_987654, invoice_totals_987654; delete from datasets where id = 987654");
      await client.end();
    }
  });

  describe("the drift check itself", () => {
    let scratch: Awaited<ReturnType<typeof createDatabase>>;
    /** Each statement sent by itself: Citus refuses a query string of several commands on its tables. */
    const alter = async (...statements: string[]) => {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        for (const sql of statements) await client.query(sql);
      } finally {
        await client.end();
      }
    };
    beforeAll(async () => {
      scratch = await createDatabase(inject("adminUrl"), "segmenta_drift");
      await migrate(scratch.url);
    });
    afterAll(() => scratch.drop());

    test("reports a column dropped by hand", async () => {
      await alter(`alter table transaction_lines drop column stock_code`);
      expect(await schemaDrift(scratch.url)).toContain(`TransactionLine.stockCode: column "transaction_lines"."stock_code" is missing`);
    });

    test("reports a wrong type and a wrong nullability", async () => {
      await alter(`alter table transaction_lines alter column unit_price type double precision, alter column country set not null`);
      const problems = await schemaDrift(scratch.url);
      expect(problems).toContain(`TransactionLine.unitPrice: column "transaction_lines"."unit_price" is double precision, schema says numeric(20,6)`);
      expect(problems).toContain(`TransactionLine.country: column "transaction_lines"."country" is NOT NULL, schema says optional`);
    });

    test("reports a missing index, an extra column and a missing table", async () => {
      await alter(`drop index invoice_totals_dataset_id_customer_id_idx`, `alter table customers add column nickname text`, `drop table app_settings`);
      const problems = await schemaDrift(scratch.url);
      expect(problems).toContain(`model InvoiceTotal: no index on "invoice_totals"(dataset_id, customer_id)`);
      expect(problems).toContain(`model Customer: column "customers"."nickname" is not in the schema`);
      expect(problems).toContain(`model AppSetting: table "app_settings" is missing`);
    });
  });
});
