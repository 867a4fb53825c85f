/**
 * Values in PostgreSQL's COPY text format: tab-separated, `\N` for null,
 * backslash escapes for the characters the format reserves.
 */
const SPECIAL = /[\\\t\n\r]/;

/** One value, escaped (or `\N`). */
export function copyText(value: string | null): string {
  if (value === null) return "\\N";
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/** One row. */
export function copyRow(values: readonly (string | null)[]): string {
  return `${values.map(copyText).join("\t")}\n`;
}
