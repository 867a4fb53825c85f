import Link from "next/link";
import { formatDay, formatInteger, formatMoney, moneyLabel } from "@/lib/format";
import type { DatasetFigures as Figures } from "@/lib/queries/dataset-figures";
import type { DatasetSummary } from "@/lib/services/datasets";
import { PreparationNote } from "./preparation/preparation-note";

/** One dataset with its headline figures. */
export function DatasetCard({ dataset }: { dataset: DatasetSummary }) {
  return (
    <article className="card dataset-card" aria-labelledby={`dataset-${dataset.id}`}>
      <header className="card-head">
        <h2 id={`dataset-${dataset.id}`}>
          <Link href={`/datasets/${dataset.id}`}>{dataset.name}</Link>
        </h2>
        {dataset.isSample && <span className="badge">Sample</span>}
      </header>
      {dataset.description && <p className="muted">{dataset.description}</p>}
      {dataset.figures && <DatasetFigures figures={dataset.figures} cleaningHref={`/datasets/${dataset.id}#cleaning-title`} currency={dataset.currency} />}
      {!dataset.prepared && <PreparationNote state={dataset.preparation} statusUrl={`/api/datasets/${dataset.id}/preparation`} />}
    </article>
  );
}

/** Headline figures; each carries `data-figure` so tests read what people read. */
export function DatasetFigures({
  figures: f,
  cleaningHref,
  currency,
}: {
  figures: Figures;
  /** Where the cleaning report is: this page's section by default. */
  cleaningHref?: string;
  /** The dataset's currency (ISO 4217), or null. */
  currency: string | null;
}) {
  if (f.lines === 0 && (f.customersOnFile ?? 0) > 0) {
    // A customers file alone: its customers are the dataset's; there is nothing bought to count.
    return (
      <dl className="figures">
        <div className="figure">
          <dt>Customers</dt>
          <dd data-figure="customers">{formatInteger(f.customersOnFile)}</dd>
        </div>
        <div className="figure figure-wide">
          <dt>Purchases</dt>
          <dd data-figure="purchases">None loaded</dd>
        </div>
      </dl>
    );
  }
  // Customers and revenue are counted twice: in the file as loaded, and after the default cleaning (what runs count).
  const kept: Record<string, string | null> = {
    customers: f.customersKept === undefined ? null : formatInteger(f.customersKept),
    revenue: f.revenueKept === undefined ? null : formatMoney(f.revenueKept, currency),
  };
  const figures: [key: string, label: string, value: string][] = [
    ["customers", "Customers", formatInteger(f.customers)],
    ["invoices", "Invoices", formatInteger(f.invoices)],
    ["lines", "Line items", formatInteger(f.lines)],
    ["revenue", moneyLabel("Revenue", currency), formatMoney(f.revenue, currency)],
    ["countries", "Countries", formatInteger(f.countries)],
  ];
  return (
    <dl className="figures">
        {figures.map(([key, label, value]) => (
          <div key={key} className="figure">
            <dt>{label}{kept[key] ? " in the file" : ""}</dt>
            <dd data-figure={key}>{value}</dd>
            {kept[key] && (
              <dd className="figure-note" data-figure={`${key}-kept`}>
                {kept[key]} after cleaning (<Link href={cleaningHref ?? "#cleaning-title"}>why</Link>)
              </dd>
            )}
          </div>
        ))}
        <div className="figure figure-wide">
          <dt>Invoices from</dt>
          <dd>
            <time data-figure="first-invoice" dateTime={f.firstInvoiceAt ?? undefined}>
              {formatDay(f.firstInvoiceAt)}
            </time>
            {" to "}
            <time data-figure="last-invoice" dateTime={f.lastInvoiceAt ?? undefined}>
              {formatDay(f.lastInvoiceAt)}
            </time>
          </dd>
        </div>
    </dl>
  );
}
