import { describeAnalysisDate, describeModelParams, describeBins, describeCleaning, describeFeatures, describeK, describeRules, METHOD_NAMES } from "@/components/runs/run-params";
import type { KCandidate } from "@/components/runs/k-quality-chart";
import { formatDecimal, formatDuration, formatInteger, formatMoment, formatMoney, formatShare } from "@/lib/format";
import type { SegmentProfileRow } from "@/lib/queries/segment-profile";
import type { RunDetail } from "@/lib/services/segmentations";
import { Figure } from "@/components/figure";

/** The churn and lifetime-value fit a run saved in its metrics. */
export interface LifetimeFit {
  ok: boolean;
  error?: string;
  unit?: string;
  bgnbd?: { r: number; alpha: number; a: number; b: number };
  /** Runs since the holdout check: the model in use, its parameters and the at-risk signal. */
  label?: string;
  params?: Record<string, number>;
  signal?: { label: string };
  gammaGamma?: { p: number; q: number; v: number } | null;
  gammaGammaError?: string | null;
  horizonMonths?: number;
}

/** A run's settings and quality: method, customers, bins or k, analysis date, time, features, cleaning, models. */
export function RunSettings({ run, quality, fit, base, currency = null }: { run: RunDetail; quality?: KCandidate; fit?: LifetimeFit; base?: SegmentProfileRow; /** ISO 4217, or null. */ currency?: string | null }) {
  const method = METHOD_NAMES[run.method] ?? run.method;
  const clustering = run.method !== "rfm";
  const purchases = run.params.purchases !== false;
  return (
    <section className="card run-header" aria-labelledby="run-title" data-testid="run-header">
      <h2 id="run-title">Settings and quality</h2>
      <dl className="figures">
        <Figure label="Method" figure="method">{method}</Figure>
        <Figure label="Customers" figure="customers">{formatInteger(run.customers)}</Figure>
        {run.method === "rfm" ? (
          <>
            <Figure label="Bins" figure="bins">{describeBins(run.params)}</Figure>
            <Figure label="Rules" figure="rules">{describeRules(run.params)}</Figure>
          </>
        ) : (
          <>
            <Figure label="k" figure="k">{describeK(run.params)}</Figure>
            {quality && (
              <Figure label="Silhouette" figure="silhouette">{quality.silhouette.toFixed(3)}</Figure>
            )}
          </>
        )}
        {purchases && <Figure label="Analysis date" figure="analysis-date">{typeof run.params.analysisDate === "string" ? describeAnalysisDate(run.params) : "Default"}</Figure>}
        <Figure label="Took" figure="duration">{formatDuration(run.durationMs)}</Figure>
      </dl>
      <ul className="run-facts small muted">
        {clustering && (
          <li>
            Features: {describeFeatures(run.params)} · seed {String(run.params.seed ?? 1)}
            {run.method === "hierarchical" ? " · Ward linkage on k-means micro-clusters" : ""}
            {quality ? ` · Calinski-Harabasz ${quality.calinskiHarabasz.toFixed(1)} · Davies-Bouldin ${quality.daviesBouldin.toFixed(3)}` : ""}
          </li>
        )}
        {purchases ? (
          <li>
            {typeof run.params.analysisDate === "string" ? "" : "Analysis date: the day after the dataset’s last invoice · "}
            {describeCleaning(run.params)} applied · created {formatMoment(run.createdAt)}
          </li>
        ) : (
          <li>
            Clustered on the customers file alone (the dataset has no purchases){encodingsText(run.params)} · created {formatMoment(run.createdAt)}
          </li>
        )}
        {purchases && <li>
          {fit?.ok && fit.label && fit.params && fit.signal
            ? `Churn and value: ${fit.label} (${describeModelParams(fit.params)}, ${fit.unit})${fit.gammaGamma ? `; Gamma-Gamma p ${fit.gammaGamma.p.toFixed(2)}, q ${fit.gammaGamma.q.toFixed(2)}, v ${fit.gammaGamma.v.toFixed(2)}` : `; no Gamma-Gamma fit${fit.gammaGammaError ? `: ${fit.gammaGammaError}` : ""}`}. At risk: ${fit.signal.label}.`
            : fit?.ok && fit.bgnbd
            ? `Churn and value: BG/NBD r ${fit.bgnbd.r.toFixed(3)}, α ${fit.bgnbd.alpha.toFixed(3)}, a ${fit.bgnbd.a.toFixed(3)}, b ${fit.bgnbd.b.toFixed(3)} (${fit.unit})${fit.gammaGamma ? `; Gamma-Gamma p ${fit.gammaGamma.p.toFixed(2)}, q ${fit.gammaGamma.q.toFixed(2)}, v ${fit.gammaGamma.v.toFixed(2)}` : `; no Gamma-Gamma fit${fit.gammaGammaError ? `: ${fit.gammaGammaError}` : ""}`}. At risk: P(alive) below 0.5.`
            : `No churn model: ${fit?.error ?? "the run has no lifetime-value fit"}.`}
        </li>}
        {base && (
          <li>
            All customers: revenue {formatMoney(base.revenue, currency)}, {formatInteger(base.atRiskCustomers)} at risk ({formatShare(base.atRiskRevenueShare)} of revenue), mean P(alive){" "}
            {formatDecimal(base.pAlive, 2)}.
          </li>
        )}
      </ul>
    </section>
  );
}

/** How a run's customers-file columns were turned into features: " · Contract one-hot (3 values, weight 1) · Dt_Customer as days to 2014-06-30". */
function encodingsText(params: Record<string, unknown>): string {
  const encodings = (params.encodings as { name: string; kind: string; levels?: string[]; weight?: number; referenceDate?: string }[] | undefined) ?? [];
  const parts = encodings.flatMap((e) => {
    if (e.kind === "category") return [`${e.name} one-hot (${e.levels?.length ?? 0} values, weight ${e.weight ?? 1})`];
    if (e.kind === "yes_no") return [`${e.name} as 0/1 (weight ${(e.weight ?? Math.SQRT2).toFixed(2)})`];
    if (e.kind === "date") return [`${e.name} as days to ${e.referenceDate ?? "the last date"}`];
    return [];
  });
  return parts.length ? ` · ${parts.join(" · ")}` : "";
}
