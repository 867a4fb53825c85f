import pg from "pg";

/**
 * The summaries the analytics read instead of a dataset's lines:
 * invoice_totals, the lines summed per invoice, customer, time, country and
 * cleaning bits; and customer_products, summed per customer, product and
 * cleaning bits with the first and last time bought.
 * Each group keeps its cleaning bits and its time, so any combination of
 * cleaning rules and any analysis date gives the same answer from the sums as
 * from the lines (an integration test holds them to that).
 *
 * Loads bump datasets.data_version; the summary is current when
 * summarised_version equals it. It is rebuilt after each load (the upload
 * routes start it once the response is sent, the launcher at start) or by the
 * first reader that finds it stale. Building UCI Online Retail's takes
 * 3.5–4.5 s on two cores (the two tables summed at once, on two connections sharing one
 * snapshot), which a load inside its transaction would add to every upload.
 */

/**
 * The advisory lock of summary builds: one build at a time, of any dataset. A
 * build keeps both cores busy, and its ANALYZEs lock the whole summary tables
 * until it commits, so two builds at once would only wait for each other, and
 * with two connections each they could wait for each other forever.
 */
const BUILD_LOCK = [7_274_000, 0];

const BUILD_INVOICE_TOTALS = `
insert into invoice_totals (dataset_id, invoice_no, customer_id, invoice_date, country, excluded, lines, quantity, value, positive_value, negative_value)
select dataset_id, invoice_no, customer_id, invoice_date, country, excluded,
       count(*), sum(quantity), sum(quantity * unit_price),
       coalesce(sum(quantity * unit_price) filter (where quantity * unit_price > 0), 0),
       coalesce(sum(quantity * unit_price) filter (where quantity * unit_price < 0), 0)
from transaction_lines
where dataset_id = $1
group by dataset_id, invoice_no, customer_id, invoice_date, country, excluded`;

const BUILD_CUSTOMER_PRODUCTS = `
insert into customer_products (dataset_id, customer_id, stock_code, excluded, first_date, last_date, lines, quantity, revenue)
select dataset_id, customer_id, stock_code, excluded, min(invoice_date), max(invoice_date),
       count(*), sum(quantity), sum(quantity * unit_price)
from transaction_lines
where dataset_id = $1 and customer_id is not null and stock_code is not null
group by dataset_id, customer_id, stock_code, excluded`;

/** A dataset's data_version and whether its summary is of an older one; null when there is no such dataset. */
async function state(db: pg.Pool | pg.PoolClient, datasetId: number): Promise<{ version: number; stale: boolean } | null> {
  const { rows } = await db.query<{ version: number; stale: boolean }>(
    "select data_version as version, summarised_version is distinct from data_version as stale from datasets where id = $1",
    [datasetId],
  );
  return rows[0] ?? null;
}

/**
 * Makes a dataset's summary current: returns at once when it is, otherwise
 * builds it (or waits for the build under way). Answers the data_version the
 * summary is current at (what saved answers are keyed by), or null when there
 * is no such dataset: one query in the usual case.
 */
export async function ensureSummaries(pool: pg.Pool, datasetId: number): Promise<number | null> {
  for (let attempt = 1; ; attempt++) {
    const now = await state(pool, datasetId);
    if (!now || !now.stale) return now?.version ?? null;
    if (attempt > 3) throw new Error(`dataset ${datasetId} kept changing while its summary was built`);
    try {
      await build(pool, datasetId);
    } catch (error) {
      // A load or a delete committed while the build ran: the build was rolled back; build again.
      if ((error as { code?: string }).code !== "40001") throw error;
    }
  }
}

async function build(pool: pg.Pool, datasetId: number): Promise<void> {
  const client = await pool.connect();
  // customer_products is summed on a second connection, at the same time and from the same snapshot.
  const helper = new pg.Client(pool.options);
  let locked = false;
  let helperOpen = false;
  try {
    // One build at a time; whoever waited for this dataset's finds its summaries current.
    await client.query("select pg_advisory_lock($1, $2)", BUILD_LOCK);
    locked = true;
    // One snapshot for the version read and the lines summed, so the version recorded is the one summed.
    await client.query("begin isolation level repeatable read");
    const now = await state(client, datasetId);
    if (!now?.stale) {
      await client.query("rollback");
      return;
    }
    const { rows } = await client.query<{ snapshot: string }>("select pg_export_snapshot() as snapshot");
    await helper.connect();
    helperOpen = true;
    await helper.query("begin isolation level repeatable read");
    await helper.query(`set transaction snapshot '${rows[0]!.snapshot.replace(/'/g, "")}'`);
    const sum = async (db: pg.ClientBase, table: string, insert: string) => {
      await db.query(`delete from ${table} where dataset_id = $1`, [datasetId]);
      await db.query("set local work_mem = '256MB'"); // the hash aggregate in memory
      await db.query(insert, [datasetId]);
      // Statistics of the new sums, committed with them: the readers waiting for the summary must not plan their
      // queries on none (one overview query took 9 s on a fresh dataset planned blind, 0.1 s with statistics).
      await db.query(`analyze ${table}`);
    };
    await Promise.all([sum(client, "invoice_totals", BUILD_INVOICE_TOTALS), sum(helper, "customer_products", BUILD_CUSTOMER_PRODUCTS)]);
    // customer_products first: until the version below commits, readers wait for this build (and a failure
    // past this point leaves the version stale, so the next build makes both again).
    await helper.query("commit");
    // Fails with 40001 when a load or a delete changed the dataset since the snapshot.
    await client.query("update datasets set summarised_version = $2 where id = $1", [datasetId, now.version]);
    await client.query("commit");
    await client.query("select pg_advisory_unlock($1, $2)", BUILD_LOCK);
    locked = false;
    // Fresh statistics of the lines just loaded (product-level queries read them), once the readers have the summary.
    await client.query("analyze transaction_lines").catch(() => {});
  } catch (error) {
    await client.query("rollback").catch(() => {});
    if (helperOpen) await helper.query("rollback").catch(() => {});
    throw error;
  } finally {
    if (locked) await client.query("select pg_advisory_unlock($1, $2)", BUILD_LOCK).catch(() => {});
    client.release();
    if (helperOpen) await helper.end().catch(() => {});
  }
}

/** Deletes a dataset's summary, inside the caller's transaction, after any build under way has finished. */
export async function deleteSummaries(client: pg.PoolClient, datasetId: number): Promise<void> {
  await client.query("select pg_advisory_xact_lock($1, $2)", BUILD_LOCK);
  await client.query("delete from invoice_totals where dataset_id = $1", [datasetId]);
  await client.query("delete from customer_products where dataset_id = $1", [datasetId]);
}
