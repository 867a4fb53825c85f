import type pg from "pg";
import { ageDistributionQuery, type AgeBin } from "../queries/age-distribution";
import { basketSizeDistributionQuery, type BasketSizeBin } from "../queries/basket-size-distribution";
import { cachedMany } from "../queries/cache";
import { channelByGenderQuery, type ChannelGenderRow } from "../queries/channel-by-gender";
import { cohortRetentionQuery, type CohortCell } from "../queries/cohort-retention";
import { countryTotalsQuery, type CountryTotalRow } from "../queries/country-totals";
import { customerDistributionsQuery, type CustomerBin } from "../queries/customer-distributions";
import { customerLocationsQuery, type LocationRow } from "../queries/customer-locations";
import { frequencyByCountryQuery, type CountryFrequencyRow } from "../queries/frequency-by-country";
import { genderSplitQuery, type GenderRow } from "../queries/gender-split";
import { orderValueDistributionQuery, type OrderValueBin } from "../queries/order-value-distribution";
import { revenueByMonthQuery, type PeriodRow } from "../queries/revenue-by-month";
import { revenueByWeekQuery } from "../queries/revenue-by-week";
import { spendByAgeBandQuery, type AgeBandRow } from "../queries/spend-by-age-band";
import { topProductsQuery, type TopProductRow } from "../queries/top-products";

/**
 * The dataset overview (page /datasets/[id]): one saved query per chart, all
 * read in one round trip when saved (lib/queries/cache.ts), the missing ones
 * computed in parallel.
 */
export const GRAINS = ["month", "week"] as const;
export type Grain = (typeof GRAINS)[number];

export const parseGrain = (value: unknown): Grain => (value === "week" ? "week" : "month");

export interface Overview {
  grain: Grain;
  /** Revenue, orders and customers per month or week (revenue-by-month.sql / revenue-by-week.sql). */
  periods: PeriodRow[];
  /** The months, whatever the grain (for notes such as a partial last month). */
  months: PeriodRow[];
  countries: CountryTotalRow[];
  products: TopProductRow[];
  orderValues: OrderValueBin[];
  basketSizes: BasketSizeBin[];
  customers: { recencyDays: CustomerBin[]; frequency: CustomerBin[]; spend: CustomerBin[] };
  cohorts: CohortCell[];
  /** From the customers file; every list is empty when the dataset has none. */
  demographics: {
    ages: AgeBin[];
    genders: GenderRow[];
    locations: LocationRow[];
    ageBands: AgeBandRow[];
    countryFrequency: CountryFrequencyRow[];
    channels: ChannelGenderRow[];
  };
}

/** The SQL file behind each part of the overview, for "Show SQL". */
export const OVERVIEW_SQL = {
  month: "revenue-by-month",
  week: "revenue-by-week",
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

function sharedQueries(pool: pg.Pool, datasetId: number) {
  return [
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

export async function getOverview(pool: pg.Pool, datasetId: number, { grain = "month" }: { grain?: Grain } = {}): Promise<Overview> {
  // Both grains are read (one round trip once saved): the months also serve notes such as a partial last month.
  const [months, weeks, countries, products, orderValues, basketSizes, customerBins, cohorts, ages, genders, locations, ageBands, countryFrequency, channels] =
    await cachedMany(pool, { datasetId }, [revenueByMonthQuery(pool, datasetId), revenueByWeekQuery(pool, datasetId), ...sharedQueries(pool, datasetId)] as const);
  return {
    grain,
    periods: grain === "week" ? weeks : months,
    months,
    countries,
    products,
    orderValues,
    basketSizes,
    customers: {
      recencyDays: customerBins.filter((b) => b.measure === "recency_days"),
      frequency: customerBins.filter((b) => b.measure === "frequency"),
      spend: customerBins.filter((b) => b.measure === "spend"),
    },
    cohorts,
    demographics: { ages, genders, locations, ageBands, countryFrequency, channels },
  };
}

/**
 * Computes and saves every query of the overview (both grains), so the first
 * reader after an upload or a start does not wait. Returns how long it took.
 */
export async function warmOverview(pool: pg.Pool, datasetId: number): Promise<{ ms: number }> {
  const started = performance.now();
  await cachedMany(pool, { datasetId }, [revenueByMonthQuery(pool, datasetId), revenueByWeekQuery(pool, datasetId), ...sharedQueries(pool, datasetId)] as const);
  return { ms: Math.round(performance.now() - started) };
}
