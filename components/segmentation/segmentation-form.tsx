/* eslint-disable max-lines -- one form whose fields depend on each other (method, bins, rules, features, k); its sections split out next (issue 14). */
"use client";

import { parseAsStringLiteral, useQueryState } from "nuqs";
import { startTransition, useActionState, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { CLEANING_RULES } from "@/lib/ingest/cleaning";
import { formatInteger } from "@/lib/format";
import type { SegmentationFormState } from "@/lib/services/segmentation-form";
import { STANDARD_RULES } from "@/lib/segmentation/rfm";
import { FeaturePicker, type FeatureOption } from "./feature-picker";
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
const SCORES = ["recency", "frequency", "monetary"] as const;
type Score = (typeof SCORES)[number];

interface RuleRow {
  key: number;
  name: string;
  recency: [number, number];
  frequency: [number, number];
  monetary: [number, number];
}

export type { FeatureOption };

let nextKey = 1;
const standardRows = (): RuleRow[] => STANDARD_RULES.map((r) => ({ key: nextKey++, name: r.name, recency: [...r.recency], frequency: [...r.frequency], monetary: [...r.monetary] }));

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
  const [rules, setRules] = useState<RuleRow[]>(standardRows);
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
  const ruleError = Object.entries(errors).find(([field]) => field === "rules" || field.startsWith("rules."));
  const ruleErrorRow = ruleError ? Number(ruleError[0].split(".")[1]) : null;
  const ruleErrorScore = ruleError ? (ruleError[0].split(".")[2] as Score | "name" | undefined) : undefined;
  const tooHigh = Number.isInteger(binCount) && binCount >= 2 && binCount <= 10 ? rules.filter((r) => SCORES.some((s) => r[s][0] > binCount)) : [];

  function updateRule(index: number, change: Partial<RuleRow>) {
    setRules((rows) => rows.map((r, i) => (i === index ? { ...r, ...change } : r)));
  }
  function setScore(index: number, score: Score, end: 0 | 1, value: string) {
    const n = Math.round(Number(value));
    setRules((rows) =>
      rows.map((r, i) => {
        if (i !== index) return r;
        const range: [number, number] = [...r[score]];
        range[end] = Number.isFinite(n) ? n : range[end];
        return { ...r, [score]: range };
      }),
    );
  }
  function move(index: number, by: -1 | 1) {
    setRules((rows) => {
      const to = index + by;
      if (to < 0 || to >= rows.length) return rows;
      const copy = [...rows];
      [copy[index], copy[to]] = [copy[to]!, copy[index]!];
      return copy;
    });
  }

  const serialisedRules = JSON.stringify(rules.map(({ name, recency, frequency, monetary }) => ({ name, recency, frequency, monetary })));
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

          <fieldset className="rule-table" aria-describedby={`${fieldId("rules")}-hint`}>
            <legend>Segments: rules tried in order, the first that matches wins</legend>
            <p className="hint" id={`${fieldId("rules")}-hint`}>
              Score ranges are inclusive. Customers no rule matches are “Others”.
            </p>
            <div className="table-scroll">
              <table className="table rules" data-testid="rule-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Segment</th>
                    <th scope="col">Recency</th>
                    <th scope="col">Frequency</th>
                    <th scope="col">Monetary</th>
                    <th scope="col">
                      <span className="visually-hidden">Order and remove</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rules.map((rule, i) => {
                    const rowError = ruleErrorRow === i;
                    return (
                      <tr key={rule.key} className={rowError ? "row-invalid" : undefined} data-rule={rule.name}>
                        <td className="num">{i + 1}</td>
                        <td>
                          <input
                            aria-label={`Name of rule ${i + 1}`}
                            value={rule.name}
                            maxLength={60}
                            onChange={(e) => updateRule(i, { name: e.target.value })}
                            aria-invalid={rowError && ruleErrorScore === "name"}
                            className="rule-name"
                          />
                        </td>
                        {SCORES.map((score) => (
                          <td key={score}>
                            <span className="range">
                              {([0, 1] as const).map((end) => [
                                end === 1 ? (
                                  <span key="dash" aria-hidden="true">
                                    –
                                  </span>
                                ) : null,
                                <input
                                  key={end}
                                  type="number"
                                  min={1}
                                  max={10}
                                  step={1}
                                  className="score"
                                  aria-label={`${rule.name || `Rule ${i + 1}`}: ${score} ${end === 0 ? "from" : "to"}`}
                                  value={rule[score][end]}
                                  onChange={(e) => setScore(i, score, end, e.target.value)}
                                  aria-invalid={rowError && ruleErrorScore === score}
                                />,
                              ])}
                            </span>
                          </td>
                        ))}
                        <td>
                          <span className="row-actions">
                            <button type="button" className="button small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${rule.name || `rule ${i + 1}`} up`}>
                              ↑
                            </button>
                            <button type="button" className="button small" onClick={() => move(i, 1)} disabled={i === rules.length - 1} aria-label={`Move ${rule.name || `rule ${i + 1}`} down`}>
                              ↓
                            </button>
                            <button type="button" className="button small" onClick={() => setRules((rows) => rows.filter((_, j) => j !== i))} disabled={rules.length === 1} aria-label={`Remove ${rule.name || `rule ${i + 1}`}`}>
                              ✕
                            </button>
                          </span>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <input type="hidden" name="rules" value={serialisedRules} />
            {ruleError && (
              <p className="field-error" id={`${fieldId("rules")}-error`} data-field-error={ruleError[0]}>
                {ruleErrorRow !== null && Number.isInteger(ruleErrorRow) ? `Rule ${ruleErrorRow + 1} (${rules[ruleErrorRow]?.name || "no name"})${ruleErrorScore ? `, ${ruleErrorScore}` : ""}: ` : ""}
                {ruleError[1]}
              </p>
            )}
            {tooHigh.length > 0 && (
              <p className="hint warning">
                With {binCount} bins no score reaches above {binCount}: {tooHigh.map((r) => r.name).join(", ")} can never match.
              </p>
            )}
            <div className="card-actions">
              <button
                type="button"
                className="button small"
                onClick={() => setRules((rows) => [...rows, { key: nextKey++, name: `Segment ${rows.length + 1}`, recency: [1, binCount || 5], frequency: [1, binCount || 5], monetary: [1, binCount || 5] }])}
                disabled={rules.length >= 40}
              >
                Add a rule
              </button>
              <button type="button" className="button small" onClick={() => setRules(standardRows())}>
                Reset to the standard segments
              </button>
            </div>
          </fieldset>
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
