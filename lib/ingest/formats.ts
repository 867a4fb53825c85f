import { ImportError } from "./errors";
import * as v from "./values";

/**
 * The file kinds Segmenta reads, each as: which header names map to which
 * field, the table its rows go to, and how one record becomes one COPY row.
 */
export type FileKind = "transactions" | "customers";

interface Field {
  name: string;
  /** Header names that mean this field, compared lower-cased with spaces, dashes and underscores removed. */
  aliases: string[];
  required: boolean;
  parse: (cell: v.Cell) => string | null;
}

export interface FileFormat {
  kind: FileKind;
  table: string;
  /** Columns written by COPY, after dataset_id and import_id. */
  columns: string[];
  fields: Field[];
  /** Other columns are kept as a JSON object in this column (customers.attributes). */
  extrasColumn?: string;
}

export const normaliseHeader = (name: string) => name.toLowerCase().replace(/[\s_\-.]/g, "");

export const TRANSACTIONS: FileFormat = {
  kind: "transactions",
  table: "transaction_lines",
  columns: ["invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country"],
  fields: [
    { name: "invoice_no", aliases: ["invoiceno", "invoice"], required: true, parse: v.requiredText },
    { name: "stock_code", aliases: ["stockcode"], required: true, parse: v.optionalText },
    { name: "description", aliases: ["description"], required: true, parse: v.optionalText },
    { name: "quantity", aliases: ["quantity"], required: true, parse: v.integer },
    { name: "invoice_date", aliases: ["invoicedate"], required: true, parse: v.timestamp },
    { name: "unit_price", aliases: ["unitprice", "price"], required: true, parse: v.decimal },
    { name: "customer_id", aliases: ["customerid"], required: true, parse: v.identifier },
    { name: "country", aliases: ["country"], required: true, parse: v.optionalText },
  ],
};

export const CUSTOMERS: FileFormat = {
  kind: "customers",
  table: "customers",
  columns: ["external_id", "age", "gender", "country", "city", "signup_date", "attributes"],
  extrasColumn: "attributes",
  fields: [
    { name: "external_id", aliases: ["customerid", "id"], required: true, parse: (c) => v.identifier(c) ?? v.requiredText(c) },
    { name: "age", aliases: ["age"], required: false, parse: v.optionalInteger },
    { name: "gender", aliases: ["gender", "sex"], required: false, parse: v.optionalText },
    { name: "country", aliases: ["country"], required: false, parse: v.optionalText },
    { name: "city", aliases: ["city"], required: false, parse: v.optionalText },
    { name: "signup_date", aliases: ["signupdate", "signup", "createdat", "registered"], required: false, parse: v.optionalDate },
  ],
};

export const FORMATS: Record<FileKind, FileFormat> = { transactions: TRANSACTIONS, customers: CUSTOMERS };

/** How the header of a file maps onto a format: for each field, the index of its column. */
export interface HeaderMap {
  format: FileFormat;
  header: string[];
  positions: (number | undefined)[];
  extras: number[];
}

export function mapHeader(format: FileFormat, header: string[], fileName: string): HeaderMap {
  const normalised = header.map(normaliseHeader);
  const positions = format.fields.map((f) => {
    const index = normalised.findIndex((h) => f.aliases.includes(h));
    return index === -1 ? undefined : index;
  });
  const missing = format.fields.filter((f, i) => f.required && positions[i] === undefined).map((f) => f.aliases[0]);
  if (missing.length > 0) {
    throw new ImportError(
      "unmapped_header",
      `${fileName}, line 1: no column for ${missing.join(", ")} (found: ${header.join(", ")}).`,
      1,
    );
  }
  const used = new Set(positions.filter((p): p is number => p !== undefined));
  const extras = format.extrasColumn ? header.map((_, i) => i).filter((i) => !used.has(i) && header[i] !== "") : [];
  return { format, header, positions, extras };
}

/** One CSV record as the values COPY writes (without dataset_id and import_id). */
export function toRow(map: HeaderMap, record: string[], line: number): (string | null)[] {
  const out: (string | null)[] = map.format.fields.map((field, i) => {
    const position = map.positions[i];
    if (position === undefined) return null;
    return field.parse({ value: record[position] ?? "", line, column: map.header[position]! });
  });
  if (map.format.extrasColumn) {
    const extras: Record<string, string> = {};
    for (const i of map.extras) if ((record[i] ?? "") !== "") extras[map.header[i]!] = record[i]!;
    out.push(JSON.stringify(extras));
  }
  return out;
}
