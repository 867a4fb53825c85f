import type pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { z } from "zod";
import { InputError, NotFoundError } from "../errors";
import { RULE_KEYS, rulesMask } from "../ingest/cleaning";
import { copyText } from "../ingest/copy-text";
import { attachPartition, createPartitionTable } from "../ingest/storage";
import { getRunInputs, type CustomerFeatures } from "../queries/customer-features";
import { savedAnswer } from "../queries/cache";
import { atDefaults } from "../queries/sql-file";
import { customerValues, lifetimeFitQuery, type CustomerValue } from "./clv";
import { preparerFor } from "./preparation";
import { logLine } from "../log";
import { adjustedRandIndexOf, crosstabOf } from "../segmentation/compare";
import { hierarchicalSegmentation } from "../segmentation/hierarchical";
import { kmeansSegmentation } from "../segmentation/kmeans";
import { analyseRules, assignSegments, OTHERS, rfmScores, STANDARD_RULES, type SegmentRule } from "../segmentation/rfm";

/**
 * Segmentation runs: read per-customer features (SQL), run the method (pure
 * math in lib/segmentation), and save the run, its segments and every
 * customer's segment (COPY) in one transaction. The HTTP API and the
 * dashboard's server actions both call runSegmentation.
 */
export const FEATURE_KEYS = ["recencyDays", "frequency", "monetary", "averageOrderValue", "tenureDays", "products", "returnRate", "age"] as const;
export type FeatureKey = (typeof FEATURE_KEYS)[number];

const scoreRange = z
  .tuple([z.number().int().min(1).max(10), z.number().int().min(1).max(10)])
  .refine(([lo, hi]) => lo <= hi, "the lower score must not exceed the upper one");
const binsField = z.union([z.number().int().min(2).max(10), z.array(z.number()).min(1).max(9)]);

export const SegmentationInput = z.object({
  method: z.enum(["rfm", "kmeans", "hierarchical"]),
  /** YYYY-MM-DD; default: the day after the dataset's last invoice. */
  analysisDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD").optional(),
  /** RFM: bins for all three scores, or per score (a count or breakpoints). */
  bins: z.union([binsField, z.object({ recency: binsField, frequency: binsField, monetary: binsField }).partial()]).optional(),
  /** RFM: the ordered rule table; default: the standard segments. */
  rules: z.array(z.object({ name: z.string().trim().min(1).max(60), recency: scoreRange, frequency: scoreRange, monetary: scoreRange })).min(1).max(40).optional(),
  k: z.union([z.number().int().min(2).max(20), z.literal("auto")]).optional(),
  features: z.array(z.enum(FEATURE_KEYS)).min(1).max(FEATURE_KEYS.length).optional(),
  seed: z.number().int().optional(),
  /** Cleaning rules that leave lines out of this run (default: all of them). */
  cleaning: z.array(z.enum(RULE_KEYS)).optional(),
});
export type SegmentationInput = z.infer<typeof SegmentationInput>;

export interface SegmentSummary {
  no: number;
  name: string;
  customers: number;
  orders: number;
  revenue: number;
  customerShare: number;
  revenueShare: number;
  averageOrderValue: number;
  profile: Record<string, unknown>;
}

export interface RunDetail {
  id: number;
  datasetId: number;
  method: string;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  customers: number;
  durationMs: number;
  createdAt: string;
  /** When its pages' answers were all saved; null while they are being prepared. */
  preparedAt: string | null;
  segments: SegmentSummary[];
}

interface Assignment {
  names: string[];
  /** Segment index of each customer, in the order of `names`. */
  members: number[];
  scores?: { r: number; f: number; m: number }[];
  metrics: Record<string, unknown>;
  params: Record<string, unknown>;
  profiles?: Record<string, unknown>[];
}

function rfm(features: CustomerFeatures[], input: SegmentationInput): Assignment {
  const perScore = (key: "recency" | "frequency" | "monetary") => (typeof input.bins === "object" && !Array.isArray(input.bins) ? input.bins[key] : input.bins) ?? 5;
  const bins = { recency: perScore("recency"), frequency: perScore("frequency"), monetary: perScore("monetary") };
  const result = rfmScores(features, { recencyBins: bins.recency, frequencyBins: bins.frequency, monetaryBins: bins.monetary });
  const rules: SegmentRule[] = input.rules ?? STANDARD_RULES;
  const labels = assignSegments(result.customers, rules);
  const names = [...rules.map((r) => r.name).filter((name, i, all) => all.indexOf(name) === i), OTHERS];
  const index = new Map(names.map((n, i) => [n, i]));
  const counts = { recency: result.bins.recency.length, frequency: result.bins.frequency.length, monetary: result.bins.monetary.length };
  return {
    names,
    members: labels.map((l) => index.get(l)!),
    scores: result.customers.map((c) => ({ r: c.recencyScore, f: c.frequencyScore, m: c.monetaryScore })),
    params: { bins, rules },
    metrics: { bins: result.bins, rules: analyseRules(rules, counts) },
    profiles: names.map((name) => {
      const rule = rules.find((r) => r.name === name);
      return rule ? { recency: rule.recency, frequency: rule.frequency, monetary: rule.monetary } : {};
    }),
  };
}

/** The chosen features of every customer, in the order of `keys`; every customer must have them all. */
function featureRows(features: CustomerFeatures[], input: SegmentationInput): { keys: FeatureKey[]; rows: number[][] } {
  const keys = input.features ?? ["recencyDays", "frequency", "monetary"];
  const missing = features.filter((f) => keys.some((k) => f[k] === null)).length;
  if (missing > 0) throw new InputError("features", `${missing} customers have no value for ${keys.join(", ")} (age needs a customers file)`);
  return { keys, rows: features.map((f) => keys.map((key) => f[key] as number)) };
}

async function hierarchical(features: CustomerFeatures[], input: SegmentationInput): Promise<Assignment> {
  const { keys, rows } = featureRows(features, input);
  if (input.k === "auto") throw new InputError("k", "hierarchical segmentation needs a number of segments; use kmeans for auto");
  const k = input.k ?? 5;
  const seed = input.seed ?? 1;
  const result = await hierarchicalSegmentation(keys, rows, { k, seed });
  return {
    names: result.profiles.map((p) => p.name),
    members: result.labels,
    params: { k, features: keys, seed, linkage: "ward" },
    metrics: { quality: result.quality, dendrogram: result.dendrogram, scaling: result.scaling },
    profiles: result.profiles.map((p) => ({ means: p.means })),
  };
}

async function kmeans(features: CustomerFeatures[], input: SegmentationInput): Promise<Assignment> {
  const { keys, rows } = featureRows(features, input);
  const k = input.k ?? "auto";
  const seed = input.seed ?? 1;
  const result = await kmeansSegmentation(keys, rows, { k, seed });
  return {
    names: result.profiles.map((p) => p.name),
    members: result.labels,
    params: { k, chosenK: result.k, features: keys, seed },
    metrics: { quality: result.quality, candidates: result.candidates, scaling: result.scaling },
    profiles: result.profiles.map((p) => ({ means: p.means, centroid: result.centroids[p.cluster] })),
  };
}

export async function runSegmentation(pool: pg.Pool, datasetId: number, raw: unknown): Promise<RunDetail> {
  const input = SegmentationInput.parse(raw);
  const exists = await pool.query("select 1 from datasets where id = $1", [datasetId]);
  if (!exists.rowCount) throw new NotFoundError(`There is no dataset ${datasetId}.`);
  const started = performance.now();
  // Runs read the dataset's summaries: right after a load, they wait for its preparation to build them.
  await preparerFor(pool).summaries(datasetId);
  const cleaning = input.cleaning ?? RULE_KEYS;
  const options = { analysisDate: input.analysisDate, rulesMask: rulesMask(cleaning) };
  // The lifetime-value fit reads its own query; both run at once.
  // At the defaults, the models fitted by the dataset's preparation (else fitted here, on this run's inputs).
  const [{ features, repeats }, savedFit] = await Promise.all([
    getRunInputs(pool, datasetId, options),
    atDefaults(options) ? savedAnswer(pool, { datasetId }, lifetimeFitQuery(pool, datasetId)) : null,
  ]);
  const read = performance.now();
  const values = customerValues(repeats, { fit: savedFit ?? undefined });
  if (features.length === 0) throw new InputError("analysisDate", "no customer bought anything before the analysis date (with these cleaning rules)", "no_customers");

  let assignment: Assignment;
  if (input.method === "rfm") assignment = rfm(features, input);
  else if (input.method === "kmeans") assignment = await kmeans(features, input);
  else assignment = await hierarchical(features, input);
  const segmented = performance.now();

  const params = { analysisDate: input.analysisDate ?? null, cleaning, ...assignment.params };
  const { values: perCustomer, ...fit } = values.ok ? values : { values: null, ...values };
  assignment.metrics.lifetimeValue = fit;
  const run = await saveRun(pool, datasetId, input.method, params, assignment, features, perCustomer, Math.round(performance.now() - started));
  const ms = (from: number, to: number) => Math.round(to - from);
  logLine(`run ${run.id} (${input.method}, ${features.length} customers) saved in ${ms(started, performance.now())} ms: inputs ${ms(started, read)}, lifetime values and segments ${ms(read, segmented)}, saving ${ms(segmented, performance.now())}`);
  // Its pages' answers, computed once, before any other preparation waiting (preparation.ts).
  void preparerFor(pool).prepareRun(run.id);
  return run;
}

/** P(alive) below which a customer counts as at risk of churning. */
export const AT_RISK_BELOW = 0.5;

async function saveRun(
  pool: pg.Pool,
  datasetId: number,
  method: string,
  params: Record<string, unknown>,
  a: Assignment,
  features: CustomerFeatures[],
  values: Map<string, CustomerValue> | null,
  durationMs: number,
): Promise<RunDetail> {
  // Totals per segment, in one pass over the customers.
  const totals = a.names.map(() => ({ customers: 0, orders: 0, revenue: 0, recencyDays: 0, pAlive: 0, valued: 0, atRisk: 0, atRiskRevenue: 0, expectedPurchases: 0, clv: 0 }));
  features.forEach((f, i) => {
    const t = totals[a.members[i]!]!;
    t.customers++;
    t.orders += f.frequency;
    t.revenue += f.monetary;
    t.recencyDays += f.recencyDays;
    const v = values?.get(f.customerId);
    if (v) {
      t.valued++;
      t.pAlive += v.pAlive;
      t.expectedPurchases += v.expectedPurchases;
      t.clv += v.clv ?? 0;
      if (v.pAlive < AT_RISK_BELOW) {
        t.atRisk++;
        t.atRiskRevenue += f.monetary;
      }
    }
  });
  const cents = (x: number) => Math.round(x * 100) / 100;
  const segments = a.names.map((name, no) => {
    const t = totals[no]!;
    const mean = (sum: number) => (t.customers ? sum / t.customers : null);
    const churn = values && t.valued
      ? { pAlive: t.pAlive / t.valued, atRiskCustomers: t.atRisk, atRiskRevenue: cents(t.atRiskRevenue), expectedPurchases: t.expectedPurchases, lifetimeValue: cents(t.clv) }
      : {};
    return {
      no,
      name,
      customers: t.customers,
      orders: t.orders,
      revenue: cents(t.revenue),
      profile: { ...(a.profiles?.[no] ?? {}), recencyDays: mean(t.recencyDays), frequency: mean(t.orders), monetary: mean(t.revenue), ...churn },
    };
  });
  const client = await pool.connect();
  try {
    await client.query("begin");
    const { rows } = await client.query<{ id: number }>(
      `insert into segmentation_runs (dataset_id, method, params, metrics, customers, duration_ms) values ($1, $2, $3, $4, $5, $6) returning id`,
      [datasetId, method, JSON.stringify(params), JSON.stringify(a.metrics), features.length, durationMs],
    );
    const runId = rows[0]!.id;
    await client.query(
      `insert into segments (run_id, segment_no, name, customers, orders, revenue, profile)
       select $1, no, name, customers, orders, revenue, profile
       from jsonb_to_recordset($2::jsonb) as s(no int, name text, customers int, orders int, revenue numeric, profile jsonb)`,
      [runId, JSON.stringify(segments)],
    );
    // The members go into a table of their own, made in this transaction: COPY FREEZE (no WAL on the embedded
    // server), then the keys, then attached as the run's partition (lib/ingest/storage.ts).
    const members = await createPartitionTable(client, "segment_members", runId);
    await client.query(`alter table ${members} alter column run_id set default ${runId}`);
    // COPY text, written field by field: only the customer id can hold a character the format reserves;
    // numbers never do (a row array joined and escaped field by field cost 2 s of a million members).
    const number = (x: number | null | undefined) => (x === null || x === undefined ? "\\N" : String(x));
    const twoDecimals = (x: number | null | undefined) => (x === null || x === undefined ? "\\N" : x.toFixed(2));
    async function* memberRows() {
      let chunk = "";
      for (let i = 0; i < features.length; i++) {
        const s = a.scores?.[i];
        const f = features[i]!;
        const v = values?.get(f.customerId);
        chunk +=
          `${copyText(f.customerId)}\t${a.members[i]}\t${number(s?.r)}\t${number(s?.f)}\t${number(s?.m)}\t` +
          `${f.recencyDays}\t${f.frequency}\t${f.monetary.toFixed(2)}\t${f.averageOrderValue.toFixed(2)}\t${f.tenureDays}\t${f.products}\t${number(f.returnRate)}\t` +
          `${number(v?.pAlive)}\t${number(v?.expectedPurchases)}\t${twoDecimals(v?.clv)}\n`;
        if (chunk.length > 1 << 16) {
          yield chunk;
          chunk = "";
        }
      }
      if (chunk) yield chunk;
    }
    await pipeline(
      Readable.from(memberRows()),
      client.query(
        copyFrom(
          `COPY ${members} (customer_id, segment_no, recency_score, frequency_score, monetary_score,
             recency_days, frequency, monetary, average_order_value, tenure_days, products, return_rate, p_alive, expected_purchases, clv) FROM STDIN WITH (FREEZE)`,
        ),
      ),
    );
    await client.query(`alter table ${members} add primary key (run_id, customer_id), alter column run_id drop default`);
    await client.query(`create index on ${members} (run_id, segment_no)`);
    await attachPartition(client, "segment_members", members, runId);
    await client.query("commit");
    return (await getSegmentation(pool, runId))!;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export async function getSegmentation(pool: pg.Pool, runId: number): Promise<RunDetail | null> {
  const run = await pool.query(`select id, dataset_id, method, params, metrics, customers, duration_ms, created_at, prepared_at from segmentation_runs where id = $1`, [runId]);
  const r = run.rows[0];
  if (!r) return null;
  const seg = await pool.query(`select segment_no, name, customers, orders, revenue::float8 as revenue, profile from segments where run_id = $1 order by segment_no`, [runId]);
  const totalRevenue = seg.rows.reduce((s, x) => s + Number(x.revenue), 0);
  return {
    id: r.id,
    datasetId: r.dataset_id,
    method: r.method,
    params: r.params,
    metrics: r.metrics,
    customers: r.customers,
    durationMs: r.duration_ms,
    createdAt: (r.created_at as Date).toISOString(),
    preparedAt: r.prepared_at ? (r.prepared_at as Date).toISOString() : null,
    segments: seg.rows.map((x) => ({
      no: x.segment_no,
      name: x.name,
      customers: x.customers,
      orders: x.orders,
      revenue: Number(x.revenue),
      customerShare: r.customers ? x.customers / r.customers : 0,
      revenueShare: totalRevenue ? Number(x.revenue) / totalRevenue : 0,
      averageOrderValue: x.orders ? Number(x.revenue) / x.orders : 0,
      profile: x.profile,
    })),
  };
}

export interface MemberPage {
  total: number;
  page: number;
  pageSize: number;
  members: { customerId: string; segment: string; recencyScore: number | null; frequencyScore: number | null; monetaryScore: number | null }[];
}

/** One page of a run's members, optionally of one segment (by name), in primary-key order (customer id). */
export async function listMembers(pool: pg.Pool, runId: number, options: { segment?: string; page: number; pageSize: number }): Promise<MemberPage | null> {
  const run = await pool.query("select 1 from segmentation_runs where id = $1", [runId]);
  if (!run.rowCount) return null;
  const from = `from segment_members m join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no
     where m.run_id = $1 and ($2::text is null or s.name = $2)`;
  const segment = options.segment ?? null;
  const [count, page] = await Promise.all([
    pool.query<{ n: string }>(`select count(*) as n ${from}`, [runId, segment]),
    pool.query(
      `select m.customer_id, s.name, m.recency_score, m.frequency_score, m.monetary_score ${from}
       order by m.customer_id limit $3 offset $4`,
      [runId, segment, options.pageSize, (options.page - 1) * options.pageSize],
    ),
  ]);
  const rows = page.rows;
  return {
    total: Number(count.rows[0]!.n),
    page: options.page,
    pageSize: options.pageSize,
    members: rows.map((r) => ({ customerId: r.customer_id, segment: r.name, recencyScore: r.recency_score, frequencyScore: r.frequency_score, monetaryScore: r.monetary_score })),
  };
}

/** Crosstab and adjusted Rand index of two runs of the same dataset, over the customers both segmented. */
export async function compareRuns(pool: pg.Pool, firstId: number, secondId: number) {
  const runs = await pool.query<{ id: number; dataset_id: number; method: string }>("select id, dataset_id, method from segmentation_runs where id = any($1::int[])", [[firstId, secondId]]);
  const first = runs.rows.find((r) => r.id === firstId);
  const second = runs.rows.find((r) => r.id === secondId);
  if (!first || !second) throw new NotFoundError("There is no such segmentation.");
  if (first.dataset_id !== second.dataset_id) throw new InputError("with", "the two segmentations are of different datasets");
  // Counted in SQL: a million members each never leave the database.
  const { rows } = await pool.query<{ a: string; b: string; n: number }>(
    `select sa.name as a, sb.name as b, count(*)::int as n
     from segment_members ma
     join segment_members mb on mb.run_id = $2 and mb.customer_id = ma.customer_id
     join segments sa on sa.run_id = ma.run_id and sa.segment_no = ma.segment_no
     join segments sb on sb.run_id = mb.run_id and sb.segment_no = mb.segment_no
     where ma.run_id = $1
     group by sa.name, sb.name`,
    [firstId, secondId],
  );
  const table = crosstabOf(rows.map((r) => ({ row: r.a, column: r.b, count: r.n })));
  const customers = rows.reduce((sum, r) => sum + r.n, 0);
  return { first: { id: firstId, method: first.method }, second: { id: secondId, method: second.method }, customers, adjustedRandIndex: customers > 1 ? adjustedRandIndexOf(table) : null, crosstab: table };
}

/** Whether a run's pages are ready (what the run page's refresher asks): its saved answers so far. Null when there is no such run. */
export async function getRunReadiness(pool: pg.Pool, runId: number): Promise<{ prepared: boolean; done: number } | null> {
  const { rows } = await pool.query<{ prepared: boolean; done: number }>(
    `select r.prepared_at is not null as prepared, (select count(*)::int from query_results q where q.scope = 'run:' || r.id) as done
     from segmentation_runs r where r.id = $1`,
    [runId],
  );
  return rows[0] ?? null;
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
