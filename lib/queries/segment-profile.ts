import type pg from "pg";
import type { ProfileRow } from "../insights/insights";
import { cached } from "./cache";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** Every segment of a run against the whole base (lib/queries/sql/segment-profile.sql); the last row is the base. */
export type SegmentProfileRow = ProfileRow & { tenureDays: number; tenureLift: number | null };

export const segmentProfileSql = () => sqlFile("segment-profile");

export const getSegmentProfiles = (pool: pg.Pool, runId: number) =>
  cached(pool, { runId }, "segment-profile", fileQuery<SegmentProfileRow>(pool, "segment-profile", runId, ["name"]).compute);
