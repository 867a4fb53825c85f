"use client";

import { useActionState, useId, useState } from "react";

/**
 * "Run again at another date": the run's method and settings at the date
 * chosen here (its server action runs it and opens the moves between the two
 * runs). The date starts at the suggestion the page computed.
 */
export function RerunForm({
  action,
  suggested,
  min,
  max,
  current,
}: {
  action: (state: { message: string | null }, form: FormData) => Promise<{ message: string | null }>;
  /** YYYY-MM-DD the field starts at. */
  suggested: string;
  /** The day after the first invoice, and the day after the last one. */
  min?: string;
  max?: string;
  /** This run's date, for the hint. */
  current: string | null;
}) {
  const [state, formAction, pending] = useActionState(action, { message: null });
  const id = useId();
  // Controlled: React resets a form's uncontrolled fields after its action, and a refused date should stay to be fixed.
  const [date, setDate] = useState(suggested);
  return (
    <form action={formAction} className="rerun-form" data-testid="rerun-form" aria-busy={pending}>
      <div className="field">
        <label htmlFor={`${id}-date`}>Analysis date of the new run</label>
        <span className="inline-field">
          <input
            id={`${id}-date`}
            type="date"
            name="analysisDate"
            value={date}
            onChange={(e) => setDate(e.target.value)}
            min={min}
            max={max}
            required
            aria-describedby={`${id}-hint${state.message ? ` ${id}-error` : ""}`}
          />
          <button type="submit" className="button primary" disabled={pending} data-testid="rerun">
            {pending ? "Running…" : "Run again at this date"}
          </button>
          {pending && <span className="spinner" role="status" aria-label="Running the segmentation" />}
        </span>
        <p className="hint" id={`${id}-hint`}>
          Same method and settings{current ? `; this run is as of ${current}` : ""}. Purchases after the date are left out, so an earlier date is a calibration
          date and the later run shows who moved since.
        </p>
        {state.message && (
          <p className="field-error" id={`${id}-error`} role="alert">
            {state.message}
          </p>
        )}
      </div>
    </form>
  );
}
