"use client";

import type { ReactNode } from "react";

/** A number or date column of the customers file the form may read recency, frequency or spend from. */
export interface SummaryColumn {
  name: string;
  kind: "number" | "date";
}

const RECENCY = /recen|days.?since|last.?(purchase|order|visit)|most.?recent/i;
const FREQUENCY = /^num|purchases|orders|frequency|count|visits|transactions/i;
const MONETARY = /^mnt|spend|spent|revenue|amount|sales|monetary|value|total/i;

/** The analyst's likely choice, from the columns' names (Recency; NumWebPurchases…; MntWines…). */
export function guessSummary(columns: SummaryColumn[]): { recency: string; frequency: string[]; monetary: string[] } {
  const recency = columns.find((c) => RECENCY.test(c.name)) ?? columns.find((c) => c.kind === "date");
  const rest = columns.filter((c) => c.kind === "number" && c !== recency);
  // Visits are not purchases; deal purchases are already counted in the channels' purchases (iFood's NumDealsPurchases).
  const frequency = rest.filter((c) => FREQUENCY.test(c.name) && !/visit|deal/i.test(c.name));
  const monetary = rest.filter((c) => MONETARY.test(c.name) && !frequency.includes(c));
  return { recency: recency?.name ?? "", frequency: frequency.map((c) => c.name), monetary: monetary.map((c) => c.name) };
}

/**
 * RFM on a customers file alone: which columns hold each customer's recency
 * (days since the last purchase, or its date), frequency (a count, or several
 * summed) and spend (one column, or several summed). Preselected from the
 * columns' names; the analyst checks and changes them.
 */
export function SummaryColumns({
  columns,
  value,
  onChange,
  errorOf,
}: {
  columns: SummaryColumn[];
  value: { recency: string; frequency: string[]; monetary: string[] };
  onChange: (value: { recency: string; frequency: string[]; monetary: string[] }) => void;
  errorOf: (field: string) => ReactNode;
}) {
  const numbers = columns.filter((c) => c.kind === "number");
  const group = (field: "frequency" | "monetary", legend: string) => (
    <fieldset className="summary-group" data-testid={`summary-${field}`}>
      <legend>{legend}</legend>
      <div className="checkbox-grid">
        {numbers.map((c) => (
          <label key={c.name}>
            <input
              type="checkbox"
              name={field === "frequency" ? "summaryFrequency" : "summaryMonetary"}
              value={c.name}
              checked={value[field].includes(c.name)}
              onChange={(e) => onChange({ ...value, [field]: e.target.checked ? [...value[field], c.name] : value[field].filter((x) => x !== c.name) })}
            />{" "}
            {c.name}
          </label>
        ))}
      </div>
      {errorOf(`summary.${field}`)}
    </fieldset>
  );
  return (
    <fieldset data-testid="summary-columns">
      <legend>Recency, frequency and spend from the customers file</legend>
      <p className="hint">The dataset has no purchases: RFM scores the columns that sum them up, one row per customer. Columns checked together are added up.</p>
      <div className="field">
        <label htmlFor="summary-recency">Recency: days since the last purchase, or its date</label>
        <select id="summary-recency" name="summaryRecency" value={value.recency} onChange={(e) => onChange({ ...value, recency: e.target.value })}>
          <option value="">Choose…</option>
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.kind === "date" ? "date" : "days"})
            </option>
          ))}
        </select>
        {errorOf("summary.recency")}
      </div>
      {group("frequency", "Frequency: purchases (checked columns are summed)")}
      {group("monetary", "Monetary: spend (checked columns are summed)")}
      {errorOf("summary")}
    </fieldset>
  );
}
