"use client";

import { useId, useRef, useState, useTransition } from "react";
import type { ShareInput, ShareView } from "@/lib/services/shares";

/** The server action that makes a link (the page hands it down: components do not import app/). */
export type CreateShare = (input: ShareInput) => Promise<{ ok: true; url: string } | { ok: false; message: string }>;

/**
 * "Share": makes a read-only link to the view on screen (its dataset, run and
 * view state), with an optional expiry date and password, and whether the link
 * may download members. The link is shown once, to copy; Settings lists every
 * link with its views and revokes them.
 */
export function ShareButton({ create, datasetId, segmentationId, view, label }: { create: CreateShare; datasetId: number; segmentationId?: number; view: ShareView; label: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [pending, start] = useTransition();
  const id = useId();
  const today = new Date().toISOString().slice(0, 10);

  const submit = (form: FormData) =>
    start(async () => {
      setError(null);
      const result = await create({
        datasetId,
        segmentationId: segmentationId ?? null,
        view,
        expiresAt: String(form.get("expiresAt") ?? "") || null,
        password: String(form.get("password") ?? "") || null,
        allowExport: form.get("allowExport") === "on",
      });
      if (result.ok) setUrl(result.url);
      else setError(result.message);
    });

  return (
    <>
      <button
        type="button"
        className="button"
        data-testid="share-button"
        onClick={() => {
          setUrl(null);
          setError(null);
          setCopied(false);
          dialog.current?.showModal();
        }}
      >
        Share
      </button>
      <dialog ref={dialog} className="share-dialog" aria-labelledby={`${id}-title`} data-testid="share-dialog">
        <h2 id={`${id}-title`}>Share {label}</h2>
        <p className="muted small">Anyone with the link sees this view as it is now, read-only, and nothing else of the workspace. You can revoke it in Settings.</p>
        {url ? (
          <div className="share-result">
            <label className="field">
              <span>Link</span>
              <input readOnly value={url} data-testid="share-url" onFocus={(e) => e.currentTarget.select()} />
            </label>
            <div className="card-actions">
              <button
                type="button"
                className="button primary"
                onClick={() => {
                  void navigator.clipboard?.writeText(url).then(() => setCopied(true), () => setCopied(false));
                }}
              >
                {copied ? "Copied" : "Copy link"}
              </button>
              <button type="button" className="button" onClick={() => dialog.current?.close()}>
                Done
              </button>
            </div>
          </div>
        ) : (
          <form action={submit} className="share-form">
            <label className="field">
              <span>Expires after (optional)</span>
              <input type="date" name="expiresAt" min={today} data-testid="share-expires" />
            </label>
            <label className="field">
              <span>Password (optional)</span>
              <input type="password" name="password" autoComplete="new-password" minLength={6} data-testid="share-password" />
            </label>
            <label className="check">
              <input type="checkbox" name="allowExport" data-testid="share-allow-export" /> Let viewers see and download customer-level rows (members CSV, customers table)
            </label>
            {error && (
              <p className="field-error" role="alert">
                {error}
              </p>
            )}
            <div className="card-actions">
              <button type="submit" className="button primary" disabled={pending} data-testid="share-create">
                {pending ? "Creating…" : "Create link"}
              </button>
              <button type="button" className="button" onClick={() => dialog.current?.close()}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}

/** Marks a shared view: read-only. */
export function SharedBadge() {
  return (
    <span className="badge shared-badge" data-testid="shared-badge" title="You are looking at a share link: read-only, this view only.">
      Shared view · read-only
    </span>
  );
}
