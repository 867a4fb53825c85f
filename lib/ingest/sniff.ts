import Papa from "papaparse";
import { guessNewline, type CsvFormat } from "./csv";
import { decodePrefix, type Encoding } from "./decode";
import { ImportError } from "./errors";
import { autoMapping, detectLayout, LAYOUTS, missingFields, refuseDuplicateColumns, type FileKind, type Layout, type Mapping } from "./layouts";
import { detectDateOrder, type DateOrder } from "./values";

/**
 * What the first bytes of a file say about it: encoding, delimiter, header,
 * which layout it is and how its columns map, how its dates and decimals are
 * written. The upload page shows this before sending the file, and the load
 * reads the file with the same conclusions (or with the analyst's answers).
 */
export const SNIFF_BYTES = 256 * 1024;

export interface Sniffed extends CsvFormat {
  fileName: string;
  encoding: Encoding;
  header: string[];
  /** The first data rows, for the preview table. */
  preview: string[][];
  layout: Layout | null;
  kind: FileKind | null;
  /** Field → column name, for every field of the layout (null: no column). */
  mapping: Record<string, string | null>;
  /** Required fields without a column. */
  missing: string[];
  dateOrder: DateOrder | "ambiguous" | null;
  decimalComma: boolean;
}

const DELIMITERS = [",", ";", "\t", "|"];
export const DATE_FIELDS = ["invoice_date", "signup_date", "birth_date"];
const NUMBER_FIELDS = ["unit_price", "line_total", "amount", "income"];

/** What sniff() finds, plus every data row of the sniffed bytes (for the load to judge dates and decimals; not for the page). */
export interface SniffResult extends Sniffed {
  sample: string[][];
}

export function sniff(head: Buffer, fileName: string, complete: boolean, layoutHint?: Layout | FileKind): SniffResult {
  if (head.length === 0) throw new ImportError("empty_file", `${fileName} is empty: it has no header line and no rows.`);
  const decoded = decodePrefix(head, fileName, complete);
  let text = decoded.text;
  if (!complete) {
    const lastBreak = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r"));
    if (lastBreak > 0) text = text.slice(0, lastBreak + 1);
  }
  if (text.trim() === "") throw new ImportError("empty_file", `${fileName} is empty: it has no header line and no rows.`);
  const newline = guessNewline(text);
  const parsed = Papa.parse<string[]>(text, { delimitersToGuess: DELIMITERS, newline, skipEmptyLines: true });
  const delimiter = DELIMITERS.includes(parsed.meta.delimiter) ? parsed.meta.delimiter : ",";
  const [headerRow = [], ...rows] = parsed.data;
  const header = headerRow.map((h) => h.trim());
  refuseDuplicateColumns(header, fileName);
  if (rows.length === 0 && complete) throw new ImportError("no_rows", `${fileName} has a header but no rows.`, 2);

  const layout = resolveLayout(layoutHint, header);
  const spec = layout ? LAYOUTS[layout] : null;
  const mapping: Mapping = spec ? autoMapping(spec, header) : {};
  const { dateOrder, decimalComma } = detectValueFormats(rows, mapping, delimiter);

  return {
    fileName,
    encoding: decoded.encoding,
    delimiter,
    newline,
    header,
    preview: rows.slice(0, 10),
    sample: rows,
    layout,
    kind: spec?.kind ?? null,
    mapping: spec ? Object.fromEntries(spec.fields.map((f) => [f.key, mapping[f.key] === undefined ? null : header[mapping[f.key]!]!])) : {},
    missing: spec ? missingFields(spec, mapping) : [],
    dateOrder,
    decimalComma,
  };
}

/** How the mapped date and number columns are written, judged from the first rows. */
export function detectValueFormats(rows: string[][], mapping: Mapping, delimiter: string): Pick<Sniffed, "dateOrder" | "decimalComma"> {
  const values = (key: string) => (mapping[key] === undefined ? [] : rows.map((r) => r[mapping[key]!] ?? ""));
  let dateOrder: Sniffed["dateOrder"] = null;
  for (const key of DATE_FIELDS) {
    const order = detectDateOrder(values(key));
    if (order === "ambiguous" || (order && dateOrder === null)) dateOrder = order;
  }
  const decimalComma = delimiter === ";" && NUMBER_FIELDS.some((key) => values(key).some((value) => /^-?[\d.]*\d,\d+$/.test(value.trim())));
  return { dateOrder, decimalComma };
}

function resolveLayout(hint: Layout | FileKind | undefined, header: string[]): Layout | null {
  const detected = detectLayout(header);
  if (!hint) return detected;
  if (hint === "customers") return "customers";
  if (hint === "transactions") return detected === "purchases" ? "purchases" : "lines";
  return hint;
}
