import type pg from "pg";
import { ageDistributionQuery, type AgeBin } from "../queries/age-distribution";
import { basketSizeDistributionQuery, type BasketSizeBin } from "../queries/basket-size-distribution";
import { savedAnswers, type CachedQuery } from "../queries/cache";
import { channelByGenderQuery, type ChannelGenderRow } from "../queries/channel-by-gender";
import { cohortRetentionQuery, type CohortCell } from "../queries/cohort-retention";
import { countryTotalsQuery, type CountryTotalRow } from "../queries/country-totals";
import { customerDistributionsQuery, type CustomerBin } from "../queries/customer-distributions";
import { customerLocationsQuery, type LocationRow } from "../queries/customer-locations";
import { frequencyByCountryQuery, type CountryFrequencyRow } from "../queries/frequency-by-country";
import { genderSplitQuery, type GenderRow } from "../queries/gender-split";
import { orderValueDistributionQuery, type OrderValueBin } from "../queries/order-value-distribution";
import { revenueByMonthQuery, revenueByWeekQuery, revenueOverTimeName, type Grain, type PeriodRow } from "../queries/revenue-over-time";
import { spendByAgeBandQuery, type AgeBandRow } from "../queries/spend-by-age-band";
import { topProductsQuery, type TopProductRow } from "../queries/top-products";

/**
 * The dataset overview (page /datasets/[id]): one saved answer per chart, all
 * read in one round trip (lib/queries/cache.ts). The dataset's preparation
 * computes them after each load (preparation.ts); until one is saved its
 * part is null and the page says it is being prepared.
 */
export { GRAINS } from "../queries/sql-file";
export type { Grain };

export const parseGrain = (value: unknown): Grain => (value === "week" ? "week" : "month");

/** Null: not prepared yet. */
type Ready<T> = T | null;

export interface Overview {
  grain: Grain;
  /** Revenue, orders and customers per month or week (revenue-over-time.sql, at the grain). */
  periods: Ready<PeriodRow[]>;
  /** The months, whatever the grain (for notes such as a partial last month). */
  months: Ready<PeriodRow[]>;
  countries: Ready<CountryTotalRow[]>;
  products: Ready<TopProductRow[]>;
  orderValues: Ready<OrderValueBin[]>;
  basketSizes: Ready<BasketSizeBin[]>;
  customers: Ready<{ recencyDays: CustomerBin[]; frequency: CustomerBin[]; spend: CustomerBin[] }>;
  cohorts: Ready<CohortCell[]>;
  /** From the customers file; every list is empty when the dataset has none. */
  demographics: {
    ages: Ready<AgeBin[]>;
    genders: Ready<GenderRow[]>;
    locations: Ready<LocationRow[]>;
    ageBands: Ready<AgeBandRow[]>;
    countryFrequency: Ready<CountryFrequencyRow[]>;
    channels: Ready<ChannelGenderRow[]>;
  };
}

/** The SQL file behind each part of the overview, for "Show SQL" (the revenue's with its grain: lib/queries/sql-file.ts). */
export const OVERVIEW_SQL = {
  month: revenueOverTimeName("month"),
  week: revenueOverTimeName("week"),
  countries: "country-totals",
  products: "top-products",
  orderValues: "order-value-distribution",
  basketSizes: "basket-size-distribution",
  customers: "customer-distributions",
  cohorts: "cohort-retention",
  ages: "age-distribution",
  genders: "gender-split",
  locations: "customer-locations",
  ageBands: "spend-by-age-band",
  countryFrequency: "frequency-by-country",
  channels: "channel-by-gender",
} as const;

/** Every query of the overview (both grains), in the order of OVERVIEW_LABELS. */
function overviewQueryList(pool: pg.Pool, datasetId: number) {
  return [
    revenueByMonthQuery(pool, datasetId),
    revenueByWeekQuery(pool, datasetId),
    countryTotalsQuery(pool, datasetId),
    topProductsQuery(pool, datasetId),
    orderValueDistributionQuery(pool, datasetId),
    basketSizeDistributionQuery(pool, datasetId),
    customerDistributionsQuery(pool, datasetId),
    cohortRetentionQuery(pool, datasetId),
    ageDistributionQuery(pool, datasetId),
    genderSplitQuery(pool, datasetId),
    customerLocationsQuery(pool, datasetId),
    spendByAgeBandQuery(pool, datasetId),
    frequencyByCountryQuery(pool, datasetId),
    channelByGenderQuery(pool, datasetId),
  ] as const;
}

const OVERVIEW_LABELS = [
  "Revenue by month", "Revenue by week", "Countries", "Top products", "Order values", "Basket sizes", "Customer distributions",
  "Cohort retention", "Ages", "Genders", "Locations", "Spend by age band", "Orders by country", "Channels by gender",
];

/** Every query of the overview, with the label its preparation shows. */
export function overviewQueries(pool: pg.Pool, datasetId: number): { label: string; query: CachedQuery<unknown> }[] {
  return overviewQueryList(pool, datasetId).map((query, i) => ({ label: OVERVIEW_LABELS[i]!, query }));
}

export async function getOverview(pool: pg.Pool, datasetId: number, { grain = "month" }: { grain?: Grain } = {}): Promise<Overview> {
  // Both grains are read (one round trip): the months also serve notes such as a partial last month.
  const [months, weeks, countries, products, orderValues, basketSizes, customerBins, cohorts, ages, genders, locations, ageBands, countryFrequency, channels] =
    await savedAnswers(pool, { datasetId }, overviewQueryList(pool, datasetId));
  return {
    grain,
    periods: grain === "week" ? weeks : months,
    months,
    countries,
    products,
    orderValues,
    basketSizes,
    customers: customerBins && {
      recencyDays: customerBins.filter((b) => b.measure === "recency_days"),
      frequency: customerBins.filter((b) => b.measure === "frequency"),
      spend: customerBins.filter((b) => b.measure === "spend"),
    },
    cohorts,
    demographics: { ages, genders, locations, ageBands, countryFrequency, channels },
  };
}
