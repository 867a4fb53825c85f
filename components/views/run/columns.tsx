import { ChartCard } from "@/components/charts/chart-card";
import { OutcomeChart, type OutcomeBar } from "@/components/runs/outcome-chart";
import { SegmentColumnsTable } from "@/components/runs/segment-columns-table";
import { ShowSql } from "@/components/show-sql";
import { formatInteger, formatShare } from "@/lib/format";
import type { RunPage } from "@/lib/services/run-page";
import type { SharedView } from "@/components/views/shared";

/** The segments by the customers-file columns the run clustered on (segment-columns.sql). */
export function RunColumns({ page, shared }: { page: RunPage; shared?: SharedView }) {
  const { run, columns } = page;
  const leftOut = (run.params.leftOut as { name: string; customers: number }[] | undefined) ?? [];
  return (
    <ChartCard
      id="segment-columns"
      wide
      title="Segments by the columns they were clustered on"
      description={
        <>
          Mean of each number (and date) and each category&apos;s most over-represented value in the segment; blue: above all customers, orange: below (by
          standard deviations for numbers, by lift for categories). Hover a cell for the figures.
          {leftOut.length > 0 && (
            <>
              {" "}
              Left out for want of a value: {leftOut.map((m) => `${formatInteger(m.customers)} without “${m.name}”`).join(", ")}.
            </>
          )}
        </>
      }
      pending={columns === null}
      empty={columns?.length === 0 ? "This run was not clustered on columns of a customers file." : undefined}
      sql={<ShowSql name="segment-columns" id={run.id} />}
    >
      {columns && <SegmentColumnsTable runId={run.id} segments={run.segments} rows={columns} shared={shared} />}
    </ChartCard>
  );
}

/** The outcome column's rate per segment, with its 95% interval (segment-outcomes.sql). */
export function RunOutcome({ page }: { page: RunPage }) {
  const { run, outcome } = page;
  if (!outcome) return null;
  const rows = outcome.rows;
  const base = rows?.filter((r) => r.segmentNo === null) ?? [];
  // A yes/no outcome: the rate of yes; a category: its most common value overall.
  const value = outcome.kind === "yes_no" ? "yes" : ([...base].sort((a, b) => b.customers - a.customers)[0]?.value ?? "");
  const baseRow = base.find((r) => r.value === value);
  const bars: OutcomeBar[] = (rows ?? [])
    .filter((r) => r.segmentNo !== null && r.value === value && (r.known ?? 0) > 0)
    .map((r) => ({ no: r.segmentNo!, name: run.segments[r.segmentNo!]?.name ?? `Segment ${r.segmentNo}`, rate: r.rate, low: r.rateLow ?? r.rate, high: r.rateHigh ?? r.rate, customers: r.customers, known: r.known ?? 0, lift: r.lift }))
    .sort((a, b) => b.rate - a.rate);
  const label = outcome.kind === "yes_no" ? `${outcome.name}: yes` : `${outcome.name}: ${value}`;
  const unknown = baseRow ? (rows?.find((r) => r.segmentNo === null)?.unknown ?? 0) : 0;
  return (
    <ChartCard
      id="segment-outcome"
      wide
      title={`${outcome.name} by segment`}
      description={
        <>
          Share of each segment&apos;s customers with {outcome.kind === "yes_no" ? `${outcome.name} = yes` : `${outcome.name} = “${value}”`}, with its 95% Wilson interval
          (whisker); the dashed line is all customers ({baseRow ? `${formatShare(baseRow.rate)}, ${formatInteger(baseRow.customers)} of ${formatInteger(baseRow.known ?? 0)}` : "–"}). A
          whisker that crosses the line: not clearly different from the base.
          {unknown > 0 ? ` ${formatInteger(unknown)} customers have no value and are left out of the rates.` : ""}
        </>
      }
      pending={rows === null}
      empty={rows !== null && bars.length === 0 ? "No customer of this run has a value in this column." : undefined}
      sql={<ShowSql name="segment-outcomes" id={run.id} />}
    >
      {baseRow && <OutcomeChart bars={bars} baseRate={baseRow.rate} label={label} />}
    </ChartCard>
  );
}
