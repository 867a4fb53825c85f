/**
 * One headline figure of a page (<dl className="figures">): its label and
 * value, with the data attributes tests read (data-testid, data-value: the
 * raw number, data-figure: a name).
 */
export function Figure({ label, testId, value, figure, wide, children }: { label: React.ReactNode; testId?: string; value?: string | number | null; figure?: string; wide?: boolean; children: React.ReactNode }) {
  return (
    <div className={wide ? "figure figure-wide" : "figure"}>
      <dt>{label}</dt>
      <dd data-testid={testId} data-value={value ?? undefined} data-figure={figure}>
        {children}
      </dd>
    </div>
  );
}
