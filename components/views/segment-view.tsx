import { IfAllowed } from "@/components/auth/permissions";
import Link from "next/link";
import { RunPreparationNote } from "@/components/preparation/preparation-note";
import { ShareButton, SharedBadge } from "@/components/share/share-button";
import { formatInteger, formatShare } from "@/lib/format";
import type { SegmentPage } from "@/lib/services/segment-page";
import { SegmentBuying } from "./segment/buying";
import { SegmentColumns, SegmentOutcome } from "./segment/columns";
import { SegmentCustomers } from "./segment/customers";
import { SegmentDistributions } from "./segment/distributions";
import { SegmentFigures, SegmentProfile } from "./segment/profile";
import { SegmentWho } from "./segment/who";
import type { ViewAudience } from "./shared";

const METHOD: Record<string, string> = { rfm: "RFM", kmeans: "k-means", hierarchical: "Hierarchical" };

/**
 * One segment of a run against the base: profile and lifts, who they are, what
 * they buy, where, distributions and its customers (its page loads them:
 * lib/services/segment-page.ts); `shared` for a share link.
 */
export function SegmentView({ data, shared, createShare }: { data: SegmentPage } & ViewAudience) {
  const { run, segment, profile, base } = data;
  const name = segment.name;

  return (
    <>
      <div className="page-head seg-head">
        <div>
          {shared ? (
            <p className="crumbs">
              {run.datasetName} / Run {run.id} ({METHOD[run.method] ?? run.method})
            </p>
          ) : (
            <p className="crumbs">
              <Link href="/">Datasets</Link> / <Link href={`/datasets/${run.datasetId}`}>{run.datasetName}</Link> /{" "}
              <Link href={`/runs/${run.id}`}>
                Run {run.id} ({METHOD[run.method] ?? run.method})
              </Link>
            </p>
          )}
          <h1 data-testid="segment-name">{name}</h1>
          <p className="lead">
            Segment {segment.no + 1} of {run.segments.length} in run {run.id}: {formatInteger(segment.customers)} customers ({formatShare(segment.customers / Math.max(run.customers, 1))}), against all{" "}
            {formatInteger(run.customers)} customers of the run.
          </p>
        </div>
        {shared ? (
          <SharedBadge />
        ) : (
          <div className="card-actions">
            {createShare && <ShareButton create={createShare} datasetId={run.datasetId} segmentationId={run.id} view={{ page: "segment", segmentNo: segment.no }} label="this segment" />}
            <Link className="button" href={`/runs/${run.id}`}>
              ← Back to the run
            </Link>
          </div>
        )}
      </div>

      {/* Every segment of the run, the empty ones too (dimmed, with their 0): as many tabs as "Segment n of N" counts. */}
      {!shared && run.segments.length > 1 && (
        <nav className="tabs seg-tabs" aria-label="Segments of this run">
          {run.segments.map((s) => (
            <Link
              key={s.no}
              href={`/runs/${run.id}/segments/${s.no}`}
              aria-current={s.no === segment.no ? "page" : undefined}
              className={s.customers === 0 ? "seg-tab-empty" : undefined}
              title={`${s.name}: ${formatInteger(s.customers)} customers`}
            >
              {s.name}
              {s.customers === 0 && <span className="seg-tab-count"> (0)</span>}
            </Link>
          ))}
        </nav>
      )}

      {data.preparing ? (
        <RunPreparationNote statusUrl={shared ? undefined : `/api/segmentations/${run.id}/preparation`} />
      ) : !data.purchases ? (
        <>
          <SegmentColumns data={data} name={name} />
          <SegmentOutcome data={data} name={name} />
          <SegmentWho data={data} name={name} shared={!!shared} />
          {(!shared || shared.allowExport) && (
            <IfAllowed to="export">
              <p className="segment-links small">
                <a href={`${shared ? `/share/${shared.token}` : `/api/segmentations/${run.id}`}/members.csv?segment=${encodeURIComponent(name)}`} download data-testid="members-csv">
                  Download this segment&apos;s members (CSV)
                </a>
              </p>
            </IfAllowed>
          )}
        </>
      ) : !profile || !base ? (
        <div className="empty" data-testid="segment-empty">
          <p>No customer fell in “{name}” in this run.</p>
          <p className="muted small">
            Its rule matched nobody.{!shared && (
              <>
                {" "}
                Look at another segment above, or <Link href={`/runs/${run.id}`}>go back to the run</Link> to see how customers were spread.
              </>
            )}
          </p>
        </div>
      ) : (
        <>
          <SegmentFigures runId={run.id} profile={profile} churn={data.churn} currency={data.currency} />
          <SegmentProfile runId={run.id} name={name} profile={profile} base={base} currency={data.currency} />
          <SegmentColumns data={data} name={name} />
          <SegmentOutcome data={data} name={name} />
          <SegmentWho data={data} name={name} shared={!!shared} />
          <SegmentBuying data={data} name={name} />
          <SegmentDistributions data={data} name={name} shared={!!shared} />
          {(!shared || shared.allowExport) && <SegmentCustomers data={data} shared={shared} />}
        </>
      )}
    </>
  );
}
