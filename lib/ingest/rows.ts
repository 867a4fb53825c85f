import { countFlags, emptyCounts, lineFlags, type CleaningCounts } from "./cleaning";
import { copyRow, copyText } from "./copy-text";
import type { RowBatch } from "./csv";
import { RecordHashSet } from "./duplicates";
import { ImportError } from "./errors";
import type { Layout, Mapping } from "./layouts";
import * as v from "./values";

/**
 * Turns parsed CSV rows into COPY rows for one layout: checks the field count,
 * parses each mapped value (errors name line, column and value), and for
 * transactions sets the cleaning bits and counts them. This runs once per row
 * of files with millions of rows, so it avoids making objects per cell.
 */
export interface ConverterInput {
  layout: Layout;
  fileName: string;
  header: string[];
  mapping: Mapping;
  options: v.ValueOptions;
  datasetId: number;
  importId: number;
  /** About how many rows the file holds (sizes the duplicate finder); unknown: small, and it grows. */
  expectedRows?: number;
  /**
   * False when the table the rows go to has the dataset and import ids as its
   * column defaults (a new dataset's lines): rows then leave them out, and
   * PostgreSQL parses two columns fewer per line (10% of a COPY's time).
   */
  writeIds?: boolean;
}

export interface Converter {
  table: "transaction_lines" | "customers";
  /** The COPY columns, in the order each row gives them. */
  columns: string[];
  /** COPY text for the batch's rows from `from` on (the header is row 0 of the first batch). */
  convert(batch: RowBatch, from: number): string;
  cleaning: CleaningCounts | null;
}

/** A transactions file's converter, which also converts one row at a time (for the byte path's fallback, fast-lines.ts). */
export interface LineConverter extends Converter {
  table: "transaction_lines";
  cleaning: CleaningCounts;
  /** COPY text of one row; `duplicate`: an identical record came earlier in the file. */
  convertRow(row: string[], line: number, duplicate: boolean): string;
  /** Finds exact duplicates of earlier records. */
  records: RecordHashSet;
  /**
   * The table column of each file column, in file order, when every column of
   * the file is mapped (the byte path may then copy values as they stand);
   * null when some column is not read.
   */
  fileColumns: LineColumn[] | null;
  /** Columns the file does not have, written after the file's own: a purchases file's invoice (its line number) and quantity (1). */
  computed: ("invoice_no" | "quantity")[];
  /** The column name of each field, for messages. */
  names: Record<LineColumn, string>;
}

export type LineColumn = "invoice_no" | "stock_code" | "description" | "quantity" | "invoice_date" | "unit_price" | "customer_id" | "country" | "line_total";

const LINE_COLUMNS: LineColumn[] = ["invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country", "line_total"];
const CUSTOMER_COLUMNS = ["dataset_id", "import_id", "external_id", "age", "gender", "country", "city", "signup_date", "attributes"];

/**
 * A line's customer_key (migration 20261211300000): its customer's id, or for a guest line a space and its
 * invoice number. No id begins with a space (values.identifier trims them), so a guest key is never a
 * customer's, and a guest invoice's lines share one key. On a Citus cluster the lines are distributed on it,
 * with the per-customer tables (lib/db/citus.ts). The byte path (fast-lines.ts) writes the same bytes.
 */
export function customerKey(customer: string | null, invoice: string): string {
  return customer ?? ` ${invoice}`;
}

export function makeConverter(input: ConverterInput): Converter {
  const { header, fileName } = input;
  const width = header.length;
  const ids = input.writeIds ?? true;
  const prefix = ids ? `${input.datasetId}\t${input.importId}\t` : "";
  const name = (index: number | undefined) => (index === undefined ? "" : (header[index] ?? `column ${index + 1}`));
  const checkWidth = (row: string[], line: number) => {
    if (row.length !== width) {
      throw new ImportError("wrong_field_count", `${fileName}, line ${line}: ${row.length} fields where the header has ${width}.`, line);
    }
  };
  return input.layout === "customers" ? customerConverter(input, prefix, name, checkWidth) : lineConverter(input, prefix, name, checkWidth);
}

export function lineConverter(
  input: ConverterInput,
  prefix: string,
  name: (index: number | undefined) => string,
  checkWidth: (row: string[], line: number) => void,
): LineConverter {
  const { layout, mapping, options } = input;
  const cleaning = emptyCounts();
  const records = new RecordHashSet(input.expectedRows);
  // The file column each table column reads (a purchases file's amount is the line's unit price, its quantity 1).
  const source: Partial<Record<LineColumn, number>> = {
    invoice_no: mapping.invoice_no,
    stock_code: mapping.stock_code,
    description: mapping.description,
    quantity: mapping.quantity,
    invoice_date: mapping.invoice_date,
    unit_price: layout === "purchases" ? mapping.amount : mapping.unit_price,
    customer_id: mapping.customer_id,
    country: mapping.country,
    line_total: layout === "lines" ? mapping.line_total : undefined,
  };
  const iTotal = source.line_total;
  const [iInvoice, iStock, iDescription, iQuantity, iCountry] = [source.invoice_no, source.stock_code, source.description, source.quantity, source.country];
  const iDate = source.invoice_date!;
  const iPrice = source.unit_price!;
  const iCustomer = source.customer_id!;
  const names = Object.fromEntries(LINE_COLUMNS.map((c) => [c, name(source[c])])) as Record<LineColumn, string>;
  // Rows are written in the file's column order when the file has no other column (then the byte path can copy values as they stand).
  const byIndex = new Map(LINE_COLUMNS.filter((c) => source[c] !== undefined).map((c) => [source[c]!, c]));
  // (The byte path reads no line totals: a file with one takes the general path.)
  const fileColumns = byIndex.size === input.header.length && iTotal === undefined ? input.header.map((_, i) => byIndex.get(i)!) : null;
  const computed = (["invoice_no", "quantity"] as const).filter((c) => source[c] === undefined);
  const order: LineColumn[] = fileColumns ? [...fileColumns, ...computed] : LINE_COLUMNS.filter((c) => c !== "line_total" || iTotal !== undefined);
  // The last raw value of each repeating column, and what it read as ("\u0000": none yet; no cell holds it).
  const last = { invoice: "\u0000", date: "\u0000", customer: "\u0000", country: "\u0000" };
  const read: { invoice: string; date: string; customer: string | null; country: string | null } = { invoice: "", date: "", customer: null, country: null };
  const values: Record<LineColumn, string | null> = { invoice_no: null, stock_code: null, description: null, quantity: null, invoice_date: null, unit_price: null, customer_id: null, country: null, line_total: null };

  function convertRow(row: string[], line: number, duplicate: boolean): string {
    checkWidth(row, line);
    // An invoice's lines repeat its number, date, customer and country: each is read once per run of equal values.
    if (iInvoice !== undefined && row[iInvoice] !== last.invoice) (last.invoice = row[iInvoice]!), (read.invoice = v.requiredText(last.invoice, line, names.invoice_no));
    if (row[iDate] !== last.date) (last.date = row[iDate]!), (read.date = v.timestamp(last.date, line, names.invoice_date, options));
    if (row[iCustomer] !== last.customer) (last.customer = row[iCustomer]!), (read.customer = v.identifier(last.customer));
    if (iCountry !== undefined && row[iCountry] !== last.country) (last.country = row[iCountry]!), (read.country = v.optionalText(last.country));
    // A purchases file has one purchase per row: the line number is its invoice.
    const invoice = iInvoice === undefined ? String(line) : read.invoice;
    const stock = iStock === undefined ? null : v.optionalText(row[iStock]!);
    const quantity = iQuantity === undefined ? "1" : v.integer(row[iQuantity]!, line, names.quantity);
    const price = v.decimal(row[iPrice]!, line, names.unit_price, options);
    let flags = lineFlags(invoice, stock, +quantity, +price, read.customer);
    if (duplicate) flags |= 32;
    countFlags(cleaning, flags);
    values.invoice_no = invoice;
    values.stock_code = stock;
    values.description = iDescription === undefined ? null : v.optionalText(row[iDescription]!);
    values.quantity = quantity;
    values.invoice_date = read.date;
    values.unit_price = price;
    values.customer_id = read.customer;
    values.country = iCountry === undefined ? null : read.country;
    values.line_total = iTotal === undefined ? null : v.optionalDecimal(row[iTotal]!, line, names.line_total, options);
    let out = prefix;
    for (const column of order) out += `${copyText(values[column])}\t`;
    return `${out}${copyText(customerKey(read.customer, invoice))}\t${flags}\n`;
  }

  return {
    table: "transaction_lines",
    columns: [...(input.writeIds ?? true ? ["dataset_id", "import_id"] : []), ...order, "customer_key", "excluded"],
    cleaning,
    records,
    fileColumns,
    computed,
    names,
    convertRow,
    convert(batch, from) {
      let out = "";
      for (let r = from; r < batch.rows.length; r++) {
        const duplicate = batch.bytes ? records.seenBytes(batch.bytes, batch.starts[r]!, batch.ends[r]!) : records.seenText(batch.text, batch.starts[r]!, batch.ends[r]!);
        out += convertRow(batch.rows[r]!, batch.lines[r]!, duplicate);
      }
      return out;
    },
  };
}

function customerConverter(
  input: ConverterInput,
  prefix: string,
  name: (index: number | undefined) => string,
  checkWidth: (row: string[], line: number) => void,
): Converter {
  const { header, mapping, options, fileName } = input;
  const mapped = new Set(Object.values(mapping).filter((i): i is number => i !== undefined));
  const extras = header.map((_, i) => i).filter((i) => !mapped.has(i) && header[i]!.trim() !== "");
  const seen = new Map<string, number>();
  const thisYear = new Date().getUTCFullYear();
  const at = (row: string[], key: string) => (mapping[key] === undefined ? "" : row[mapping[key]!]!);
  return {
    table: "customers",
    columns: CUSTOMER_COLUMNS,
    cleaning: null,
    convert(batch, from) {
      let out = "";
      for (let r = from; r < batch.rows.length; r++) out += customerRow(batch.rows[r]!, batch.lines[r]!);
      return out;
    },
  };

  function customerRow(row: string[], line: number): string {
    checkWidth(row, line);
    const id = v.identifier(at(row, "external_id")) ?? v.requiredText("", line, name(mapping.external_id));
    const first = seen.get(id);
    if (first !== undefined) {
      throw new ImportError("duplicate_id", `${fileName}, line ${line}: customer ${id} already appears on line ${first}.`, line, name(mapping.external_id));
    }
    seen.set(id, line);
    const attributes: Record<string, string | number> = {};
    for (const i of extras) if (row[i] !== "") attributes[header[i]!] = row[i]!;
    const birthDate = v.optionalDate(at(row, "birth_date"), line, name(mapping.birth_date), options);
    const birthYear = v.optionalInteger(at(row, "birth_year"), line, name(mapping.birth_year));
    if (birthDate) attributes.birth_date = birthDate;
    if (birthYear) attributes.birth_year = Number(birthYear);
    const age =
      v.optionalInteger(at(row, "age"), line, name(mapping.age)) ??
      (birthDate ? String(thisYear - Number(birthDate.slice(0, 4))) : birthYear ? String(thisYear - Number(birthYear)) : null);
    const income = v.optionalDecimal(at(row, "income"), line, name(mapping.income), options);
    if (income !== null) attributes.income = Number(income);
    const signup = v.optionalDate(at(row, "signup_date"), line, name(mapping.signup_date), options);
    const text = (key: string) => v.optionalText(at(row, key));
    return prefix + copyRow([id, age, text("gender"), text("country"), text("city"), signup, JSON.stringify(attributes)]);
  }
}
