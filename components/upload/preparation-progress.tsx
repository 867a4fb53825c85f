"use client";

import { useEffect, useState } from "react";
import { formatDuration, formatInteger } from "@/lib/format";

// (a type only: nothing of the server module reaches the browser)
import type { DatasetReadinessAnswer as Readiness } from "@/lib/services/datasets";

/**
 * After an upload: the dataset's preparation (summaries, then every chart's
 * query) step by step, as the rows were shown while loading. The dataset can
 * be opened meanwhile; its pages show what is ready.
 */
export function PreparationProgress({ datasetId }: { datasetId: number }) {
  const [state, setState] = useState<Readiness | null>(null);
  const [started] = useState(() => Date.now());
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const ask = async () => {
      const response = await fetch(`/api/datasets/${datasetId}/preparation`, { cache: "no-store" }).catch(() => null);
      if (stopped) return;
      if (response?.ok) {
        const body = (await response.json()) as Readiness;
        setState(body);
        setElapsed(Date.now() - started);
        if (body.prepared || body.preparation?.error) return;
      }
      timer = window.setTimeout(ask, 700);
    };
    void ask();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [datasetId, started]);

  if (!state) return null;
  const current = state.preparation?.steps.find((s) => !s.done);
  if (state.preparation?.error) {
    return (
      <p className="error-message" role="alert" data-testid="upload-preparation">
        Preparing the dataset failed: {state.preparation.error}
      </p>
    );
  }
  return (
    <div className="preparation-progress" aria-live="polite" data-testid="upload-preparation" data-prepared={state.prepared || undefined}>
      {state.prepared ? (
        <p>
          <strong>Ready:</strong> summaries built and every chart&apos;s query answered{elapsed > 0 ? ` (${formatDuration(elapsed)})` : ""}.
        </p>
      ) : (
        <>
          <p>
            <strong>Preparing the dataset</strong>: step {formatInteger(Math.min(state.done + 1, Math.max(state.steps, 1)))} of {formatInteger(Math.max(state.steps, 1))}
            {current ? ` (${current.label.toLowerCase()})` : ""}. You can open it now: its pages show what is ready.
          </p>
          <progress max={Math.max(state.steps, 1)} value={state.done} aria-label="Preparation progress" />
        </>
      )}
    </div>
  );
}
