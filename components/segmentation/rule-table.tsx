"use client";

import { formatInteger } from "@/lib/format";
import { analyseRules, RULE_PRESETS, type SegmentRule } from "@/lib/segmentation/rfm";

/**
 * The RFM form's rule table: start from a preset (the standard table, which
 * gives every score combination one segment, or R's rfm package table), edit,
 * reorder, add and remove rules. While the analyst edits, it says which rules
 * earlier ones shadow and how many score combinations fall to "Others"
 * (analyseRules over the bins chosen), before anything runs.
 */
const SCORES = ["recency", "frequency", "monetary"] as const;
type Score = (typeof SCORES)[number];
type PresetKey = (typeof RULE_PRESETS)[number]["key"];

export interface RuleRow extends SegmentRule {
  key: number;
}

let nextKey = 1;
export const presetRows = (key: PresetKey): RuleRow[] =>
  RULE_PRESETS.find((p) => p.key === key)!.rules.map((r) => ({ key: nextKey++, name: r.name, recency: [...r.recency], frequency: [...r.frequency], monetary: [...r.monetary] }));

export function RuleTable({
  rules,
  onChange,
  binCount,
  errors,
  idPrefix,
  describedBy,
}: {
  rules: RuleRow[];
  onChange: (change: (rows: RuleRow[]) => RuleRow[]) => void;
  binCount: number;
  errors: Record<string, string>;
  idPrefix: string;
  describedBy: string;
}) {
  const ruleError = Object.entries(errors).find(([field]) => field === "rules" || field.startsWith("rules."));
  const ruleErrorRow = ruleError ? Number(ruleError[0].split(".")[1]) : null;
  const ruleErrorScore = ruleError ? (ruleError[0].split(".")[2] as Score | "name" | undefined) : undefined;
  const binsValid = Number.isInteger(binCount) && binCount >= 2 && binCount <= 10;
  const tooHigh = binsValid ? rules.filter((r) => SCORES.some((s) => r[s][0] > binCount)) : [];
  const report = binsValid ? analyseRules(rules, { recency: binCount, frequency: binCount, monetary: binCount }) : null;
  const combinations = binCount ** 3;
  const shadowed = report?.unreachable.filter((u) => !tooHigh.some((r) => r.name === u.rule)) ?? [];

  const updateRule = (index: number, change: Partial<RuleRow>) => onChange((rows) => rows.map((r, i) => (i === index ? { ...r, ...change } : r)));
  function setScore(index: number, score: Score, end: 0 | 1, value: string) {
    const n = Math.round(Number(value));
    onChange((rows) =>
      rows.map((r, i) => {
        if (i !== index) return r;
        const range: [number, number] = [...r[score]];
        range[end] = Number.isFinite(n) ? n : range[end];
        return { ...r, [score]: range };
      }),
    );
  }
  function move(index: number, by: -1 | 1) {
    onChange((rows) => {
      const to = index + by;
      if (to < 0 || to >= rows.length) return rows;
      const copy = [...rows];
      [copy[index], copy[to]] = [copy[to]!, copy[index]!];
      return copy;
    });
  }
  const serialisedRules = JSON.stringify(rules.map(({ name, recency, frequency, monetary }) => ({ name, recency, frequency, monetary })));

  return (
    <fieldset className="rule-table" aria-describedby={describedBy}>
      <legend>Segments: rules tried in order, the first that matches wins</legend>
      <p className="hint" id={describedBy}>
        Score ranges are inclusive. Customers no rule matches are “Others”. The standard table gives each of the {formatInteger(125)} score combinations (5 bins)
        exactly one segment, so its order does not matter; R&apos;s rfm package table overlaps and leaves gaps, as the package does.
      </p>
      <div className="card-actions" role="group" aria-label="Start from a preset">
        {RULE_PRESETS.map((p) => (
          <button key={p.key} type="button" className="button small" onClick={() => onChange(() => presetRows(p.key))} data-preset={p.key}>
            {p.label}
          </button>
        ))}
      </div>
      <div className="table-scroll">
        <table className="table rules" data-testid="rule-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Segment</th>
              <th scope="col">Recency</th>
              <th scope="col">Frequency</th>
              <th scope="col">Monetary</th>
              <th scope="col">
                <span className="visually-hidden">Order and remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, i) => {
              const rowError = ruleErrorRow === i;
              const isShadowed = shadowed.some((u) => u.rule === rule.name);
              return (
                <tr key={rule.key} className={rowError ? "row-invalid" : isShadowed ? "row-warning" : undefined} data-rule={rule.name} data-shadowed={isShadowed || undefined}>
                  <td className="num">{i + 1}</td>
                  <td>
                    <input
                      aria-label={`Name of rule ${i + 1}`}
                      value={rule.name}
                      maxLength={60}
                      onChange={(e) => updateRule(i, { name: e.target.value })}
                      aria-invalid={rowError && ruleErrorScore === "name"}
                      className="rule-name"
                    />
                  </td>
                  {SCORES.map((score) => (
                    <td key={score}>
                      <span className="range">
                        {([0, 1] as const).map((end) => [
                          end === 1 ? (
                            <span key="dash" aria-hidden="true">
                              –
                            </span>
                          ) : null,
                          <input
                            key={end}
                            type="number"
                            min={1}
                            max={10}
                            step={1}
                            className="score"
                            aria-label={`${rule.name || `Rule ${i + 1}`}: ${score} ${end === 0 ? "from" : "to"}`}
                            value={rule[score][end]}
                            onChange={(e) => setScore(i, score, end, e.target.value)}
                            aria-invalid={rowError && ruleErrorScore === score}
                          />,
                        ])}
                      </span>
                    </td>
                  ))}
                  <td>
                    <span className="row-actions">
                      <button type="button" className="button small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${rule.name || `rule ${i + 1}`} up`}>
                        ↑
                      </button>
                      <button type="button" className="button small" onClick={() => move(i, 1)} disabled={i === rules.length - 1} aria-label={`Move ${rule.name || `rule ${i + 1}`} down`}>
                        ↓
                      </button>
                      <button type="button" className="button small" onClick={() => onChange((rows) => rows.filter((_, j) => j !== i))} disabled={rules.length === 1} aria-label={`Remove ${rule.name || `rule ${i + 1}`}`}>
                        ✕
                      </button>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <input type="hidden" name="rules" value={serialisedRules} />
      {ruleError && (
        <p className="field-error" id={`${idPrefix}-error`} data-field-error={ruleError[0]}>
          {ruleErrorRow !== null && Number.isInteger(ruleErrorRow) ? `Rule ${ruleErrorRow + 1} (${rules[ruleErrorRow]?.name || "no name"})${ruleErrorScore ? `, ${ruleErrorScore}` : ""}: ` : ""}
          {ruleError[1]}
        </p>
      )}
      <div className="card-actions">
        <button
          type="button"
          className="button small"
          onClick={() => onChange((rows) => [...rows, { key: nextKey++, name: `Segment ${rows.length + 1}`, recency: [1, binCount || 5], frequency: [1, binCount || 5], monetary: [1, binCount || 5] }])}
          disabled={rules.length >= 40}
        >
          Add a rule
        </button>
      </div>
      <div aria-live="polite" data-testid="rule-warnings">
        {tooHigh.length > 0 && (
          <p className="hint warning">
            With {binCount} bins no score reaches above {binCount}: {tooHigh.map((r) => r.name).join(", ")} can never match.
          </p>
        )}
        {shadowed.length > 0 && (
          <p className="hint warning" data-warning="shadowed">
            {shadowed.length === 1 ? "This rule never matches" : "These rules never match"}: every score combination they cover is taken by an earlier rule.{" "}
            {shadowed.map((u) => `${u.rule} (taken by ${u.coveredBy.join(", ")})`).join("; ")}.
          </p>
        )}
        {report && report.uncovered.length > 0 && (
          <p className="hint warning" data-warning="uncovered">
            {formatInteger(report.uncovered.length)} of the {formatInteger(combinations)} score combinations match no rule: their customers will be “Others” (for
            example R {report.uncovered[0]![0]} F {report.uncovered[0]![1]} M {report.uncovered[0]![2]}).
          </p>
        )}
        {report && report.uncovered.length === 0 && shadowed.length === 0 && tooHigh.length === 0 && (
          <p className="hint" data-warning="none">
            Every one of the {formatInteger(combinations)} score combinations has a segment, and every rule matches some.
          </p>
        )}
      </div>
    </fieldset>
  );
}
