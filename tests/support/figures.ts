import { parse } from "csv-parse/sync";

/**
 * The headline figures of a transactions CSV, computed here in the test from
 * the file itself (not by the app), to check what the app shows against.
 * Money is summed exactly, in millionths, as numeric(20,6) stores it.
 */
export interface CsvFigures {
  lines: number;
  invoices: number;
  customers: number;
  revenueMillionths: bigint;
  firstInvoiceAt: string;
  lastInvoiceAt: string;
  countries: number;
}

export function toMillionths(decimal: string): bigint {
  const negative = decimal.trim().startsWith("-");
  const [whole = "0", fraction = ""] = decimal.trim().replace(/^[+-]/, "").split(".");
  const value = BigInt(whole || "0") * 1_000_000n + BigInt((fraction + "000000").slice(0, 6));
  return negative ? -value : value;
}

export function figuresFromCsv(text: string): CsvFigures {
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  let revenue = 0n;
  let first = "";
  let last = "";
  for (const r of rows) {
    revenue += BigInt(r.Quantity!) * toMillionths(r.UnitPrice!);
    if (!first || r.InvoiceDate! < first) first = r.InvoiceDate!;
    if (!last || r.InvoiceDate! > last) last = r.InvoiceDate!;
  }
  const distinct = (key: string) => new Set(rows.map((r) => r[key]).filter((v) => v !== "")).size;
  return {
    lines: rows.length,
    invoices: distinct("InvoiceNo"),
    customers: distinct("CustomerID"),
    revenueMillionths: revenue,
    firstInvoiceAt: first,
    lastInvoiceAt: last,
    countries: distinct("Country"),
  };
}
