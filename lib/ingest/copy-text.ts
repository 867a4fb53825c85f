/**
 * One row in PostgreSQL's COPY text format: tab-separated, `\N` for null,
 * backslash escapes for the characters the format reserves.
 */
export function copyRow(values: readonly (string | null)[]): string {
  let out = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += "\t";
    const v = values[i];
    out += v === null || v === undefined ? "\\N" : escape(v);
  }
  return `${out}\n`;
}

const SPECIAL = /[\\\t\n\r]/;

function escape(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}
