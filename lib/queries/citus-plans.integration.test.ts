import fs from "node:fs";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { prepared } from "../../tests/support/reference-data";
import { hasCitus } from "../db/citus";
import { loadFiles } from "../ingest/load";
import { SAMPLE, sampleFiles } from "../sample";
import { runSegmentation } from "../services/segmentations";
import { GRAINS, sqlDir, sqlFile } from "./sql-file";

/**
 * Every analytics query's plan on a Citus cluster pushes its per-customer work to the workers (issue 18).
 * Runs on Citus only (`npm run test:citus`); on one PostgreSQL it skips, as lib/db/citus.integration.test.ts.
 *
 * It loads the generated sample (lines and customers file) through the real loader and preparation, saves three
 * runs (RFM at the defaults, RFM with its own date and cleaning rules, k-means), and reads
 * `EXPLAIN (FORMAT JSON)` of every .sql file in lib/queries/sql, sent as the app sends it, with those ids (each
 * run-file with each run, so both branches of the files that read the lines when a run is not at the defaults).
 *
 * The rule, on Citus's plan: the bulk tables are the lines (transaction_lines, invoice_totals) and the
 * per-customer tables (customer_summaries, customer_products, customer_countries, segment_members). A task a
 * worker runs "sends raw rows" of a bulk table when rows of that table's shard reach the task's output through
 * no Aggregate, Group, Unique, SetOp or Limit (scalar InitPlans and SubPlans do not count: they give one value).
 * A plan breaks the rule when such raw rows are worked on after they reach the coordinator:
 *   - kept as an intermediate result (the remote scan is, or is under only Sort/Result/Subquery Scan at, the root
 *     of a "Distributed Subplan"), which other steps then read or send back to the workers; or
 *   - under an Aggregate, Group, Unique, SetOp, WindowAgg or a join in the coordinator's own plan.
 * Allowed: a worker's aggregate, whole (grouped by the distribution column) or partial (one row per group and
 * shard, which the coordinator merges: the lines are distributed by invoice, so per-customer sums of them are
 * merged there); a LIMIT pushed to the workers; the rows a query gives as its answer, which the coordinator only
 * sorts or limits (a customer's invoices, the cluster plot's sampled members); and the repartitioning of rows
 * between workers (not to the coordinator).
 * KNOWN lists the files that still break it, each with the raw rows it pulls and why; the test fails when a file
 * breaks it otherwise, or when a listed one no longer does (so the list stays true).
 */
const BULK = ["transaction_lines", "invoice_totals", "customer_summaries", "customer_products", "customer_countries", "segment_members"];
const KNOWN: Record<string, { pulls: string[]; why: string }> = {
  "cluster-points": {
    pulls: ["segment_members under the coordinator's WindowAgg"],
    why:
      "the sample is each segment's first members in one order over the whole segment: the candidates (its quota and at most one " +
      "hash bucket, 1/1024 of the segment, more) are ranked at the coordinator; they are the answer's rows (about 3,000)",
  },
  "segment-distributions": {
    pulls: ["segment_members under the coordinator's Aggregate"],
    why: "percentile_cont of the base's values (the bins' 99th percentile): an ordered-set aggregate, computed at the coordinator",
  },
};

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Parent Relationship"?: string;
  Plans?: PlanNode[];
  "Distributed Query"?: {
    Subplans?: { PlannedStmt: { Plan: PlanNode }[] }[];
    Job?: { Tasks?: { "Remote Plan": { Plan: PlanNode }[][] }[] };
  };
}

const REDUCING = new Set(["Aggregate", "Group", "Unique", "SetOp", "Limit"]);
const WORKING = new Set(["Aggregate", "Group", "Unique", "SetOp", "WindowAgg", "Hash Join", "Merge Join", "Nested Loop"]);
const PASSING = new Set(["Sort", "Incremental Sort", "Result", "Subquery Scan", "Materialize", "Limit"]);
const shardOf = new RegExp(`^(${BULK.join("|")})(_[0-9]+)+$`);

/** The bulk tables whose rows reach a worker task's output with no aggregate or limit on the way. */
export function rawTables(node: PlanNode): Set<string> {
  if (REDUCING.has(node["Node Type"])) return new Set();
  const found = new Set<string>();
  const table = node["Relation Name"]?.match(shardOf)?.[1];
  if (table) found.add(table);
  for (const child of node.Plans ?? []) {
    if (child["Parent Relationship"] === "InitPlan" || child["Parent Relationship"] === "SubPlan") continue;
    for (const t of rawTables(child)) found.add(t);
  }
  return found;
}

/** Where a coordinator's plan works on raw rows of a bulk table: "segment_members kept as a Distributed Subplan", ... */
export function rawPulls(node: PlanNode, above: string[] = [], kept = false): string[] {
  const pulls: string[] = [];
  const query = node["Distributed Query"];
  if (query) {
    for (const sub of query.Subplans ?? []) for (const stmt of sub.PlannedStmt) pulls.push(...rawPulls(stmt.Plan, [], true));
    const worker = above.find((type) => WORKING.has(type));
    const keptHere = kept && above.every((type) => PASSING.has(type) && type !== "Limit");
    for (const task of query.Job?.Tasks ?? []) {
      for (const [remote] of task["Remote Plan"]) {
        for (const table of remote ? rawTables(remote.Plan) : []) {
          if (keptHere) pulls.push(`${table} kept as a Distributed Subplan`);
          else if (worker) pulls.push(`${table} under the coordinator's ${worker}`);
        }
      }
    }
  }
  for (const child of node.Plans ?? []) pulls.push(...rawPulls(child, [...above, node["Node Type"]], kept));
  return [...new Set(pulls)].sort();
}

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let citus = false;
const ids = { dataset: 0, runs: [] as number[], customer: "", pair: "" };

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_citus_plans");
  pool = db.pool;
  citus = await hasCitus(pool);
  if (!citus) return;
  const files = sampleFiles();
  const { datasetId } = await loadFiles(pool, { mode: "create", name: SAMPLE.name }, [
    { fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } },
    { fileName: SAMPLE.files.customers, body: files.customers, options: { kind: "customers" } },
  ]);
  ids.dataset = await prepared(pool, datasetId);
  for (const options of [
    { method: "rfm" },
    { method: "rfm", analysisDate: "2024-06-30", cleaning: ["noCustomer", "cancellation", "nonProduct"] },
    { method: "kmeans", k: 4 },
  ]) {
    ids.runs.push((await runSegmentation(pool, ids.dataset, options)).id);
  }
  ids.customer = (await pool.query<{ id: string }>("select customer_id as id from customer_summaries where dataset_id = $1 order by frequency desc, customer_id limit 1", [ids.dataset])).rows[0]!.id;
  const keys = (await pool.query<{ key: string }>("select key from customer_column_kinds where dataset_id = $1 order by key limit 2", [ids.dataset])).rows;
  ids.pair = JSON.stringify(keys.map((k) => k.key));
}, 300_000);
afterAll(async () => {
  await db?.close();
});

/** Each file as the app sends it, with the values it is sent with (each run for a run's file). */
function cases(): { name: string }[] {
  const names = fs.readdirSync(sqlDir()).filter((f) => f.endsWith(".sql")).map((f) => f.replace(/\.sql$/, "")).sort();
  return names.flatMap((name) => (name === "revenue-over-time" ? GRAINS.map((grain) => ({ name: `${name}?grain=${grain}` })) : [{ name }]));
}

function valuesOf(name: string): (number | string)[][] {
  const file = sqlFile(name);
  if (file.parameter === "from_run") return [[ids.runs[0]!, ids.runs[1]!]];
  if (file.parameter === "run_id") return ids.runs.map((run) => [run]);
  if (file.option) return [[ids.dataset, file.option.value]];
  if (/(?<!:):'customer_id'/.test(file.text)) return [[ids.dataset, ids.customer]];
  if (/(?<!:):'pair'/.test(file.text)) return [[ids.dataset, ids.pair]];
  return [[ids.dataset]];
}

describe("on Citus, every analytics file's plan", () => {
  test.for(cases())("$name: no raw rows of the lines or the per-customer tables worked on at the coordinator", async ({ name }, context) => {
    if (!citus) return context.skip();
    const file = sqlFile(name);
    const found = new Set<string>();
    for (const values of valuesOf(name)) {
      const { rows } = await pool.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(`explain (format json, costs off) ${file.statement}`, values);
      for (const pull of rawPulls(rows[0]!["QUERY PLAN"][0]!.Plan)) found.add(`${pull} (${JSON.stringify(values)})`);
    }
    const pulls = [...found].map((p) => p.replace(/ \(.*\)$/, ""));
    expect([...new Set(pulls)].sort(), [...found].join("\n")).toEqual(KNOWN[file.name]?.pulls ?? []);
  });
});

describe("the rule, on plans shaped as Citus 13.2.2 writes them", () => {
  const task = (plan: PlanNode) => ({ "Remote Plan": [[{ Plan: plan }]] });
  const remote = (plan: PlanNode): PlanNode => ({ "Node Type": "Custom Scan", "Distributed Query": { Job: { Tasks: [task(plan)] } } });
  const members: PlanNode = { "Node Type": "Seq Scan", "Relation Name": "segment_members_2_102079" };
  const lines: PlanNode = { "Node Type": "Seq Scan", "Relation Name": "transaction_lines_1_102051" };

  test("a run's members sent raw to become an intermediate result break it; their per-shard sums do not", () => {
    const kept = (plan: PlanNode): PlanNode => ({ "Node Type": "Custom Scan", "Distributed Query": { Subplans: [{ PlannedStmt: [{ Plan: remote(plan) }] }], Job: { Tasks: [] } } });
    expect(rawPulls(kept(members))).toEqual(["segment_members kept as a Distributed Subplan"]);
    expect(rawPulls(kept({ "Node Type": "Aggregate", Plans: [members] }))).toEqual([]);
  });

  test("lines aggregated at the coordinator break it; lines aggregated on the workers, a pushed LIMIT or an answer only sorted there do not", () => {
    const hashJoin: PlanNode = { "Node Type": "Hash Join", Plans: [lines, { "Node Type": "Hash", "Parent Relationship": "Inner", Plans: [{ "Node Type": "Function Scan" }] }] };
    expect(rawPulls({ "Node Type": "Aggregate", Plans: [remote(hashJoin)] })).toEqual(["transaction_lines under the coordinator's Aggregate"]);
    expect(rawPulls({ "Node Type": "Aggregate", Plans: [remote({ "Node Type": "Aggregate", Plans: [hashJoin] })] })).toEqual([]);
    expect(rawPulls({ "Node Type": "Limit", Plans: [remote({ "Node Type": "Limit", Plans: [lines] })] })).toEqual([]);
    expect(rawPulls({ "Node Type": "Sort", Plans: [remote(members)] })).toEqual([]);
    // A scalar subquery on the worker (InitPlan) gives one value, not rows.
    expect(rawPulls({ "Node Type": "Aggregate", Plans: [remote({ "Node Type": "Result", Plans: [{ ...lines, "Parent Relationship": "InitPlan" }] })] })).toEqual([]);
  });
});
