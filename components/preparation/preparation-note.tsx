import type { PreparationState } from "@/lib/services/preparation";
import { formatInteger } from "@/lib/format";
import { PreparationRefresher } from "./preparation-refresher";

/**
 * What a page says while its dataset (or run) is being prepared after a
 * change: how far the preparation got, step by step, and that the parts not
 * ready yet appear by themselves (the page refreshes as steps finish). A
 * failed preparation says why.
 */
export function PreparationNote({
  state,
  statusUrl,
  what = "This dataset",
}: {
  /** Null: the preparation has not started yet (it is queued). */
  state: PreparationState | null;
  /** Where the refresher asks how far it got; none on share links (no session). */
  statusUrl?: string;
  what?: string;
}) {
  const steps = state?.steps ?? [];
  const done = steps.filter((s) => s.done).length;
  const current = steps.find((s) => !s.done);
  if (state?.error) {
    return (
      <div className="notice notice-error" role="alert" data-testid="preparation-failed">
        <strong>{what} could not be prepared:</strong> {state.error} Uploading the file again prepares it again.
      </div>
    );
  }
  return (
    <div className="notice preparation" role="status" data-testid="preparation" data-preparing>
      <p>
        <strong>{what} is being prepared</strong>
        {steps.length > 0 ? (
          <>
            : step {formatInteger(Math.min(done + 1, steps.length))} of {formatInteger(steps.length)}
            {current ? <> ({current.label.toLowerCase()})</> : null}. What is ready is shown; the rest appears as it is computed.
          </>
        ) : (
          <>: it starts in a moment. What is ready is shown; the rest appears as it is computed.</>
        )}
      </p>
      <progress max={Math.max(steps.length, 1)} value={done} aria-label="Preparation progress" />
      {statusUrl && <PreparationRefresher url={statusUrl} done={done} />}
    </div>
  );
}

/** A run's pages just after it was saved: its charts appear as its preparation saves them. */
export function RunPreparationNote({ statusUrl }: { statusUrl?: string }) {
  return (
    <div className="notice preparation" role="status" data-testid="preparation" data-preparing>
      <p>
        <strong>This run&apos;s charts are being prepared</strong>: each appears as its query has run on the run&apos;s customers (a few seconds).
      </p>
      {statusUrl && <PreparationRefresher url={statusUrl} done={-1} />}
    </div>
  );
}
