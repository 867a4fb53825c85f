import { ChartCard } from "@/components/charts/chart-card";
import { describeModelParams } from "@/components/runs/run-params";
import { TrackingChart, type TrackingSeries } from "@/components/runs/tracking-chart";
import { formatDecimal, formatInteger, formatShare } from "@/lib/format";
import type { ChurnFit } from "@/lib/services/lifetime-values";

const params = describeModelParams;

/**
 * A run's churn models checked on a holdout period (issue 16): the verdict in
 * plain words, the three models' forecasts against what customers did (table
 * and tracking plot), and the churn rules judged like classifiers.
 */
export function RunChurnCheck({ fit, runId, datasetId }: { fit: ChurnFit; runId: number; datasetId: number }) {
  const check = fit.check;
  const ruleKey = JSON.stringify(fit.signal.rule);
  return (
    <section className="run-section" aria-labelledby="churn-title" data-testid="churn-check">
      <h2 id="churn-title" className="section-title">
        Churn: which model, checked how
      </h2>
      <div className={`card churn-verdict ${fit.signal.identified ? "" : "warning"}`} data-testid="churn-verdict" data-identified={String(fit.signal.identified)}>
        <p>{fit.signal.verdict}</p>
        <p className="small muted">
          P(alive), expected purchases and CLV on this page come from <strong data-testid="churn-model">{fit.label}</strong> ({params(fit.params)}, in weeks
          {fit.fittedOn < fit.customers ? `; fitted on an even sample of ${formatInteger(fit.fittedOn)} of ${formatInteger(fit.customers)} customers` : ""}), refitted on the whole
          period{check ? " after the check" : ""}
          {fit.gammaGamma ? `, with Gamma-Gamma (p ${fit.gammaGamma.p.toFixed(2)}, q ${fit.gammaGamma.q.toFixed(2)}, v ${fit.gammaGamma.v.toFixed(2)}) for spend` : `; no spend model${fit.gammaGammaError ? `: ${fit.gammaGammaError}` : ""}`}.
          It expects {formatShare(fit.dropoutInPeriod)} of new customers to stop buying within the period observed.
        </p>
      </div>
      {!check ? (
        <p className="muted small">No holdout check: {fit.checkError ?? "not asked"}.</p>
      ) : (
        <>
          <div className="card">
            <h3>Forecasts against the holdout</h3>
            <p className="small muted">
              Fitted on purchases up to {check.calibrationDate}, each model forecast the repeat purchases of the {formatInteger(check.customers)} customers who had first bought before then
              {check.sampleShare < 1 ? ` (a ${formatShare(check.sampleShare, 0)} sample of customers, by a hash of their id)` : ""} over the next {formatInteger(check.holdoutDays)} days,
              up to {check.endDate}. The error is the mean, per customer, of |forecast − actual|. Lowest error: the model in use unless one was asked.
            </p>
            <div className="table-scroll">
              <table className="table" data-testid="churn-models">
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Parameters (weeks)</th>
                    <th scope="col" className="num">Dropout in period</th>
                    <th scope="col" className="num">Forecast</th>
                    <th scope="col" className="num">Actual</th>
                    <th scope="col" className="num">Error per customer</th>
                  </tr>
                </thead>
                <tbody>
                  {check.models.map((m) =>
                    "params" in m ? (
                      <tr key={m.model} data-model={m.model} className={m.model === fit.model ? "chosen" : undefined}>
                        <th scope="row">
                          {m.label}
                          {m.model === fit.model ? " (in use)" : ""}
                        </th>
                        <td>{params(m.params)}</td>
                        <td className="num">{formatShare(m.dropoutInPeriod)}</td>
                        <td className="num">{formatInteger(Math.round(m.holdout.predicted))}</td>
                        <td className="num">{formatInteger(m.holdout.actual)}</td>
                        <td className="num">{formatDecimal(m.holdout.mae, 3)}</td>
                      </tr>
                    ) : (
                      <tr key={m.model} data-model={m.model}>
                        <th scope="row">{m.label}</th>
                        <td colSpan={5} className="muted">
                          Not fitted: {m.error}
                        </td>
                      </tr>
                    ),
                  )}
                  <tr data-model="baseline">
                    <th scope="row">Each customer&apos;s own pace</th>
                    <td className="muted">repeat purchases so far ÷ time since the first</td>
                    <td className="num">—</td>
                    <td className="num">{formatInteger(Math.round(check.baseline.predicted))}</td>
                    <td className="num">{formatInteger(check.baseline.actual)}</td>
                    <td className="num">{formatDecimal(check.baseline.mae, 3)}</td>
                  </tr>
                </tbody>
              </table>
            </div>
          </div>
          <ChartCard
            id="tracking-plot"
            wide
            title="Tracking plot: repeat purchases in the holdout"
            description={`Cumulative repeat purchases (purchase days) week by week after ${check.calibrationDate}: what customers did (solid) against each model's forecast (dashed) and their own pace (dotted).`}
            sql={<CheckSql runId={runId} datasetId={datasetId} />}
          >
            <TrackingChart
              series={[
                { key: "actual", label: "Actual", values: check.actualTracking },
                ...check.models.flatMap((m): TrackingSeries[] => ("params" in m ? [{ key: m.model, label: m.label, values: m.tracking }] : [])),
                { key: "baseline", label: "Own pace", values: check.baseline.tracking },
              ]}
            />
          </ChartCard>
          <div className="card">
            <h3>Churn rules judged on the holdout</h3>
            <p className="small muted">
              Each rule flags customers on {check.calibrationDate}; of the {formatInteger(check.rules[0]?.gone ?? 0)} of {formatInteger(check.customers)} who then made no purchase by {check.endDate},
              precision is the share of flagged customers who did not come back, recall the share of those who did not come back that were flagged. F1 balances both; the
              best rule is the signal when the model cannot tell dropout. The baseline to beat: no purchase in 90 days.
            </p>
            <div className="table-scroll">
              <table className="table" data-testid="churn-rules">
                <thead>
                  <tr>
                    <th scope="col">Rule</th>
                    <th scope="col" className="num">Flagged</th>
                    <th scope="col" className="num">Precision</th>
                    <th scope="col" className="num">Recall</th>
                    <th scope="col" className="num">F1</th>
                  </tr>
                </thead>
                <tbody>
                  {check.rules.map((r) => {
                    const used = JSON.stringify(r.rule) === ruleKey;
                    const baseline = r.rule.kind === "days" && r.rule.days === 90;
                    return (
                      <tr key={JSON.stringify(r.rule)} className={used ? "chosen" : undefined} data-used={used ? "true" : undefined}>
                        <th scope="row">
                          {r.label}
                          {used ? " (in use)" : ""}
                          {baseline ? " (baseline)" : ""}
                        </th>
                        <td className="num">{formatInteger(r.flagged)}</td>
                        <td className="num">{r.precision === null ? "—" : formatShare(r.precision)}</td>
                        <td className="num">{r.recall === null ? "—" : formatShare(r.recall)}</td>
                        <td className="num">{r.f1.toFixed(3)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

/** Where the check comes from: the holdout query and the run's saved metrics. */
function CheckSql({ runId, datasetId }: { runId: number; datasetId: number }) {
  return (
    <details className="show-sql">
      <summary>Show SQL</summary>
      <p className="small muted">
        Each customer&apos;s purchases before and after the calibration date come from{" "}
        <code className="copyable">psql &quot;$DATABASE_URL&quot; -v dataset_id={datasetId} -f lib/queries/sql/churn-holdout.sql</code>; the models&apos; fits and forecasts were saved with the run:{" "}
        <code className="copyable">psql &quot;$DATABASE_URL&quot; -c &quot;select metrics-&gt;&apos;lifetimeValue&apos;-&gt;&apos;check&apos; from segmentation_runs where id = {runId}&quot;</code>
      </p>
    </details>
  );
}
