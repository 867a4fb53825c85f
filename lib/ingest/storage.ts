import type pg from "pg";
import { z } from "zod";
import { rowOf, rowsOf } from "../queries/rows";
import { ADVISORY_LOCKS, ADVISORY_LOCK_SPACES } from "../db/advisory-locks";

/**
 * Where the bulk rows live. Each dataset's lines, invoice sums and customer
 * summaries, and each run's members, are a partition of their table of their
 * own (LIST on dataset_id or run_id), so that:
 * - a new dataset's lines are COPYed into a table created in the same
 *   transaction (COPY FREEZE; with the embedded server's wal_level = minimal,
 *   no WAL either), then attached: 10 million lines load faster than psql
 *   \copy into an existing plain table;
 * - a summary or a run's members are built whole in a table of their own
 *   (indexes after the rows, statistics of that table alone), then attached;
 * - queries on one dataset or run read only its partition, with no index to
 *   find it;
 * - deleting a dataset or a run drops tables instead of deleting millions of
 *   rows.
 * Attaching takes a SHARE UPDATE EXCLUSIVE lock on the parent, which readers
 * do not wait for. Detaching and dropping take ACCESS EXCLUSIVE, so the
 * partitions of deleted datasets and runs are detached CONCURRENTLY
 * afterwards (dropOrphanPartitions), never inside a reader's way; only a
 * replace swaps a dataset's lines inside its transaction (a short lock at its
 * very end).
 */
export type PartitionedTable =
  | "transaction_lines"
  | "invoice_totals"
  | "customer_products"
  | "customer_summaries"
  | "customer_countries"
  | "product_descriptions"
  | "segment_members";

const KEY: Record<PartitionedTable, "dataset_id" | "run_id"> = {
  transaction_lines: "dataset_id",
  invoice_totals: "dataset_id",
  customer_products: "dataset_id",
  customer_summaries: "dataset_id",
  customer_countries: "dataset_id",
  product_descriptions: "dataset_id",
  segment_members: "run_id",
};

/** The partition of a dataset or run: `transaction_lines_12`; with a suffix, a table being built to replace it. */
export function partitionName(table: PartitionedTable, id: number, suffix?: string): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`not an id: ${id}`);
  return suffix ? `${table}_${id}_${suffix}` : `${table}_${id}`;
}

/**
 * A table shaped like the parent (columns, defaults, NOT NULLs) with a check
 * that every row is of `id`, so attaching it needs no scan. Created in the
 * caller's transaction, so COPY FREEZE may fill it. LIKE keeps an ACCESS
 * SHARE lock on what it copies until commit: a table that will replace a
 * partition is copied from that partition (`like`), not the parent, so the
 * load holds nothing on the parent until it detaches (two replaces that each
 * held the parent's and then asked for its ACCESS EXCLUSIVE deadlocked).
 */
export async function createPartitionTable(db: pg.ClientBase, table: PartitionedTable, id: number, name = partitionName(table, id), like: string = table): Promise<string> {
  await db.query(`create table ${name} (like ${like} including defaults including statistics, check (${KEY[table]} = ${id}))`);
  const column = await distributionColumn(db, table);
  if (column !== null) {
    // On a Citus cluster (README, "Running on Citus"): distributed at once, co-located with its parent, so what
    // fills it (COPY, INSERT ... SELECT) goes straight to the workers' shards, in the caller's transaction (a
    // failed load leaves nothing on any node), and attaching it moves nothing. One connection per node for the
    // rest of the transaction: Citus refuses DDL on a table (its keys, its attach) after a parallel COPY into it.
    await oneConnectionPerNode(db);
    await db.query("select create_distributed_table($1, $2, colocate_with => $3)", [name, column, table]);
  }
  return name;
}

/** Attaches a table made by createPartitionTable (or CREATE TABLE AS with the same columns) as the partition of `id`. */
export async function attachPartition(db: pg.ClientBase, table: PartitionedTable, name: string, id: number): Promise<void> {
  await db.query(`alter table ${table} attach partition ${name} for values in (${id})`);
  // On a Citus cluster the parent is distributed; attaching a table that was not (one made before the layout)
  // copied its rows to the workers' shards: the coordinator's own copy, which nothing reads any more, goes
  // (Citus keeps it until told).
  if (await isDistributed(db, name)) await db.query("select truncate_local_data_after_distributing_table($1)", [name]);
}

/** True on a Citus cluster when the table is distributed (pg_dist_partition exists only where Citus is). */
async function isDistributed(db: pg.ClientBase | pg.Pool, name: string): Promise<boolean> {
  const Found = z.object({ found: z.boolean() });
  const citus = await rowOf(db, Found, "select to_regclass('pg_catalog.pg_dist_partition') is not null as found");
  if (!citus?.found) return false;
  const row = await rowOf(db, Found, "select exists (select 1 from pg_catalog.pg_dist_partition where logicalrelid = to_regclass($1)) as found", [name]);
  return row?.found ?? false;
}

/**
 * On a Citus cluster, one connection per node for the rest of the caller's transaction: Citus refuses to write a
 * reference table (imports, datasets) or change a table after a parallel COPY into a distributed one in the same
 * transaction ("cannot modify table ... because there was a parallel operation"). A load that appends to a
 * dataset's partition calls it before its COPY. Nothing on one server.
 */
export async function oneConnectionPerNode(db: pg.ClientBase): Promise<void> {
  if (await isDistributed(db, "transaction_lines")) await db.query("set local citus.multi_shard_modify_mode = 'sequential'");
}

/**
 * On a Citus cluster, waits until no other load's transaction is open, and holds that turn until the caller's
 * transaction ends (a transaction-level advisory lock on the coordinator, where every load's transaction runs).
 * Citus serialises every UPDATE of a reference table (imports, datasets, customers) and every SELECT ... FOR
 * UPDATE of one with an ExclusiveLock on its shard, and an INSERT with a RowExclusiveLock, each held to commit,
 * and an UPDATE of imports also takes its referenced table's (datasets) in the same mode. Two loads at once
 * each held datasets' RowExclusiveLock (their INSERT of the dataset), then one took imports' ExclusiveLock and
 * waited for datasets', the other waited for imports': a distributed deadlock, and Citus cancelled one of them
 * (concurrent-loads.integration.test.ts). Loads on the cluster therefore take turns; on one PostgreSQL, whose
 * row locks let loads of different datasets pass each other, nothing.
 */
export async function loadsOneAtATime(db: pg.ClientBase): Promise<void> {
  if (await isDistributed(db, "transaction_lines")) await db.query("select pg_advisory_xact_lock($1)", [ADVISORY_LOCKS.citusLoad]);
}

/** The column a table is hash-distributed on, on a Citus cluster; null elsewhere. */
async function distributionColumn(db: pg.ClientBase, table: PartitionedTable): Promise<string | null> {
  if (!(await isDistributed(db, table))) return null;
  const row = await rowOf(
    db,
    z.object({ column: z.string().nullable() }),
    "select column_to_column_name(logicalrelid, partkey) as \"column\" from pg_catalog.pg_dist_partition where logicalrelid = to_regclass($1) and partmethod = 'h'",
    [table],
  );
  return row?.column ?? null;
}

/** True when the partition of `id` exists (attached or not). */
export async function partitionExists(db: pg.ClientBase | pg.Pool, table: PartitionedTable, id: number, suffix?: string): Promise<boolean> {
  const { rows } = await db.query("select to_regclass($1) is not null as found", [partitionName(table, id, suffix)]);
  return z.object({ found: z.boolean() }).parse(rows[0]).found;
}

/**
 * Detaches (CONCURRENTLY: readers of other partitions never wait) and drops a
 * partition. Runs outside any transaction, on a connection of its own.
 */
export async function dropPartition(pool: pg.Pool, table: PartitionedTable, name: string): Promise<void> {
  // Drops from one parent take turns. PostgreSQL lets one partition per parent be "pending detach" at a time: a
  // DETACH CONCURRENTLY while another partition's is under way fails naming the other ("partition ... already
  // pending detach"), and two callers of the same partition met each other's half-done work. The 10-minute soak's
  // deletes (several datasets at once, and other deletes' sweeps of orphans) answered 500 with both. Whoever comes
  // second finds its partition alone, or gone.
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1, hashtext($2))", [DROP_LOCK_SPACE, table]);
    await detachAndDrop(client, table, name);
  } finally {
    await client.query("select pg_advisory_unlock($1, hashtext($2))", [DROP_LOCK_SPACE, table]).catch(() => {});
    client.release();
  }
}

/** The advisory locks' first key for dropPartition (two-key locks: apart from the one-key ones used elsewhere). */
const DROP_LOCK_SPACE = ADVISORY_LOCK_SPACES.partitionDrop;

async function detachAndDrop(db: pg.PoolClient, table: PartitionedTable, name: string): Promise<void> {
  const row = await rowOf(
    db,
    z.object({ attached: z.boolean() }),
    "select exists (select 1 from pg_inherits where inhrelid = to_regclass($1) and inhparent = to_regclass($2)) as attached",
    [name, table],
  );
  // A caller that does not hold the lock (psql, an older server) may still have taken it: gone is done, not an error.
  const goneAlready = (error: { message?: string }) => {
    if (!/is not a partition of relation|does not exist|was removed concurrently/i.test(error.message ?? "")) throw error;
  };
  if (row?.attached && (await isDistributed(db, table))) {
    // Citus has no DETACH ... CONCURRENTLY: a plain detach (a short ACCESS EXCLUSIVE lock on the parent).
    await db.query(`alter table ${table} detach partition ${name}`).catch(goneAlready);
  } else if (row?.attached) {
    // Holding the parent's turn, a partition pending detach was left by a detach interrupted half-way (a stop):
    // FINALIZE completes it (the error names it: this one, or another of the parent's, which blocks this one).
    const detach = () => db.query(`alter table ${table} detach partition ${name} concurrently`);
    await detach().catch(async (error: { message?: string }) => {
      const pending = /partition "([^"]+)" already pending detach/i.exec(error.message ?? "")?.[1];
      if (!pending) return goneAlready(error);
      await db.query(`alter table ${table} detach partition ${pending} finalize`).catch(goneAlready);
      if (pending !== name) await detach().catch(goneAlready);
    });
  }
  // On Citus two callers dropping the same table can deadlock on it (each holds a lock Citus's DROP took first, then
  // both want ACCESS EXCLUSIVE: seen in storage.integration.test.ts on the cluster); the one PostgreSQL cancels tries
  // again, and finds it gone.
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(`drop table if exists ${name}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "40P01" || attempt >= 3) throw error;
    }
  }
}

/**
 * Drops the partitions (attached or left over) whose dataset or run no longer
 * exists: those of deleted datasets and runs, and tables a killed preparation
 * left half-built. Returns their names.
 */
export async function dropOrphanPartitions(pool: pg.Pool): Promise<string[]> {
  const Orphan = z.object({ name: z.string(), parent: z.custom<PartitionedTable>((v) => typeof v === "string" && Object.hasOwn(KEY, v)) });
  const rows = await rowsOf(
    pool,
    Orphan,
    `select c.relname as name, k.parent
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
     -- transaction_lines_12, or transaction_lines_12_new: the parent, and the dataset's or run's id
     cross join lateral (select substring(c.relname from '^(${Object.keys(KEY).join("|")})_[0-9]+(?:_[a-z0-9]+)?$') as parent,
                                substring(c.relname from '_([0-9]+)(?:_[a-z0-9]+)?$')::int as id) k
     where c.relkind = 'r' and k.parent is not null
       and case when k.parent = 'segment_members' then not exists (select 1 from segmentation_runs r where r.id = k.id)
                else not exists (select 1 from datasets d where d.id = k.id) end`,
  );
  for (const { name, parent } of rows) await dropPartition(pool, parent, name);
  return rows.map((r) => r.name);
}
