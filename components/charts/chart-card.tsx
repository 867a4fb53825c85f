"use client";

import { toPng } from "html-to-image";
import { useRef, useState, type ReactNode } from "react";
import { usePermissions } from "@/components/auth/permissions";

/** What a chart's PNG leaves out: the card's buttons and its "Show SQL". */
function keptInPng(node: HTMLElement): boolean {
  return !(node.classList?.contains("card-actions") || node.classList?.contains("show-sql"));
}

/**
 * A chart in a card: title, what it shows (with units), the chart, a
 * "Download PNG" of exactly what is drawn (under the card's title), and the query behind it (a
 * <ShowSql> passed in from the server). `empty` replaces the chart with a
 * message and a next step when there is nothing to draw; `pending` says the
 * chart's answer is still being prepared (after a load or a run; the page is
 * refreshed as the preparation goes on).
 */
export function ChartCard({
  id,
  title,
  description,
  children,
  sql,
  actions,
  empty,
  pending = false,
  wide = false,
}: {
  /** Stable id: the card's anchor, and the PNG's file name. */
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  sql?: ReactNode;
  actions?: ReactNode;
  empty?: ReactNode;
  pending?: boolean;
  wide?: boolean;
}) {
  const card = useRef<HTMLElement>(null);
  const [busy, setBusy] = useState(false);
  const allowed = usePermissions();
  async function downloadPng() {
    if (!card.current) return;
    setBusy(true);
    try {
      // The card as drawn, title and description above the chart, without its buttons and its SQL.
      const url = await toPng(card.current, { backgroundColor: "#ffffff", pixelRatio: 2, filter: keptInPng });
      const link = document.createElement("a");
      link.href = url;
      link.download = `${id}.png`;
      link.click();
    } finally {
      setBusy(false);
    }
  }
  return (
    <section ref={card} className={`card chart-card${wide ? " chart-wide" : ""}`} aria-labelledby={`${id}-title`} id={id} data-chart={id}>
      <header className="card-head">
        <h2 id={`${id}-title`} data-png-title>
          {title}
        </h2>
        <div className="card-actions">
          {actions}
          {!empty && !pending && allowed.export && (
            <button type="button" className="button small" onClick={downloadPng} disabled={busy} aria-label={`Download “${title}” as PNG`}>
              {busy ? "Saving…" : "PNG"}
            </button>
          )}
        </div>
      </header>
      {description && <p className="muted small chart-description">{description}</p>}
      <div className="chart-body">
        {pending ? (
          <div className="empty chart-empty chart-preparing" data-preparing>
            Being prepared: this chart appears once its query has run on the new data.
          </div>
        ) : empty ? (
          <div className="empty chart-empty">{empty}</div>
        ) : (
          children
        )}
      </div>
      {sql}
    </section>
  );
}
