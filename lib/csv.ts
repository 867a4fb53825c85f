/** Writing CSV: RFC 4180 fields, and cells made safe for spreadsheets. */

/** A field, quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A line of fields, ending in a newline. */
export const csvLine = (fields: readonly (string | number | null)[]) => `${fields.map(csvField).join(",")}\n`;

/**
 * A field for a file an analyst opens in a spreadsheet: text that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a CR)
 * gets a leading quote first.
 */
export function spreadsheetField(value: string | number | null): string {
  return csvField(typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}
