"use client";

import { parseAsStringLiteral, useQueryState } from "nuqs";
import { startTransition, useActionState, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { CLEANING_RULES } from "@/lib/ingest/cleaning";
import { formatInteger } from "@/lib/format";
import type { SegmentationFormState } from "@/lib/services/segmentation-form";
import { FeaturePicker, type FeatureOption } from "./feature-picker";
import { presetRows, RuleTable, type RuleRow } from "./rule-table";
import { guessSummary, SummaryColumns, type SummaryColumn } from "./summary-columns";

/**
 * "New segmentation": method, analysis date, the method's settings (RFM bins
 * and the ordered rule table; k-means and hierarchical features and k), seed
 * and cleaning rules. It posts to a server action that runs the segmentation
 * and opens the run, or answers a message for the field that is wrong. The
 * method is in the URL (?method=kmeans), so a link opens the form on it.
 */
const METHODS = ["rfm", "kmeans", "hierarchical"] as const;
type Method = (typeof METHODS)[number];
const METHOD_LABELS: Record<Method, { label: string; running: string; detail: string }> = {
  rfm: { label: "RFM", running: "RFM scoring", detail: "Scores recency, frequency and monetary value into bins, then names segments with an ordered rule table." },
  kmeans: { label: "k-means", running: "k-means", detail: "Clusters customers on the features you choose (log-transformed where skewed, standardised); k can be chosen automatically." },
  hierarchical: { label: "Hierarchical", running: "hierarchical clustering (Ward)", detail: "Ward linkage cut at k clusters, with a dendrogram of how the groups merge." },
};
export type { FeatureOption };


export function SegmentationForm({
  action,
  customers,
  features,
  purchases = true,
  defaultFeatures = ["recencyDays", "frequency", "monetary"],
  outcomes = [],
  summaryColumns = [],
}: {
  action: (state: SegmentationFormState, form: FormData) => Promise<SegmentationFormState>;
  /** Customers a run with the default settings segments (for the progress message). */
  /** Null while the dataset is being prepared (not counted yet). */
  customers: number | null;
  features: FeatureOption[];
  /** False for a dataset with a customers file alone: no RFM, no analysis date or cleaning rules. */
  purchases?: boolean;
  defaultFeatures?: string[];
  /** Yes/no and category columns a run can show per segment (their names as in the header). */
  outcomes?: string[];
  /** Number and date columns of a customers file, for RFM on the file alone (a dataset without purchases). */
  summaryColumns?: SummaryColumn[];
}) {
  const [state, formAction, pending] = useActionState(action, { errors: {}, message: null });
  const [chosenMethod, setMethod] = useQueryState("method", parseAsStringLiteral(METHODS).withDefault(purchases ? "rfm" : "kmeans"));
  // RFM scores purchases, or a customers file's columns that sum them up: without either, it is not offered.
  const rfmPossible = purchases || summaryColumns.length > 0;
  const method = !rfmPossible && chosenMethod === "rfm" ? "kmeans" : chosenMethod;
  const [summaryColumnsChosen, setSummaryColumnsChosen] = useState(() => guessSummary(summaryColumns));
  const [outcome, setOutcome] = useState("");
  const [totals, setTotals] = useState<{ name: string; sum: string[] }[]>([]);
  const [analysisDate, setAnalysisDate] = useState("");
  const [bins, setBins] = useState("5");
  const [rules, setRules] = useState<RuleRow[]>(() => presetRows("standard"));
  const [kAuto, setKAuto] = useState(true);
  const [k, setK] = useState("5");
  const [chosen, setChosen] = useState<string[]>(defaultFeatures);
  const [seed, setSeed] = useState("1");
  const [cleaning, setCleaning] = useState<string[]>(CLEANING_RULES.map((r) => r.key));
  const [started, setStarted] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const summary = useRef<HTMLDivElement>(null);
  const id = useId();
  const errors = state.errors;
  const hasErrors = Object.keys(errors).length > 0 || state.message !== null;
  const autoK = method === "kmeans" && kAuto;

  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => setElapsed(started ? Math.round((Date.now() - started) / 1000) : 0), 500);
    return () => clearInterval(timer);
  }, [pending, started]);
  useEffect(() => {
    if (!pending && hasErrors) summary.current?.focus();
  }, [pending, hasErrors, state]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setStarted(Date.now());
    setElapsed(0);
    // Not <form action>: React would reset the fields after the action; these keep what was typed.
    startTransition(() => formAction(data));
  }

  const fieldId = (name: string) => `${id}-${name.replace(/\./g, "-")}`;
  const errorOf = (name: string) => errors[name];
  const describedBy = (name: string, hint?: string) => [errorOf(name) ? `${fieldId(name)}-error` : null, hint ?? null].filter(Boolean).join(" ") || undefined;
  const fieldError = (name: string) =>
    errorOf(name) ? (
      <p className="field-error" id={`${fieldId(name)}-error`} data-field-error={name}>
        {errorOf(name)}
      </p>
    ) : null;

  const binCount = Number(bins);

  const runningText = `Running ${METHOD_LABELS[method].running} on ${customers === null ? "the" : formatInteger(customers)} customers…`;

  return (
    <form className="segmentation-form" onSubmit={submit} noValidate aria-busy={pending} data-testid="segmentation-form">
      <input type="hidden" name="method" value={method} />
      {purchases && <input type="hidden" name="cleaningSent" value="1" />}

      {hasErrors && !pending && (
        <div className="form-errors" role="alert" tabIndex={-1} ref={summary} data-testid="form-errors">
          <strong>The segmentation did not run.</strong>{" "}
          {state.message ?? "Fix the field marked below and run it again."}
        </div>
      )}

      <fieldset className="method-choice">
        <legend>Method</legend>
        <div className="method-options">
          {METHODS.map((m) => (
            <label key={m} className={`method-option${method === m ? " selected" : ""}${!rfmPossible && m === "rfm" ? " disabled" : ""}`}>
              <input type="radio" name="methodChoice" value={m} checked={method === m} disabled={!rfmPossible && m === "rfm"} onChange={() => setMethod(m)} />
              <span>
                <strong>{METHOD_LABELS[m].label}</strong>
                <span className="muted small">
                  {!purchases && m === "rfm"
                    ? rfmPossible
                      ? "Scores the customers file's recency, frequency and spend columns (the dataset has no purchases), then names segments with the rule table."
                      : "Needs purchases, or a customers file with recency, frequency and spend columns: this file has no number columns."
                    : METHOD_LABELS[m].detail}
                </span>
              </span>
            </label>
          ))}
        </div>
        {fieldError("method")}
      </fieldset>

      <div className="form-row">
        {purchases && <div className="field">
          <label htmlFor={fieldId("analysisDate")}>Analysis date</label>
          <input
            id={fieldId("analysisDate")}
            type="date"
            name="analysisDate"
            value={analysisDate}
            onChange={(e) => setAnalysisDate(e.target.value)}
            aria-invalid={!!errorOf("analysisDate")}
            aria-describedby={describedBy("analysisDate", `${fieldId("analysisDate")}-hint`)}
          />
          <p className="hint" id={`${fieldId("analysisDate")}-hint`}>
            Empty: the day after the last invoice. Purchases after it are left out.
          </p>
          {fieldError("analysisDate")}
        </div>}
        {purchases && (
          <div className="field">
            <label htmlFor={fieldId("churnModel")}>Churn model</label>
            <select id={fieldId("churnModel")} name="churnModel" defaultValue="auto" aria-describedby={`${fieldId("churnModel")}-hint`}>
              <option value="auto">Best on the holdout</option>
              <option value="bgnbd">BG/NBD</option>
              <option value="mbgnbd">MBG/NBD</option>
              <option value="paretonbd">Pareto/NBD</option>
            </select>
            <p className="hint" id={`${fieldId("churnModel")}-hint`}>
              Behind P(alive), expected orders and CLV. Each is checked on a holdout.
            </p>
          </div>
        )}
        {purchases && (
          <div className="field">
            <label htmlFor={fieldId("holdoutFrom")}>Holdout from</label>
            <input
              id={fieldId("holdoutFrom")}
              type="date"
              name="holdoutFrom"
              aria-invalid={!!errorOf("holdoutFrom")}
              aria-describedby={describedBy("holdoutFrom", `${fieldId("holdoutFrom")}-hint`)}
            />
            <p className="hint" id={`${fieldId("holdoutFrom")}-hint`}>
              Empty: the last quarter of the period. The models learn from the purchases before it and are judged on those after.
            </p>
            {fieldError("holdoutFrom")}
          </div>
        )}
        {method !== "rfm" && (
          <div className="field">
            <label htmlFor={fieldId("seed")}>Seed</label>
            <input
              id={fieldId("seed")}
              type="number"
              name="seed"
              step={1}
              value={seed}
              onChange={(e) => setSeed(e.target.value)}
              aria-invalid={!!errorOf("seed")}
              aria-describedby={describedBy("seed", `${fieldId("seed")}-hint`)}
              className="narrow"
            />
            <p className="hint" id={`${fieldId("seed")}-hint`}>
              Same data, settings and seed: same clusters.
            </p>
            {fieldError("seed")}
          </div>
        )}
      </div>

      {method === "rfm" && !purchases && <SummaryColumns columns={summaryColumns} value={summaryColumnsChosen} onChange={setSummaryColumnsChosen} errorOf={fieldError} />}

      {method === "rfm" && (
        <>
          <div className="field">
            <label htmlFor={fieldId("bins")}>Bins per score</label>
            <input
              id={fieldId("bins")}
              type="number"
              name="bins"
              min={2}
              max={10}
              step={1}
              value={bins}
              onChange={(e) => setBins(e.target.value)}
              aria-invalid={!!errorOf("bins")}
              aria-describedby={describedBy("bins", `${fieldId("bins")}-hint`)}
              className="narrow"
            />
            <p className="hint" id={`${fieldId("bins")}-hint`}>
              2 to 10 quantile bins for recency, frequency and monetary (scores 1 to the number of bins; the most recent customers score highest).
            </p>
            {fieldError("bins")}
          </div>

          <RuleTable rules={rules} onChange={setRules} binCount={binCount} errors={errors} describedBy={`${fieldId("rules")}-hint`} idPrefix={fieldId("rules")} />
        </>
      )}

      {method !== "rfm" && (
        <>
          <FeaturePicker
            features={features}
            chosen={chosen}
            onChange={setChosen}
            error={fieldError("features") ?? fieldError("totals")}
            describedBy={describedBy("features")}
            totals={totals}
            onTotals={setTotals}
          />

          <fieldset aria-describedby={describedBy("k")}>
            <legend>Number of clusters (k)</legend>
            {method === "kmeans" && (
              <label>
                <input type="radio" name="kMode" checked={kAuto} onChange={() => setKAuto(true)} /> Auto: try 3 to 8 and pick the best by Calinski-Harabasz, Davies-Bouldin and silhouette
              </label>
            )}
            <label className="inline-field">
              {method === "kmeans" && <input type="radio" name="kMode" checked={!kAuto} onChange={() => setKAuto(false)} />}
              <span id={fieldId("k-label")}>{method === "kmeans" ? "Fixed:" : "k ="}</span>
              <input
                type="number"
                min={2}
                max={20}
                step={1}
                className="narrow"
                aria-labelledby={fieldId("k-label")}
                value={k}
                disabled={autoK}
                onChange={(e) => setK(e.target.value)}
                aria-invalid={!!errorOf("k")}
              />
            </label>
            <input type="hidden" name="k" value={autoK ? "auto" : k} />
            {fieldError("k")}
          </fieldset>
        </>
      )}

      {outcomes.length > 0 && (
        <div className="field">
          <label htmlFor={fieldId("outcome")}>Outcome to show per segment</label>
          <select id={fieldId("outcome")} name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)} aria-invalid={!!errorOf("outcome")} aria-describedby={describedBy("outcome", `${fieldId("outcome")}-hint`)}>
            <option value="">None</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <p className="hint" id={`${fieldId("outcome")}-hint`}>
            A yes/no or category column (such as Churn): each segment shows its rate with a 95% interval and its lift against all customers. It is not clustered on.
          </p>
          {fieldError("outcome")}
        </div>
      )}

      {purchases && <fieldset aria-describedby={describedBy("cleaning")}>
        <legend>Cleaning rules applied (lines they match are left out)</legend>
        <div className="checkbox-grid">
          {CLEANING_RULES.map((r) => (
            <label key={r.key} title={r.detail}>
              <input
                type="checkbox"
                name="cleaning"
                value={r.key}
                checked={cleaning.includes(r.key)}
                onChange={(e) => setCleaning((list) => (e.target.checked ? [...list, r.key] : list.filter((x) => x !== r.key)))}
              />{" "}
              {r.label}
            </label>
          ))}
        </div>
        {fieldError("cleaning")}
      </fieldset>}

      <div className="form-submit">
        <button type="submit" className="button primary" disabled={pending} data-testid="run-segmentation">
          {pending ? "Running…" : "Run segmentation"}
        </button>
        {pending && (
          <p className="running" role="status" aria-live="polite" data-testid="running">
            <span className="spinner" aria-hidden="true" />
            {runningText}
            <span className="muted small">{elapsed > 0 ? ` ${elapsed} s` : ""}</span>
          </p>
        )}
      </div>
    </form>
  );
}
