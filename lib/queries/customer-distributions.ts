import type pg from "pg";
import { fileQuery, type Bin } from "./file-query";
import { sqlFile } from "./sql-file";

export type CustomerMeasure = "recency_days" | "frequency" | "spend";

/** A bin of one per-customer measure (lib/queries/sql/customer-distributions.sql). */
export interface CustomerBin extends Bin {
  measure: CustomerMeasure;
  customers: number;
  customerShare: number;
  /** Revenue of the bin's customers. */
  revenue: number;
  revenueShare: number | null;
}

export const customerDistributionsSql = () => sqlFile("customer-distributions");
export const customerDistributionsQuery = (pool: pg.Pool, datasetId: number) => fileQuery<CustomerBin>(pool, "customer-distributions", datasetId, ["measure"]);
export const getCustomerDistributions = (pool: pg.Pool, datasetId: number) =>
  customerDistributionsQuery(pool, datasetId).compute();
