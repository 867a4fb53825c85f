"use client";

import { parseAsInteger, useQueryState } from "nuqs";
import { useTransition } from "react";

/** The run to compare with, in the URL (?compare=<runId>); the server page draws the crosstab. */
export function CompareSelect({ runs }: { runs: { id: number; label: string }[] }) {
  const [pending, startTransition] = useTransition();
  const [compare, setCompare] = useQueryState("compare", parseAsInteger.withOptions({ shallow: false, scroll: false, history: "push", startTransition }));
  return (
    <div className="field compare-select">
      <label htmlFor="compare-run">Compare with</label>
      <span className="inline-field">
        <select id="compare-run" value={compare ?? ""} onChange={(e) => setCompare(e.target.value ? Number(e.target.value) : null)} data-testid="compare-select">
          <option value="">Choose a run of this dataset…</option>
          {runs.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
        {pending && <span className="spinner" role="status" aria-label="Loading the comparison" />}
      </span>
    </div>
  );
}
