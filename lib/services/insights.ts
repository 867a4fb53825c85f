import type pg from "pg";
import { buildInsights, type InsightGroup } from "../insights/insights";
import { buildReport } from "../insights/report";
import { savedAnswers } from "../queries/cache";
import { revenueConcentrationQuery } from "../queries/revenue-concentration";
import { segmentProfileQuery, type SegmentProfileRow } from "../queries/segment-profile";
import { sqlFile } from "../queries/sql-file";
import { AT_RISK_BELOW, getSegmentation, type RunDetail } from "./segmentations";
import { datasetNameOfRun } from "../queries/datasets";

/** Insights of a run (lib/insights) from its saved queries: segment-profile.sql and revenue-concentration.sql; null until its preparation saved them. */
export interface RunInsights {
  run: RunDetail;
  profiles: SegmentProfileRow[];
  groups: InsightGroup[];
}

export async function getRunInsights(pool: pg.Pool, runId: number): Promise<RunInsights | null> {
  const [run, [profiles, concentration]] = await Promise.all([
    getSegmentation(pool, runId),
    savedAnswers(pool, { runId }, [segmentProfileQuery(pool, runId), revenueConcentrationQuery(pool, runId)] as const),
  ]);
  if (!run || !profiles) return null;
  const lifetimeValue = run.metrics.lifetimeValue as { ok?: boolean } | undefined;
  const groups = buildInsights(profiles, concentration, { atRiskBelow: AT_RISK_BELOW, hasLifetimeValue: lifetimeValue?.ok === true });
  return { run, profiles, groups };
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
