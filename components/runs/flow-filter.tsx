import Link from "next/link";
import "./segments-over-time.css";
import { METHOD_NAMES } from "@/components/runs/run-params";
import { formatDay } from "@/lib/format";
import type { FlowFilter } from "@/lib/services/segments-over-time";

/**
 * Above a run's customers table filtered by another run (?other_run=&other_segment=, a flow of the moves
 * page): which customers these are, the way back to the moves, and the way to every customer.
 */
export function FlowFilterNote({ filter, clearHref }: { filter: FlowFilter; clearHref: string }) {
  const { other } = filter;
  const run = other ? `run ${filter.otherRun} (${METHOD_NAMES[other.method] ?? other.method}, as of ${formatDay(other.analysisDate)})` : `run ${filter.otherRun}`;
  const text = !other
    ? `Run ${filter.otherRun} is not another run of this dataset: no customer matches.`
    : filter.absent
      ? other.earlier
        ? `New since ${formatDay(other.analysisDate)}: customers not in ${run}.`
        : `Gone by ${formatDay(other.analysisDate)}: customers not in ${run}.`
      : filter.segment !== null
        ? `Customers who ${other.earlier ? "were" : "are"} in “${filter.segment}” in ${run}.`
        : `Customers also in ${run}.`;
  return (
    <p className="flow-filter small" data-testid="flow-filter">
      <strong>{text}</strong>
      {filter.moves && <Link href={filter.moves}>Back to the moves</Link>}
      <Link href={clearHref}>Without the filter by run {filter.otherRun}</Link>
    </p>
  );
}
