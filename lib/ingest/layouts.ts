import { ImportError } from "./errors";

/**
 * The file layouts Segmenta reads, each a set of fields with the header names
 * that mean them. Headers are compared normalised: lower case, without spaces,
 * underscores, dashes, dots, brackets or symbols ("Customer ID" = "customer_id").
 */
export type FileKind = "transactions" | "customers";
export type Layout = "lines" | "purchases" | "customers";

export interface FieldSpec {
  key: string;
  label: string;
  required: boolean;
  aliases: string[];
}

export interface LayoutSpec {
  layout: Layout;
  kind: FileKind;
  label: string;
  fields: FieldSpec[];
}

const field = (key: string, label: string, required: boolean, aliases: string[]): FieldSpec => ({ key, label, required, aliases });

const CUSTOMER_ALIASES = ["customerid", "customer", "customerno", "customernumber", "custid", "clientid", "client", "userid", "customername", "accountid"];
const DATE_ALIASES = ["invoicedate", "orderdate", "date", "purchasedate", "transactiondate", "saledate", "createdat", "timestamp", "datetime", "orderedat"];

export const LAYOUTS: Record<Layout, LayoutSpec> = {
  lines: {
    layout: "lines",
    kind: "transactions",
    label: "Invoice lines (UCI Online Retail columns)",
    fields: [
      field("invoice_no", "Invoice", true, ["invoiceno", "invoice", "invoicenumber", "invoiceid", "ordernumber", "orderno", "orderid"]),
      field("stock_code", "Stock code", false, ["stockcode", "sku", "productcode", "productid", "itemcode", "itemid"]),
      field("description", "Description", false, ["description", "productname", "itemname", "product", "item"]),
      field("quantity", "Quantity", true, ["quantity", "qty", "quantityordered", "units"]),
      field("invoice_date", "Invoice date", true, DATE_ALIASES),
      field("unit_price", "Unit price", true, ["unitprice", "price", "priceeach", "itemprice"]),
      // When a file gives each line's total, revenue is that total (sales_data_sample's PRICEEACH is capped at 100: its SALES is not).
      field("line_total", "Line total", false, ["linetotal", "sales", "lineamount", "linevalue", "totalprice", "extendedprice", "amount", "total", "subtotal", "revenue"]),
      field("customer_id", "Customer", true, CUSTOMER_ALIASES),
      field("country", "Country", false, ["country", "countrycode"]),
    ],
  },
  purchases: {
    layout: "purchases",
    kind: "transactions",
    label: "Purchases (a customer, a date and an amount per row)",
    fields: [
      field("customer_id", "Customer", true, CUSTOMER_ALIASES),
      field("invoice_date", "Date", true, DATE_ALIASES),
      field("amount", "Amount", true, ["amount", "revenue", "total", "sales", "value", "spend", "ordervalue", "ordertotal", "totalamount", "amountspent", "price", "dollars", "dollarvalue"]),
      field("invoice_no", "Order id", false, ["orderid", "order", "ordernumber", "orderno", "invoice", "invoiceno", "transactionid"]),
      field("country", "Country", false, ["country", "countrycode"]),
    ],
  },
  customers: {
    layout: "customers",
    kind: "customers",
    label: "Customers (one row per customer)",
    fields: [
      field("external_id", "Customer id", true, ["customerid", "id", "customer", "clientid", "userid", "custid", "customerno", "customernumber"]),
      field("age", "Age", false, ["age"]),
      field("birth_date", "Birth date", false, ["birthdate", "dateofbirth", "dob", "birthday"]),
      field("birth_year", "Birth year", false, ["yearbirth", "birthyear", "yearofbirth"]),
      field("gender", "Gender", false, ["gender", "sex"]),
      field("country", "Country", false, ["country", "countrycode"]),
      field("city", "City", false, ["city", "town"]),
      field("signup_date", "Signup date", false, ["signupdate", "signup", "signedup", "createdat", "registered", "registrationdate", "joindate", "dtcustomer", "customersince", "firstseen"]),
      field("income", "Income", false, ["income", "annualincome", "annualincomek", "yearlyincome", "salary"]),
    ],
  },
};

export const normaliseHeader = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** For each field, the column index it reads (undefined when the file has no such column). */
export type Mapping = Record<string, number | undefined>;

export function autoMapping(spec: LayoutSpec, header: string[]): Mapping {
  const normalised = header.map(normaliseHeader);
  const taken = new Set<number>();
  const mapping: Mapping = {};
  // Fields in order: earlier (more specific) fields claim their column first.
  for (const f of spec.fields) {
    for (const alias of f.aliases) {
      const index = normalised.findIndex((h, i) => h === alias && !taken.has(i));
      if (index !== -1) {
        mapping[f.key] = index;
        taken.add(index);
        break;
      }
    }
  }
  return mapping;
}

export const missingFields = (spec: LayoutSpec, mapping: Mapping) => spec.fields.filter((f) => f.required && mapping[f.key] === undefined).map((f) => f.key);

/** The layout a header reads as, most specific first; null when none fits without help. */
export function detectLayout(header: string[]): Layout | null {
  for (const layout of ["lines", "purchases"] as const) {
    if (missingFields(LAYOUTS[layout], autoMapping(LAYOUTS[layout], header)).length === 0) return layout;
  }
  const customers = autoMapping(LAYOUTS.customers, header);
  const attributes = Object.keys(customers).filter((k) => k !== "external_id").length;
  if (customers.external_id !== undefined && (attributes > 0 || header.length > 1)) return "customers";
  return null;
}

/** Resolves a mapping given by column names (from the page or the API) against the header. */
export function mappingFromNames(spec: LayoutSpec, header: string[], names: Record<string, string | null>, fileName: string): Mapping {
  const mapping: Mapping = {};
  for (const [key, name] of Object.entries(names)) {
    if (!spec.fields.some((f) => f.key === key)) {
      throw new ImportError("invalid_mapping", `The mapping names a field "${key}" that ${spec.label.toLowerCase()} do not have.`);
    }
    // A field named with no column is unmapped on purpose (the page's "— none —"), even where the header would map it.
    if (name === null || name === "") {
      mapping[key] = undefined;
      continue;
    }
    const index = header.indexOf(name);
    if (index === -1) throw new ImportError("invalid_mapping", `${fileName} has no column "${name}" (for ${key}).`, 1);
    mapping[key] = index;
  }
  return mapping;
}

/**
 * Two columns with the same name (once trimmed, which takes a byte order mark
 * or spaces off): a name cannot say which of the two it means (the upload
 * page's mapping, a customers file's attributes), so the file is refused with
 * both positions. Unnamed columns are never read by name and may repeat.
 */
export function refuseDuplicateColumns(header: string[], fileName: string): void {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (name === "") return;
    const first = seen.get(name);
    if (first !== undefined) {
      throw new ImportError(
        "duplicate_column",
        `${fileName}, line 1: columns ${first + 1} and ${i + 1} are both named "${name}". Rename or remove one of them and upload the file again.`,
        1,
        name,
      );
    }
    seen.set(name, i);
  });
}

/**
 * A field the header mapped by itself to one of two columns whose names read
 * the same ("Customer ID" and "customer_id"): the first would win without a
 * word, so the load asks which, unless the mapping names the field's column.
 * And, in a customers file, a column kept under the same name as a mapped
 * field ("birth_date" beside a "DOB" read as the birth date): one would
 * overwrite the other.
 */
export function refuseAmbiguousColumns(spec: LayoutSpec, header: string[], mapping: Mapping, named: ReadonlySet<string>, fileName: string): void {
  const normalised = header.map(normaliseHeader);
  const mapped = new Set(Object.values(mapping).filter((i): i is number => i !== undefined));
  for (const f of spec.fields) {
    const i = mapping[f.key];
    if (i === undefined || named.has(f.key) || normalised[i] === "") continue;
    const j = normalised.findIndex((h, k) => k !== i && h === normalised[i] && !mapped.has(k));
    if (j === -1) continue;
    const [a, b] = i < j ? [i, j] : [j, i];
    throw new ImportError(
      "ambiguous_column",
      `${fileName}, line 1: columns ${a + 1} ("${header[a]}") and ${b + 1} ("${header[b]}") both read as ${f.label}. Choose the one to use on the upload page, or send a mapping such as {"${f.key}":"${header[i]}"}.`,
      1,
      header[i],
    );
  }
  if (spec.kind !== "customers") return;
  for (const [key, i] of Object.entries(mapping)) {
    const kept = CUSTOMER_FIELD_KEYS[key];
    if (i === undefined || !kept) continue;
    const j = header.findIndex((name, k) => k !== i && !mapped.has(k) && name === kept);
    if (j === -1) continue;
    const label = spec.fields.find((f) => f.key === key)!.label;
    throw new ImportError(
      "duplicate_column",
      `${fileName}, line 1: column ${i + 1} ("${header[i]}") is read as ${label}, kept as "${kept}", and column ${j + 1} is named "${kept}" too. Rename column ${j + 1}, or map it as ${label} instead.`,
      1,
      header[j],
    );
  }
}

/** How revenue is computed from a transactions file with this mapping (column names as in the file), in words; null for a customers file. */
export function revenueFormula(layout: Layout, mapping: Record<string, string | null | undefined>): string | null {
  if (layout === "customers") return null;
  if (layout === "purchases") return `Revenue is the ${mapping.amount ? `“${mapping.amount}”` : "amount"} of each purchase.`;
  if (mapping.line_total) return `Revenue is each line’s total, “${mapping.line_total}” (where a line has none: quantity × unit price).`;
  return `Revenue is quantity × unit price${mapping.quantity && mapping.unit_price ? ` (“${mapping.quantity}” × “${mapping.unit_price}”)` : ""}; map a line total column if the file has one.`;
}

/** Where a customers file's mapped fields are kept: a column of table customers, or a key of its attributes. */
const CUSTOMER_FIELD_KEYS: Record<string, string | null> = {
  external_id: null,
  age: "age",
  birth_date: "birth_date",
  birth_year: "birth_year",
  gender: "gender",
  country: "country",
  city: "city",
  signup_date: "signup_date",
  income: "income",
};

/**
 * A customers file's columns as Segmenta keeps them: each header (as written)
 * with its key in lib/queries/sql/customer-columns.sql (a mapped field's
 * table column or attribute; any other column's header itself). The id
 * column is left out: it is the customer.
 */
export function customerColumnKeys(header: string[], mapping: Mapping): { name: string; key: string }[] {
  const fieldOf = new Map(Object.entries(mapping).filter(([, i]) => i !== undefined).map(([key, i]) => [i!, key]));
  const columns: { name: string; key: string }[] = [];
  header.forEach((name, i) => {
    if (name.trim() === "") return;
    const field = fieldOf.get(i);
    const key = field === undefined ? name : CUSTOMER_FIELD_KEYS[field];
    if (key) columns.push({ name, key });
  });
  return columns;
}
