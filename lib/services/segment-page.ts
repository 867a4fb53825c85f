import type pg from "pg";
import { customerQueryString, type CustomerPage, type CustomerQuery } from "../customer-table";
import { getSegmentCountries, type SegmentCountryRow } from "../queries/segment-countries";
import { getSegmentDemographics, type SegmentDemographicRow } from "../queries/segment-demographics";
import { DISTRIBUTION_MEASURES, getSegmentDistributions, type DistributionMeasure, type SegmentDistributionRow } from "../queries/segment-distributions";
import { getSegmentProfiles, type SegmentProfileRow } from "../queries/segment-profile";
import { getSegmentTopProducts, type SegmentTopProductRow } from "../queries/segment-top-products";
import { listCustomers, type RunSummary } from "./customers";

/**
 * Everything a segment's page draws, in one call. The run-scoped queries
 * answer for every segment at once and are saved with the run
 * (query_results), so each segment's page reads them back and picks its rows.
 */
export interface SegmentPage {
  run: RunSummary;
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
  customers: { key: string; page: CustomerPage };
}

/** A segment's page, for a run the caller has read (getRunSummary); null when the run has no such segment. */
export async function getSegmentPage(pool: pg.Pool, run: RunSummary, segmentNo: number, query: CustomerQuery): Promise<SegmentPage | null> {
  const runId = run.id;
  const segment = run.segments.find((s) => s.no === segmentNo);
  if (!segment) return null;
  const [profiles, demographics, products, countries, distributions, customers, file] = await Promise.all([
    getSegmentProfiles(pool, runId),
    getSegmentDemographics(pool, runId),
    getSegmentTopProducts(pool, runId),
    getSegmentCountries(pool, runId),
    getSegmentDistributions(pool, runId),
    listCustomers(pool, runId, query),
    pool.query("select 1 from customers where dataset_id = $1 limit 1", [run.datasetId]),
  ]);
  const mine = <T extends { segmentNo: number | null }>(rows: T[]) => rows.filter((r) => r.segmentNo === segmentNo);
  return {
    run,
    segment,
    profile: profiles.find((p) => p.segmentNo === segmentNo) ?? null,
    base: profiles.find((p) => p.segmentNo === null) ?? null,
    demographics: mine(demographics),
    hasCustomersFile: (file.rowCount ?? 0) > 0,
    products: mine(products),
    countries: mine(countries),
    distributions: DISTRIBUTION_MEASURES.map((measure) => ({
      measure,
      segment: distributions.filter((d) => d.measure === measure && d.segmentNo === segmentNo),
      base: distributions.filter((d) => d.measure === measure && d.segmentNo === null),
    })),
    customers: { key: customerQueryString(query), page: customers! },
  };
}
