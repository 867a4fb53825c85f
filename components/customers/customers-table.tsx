/* eslint-disable max-lines -- one interactive table (TanStack Table): its columns, filters, paging and URL state share one component's state. */
"use client";

import Link from "next/link";
import { parseAsString, useQueryStates } from "nuqs";
import { useEffect, useMemo, useRef, useState, type FormEvent, type MouseEvent } from "react";
import {
  columnVisibilityFeature,
  createColumnHelper,
  rowPaginationFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnVisibilityState,
  type PaginationState,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import {
  COLUMN_IDS,
  CUSTOMER_COLUMNS,
  customerQueryString,
  NUMERIC_COLUMN_IDS,
  PAGE_SIZES,
  parseColumns,
  parseCustomerQuery,
  rowKey,
  columnById,
  type CustomerColumn,
  type CustomerColumnId,
  type CustomerPage,
  type CustomerQuery,
  type CustomerRow,
} from "@/lib/customer-table";
import { formatDecimal, formatInteger, formatMoney, formatShare } from "@/lib/format";

/**
 * The customers of a segmentation run: paged, sorted and filtered on the
 * server (TanStack Table in manual mode), with the analyst's choice of
 * columns. Every bit of state is in the URL (nuqs): ?page=&size=&sort=&dir=
 * &q=&segment=&field=&min=&max=&cols=. The server renders the first page
 * (so the table, its links and its forms work without JavaScript); the
 * client fetches /api/segmentations/{id}/customers when the state changes.
 */
const features = tableFeatures({ rowSortingFeature, rowPaginationFeature, columnVisibilityFeature });
const helper = createColumnHelper<typeof features, CustomerRow>();

const urlKeys = {
  page: parseAsString,
  size: parseAsString,
  sort: parseAsString,
  dir: parseAsString,
  q: parseAsString,
  segment: parseAsString,
  field: parseAsString,
  min: parseAsString,
  max: parseAsString,
  other_run: parseAsString,
  other_segment: parseAsString,
  cols: parseAsString,
  col: parseAsString,
};

export interface CustomersTableProps {
  runId: number;
  datasetId: number;
  /** The run's segments, for the segment filter and the segment links. */
  segments: { no: number; name: string; customers: number }[];
  /** On a segment's page: the segment every request is filtered to (not in the URL). */
  fixedSegment?: number;
  /** Columns shown when the URL does not choose any (the server resolves `cols`/`col` the same way). */
  initialColumns: CustomerColumnId[];
  /** The page the server rendered, and the canonical query string it answers. */
  initial: { key: string; page: CustomerPage };
  /** Shown above the table (e.g. a download link). */
  caption?: string;
  /** On a share link: pages come from /share/{token}/customers, and ids open nothing. */
  sharedToken?: string;
  /** The dataset's currency (ISO 4217), or null: the amount columns are written in it. */
  currency?: string | null;
}

type Raw = Record<string, string | undefined>;

function cellText(column: CustomerColumn, value: unknown, currency: string | null): string {
  if (value === null || value === undefined) return "–";
  switch (column.kind) {
    case "money":
      return formatMoney(value as number, currency);
    case "share":
      return formatShare(value as number);
    case "decimal":
      return formatDecimal(value as number, 2);
    case "integer":
    case "score":
      return formatInteger(value as number);
    default:
      return String(value);
  }
}

/** The direction a click on an unsorted column starts with: biggest first for numbers. */
const firstDirection = (id: CustomerColumnId) => (columnById(id)?.numeric ? "desc" : "asc");

export function CustomersTable({ runId, datasetId, segments, fixedSegment, initialColumns, initial, caption, sharedToken, currency = null }: CustomersTableProps) {
  const [url, setUrl] = useQueryStates(urlKeys, { history: "push", scroll: false });
  const raw: Raw = Object.fromEntries(Object.entries(url).map(([k, v]) => [k, v ?? undefined]));
  const query = parseCustomerQuery(raw, fixedSegment);
  const key = customerQueryString(query);
  // `col=a&col=b` (a plain form's columns) is resolved by the server into initialColumns.
  const chosen = parseColumns({ cols: raw.cols }) ?? initialColumns;
  const omitSegment = fixedSegment !== undefined;

  // Pages fetched so far, by canonical query; the server's page is the first.
  const [pages, setPages] = useState<Map<string, CustomerPage>>(() => new Map([[initial.key, initial.page]]));
  const [error, setError] = useState<string | null>(null);
  // Set once the table runs in the browser: its controls (the Segment list applying at once) work from then on.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const shown = useRef<CustomerPage>(initial.page);
  const current = pages.get(key);
  if (current) shown.current = current;
  const page = shown.current;
  const loading = !current;

  useEffect(() => {
    if (pages.has(key)) return;
    const controller = new AbortController();
    // Sorting by customer id and the previous page is at hand: keyset paging (customer_id > its last id).
    let request = key;
    if (query.sort === "customer_id" && query.page > 1) {
      const previous = pages.get(customerQueryString({ ...query, page: query.page - 1 }));
      const last = previous?.rows.at(-1);
      if (last && previous!.rows.length === query.size) request = customerQueryString({ ...query, after: last.customerId });
    }
    setError(null);
    // A share link's table asks the link (which pins the segment and answers 404 once revoked), not the API.
    fetch(`${sharedToken ? `/share/${sharedToken}` : `/api/segmentations/${runId}`}/customers?${request}`, { signal: controller.signal })
      .then(async (response) => {
        const body = await response.json();
        if (!response.ok) throw new Error(body?.error?.message ?? `The server answered ${response.status}.`);
        setPages((all) => new Map(all).set(key, body as CustomerPage));
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key stands for the whole query
  }, [key, runId, pages, sharedToken]);

  const columns = useMemo(
    () =>
      helper.columns(
        CUSTOMER_COLUMNS.map((c) =>
          helper.accessor((row: CustomerRow) => row[rowKey(c.id)], {
            id: c.id,
            header: c.label,
            enableHiding: c.id !== "customer_id",
            cell: (info) => {
              const row = info.row.original;
              if (sharedToken && (c.id === "customer_id" || c.id === "segment")) return c.id === "segment" ? row.segment : row.customerId;
              if (c.id === "customer_id")
                return (
                  <Link href={`/datasets/${datasetId}/customers/${encodeURIComponent(row.customerId)}`} prefetch={false}>
                    {row.customerId}
                  </Link>
                );
              if (c.id === "segment")
                return (
                  <Link href={`/runs/${runId}/segments/${row.segmentNo}`} prefetch={false}>
                    {row.segment}
                  </Link>
                );
              return cellText(c, info.getValue(), currency);
            },
          }),
        ),
      ),
    [datasetId, runId, sharedToken, currency],
  );

  const sorting: SortingState = useMemo(() => [{ id: query.sort, desc: query.dir === "desc" }], [query.sort, query.dir]);
  const pagination: PaginationState = useMemo(() => ({ pageIndex: query.page - 1, pageSize: query.size }), [query.page, query.size]);
  const columnVisibility: ColumnVisibilityState = useMemo(() => Object.fromEntries(COLUMN_IDS.map((id) => [id, chosen.includes(id)])), [chosen]);

  /** Writes a new query to the URL (canonical form: defaults dropped). */
  function go(next: Partial<CustomerQuery>, cols: string[] | null = url.cols ? chosen : null) {
    const q = { ...query, ...next };
    const p = new URLSearchParams(customerQueryString(q, { omitSegment, cols }));
    void setUrl(Object.fromEntries(Object.keys(urlKeys).map((k) => [k, p.get(k)])));
  }
  const resolve = <T,>(updater: Updater<T>, old: T): T => (typeof updater === "function" ? (updater as (old: T) => T)(old) : updater);

  const table = useTable({
    features,
    columns,
    data: page.rows,
    getRowId: (row) => row.customerId,
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    rowCount: page.total,
    state: { sorting, pagination, columnVisibility },
    onSortingChange: (updater) => {
      const [next] = resolve(updater, sorting);
      if (next) go({ sort: next.id as CustomerColumnId, dir: next.desc ? "desc" : "asc", page: 1 });
    },
    onPaginationChange: (updater) => {
      const next = resolve(updater, pagination);
      go({ page: next.pageSize !== query.size ? 1 : next.pageIndex + 1, size: next.pageSize });
    },
    onColumnVisibilityChange: (updater) => {
      const next = resolve(updater, columnVisibility);
      go({}, COLUMN_IDS.filter((id) => id === "customer_id" || next[id] !== false));
    },
  });

  // Links that work without JavaScript; with it, clicks go through the table's state.
  const colsParam = url.cols ? chosen : null;
  const href = (next: Partial<CustomerQuery>) => `?${customerQueryString({ ...query, ...next }, { omitSegment, cols: colsParam })}`;
  const intercept = (action: () => void) => (event: MouseEvent) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    action();
  };

  const pageCount = Math.max(1, Math.ceil(page.total / page.size));
  const from = page.total === 0 ? 0 : (page.page - 1) * page.size + 1;
  const to = Math.min(page.total, page.page * page.size);
  const filtered = Boolean(query.q || query.field || (!omitSegment && query.segment !== undefined));

  function submitFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const v = form.get(name);
      return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
    };
    const parsed = parseCustomerQuery({ q: text("q"), segment: omitSegment ? undefined : text("segment"), field: text("field"), min: text("min"), max: text("max") }, fixedSegment);
    go({ q: parsed.q, segment: parsed.segment, field: parsed.field, min: parsed.min, max: parsed.max, page: 1, after: undefined });
  }

  const hidden = (names: (keyof CustomerQuery)[], withCols = true) => (
    <>
      {names.map((name) => {
        const value = new URLSearchParams(customerQueryString(query, { omitSegment })).get(name);
        return value === null ? null : <input key={name} type="hidden" name={name} value={value} />;
      })}
      {withCols && colsParam && <input type="hidden" name="cols" value={colsParam.join(",")} />}
    </>
  );

  const visibleHeaders = table.getHeaderGroups();
  return (
    <div className="customers-table" data-testid="customers-table" data-hydrated={hydrated || undefined} data-total={page.total} data-page={page.page} data-sort={page.sort} data-dir={page.dir}>
      <div className="ct-toolbar">
        <form className="ct-filters" method="get" onSubmit={submitFilters} role="search" aria-label="Filter customers">
          {hidden(["size", "sort", "dir", "other_run", "other_segment"])}
          <label className="ct-field">
            <span>Customer id starts with</span>
            <input type="search" name="q" defaultValue={query.q ?? ""} key={`q-${query.q ?? ""}`} placeholder="Starts with…" maxLength={100} />
          </label>
          {!omitSegment && (
            <label className="ct-field">
              <span>Segment</span>
              {/* A choice in a list applies at once (the whole form, typed text included); text and numbers wait for Apply. */}
              <select name="segment" defaultValue={query.segment ?? ""} key={`s-${query.segment ?? ""}`} onChange={(e) => e.currentTarget.form?.requestSubmit()}>
                <option value="">All segments</option>
                {segments.map((s) => (
                  <option key={s.no} value={s.no} disabled={s.customers === 0}>
                    {s.name} ({formatInteger(s.customers)})
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="ct-field">
            <span>Range on</span>
            <select name="field" defaultValue={query.field ?? ""} key={`f-${query.field ?? ""}`}>
              <option value="">No range</option>
              {NUMERIC_COLUMN_IDS.map((id) => (
                <option key={id} value={id}>
                  {columnById(id)!.label}
                </option>
              ))}
            </select>
          </label>
          <label className="ct-field ct-narrow">
            <span>Min</span>
            <input type="number" name="min" step="any" inputMode="decimal" defaultValue={query.min ?? ""} key={`min-${query.min ?? ""}`} />
          </label>
          <label className="ct-field ct-narrow">
            <span>Max</span>
            <input type="number" name="max" step="any" inputMode="decimal" defaultValue={query.max ?? ""} key={`max-${query.max ?? ""}`} />
          </label>
          <div className="ct-actions">
            <button type="submit" className="button small primary">
              Apply
            </button>
            {filtered && (
              <a className="button small" href={href({ q: undefined, segment: omitSegment ? query.segment : undefined, field: undefined, min: undefined, max: undefined, page: 1 })} onClick={intercept(() => go({ q: undefined, segment: omitSegment ? query.segment : undefined, field: undefined, min: undefined, max: undefined, page: 1 }))}>
                Clear
              </a>
            )}
          </div>
        </form>
        <details className="ct-columns">
          <summary className="button small">Columns ({chosen.length})</summary>
          <form method="get" className="ct-columns-menu" aria-label="Columns to show">
            {hidden(["page", "size", "sort", "dir", "q", "segment", "field", "min", "max", "other_run", "other_segment"], false)}
            {table.getAllLeafColumns().map((column) => (
              <label key={column.id}>
                <input
                  type="checkbox"
                  name="col"
                  value={column.id}
                  checked={column.getIsVisible()}
                  disabled={!column.getCanHide()}
                  onChange={(e) => column.toggleVisibility(e.target.checked)}
                />
                {columnById(column.id)?.label}
              </label>
            ))}
            {/* Without JavaScript the boxes are a plain form. */}
            <noscript>
              <button type="submit" className="button small">
                Show these columns
              </button>
            </noscript>
            <input type="hidden" name="col" value="customer_id" />
          </form>
        </details>
      </div>

      {caption && <p className="small muted ct-caption">{caption}</p>}
      <p className="small ct-status" role="status" aria-live="polite">
        {error ? (
          <span className="ct-error">
            Could not load this page: {error}{" "}
            <button type="button" className="button small" onClick={() => setPages((all) => new Map(all))}>
              Retry
            </button>
          </span>
        ) : loading ? (
          "Loading…"
        ) : page.total === 0 ? (
          ""
        ) : (
          <>
            <span data-testid="customers-range">
              {formatInteger(from)}–{formatInteger(to)}
            </span>{" "}
            of <strong data-testid="customers-total">{formatInteger(page.total)}</strong> customers
            {filtered || query.other_run !== undefined ? " matching the filters" : ""}
          </>
        )}
      </p>

      <div className="table-scroll ct-scroll">
        <table className="table ct-table" aria-busy={loading} aria-label="Customers">
          <thead>
            {visibleHeaders.map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const id = header.column.id as CustomerColumnId;
                  const sorted = header.column.getIsSorted();
                  const nextDir = sorted ? (sorted === "asc" ? "desc" : "asc") : firstDirection(id);
                  const numeric = columnById(id)?.numeric;
                  return (
                    <th key={header.id} scope="col" className={numeric ? "num" : undefined} aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}>
                      <a
                        className="ct-sort"
                        href={href({ sort: id, dir: nextDir, page: 1 })}
                        onClick={intercept(() => header.column.toggleSorting(nextDir === "desc"))}
                        title={`Sort by ${columnById(id)?.label} (${numeric ? (nextDir === "desc" ? "largest first" : "smallest first") : nextDir === "desc" ? "Z to A" : "A to Z"})`}
                      >
                        <table.FlexRender header={header} />
                        <span className="ct-arrow" aria-hidden="true">
                          {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                        </span>
                      </a>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id} data-customer-id={row.original.customerId}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={columnById(cell.column.id)?.numeric ? "num" : undefined} data-col={cell.column.id}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {page.total === 0 && !loading && (
          <div className="empty ct-empty">
            <p>No customer matches these filters.</p>
            <p className="small muted">Widen the range, search for a shorter part of the id, or clear the filters.</p>
          </div>
        )}
      </div>

      <nav className="ct-pager" aria-label="Pages of customers">
        <a
          className="button small"
          aria-disabled={page.page <= 1}
          href={href({ page: 1 })}
          onClick={intercept(() => table.firstPage())}
          tabIndex={page.page <= 1 ? -1 : undefined}
        >
          « First
        </a>
        <a
          className="button small"
          aria-disabled={page.page <= 1}
          href={href({ page: Math.max(1, page.page - 1) })}
          onClick={intercept(() => table.previousPage())}
          tabIndex={page.page <= 1 ? -1 : undefined}
          rel="prev"
        >
          ‹ Previous
        </a>
        <span className="ct-page" data-testid="customers-page">
          Page {formatInteger(page.page)} of {formatInteger(pageCount)}
        </span>
        <a
          className="button small"
          aria-disabled={page.page >= pageCount}
          href={href({ page: Math.min(pageCount, page.page + 1) })}
          onClick={intercept(() => table.nextPage())}
          tabIndex={page.page >= pageCount ? -1 : undefined}
          rel="next"
        >
          Next ›
        </a>
        <a
          className="button small"
          aria-disabled={page.page >= pageCount}
          href={href({ page: pageCount })}
          onClick={intercept(() => table.lastPage())}
          tabIndex={page.page >= pageCount ? -1 : undefined}
        >
          Last »
        </a>
        <form method="get" className="ct-size">
          {hidden(["sort", "dir", "q", "segment", "field", "min", "max"])}
          <label>
            Rows per page{" "}
            <select name="size" value={query.size} onChange={(e) => table.setPageSize(Number(e.target.value))}>
              {(PAGE_SIZES as readonly number[]).includes(query.size) ? null : <option value={query.size}>{query.size}</option>}
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <noscript>
            <button type="submit" className="button small">
              Go
            </button>
          </noscript>
        </form>
      </nav>
    </div>
  );
}
