import { IfAllowed } from "@/components/auth/permissions";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { CustomersTable } from "@/components/customers/customers-table";
import { ShowQuery } from "@/components/customers/show-query";
import { FlowFilterNote } from "@/components/runs/flow-filter";
import { customerQueryString, defaultColumns, parseColumns, parseCustomerQuery } from "@/lib/customer-table";
import { getPool } from "@/lib/db";
import { formatInteger } from "@/lib/format";
import { parseId } from "@/lib/http/responses";
import { CUSTOMER_PAGE_SQL, getRunSummary, listCustomers } from "@/lib/services/customers";
import { datasetCurrency } from "@/lib/services/datasets";
import { describeFlowFilter } from "@/lib/services/segments-over-time";
import { requireUser } from "@/lib/auth/next";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const METHOD: Record<string, string> = { rfm: "RFM", kmeans: "k-means", hierarchical: "Hierarchical" };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireUser();
  return { title: `Customers · Run ${(await params).id}` };
}

/** Every customer of a run in one table: sort, filter (segment, id, a range), choose the columns; the URL keeps it all. */
export default async function RunCustomersPage({ params, searchParams }: Props) {
  await requireUser();
  await connection();
  const runId = parseId((await params).id);
  if (runId === null) notFound();
  const sp = await searchParams;
  const query = parseCustomerQuery(sp);
  const pool = getPool();
  const [run, page, flow] = await Promise.all([
    getRunSummary(pool, runId),
    listCustomers(pool, runId, query),
    query.other_run === undefined ? null : describeFlowFilter(pool, runId, query.other_run, query.other_segment),
  ]);
  if (!run || !page) notFound();
  const currency = await datasetCurrency(pool, run.datasetId);
  const segment = query.segment === undefined ? null : run.segments.find((s) => s.no === query.segment);
  return (
    <>
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/">Datasets</Link> / <Link href={`/datasets/${run.datasetId}`}>{run.datasetName}</Link> /{" "}
            <Link href={`/runs/${run.id}`}>
              Run {run.id} ({METHOD[run.method] ?? run.method})
            </Link>
          </p>
          <h1>Customers</h1>
          <p className="lead">
            All {formatInteger(run.customers)} customers of run {run.id},{" "}
            {run.purchases
              ? "with their segment, scores, features, P(alive) and lifetime value."
              : "with their segment (the dataset has no purchases: no features, P(alive) or lifetime value to show)."}
          </p>
        </div>
        <Link className="button" href={`/runs/${run.id}`}>
          ← Back to the run
        </Link>
      </div>
      <section className="card" aria-labelledby="customers-title">
        <header className="card-head seg-customers-head">
          <h2 id="customers-title">Customers of run {run.id}</h2>
          <IfAllowed to="export">
            <a className="button small" href={`/api/segmentations/${run.id}/members.csv`} download data-testid="run-csv">
              Download CSV (all members)
            </a>
          </IfAllowed>
        </header>
        <p className="muted small">
          Each id opens the customer’s order history; each segment its page. Sorting and filtering run on the server over every customer
          {segment ? `; the CSV of “${segment.name}” alone is on its segment page` : ""}.
        </p>
        {flow && <FlowFilterNote filter={flow} clearHref={`/runs/${run.id}/customers${query.segment === undefined ? "" : `?segment=${query.segment}`}`} />}
        <CustomersTable
          runId={run.id}
          datasetId={run.datasetId}
          segments={run.segments}
          initialColumns={parseColumns(sp) ?? defaultColumns(run.method, run.purchases)}
          initial={{ key: customerQueryString(query), page }}
          currency={currency}
        />
        <ShowQuery name="customers-page" sql={CUSTOMER_PAGE_SQL} />
      </section>
    </>
  );
}
