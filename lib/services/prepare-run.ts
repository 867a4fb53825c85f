import type pg from "pg";
import { getSegmentCountries } from "../queries/segment-countries";
import { getSegmentDemographics } from "../queries/segment-demographics";
import { getSegmentDistributions } from "../queries/segment-distributions";
import { getSegmentTopProducts } from "../queries/segment-top-products";
import { getRunPage } from "./run-page";

/**
 * Computes and saves every query a run's pages read (run page, and the
 * segment pages: each query covers all segments at once), so readers only
 * read saved rows. Runs never change, so this is done once, after the run is
 * saved (the API and the form schedule it once they have answered).
 */
export async function prepareRun(pool: pg.Pool, runId: number): Promise<void> {
  await Promise.all([getRunPage(pool, runId), getSegmentDemographics(pool, runId), getSegmentTopProducts(pool, runId), getSegmentCountries(pool, runId), getSegmentDistributions(pool, runId)]);
}
