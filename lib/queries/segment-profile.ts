import type pg from "pg";
import type { ProfileRow } from "../insights/insights";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** Every segment of a run against the whole base (lib/queries/sql/segment-profile.sql); the last row is the base. */
export type SegmentProfileRow = ProfileRow & { tenureDays: number; tenureLift: number | null };

export const segmentProfileSql = () => sqlFile("segment-profile");

export const segmentProfileQuery = (pool: pg.Pool, runId: number) => fileQuery<SegmentProfileRow>(pool, "segment-profile", runId, ["name"]);
export const getSegmentProfiles = (pool: pg.Pool, runId: number) => segmentProfileQuery(pool, runId).compute();
