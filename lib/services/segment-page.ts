import type pg from "pg";
import type { ChurnWords } from "../insights/insights";
import { churnWordsOf } from "./lifetime-values";
import { customerQueryString, defaultColumns, parseColumns, parseCustomerQuery, type CustomerColumnId, type CustomerPage, type CustomerQuery } from "../customer-table";
import { datasetHasCustomersFile } from "../queries/datasets";
import { savedAnswers } from "../queries/cache";
import { segmentCountriesQuery, type SegmentCountryRow } from "../queries/segment-countries";
import { segmentDemographicsQuery, type SegmentDemographicRow } from "../queries/segment-demographics";
import { DISTRIBUTION_MEASURES, segmentDistributionsQuery, type DistributionMeasure, type SegmentDistributionRow } from "../queries/segment-distributions";
import { segmentProfileQuery, type SegmentProfileRow } from "../queries/segment-profile";
import { segmentColumnsQuery, type SegmentColumnRow } from "../queries/segment-columns";
import { segmentOutcomesQuery, type SegmentOutcomeRow } from "../queries/segment-outcomes";
import { runShape } from "../queries/runs";
import { segmentTopProductsQuery, type SegmentTopProductRow } from "../queries/segment-top-products";
import { CUSTOMER_PAGE_SQL, listCustomers, type RunSummary } from "./customers";
import { datasetCurrency } from "./datasets";

/**
 * Everything a segment's page draws, in one call. The run-scoped queries
 * answer for every segment at once and are saved with the run by its
 * preparation (query_results), so each segment's page reads them back and
 * picks its rows; until they are all saved the page says so (`preparing`) and
 * shows its customers only.
 */
export interface SegmentPage {
  run: RunSummary;
  /** True while the run's answers are being computed (the lists below are then empty). */
  preparing: boolean;
  segment: { no: number; name: string; customers: number };
  /** The dataset's currency (ISO 4217: chosen, else guessed), or null; every amount on the page is written in it. */
  currency: string | null;
  /** Null when no customer fell in the segment. */
  profile: SegmentProfileRow | null;
  /** How the run's churn figures are named (model, at-risk signal, verdict); null without a churn fit. */
  churn: ChurnWords | null;
  base: SegmentProfileRow | null;
  /** The segment's rows (each with the base's share and the lift); empty without a customers file. */
  demographics: SegmentDemographicRow[];
  /** True when the dataset has a customers file. */
  hasCustomersFile: boolean;
  products: SegmentTopProductRow[];
  countries: SegmentCountryRow[];
  /** False for a run on a customers file alone: no purchase profile, products, countries or distributions. */
  purchases: boolean;
  /** The customers-file columns the run clustered on: the segment's rows and the whole run's (segment-columns.sql). */
  columns: SegmentColumnRow[];
  /** The run's outcome column and its rates in this segment and overall (segment-outcomes.sql). */
  outcome: { name: string; kind: "yes_no" | "category"; rows: SegmentOutcomeRow[] } | null;
  /** Per measure, the segment's bins and the base's, in bin order. */
  distributions: { measure: DistributionMeasure; segment: SegmentDistributionRow[]; base: SegmentDistributionRow[] }[];
  customers: { key: string; page: CustomerPage; query: CustomerQuery; columns: CustomerColumnId[]; sql: string };
}

/**
 * A segment's page, for a run the caller has read (getRunSummary); null when the run has no such segment.
 * `table` holds the customers table's sort, filter, page and columns from the URL (they never leave the segment).
 */
export async function getSegmentPage(pool: pg.Pool, run: RunSummary, segmentNo: number, table: Record<string, string | string[] | undefined>): Promise<SegmentPage | null> {
  const query = parseCustomerQuery(table, segmentNo);
  const runId = run.id;
  const segment = run.segments.find((s) => s.no === segmentNo);
  if (!segment) return null;
  const shape = (await runShape(pool, runId)) ?? { purchases: true, outcome: null };
  const [answers, onFile, customers, file, currency] = await Promise.all([
    savedAnswers(
      pool,
      { runId },
      shape.purchases
        ? ([segmentProfileQuery(pool, runId), segmentTopProductsQuery(pool, runId), segmentCountriesQuery(pool, runId), segmentDistributionsQuery(pool, runId)] as const)
        : ([] as const),
    ),
    savedAnswers(pool, { runId }, [segmentDemographicsQuery(pool, runId), segmentColumnsQuery(pool, runId), segmentOutcomesQuery(pool, runId)] as const),
    listCustomers(pool, runId, query),
    datasetHasCustomersFile(pool, run.datasetId),
    datasetCurrency(pool, run.datasetId),
  ]);
  const preparing = answers.some((a) => a === null) || onFile.some((a) => a === null);
  const [profiles, products, countries, distributions] = [answers[0] ?? [], answers[1] ?? [], answers[2] ?? [], answers[3] ?? []];
  const [demographics, columns, outcomes] = [onFile[0] ?? [], onFile[1] ?? [], onFile[2] ?? []];
  const mine = <T extends { segmentNo: number | null }>(rows: T[]) => rows.filter((r) => r.segmentNo === segmentNo);
  return {
    run,
    preparing,
    segment,
    currency,
    profile: profiles.find((p) => p.segmentNo === segmentNo) ?? null,
    churn: churnWordsOf(run.lifetimeValue),
    base: profiles.find((p) => p.segmentNo === null) ?? null,
    demographics: mine(demographics),
    hasCustomersFile: file,
    purchases: shape.purchases,
    columns: columns.filter((r) => r.segmentNo === segmentNo || r.segmentNo === null),
    outcome: shape.outcome && { name: shape.outcome.name, kind: shape.outcome.kind, rows: outcomes.filter((r) => r.segmentNo === segmentNo || r.segmentNo === null) },
    products: mine(products),
    countries: mine(countries),
    distributions: DISTRIBUTION_MEASURES.map((measure) => ({
      measure,
      segment: distributions.filter((d) => d.measure === measure && d.segmentNo === segmentNo),
      base: distributions.filter((d) => d.measure === measure && d.segmentNo === null),
    })),
    customers: {
      key: customerQueryString(query),
      page: customers!,
      query,
      columns: parseColumns(table) ?? defaultColumns(run.method, shape.purchases).filter((c) => c !== "segment"),
      sql: CUSTOMER_PAGE_SQL,
    },
  };
}
