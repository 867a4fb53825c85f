import { ImportError } from "./errors";

/**
 * Parsers for the values of one cell. Each returns the text PostgreSQL will
 * read (or null), or throws an ImportError naming the line, column and value.
 */
export interface Cell {
  value: string;
  line: number;
  column: string;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function invalid(cell: Cell, what: string): ImportError {
  return new ImportError(
    "invalid_value",
    `Line ${cell.line}, column ${cell.column}: "${cell.value.slice(0, 60)}" is not ${what}.`,
    cell.line,
    cell.column,
  );
}

export function optionalText(cell: Cell): string | null {
  const v = cell.value.trim();
  return v === "" ? null : v;
}

export function requiredText(cell: Cell): string {
  const v = optionalText(cell);
  if (v === null) throw new ImportError("missing_value", `Line ${cell.line}, column ${cell.column}: a value is required.`, cell.line, cell.column);
  return v;
}

export function integer(cell: Cell): string {
  const v = cell.value.trim();
  if (!INTEGER.test(v) || Math.abs(Number(v)) > 2_147_483_647) throw invalid(cell, "a whole number");
  return v;
}

export function optionalInteger(cell: Cell): string | null {
  return cell.value.trim() === "" ? null : integer(cell);
}

export function decimal(cell: Cell): string {
  const v = cell.value.trim();
  if (!DECIMAL.test(v)) throw invalid(cell, "a number");
  return v;
}

/** Ids exported through spreadsheets often gain a ".0" ("17850.0"); it is dropped. */
export function identifier(cell: Cell): string | null {
  const v = cell.value.trim();
  if (v === "") return null;
  return /^\d+\.0+$/.test(v) ? v.slice(0, v.indexOf(".")) : v;
}

function checkedTimestamp(cell: Cell, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): string {
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw invalid(cell, "a valid date");
  }
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/** `YYYY-MM-DD[ HH:MM[:SS]]` or `M/D/YYYY[ H:MM]`. */
export function timestamp(cell: Cell): string {
  const v = cell.value.trim();
  let m = ISO.exec(v);
  if (m) return checkedTimestamp(cell, +m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = US.exec(v);
  if (m) return checkedTimestamp(cell, +m[3]!, +m[1]!, +m[2]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  throw invalid(cell, "a date (YYYY-MM-DD HH:MM:SS or M/D/YYYY H:MM)");
}

export function optionalDate(cell: Cell): string | null {
  return cell.value.trim() === "" ? null : timestamp(cell).slice(0, 10);
}
