/**
 * `npm run bench -- --citus` (scripts/bench-citus.ts): the figures of one server and of the cluster side by
 * side, how the cluster's time splits (from its EXPLAIN ANALYZE plans), and what must be the same on both.
 */
import path from "node:path";
import { log, seconds } from "./bench-support";

export type Outcome = { ms: number } | { error: string };
export interface Side {
  name: string;
  /** Figures in the order measured: label → time or failure. */
  figures: Map<string, Outcome>;
  /** What must be the same on both sides: label → value. */
  facts: Map<string, string>;
  /** Lines printed for this side only (the cluster's split). */
  notes: string[];
}

/** Where the cluster's EXPLAIN ANALYZE plans are kept (JSON), for reading in full. */
export const PLANS = path.resolve(".data/bench/citus-plans");

/**
 * How an EXPLAIN ANALYZE (JSON) of a Citus query splits: the subplans Citus runs first (parts it cannot push down
 * whole, whose results go through the coordinator to the nodes that need them), the last distributed step, and the
 * coordinator's own part (merging, sorting); every task's time on its worker (citus.explain_all_tasks).
 */
export function splitOf(plan: unknown): string {
  const top = (Array.isArray(plan) ? plan[0] : plan) as { "Execution Time": number; Plan: unknown };
  type Node = Record<string, unknown>;
  let tasks = 0;
  const taskMs: number[] = [];
  let grouped = false;
  const outer: Node[] = [];
  const isCitus = (o: Node) => typeof o["Custom Plan Provider"] === "string" && String(o["Custom Plan Provider"]).includes("Citus");
  const walk = (node: unknown, remote: boolean, underCitus: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, remote, underCitus));
    if (node === null || typeof node !== "object") return;
    const o = node as Node;
    const citus = !remote && isCitus(o);
    if (citus && !underCitus) outer.push(o);
    if (typeof o["Task Count"] === "number") tasks += o["Task Count"];
    if (remote && "Plan" in o && typeof o["Execution Time"] === "number") taskMs.push(o["Execution Time"]);
    if (remote && Array.isArray(o["Group Key"]) && o["Group Key"].some((k) => String(k).includes("customer_id"))) grouped = true;
    for (const [key, value] of Object.entries(o)) walk(value, remote || key === "Remote Plan", underCitus || citus);
  };
  walk(top.Plan, false, false);
  const distributed = outer.map((o) => (o["Distributed Query"] ?? {}) as { Subplans?: Node[]; Job?: Node });
  const subplans = distributed.flatMap((d) => d.Subplans ?? []);
  const subplanMs = subplans.reduce((sum, s) => sum + Number(s["Subplan Duration"] ?? 0), 0);
  const bytes = subplans.reduce((sum, s) => sum + sizeOf(String(s["Intermediate Data Size"] ?? "0 bytes")), 0);
  const lastMs = outer.reduce((sum, o) => sum + Number(o["Actual Total Time"] ?? 0) * Number(o["Actual Loops"] ?? 1), 0);
  const lastTasks = distributed.reduce((sum, d) => sum + Number(d.Job?.["Task Count"] ?? 0), 0);
  const total = top["Execution Time"];
  const sum = taskMs.reduce((s, ms) => s + ms, 0);
  return (
    `${seconds(total)} in all = ` +
    (subplans.length ? `${subplans.length} subplan(s) run first ${seconds(subplanMs)} (${(bytes / 1024).toFixed(0)} kB of intermediate results through the coordinator) + ` : "") +
    `the last distributed step ${seconds(lastMs)} on ${lastTasks} task(s) + the coordinator's own ${seconds(Math.max(0, total - subplanMs - lastMs))}; ` +
    `${tasks} tasks on the workers, ${seconds(sum)} summed, longest ${seconds(Math.max(0, ...taskMs))}; grouping by customer on the workers: ${grouped ? "yes" : "no"}`
  );
}

/** "259 kB" → bytes. */
function sizeOf(text: string): number {
  const [value = "0", unit = "bytes"] = text.split(" ");
  return Number(value) * ({ bytes: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[unit] ?? 1);
}

/** Rows as a comparable text: numbers to 9 significant digits (sums of floats differ in the last bits between plans), in sorted order. */
export function canonical(rows: unknown): string {
  const round = (value: unknown): unknown =>
    typeof value === "number" ? Number(value.toPrecision(9)) : Array.isArray(value) ? value.map(round) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v)])) : value;
  const list = Array.isArray(rows) ? rows : [rows];
  return JSON.stringify(list.map((r) => JSON.stringify(round(r))).sort());
}

export function report(one: Side, citus: Side): void {
  const cell = (o: Outcome | undefined) => (o === undefined ? "—" : "ms" in o ? seconds(o.ms) : "FAILED");
  log("");
  log("== side by side (ratio: cluster / one server; above 1 the cluster is slower) ==");
  log(`  ${"".padEnd(58)} ${"one server".padStart(10)} ${"cluster".padStart(10)}  ratio`);
  const labels = [...new Set([...one.figures.keys(), ...citus.figures.keys()])];
  for (const label of labels) {
    const a = one.figures.get(label);
    const b = citus.figures.get(label);
    const ratio = a && b && "ms" in a && "ms" in b && a.ms > 0 ? (b.ms / a.ms).toFixed(2) : "";
    log(`  ${label.slice(0, 58).padEnd(58)} ${cell(a).padStart(10)} ${cell(b).padStart(10)}  ${ratio}`);
  }
  for (const side of [one, citus]) {
    for (const [label, o] of side.figures) if ("error" in o) log(`  FAILED on ${side.name}: ${label.trim()}: ${o.error}`);
  }
  log("");
  log("== the cluster: how the time splits ==");
  const load = (label: string) => citus.figures.get(label);
  const part = (o: Outcome | undefined) => (o && "ms" in o ? o.ms : null);
  const created = part(load("  load part: partition created (+ distributed)"));
  const copied = part(load("  load part: COPY of the file into it"));
  const api = part(load("upload through the HTTP API"));
  if (created !== null && copied !== null && api !== null) {
    log(`  load: partition created and distributed ${seconds(created)}, COPY routed to the shards ${seconds(copied)}, the rest of the API's upload (parse, clean, attach, commit) ${seconds(Math.max(0, api - created - copied))}`);
  }
  for (const note of citus.notes) log(`  ${note}`);
  log(`  (the plans in full, with every task: ${PLANS})`);
  log("");
  log("== correctness: the same on both ==");
  const keys = [...new Set([...one.facts.keys(), ...citus.facts.keys()])];
  let same = 0;
  for (const key of keys) {
    const a = one.facts.get(key);
    const b = citus.facts.get(key);
    if (a !== undefined && a === b) same++;
    if (key.endsWith("(rows)")) {
      if (a !== b) log(`  ${key}: ${b === undefined ? "not computed on the cluster" : a === undefined ? "not computed on one server" : "DIFFERENT rows"}`);
    } else log(`  ${key}: ${a === b ? `same (${a})` : `DIFFERENT: one server ${a ?? "—"}, cluster ${b ?? "—"}`}`);
  }
  log(`  ${same} of ${keys.length} checks the same on both (the answers' rows compared after sorting, numbers to 9 digits)`);
}
