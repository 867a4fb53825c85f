import type pg from "pg";
import { z } from "zod";
import type { ProfileRow } from "../insights/insights";
import { fileQuery } from "./file-query";
import { num, numOrNull, type Same } from "./rows";
import { sqlFile } from "./sql-file";

/** Every segment of a run against the whole base (lib/queries/sql/segment-profile.sql); the last row is the base. */
export const SegmentProfileRow = z.object({
  segmentNo: numOrNull,
  name: z.string(),
  customers: num,
  customerShare: num,
  orders: num,
  revenue: num,
  revenueShare: numOrNull,
  recencyDays: num,
  recencyLift: numOrNull,
  frequency: num,
  frequencyLift: numOrNull,
  monetary: num,
  monetaryLift: numOrNull,
  averageOrderValue: numOrNull,
  averageOrderValueLift: numOrNull,
  products: num,
  productsLift: numOrNull,
  returnRate: numOrNull,
  returnRateLift: numOrNull,
  pAlive: numOrNull,
  expectedPurchases: numOrNull,
  clv: numOrNull,
  atRiskCustomers: num,
  atRiskRevenue: num,
  atRiskRevenueShare: numOrNull,
  tenureDays: num,
  tenureLift: numOrNull,
});
export type SegmentProfileRow = z.infer<typeof SegmentProfileRow>;

// ProfileRow (lib/insights, which takes no zod) is this schema's row without the tenure: this fails to compile when they part.
const _profileRow: Same<Omit<SegmentProfileRow, "tenureDays" | "tenureLift">, ProfileRow> = true;

export const segmentProfileSql = () => sqlFile("segment-profile");

export const segmentProfileQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "segment-profile", runId, SegmentProfileRow);
export const getSegmentProfiles = (pool: pg.Pool, runId: number) => segmentProfileQuery(pool, runId).compute();
