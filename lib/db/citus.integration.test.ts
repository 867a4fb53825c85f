import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createDatabase } from "../../tests/support/databases";
import { attachPartition, createPartitionTable, dropOrphanPartitions } from "../ingest/storage";
import { distributeForCitus, hasCitus } from "./citus";
import { migrate, readMigrations } from "./migrate";

/**
 * The Citus layout (README, "Running on Citus"). Runs on a Citus server only (`npm run test:citus`, or
 * DATABASE_URL naming a coordinator); on one PostgreSQL it checks that the step does nothing.
 */
let db: Awaited<ReturnType<typeof createDatabase>>;
let client: pg.Client;
let citus = false;
beforeAll(async () => {
  db = await createDatabase(inject("adminUrl"), "segmenta_citus");
  await migrate(db.url);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  citus = await hasCitus(client);
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

/** The schema's own functions on a node, by signature (run on each node by run_command_on_all_nodes). */
const SCHEMA_FUNCTIONS = `select string_agg(p.oid::regprocedure::text, ';' order by p.oid::regprocedure::text) from pg_proc p where p.pronamespace = 'public'::regnamespace`;

const placement = async () =>
  (
    await client.query<{ name: string; kind: string; column: string | null; colocation: number }>(
      `select logicalrelid::regclass::text as name, partmethod::text as kind,
              case when partmethod = 'h' then column_to_column_name(logicalrelid, partkey) end as "column", colocationid as colocation
       from pg_dist_partition where not exists (select 1 from pg_inherits where inhrelid = logicalrelid) order by 1`,
    )
  ).rows;

describe("on Citus", () => {
  test("every table has its place: bulk tables distributed and co-located by what they join on, small ones copied to every node", async (context) => {
    if (!citus) return context.skip();
    const rows = await placement();
    const of = (name: string) => rows.find((r) => r.name === name);
    // Written from the README's table, not read from lib/db/citus.ts.
    const byCustomer = ["customer_summaries", "customer_products", "customer_countries", "segment_members"];
    const byInvoice = ["transaction_lines", "invoice_totals"];
    for (const name of byCustomer) expect(of(name), name).toMatchObject({ kind: "h", column: "customer_id", colocation: of("customer_summaries")?.colocation });
    // The lines and invoice sums by customer too, on their never-null customer_key, in the same group.
    for (const name of byInvoice) expect(of(name), name).toMatchObject({ kind: "h", column: "customer_key", colocation: of("customer_summaries")?.colocation });
    expect(of("product_descriptions")).toMatchObject({ kind: "h", column: "stock_code" });
    expect(of("product_descriptions")?.colocation).not.toBe(of("customer_summaries")?.colocation);
    const tables = (
      await client.query<{ name: string }>(
        `select relname as name from pg_class where relnamespace = current_schema()::regnamespace and relkind in ('r', 'p') and not relispartition order by 1`,
      )
    ).rows.map((r) => r.name);
    const placed = new Set(rows.map((r) => r.name));
    // Only the migrations' own record stays on the coordinator; every other table is distributed or a reference table.
    expect(tables.filter((t) => !placed.has(t))).toEqual(["_prisma_migrations"]);
    for (const r of rows.filter((r) => ![...byCustomer, ...byInvoice, "product_descriptions"].includes(r.name))) expect(r.kind, r.name).toBe("n");
  });

  test("the schema's SQL functions exist on every worker, where pushed-down queries call them, and no other", async (context) => {
    if (!citus) return context.skip();
    // Written from the migrations: customer_value over the file's columns (20261209700000; the row version is
    // dropped by 20261210300000) and yes_no_value. Each node, the coordinator's own list included.
    const expected = "customer_value(integer,text,text,text,date,jsonb,text);yes_no_value(text)";
    const { rows } = await client.query<{ result: string }>(`select result from run_command_on_all_nodes($$${SCHEMA_FUNCTIONS}$$) order by nodeid`);
    expect(rows.map((r) => r.result)).toEqual([expected, expected, expected]);
  });

  test("a cluster migrated before the row version was dropped loses it on every node", async (context) => {
    if (!citus) return context.skip();
    // The state 20261209700000 left: migrated (and laid out, customer_value(customers, text) created on the
    // workers) without the later migrations, then migrated again with all of them.
    const upgraded = await createDatabase(inject("adminUrl"), "segmenta_citus_older");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "segmenta-migrations-"));
    try {
      for (const m of readMigrations().filter((m) => m.name <= "20261209700000_customer_value_columns")) {
        fs.mkdirSync(path.join(dir, m.name));
        fs.writeFileSync(path.join(dir, m.name, "migration.sql"), m.sql);
      }
      await migrate(upgraded.url, { dir });
      const before = new pg.Client({ connectionString: upgraded.url });
      await before.connect();
      try {
        const { rows } = await before.query<{ result: string }>(`select result from run_command_on_all_nodes($$${SCHEMA_FUNCTIONS}$$) order by nodeid`);
        for (const r of rows) expect(r.result).toContain("customer_value(customers,text)");
        await migrate(upgraded.url);
        const after = await before.query<{ result: string }>(`select result from run_command_on_all_nodes($$${SCHEMA_FUNCTIONS}$$) order by nodeid`);
        for (const r of after.rows) expect(r.result).toBe("customer_value(integer,text,text,text,date,jsonb,text);yes_no_value(text)");
      } finally {
        await before.end();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await upgraded.drop();
    }
  }, 120_000);

  test("the step is idempotent: a second migrate moves nothing", async (context) => {
    if (!citus) return context.skip();
    const before = await placement();
    expect(await distributeForCitus(client)).toEqual([]);
    await migrate(db.url);
    expect(await placement()).toEqual(before);
  });

  test("a partition is distributed as it is made, co-located with its parent: what fills it goes straight to the workers", async (context) => {
    if (!citus) return context.skip();
    await client.query("insert into datasets (id, name) values (4242, 'citus partition')");
    await client.query("begin");
    const name = await createPartitionTable(client, "customer_summaries", 4242);
    await client.query(
      `insert into ${name} (dataset_id, customer_id, recency_days, frequency, monetary, average_order_value, tenure_days, products, repeat_frequency, repeat_recency_days, t_days, repeat_monetary)
       select 4242, 'c' || i, i, 1, 10, 10, i, 1, 0, 0, i, 0 from generate_series(1, 100) i`,
    );
    // Before it is attached, it is distributed and its rows are not in the coordinator's own table.
    expect((await client.query(`select pg_relation_size($1) as coordinator_bytes, count(*)::int as n from ${name}`, [name])).rows[0]).toEqual({
      coordinator_bytes: "0",
      n: 100,
    });
    await client.query(`alter table ${name} add primary key (dataset_id, customer_id)`);
    await attachPartition(client, "customer_summaries", name, 4242);
    await client.query("commit");
    const { rows } = await client.query<{ colocated: boolean; column: string }>(
      `select p.colocationid = (select colocationid from pg_dist_partition where logicalrelid = 'customer_summaries'::regclass) as colocated,
              column_to_column_name(p.logicalrelid, p.partkey) as "column"
       from pg_dist_partition p where p.logicalrelid = $1::regclass`,
      [name],
    );
    expect(rows).toEqual([{ colocated: true, column: "customer_id" }]);
    expect((await client.query("select count(*)::int as n from customer_summaries where dataset_id = 4242")).rows[0].n).toBe(100);
    expect((await client.query(`select citus_table_size($1) > 0 as on_shards`, [name])).rows[0].on_shards).toBe(true);
  });

  test("a table attached that was not distributed (made before the layout) leaves no copy on the coordinator", async (context) => {
    if (!citus) return context.skip();
    await client.query("insert into datasets (id, name) values (4343, 'citus local partition')");
    await client.query("begin");
    await client.query("create table customer_countries_4343 (like customer_countries including defaults, check (dataset_id = 4343))");
    await client.query("insert into customer_countries_4343 select 4343, 'c' || i, 'X', 1, 1 from generate_series(1, 50) i");
    await attachPartition(client, "customer_countries", "customer_countries_4343", 4343);
    await client.query("commit");
    expect((await client.query("select count(*)::int as n from customer_countries where dataset_id = 4343")).rows[0].n).toBe(50);
    expect((await client.query("select pg_relation_size('customer_countries_4343') as bytes")).rows[0].bytes).toBe("0");
  });

  test("a deleted dataset's partitions are detached and dropped (Citus has no DETACH ... CONCURRENTLY)", async (context) => {
    if (!citus) return context.skip();
    await client.query("delete from datasets where id in (4242, 4343)");
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      expect((await dropOrphanPartitions(pool)).sort()).toEqual(["customer_countries_4343", "customer_summaries_4242"]);
    } finally {
      await pool.end();
    }
    expect((await client.query("select to_regclass('customer_summaries_4242') as t")).rows[0].t).toBeNull();
  });
});

describe("on one PostgreSQL", () => {
  test("the step does nothing", async (context) => {
    if (citus) return context.skip();
    expect(await distributeForCitus(client)).toEqual([]);
  });
});
