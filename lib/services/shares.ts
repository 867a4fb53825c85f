import { createHmac, randomBytes } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { InputError, NotFoundError } from "../errors";
import { hashPassword, verifyPassword } from "../auth/password";
import { digest, looksLikeToken, newToken } from "../auth/tokens";
import type { AuthUser } from "./accounts";
import { blockedFor, LOGIN_RULE, recordFailure, SHARE_MISS_RULE, ThrottledError, clearFailures } from "./throttle";
import { requireDataset } from "../queries/datasets";

/**
 * Share links: /share/{token} shows one dashboard view, read-only, to anyone
 * holding the link. A share pins the dataset, the run and the view state; the
 * shared page reads them from here and nothing from its URL, so no parameter
 * can widen what it shows. Unknown, revoked and expired tokens are the same
 * "no such link" to the outside.
 */
export const ShareView = z.discriminatedUnion("page", [
  z.object({ page: z.literal("overview"), grain: z.enum(["month", "week"]).default("month") }),
  z.object({ page: z.literal("run"), compare: z.number().int().positive().nullish() }),
  z.object({ page: z.literal("segment"), segmentNo: z.number().int().min(0).max(1000) }),
]);
export type ShareView = z.infer<typeof ShareView>;

export const ShareInput = z.object({
  datasetId: z.number().int().positive(),
  segmentationId: z.number().int().positive().nullish(),
  view: ShareView.optional(),
  expiresAt: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).nullish(),
  password: z.string().max(200).nullish(),
  allowExport: z.boolean().optional(),
});
export type ShareInput = z.input<typeof ShareInput>;

export interface Share {
  id: number;
  prefix: string;
  datasetId: number;
  datasetName: string;
  runId: number | null;
  view: ShareView;
  hasPassword: boolean;
  allowExport: boolean;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  views: number;
  lastViewedAt: string | null;
  status: "active" | "expired" | "revoked";
}

/** What the shared page needs: the share, and its password hash to check a visitor's password. */
export interface ActiveShare extends Share {
  passwordHash: string | null;
}

/** A link that still opens: not revoked, not expired. */
const LIVE = "s.revoked_at is null and (s.expires_at is null or s.expires_at > now())";

const SELECT = `
  select s.id, s.prefix, s.dataset_id as "datasetId", d.name as "datasetName", s.run_id as "runId", s.view,
         s.password_hash as "passwordHash", s.password_hash is not null as "hasPassword", s.allow_export as "allowExport",
         to_char(s.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "expiresAt",
         to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
         u.email as "createdBy",
         to_char(s.revoked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "revokedAt",
         s.views, to_char(s.last_viewed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "lastViewedAt",
         case when s.revoked_at is not null then 'revoked' when s.expires_at <= now() then 'expired' else 'active' end as status
  from shares s join datasets d on d.id = s.dataset_id join users u on u.id = s.created_by`;

/** The path of a share link. */
export function sharePath(token: string): string {
  return `/share/${token}`;
}

/** End of the day for a bare date (the link works through that day, UTC). */
function expiry(value: string | null | undefined): Date | null {
  if (!value) return null;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
  if (Number.isNaN(at.getTime())) throw new InputError("expiresAt", "give a date (YYYY-MM-DD) or a date and time");
  if (at.getTime() <= Date.now()) throw new InputError("expiresAt", "the expiry date has passed: choose a later one");
  return at;
}

export async function createShare(pool: pg.Pool, user: AuthUser, raw: unknown): Promise<{ token: string; share: Share }> {
  const input = ShareInput.parse(raw);
  const runId = input.segmentationId ?? null;
  const view: ShareView = input.view ?? (runId ? { page: "run" } : { page: "overview", grain: "month" });
  await requireDataset(pool, input.datasetId);
  if (view.page !== "overview" && !runId) throw new InputError("segmentationId", `a ${view.page} view needs the segmentation it shows`);
  if (runId) {
    const { rows } = await pool.query<{ dataset_id: number; segments: number[] }>(
      "select r.dataset_id, array(select segment_no from segments where run_id = r.id) as segments from segmentation_runs r where r.id = $1",
      [runId],
    );
    if (!rows[0] || rows[0].dataset_id !== input.datasetId) throw new NotFoundError(`Dataset ${input.datasetId} has no segmentation ${runId}.`);
    if (view.page === "segment" && !rows[0].segments.includes(view.segmentNo)) throw new NotFoundError(`Segmentation ${runId} has no segment ${view.segmentNo}.`);
  }
  if (view.page === "run" && view.compare) {
    const { rows } = await pool.query("select 1 from segmentation_runs where id = $1 and dataset_id = $2 and id <> $3", [view.compare, input.datasetId, runId]);
    if (!rows.length) throw new InputError("view.compare", `the compared run must be another segmentation of dataset ${input.datasetId}`);
  }
  const expiresAt = expiry(input.expiresAt);
  const password = input.password ?? "";
  if (password && password.length < 6) throw new InputError("password", "use at least 6 characters, or none");
  const passwordHash = password ? await hashPassword(password) : null;
  const { token, hash, prefix } = newToken("shr");
  const { rows } = await pool.query<{ id: number }>(
    `insert into shares (token_hash, prefix, dataset_id, run_id, view, password_hash, allow_export, expires_at, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [hash, prefix, input.datasetId, view.page === "overview" ? null : runId, JSON.stringify(view), passwordHash, input.allowExport ?? false, expiresAt, user.id],
  );
  const share = (await byId(pool, rows[0]!.id))!;
  return { token, share };
}

async function byId(pool: pg.Pool, id: number): Promise<Share | null> {
  const { rows } = await pool.query<ActiveShare>(`${SELECT} where s.id = $1`, [id]);
  return rows[0] ? withoutHash(rows[0]) : null;
}

function withoutHash({ passwordHash: _hidden, ...share }: ActiveShare): Share {
  return share;
}

/**
 * The live share behind a token, or null for unknown, revoked and expired alike.
 * Misses are counted per address; many of them block it for a while (ThrottledError).
 */
export async function resolveShare(pool: pg.Pool, token: string, address: string): Promise<ActiveShare | null> {
  const key = `share:address:${address}`;
  const wait = await blockedFor(pool, [key]);
  if (wait > 0) throw new ThrottledError(wait);
  const { rows } = looksLikeToken(token, "shr")
    ? await pool.query<ActiveShare>(`${SELECT} where s.token_hash = $1 and ${LIVE}`, [digest(token)])
    : { rows: [] };
  if (!rows[0]) {
    await recordFailure(pool, [key], SHARE_MISS_RULE);
    return null;
  }
  return rows[0];
}

/** Whether a token opens a link, without counting a miss (proxy.ts, for a shared page's RSC requests). */
/**
 * The segment a shared view downloads: a segment view's own segment (by its name, null when the run lost it),
 * otherwise the one asked for (any, when none).
 */
export async function sharedSegmentName(pool: pg.Pool, share: ActiveShare, asked: string | undefined): Promise<string | undefined | null> {
  const view = ShareView.parse(share.view);
  if (view.page !== "segment" || share.runId === null) return asked;
  const { rows } = await pool.query<{ name: string }>("select name from segments where run_id = $1 and segment_no = $2", [share.runId, view.segmentNo]);
  return rows[0]?.name ?? null;
}

export async function shareIsLive(pool: pg.Pool, token: string): Promise<boolean> {
  if (!looksLikeToken(token, "shr")) return false;
  const { rowCount } = await pool.query(`select 1 from shares s where s.token_hash = $1 and ${LIVE}`, [digest(token)]);
  return rowCount === 1;
}

export async function recordShareView(pool: pg.Pool, shareId: number): Promise<void> {
  await pool.query("update shares set views = views + 1, last_viewed_at = now() where id = $1", [shareId]);
}

/** Every link of the workspace, newest first. */
export async function listShares(pool: pg.Pool, filter: { datasetId?: number } = {}): Promise<Share[]> {
  const { rows } = await pool.query<ActiveShare>(`${SELECT} where ($1::int is null or s.dataset_id = $1) order by s.id desc`, [filter.datasetId ?? null]);
  return rows.map(withoutHash);
}

/** Revokes by token (the API) or id (settings): false when there is no such live link. */
export async function revokeShare(pool: pg.Pool, by: { token: string } | { id: number }): Promise<boolean> {
  const { rowCount } =
    "token" in by
      ? await pool.query("update shares set revoked_at = now() where token_hash = $1 and revoked_at is null", [digest(by.token)])
      : await pool.query("update shares set revoked_at = now() where id = $1 and revoked_at is null", [by.id]);
  return rowCount === 1;
}

/** A visitor's password for a protected link: slowed down like sign-in, per link and per address. */
export async function checkSharePassword(pool: pg.Pool, share: ActiveShare, password: string, address: string): Promise<boolean> {
  if (!share.passwordHash) return true;
  const keys = [`share-password:${share.id}`, `share-password:address:${address}`];
  const wait = await blockedFor(pool, keys);
  if (wait > 0) throw new ThrottledError(wait);
  if (await verifyPassword(password, share.passwordHash)) {
    await clearFailures(pool, [keys[0]!]);
    return true;
  }
  await recordFailure(pool, keys, LOGIN_RULE);
  return false;
}

/**
 * The value of the cookie that lets a browser past a link's password: an HMAC
 * of the link and its password hash under the installation's secret, so it
 * opens that link only, and no longer once the password changes.
 */
export async function sharePass(pool: pg.Pool, share: ActiveShare): Promise<string> {
  return createHmac("sha256", await installationSecret(pool)).update(`${share.id}:${share.passwordHash ?? ""}`).digest("base64url");
}

const secrets = new WeakMap<pg.Pool, Promise<string>>();
/** A random secret made on first use and kept in app_settings. */
export function installationSecret(pool: pg.Pool): Promise<string> {
  let secret = secrets.get(pool);
  if (secret) return secret;
  secret = (async () => {
    await pool.query("insert into app_settings (key, value) values ('auth.secret', $1) on conflict (key) do nothing", [JSON.stringify(randomBytes(32).toString("base64url"))]);
    const { rows } = await pool.query<{ value: string }>("select value from app_settings where key = 'auth.secret'");
    return rows[0]!.value;
  })().catch((error: unknown) => {
    secrets.delete(pool);
    throw error;
  });
  secrets.set(pool, secret);
  return secret;
}
