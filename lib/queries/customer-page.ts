import type pg from "pg";
import { z } from "zod";
import { CustomerQuery, type CustomerColumnId, type CustomerPage, type CustomerRow } from "../customer-table";
import { num, numOrNull, rowOf, rowsOf } from "./rows";

/**
 * The customers table's query: one page of a run's customers, filtered and
 * sorted in SQL, built from a whitelist of columns (only these reach the
 * statement; every value is a parameter).
 */

/** SQL expression of each sortable/filterable column (whitelist: only these reach the statement). */
const COLUMN_SQL: Record<CustomerColumnId, string> = {
  customer_id: "m.customer_id",
  segment: "m.segment_no",
  recency_score: "m.recency_score",
  frequency_score: "m.frequency_score",
  monetary_score: "m.monetary_score",
  recency_days: "m.recency_days",
  frequency: "m.frequency",
  monetary: "m.monetary",
  average_order_value: "m.average_order_value",
  tenure_days: "m.tenure_days",
  products: "m.products",
  return_rate: "m.return_rate",
  p_alive: "m.p_alive",
  expected_purchases: "m.expected_purchases",
  clv: "m.clv",
};

/** A member as the page reads it (segment_members: numerics arrive as text). */
const MemberRow = z.object({
  customer_id: z.string(),
  segment_no: z.number(),
  recency_score: z.number().nullable(),
  frequency_score: z.number().nullable(),
  monetary_score: z.number().nullable(),
  recency_days: z.number().nullable(),
  frequency: z.number().nullable(),
  monetary: numOrNull,
  average_order_value: numOrNull,
  tenure_days: z.number().nullable(),
  products: z.number().nullable(),
  return_rate: numOrNull,
  p_alive: z.number().nullable(),
  expected_purchases: z.number().nullable(),
  clv: numOrNull,
});

const Count = z.object({ n: num });

/** The run's dataset, size and segments (their names and sizes). */
const RunRow = z.object({
  dataset_id: z.number(),
  customers: z.number(),
  segments: z.array(z.object({ no: z.number(), name: z.string(), customers: z.number() })),
  other_dataset_id: z.number().nullable(),
});

/** From this offset on, a page sorts only the keys before reading its rows. */
const DEEP_OFFSET = 10_000;

/** The smallest string above every string that starts with `prefix` (in code-point order), or null. */
function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)!;
  const next = last + 1;
  if (next > 0x10ffff || (next >= 0xd800 && next <= 0xdfff)) return null;
  return points.join("") + String.fromCodePoint(next);
}

/**
 * One page of a run's customers, filtered and sorted on the server.
 *
 * - Sorting: a whitelisted column, nulls last either way, customer_id as the
 *   tie-breaker in the same direction, so every order is total and pages
 *   never overlap.
 * - Paging: LIMIT/OFFSET; when sorting by customer id and the caller passes
 *   the previous page's last id (`after`), keyset paging on the primary key.
 * - Count: with the same filters; without a search or range filter it is the
 *   saved size of the run or segment (no count over a million rows).
 */
export async function listCustomers(pool: pg.Pool, runId: number, raw: unknown, options: { deepOffset?: number } = {}): Promise<CustomerPage | null> {
  const query = CustomerQuery.parse(raw);
  const run = await rowOf(
    pool,
    RunRow,
    `select r.dataset_id, r.customers,
            coalesce((select json_agg(json_build_object('no', s.segment_no, 'name', s.name, 'customers', s.customers) order by s.segment_no)
                      from segments s where s.run_id = r.id), '[]') as segments,
            (select o.dataset_id from segmentation_runs o where o.id = $2) as other_dataset_id
     from segmentation_runs r where r.id = $1`,
    [runId, query.other_run ?? null],
  );
  if (!run) return null;
  const names = new Map(run.segments.map((s) => [s.no, s.name]));

  const values: unknown[] = [runId];
  const where = ["m.run_id = $1"];
  const param = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  if (query.segment !== undefined) where.push(`m.segment_no = ${param(query.segment)}`);
  if (query.q) {
    // Ids starting with q: a range on the primary key (run_id, customer_id), so a million members cost an index probe.
    // starts_with keeps the answer exact whatever the collation; the range only narrows the scan.
    const q = param(query.q);
    where.push(`m.customer_id >= ${q}`);
    const next = prefixUpperBound(query.q);
    if (next !== null) where.push(`m.customer_id < ${param(next)}`);
    where.push(`starts_with(m.customer_id, ${q})`);
  }
  if (query.field) {
    const column = COLUMN_SQL[query.field];
    if (query.min !== undefined) where.push(`${column} >= ${param(query.min)}`);
    if (query.max !== undefined) where.push(`${column} <= ${param(query.max)}`);
  }
  if (query.other_run !== undefined) {
    // Where the customers are in another run of the dataset (of another dataset, nothing matches): segments over time.
    // The other run's dataset is read with the run, not in this statement: Citus refuses a NOT EXISTS over the
    // members beside a subquery over segmentation_runs, a reference table there ('complex joins are only supported
    // when all distributed tables are co-located and joined on their distribution columns').
    if (run.other_dataset_id !== run.dataset_id) where.push("false");
    const other = param(query.other_run);
    const member = `select 1 from segment_members x where x.run_id = ${other} and x.customer_id = m.customer_id`;
    if (query.other_segment === "none") where.push(`not exists (${member})`);
    else where.push(`exists (${member}${query.other_segment === undefined ? "" : ` and x.segment_no = ${param(query.other_segment)}`})`);
  }
  const filtered = where.length > 1 + (query.segment !== undefined ? 1 : 0);
  const countValues = [...values];
  const countWhere = [...where];

  const dir = query.dir === "desc" ? "desc" : "asc";
  const sortColumn = COLUMN_SQL[query.sort];
  let order: string;
  let offset = (query.page - 1) * query.size;
  if (query.sort === "customer_id") {
    order = `m.customer_id ${dir}`;
    if (query.after !== undefined) {
      where.push(`m.customer_id ${dir === "asc" ? ">" : "<"} ${param(query.after)}`);
      offset = 0;
    }
  } else {
    order = `${sortColumn} ${dir} nulls last, m.customer_id ${dir}`;
  }
  const columns = `m.customer_id, m.segment_no, m.recency_score, m.frequency_score, m.monetary_score, m.recency_days, m.frequency,
            m.monetary, m.average_order_value, m.tenure_days, m.products, m.return_rate, m.p_alive, m.expected_purchases, m.clv`;
  // Deep pages sort only the keys, then read the page's rows (half the time at a million members, offset 500,000).
  const pageSql =
    offset >= (options.deepOffset ?? DEEP_OFFSET) && query.sort !== "customer_id"
      ? `select ${columns}
         from (select m.customer_id, ${sortColumn} as k from segment_members m where ${where.join(" and ")}
               order by ${order} limit ${param(query.size)} offset ${param(offset)}) page
         join segment_members m on m.run_id = $1 and m.customer_id = page.customer_id
         order by page.k ${dir} nulls last, page.customer_id ${dir}`
      : `select ${columns}
         from segment_members m
         where ${where.join(" and ")}
         order by ${order}
         limit ${param(query.size)} offset ${param(offset)}`;

  const knownTotal = filtered ? null : query.segment === undefined ? run.customers : (run.segments.find((s) => s.no === query.segment)?.customers ?? 0);
  const [page, count] = await Promise.all([
    rowsOf(pool, MemberRow, pageSql, values),
    knownTotal === null
      ? pool.query(`select count(*) as n from segment_members m where ${countWhere.join(" and ")}`, countValues).then(({ rows }) => Count.parse(rows[0]).n)
      : Promise.resolve(knownTotal),
  ]);
  return {
    runId,
    datasetId: run.dataset_id,
    total: count,
    page: query.page,
    size: query.size,
    sort: query.sort,
    dir,
    rows: page.map((r): CustomerRow => ({
      customerId: r.customer_id,
      segmentNo: r.segment_no,
      segment: names.get(r.segment_no) ?? `Segment ${r.segment_no}`,
      recencyScore: r.recency_score,
      frequencyScore: r.frequency_score,
      monetaryScore: r.monetary_score,
      recencyDays: r.recency_days,
      frequency: r.frequency,
      monetary: r.monetary,
      averageOrderValue: r.average_order_value,
      tenureDays: r.tenure_days,
      products: r.products,
      returnRate: r.return_rate,
      pAlive: r.p_alive,
      expectedPurchases: r.expected_purchases,
      clv: r.clv,
    })),
  };
}

/** What the customers table runs, as a template (the service writes the chosen column, direction and filters in). */
export const CUSTOMER_PAGE_SQL = `-- One page of a run's customers. The column and direction come from a fixed list (sort=, dir=);
-- customer_id breaks ties, so pages never overlap. Filters are added only when set.
select m.customer_id, m.segment_no, m.recency_score, m.frequency_score, m.monetary_score,
       m.recency_days, m.frequency, m.monetary, m.average_order_value, m.tenure_days, m.products,
       m.return_rate, m.p_alive, m.expected_purchases, m.clv
from segment_members m
where m.run_id = :run_id
  and m.segment_no = :segment                          -- segment=
  and starts_with(m.customer_id, :'q')                 -- q= (ids starting with it)
  and m.<field> >= :min and m.<field> <= :max          -- field=, min=, max=
  and exists (select 1 from segment_members x          -- other_run=, other_segment= (another run of the dataset;
              where x.run_id = :other_run               --   other_segment=none: not exists, customers absent from it)
                and x.customer_id = m.customer_id and x.segment_no = :other_segment)
order by m.<sort> <dir> nulls last, m.customer_id <dir>
limit :size offset (:page - 1) * :size;
-- Sorting by customer id with the previous page's last id at hand, the page is
--   where m.customer_id > :'after' order by m.customer_id limit :size   (keyset, no offset).
-- The count (same filters) is the saved size of the run or segment when there is no q or range:
select count(*) from segment_members m where m.run_id = :run_id and ...;`;

