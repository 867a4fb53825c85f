import { hash } from "node:crypto";
import { countFlags, emptyCounts, lineFlags, type CleaningCounts } from "./cleaning";
import { copyRow } from "./copy-text";
import { ImportError } from "./errors";
import type { Layout, Mapping } from "./layouts";
import * as v from "./values";

/**
 * Turns parsed CSV rows into COPY rows for one layout: checks the field count,
 * parses each mapped value (errors name line, column and value), and for
 * transactions sets the cleaning bits and counts them.
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
  const at = (key: string) => mapping[key];
  const column = (index: number) => header[index] ?? `column ${index + 1}`;

  const checkWidth = (row: string[], line: number) => {
    if (row.length !== width) {
      throw new ImportError(
        "wrong_field_count",
        `${fileName}, line ${line}: ${row.length} fields where the header has ${width}.`,
        line,
      );
    }
  };
  /** The cell of a mapped field, or null when the field is not mapped. */
  const cell = (row: string[], index: number | undefined, line: number): v.Cell | null =>
    index === undefined ? null : { value: row[index]!, line, column: column(index) };

  if (input.layout === "customers") {
    const mapped = new Set(Object.values(mapping).filter((i): i is number => i !== undefined));
    const extras = header.map((_, i) => i).filter((i) => !mapped.has(i) && header[i]!.trim() !== "");
    const seen = new Map<string, number>();
    const thisYear = new Date().getUTCFullYear();
    return {
      table: "customers",
      columns: CUSTOMER_COLUMNS,
      cleaning: null,
      convert(row, line) {
        checkWidth(row, line);
        const idCell = cell(row, at("external_id"), line)!;
        const id = v.identifier(idCell) ?? v.requiredText(idCell);
        const first = seen.get(id);
        if (first !== undefined) {
          throw new ImportError("duplicate_id", `${fileName}, line ${line}: customer ${id} already appears on line ${first}.`, line, idCell.column);
        }
        seen.set(id, line);
        const text = (key: string) => {
          const c = cell(row, at(key), line);
          return c ? v.optionalText(c) : null;
        };
        const attributes: Record<string, string | number> = {};
        for (const i of extras) if (row[i] !== "") attributes[header[i]!] = row[i]!;
        let age = at("age") === undefined ? null : v.optionalInteger(cell(row, at("age"), line)!);
        const birthDate = at("birth_date") === undefined ? null : v.optionalDate(cell(row, at("birth_date"), line)!, options);
        const birthYear = at("birth_year") === undefined ? null : v.optionalInteger(cell(row, at("birth_year"), line)!);
        if (birthDate) attributes.birth_date = birthDate;
        if (birthYear) attributes.birth_year = Number(birthYear);
        age ??= birthDate ? String(thisYear - Number(birthDate.slice(0, 4))) : birthYear ? String(thisYear - Number(birthYear)) : null;
        const income = at("income") === undefined ? null : v.optionalDecimal(cell(row, at("income"), line)!, options);
        if (income !== null) attributes.income = Number(income);
        const signup = at("signup_date") === undefined ? null : v.optionalDate(cell(row, at("signup_date"), line)!, options);
        return prefix + copyRow([id, age, text("gender"), text("country"), text("city"), signup, JSON.stringify(attributes)]);
      },
    };
  }

  const cleaning = emptyCounts();
  const seen = new Set<string>();
  const purchases = input.layout === "purchases";
  const iInvoice = at("invoice_no");
  const iStock = at("stock_code");
  const iDescription = at("description");
  const iQuantity = at("quantity");
  const iDate = at("invoice_date")!;
  const iPrice = purchases ? at("amount")! : at("unit_price")!;
  const iCustomer = at("customer_id")!;
  const iCountry = at("country");
  return {
    table: "transaction_lines",
    columns: LINE_COLUMNS,
    cleaning,
    convert(row, line) {
      checkWidth(row, line);
      const invoice = iInvoice === undefined ? String(line) : v.requiredText(cell(row, iInvoice, line)!);
      const stock = iStock === undefined ? null : v.optionalText(cell(row, iStock, line)!);
      const description = iDescription === undefined ? null : v.optionalText(cell(row, iDescription, line)!);
      const quantity = iQuantity === undefined ? "1" : v.integer(cell(row, iQuantity, line)!);
      const date = v.timestamp(cell(row, iDate, line)!, options);
      const price = v.decimal(cell(row, iPrice, line)!, options);
      const customer = v.identifier(cell(row, iCustomer, line)!);
      const country = iCountry === undefined ? null : v.optionalText(cell(row, iCountry, line)!);
      let flags = lineFlags(invoice, stock, Number(quantity), Number(price), customer);
      // Exact duplicates: every column equal to an earlier row of this file.
      const key = hash("md5", row.join("\u001f"), "base64");
      if (seen.has(key)) flags |= 32;
      else seen.add(key);
      countFlags(cleaning, flags);
      return prefix + copyRow([invoice, stock, description, quantity, date, price, customer, country, String(flags)]);
    },
  };
}
