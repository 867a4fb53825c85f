/* eslint-disable max-lines -- one upload flow (choose, preview, map columns, send, follow the preparation) over shared state. */
"use client";

import Link from "next/link";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { PreparationProgress } from "./preparation-progress";
import { CleaningTable } from "@/components/cleaning-table";
import { formatInteger } from "@/lib/format";
import type { CleaningCounts } from "@/lib/ingest/cleaning";
import { LAYOUTS, revenueFormula, type Layout } from "@/lib/ingest/layouts";

/**
 * The upload page: pick or drop a file, see what Segmenta reads in it (the
 * server's /api/uploads/preview, the same sniffing the load uses), fix the
 * column mapping or the date order when it cannot decide, choose where it
 * goes, then watch bytes go up and rows go in, and read the report.
 */
interface Sniffed {
  fileName: string;
  encoding: string;
  delimiter: string;
  header: string[];
  preview: string[][];
  layout: Layout | null;
  mapping: Record<string, string | null>;
  missing: string[];
  dateOrder: "ymd" | "mdy" | "dmy" | "ambiguous" | null;
  decimalComma: boolean;
}

interface Report {
  datasetId: number;
  import: { kind: string; layout: Layout; fileName: string; encoding: string; delimiter: string; bytes: number; rowsRead: number; rowsLoaded: number; cleaning: CleaningCounts | null };
}

interface ApiError {
  code: string;
  message: string;
  line?: number;
  column?: string;
}

export interface DatasetOption {
  id: number;
  name: string;
}

const PREVIEW_BYTES = 256 * 1024;
const DELIMITERS: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

type Phase = { step: "idle" } | { step: "uploading"; sent: number; total: number; rows: number } | { step: "done"; report: Report } | { step: "failed"; error: ApiError };

async function previewFile(file: File, kind?: Layout): Promise<Sniffed> {
  const head = await file.slice(0, PREVIEW_BYTES).arrayBuffer();
  const query = new URLSearchParams({ fileName: file.name, complete: String(file.size <= PREVIEW_BYTES) });
  if (kind) query.set("kind", kind);
  const response = await fetch(`/api/uploads/preview?${query}`, { method: "POST", body: head });
  const body = await response.json();
  if (!response.ok) throw body.error as ApiError;
  return body as Sniffed;
}

function randomToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function UploadForm({ datasets, initialDataset }: { datasets: DatasetOption[]; initialDataset: number | null }) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [sniffed, setSniffed] = useState<Sniffed | null>(null);
  const [previewError, setPreviewError] = useState<ApiError | null>(null);
  const [dragging, setDragging] = useState(false);
  const [layout, setLayout] = useState<Layout | "">("");
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [dateOrder, setDateOrder] = useState<"dmy" | "mdy" | "">("");
  const [target, setTarget] = useState<"new" | "existing">(initialDataset ? "existing" : "new");
  const [datasetId, setDatasetId] = useState<number | null>(initialDataset ?? datasets[0]?.id ?? null);
  const [mode, setMode] = useState<"append" | "replace">("append");
  const [name, setName] = useState("");
  const [phase, setPhase] = useState<Phase>({ step: "idle" });

  const applySniffed = useCallback((result: Sniffed) => {
    setSniffed(result);
    setLayout(result.layout ?? "");
    setMapping(result.mapping);
    setDateOrder("");
  }, []);

  const choose = useCallback(
    async (chosen: File) => {
      setFile(chosen);
      setName(chosen.name.replace(/\.[^.]+$/, ""));
      setSniffed(null);
      setPreviewError(null);
      setPhase({ step: "idle" });
      try {
        applySniffed(await previewFile(chosen));
      } catch (error) {
        setPreviewError(error as ApiError);
      }
    },
    [applySniffed],
  );

  const changeLayout = async (next: Layout) => {
    setLayout(next);
    if (!file) return;
    try {
      applySniffed(await previewFile(file, next));
    } catch (error) {
      setPreviewError(error as ApiError);
    }
  };

  const spec = layout ? LAYOUTS[layout] : null;
  const unmapped = spec ? spec.fields.filter((f) => f.required && !mapping[f.key]) : [];
  const needsDateOrder = sniffed?.dateOrder === "ambiguous";
  const ready = Boolean(file && spec && unmapped.length === 0 && (!needsDateOrder || dateOrder) && (target === "new" ? name.trim() : datasetId));

  const upload = () => {
    if (!file || !spec || !ready) return;
    const token = randomToken();
    const form = new FormData();
    // Fields first: the server reads them before the file streams in.
    form.append("token", token);
    form.append("kind", spec.layout);
    form.append("mapping", JSON.stringify(mapping));
    if (dateOrder) form.append("dateOrder", dateOrder);
    if (target === "new") form.append("name", name.trim());
    else form.append("mode", mode);
    form.append("file", file, file.name);

    const xhr = new XMLHttpRequest();
    const url = target === "new" ? "/api/datasets" : `/api/datasets/${datasetId}/imports`;
    setPhase({ step: "uploading", sent: 0, total: file.size, rows: 0 });
    const poll = window.setInterval(async () => {
      const response = await fetch(`/api/uploads/${token}`).catch(() => null);
      if (!response?.ok) return;
      const progress = (await response.json()) as { rows: number };
      setPhase((p) => (p.step === "uploading" ? { ...p, rows: progress.rows } : p));
    }, 400);
    xhr.upload.onprogress = (event) => setPhase((p) => (p.step === "uploading" ? { ...p, sent: event.loaded, total: event.total || file.size } : p));
    xhr.onloadend = () => {
      window.clearInterval(poll);
      let body: { error?: ApiError } & Partial<Report> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { error: { code: "network", message: "The server did not answer. Check that Segmenta is running, then try again." } };
      }
      if (xhr.status === 201) setPhase({ step: "done", report: body as Report });
      else setPhase({ step: "failed", error: body.error ?? { code: "unknown", message: `The upload failed (HTTP ${xhr.status}).` } });
    };
    xhr.open("POST", url);
    xhr.send(form);
  };

  useEffect(() => {
    if (phase.step === "done" || phase.step === "failed") document.getElementById(`${id}-result`)?.focus();
  }, [phase.step, id]);

  // A file picked before the page finished loading fired its change event before React listened.
  useEffect(() => {
    const early = inputRef.current?.files?.[0];
    if (early) void choose(early);
  }, [choose]);

  const busy = phase.step === "uploading";
  return (
    <div className="upload">
      <section
        className={`drop-zone${dragging ? " dragging" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const dropped = e.dataTransfer.files[0];
          if (dropped) void choose(dropped);
        }}
        aria-labelledby={`${id}-drop`}
      >
        <p id={`${id}-drop`} className="drop-title">
          Drop a CSV file here
        </p>
        <p className="muted">Transactions or customers · comma, semicolon, tab or pipe separated · UTF-8 or Windows-1252 · up to 1 GB</p>
        <label className="button primary" htmlFor={`${id}-file`}>
          Choose a file
        </label>
        <input
          ref={inputRef}
          id={`${id}-file`}
          className="visually-hidden"
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/plain"
          disabled={busy}
          onChange={(e) => {
            const chosen = e.target.files?.[0];
            if (chosen) void choose(chosen);
          }}
        />
        {file && (
          <p className="chosen">
            <strong>{file.name}</strong> · {formatInteger(file.size)} bytes
          </p>
        )}
      </section>

      {previewError && <ErrorPanel error={previewError} id={`${id}-preview-error`} />}

      {sniffed && (
        <section className="card" aria-labelledby={`${id}-read`}>
          <h2 id={`${id}-read`}>What Segmenta reads in it</h2>
          <p className="muted">
            {sniffed.encoding === "windows-1252" ? "Windows-1252 (converted to UTF-8)" : sniffed.encoding === "utf-8" ? "UTF-8" : "Plain ASCII"} ·{" "}
            {DELIMITERS[sniffed.delimiter] ?? sniffed.delimiter} separated · {sniffed.header.length} columns
            {sniffed.decimalComma ? " · decimal commas" : ""}
          </p>

          <div className="field">
            <label htmlFor={`${id}-layout`}>Kind of file</label>
            <select id={`${id}-layout`} value={layout} onChange={(e) => void changeLayout(e.target.value as Layout)} disabled={busy}>
              <option value="" disabled>
                Choose…
              </option>
              {Object.values(LAYOUTS).map((l) => (
                <option key={l.layout} value={l.layout}>
                  {l.label}
                </option>
              ))}
            </select>
            {!sniffed.layout && <p className="hint warning">The columns do not say what this file holds: choose its kind, then its columns.</p>}
          </div>

          {spec && (
            <fieldset className="mapping" disabled={busy}>
              <legend>Columns</legend>
              {unmapped.length > 0 && (
                <p className="hint warning" role="status">
                  Choose the column for {unmapped.map((f) => f.label).join(", ")}.
                </p>
              )}
              <div className="mapping-grid">
                {spec.fields.map((f) => (
                  <div key={f.key} className="field">
                    <label htmlFor={`${id}-map-${f.key}`}>
                      {f.label}
                      {f.required ? "" : " (optional)"}
                    </label>
                    <select
                      id={`${id}-map-${f.key}`}
                      value={mapping[f.key] ?? ""}
                      onChange={(e) => setMapping({ ...mapping, [f.key]: e.target.value || null })}
                      aria-invalid={f.required && !mapping[f.key]}
                    >
                      <option value="">{f.required ? "Choose…" : "— none —"}</option>
                      {sniffed.header.map((h, i) => (
                        <option key={`${h}-${i}`} value={h}>
                          {h}
                        </option>
                      ))}
                    </select>
                  </div>
                ))}
              </div>
              {revenueFormula(spec.layout, mapping) && (
                <p className="hint" data-testid="revenue-formula">
                  {revenueFormula(spec.layout, mapping)}
                </p>
              )}
            </fieldset>
          )}

          {needsDateOrder && (
            <fieldset className="date-order" disabled={busy}>
              <legend>How are the dates written?</legend>
              <p className="hint">Every date in the first rows reads both ways (such as 3/4/2011), so Segmenta asks rather than guesses.</p>
              <label>
                <input type="radio" name={`${id}-date`} value="dmy" checked={dateOrder === "dmy"} onChange={() => setDateOrder("dmy")} /> Day first (31/12/2011)
              </label>
              <label>
                <input type="radio" name={`${id}-date`} value="mdy" checked={dateOrder === "mdy"} onChange={() => setDateOrder("mdy")} /> Month first (12/31/2011)
              </label>
            </fieldset>
          )}

          <div className="table-scroll">
            <table className="table preview-table">
              <caption>First rows of {sniffed.fileName}</caption>
              <thead>
                <tr>
                  {sniffed.header.map((h, i) => (
                    <th key={`${h}-${i}`} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {sniffed.preview.slice(0, 5).map((row, r) => (
                  <tr key={r}>
                    {sniffed.header.map((_, c) => (
                      <td key={c}>{row[c] ?? ""}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <fieldset className="target" disabled={busy}>
            <legend>Where it goes</legend>
            <label>
              <input type="radio" name={`${id}-target`} checked={target === "new"} onChange={() => setTarget("new")} /> A new dataset
            </label>
            {target === "new" && (
              <div className="field indent">
                <label htmlFor={`${id}-name`}>Dataset name</label>
                <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
              </div>
            )}
            <label>
              <input type="radio" name={`${id}-target`} checked={target === "existing"} onChange={() => setTarget("existing")} disabled={datasets.length === 0} /> An
              existing dataset
            </label>
            {target === "existing" && (
              <div className="indent">
                <div className="field">
                  <label htmlFor={`${id}-dataset`}>Dataset</label>
                  <select id={`${id}-dataset`} value={datasetId ?? ""} onChange={(e) => setDatasetId(Number(e.target.value))}>
                    {datasets.map((d) => (
                      <option key={d.id} value={d.id}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                </div>
                <label>
                  <input type="radio" name={`${id}-mode`} checked={mode === "append"} onChange={() => setMode("append")} /> Append to its{" "}
                  {spec?.kind ?? "rows"}
                </label>
                <label>
                  <input type="radio" name={`${id}-mode`} checked={mode === "replace"} onChange={() => setMode("replace")} /> Replace its {spec?.kind ?? "rows"} (in
                  one step: the old ones stay until the new file is fully in)
                </label>
              </div>
            )}
          </fieldset>

          <button type="button" className="button primary" onClick={upload} disabled={!ready || busy}>
            {busy ? "Uploading…" : "Upload"}
          </button>
        </section>
      )}

      {phase.step === "uploading" && (
        <section className="card progress-card" aria-live="polite" aria-busy="true">
          <h2>Loading {file?.name}</h2>
          <progress max={phase.total} value={phase.sent} aria-label="Bytes uploaded" />
          <p>
            {formatInteger(Math.round((100 * phase.sent) / Math.max(phase.total, 1)))}% uploaded · <span data-testid="rows-loaded">{formatInteger(phase.rows)}</span> rows in
          </p>
        </section>
      )}

      {phase.step === "failed" && <ErrorPanel error={phase.error} id={`${id}-result`} />}

      {phase.step === "done" && (
        <section className="card report" id={`${id}-result`} tabIndex={-1} aria-labelledby={`${id}-report`}>
          <h2 id={`${id}-report`}>Loaded {phase.report.import.fileName}</h2>
          <dl className="figures">
            <div className="figure">
              <dt>Rows read</dt>
              <dd data-figure="rows-read">{formatInteger(phase.report.import.rowsRead)}</dd>
            </div>
            <div className="figure">
              <dt>Rows stored</dt>
              <dd data-figure="rows-loaded">{formatInteger(phase.report.import.rowsLoaded)}</dd>
            </div>
            <div className="figure">
              <dt>Kind</dt>
              <dd>{LAYOUTS[phase.report.import.layout].label.split(" (")[0]}</dd>
            </div>
          </dl>
          {phase.report.import.cleaning && (
            <CleaningTable counts={phase.report.import.cleaning} caption="Kept in the data, left out of the analysis by default" />
          )}
          <PreparationProgress datasetId={phase.report.datasetId} />
          <p>
            <Link className="button primary" href={`/datasets/${phase.report.datasetId}`}>
              Open the dataset
            </Link>{" "}
            <button type="button" className="button" onClick={() => inputRef.current?.click()}>
              Upload another file
            </button>
          </p>
        </section>
      )}
    </div>
  );
}

function ErrorPanel({ error, id }: { error: ApiError; id: string }) {
  return (
    <section className="card error-panel" role="alert" id={id} tabIndex={-1}>
      <h2>The file was not loaded</h2>
      <p className="error-message">{error.message}</p>
      {(error.line !== undefined || error.column) && (
        <p className="muted">
          {error.line !== undefined && <>Line {formatInteger(error.line)}</>}
          {error.line !== undefined && error.column ? " · " : ""}
          {error.column && <>Column {error.column}</>}
        </p>
      )}
      <p className="muted">Nothing from this file was stored; your data is as it was.</p>
    </section>
  );
}
