import type pg from "pg";
import { buildInsights, type InsightGroup } from "../insights/insights";
import { columnInsights } from "../insights/column-insights";
import { segmentColumnsQuery, type SegmentColumnRow } from "../queries/segment-columns";
import { segmentOutcomesQuery, type SegmentOutcomeRow } from "../queries/segment-outcomes";
import { buildReport } from "../insights/report";
import { savedAnswers } from "../queries/cache";
import { revenueConcentrationQuery } from "../queries/revenue-concentration";
import { segmentProfileQuery, type SegmentProfileRow } from "../queries/segment-profile";
import { sqlFile } from "../queries/sql-file";
import { getSegmentation, type RunDetail } from "./segmentations";
import { churnWordsOf } from "./lifetime-values";
import { datasetNameOfRun } from "../queries/datasets";
import { datasetCurrency } from "./datasets";
import { formatMoney } from "../format";

/** Insights of a run (lib/insights) from its saved queries: segment-profile.sql and revenue-concentration.sql; null until its preparation saved them. */
export interface RunInsights {
  run: RunDetail;
  profiles: SegmentProfileRow[];
  groups: InsightGroup[];
  /** The dataset's currency (ISO 4217), or null. */
  currency: string | null;
}


export async function getRunInsights(pool: pg.Pool, runId: number): Promise<RunInsights | null> {
  const [run, [profiles, concentration, columns, outcomes]] = await Promise.all([
    getSegmentation(pool, runId),
    savedAnswers(pool, { runId }, [segmentProfileQuery(pool, runId), revenueConcentrationQuery(pool, runId), segmentColumnsQuery(pool, runId), segmentOutcomesQuery(pool, runId)] as const),
  ]);
  if (!run) return null;
  const currency = await datasetCurrency(pool, run.datasetId);
  const groups = runInsights(run, run.params.purchases !== false, profiles, concentration, columns, outcomes, currency);
  return groups && { run, profiles: profiles ?? [], groups, currency };
}
/** The outcome a run was asked to show (its params.outcome), if any. */
export function outcomeOf(params: Record<string, unknown>): { name: string; key: string; kind: "yes_no" | "category" } | null {
  const o = params.outcome as { name?: unknown; key?: unknown; kind?: unknown } | undefined;
  return o && typeof o.name === "string" && typeof o.key === "string" && (o.kind === "yes_no" || o.kind === "category") ? { name: o.name, key: o.key, kind: o.kind } : null;
}


/**
 * A run's insight bullets: from its purchase profiles (buildInsights), with its outcome's rates added; or,
 * for a run on a customers file alone, from its columns and outcome (columnInsights). Null while the
 * answers they read are being prepared.
 */
export function runInsights(
  run: RunDetail,
  purchases: boolean,
  profiles: SegmentProfileRow[] | null,
  concentration: Parameters<typeof buildInsights>[1],
  columns: SegmentColumnRow[] | null,
  outcomes: SegmentOutcomeRow[] | null,
  /** The dataset's currency (ISO 4217), or null: amounts are said in it. */
  currency: string | null = null,
): InsightGroup[] | null {
  const outcome = outcomeOf(run.params);
  const segments = run.segments.map((s) => ({ no: s.no, name: s.name, customers: s.customers }));
  if (!purchases) return columns && outcomes && columnInsights(segments, columns, outcomes, outcome, null, run.method === "rfm");
  if (!profiles) return null;
  const churn = churnWordsOf(run.metrics.lifetimeValue);
  const groups = buildInsights(profiles, concentration, { hasLifetimeValue: churn !== null, churn: churn ?? undefined, money: (v) => formatMoney(v, currency) });
  return outcome && outcomes ? columnInsights(segments, columns ?? [], outcomes, outcome, groups) : groups;
}


/** The run's insights and tables as a Markdown file, with the queries behind them. */
export async function runReport(pool: pg.Pool, runId: number): Promise<string | null> {
  const datasetName = await datasetNameOfRun(pool, runId);
  if (datasetName === null) return null;
  const insights = await getRunInsights(pool, runId);
  if (!insights) return null;
  const queries = [...new Set(insights.groups.flatMap((g) => g.bullets.map((b) => b.query)))].map((name) => sqlFile(name));
  return buildReport({ datasetName, ...insights, queries });
}
