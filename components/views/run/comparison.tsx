import Link from "next/link";
import { CompareSelect } from "@/components/runs/compare-select";
import { CrosstabTable } from "@/components/runs/crosstab-table";
import type { RunPage } from "@/lib/services/run-page";

type RunRef = { id: number; method: string; params: Record<string, unknown>; createdAt: string };

/** How a run's segments cross another run's (compareRuns): the choice of run, the crosstab and the adjusted Rand index. */
export function RunComparison({ page, shared, runLabel }: { page: RunPage; shared: boolean; runLabel: (r: RunRef) => string }) {
  const { run, runs, comparison, comparisonError } = page;
  const otherRuns = runs.filter((r) => r.id !== run.id);
  const other = comparison ? runs.find((r) => r.id === comparison.second.id) : undefined;
  if (shared) {
    return comparison && other ? (
      <section className="card" aria-labelledby="compare-title" id="compare" data-testid="compare">
        <h2 id="compare-title">Compared with {runLabel(other)}</h2>
        <CrosstabTable comparison={comparison} rowOrder={run.segments.map((s) => s.name)} columnOrder={page.comparedSegments} otherLabel={runLabel(other)} shared />
      </section>
    ) : null;
  }
  return (
      <section className="card" aria-labelledby="compare-title" id="compare" data-testid="compare">
        <h2 id="compare-title">Compare with another run</h2>
        {otherRuns.length === 0 ? (
          <div className="empty">
            <p>This is the only run of the dataset.</p>
            <p className="muted">
              <Link href={`/datasets/${run.datasetId}/segmentations?method=${run.method === "rfm" ? "kmeans" : "rfm"}#new-run`}>Run another segmentation</Link> to see how its
              segments cross these.
            </p>
          </div>
        ) : (
          <>
            <CompareSelect runs={otherRuns.map((r) => ({ id: r.id, label: runLabel(r) }))} />
            {comparisonError && (
              <p className="field-error" role="alert">
                {comparisonError}
              </p>
            )}
            {comparison && other && (
              <CrosstabTable
                comparison={comparison}
                rowOrder={run.segments.map((s) => s.name)}
                columnOrder={page.comparedSegments}
                otherLabel={runLabel(other)}
              />
            )}
            {!comparison && !comparisonError && <p className="muted small">Choose a run: the table crosses its segments with these and gives the adjusted Rand index.</p>}
            <p className="muted small">
              Computed from both runs’ segment_members by <code>compareRuns</code> (lib/services/segmentations.ts); the same as{" "}
              <code>GET /api/segmentations/{run.id}/compare/{comparison?.second.id ?? "{other}"}</code>.
            </p>
          </>
        )}
      </section>
    );
}
