import { ImportError } from "./errors";

/**
 * Parsers for the values of one cell. Each takes the raw value with the line
 * and column it came from, and returns the text PostgreSQL will read (or null),
 * or throws an ImportError naming the line, column and value. They run once per
 * cell of files with millions of rows: no objects are made unless there is an error.
 */

/** How dates with slashes, dots or dashes are read: year-month-day, month-day-year or day-month-year. */
export type DateOrder = "ymd" | "mdy" | "dmy";

export interface ValueOptions {
  dateOrder: DateOrder;
  /** "2,55" means 2.55 (semicolon-separated files from most of Europe). */
  decimalComma: boolean;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const OTHER = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:,? (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?)?$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function invalid(value: string, line: number, column: string, what: string): ImportError {
  return new ImportError("invalid_value", `Line ${line}, column ${column}: "${value.slice(0, 60)}" is not ${what}.`, line, column);
}

export function optionalText(value: string): string | null {
  const v = value.trim();
  return v === "" ? null : v;
}

export function requiredText(value: string, line: number, column: string): string {
  const v = value.trim();
  if (v === "") throw new ImportError("missing_value", `Line ${line}, column ${column}: a value is required.`, line, column);
  return v;
}

/** True when `value` is digits with an optional leading minus, short enough to be a 32-bit integer (the common case, checked without a regular expression). */
function plainInteger(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > 9) return false;
  let i = value.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** True when `value` is digits, an optional minus and at most one point between digits (the common case of a price). */
function plainDecimal(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > 30) return false;
  let i = value.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let point = -1;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && point === -1 && digits > 0) point = i;
    else return false;
  }
  return digits > 0 && point !== n - 1;
}

export function integer(value: string, line: number, column: string): string {
  if (plainInteger(value)) return value;
  const v = value.trim();
  if (!INTEGER.test(v) || Math.abs(Number(v)) > 2_147_483_647) throw invalid(value, line, column, "a whole number");
  return v;
}

export function optionalInteger(value: string, line: number, column: string): string | null {
  return value.trim() === "" ? null : integer(value, line, column);
}

/** A decimal number as PostgreSQL reads it ("1234.5"). */
export function decimal(value: string, line: number, column: string, options: Pick<ValueOptions, "decimalComma">): string {
  if (!options.decimalComma && plainDecimal(value)) return value;
  let v = value.trim();
  if (options.decimalComma) {
    // 1.234,56 → 1234.56
    if (/^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/.test(v)) v = v.replaceAll(".", "");
    v = v.replace(",", ".");
  }
  if (!DECIMAL.test(v)) throw invalid(value, line, column, "a number");
  return v;
}

export function optionalDecimal(value: string, line: number, column: string, options: Pick<ValueOptions, "decimalComma">): string | null {
  return value.trim() === "" ? null : decimal(value, line, column, options);
}

/** Ids exported through spreadsheets often gain a ".0" ("17850.0"); it is dropped. */
export function identifier(value: string): string | null {
  const v = value.trim();
  if (v === "") return null;
  return v.indexOf(".") !== -1 && /^\d+\.0+$/.test(v) ? v.slice(0, v.indexOf(".")) : v;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return !(mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && !leap ? 28 : DAYS[mo - 1]!) || h > 23 || mi > 59 || s > 59 || y < 1000);
}

function timestampText(value: string, line: number, column: string, y: number, mo: number, d: number, h: number, mi: number, s: number): string {
  if (!validParts(y, mo, d, h, mi, s)) throw invalid(value, line, column, "a valid date");
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}

const digit = (v: string, i: number) => v.charCodeAt(i) - 48;
const two = (v: string, i: number) => digit(v, i) * 10 + digit(v, i + 1);

const CANONICAL_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** `YYYY-MM-DD HH:MM:SS` exactly, checked without a regular expression (the common case, per row). */
function canonical(v: string): boolean {
  if (v.length !== 19 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 32 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return false;
  for (let k = 0; k < CANONICAL_DIGITS.length; k++) {
    const c = v.charCodeAt(CANONICAL_DIGITS[k]!);
    if (c < 48 || c > 57) return false;
  }
  return validParts(two(v, 0) * 100 + two(v, 2), two(v, 5), two(v, 8), two(v, 11), two(v, 14), two(v, 17));
}

/**
 * `12/1/2010 8:26` and its like (1-2 digit day and month, 4-digit year, an
 * optional H:MM or H:MM:SS, no AM/PM), read in the file's order without a
 * regular expression: the UCI Online Retail dates, one per line of the file.
 * Null when the text has another shape (the general path reads it).
 */
function slashed(v: string, order: DateOrder): string | null {
  const n = v.length;
  let i = 0;
  const number = (maxDigits: number): number => {
    let value = 0;
    const from = i;
    while (i < n && i - from < maxDigits) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + c - 48;
      i++;
    }
    return i === from ? -1 : value;
  };
  const a = number(2);
  if (a < 0 || v.charCodeAt(i++) !== 47) return null;
  const b = number(2);
  if (b < 0 || v.charCodeAt(i++) !== 47) return null;
  const start = i;
  const y = number(4);
  if (y < 0 || i - start !== 4) return null;
  let h = 0;
  let mi = 0;
  let s = 0;
  if (i < n) {
    if (v.charCodeAt(i++) !== 32) return null;
    h = number(2);
    if (h < 0 || v.charCodeAt(i++) !== 58) return null;
    const m0 = i;
    mi = number(2);
    if (i - m0 !== 2) return null;
    if (i < n) {
      if (v.charCodeAt(i++) !== 58) return null;
      const s0 = i;
      s = number(2);
      if (i - s0 !== 2) return null;
    }
    if (i !== n) return null;
  }
  if (order === "ymd") return null;
  const [mo, d] = order === "dmy" ? [b, a] : [a, b];
  if (!validParts(y, mo, d, h, mi, s)) return null;
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/**
 * A date and time: ISO (`2010-12-01 08:26:00`, `2010-12-01T08:26`, `2010-12-01`),
 * or with slashes, dots or dashes in the file's date order (`12/1/2010 8:26`,
 * `01.12.2010`, `1/12/10 8:26 PM`). Two-digit years are 19xx from 70, else 20xx.
 */
export function timestamp(value: string, line: number, column: string, options: Pick<ValueOptions, "dateOrder">): string {
  if (canonical(value)) return value;
  const fast = slashed(value, options.dateOrder);
  if (fast !== null) return fast;
  const v = value.trim();
  let m = ISO.exec(v);
  if (m) return timestampText(value, line, column, +m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = OTHER.exec(v);
  if (m) {
    const [a, b, c] = [+m[1]!, +m[2]!, +m[3]!];
    let [y, mo, d] = options.dateOrder === "dmy" ? [c, b, a] : options.dateOrder === "mdy" ? [c, a, b] : [a, b, c];
    if (m[1]!.length === 4) [y, mo, d] = [a, b, c];
    if (y < 100) y += y >= 70 ? 1900 : 2000;
    let h = +(m[4] ?? 0);
    const meridiem = m[7]?.toLowerCase();
    if (meridiem === "pm" && h < 12) h += 12;
    if (meridiem === "am" && h === 12) h = 0;
    return timestampText(value, line, column, y, mo, d, h, +(m[5] ?? 0), +(m[6] ?? 0));
  }
  throw invalid(value, line, column, "a date");
}

export function optionalDate(value: string, line: number, column: string, options: Pick<ValueOptions, "dateOrder">): string | null {
  return value.trim() === "" ? null : timestamp(value, line, column, options).slice(0, 10);
}

/**
 * What the date values of a column say about their order: "ymd" for ISO,
 * "dmy"/"mdy" when a day above 12 settles it, "ambiguous" when every value
 * reads both ways (then the analyst is asked), null when nothing looks like a date.
 */
export function detectDateOrder(values: string[]): DateOrder | "ambiguous" | null {
  let iso = 0;
  let dayFirst = false;
  let monthFirst = false;
  let other = 0;
  for (const raw of values) {
    const v = raw.trim();
    if (v === "") continue;
    if (ISO.test(v)) {
      iso++;
      continue;
    }
    const m = OTHER.exec(v);
    if (!m) return null;
    other++;
    if (m[1]!.length === 4) continue;
    const [a, b] = [+m[1]!, +m[2]!];
    if (a > 12) dayFirst = true;
    if (b > 12) monthFirst = true;
  }
  if (other === 0) return iso > 0 ? "ymd" : null;
  if (dayFirst && monthFirst) return null;
  if (dayFirst) return "dmy";
  if (monthFirst) return "mdy";
  return "ambiguous";
}
