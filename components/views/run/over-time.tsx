import Link from "next/link";
import "@/components/runs/segments-over-time.css";
import { RerunForm } from "@/components/runs/rerun-form";
import { METHOD_NAMES } from "@/components/runs/run-params";
import { formatDay } from "@/lib/format";
import type { OverTime } from "@/lib/services/segments-over-time";

type Rerun = (state: { message: string | null }, form: FormData) => Promise<{ message: string | null }>;

const movesHref = (a: { id: number; date: string | null }, b: { id: number; date: string | null }) =>
  (a.date ?? "") <= (b.date ?? "") ? `/runs/${a.id}/moves?to=${b.id}` : `/runs/${b.id}/moves?to=${a.id}`;

/**
 * The run page's "Segments over time": run the same segmentation at another
 * analysis date, and open the moves between this run and another of the
 * dataset (the migration matrix and the flows, /runs/{earlier}/moves?to={later}).
 */
export function RunOverTime({ runId, method, overTime, rerun }: { runId: number; method: string; overTime: OverTime; rerun?: Rerun }) {
  const { others, period } = overTime;
  const self = { id: runId, date: overTime.analysisDate };
  const atOtherDates = others.filter((r) => r.method === method && r.analysisDate !== overTime.analysisDate).slice(0, 5);
  const label = (r: OverTime["others"][number]) => `Run ${r.id} · ${METHOD_NAMES[r.method] ?? r.method} · as of ${formatDay(r.analysisDate)}`;
  return (
    <section className="card" aria-labelledby="over-time-title" id="over-time" data-testid="over-time">
      <h2 id="over-time-title">Segments over time</h2>
      <p className="muted small">
        {rerun ? "Run this segmentation again at another analysis date, then see" : "See"} where its customers moved between the two runs&apos; segments: a migration matrix
        and a flow chart, with revenue and the customers behind each flow.
        {period && ` The data runs from ${formatDay(period.first)} to ${formatDay(period.last)}.`}
      </p>
      {!rerun ? null : overTime.possible && overTime.suggested ? (
        <RerunForm action={rerun} suggested={overTime.suggested} min={period?.first} max={overTime.end ?? undefined} current={overTime.analysisDate && formatDay(overTime.analysisDate)} />
      ) : (
        <p className="muted">This run has no purchase dates to move (it reads a customers file&apos;s columns): there is no other analysis date to run it at.</p>
      )}
      {others.length > 0 && (
        <>
          <h3 className="over-time-subtitle">Moves between this run and another</h3>
          {atOtherDates.length > 0 && (
            <ul className="over-time-runs" data-testid="moves-links">
              {atOtherDates.map((r) => (
                <li key={r.id}>
                  <Link href={movesHref(self, { id: r.id, date: r.analysisDate })}>
                    {(r.analysisDate ?? "") < (overTime.analysisDate ?? "") ? `${label(r)} → this run` : `This run → ${label(r)}`}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <form method="get" action={`/runs/${runId}/moves`} className="field">
            <label htmlFor="moves-to">Any run of this dataset</label>
            <span className="inline-field">
              <select id="moves-to" name="to" required defaultValue="" className="moves-select">
                <option value="" disabled>
                  Choose a run…
                </option>
                {others.map((r) => (
                  <option key={r.id} value={r.id}>
                    {label(r)}
                  </option>
                ))}
              </select>
              <button type="submit" className="button">
                Show moves
              </button>
            </span>
          </form>
        </>
      )}
    </section>
  );
}
