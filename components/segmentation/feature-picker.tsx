"use client";

import type { ReactNode } from "react";

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
}: {
  features: FeatureOption[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
  error: ReactNode;
  describedBy?: string;
}) {
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
      {groups.some((g) => g.id === "file") && (
        <p className="hint">Numbers are log-transformed where skewed and standardised; dates count days up to the latest; categories and yes/no become one 0/1 column per value.</p>
      )}
      {error}
    </fieldset>
  );
}
