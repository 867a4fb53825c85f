import Link from "next/link";
import { ChartCard } from "@/components/charts/chart-card";
import { ShareBars, type ShareDatum } from "@/components/segments/segment-charts";
import { ShowSql } from "@/components/show-sql";
import { formatInteger } from "@/lib/format";
import type { SegmentPage } from "@/lib/services/segment-page";
import { LiftTable } from "./tables";

/** Who the segment's customers are against the base: age band, gender, country and channel from the customers file (segment-demographics.sql). */
const DIMENSIONS = [
  { id: "age_band", title: "Age band", measure: "Customers" },
  { id: "gender", title: "Gender", measure: "Customers" },
  { id: "country", title: "Country (customers file)", measure: "Customers" },
  { id: "channel", title: "Preferred channel", measure: "Customers" },
] as const;

export function SegmentWho({ data, name, shared }: { data: SegmentPage; name: string; shared: boolean }) {
  const { run } = data;
  return (
    <>
      <h2 className="seg-section">Who they are</h2>
      {data.demographics.length === 0 ? (
        <div className="card empty seg-empty" data-testid="demographics-empty">
          <p>{data.hasCustomersFile ? "None of this run’s customers is in the customers file." : "This dataset has no customers file, so there is nothing to say about age, gender, country or channel."}</p>
          {!shared && (
            <p className="muted small">
              <Link href={`/upload?dataset=${run.datasetId}`}>Add a customers file</Link> (customer id, age, gender, country, channel…) to the dataset, then come back: this
              section compares the segment’s make-up with the base’s.
            </p>
          )}
          <ShowSql name="segment-demographics" id={run.id} />
        </div>
      ) : (
        <div className="grid-2 seg-grid">
          {DIMENSIONS.map((dim) => {
            const rows = data.demographics.filter((d) => d.dimension === dim.id).slice(0, 10);
            // A dimension the customers file does not have (every customer "Unknown") has nothing to draw.
            if (rows.every((r) => r.value === "Unknown")) return null;
            const shares: ShareDatum[] = rows.map((r) => ({
              label: r.value,
              share: r.share,
              baseShare: r.baseShare,
              lift: r.lift,
              details: [["Customers in the segment", formatInteger(r.customers)]],
            }));
            return (
              <ChartCard
                key={dim.id}
                id={`demographics-${dim.id}`}
                title={dim.title}
                description="Share of the segment’s customers (%) against the share of all customers of the run; the lift is their ratio."
                sql={<ShowSql name="segment-demographics" id={run.id} />}
                empty={rows.length === 0 ? <p>No values for this dimension in the customers file.</p> : undefined}
              >
                <ShareBars id={dim.id} data={shares} segmentName={name} measure={dim.measure} />
                <LiftTable rows={rows.map((r) => ({ label: r.value, share: r.share, baseShare: r.baseShare, lift: r.lift }))} head="Value" />
              </ChartCard>
            );
          })}
        </div>
      )}
    </>
  );
}
