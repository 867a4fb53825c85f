import fs from "node:fs";
import path from "node:path";
import { ALL_RULES_MASK } from "../ingest/cleaning";

/**
 * An analytics query kept in its own .sql file under lib/queries/sql, written
 * for psql: the dataset is the psql variable `:dataset_id` (or, for a query
 * about one segmentation run, the run is `:run_id`), so
 *   psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/<name>.sql
 * runs exactly what the dashboard runs. The app sends it with `$1` in its place.
 *
 * A file may take one more psql variable, sent as `$2`: a customer's queries
 * take `:'customer_id'` (customer-orders.sql and the others), and
 * customer-crosstab.sql takes `:'pair'` (a JSON array of two column keys),
 * revenue-over-time.sql takes `:'grain'` (month or week), given as the
 * option of the name the app asks for: "revenue-over-time?grain=week" is
 * revenue-over-time.sql with grain=week (`-v grain=week` in psql).
 *
 * A file about two runs (segment-migration.sql) takes `:from_run` and
 * `:to_run` in place of `:run_id`, sent as `$1` and `$2`.
 */
export interface SqlFile {
  /** The file's name, without the option: "revenue-over-time". */
  name: string;
  /** The psql variable the file takes (from_run: with to_run, two runs' ids). */
  parameter: "dataset_id" | "run_id" | "from_run";
  /** The option the name asked for (psql variable and value: grain=week), or null. */
  option: { variable: "grain"; value: string } | null;
  /** The file as written, for "Show SQL". */
  text: string;
  /** The same query with `:dataset_id` replaced by `$1` (and `:'customer_id'` or `:'grain'` by `$2`). */
  statement: string;
}

const cache = new Map<string, SqlFile>();
const PARAMETER = /(?<!:):'?(dataset_id|run_id|from_run)'?\b/g;
const SECOND = /(?<!:):'(customer_id|grain|pair)'|(?<!:):to_run\b/g;
/** The values of the one option a file's name may carry, grain (revenue-over-time.sql's periods). */
export const GRAINS = ["month", "week"] as const;

export function sqlDir(): string {
  return path.resolve(process.cwd(), "lib/queries/sql");
}

/** A file by name, with its option if the name has one ("revenue-over-time?grain=week"). */
export function sqlFile(name: string): SqlFile {
  let file = cache.get(name);
  if (!file) {
    const [base = name, query] = name.split("?", 2);
    const option = query === undefined ? null : optionOf(name, query);
    const text = fs.readFileSync(path.join(sqlDir(), `${base}.sql`), "utf8");
    const statement = text.replace(PARAMETER, "$$1").replace(SECOND, "$$2").trim().replace(/;\s*$/, "");
    const parameter = /(?<!:):from_run\b/.test(text) ? "from_run" : /(?<!:):'?run_id'?\b/.test(text) ? "run_id" : "dataset_id";
    file = { name: base, parameter, option, text, statement };
    cache.set(name, file);
  }
  return file;
}

function optionOf(name: string, query: string): NonNullable<SqlFile["option"]> {
  const options = [...new URLSearchParams(query)];
  const grain = options.length === 1 && options[0]![0] === "grain" ? GRAINS.find((g) => g === options[0]![1]) : undefined;
  if (grain === undefined) throw new RangeError(`${name}: the one option a file takes is grain=${GRAINS.join("|")}`);
  return { variable: "grain", value: grain };
}

/** The values a file's statement is sent with: the id ($1), and the option's value or, for a file about two runs, the second run ($2). */
export function sqlFileValues(file: SqlFile, id: number, toRun?: number): (number | string)[] {
  if (file.parameter === "from_run") return [id, secondRun(file, toRun)];
  return file.option ? [id, file.option.value] : [id];
}

function secondRun(file: SqlFile, toRun: number | undefined): number {
  if (toRun === undefined || !Number.isSafeInteger(toRun)) throw new RangeError(`${file.name}.sql takes two runs: from_run and to_run`);
  return toRun;
}

/** What a segmentation run may change in an analytics file, at its marked places. */
export interface RunOptions {
  /** YYYY-MM-DD, written at the analysis_date marker; default: the file's own (the day after the last invoice). */
  analysisDate?: string;
  /** Bits of the cleaning rules that leave lines out, written at every rules marker; default: all of them. */
  rulesMask?: number;
}

/** True when a run's options are the dataset's defaults, whose inputs customer_summaries holds. */
export const atDefaults = (options: RunOptions) => options.analysisDate === undefined && (options.rulesMask ?? ALL_RULES_MASK) === ALL_RULES_MASK;

/**
 * A run's statement from a file with the marked places of customer-features.sql:
 * $1 is the dataset id, $2 the analysis date (null keeps the default), and the
 * rules mask is a checked integer written in place.
 */
export function runStatement(file: SqlFile, options: RunOptions): { text: string; values: (string | null)[] } {
  const mask = options.rulesMask ?? ALL_RULES_MASK;
  if (!Number.isInteger(mask) || mask < 0 || mask > ALL_RULES_MASK) throw new RangeError(`rulesMask must be a whole number from 0 to ${ALL_RULES_MASK}`);
  if (options.analysisDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.analysisDate)) throw new RangeError("analysisDate must be YYYY-MM-DD");
  const text = file.statement.replaceAll("/*analysis_date*/null::date", "/*analysis_date*/$2::date").replaceAll(`/*rules*/${ALL_RULES_MASK}`, `/*rules*/${mask}`);
  return { text, values: [options.analysisDate ?? null] };
}

/** The command that runs a file in psql, as "Show SQL" prints it (with `-v grain=week` for the name's option, `-v to_run=` for a second run). */
export function psqlCommand(file: SqlFile, id: number, toRun?: number): string {
  const option = file.parameter === "from_run" ? ` -v to_run=${secondRun(file, toRun)}` : file.option ? ` -v ${file.option.variable}=${file.option.value}` : "";
  return `psql "$DATABASE_URL" -v ${file.parameter}=${id}${option} -f lib/queries/sql/${file.name}.sql`;
}
