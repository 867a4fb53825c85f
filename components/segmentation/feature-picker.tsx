"use client";

import { useState, type ReactNode } from "react";

/** A feature the form offers: a purchase feature (its key) or a customers-file column (its name as in the header). */
export interface FeatureOption {
  key: string;
  label: string;
  /** "purchases" or "file": the group it is listed in. */
  group?: "purchases" | "file";
  /** The column's kind, shown beside it (number, category, …). */
  kind?: string;
  /** Why it cannot be chosen (age without a customers file; an id column). */
  disabled?: string;
}

/**
 * The features of a clustering run, in two groups: what each buyer's
 * purchases give, and the columns of the customers file (each with its kind;
 * categories are one-hot encoded). A group with nothing to offer is left out.
 */
export function FeaturePicker({
  features,
  chosen,
  onChange,
  error,
  describedBy,
  totals = [],
  onTotals,
}: {
  features: FeatureOption[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
  error: ReactNode;
  describedBy?: string;
  /** Totals of several number columns the analyst made, each a feature by its name. */
  totals?: { name: string; sum: string[] }[];
  onTotals?: (totals: { name: string; sum: string[] }[]) => void;
}) {
  const numbers = features.filter((f) => f.group === "file" && f.kind === "number" && !f.disabled);
  const groups = [
    { id: "purchases", title: "From purchases", items: features.filter((f) => (f.group ?? "purchases") === "purchases") },
    { id: "file", title: "From the customers file", items: features.filter((f) => f.group === "file") },
  ].filter((g) => g.items.length > 0);
  return (
    <fieldset aria-describedby={describedBy} aria-invalid={!!error} data-testid="features">
      <legend>Features to cluster on</legend>
      {groups.map((g) => (
        <div key={g.id} className="feature-group" data-group={g.id}>
          {groups.length > 1 && <p className="small muted feature-group-title">{g.title}</p>}
          <div className="checkbox-grid">
            {g.items.map((f) => (
              <label key={f.key} title={f.disabled}>
                <input
                  type="checkbox"
                  name="features"
                  value={f.key}
                  checked={chosen.includes(f.key)}
                  disabled={!!f.disabled}
                  onChange={(e) => onChange(e.target.checked ? [...chosen, f.key] : chosen.filter((x) => x !== f.key))}
                />{" "}
                {f.label}
                {f.kind && <span className="muted small"> · {f.kind}</span>}
                {f.disabled && <span className="muted small"> ({f.disabled})</span>}
              </label>
            ))}
          </div>
        </div>
      ))}
      {totals.length > 0 && (
        <div className="feature-group" data-group="totals">
          <p className="small muted feature-group-title">Totals</p>
          <div className="checkbox-grid">
            {totals.map((t) => (
              <label key={t.name} title={t.sum.join(" + ")}>
                <input
                  type="checkbox"
                  name="features"
                  value={t.name}
                  checked={chosen.includes(t.name)}
                  onChange={(e) => onChange(e.target.checked ? [...chosen, t.name] : chosen.filter((x) => x !== t.name))}
                />{" "}
                {t.name}
                <span className="muted small"> · {t.sum.length} columns summed</span>
              </label>
            ))}
          </div>
        </div>
      )}
      <input type="hidden" name="totals" value={JSON.stringify(totals)} />
      {onTotals && numbers.length > 1 && <TotalBuilder numbers={numbers.map((f) => f.key)} taken={[...features.map((f) => f.key), ...totals.map((t) => t.name)]} onAdd={(t) => (onTotals([...totals, t]), onChange([...chosen, t.name]))} />}
      {groups.some((g) => g.id === "file") && (
        <p className="hint">Numbers are log-transformed where skewed and standardised; dates count days up to the latest; categories and yes/no become one 0/1 column per value.</p>
      )}
      {error}
    </fieldset>
  );
}

/** "Add a total": a name and the number columns it adds up (total spend from spend per category). */
function TotalBuilder({ numbers, taken, onAdd }: { numbers: string[]; taken: string[]; onAdd: (total: { name: string; sum: string[] }) => void }) {
  const [name, setName] = useState("");
  const [sum, setSum] = useState<string[]>([]);
  const clash = taken.includes(name.trim());
  return (
    <details className="total-builder" data-testid="total-builder">
      <summary>Add a total of several columns</summary>
      <div className="field">
        <label htmlFor="total-name">Name of the total</label>
        <input id="total-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Total spend" aria-invalid={clash} />
        {clash && <p className="field-error">A column or a total already has this name.</p>}
      </div>
      <div className="checkbox-grid">
        {numbers.map((n) => (
          <label key={n}>
            <input type="checkbox" checked={sum.includes(n)} onChange={(e) => setSum(e.target.checked ? [...sum, n] : sum.filter((x) => x !== n))} /> {n}
          </label>
        ))}
      </div>
      <button
        type="button"
        className="button small"
        disabled={name.trim() === "" || clash || sum.length < 2}
        onClick={() => {
          onAdd({ name: name.trim(), sum });
          setName("");
          setSum([]);
        }}
      >
        Add the total ({sum.length} columns)
      </button>
    </details>
  );
}
