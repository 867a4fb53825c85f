import { countFlags, emptyCounts, lineFlags, type CleaningCounts } from "./cleaning";
import { copyRow, copyText } from "./copy-text";
import { RowHashSet } from "./duplicates";
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
}

export interface Converter {
  table: "transaction_lines" | "customers";
  columns: string[];
  convert(row: string[], line: number): string;
  cleaning: CleaningCounts | null;
}

const LINE_COLUMNS = ["dataset_id", "import_id", "invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country", "excluded"];
const CUSTOMER_COLUMNS = ["dataset_id", "import_id", "external_id", "age", "gender", "country", "city", "signup_date", "attributes"];

export function makeConverter(input: ConverterInput): Converter {
  const { header, mapping, options, fileName } = input;
  const width = header.length;
  const prefix = `${input.datasetId}\t${input.importId}\t`;
  const name = (index: number | undefined) => (index === undefined ? "" : (header[index] ?? `column ${index + 1}`));
  const checkWidth = (row: string[], line: number) => {
    if (row.length !== width) {
      throw new ImportError("wrong_field_count", `${fileName}, line ${line}: ${row.length} fields where the header has ${width}.`, line);
    }
  };
  return input.layout === "customers"
    ? customerConverter(input, prefix, name, checkWidth)
    : lineConverter(input.layout, mapping, options, prefix, name, checkWidth);
}

function lineConverter(
  layout: Layout,
  mapping: Mapping,
  options: v.ValueOptions,
  prefix: string,
  name: (index: number | undefined) => string,
  checkWidth: (row: string[], line: number) => void,
): Converter {
  const cleaning = emptyCounts();
  const rows = new RowHashSet();
  const [iInvoice, iStock, iDescription, iQuantity, iCountry] = [mapping.invoice_no, mapping.stock_code, mapping.description, mapping.quantity, mapping.country];
  const iDate = mapping.invoice_date!;
  const iPrice = (layout === "purchases" ? mapping.amount : mapping.unit_price)!;
  const iCustomer = mapping.customer_id!;
  const [nInvoice, nQuantity, nDate, nPrice] = [name(iInvoice), name(iQuantity), name(iDate), name(iPrice)];
  return {
    table: "transaction_lines",
    columns: LINE_COLUMNS,
    cleaning,
    convert(row, line) {
      checkWidth(row, line);
      // A purchases file has one purchase per row: the line number is its invoice.
      const invoice = iInvoice === undefined ? String(line) : v.requiredText(row[iInvoice]!, line, nInvoice);
      const stock = iStock === undefined ? null : v.optionalText(row[iStock]!);
      const description = iDescription === undefined ? null : v.optionalText(row[iDescription]!);
      const quantity = iQuantity === undefined ? "1" : v.integer(row[iQuantity]!, line, nQuantity);
      const date = v.timestamp(row[iDate]!, line, nDate, options);
      const price = v.decimal(row[iPrice]!, line, nPrice, options);
      const customer = v.identifier(row[iCustomer]!);
      const country = iCountry === undefined ? null : v.optionalText(row[iCountry]!);
      let flags = lineFlags(invoice, stock, +quantity, +price, customer);
      if (rows.seen(row)) flags |= 32;
      countFlags(cleaning, flags);
      return `${prefix}${copyText(invoice)}\t${copyText(stock)}\t${copyText(description)}\t${quantity}\t${date}\t${price}\t${copyText(customer)}\t${copyText(country)}\t${flags}\n`;
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
    convert(row, line) {
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
    },
  };
}
