import { IfAllowed } from "@/components/auth/permissions";
import Link from "next/link";
import { CustomersTable } from "@/components/customers/customers-table";
import { ShowQuery } from "@/components/customers/show-query";
import type { SegmentPage } from "@/lib/services/segment-page";
import type { SharedView } from "../shared";

/** The segment's customers: the customers table pinned to the segment, and its CSV. */
export function SegmentCustomers({ data, shared }: { data: SegmentPage; shared?: SharedView }) {
  const { run, segment } = data;
  const csvHref = `${shared ? `/share/${shared.token}` : `/api/segmentations/${run.id}`}/members.csv?segment=${encodeURIComponent(segment.name)}`;
  return (
    <section className="card" aria-labelledby="segment-customers-title" id="customers">
      <header className="card-head seg-customers-head">
        <h2 id="segment-customers-title">Its customers</h2>
        <span className="card-actions">
          {!shared && (
            <Link className="button small" href={`/runs/${run.id}/customers`}>
              All customers of the run
            </Link>
          )}
          <IfAllowed to="export">
            <a className="button small" href={csvHref} download data-testid="segment-csv">
              Download CSV
            </a>
          </IfAllowed>
        </span>
      </header>
      <p className="muted small">
        {shared ? "Sort by any column, filter, and choose the columns." : "Each id opens the customer’s order history. Sort by any column, filter, and choose the columns; the address keeps it all."} The
        CSV lists every member of the segment.
      </p>
      <CustomersTable
        runId={run.id}
        datasetId={run.datasetId}
        segments={run.segments}
        fixedSegment={segment.no}
        initialColumns={data.customers.columns}
        initial={{ key: data.customers.key, page: data.customers.page }}
        sharedToken={shared?.token}
        currency={data.currency}
      />
      <ShowQuery name="customers-page" sql={data.customers.sql} />
    </section>
  );
}
