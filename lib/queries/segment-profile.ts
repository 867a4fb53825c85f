import type pg from "pg";
import type { ProfileRow } from "../insights/insights";
import { cached } from "./cache";
import { sqlFile } from "./sql-file";

/** Every segment of a run against the whole base (lib/queries/sql/segment-profile.sql); the last row is the base. */
export type SegmentProfileRow = ProfileRow & { tenureDays: number; tenureLift: number | null };

export const segmentProfileSql = () => sqlFile("segment-profile");

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function getSegmentProfiles(pool: pg.Pool, runId: number): Promise<SegmentProfileRow[]> {
  return cached(pool, { runId }, "segment-profile", async () => {
    const { rows } = await pool.query<Record<string, unknown>>(segmentProfileSql().statement, [runId]);
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [camel(k), k === "name" ? v : num(v)])) as unknown as SegmentProfileRow);
  });
}
