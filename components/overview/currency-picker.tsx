"use client";

import { useState, useTransition } from "react";

/**
 * The dataset's currency on its page: shown as chosen or guessed, and (not on
 * a share link) changeable among the ISO 4217 codes; "Guess from the
 * countries" goes back to the guess.
 */
export function CurrencyPicker({
  datasetId,
  currency,
  guessed,
  choices,
  setCurrency,
}: {
  datasetId: number;
  currency: string | null;
  guessed: boolean;
  choices: string[];
  setCurrency?: (datasetId: number, currency: string) => Promise<{ ok: boolean; message: string | null }>;
}) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const said = currency ? `Amounts in ${currency}${guessed ? " (guessed from the countries)" : ""}.` : "Currency not known: no invoice country names one.";
  if (!setCurrency) {
    return (
      <p className="muted small" data-testid="currency">
        {said}
      </p>
    );
  }
  return (
    <div className="inline-field small" data-testid="currency">
      <label htmlFor={`currency-${datasetId}`}>Currency</label>{" "}
      <select
        id={`currency-${datasetId}`}
        value={guessed ? "" : (currency ?? "")}
        disabled={pending}
        aria-describedby={`currency-${datasetId}-hint`}
        onChange={(e) => {
          const value = e.target.value;
          startTransition(async () => {
            const answer = await setCurrency(datasetId, value);
            setMessage(answer.ok ? null : answer.message);
          });
        }}
      >
        <option value="">{guessed && currency ? `${currency} (guessed)` : "Guess from the countries"}</option>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>{" "}
      <span className="muted inline-hint" id={`currency-${datasetId}-hint`}>
        {said}
      </span>
      {message && (
        <span className="field-error" role="alert">
          {" "}
          {message}
        </span>
      )}
    </div>
  );
}
