import { z } from "zod";

/**
 * The customers table of a segmentation run: its columns and the URL/API
 * parameters that choose a page of it. Pure (no server imports): the route
 * handler validates with it, the pages parse their searchParams with it, and
 * the client component builds its requests and links with it.
 *
 * URL: ?page=&size=&sort=&dir=&q=&segment=&field=&min=&max=&other_run=&other_segment=&cols=
 */
export const CUSTOMER_COLUMNS = [
  { id: "customer_id", label: "Customer", kind: "text", numeric: false },
  { id: "segment", label: "Segment", kind: "text", numeric: false },
  { id: "recency_score", label: "R score", kind: "score", numeric: true },
  { id: "frequency_score", label: "F score", kind: "score", numeric: true },
  { id: "monetary_score", label: "M score", kind: "score", numeric: true },
  { id: "recency_days", label: "Recency (days)", kind: "integer", numeric: true },
  { id: "frequency", label: "Orders", kind: "integer", numeric: true },
  { id: "monetary", label: "Revenue", kind: "money", numeric: true },
  { id: "average_order_value", label: "Avg order value", kind: "money", numeric: true },
  { id: "tenure_days", label: "Tenure (days)", kind: "integer", numeric: true },
  { id: "products", label: "Products", kind: "integer", numeric: true },
  { id: "return_rate", label: "Return rate", kind: "share", numeric: true },
  { id: "p_alive", label: "P(alive)", kind: "share", numeric: true },
  { id: "expected_purchases", label: "Expected orders (12 m)", kind: "decimal", numeric: true },
  { id: "clv", label: "CLV", kind: "money", numeric: true },
] as const;

export type CustomerColumnId = (typeof CUSTOMER_COLUMNS)[number]["id"];
export type CustomerColumn = (typeof CUSTOMER_COLUMNS)[number];
export const COLUMN_IDS = CUSTOMER_COLUMNS.map((c) => c.id) as [CustomerColumnId, ...CustomerColumnId[]];
export const NUMERIC_COLUMN_IDS = CUSTOMER_COLUMNS.filter((c) => c.numeric).map((c) => c.id) as [CustomerColumnId, ...CustomerColumnId[]];
export const columnById = (id: string) => CUSTOMER_COLUMNS.find((c) => c.id === id);

/**
 * Columns shown when the analyst has not chosen any: RFM runs show their scores. A run on a customers file
 * alone has no purchases: its customers and segments (and, RFM on the file's summary columns, the scores and
 * the recency, frequency and spend they came from), never columns that are empty for every customer.
 */
export function defaultColumns(method: string, purchases = true): CustomerColumnId[] {
  if (!purchases) return method === "rfm" ? ["customer_id", "segment", "recency_score", "frequency_score", "monetary_score", "recency_days", "frequency", "monetary"] : ["customer_id", "segment"];
  const common: CustomerColumnId[] = ["customer_id", "segment", "recency_days", "frequency", "monetary", "average_order_value", "p_alive", "clv"];
  return method === "rfm" ? ["customer_id", "segment", "recency_score", "frequency_score", "monetary_score", ...common.slice(2)] : common;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

const finite = z.coerce.number().refine(Number.isFinite, "must be a number");
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

/** The parameters of one page of the customers table, as the API takes them. */
export const CustomerQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(10_000_000).default(1),
    size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    sort: z.enum(COLUMN_IDS, { error: `must be one of ${COLUMN_IDS.join(", ")}` }).default("customer_id"),
    dir: z.enum(["asc", "desc"]).default("asc"),
    /** The start of a customer id (ids starting with it). */
    q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()),
    /** A segment number of the run. */
    segment: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(32767).optional()),
    /** The numeric column that min and max bound. */
    field: z.preprocess(blankToUndefined, z.enum(NUMERIC_COLUMN_IDS, { error: `must be one of ${NUMERIC_COLUMN_IDS.join(", ")}` }).optional()),
    min: z.preprocess(blankToUndefined, finite.optional()),
    max: z.preprocess(blankToUndefined, finite.optional()),
    /** Another run of the dataset: only customers in it (in its segment other_segment; "none": customers absent from it). */
    other_run: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(2_147_483_647).optional()),
    other_segment: z.preprocess(blankToUndefined, z.union([z.literal("none"), z.coerce.number().int().min(0).max(32767)]).optional()),
    /** Keyset paging when sorting by customer id: the page starts after this id (the previous page's last). */
    after: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  })
  .superRefine((q, ctx) => {
    if ((q.min !== undefined || q.max !== undefined) && q.field === undefined)
      ctx.addIssue({ code: "custom", path: ["field"], message: "name the column that min and max apply to" });
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) ctx.addIssue({ code: "custom", path: ["min"], message: "must not exceed max" });
    if (q.after !== undefined && q.sort !== "customer_id") ctx.addIssue({ code: "custom", path: ["after"], message: "only works when sorting by customer_id" });
    if (q.other_segment !== undefined && q.other_run === undefined) ctx.addIssue({ code: "custom", path: ["other_segment"], message: "name the run (other_run) it is a segment of" });
  });
export type CustomerQuery = z.infer<typeof CustomerQuery>;

type Raw = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * A page's searchParams as a query, forgiving: a parameter that does not
 * validate is dropped (the page shows its default) instead of failing.
 */
export function parseCustomerQuery(params: Raw, fixedSegment?: number): CustomerQuery {
  const raw: Record<string, string | undefined> = {};
  for (const key of ["page", "size", "sort", "dir", "q", "segment", "field", "min", "max", "other_run", "other_segment"]) raw[key] = first(params[key]);
  if (fixedSegment !== undefined) raw.segment = String(fixedSegment);
  for (;;) {
    const parsed = CustomerQuery.safeParse(raw);
    if (parsed.success) return parsed.data;
    let dropped = false;
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      for (const k of key === "field" ? ["field", "min", "max"] : [key]) {
        if (raw[k] !== undefined) {
          delete raw[k];
          dropped = true;
        }
      }
    }
    if (!dropped) return CustomerQuery.parse({});
  }
}

/** The chosen columns from `cols=a,b` (or repeated `col=a&col=b`, what a plain form sends), or null when none is valid. */
export function parseColumns(params: Raw): CustomerColumnId[] | null {
  const list = [first(params.cols)?.split(","), Array.isArray(params.col) ? params.col : params.col ? [params.col] : undefined].find((l) => l && l.length);
  const ids = (list ?? []).filter((id): id is CustomerColumnId => COLUMN_IDS.includes(id as CustomerColumnId));
  return ids.length ? COLUMN_IDS.filter((id) => ids.includes(id)) : null;
}

/**
 * The canonical query string of a page (defaults left out, fixed order), for
 * the API request, the page links, and to recognise the page the server sent.
 */
export function customerQueryString(q: Partial<CustomerQuery>, options: { omitSegment?: boolean; cols?: string[] | null } = {}): string {
  const p = new URLSearchParams();
  if (q.page && q.page !== 1) p.set("page", String(q.page));
  if (q.size && q.size !== DEFAULT_PAGE_SIZE) p.set("size", String(q.size));
  if (q.sort && q.sort !== "customer_id") p.set("sort", q.sort);
  if (q.dir && q.dir !== "asc") p.set("dir", q.dir);
  if (q.q) p.set("q", q.q);
  if (q.segment !== undefined && q.segment !== null && !options.omitSegment) p.set("segment", String(q.segment));
  if (q.field && (q.min !== undefined || q.max !== undefined)) {
    p.set("field", q.field);
    if (q.min !== undefined) p.set("min", String(q.min));
    if (q.max !== undefined) p.set("max", String(q.max));
  }
  if (q.other_run !== undefined) {
    p.set("other_run", String(q.other_run));
    if (q.other_segment !== undefined) p.set("other_segment", String(q.other_segment));
  }
  if (q.after !== undefined) p.set("after", q.after);
  if (options.cols && options.cols.length) p.set("cols", options.cols.join(","));
  return p.toString();
}

/** One customer of a run as the table shows it. */
export interface CustomerRow {
  customerId: string;
  segmentNo: number;
  segment: string;
  recencyScore: number | null;
  frequencyScore: number | null;
  monetaryScore: number | null;
  recencyDays: number | null;
  frequency: number | null;
  monetary: number | null;
  averageOrderValue: number | null;
  tenureDays: number | null;
  products: number | null;
  returnRate: number | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  clv: number | null;
}

export interface CustomerPage {
  runId: number;
  datasetId: number;
  /** Customers that match the filters. */
  total: number;
  page: number;
  size: number;
  sort: CustomerColumnId;
  dir: "asc" | "desc";
  rows: CustomerRow[];
}

/** The row field of each column (camelCase of its id). */
export const rowKey = (id: CustomerColumnId): keyof CustomerRow =>
  (id === "segment" ? "segment" : id.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())) as keyof CustomerRow;
