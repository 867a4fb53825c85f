import type pg from "pg";
import { InputError } from "../errors";
import { KIND_LABELS, YES_WORDS } from "../ingest/column-kinds";
import { customerColumnValues, datasetHasPurchases } from "../queries/customer-columns";
import type { CustomerFeatures } from "../queries/customer-features";
import { FEATURE_LABELS, isFeatureKey, type FeatureKey } from "../segmentation/features";
import { dayOf, featureMatrix, isoDay, type FeatureColumn, type FeatureEncoding, type FeatureMatrix } from "../segmentation/feature-matrix";
import { findColumn, getCustomerColumns, type CustomerColumn } from "./customer-columns";

/**
 * Who a run segments, and on what. A dataset with purchases segments its
 * buyers (customer-features.sql), on their purchase features and, joined by
 * customer id, any columns of its customers file; a dataset with only a
 * customers file segments every customer on file, on its columns. Columns
 * are named as written in the file's header ("Annual Income (k$)") or by
 * their key.
 */
/**
 * A customer a run segments: with purchase features; with recency, frequency and spend read from a
 * customers file's columns (RFM on a summary file); or (a customers file alone) only an id.
 */
export interface SummaryMember {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  averageOrderValue: number | null;
  tenureDays: null;
  products: null;
  returnRate: null;
}
export type Member = CustomerFeatures | SummaryMember | { customerId: string };
export const hasPurchases = (m: Member): m is CustomerFeatures | SummaryMember => "frequency" in m;

export interface Population {
  members: Member[];
  /** False for a dataset with only a customers file. */
  purchases: boolean;
  /** What the clustering methods cluster (rows in the order of members); null for RFM. */
  matrix: Pick<FeatureMatrix, "features" | "rows" | "dummyWeights"> | null;
  /** The features as the analyst named them. */
  features: string[];
  encodings: FeatureEncoding[];
  /** Customers left out for want of a value, per column. */
  leftOut: { name: string; customers: number }[];
  outcome: { name: string; key: string; kind: "yes_no" | "category" } | null;
  /** The customers-file columns clustered on (segment-columns.sql describes each segment by them); a total by the keys it sums. */
  columns: { name: string; key: string | null; keys?: string[]; kind: FeatureColumn["kind"] }[];
  /** RFM on a customers file alone: the columns read as recency, frequency and spend. */
  summary?: { recency: string; frequency: string[]; monetary: string[]; referenceDate?: string };
}

/** RFM on a customers file alone: the columns that hold each customer's recency, frequency and spend. */
export interface SummaryColumns {
  /** Days since the last purchase (a number column), or the date of the last purchase (a date column). */
  recency: string;
  /** A count column, or several summed (web, catalogue and store purchases). */
  frequency: string | string[];
  /** A spend column, or several summed (spend per category). */
  monetary: string | string[];
}

export interface PopulationInput {
  method: "rfm" | "kmeans" | "hierarchical";
  summary?: SummaryColumns;
  totals?: { name: string; sum: string[] }[];
  features?: string[];
  outcome?: string;
  categoryWeight?: number;
  analysisDate?: string;
}

const usable = (c: CustomerColumn, field: string): FeatureColumn["kind"] => {
  if (c.kind === "id" || c.kind === "text") {
    throw new InputError(field, `"${c.name}" is ${c.kind === "id" ? "an id" : "free text"}, not a feature: give it another kind on the dataset page if it is a number or a category`);
  }
  return c.kind;
};

export async function runPopulation(pool: pg.Pool, datasetId: number, input: PopulationInput, buyers: CustomerFeatures[]): Promise<Population> {
  const names = input.method === "rfm" ? [] : (input.features ?? ["recencyDays", "frequency", "monetary"]);
  const purchases = buyers.length > 0 || (await datasetHasPurchases(pool, datasetId));
  const wanted = names.filter((n) => !isFeatureKey(n) || (!purchases && n === "age"));
  const needColumns = wanted.length > 0 || input.outcome !== undefined || input.summary !== undefined || !purchases;
  const columns = needColumns ? await getCustomerColumns(pool, datasetId, { compute: true }) : [];
  // RFM on the customers file's own recency, frequency and spend columns, when named (with or without purchases).
  if (input.method === "rfm" && input.summary) {
    if (columns!.length === 0) throw new InputError("summary", "the dataset has no customers file to read recency, frequency and spend from");
    return summaryPopulation(pool, datasetId, input.summary, columns!, input.analysisDate, input.outcome === undefined ? null : findColumn(columns!, input.outcome, "outcome"));
  }
  if (!purchases) {
    if (columns!.length === 0) throw new InputError("method", "the dataset has no purchases and no customers file: load a file first", "no_customers");
    if (input.method === "rfm") {
      throw new InputError(
        "summary",
        "RFM scores purchases, and this dataset has only a customers file: name its recency, frequency and spend columns (summary), cluster its columns with k-means or hierarchical, or load its transactions",
      );
    }
    const fromPurchases = names.filter((n) => isFeatureKey(n) && n !== "age");
    if (fromPurchases.length > 0) {
      throw new InputError("features", `${fromPurchases.map((n) => FEATURE_LABELS[n as FeatureKey]).join(", ")} come from purchases, and this dataset has only a customers file: choose its columns instead`);
    }
  }
  const chosen = wanted.map((n) => chosenColumn(n, columns!, input.totals ?? [], `features.${names.indexOf(n)}`));
  const outcomeColumn = input.outcome === undefined ? null : findColumn(columns!, input.outcome, "outcome");
  if (outcomeColumn && outcomeColumn.kind !== "yes_no" && outcomeColumn.kind !== "category") {
    throw new InputError("outcome", `"${outcomeColumn.name}" is ${KIND_LABELS[outcomeColumn.kind].toLowerCase()}: an outcome is a yes/no or a category column (such as Churn)`);
  }
  const outcome = outcomeColumn ? { name: outcomeColumn.name, key: outcomeColumn.key, kind: outcomeColumn.kind as "yes_no" | "category" } : null;
  const base = { purchases, features: names, outcome, encodings: [] as FeatureEncoding[], leftOut: [] as Population["leftOut"], columns: [] as Population["columns"] };

  if (purchases && chosen.length === 0) {
    // Purchase features only: as before, every buyer must have each one.
    if (input.method === "rfm") return { ...base, members: buyers, matrix: null };
    const keys = names as FeatureKey[];
    const missing = buyers.filter((f) => keys.some((k) => f[k] === null)).length;
    if (missing > 0) throw new InputError("features", `${missing} customers have no value for ${keys.join(", ")} (age needs a customers file)`);
    return { ...base, members: buyers, matrix: { features: keys, rows: buyers.map((f) => keys.map((key) => f[key] as number)), dummyWeights: [] } };
  }

  const kinds = chosen.map((c) => c.kind);
  base.columns = chosen.map((c) => ({ name: c.name, key: c.keys.length === 1 ? c.keys[0]! : null, ...(c.keys.length > 1 ? { keys: c.keys } : {}), kind: c.kind }));
  const keys = [...new Set(chosen.flatMap((c) => c.keys))];
  const at = chosen.map((c) => c.keys.map((k) => keys.indexOf(k)));
  // Each chosen column's value in a row of customerColumnValues: the one key's, or a total's sum (missing if a part is).
  const valueOf = (row: (string | null)[], j: number): string | null => {
    if (at[j]!.length === 1) return row[at[j]![0]!]!;
    let sum = 0;
    for (const i of at[j]!) {
      if (row[i] === null) return null;
      sum += Number(row[i]);
    }
    return String(sum);
  };
  const onFile = (await customerColumnValues(pool, datasetId, keys)).map((r) => ({ customerId: r.customerId, values: chosen.map((_, j) => valueOf(r.values, j)) }));
  let members: Member[];
  let columnsOf: FeatureColumn[];
  if (purchases) {
    // Buyers, with the file's values joined by customer id (a buyer not on file has none).
    const byId = new Map(onFile.map((r) => [r.customerId, r.values]));
    members = buyers;
    const builtIn = names.filter(isFeatureKey);
    columnsOf = [
      ...builtIn.map((key): FeatureColumn => ({ name: FEATURE_LABELS[key], kind: "number", values: buyers.map((f) => f[key]) })),
      ...chosen.map((c, j): FeatureColumn => ({ name: c.name, kind: kinds[j]!, values: buyers.map((f) => byId.get(f.customerId)?.[j] ?? null) })),
    ];
  } else {
    members = onFile.map((r) => ({ customerId: r.customerId }));
    columnsOf = chosen.map((c, j) => ({ name: c.name, kind: kinds[j]!, values: onFile.map((r) => r.values[j]!) }));
  }
  if (input.method === "rfm") return { ...base, members, matrix: null };
  const matrix = featureMatrix(columnsOf, { categoryWeight: input.categoryWeight, referenceDate: input.analysisDate, yesWords: YES_WORDS });
  if (matrix.kept.length === 0) {
    throw new InputError("features", `no customer has a value for every chosen column (${matrix.missing.map((m) => `"${m.name}" is missing for ${m.customers}`).join(", ")})`);
  }
  return {
    ...base,
    members: matrix.kept.length === members.length ? members : matrix.kept.map((i) => members[i]!),
    matrix,
    encodings: matrix.encodings,
    leftOut: matrix.missing,
  };
}

const asList = (names: string | string[]) => (Array.isArray(names) ? names : [names]);

/**
 * RFM on a customers file alone (a CRM export with "days since the last purchase", purchase counts and
 * spend columns): each customer's recency (days, or days from a last-purchase date to the analysis date,
 * by default the day after the latest such date), frequency (a count or the sum of several) and monetary
 * value (a spend or the sum of several), then the same scoring and rules as for transactions. Customers
 * missing a value are left out and counted.
 */
async function summaryPopulation(
  pool: pg.Pool,
  datasetId: number,
  summary: SummaryColumns,
  columns: CustomerColumn[],
  analysisDate: string | undefined,
  outcomeColumn: CustomerColumn | null,
): Promise<Population> {
  const recency = findColumn(columns, summary.recency, "summary.recency");
  if (recency.kind !== "number" && recency.kind !== "date") throw new InputError("summary.recency", `"${recency.name}" is ${KIND_LABELS[recency.kind].toLowerCase()}: recency is days (a number) or the date of the last purchase`);
  const groups = { frequency: asList(summary.frequency).map((n) => findColumn(columns, n, "summary.frequency")), monetary: asList(summary.monetary).map((n) => findColumn(columns, n, "summary.monetary")) };
  for (const [field, list] of Object.entries(groups)) {
    if (list.length === 0) throw new InputError(`summary.${field}`, `name at least one ${field} column`);
    const wrong = list.find((c) => c.kind !== "number");
    if (wrong) throw new InputError(`summary.${field}`, `"${wrong.name}" is ${KIND_LABELS[wrong.kind].toLowerCase()}: ${field} is a number column (or several, summed)`);
  }
  const all = [recency, ...groups.frequency, ...groups.monetary];
  const rows = await customerColumnValues(pool, datasetId, all.map((c) => c.key));
  const day = (v: string) => dayOf(v, recency.name);
  let reference = analysisDate ? day(analysisDate) : Number.NEGATIVE_INFINITY;
  if (recency.kind === "date" && !analysisDate) for (const r of rows) if (r.values[0] !== null) reference = Math.max(reference, day(r.values[0]!) + 1);
  const missing = new Map<string, number>();
  const members: SummaryMember[] = [];
  const nf = groups.frequency.length;
  for (const r of rows) {
    const gap = r.values.findIndex((v) => v === null);
    if (gap !== -1) {
      missing.set(all[gap]!.name, (missing.get(all[gap]!.name) ?? 0) + 1);
      continue;
    }
    const numbers = r.values.slice(1).map(Number);
    const frequency = numbers.slice(0, nf).reduce((a, b) => a + b, 0);
    const monetary = numbers.slice(nf).reduce((a, b) => a + b, 0);
    const recencyDays = recency.kind === "date" ? reference - day(r.values[0]!) : Number(r.values[0]);
    if (![frequency, monetary, recencyDays].every(Number.isFinite)) throw new InputError("summary", `customer ${r.customerId} has a value that is not a number in ${all.map((c) => `"${c.name}"`).join(", ")}`);
    members.push({ customerId: r.customerId, recencyDays, frequency, monetary, averageOrderValue: frequency > 0 ? monetary / frequency : null, tenureDays: null, products: null, returnRate: null });
  }
  const unique = [...new Map(all.map((c) => [c.key, c])).values()];
  return {
    members,
    purchases: false,
    matrix: null,
    features: [],
    encodings: [],
    leftOut: [...missing].map(([name, customers]) => ({ name, customers })),
    outcome: outcomeColumn && (outcomeColumn.kind === "yes_no" || outcomeColumn.kind === "category") ? { name: outcomeColumn.name, key: outcomeColumn.key, kind: outcomeColumn.kind } : null,
    columns: unique.map((c) => ({ name: c.name, key: c.key, kind: c.kind as FeatureColumn["kind"] })),
    summary: { recency: recency.name, frequency: groups.frequency.map((c) => c.name), monetary: groups.monetary.map((c) => c.name), ...(recency.kind === "date" ? { referenceDate: isoDay(reference) } : {}) },
  };
}

interface Chosen {
  name: string;
  kind: FeatureColumn["kind"];
  /** The column's key; a total's, every key it sums. */
  keys: string[];
}

/** A feature named by the analyst: a column of the customers file, or a total of several of its number columns. */
function chosenColumn(name: string, columns: CustomerColumn[], totals: { name: string; sum: string[] }[], field: string): Chosen {
  const total = totals.find((t) => t.name === name);
  if (!total) {
    const c = findColumn(columns, name, field);
    return { name: c.name, kind: usable(c, field), keys: [c.key] };
  }
  if (columns.some((c) => c.name === name)) throw new InputError("totals", `"${name}" is already a column of the customers file: give the total another name`);
  const parts = total.sum.map((n) => findColumn(columns, n, "totals"));
  const wrong = parts.find((c) => c.kind !== "number");
  if (wrong) throw new InputError("totals", `"${wrong.name}" is ${KIND_LABELS[wrong.kind].toLowerCase()}: a total adds up number columns`);
  return { name, kind: "number", keys: parts.map((c) => c.key) };
}
