import Link from "next/link";
import { ShowQuery } from "@/components/customers/show-query";
import { Figure } from "@/components/figure";
import { formatDay, formatInteger, formatMoney, formatShare } from "@/lib/format";
import { ruleLabels } from "@/lib/ingest/cleaning";
import type { CustomerHistory } from "@/lib/services/customers";

/** Invoices listed before "Show all" (?invoices=all). */
export const FIRST_INVOICES = 50;

const METHOD: Record<string, string> = { rfm: "RFM", kmeans: "k-means", hierarchical: "Hierarchical" };

const time = (timestamp: string) => timestamp.slice(11, 16);

type CustomerQueryText = { sql: string; command: string; source: string };

/**
 * One customer's history in a dataset: their invoices (what the analysis
 * counts and what cleaning left out), their customers-file row and their
 * segment in each run, each with the query behind it (its page loads them:
 * getCustomerHistory).
 */
export function CustomerView({
  history,
  showAll,
  currency,
  queries: { orders: ordersQuery, file: fileQuery, segments: segmentsQuery },
}: {
  history: CustomerHistory;
  showAll: boolean;
  /** The dataset's currency (ISO 4217), or null: every amount is written in it. */
  currency: string | null;
  queries: { orders: CustomerQueryText; file: CustomerQueryText; segments: CustomerQueryText };
}) {
  const { totals, file, datasetId, customerId } = history;
  const invoices = showAll ? history.invoices : history.invoices.slice(0, FIRST_INVOICES);
  const attributes = file ? Object.entries(file.attributes).filter(([, v]) => v !== null && v !== "") : [];

  return (
    <>
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/">Datasets</Link> / <Link href={`/datasets/${datasetId}`}>{history.datasetName}</Link>
          </p>
          <h1>
            Customer <span data-testid="customer-id">{customerId}</span>
          </h1>
          <p className="lead">
            {totals.invoices === 0
              ? "No invoice in this dataset."
              : `${formatInteger(totals.invoices)} invoices from ${formatDay(totals.firstInvoiceDate)} to ${formatDay(totals.lastInvoiceDate)}.`}
          </p>
        </div>
      </div>

      <section className="card" aria-labelledby="totals-title">
        <h2 id="totals-title">Totals</h2>
        <dl className="figures">
          <Figure label="Invoices" testId="customer-invoices" value={totals.invoices}>{formatInteger(totals.invoices)}</Figure>
          <Figure label="Invoices counted" testId="customer-included-invoices" value={totals.includedInvoices}>{formatInteger(totals.includedInvoices)}</Figure>
          <Figure label="Revenue counted" testId="customer-included-value" value={totals.includedValue}>{formatMoney(totals.includedValue, currency)}</Figure>
          <Figure label="Value of all lines" testId="customer-value" value={totals.value}>{formatMoney(totals.value, currency)}</Figure>
          <Figure label="Lines" testId="customer-lines" value={totals.lines}>{formatInteger(totals.lines)}</Figure>
          <Figure label="Units" testId="customer-quantity" value={totals.quantity}>{formatInteger(totals.quantity)}</Figure>
        </dl>
        <p className="muted small">
          “Counted” leaves out the lines a cleaning rule applies to (cancellations, non-product codes, zero prices, duplicates…), as the analysis does by default
          {totals.rules ? `; rules that apply to some of this customer’s lines: ${ruleLabels(totals.rules).join(", ")}` : ""}.
        </p>
        <ShowQuery name="customer-orders" sql={ordersQuery.sql} command={ordersQuery.command} source={ordersQuery.source} />
      </section>

      <div className="grid-2 seg-grid ch-grid">
        <section className="card" aria-labelledby="file-title">
          <h2 id="file-title">Customers file</h2>
          {file ? (
            <dl className="ch-attributes" data-testid="customer-file">
              <div>
                <dt>Age</dt>
                <dd>{file.age ?? "–"}</dd>
              </div>
              <div>
                <dt>Gender</dt>
                <dd>{file.gender ?? "–"}</dd>
              </div>
              <div>
                <dt>Country</dt>
                <dd>{file.country ?? "–"}</dd>
              </div>
              <div>
                <dt>City</dt>
                <dd>{file.city ?? "–"}</dd>
              </div>
              <div>
                <dt>Signed up</dt>
                <dd>{file.signupDate ? formatDay(file.signupDate) : "–"}</dd>
              </div>
              {attributes.map(([key, value]) => (
                <div key={key}>
                  <dt>{key.replace(/_/g, " ")}</dt>
                  <dd>{typeof value === "object" ? JSON.stringify(value) : String(value)}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <div className="empty" data-testid="customer-file-empty">
              <p>This customer is not in a customers file.</p>
              <p className="muted small">
                <Link href={`/upload?dataset=${datasetId}`}>Add a customers file</Link> to the dataset to see their age, gender, country and other attributes.
              </p>
            </div>
          )}
          <ShowQuery name="customer-file" sql={fileQuery.sql} command={fileQuery.command} source={fileQuery.source} />
        </section>

        <section className="card" aria-labelledby="segments-title">
          <h2 id="segments-title">Segment in each run</h2>
          {history.segments.length === 0 ? (
            <div className="empty">
              <p>No segmentation of this dataset yet.</p>
              <p className="muted small">
                <Link href={`/datasets/${datasetId}`}>Segment the dataset’s customers</Link> to see where this customer lands.
              </p>
            </div>
          ) : (
            <div className="table-scroll">
              <table className="table seg-compact" data-testid="customer-segments">
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Segment</th>
                    <th scope="col" className="num">
                      RFM
                    </th>
                    <th scope="col" className="num">
                      P(alive)
                    </th>
                    <th scope="col" className="num">
                      CLV
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {history.segments.map((s) => (
                    <tr key={s.runId} data-run={s.runId} data-segment={s.segment ?? ""}>
                      <td>
                        <Link href={`/runs/${s.runId}`}>
                          Run {s.runId} ({METHOD[s.method] ?? s.method})
                        </Link>
                      </td>
                      <td>{s.segmentNo === null ? <span className="muted">Not in this run</span> : <Link href={`/runs/${s.runId}/segments/${s.segmentNo}`}>{s.segment}</Link>}</td>
                      <td className="num">{s.recencyScore === null ? "–" : `${s.recencyScore}${s.frequencyScore}${s.monetaryScore}`}</td>
                      <td className="num">{formatShare(s.pAlive)}</td>
                      <td className="num">{s.clv === null ? "–" : formatMoney(s.clv, currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <ShowQuery name="customer-segments" sql={segmentsQuery.sql} command={segmentsQuery.command} source={segmentsQuery.source} />
        </section>
      </div>

      <section className="card" aria-labelledby="invoices-title">
        <h2 id="invoices-title">Invoices</h2>
        <p className="muted small">
          Newest first
          {invoices.length < history.invoices.length ? ` (the ${FIRST_INVOICES} latest of ${formatInteger(history.invoices.length)})` : ""}. Greyed invoices are left out of the analysis entirely; a tag names each
          cleaning rule that applies to some of an invoice’s lines.
        </p>
        {history.preparing ? (
          <div className="empty" data-preparing>
            <p>The dataset is being prepared after its last load: the invoices appear once its invoice sums are built.</p>
          </div>
        ) : history.invoices.length === 0 ? (
          <div className="empty">
            <p>No invoice for this customer in this dataset.</p>
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table ch-invoices" data-testid="customer-invoice-table">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Invoice</th>
                  <th scope="col">Country</th>
                  <th scope="col" className="num">
                    Lines
                  </th>
                  <th scope="col" className="num">
                    Units
                  </th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col" className="num">
                    Counted
                  </th>
                  <th scope="col">Cleaning rules</th>
                </tr>
              </thead>
              <tbody>
                {invoices.map((i) => (
                  <tr key={`${i.invoiceNo}`} data-invoice={i.invoiceNo} className={i.includedLines === 0 ? "ch-excluded" : undefined}>
                    <td>
                      {formatDay(i.invoiceDate)} <span className="muted small">{time(i.invoiceDate)}</span>
                    </td>
                    <td>{i.invoiceNo}</td>
                    <td>{i.country ?? "–"}</td>
                    <td className="num">{formatInteger(i.lines)}</td>
                    <td className="num">{formatInteger(i.quantity)}</td>
                    <td className="num">{formatMoney(i.value, currency)}</td>
                    <td className="num" data-value={i.includedValue}>
                      {i.includedLines === 0 ? "–" : formatMoney(i.includedValue, currency)}
                    </td>
                    <td className="rules">
                      {ruleLabels(i.rules).map((label) => (
                        <span key={label} className="rule-tag">
                          {label}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3}>
                    Total ({formatInteger(totals.invoices)} invoices)
                  </th>
                  <td className="num">{formatInteger(totals.lines)}</td>
                  <td className="num">{formatInteger(totals.quantity)}</td>
                  <td className="num">{formatMoney(totals.value, currency)}</td>
                  <td className="num">{formatMoney(totals.includedValue, currency)}</td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
        )}
        {history.invoices.length > FIRST_INVOICES && (
          <p>
            {showAll ? (
              <Link className="button small" href="?" scroll={false}>
                Show the {FIRST_INVOICES} latest only
              </Link>
            ) : (
              <Link className="button small" href="?invoices=all#invoices-title" scroll={false} data-testid="show-all-invoices">
                Show all {formatInteger(history.invoices.length)} invoices
              </Link>
            )}
          </p>
        )}
        <ShowQuery name="customer-orders" sql={ordersQuery.sql} command={ordersQuery.command} source={ordersQuery.source} />
      </section>
    </>
  );
}
