"use client";

import { useState, useTransition } from "react";
import { KIND_LABELS, type ColumnKind } from "@/lib/ingest/column-kinds";
import { formatDecimal, formatInteger, formatShare } from "@/lib/format";

/** A column of a customers file as the table shows it (lib/services/customer-columns.ts). */
export interface ColumnView {
  key: string;
  name: string;
  kind: ColumnKind;
  inferredKind: ColumnKind;
  possibleKinds: ColumnKind[];
  customers: number;
  filled: number;
  missing: number;
  distinctValues: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  sd: number | null;
  topValues: string[];
  topCounts: number[];
}

const USE: Record<ColumnKind, string> = {
  number: "feature (scaled)",
  date: "feature (days since)",
  category: "feature (one-hot), outcome",
  yes_no: "feature (0/1), outcome",
  id: "not segmented",
  text: "not segmented",
};

/**
 * Every column of the customers file: its kind (read from its values; the
 * analyst may change it, among the kinds its values allow), how full it is,
 * how many values it takes, and what they look like. `setKind` is the server
 * action that saves a kind (absent on a share link: read-only).
 */
export function CustomerColumnsTable({
  columns,
  bins,
  setKind,
}: {
  columns: ColumnView[];
  /** Histograms of the number columns, by key (customer-column-bins.sql). */
  bins: Record<string, { lower: number; upper: number; customers: number; share: number }[]>;
  setKind?: (key: string, kind: string) => Promise<{ ok: boolean; message: string | null }>;
}) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const number = (x: number | null) => (x === null ? "–" : formatDecimal(x, Number.isInteger(x) || Math.abs(x) >= 100 ? 0 : 2));
  return (
    <div className="table-scroll">
      {message && (
        <p className="field-error" role="alert">
          {message}
        </p>
      )}
      <table className="table customer-columns" data-testid="customer-columns">
        <caption className="visually-hidden">Columns of the customers file</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Missing
            </th>
            <th scope="col" className="num">
              Distinct
            </th>
            <th scope="col">Values</th>
            <th scope="col">Use</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((c) => (
            <tr key={c.key} data-column={c.name} data-kind={c.kind}>
              <th scope="row">{c.name}</th>
              <td>
                {setKind ? (
                  <select
                    aria-label={`Kind of ${c.name}`}
                    value={c.kind}
                    disabled={pending}
                    onChange={(e) => {
                      const kind = e.target.value === c.inferredKind ? "" : e.target.value;
                      startTransition(async () => {
                        const result = await setKind(c.key, kind);
                        setMessage(result.ok ? null : result.message);
                      });
                    }}
                  >
                    {c.possibleKinds.map((k) => (
                      <option key={k} value={k}>
                        {KIND_LABELS[k]}
                        {k === c.inferredKind && c.kind !== c.inferredKind ? " (read from the values)" : ""}
                      </option>
                    ))}
                  </select>
                ) : (
                  KIND_LABELS[c.kind]
                )}
              </td>
              <td className="num">
                {c.missing === 0 ? "–" : `${formatInteger(c.missing)} (${formatShare(c.missing / Math.max(c.customers, 1))})`}
              </td>
              <td className="num">{formatInteger(c.distinctValues)}</td>
              <td className="small">
                {c.kind === "number" && bins[c.key] && <MiniHistogram name={c.name} bins={bins[c.key]!} />}
                {c.kind === "number"
                  ? `${number(c.min)} to ${number(c.max)} · mean ${number(c.mean)} · sd ${number(c.sd)}`
                  : c.topValues.map((v, i) => `${v} (${formatShare(c.topCounts[i]! / Math.max(c.filled, 1), 0)})`).join(" · ") + (c.distinctValues > c.topValues.length ? " · …" : "")}
              </td>
              <td className="small muted">{USE[c.kind]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A number column's spread in a table cell: 12 bars, each bin's share of the customers with a value (hover for the figures). */
function MiniHistogram({ name, bins }: { name: string; bins: { lower: number; upper: number; customers: number; share: number }[] }) {
  const top = Math.max(...bins.map((b) => b.share), 0.0001);
  const width = 96;
  const height = 24;
  const step = width / 12;
  const at = (bin: { lower: number; upper: number }) => Math.min(11, Math.round(((bin.lower - bins[0]!.lower) / Math.max(bins.at(-1)!.upper - bins[0]!.lower, 1e-12)) * 12));
  return (
    <svg className="mini-histogram" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`How ${name} is spread`}>
      {bins.map((b) => {
        const h = Math.max(1, (b.share / top) * (height - 2));
        return (
          <rect key={b.lower} x={at(b) * step + 0.5} y={height - h} width={step - 1} height={h} fill="var(--accent, #4f46e5)">
            <title>{`${formatDecimal(b.lower, 2)} to ${formatDecimal(b.upper, 2)}: ${formatInteger(b.customers)} customers (${formatShare(b.share)})`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
