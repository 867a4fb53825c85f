import fs from "node:fs";
import path from "node:path";

/**
 * An analytics query kept in its own .sql file under lib/queries/sql, written
 * for psql: the dataset is the psql variable `:dataset_id`, so
 *   psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/<name>.sql
 * runs exactly what the dashboard runs. The app sends it with `$1` in its place.
 */
export interface SqlFile {
  name: string;
  /** The file as written, for "Show SQL". */
  text: string;
  /** The same query with `:dataset_id` replaced by `$1`. */
  statement: string;
}

const cache = new Map<string, SqlFile>();
const PARAMETER = /(?<!:):'?dataset_id'?\b/g;

export function sqlDir(): string {
  return path.resolve(process.cwd(), "lib/queries/sql");
}

export function sqlFile(name: string): SqlFile {
  let file = cache.get(name);
  if (!file) {
    const text = fs.readFileSync(path.join(sqlDir(), `${name}.sql`), "utf8");
    const statement = text.replace(PARAMETER, "$1").trim().replace(/;\s*$/, "");
    file = { name, text, statement };
    cache.set(name, file);
  }
  return file;
}
