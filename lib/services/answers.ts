import type pg from "pg";
import type { CachedQuery } from "../queries/cache";
import { cleaningCountsQuery } from "../queries/cleaning-counts";
import { clusterPointsQuery } from "../queries/cluster-points";
import { customerColumnsQuery } from "../queries/customer-columns";
import { customerColumnBinsQuery, customerCorrelationsQuery } from "../queries/customer-column-stats";
import { datasetFiguresQuery } from "../queries/dataset-figures";
import { revenueConcentrationQuery } from "../queries/revenue-concentration";
import { rfmGridQuery } from "../queries/rfm-grid";
import { segmentColumnsQuery } from "../queries/segment-columns";
import { segmentCountriesQuery } from "../queries/segment-countries";
import { segmentDemographicsQuery } from "../queries/segment-demographics";
import { segmentDistributionsQuery } from "../queries/segment-distributions";
import { segmentOutcomesQuery } from "../queries/segment-outcomes";
import { segmentProfileQuery } from "../queries/segment-profile";
import { segmentTopProductsQuery } from "../queries/segment-top-products";
import { segmentableCustomersQuery } from "../queries/segmentable-customers";
import { lifetimeFitQuery } from "./lifetime-values";
import { defaultCrosstabQuery } from "./customer-columns";
import { overviewQueries } from "./overview";

/**
 * What a dataset's and a run's preparation computes (preparation.ts): the
 * saved answers their pages read, each with the label the preparation shows.
 * A page that reads a new answer adds it here.
 */

/** The answers a dataset's pages read, with the label its preparation shows. */
export function datasetAnswers(pool: pg.Pool, datasetId: number): { label: string; query: CachedQuery<unknown> }[] {
  return [
    { label: "Headline figures", query: datasetFiguresQuery(pool, datasetId) },
    { label: "Cleaning counts", query: cleaningCountsQuery(pool, datasetId) },
    { label: "Customers to segment", query: segmentableCustomersQuery(pool, datasetId) },
    { label: "Customers file columns", query: customerColumnsQuery(pool, datasetId) },
    { label: "Customers file: number columns spread", query: customerColumnBinsQuery(pool, datasetId) },
    { label: "Customers file: correlations", query: customerCorrelationsQuery(pool, datasetId) },
    { label: "Customers file: two columns against each other", query: defaultCrosstabQuery(pool, datasetId) },
    ...overviewQueries(pool, datasetId),
    // Last: the overview's charts come first (an analyst is looking at them), and the churn check's three fits take
    // seconds on a large base; a run asked before it is saved fits its own.
    { label: "Churn models checked on a holdout", query: lifetimeFitQuery(pool, datasetId) },
  ];
}

/** The answers a run's pages read (run page and segment pages). */
export function runAnswers(pool: pg.Pool, runId: number, method: string, purchases = true): { label: string; query: CachedQuery<unknown> }[] {
  const onFile = [
    { label: "Segment demographics", query: segmentDemographicsQuery(pool, runId) },
    { label: "Segments by the customers file's columns", query: segmentColumnsQuery(pool, runId) },
    { label: "Outcome per segment", query: segmentOutcomesQuery(pool, runId) },
  ];
  // A run on a customers file alone has no purchases: nothing to answer about orders, products or churn models
  // (an RFM run on its recency, frequency and spend columns has scores: its grid).
  if (!purchases) return method === "rfm" ? [...onFile, { label: "RFM grid", query: rfmGridQuery(pool, runId) }] : onFile;
  return [
    { label: "Segment profiles", query: segmentProfileQuery(pool, runId) },
    { label: "Revenue concentration", query: revenueConcentrationQuery(pool, runId) },
    method === "rfm" ? { label: "RFM grid", query: rfmGridQuery(pool, runId) } : { label: "Customers in two dimensions", query: clusterPointsQuery(pool, runId) },
    { label: "Segment demographics", query: segmentDemographicsQuery(pool, runId) },
    { label: "Segment top products", query: segmentTopProductsQuery(pool, runId) },
    { label: "Segment countries", query: segmentCountriesQuery(pool, runId) },
    { label: "Segment distributions", query: segmentDistributionsQuery(pool, runId) },
    ...onFile.slice(1),
  ];
}

