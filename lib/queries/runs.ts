import type pg from "pg";
import { z } from "zod";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { copyText } from "../ingest/copy-text";
import { attachPartition, createPartitionTable } from "../ingest/storage";
import { camelKeys, isoTime, num, rowOf, rowsOf, type Queryable } from "./rows";
import { inTransaction } from "./transaction";

/**
 * Segmentation runs as records (the data-access layer's repository for them):
 * saving a run with its segments and members, reading them back, pages of
 * members, the members CSV (COPY), two runs' crosstab. Their analytics are
 * the .sql files (segment-profile.sql and the others).
 */

const Json = z.record(z.string(), z.unknown());

export const RunRecord = z.object({
  id: z.number(),
  datasetId: z.number(),
  method: z.string(),
  params: Json,
  metrics: Json,
  customers: z.number(),
  durationMs: z.number(),
  createdAt: isoTime,
  /** When its pages' answers were all saved; null while they are being prepared. */
  preparedAt: isoTime.nullable(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export const SegmentRecord = z.object({
  no: z.number(),
  name: z.string(),
  customers: z.number(),
  orders: z.number(),
  revenue: num,
  profile: Json,
});
export type SegmentRecord = z.infer<typeof SegmentRecord>;

const Id = z.object({ id: z.number() });

/** One member as a line of COPY text (customer id, segment, scores, features, lifetime values): only the id can hold a character the format reserves. */
export function memberLine(
  customerId: string,
  segmentNo: number,
  scores: { r: number; f: number; m: number } | undefined,
  f: { recencyDays: number; frequency: number; monetary: number; averageOrderValue: number | null; tenureDays: number | null; products: number | null; returnRate: number | null } | null,
  v: { pAlive: number; expectedPurchases: number; clv: number | null; atRisk: boolean } | undefined,
): string {
  // Written field by field: a row array joined and escaped field by field cost 2 s of a million members.
  return (
    `${copyText(customerId)}\t${segmentNo}\t${number(scores?.r)}\t${number(scores?.f)}\t${number(scores?.m)}\t` +
    (f === null
      ? "\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t"
      : `${f.recencyDays}\t${f.frequency}\t${f.monetary.toFixed(2)}\t${f.averageOrderValue === null ? "\\N" : f.averageOrderValue.toFixed(2)}\t${number(f.tenureDays)}\t${number(f.products)}\t${number(f.returnRate)}\t`) +
    `${number(v?.pAlive)}\t${number(v?.expectedPurchases)}\t${v?.clv === null || v?.clv === undefined ? "\\N" : v.clv.toFixed(2)}\t${v ? (v.atRisk ? "t" : "f") : "\\N"}\n`
  );
}

const number = (x: number | null | undefined) => (x === null || x === undefined ? "\\N" : String(x));

/**
 * Saves a run, its segments and its members (memberLine's COPY text, in
 * chunks) in one transaction. The members go into a table of their own, made
 * in the transaction: COPY FREEZE (no WAL on the embedded server), then the
 * keys, then attached as the run's partition (lib/ingest/storage.ts).
 */
export async function insertRun(
  pool: pg.Pool,
  run: { datasetId: number; method: string; params: Record<string, unknown>; metrics: Record<string, unknown>; customers: number; durationMs: number },
  segments: SegmentRecord[],
  memberText: AsyncIterable<string>,
): Promise<number> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query(
      `insert into segmentation_runs (dataset_id, method, params, metrics, customers, duration_ms) values ($1, $2, $3, $4, $5, $6) returning id`,
      [run.datasetId, run.method, JSON.stringify(run.params), JSON.stringify(run.metrics), run.customers, run.durationMs],
    );
    const { id: runId } = Id.parse(rows[0]);
    await client.query(
      `insert into segments (run_id, segment_no, name, customers, orders, revenue, profile)
       select $1, no, name, customers, orders, revenue, profile
       from jsonb_to_recordset($2::jsonb) as s(no int, name text, customers int, orders int, revenue numeric, profile jsonb)`,
      [runId, JSON.stringify(segments)],
    );
    const members = await createPartitionTable(client, "segment_members", runId);
    await client.query(`alter table ${members} alter column run_id set default ${runId}`);
    await pipeline(
      Readable.from(memberText),
      client.query(
        copyFrom(
          `COPY ${members} (customer_id, segment_no, recency_score, frequency_score, monetary_score,
             recency_days, frequency, monetary, average_order_value, tenure_days, products, return_rate, p_alive, expected_purchases, clv, at_risk) FROM STDIN WITH (FREEZE)`,
        ),
      ),
    );
    // Two statements: Citus (where the table is distributed already) refuses ADD CONSTRAINT beside other subcommands.
    await client.query(`alter table ${members} add primary key (run_id, customer_id)`);
    await client.query(`alter table ${members} alter column run_id drop default`);
    await client.query(`create index on ${members} (run_id, segment_no)`);
    await attachPartition(client, "segment_members", members, runId);
    return runId;
  });
}

/** A run and its segments in segment order, or null. */
export async function readRun(db: Queryable, runId: number): Promise<{ run: RunRecord; segments: SegmentRecord[] } | null> {
  const run = await rowOf(
    db,
    z.preprocess(camelKeys, RunRecord),
    `select id, dataset_id, method, params, metrics, customers, duration_ms, created_at, prepared_at from segmentation_runs where id = $1`,
    [runId],
  );
  if (!run) return null;
  const segments = await rowsOf(
    db,
    SegmentRecord,
    `select segment_no as no, name, customers, orders, revenue::float8 as revenue, profile from segments where run_id = $1 order by segment_no`,
    [runId],
  );
  return { run, segments };
}

export async function runExists(db: pg.Pool | pg.ClientBase, runId: number): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from segmentation_runs where id = $1", [runId]);
  return (rowCount ?? 0) > 0;
}

/** Dataset and method of each of the runs that exist. */
export async function runsByIds(db: Queryable, ids: number[]): Promise<{ id: number; datasetId: number; method: string }[]> {
  const Row = RunRecord.pick({ id: true, datasetId: true, method: true });
  return rowsOf(db, z.preprocess(camelKeys, Row), "select id, dataset_id, method from segmentation_runs where id = any($1::int[])", [ids]);
}

const Member = z.object({
  customerId: z.string(),
  segment: z.string(),
  recencyScore: z.number().nullable(),
  frequencyScore: z.number().nullable(),
  monetaryScore: z.number().nullable(),
});

/** One page of a run's members, optionally of one segment (by name), in primary-key order (customer id), and how many there are. */
export async function memberPage(pool: pg.Pool, runId: number, segment: string | null, limit: number, offset: number) {
  const from = `from segment_members m join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no
     where m.run_id = $1 and ($2::text is null or s.name = $2)`;
  const [count, members] = await Promise.all([
    pool.query(`select count(*) as n ${from}`, [runId, segment]),
    rowsOf(
      pool,
      z.preprocess(camelKeys, Member),
      `select m.customer_id, s.name as segment, m.recency_score, m.frequency_score, m.monetary_score ${from}
       order by m.customer_id limit $3 offset $4`,
      [runId, segment, limit, offset],
    ),
  ]);
  return { total: z.object({ n: num }).parse(count.rows[0]).n, members };
}

/** Customers per pair of segments of two runs (counted in SQL: a million members each never leave the database). */
export async function runCrosstabCounts(pool: pg.Pool, firstId: number, secondId: number): Promise<{ a: string; b: string; n: number }[]> {
  return rowsOf(
    pool,
    z.object({ a: z.string(), b: z.string(), n: z.number() }),
    `select sa.name as a, sb.name as b, count(*)::int as n
     from segment_members ma
     join segment_members mb on mb.run_id = $2 and mb.customer_id = ma.customer_id
     join segments sa on sa.run_id = ma.run_id and sa.segment_no = ma.segment_no
     join segments sb on sb.run_id = mb.run_id and sb.segment_no = mb.segment_no
     where ma.run_id = $1
     group by sa.name, sb.name`,
    [firstId, secondId],
  );
}

/** Whether a run's pages are ready: its prepared mark and how many of its answers are saved. Null when there is no such run. */
export async function runReadiness(pool: pg.Pool, runId: number): Promise<{ prepared: boolean; done: number } | null> {
  return rowOf(
    pool,
    z.object({ prepared: z.boolean(), done: z.number() }),
    `select r.prepared_at is not null as prepared, (select count(*)::int from query_results q where q.scope = 'run:' || r.id) as done
     from segmentation_runs r where r.id = $1`,
    [runId],
  );
}

/** Columns of the members CSV: the customer, the segment, the scores, the features it was segmented with, and its lifetime value. */
export const MEMBER_CSV_COLUMNS = [
  "customer_id", "segment", "recency_score", "frequency_score", "monetary_score",
  "recency_days", "frequency", "monetary", "average_order_value", "tenure_days", "products", "return_rate",
  "p_alive", "expected_purchases", "clv",
];
const DECIMAL_MEMBER_COLUMNS = new Set(["monetary", "average_order_value", "return_rate", "clv"]);

/**
 * A run's members (or one segment's) as CSV bytes, as PostgreSQL's COPY
 * writes them (RFC 4180 quoting; a million rows in about 2.5 s, where reading
 * them into JavaScript and writing them out again took 9 s). Ids and names
 * that a spreadsheet would run as a formula (starting with = + - @, a tab or
 * a CR) get a leading quote; decimals lose their trailing zeros (123.40 as
 * 123.4). membersCsvStatement is the statement, to rerun in psql.
 */
export async function* membersCsv(pool: pg.Pool, runId: number, segment?: string): AsyncGenerator<Uint8Array> {
  const client = await pool.connect();
  let finished = false;
  try {
    const stream = client.query(copyTo(membersCsvStatement(client, runId, segment)));
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
      finished = true;
    } finally {
      if (!finished) stream.destroy();
    }
  } finally {
    // A download dropped half-way leaves the connection mid-COPY: it is closed, not reused.
    client.release(finished ? undefined : true);
  }
}

/** The COPY statement of membersCsv (COPY takes no parameters: the run id is a number, the segment a quoted literal). */
export function membersCsvStatement(db: pg.ClientBase, runId: number, segment?: string): string {
  if (!Number.isSafeInteger(runId)) throw new RangeError(`not a run id: ${runId}`);
  const safe = (column: string) => `case when ${column} ~ E'^[-=+@\\t\\r]' then '''' || ${column} else ${column} end`;
  const figures = MEMBER_CSV_COLUMNS.slice(2).map((c) => (DECIMAL_MEMBER_COLUMNS.has(c) ? `trim_scale(m.${c}) as ${c}` : `m.${c}`));
  return `copy (select ${safe("m.customer_id")} as customer_id, ${safe("s.name")} as segment, ${figures.join(", ")}
        from segment_members m join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no
        where m.run_id = ${runId}${segment === undefined ? "" : ` and s.name = ${db.escapeLiteral(segment)}`}
        order by m.customer_id) to stdout with (format csv, header)`;
}

export const RunSummary = z.object({
  id: z.number(),
  datasetId: z.number(),
  datasetName: z.string(),
  method: z.string(),
  customers: z.number(),
  createdAt: isoTime,
  /** False for a run on a customers file alone (no purchase columns to show). */
  purchases: z.boolean(),
  segments: z.array(z.object({ no: z.number(), name: z.string(), customers: z.number() })),
  /** The churn and value models the run saved (metrics.lifetimeValue), read by lib/services/lifetime-values.ts. */
  lifetimeValue: z.unknown(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** A run's identity and segments, without its metrics (a dendrogram can be large). */
export async function getRunSummary(pool: pg.Pool, runId: number): Promise<RunSummary | null> {
  return rowOf(
    pool,
    z.preprocess(camelKeys, RunSummary),
    `select r.id, r.dataset_id, d.name as dataset_name, r.method, r.customers, r.created_at,
            coalesce(r.params ->> 'purchases', 'true') <> 'false' as purchases, r.metrics -> 'lifetimeValue' as lifetime_value,
            coalesce((select json_agg(json_build_object('no', s.segment_no, 'name', s.name, 'customers', s.customers) order by s.segment_no)
                      from segments s where s.run_id = r.id), '[]') as segments
     from segmentation_runs r join datasets d on d.id = r.dataset_id
     where r.id = $1`,
    [runId],
  );
}


/** A run's segment names in segment order. */
export async function segmentNames(db: pg.Pool, runId: number): Promise<string[]> {
  const rows = await rowsOf(db, z.object({ name: z.string() }), "select name from segments where run_id = $1 order by segment_no", [runId]);
  return rows.map((r) => r.name);
}

/** Each member's segment name, by customer id. */
export async function memberSegmentNames(db: pg.Pool, runId: number): Promise<Map<string, string>> {
  const { rows } = await db.query({
    text: `select m.customer_id, s.name from segment_members m join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no where m.run_id = $1`,
    values: [runId],
    rowMode: "array",
  });
  // A row per member, up to a million: checked by hand, not by zod (which would add ~0.3 s per 1M rows of 2 fields).
  const names = new Map<string, string>();
  for (const [customerId, name] of rows) {
    if (typeof customerId !== "string" || typeof name !== "string") throw new TypeError(`not a customer id and a segment name: ${customerId}, ${name}`);
    names.set(customerId, name);
  }
  return names;
}

const RunShape = z.object({
  purchases: z.boolean(),
  outcome: z.object({ name: z.string(), key: z.string(), kind: z.enum(["yes_no", "category"]) }).nullable(),
});
export type RunShape = z.infer<typeof RunShape>;

/** Whether a run segmented buyers (false: a customers file alone) and the outcome column it shows, if any. */
export async function runShape(db: pg.Pool | pg.ClientBase, runId: number): Promise<RunShape | null> {
  const { rows } = await db.query(
    `select coalesce(params ->> 'purchases', 'true') <> 'false' as purchases, params -> 'outcome' as outcome from segmentation_runs where id = $1`,
    [runId],
  );
  return rows[0] === undefined ? null : RunShape.parse(rows[0]);
}
