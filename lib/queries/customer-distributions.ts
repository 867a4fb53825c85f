import type pg from "pg";
import { z } from "zod";
import { Bin, fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

const CustomerMeasure = z.enum(["recency_days", "frequency", "spend"]);
export type CustomerMeasure = z.infer<typeof CustomerMeasure>;

/** A bin of one per-customer measure (lib/queries/sql/customer-distributions.sql). */
export const CustomerBin = Bin.extend({
  measure: CustomerMeasure,
  customers: num,
  customerShare: num,
  /** Revenue of the bin's customers. */
  revenue: num,
  revenueShare: numOrNull,
});
export type CustomerBin = z.infer<typeof CustomerBin>;

export const customerDistributionsSql = () => sqlFile("customer-distributions");
export const customerDistributionsQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "customer-distributions", datasetId, CustomerBin);
export const getCustomerDistributions = (pool: pg.Pool, datasetId: number) =>
  customerDistributionsQuery(pool, datasetId).compute();
