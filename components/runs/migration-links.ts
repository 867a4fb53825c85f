/**
 * Where each part of the moves between two runs opens: the customers table of
 * the run they are in, filtered to the flow (segment=, and other_run= with
 * other_segment=, "none" for customers absent from the other run).
 */
export interface MovesRuns {
  /** The earlier run (the matrix's rows). */
  from: number;
  /** The later run (its columns). */
  to: number;
}

const customers = (run: number, params: Record<string, string | number | null>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null) p.set(k, String(v));
  const query = p.toString();
  return `/runs/${run}/customers${query ? `?${query}` : ""}`;
};

/** The customers of one flow: from segment fromNo (null: "New") to segment toNo (null: "Gone"). */
export function flowHref({ from, to }: MovesRuns, fromNo: number | null, toNo: number | null): string {
  if (toNo === null) return customers(from, { segment: fromNo, other_run: to, other_segment: "none" });
  return customers(to, { segment: toNo, other_run: from, other_segment: fromNo ?? "none" });
}

/** A row's customers: an earlier segment (null: every "New" customer of the later run). */
export function rowHref({ from, to }: MovesRuns, fromNo: number | null): string {
  return fromNo === null ? customers(to, { other_run: from, other_segment: "none" }) : customers(from, { segment: fromNo });
}

/** A column's customers: a later segment (null: every "Gone" customer of the earlier run). */
export function columnHref({ from, to }: MovesRuns, toNo: number | null): string {
  return toNo === null ? customers(from, { other_run: to, other_segment: "none" }) : customers(to, { segment: toNo });
}
