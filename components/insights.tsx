import { IfAllowed } from "@/components/auth/permissions";
import { ShowSql } from "@/components/show-sql";
import type { InsightGroup } from "@/lib/insights/insights";

/**
 * Insight bullets of a run: the whole base first, then every segment (or one
 * segment's, with `segmentNo`). Each bullet knows the query its numbers come
 * from (data-query); "Show SQL" under the panel shows those queries, once each,
 * so the bullets do not repeat the file name.
 */
export function Insights({ runId, groups, segmentNo, shared }: { runId: number; groups: InsightGroup[]; segmentNo?: number; shared?: boolean }) {
  const shown = segmentNo === undefined ? groups : groups.filter((g) => g.segmentNo === segmentNo);
  const queries = [...new Set(shown.flatMap((g) => g.bullets.map((b) => b.query)))];
  return (
    <section className="card insights" aria-labelledby="insights-title" data-testid="insights">
      <header className="card-head">
        <h2 id="insights-title">Insights</h2>
        {!shared && (
          <IfAllowed to="export">
            <a className="button small" href={`/runs/${runId}/report.md`} download>
              Download report
            </a>
          </IfAllowed>
        )}
      </header>
      <div className="insight-groups">
        {shown.map((group) => (
          <article key={group.segmentNo ?? "all"} className="insight-group" data-insight-group={group.title}>
            <h3>
              {group.title}
              {group.action && <span className={`badge action action-${group.action.replace(/\s+/g, "-")}`}>{group.action}</span>}
            </h3>
            <ul>
              {group.bullets.map((b, i) => (
                <li key={i} data-query={b.query}>
                  {b.text}
                </li>
              ))}
            </ul>
          </article>
        ))}
      </div>
      {queries.map((q) => (
        <ShowSql key={q} name={q} id={runId} label={`Show SQL: ${q}.sql`} />
      ))}
    </section>
  );
}
