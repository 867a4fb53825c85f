import type pg from "pg";
import { z } from "zod";

/**
 * Share links as records (the data-access layer's repository for them). Tokens
 * arrive digested (lib/auth/tokens.ts). Every row is checked at this edge (zod).
 */

/** The view a link pins (the shares.view column). */
export const ShareView = z.discriminatedUnion("page", [
  z.object({ page: z.literal("overview"), grain: z.enum(["month", "week"]).default("month") }),
  z.object({ page: z.literal("run"), compare: z.number().int().positive().nullish() }),
  z.object({ page: z.literal("segment"), segmentNo: z.number().int().min(0).max(1000) }),
]);
export type ShareView = z.infer<typeof ShareView>;

const ShareRow = z.object({
  id: z.number(),
  prefix: z.string(),
  datasetId: z.number(),
  datasetName: z.string(),
  runId: z.number().nullable(),
  view: ShareView,
  passwordHash: z.string().nullable(),
  hasPassword: z.boolean(),
  allowExport: z.boolean(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  createdById: z.number(),
  revokedAt: z.string().nullable(),
  views: z.number(),
  lastViewedAt: z.string().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});
/** A link with its password hash (to check a visitor's password; never sent to a page). */
export type ActiveShare = z.infer<typeof ShareRow>;
export type Share = Omit<ActiveShare, "passwordHash">;

/** A link that still opens: not revoked, not expired. */
const LIVE = "s.revoked_at is null and (s.expires_at is null or s.expires_at > now())";

const SELECT = `
  select s.id, s.prefix, s.dataset_id as "datasetId", d.name as "datasetName", s.run_id as "runId", s.view,
         s.password_hash as "passwordHash", s.password_hash is not null as "hasPassword", s.allow_export as "allowExport",
         to_char(s.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "expiresAt",
         to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
         u.email as "createdBy", s.created_by as "createdById",
         to_char(s.revoked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "revokedAt",
         s.views, to_char(s.last_viewed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "lastViewedAt",
         case when s.revoked_at is not null then 'revoked' when s.expires_at <= now() then 'expired' else 'active' end as status
  from shares s join datasets d on d.id = s.dataset_id join users u on u.id = s.created_by`;

const withoutHash = ({ passwordHash: _hidden, ...share }: ActiveShare): Share => share;

export async function insertShare(
  db: pg.Pool,
  share: { tokenHash: string; prefix: string; datasetId: number; runId: number | null; view: ShareView; passwordHash: string | null; allowExport: boolean; expiresAt: Date | null; createdBy: number },
): Promise<Share> {
  const { rows } = await db.query(
    `insert into shares (token_hash, prefix, dataset_id, run_id, view, password_hash, allow_export, expires_at, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [share.tokenHash, share.prefix, share.datasetId, share.runId, JSON.stringify(share.view), share.passwordHash, share.allowExport, share.expiresAt, share.createdBy],
  );
  const { id } = z.object({ id: z.number() }).parse(rows[0]);
  const saved = await db.query(`${SELECT} where s.id = $1`, [id]);
  return withoutHash(ShareRow.parse(saved.rows[0]));
}

/** The live link behind a token's digest, or null (unknown, revoked and expired alike). */
export async function liveShare(db: pg.Pool, tokenHash: string): Promise<ActiveShare | null> {
  const { rows } = await db.query(`${SELECT} where s.token_hash = $1 and ${LIVE}`, [tokenHash]);
  return rows[0] === undefined ? null : ShareRow.parse(rows[0]);
}

export async function shareIsLive(db: pg.Pool, tokenHash: string): Promise<boolean> {
  const { rowCount } = await db.query(`select 1 from shares s where s.token_hash = $1 and ${LIVE}`, [tokenHash]);
  return rowCount === 1;
}

/** What became of the link behind a token's digest (null: no such link). */
export async function shareState(db: pg.Pool, tokenHash: string): Promise<{ status: "active" | "expired" | "revoked"; at: string | null } | null> {
  const { rows } = await db.query(
    `select case when s.revoked_at is not null then 'revoked' when s.expires_at <= now() then 'expired' else 'active' end as status,
            to_char(coalesce(s.revoked_at, least(s.expires_at, now())) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at
     from shares s where s.token_hash = $1`,
    [tokenHash],
  );
  return rows[0] === undefined ? null : z.object({ status: z.enum(["active", "expired", "revoked"]), at: z.string().nullable() }).parse(rows[0]);
}

export async function recordShareView(db: pg.Pool, shareId: number): Promise<void> {
  await db.query("update shares set views = views + 1, last_viewed_at = now() where id = $1", [shareId]);
}

/** Every link (of one dataset, or all), newest first, without password hashes. */
export async function listShares(db: pg.Pool, datasetId: number | null): Promise<Share[]> {
  const { rows } = await db.query(`${SELECT} where ($1::int is null or s.dataset_id = $1) order by s.id desc`, [datasetId]);
  return rows.map((r) => withoutHash(ShareRow.parse(r)));
}

/** Revokes by token digest or id: false when there is no such live link. */
/** Who made the live link behind a token's digest or an id, or null when there is no live link. */
export async function liveShareMaker(db: pg.Pool, by: { tokenHash: string } | { id: number }): Promise<{ id: number; createdBy: number } | null> {
  const { rows } = await db.query(
    `select s.id, s.created_by from shares s where ${"tokenHash" in by ? "s.token_hash = $1" : "s.id = $1"} and s.revoked_at is null`,
    ["tokenHash" in by ? by.tokenHash : by.id],
  );
  const row = rows[0] === undefined ? null : z.object({ id: z.number(), created_by: z.number() }).parse(rows[0]);
  return row && { id: row.id, createdBy: row.created_by };
}

export async function revokeShare(db: pg.Pool, by: { tokenHash: string } | { id: number }): Promise<boolean> {
  const { rowCount } =
    "tokenHash" in by
      ? await db.query("update shares set revoked_at = now() where token_hash = $1 and revoked_at is null", [by.tokenHash])
      : await db.query("update shares set revoked_at = now() where id = $1 and revoked_at is null", [by.id]);
  return rowCount === 1;
}

/** A run's dataset and segment numbers, or null when there is no such run. */
export async function runForShare(db: pg.Pool, runId: number): Promise<{ datasetId: number; segments: number[] } | null> {
  const { rows } = await db.query("select r.dataset_id, array(select segment_no from segments where run_id = r.id) as segments from segmentation_runs r where r.id = $1", [runId]);
  const row = rows[0] === undefined ? null : z.object({ dataset_id: z.number(), segments: z.array(z.number()) }).parse(rows[0]);
  return row && { datasetId: row.dataset_id, segments: row.segments };
}

/** Whether `runId` is a run of the dataset other than `otherThan`. */
export async function isOtherRunOf(db: pg.Pool, runId: number, datasetId: number, otherThan: number | null): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from segmentation_runs where id = $1 and dataset_id = $2 and id is distinct from $3", [runId, datasetId, otherThan]);
  return (rowCount ?? 0) > 0;
}

/** A segment's name, or null. */
export async function segmentName(db: pg.Pool, runId: number, segmentNo: number): Promise<string | null> {
  const { rows } = await db.query("select name from segments where run_id = $1 and segment_no = $2", [runId, segmentNo]);
  return rows[0] === undefined ? null : z.object({ name: z.string() }).parse(rows[0]).name;
}

/** The installation's secret in app_settings, made from `fresh` the first time (two at once: the first wins). */
export async function installationSecret(db: pg.Pool, fresh: string): Promise<string> {
  await db.query("insert into app_settings (key, value) values ('auth.secret', $1) on conflict (key) do nothing", [JSON.stringify(fresh)]);
  const { rows } = await db.query("select value from app_settings where key = 'auth.secret'");
  return z.object({ value: z.string() }).parse(rows[0]).value;
}
