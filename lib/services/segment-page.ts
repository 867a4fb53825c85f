import type pg from "pg";
import { customerQueryString, defaultColumns, parseColumns, parseCustomerQuery, type CustomerColumnId, type CustomerPage, type CustomerQuery } from "../customer-table";
import { datasetHasCustomersFile } from "../queries/datasets";
import { savedAnswers } from "../queries/cache";
import { segmentCountriesQuery, type SegmentCountryRow } from "../queries/segment-countries";
import { segmentDemographicsQuery, type SegmentDemographicRow } from "../queries/segment-demographics";
import { DISTRIBUTION_MEASURES, segmentDistributionsQuery, type DistributionMeasure, type SegmentDistributionRow } from "../queries/segment-distributions";
import { segmentProfileQuery, type SegmentProfileRow } from "../queries/segment-profile";
import { segmentTopProductsQuery, type SegmentTopProductRow } from "../queries/segment-top-products";
import { CUSTOMER_PAGE_SQL, listCustomers, type RunSummary } from "./customers";

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
  /** Null when no customer fell in the segment. */
  profile: SegmentProfileRow | null;
  base: SegmentProfileRow | null;
  /** The segment's rows (each with the base's share and the lift); empty without a customers file. */
  demographics: SegmentDemographicRow[];
  /** True when the dataset has a customers file. */
  hasCustomersFile: boolean;
  products: SegmentTopProductRow[];
  countries: SegmentCountryRow[];
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
  const [answers, customers, file] = await Promise.all([
    savedAnswers(pool, { runId }, [
      segmentProfileQuery(pool, runId),
      segmentDemographicsQuery(pool, runId),
      segmentTopProductsQuery(pool, runId),
      segmentCountriesQuery(pool, runId),
      segmentDistributionsQuery(pool, runId),
    ] as const),
    listCustomers(pool, runId, query),
    datasetHasCustomersFile(pool, run.datasetId),
  ]);
  const preparing = answers.some((a) => a === null);
  const [profiles, demographics, products, countries, distributions] = [answers[0] ?? [], answers[1] ?? [], answers[2] ?? [], answers[3] ?? [], answers[4] ?? []];
  const mine = <T extends { segmentNo: number | null }>(rows: T[]) => rows.filter((r) => r.segmentNo === segmentNo);
  return {
    run,
    preparing,
    segment,
    profile: profiles.find((p) => p.segmentNo === segmentNo) ?? null,
    base: profiles.find((p) => p.segmentNo === null) ?? null,
    demographics: mine(demographics),
    hasCustomersFile: file,
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
      columns: parseColumns(table) ?? defaultColumns(run.method).filter((c) => c !== "segment"),
      sql: CUSTOMER_PAGE_SQL,
    },
  };
}
