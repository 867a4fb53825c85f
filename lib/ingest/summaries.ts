import type pg from "pg";
import { customerFeaturesSql } from "../queries/customer-features";
import { repeatSummarySql } from "../queries/repeat-summary";
import { transaction } from "../queries/transaction";
import { attachPartition, createPartitionTable, dropPartition, partitionExists, partitionName } from "./storage";

/**
 * The summaries the analytics read instead of a dataset's lines, built by the
 * dataset's preparation after each load (lib/services/preparation.ts), each
 * into the dataset's own partition (storage.ts):
 * - invoice_totals: the lines summed per invoice, customer, time, country and
 *   cleaning bits. Each group keeps its cleaning bits and its time, so any
 *   combination of cleaning rules and any analysis date gives the same answer
 *   from the sums as from the lines (an integration test holds them to that);
 * - customer_products: the lines no cleaning rule applies to, summed per
 *   customer and product (distinct products and top products at the defaults);
 * - customer_summaries: per customer, customer-features.sql beside
 *   repeat-summary.sql at the dataset's defaults, so a run at the defaults
 *   reads one row per customer;
 * - customer_countries: per customer and country of its invoices, the orders
 *   and revenue the defaults keep (a run's revenue per country);
 * - product_descriptions: each product's most used description over the
 *   lines the defaults keep (the products a run's segments buy).
 *
 * Loads bump datasets.data_version; the summaries are current when
 * summarised_version equals it. Readers never build them: they read what is
 * current, or say the dataset is being prepared.
 */

const BUILD_INVOICE_TOTALS = (table: string) => `
insert into ${table} (dataset_id, invoice_no, customer_id, customer_key, invoice_date, country, excluded, lines, quantity, value, positive_value, negative_value)
select dataset_id, invoice_no, customer_id, customer_key, invoice_date, country, excluded,
       count(*), sum(quantity), sum(coalesce(line_total, quantity * unit_price)),
       coalesce(sum(coalesce(line_total, quantity * unit_price)) filter (where coalesce(line_total, quantity * unit_price) > 0), 0),
       coalesce(sum(coalesce(line_total, quantity * unit_price)) filter (where coalesce(line_total, quantity * unit_price) < 0), 0)
from transaction_lines
where dataset_id = $1
group by dataset_id, invoice_no, customer_id, customer_key, invoice_date, country, excluded`;

// customer_key is the customer's id on these lines (excluded = 0: not a guest's), and the column the lines are
// distributed on by a Citus cluster, where the build then runs whole on each worker (customer-features.sql).
const BUILD_CUSTOMER_PRODUCTS = (table: string) => `
insert into ${table} (dataset_id, customer_id, stock_code, first_date, last_date, lines, quantity, revenue)
select dataset_id, customer_key, stock_code, min(invoice_date), max(invoice_date), count(*), sum(quantity), sum(coalesce(line_total, quantity * unit_price))
from transaction_lines
where dataset_id = $1 and excluded = 0 and stock_code is not null
group by dataset_id, customer_key, stock_code`;

// Per customer, country and invoice first (orders count invoices), in hashed groupings.
const BUILD_CUSTOMER_COUNTRIES = (table: string) => `
insert into ${table} (dataset_id, customer_id, country, orders, revenue)
select $1, customer_id, country, count(*), sum(revenue)
from (select customer_key as customer_id, coalesce(nullif(btrim(country), ''), 'Unspecified') as country, invoice_no, sum(value) as revenue
      from invoice_totals
      where dataset_id = $1 and excluded = 0 and customer_id is not null
      group by 1, 2, 3) per_invoice
group by customer_id, country`;

// The most used description (of equally used ones, the first in order), as segment-top-products.sql
// counted them over the lines.
const BUILD_PRODUCT_DESCRIPTIONS = (table: string) => `
insert into ${table} (dataset_id, stock_code, description)
select distinct on (stock_code) $1, stock_code, description
from (select stock_code, description, count(*) as lines
      from transaction_lines
      where dataset_id = $1 and excluded = 0 and stock_code is not null and description is not null
      group by 1, 2) per_description
order by stock_code, lines desc, description`;

const SUMMARY_COLUMNS = [
  "customer_id", "recency_days", "frequency", "monetary", "average_order_value", "tenure_days", "products", "return_rate", "age", "gender", "country",
  "repeat_frequency", "repeat_recency_days", "t_days", "repeat_monetary",
] as const;

/** A SQL file's statement without its final ORDER BY (a subquery's order is lost anyway). */
const unordered = (statement: string) => statement.replace(/\border by [^;()]*$/i, "");

const BUILD_CUSTOMER_SUMMARIES = (table: string) => `
insert into ${table} (dataset_id, ${SUMMARY_COLUMNS.join(", ")})
select $1, f.customer_id, f.recency_days, f.frequency, f.monetary, f.average_order_value, f.tenure_days, f.products, f.return_rate, f.age, f.gender, f.country,
       r.frequency, r.recency_days, r.t_days, r.monetary
from (${unordered(customerFeaturesSql().statement)}) f
join (${unordered(repeatSummarySql().statement)}) r using (customer_id)`;

/** Fresh statistics of a dataset's lines (its partition alone), for the plans of everything built from them. */
export async function analyzeLines(db: pg.ClientBase, datasetId: number): Promise<void> {
  if (await partitionExists(db, "transaction_lines", datasetId)) await db.query(`analyze ${partitionName("transaction_lines", datasetId)}`);
}

/**
 * Builds one summary of a dataset into a new partition (the old one, stale, is
 * dropped first): rows, then statistics, then attached. `db` must not be in a
 * transaction (the old partition is detached CONCURRENTLY).
 */
type Summary = "invoice_totals" | "customer_products" | "customer_summaries" | "customer_countries" | "product_descriptions";

async function build(db: pg.Client | pg.PoolClient, pool: pg.Pool, table: Summary, datasetId: number, insert: string): Promise<void> {
  const name = partitionName(table, datasetId);
  await dropPartition(pool, table, name);
  await transaction(db, async () => {
    await createPartitionTable(db, table, datasetId);
    await db.query(insert, [datasetId]);
  });
  // Statistics before it is attached: the first queries on it are planned on them.
  await db.query(`analyze ${name}`);
  await attachPartition(db, table, name, datasetId);
}

export async function buildInvoiceTotals(db: pg.Client | pg.PoolClient, pool: pg.Pool, datasetId: number): Promise<void> {
  await build(db, pool, "invoice_totals", datasetId, BUILD_INVOICE_TOTALS(partitionName("invoice_totals", datasetId)));
}

export async function buildCustomerProducts(db: pg.Client | pg.PoolClient, pool: pg.Pool, datasetId: number): Promise<void> {
  await build(db, pool, "customer_products", datasetId, BUILD_CUSTOMER_PRODUCTS(partitionName("customer_products", datasetId)));
}

/** Needs the dataset's invoice_totals (built first). */
export async function buildCustomerCountries(db: pg.Client | pg.PoolClient, pool: pg.Pool, datasetId: number): Promise<void> {
  await build(db, pool, "customer_countries", datasetId, BUILD_CUSTOMER_COUNTRIES(partitionName("customer_countries", datasetId)));
}

export async function buildProductDescriptions(db: pg.Client | pg.PoolClient, pool: pg.Pool, datasetId: number): Promise<void> {
  await build(db, pool, "product_descriptions", datasetId, BUILD_PRODUCT_DESCRIPTIONS(partitionName("product_descriptions", datasetId)));
}

/** Needs the dataset's invoice_totals and customer_products (built first). */
export async function buildCustomerSummaries(db: pg.Client | pg.PoolClient, pool: pg.Pool, datasetId: number): Promise<void> {
  await build(db, pool, "customer_summaries", datasetId, BUILD_CUSTOMER_SUMMARIES(partitionName("customer_summaries", datasetId)));
}

/**
 * Records that the summaries are of `version`, unless a load changed the
 * dataset meanwhile (then they are of an older version and stay stale: the
 * next preparation builds them again). Returns whether they were recorded.
 */
export async function markSummarised(db: pg.ClientBase, datasetId: number, version: number): Promise<boolean> {
  const { rowCount } = await db.query("update datasets set summarised_version = $2 where id = $1 and data_version = $2", [datasetId, version]);
  return (rowCount ?? 0) > 0;
}
