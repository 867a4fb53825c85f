import { formatDay, formatInteger, formatMoney } from "@/lib/format";
import type { DatasetSummary } from "@/lib/services/datasets";

/** One dataset with its headline figures; each figure carries `data-figure` so tests read what people read. */
export function DatasetCard({ dataset }: { dataset: DatasetSummary }) {
  const f = dataset.figures;
  const figures: [key: string, label: string, value: string][] = [
    ["customers", "Customers", formatInteger(f.customers)],
    ["invoices", "Invoices", formatInteger(f.invoices)],
    ["lines", "Line items", formatInteger(f.lines)],
    ["revenue", "Revenue", formatMoney(f.revenue)],
    ["countries", "Countries", formatInteger(f.countries)],
  ];
  return (
    <article className="card dataset-card" aria-labelledby={`dataset-${dataset.id}`}>
      <header className="card-head">
        <h2 id={`dataset-${dataset.id}`}>{dataset.name}</h2>
        {dataset.isSample && <span className="badge">Sample</span>}
      </header>
      {dataset.description && <p className="muted">{dataset.description}</p>}
      <dl className="figures">
        {figures.map(([key, label, value]) => (
          <div key={key} className="figure">
            <dt>{label}</dt>
            <dd data-figure={key}>{value}</dd>
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
    </article>
  );
}
