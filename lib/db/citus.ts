import type pg from "pg";
import { z } from "zod";
import { rowsOf } from "../queries/rows";

/**
 * Segmenta on a Citus cluster (README, "Running on Citus"). When the database has the citus extension, the
 * step after the migrations (migrate() calls distributeForCitus) gives every table of the schema its place:
 * - the bulk tables are hash-distributed, by customer and co-located: the per-customer tables
 *   (customer_summaries, customer_products, customer_countries, segment_members) on customer_id, the lines and
 *   their per-invoice sums (transaction_lines, invoice_totals) on customer_key (the customer's id, or a guest
 *   key from the invoice: customer_id is null on guest lines and Citus refuses a null distribution value;
 *   migration 20261211300000), all TEXT (Citus co-locates only columns of one type), so that per-customer work
 *   over any of them, and the joins between them, run whole on the worker holding the customer;
 *   product_descriptions on stock_code;
 * - the small tables (datasets, runs, accounts, settings, saved answers, customers for now) are reference
 *   tables, copied to every node, so every join with them stays on the node that holds the bulk rows, and the
 *   foreign keys from the bulk tables to them are allowed;
 * - _prisma_migrations stays on the coordinator.
 * Partitioned tables are distributed with their partitions; a partition attached or created later is
 * distributed and co-located by Citus itself. The step is idempotent: pg_dist_partition is its record, and a
 * table already in place is left alone. A table of the schema that has no place here stays on the coordinator
 * with a warning (the Citus tests fail on one, so that a migration adding a table says where it goes).
 */
export const CITUS_LAYOUT = {
  /** table → distribution column, in groups that are co-located (the first of a group is its anchor). */
  distributed: [
    {
      customer_summaries: "customer_id",
      customer_products: "customer_id",
      customer_countries: "customer_id",
      segment_members: "customer_id",
      transaction_lines: "customer_key",
      invoice_totals: "customer_key",
    },
    { product_descriptions: "stock_code" },
  ] as Record<string, string>[],
  /**
   * Where a table goes while its column does not exist yet (a database migrated part way, before migration
   * 20261211300000 added customer_key): the earlier layout, the lines and invoice sums on invoice_no, co-located
   * with each other; redistribute() moves them once the column is there.
   */
  before: { transaction_lines: "invoice_no", invoice_totals: "invoice_no" } as Record<string, string>,
  /** In an order where a table comes after those its foreign keys point to. */
  reference: [
    "datasets",
    "imports",
    "users",
    "segmentation_runs",
    "segments",
    "customers",
    "customer_column_kinds",
    "sessions",
    "invitations",
    "api_tokens",
    "shares",
    "sign_in_addresses",
    "throttles",
    "app_settings",
    "query_results",
  ],
  local: ["_prisma_migrations"],
};

/** True when the database has the citus extension (the app then runs as a Citus cluster's application). */
export async function hasCitus(db: pg.ClientBase | pg.Pool): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from pg_extension where extname = 'citus'");
  return (rowCount ?? 0) > 0;
}

const Placed = z.object({ name: z.string(), method: z.string(), column: z.string().nullable() });
const Table = z.object({ name: z.string() });

/**
 * Distributes the bulk tables and makes the small ones reference tables, as CITUS_LAYOUT says; does nothing
 * on a server without Citus. Returns what it did, one line per table.
 */
export async function distributeForCitus(client: pg.ClientBase, log: (line: string) => void = () => {}): Promise<string[]> {
  if (!(await hasCitus(client))) return [];
  const placed = new Map(
    (
      await rowsOf(
        client,
        Placed,
        `select p.logicalrelid::regclass::text as name, p.partmethod::text as method,
                case when p.partmethod = 'h' then column_to_column_name(p.logicalrelid, p.partkey) end as "column"
         from pg_dist_partition p`,
      )
    ).map((r) => [r.name, r]),
  );
  const tables = await rowsOf(
    client,
    Table,
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
     where c.relkind in ('r', 'p') and not c.relispartition order by 1`,
  );
  const known = new Set([...CITUS_LAYOUT.distributed.flatMap((g) => Object.keys(g)), ...CITUS_LAYOUT.reference, ...CITUS_LAYOUT.local]);
  // A partition left detached (a killed build: dropOrphanPartitions removes it) is no table of the schema.
  const partitionLike = new RegExp(`^(${CITUS_LAYOUT.distributed.flatMap((g) => Object.keys(g)).join("|")})_[0-9]+(_[a-z0-9]+)?$`);
  const stray = tables.map((t) => t.name).filter((name) => !known.has(name) && !partitionLike.test(name));
  // Left on the coordinator, where Citus still joins them (by sending their rows), but said: a migration that
  // adds a table must give it its place (lib/db/citus.integration.test.ts checks the app's schema has none left).
  if (stray.length) log(`warning: citus: table(s) ${stray.join(", ")} have no place in the layout (lib/db/citus.ts) and stay on the coordinator`);

  const done: string[] = [];
  const todo = [...CITUS_LAYOUT.reference, ...CITUS_LAYOUT.distributed.flatMap((g) => Object.keys(g))].filter((name) => !placed.has(name));
  if (todo.length) await placeTables(client, placed, todo, done);
  await redistribute(client, placed, done);
  // After the tables: a function taking a table's row type needs that table placed (none left: 20261210300000).
  done.push(...(await distributeFunctions(client)));
  for (const line of done) log(`citus: ${line}`);
  return done;
}

async function placeTables(client: pg.ClientBase, placed: Map<string, z.infer<typeof Placed>>, todo: string[], done: string[]): Promise<void> {
  // Citus will not make a table a reference table while local tables point to it with ON DELETE CASCADE (nor
  // the other way round), so the foreign keys between the tables to place are dropped first and made again
  // once every table is in place (Citus then checks and keeps them), all in one transaction.
  const keys = await rowsOf(
    client,
    z.object({ name: z.string(), source: z.string(), definition: z.string() }),
    `select c.conname as name, c.conrelid::regclass::text as source, pg_get_constraintdef(c.oid) as definition
     from pg_constraint c
     where c.contype = 'f' and (c.conrelid::regclass::text = any($1) or c.confrelid::regclass::text = any($1))
       and not exists (select 1 from pg_inherits i where i.inhrelid = c.conrelid)
     order by c.conrelid::regclass::text, c.conname`,
    [todo],
  );
  await client.query("begin");
  try {
    // One connection per node for the whole transaction: DDL on a table after a parallel operation on another
    // in the same transaction is refused otherwise.
    await client.query("set local citus.multi_shard_modify_mode = 'sequential'");
    for (const k of keys) await client.query(`alter table ${k.source} drop constraint "${k.name}"`);
    await place(client, placed, done);
    for (const k of keys) await client.query(`alter table ${k.source} add constraint "${k.name}" ${k.definition}`);
    await client.query("commit");
  } catch (error) {
    await client.query("rollback");
    throw error;
  }
}

/**
 * A table a cluster laid out earlier distributed on another column is moved to its column now, co-located with
 * its group's anchor: transaction_lines and invoice_totals were distributed on invoice_no before customer_key
 * (migration 20261211300000). alter_distributed_table makes the table anew (its partitions with it), copies
 * every row to the shard of its new value and drops the old one, in one transaction per table: a full copy
 * of the table through the cluster, once.
 */
async function hasColumn(client: pg.ClientBase, table: string, column: string): Promise<boolean> {
  const { rowCount } = await client.query("select 1 from pg_attribute where attrelid = to_regclass($1) and attname = $2 and not attisdropped", [table, column]);
  return (rowCount ?? 0) > 0;
}

async function redistribute(client: pg.ClientBase, placed: Map<string, z.infer<typeof Placed>>, done: string[]): Promise<void> {
  for (const group of CITUS_LAYOUT.distributed) {
    const [anchor] = Object.keys(group);
    for (const [name, column] of Object.entries(group)) {
      const now = placed.get(name);
      if (name === anchor || now?.method !== "h" || now.column === column || !(await hasColumn(client, name, column))) continue;
      await client.query("select alter_distributed_table($1, distribution_column := $2, colocate_with := $3)", [name, column, anchor]);
      done.push(`${name}: distributed on ${column} with ${anchor} (was on ${now.column})`);
    }
  }
}

/**
 * The schema's own SQL functions (customer_value, yes_no_value, ...), which queries pushed down to the workers
 * call there: Citus creates a function on the workers only when told (create_distributed_function).
 */
async function distributeFunctions(client: pg.ClientBase): Promise<string[]> {
  const functions = await rowsOf(
    client,
    z.object({ signature: z.string() }),
    `select p.oid::regprocedure::text as signature from pg_proc p
     where p.pronamespace = current_schema()::regnamespace
       and not exists (select 1 from pg_catalog.pg_dist_object o where o.classid = 'pg_proc'::regclass and o.objid = p.oid)
     order by 1`,
  );
  for (const f of functions) await client.query("select create_distributed_function($1)", [f.signature]);
  return functions.map((f) => `${f.signature}: created on every node`);
}

async function place(client: pg.ClientBase, placed: Map<string, z.infer<typeof Placed>>, done: string[]): Promise<void> {
  for (const name of CITUS_LAYOUT.reference) {
    const now = placed.get(name);
    if (now?.method === "n") continue;
    if (now) throw new Error(`Citus: ${name} should be a reference table but is distributed (${now.method})`);
    await client.query("select create_reference_table($1)", [name]);
    done.push(`${name}: reference table`);
  }
  const placedOn = new Map<string, string>();
  for (const group of CITUS_LAYOUT.distributed) {
    const [anchor] = Object.keys(group);
    for (const [name, column] of Object.entries(group)) {
      const now = placed.get(name);
      if (now?.method === "h" && now.column === column) continue;
      // Distributed on another column by an earlier layout: moved by redistribute().
      if (now?.method === "h" && name !== anchor) continue;
      if (now) throw new Error(`Citus: ${name} should be distributed on ${column} but is ${now.method === "h" ? `distributed on ${now.column}` : `of kind ${now.method}`}`);
      const before = CITUS_LAYOUT.before[name];
      if (before && !(await hasColumn(client, name, column))) {
        const with_ = Object.keys(CITUS_LAYOUT.before).find((other) => other !== name && placedOn.get(other) === before);
        await client.query("select create_distributed_table($1, $2, colocate_with => $3)", [name, before, with_ ?? "none"]);
        placedOn.set(name, before);
        done.push(`${name}: distributed on ${before}${with_ ? ` with ${with_}` : ""} (no ${column} yet)`);
        continue;
      }
      await client.query("select create_distributed_table($1, $2, colocate_with => $3)", [name, column, name === anchor ? "none" : anchor]);
      placedOn.set(name, column);
      done.push(`${name}: distributed on ${column}${name === anchor ? "" : ` with ${anchor}`}`);
    }
  }
}
