import { createHmac, randomBytes } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { ForbiddenError, InputError, NotFoundError } from "../errors";
import { hashPassword, verifyPassword } from "../auth/password";
import { digest, looksLikeToken, newToken } from "../auth/tokens";
import type { AuthUser } from "./accounts";
import { blockedFor, clearFailures, LOGIN_ACCOUNT_RULE, LOGIN_ADDRESS_RULE, LOGIN_PAIR_RULE, recordFailure, recordFailures, SHARE_MISS_RULE, ThrottledError } from "./throttle";
import { requireDataset } from "../queries/datasets";
import * as records from "../queries/shares";
import { ShareView, type ActiveShare, type Share } from "../queries/shares";

export { ShareView };
export type { ActiveShare, Share };

/**
 * Share links: /share/{token} shows one dashboard view, read-only, to anyone
 * holding the link. A share pins the dataset, the run and the view state; the
 * shared page reads them from here and nothing from its URL, so no parameter
 * can widen what it shows. Unknown, revoked and expired tokens are the same
 * "no such link" to the outside.
 */
export const ShareInput = z.object({
  datasetId: z.number().int().positive(),
  segmentationId: z.number().int().positive().nullish(),
  view: ShareView.optional(),
  expiresAt: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).nullish(),
  password: z.string().max(200).nullish(),
  allowExport: z.boolean().optional(),
});
export type ShareInput = z.input<typeof ShareInput>;

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
  if (user.role === "viewer") throw new ForbiddenError("Viewers do not make share links.");
  const input = ShareInput.parse(raw);
  const runId = input.segmentationId ?? null;
  const view: ShareView = input.view ?? (runId ? { page: "run" } : { page: "overview", grain: "month" });
  await requireDataset(pool, input.datasetId);
  if (view.page !== "overview" && !runId) throw new InputError("segmentationId", `a ${view.page} view needs the segmentation it shows`);
  if (runId) {
    const run = await records.runForShare(pool, runId);
    if (!run || run.datasetId !== input.datasetId) throw new NotFoundError(`Dataset ${input.datasetId} has no segmentation ${runId}.`);
    if (view.page === "segment" && !run.segments.includes(view.segmentNo)) throw new NotFoundError(`Segmentation ${runId} has no segment ${view.segmentNo}.`);
  }
  if (view.page === "run" && view.compare) {
    if (!(await records.isOtherRunOf(pool, view.compare, input.datasetId, runId))) throw new InputError("view.compare", `the compared run must be another segmentation of dataset ${input.datasetId}`);
  }
  const expiresAt = expiry(input.expiresAt);
  const password = input.password ?? "";
  if (password && password.length < 6) throw new InputError("password", "use at least 6 characters, or none");
  const passwordHash = password ? await hashPassword(password) : null;
  const { token, hash, prefix } = newToken("shr");
  const share = await records.insertShare(pool, {
    tokenHash: hash,
    prefix,
    datasetId: input.datasetId,
    runId: view.page === "overview" ? null : runId,
    view,
    passwordHash,
    allowExport: input.allowExport ?? false,
    expiresAt,
    createdBy: user.id,
  });
  return { token, share };
}

/** Where an address's requests for unknown links are counted. */
const shareMissKey = (address: string) => `share:address:${address}`;

/**
 * The live share behind a token, or null for unknown, revoked and expired alike.
 * Tokens that never named a link are counted per address (a revoked or expired one proves its holder had
 * the link: reloading it is no scan); many of them block the address for a while (ThrottledError).
 */
export async function resolveShare(pool: pg.Pool, token: string, address: string): Promise<ActiveShare | null> {
  const key = shareMissKey(address);
  const wait = await blockedFor(pool, [key]);
  if (wait > 0) throw new ThrottledError(wait);
  const share = looksLikeToken(token, "shr") ? await records.liveShare(pool, digest(token)) : null;
  if (!share && !(await goneShare(pool, token))) await recordFailure(pool, [key], SHARE_MISS_RULE);
  return share;
}

/**
 * The segment a shared view downloads: a segment view's own segment (by its name, null when the run lost it),
 * otherwise the one asked for (any, when none).
 */
export async function sharedSegmentName(pool: pg.Pool, share: ActiveShare, asked: string | undefined): Promise<string | undefined | null> {
  const view = ShareView.parse(share.view);
  if (view.page !== "segment" || share.runId === null) return asked;
  return records.segmentName(pool, share.runId, view.segmentNo);
}

/** Whether a token opens a link, without counting a miss. */
export async function shareIsLive(pool: pg.Pool, token: string): Promise<boolean> {
  return looksLikeToken(token, "shr") && records.shareIsLive(pool, digest(token));
}

/** A link that no longer opens, and since when: revoked by someone, or past its expiry. */
export type GoneShare = { reason: "revoked" | "expired"; at: string | null };

/** Why a token opens nothing, when it once did (null: it never named a link). Counts nothing. */
export async function goneShare(pool: pg.Pool, token: string): Promise<GoneShare | null> {
  const state = looksLikeToken(token, "shr") ? await records.shareState(pool, digest(token)) : null;
  return state && state.status !== "active" ? { reason: state.status, at: state.at } : null;
}

/**
 * What a shared page answers, decided before it renders (proxy.ts: a page cannot set its status itself):
 * 429 while the address is blocked for asking for unknown links, 410 for a revoked or expired link, 404 for
 * a token that never named one, 200 otherwise. Counts nothing (the page's own resolveShare does).
 */
export async function sharePageStatus(pool: pg.Pool, token: string, address: string): Promise<{ status: 200 | 404 | 410 | 429; retryAfter?: number }> {
  const wait = await blockedFor(pool, [shareMissKey(address)]);
  if (wait > 0) return { status: 429, retryAfter: wait };
  const state = looksLikeToken(token, "shr") ? await records.shareState(pool, digest(token)) : null;
  return { status: state === null ? 404 : state.status === "active" ? 200 : 410 };
}

export const recordShareView = (pool: pg.Pool, shareId: number) => records.recordShareView(pool, shareId);

/** Every link of the workspace, newest first. */
export const listShares = (pool: pg.Pool, filter: { datasetId?: number } = {}) => records.listShares(pool, filter.datasetId ?? null);

/** Whether this account may revoke a link it did or did not make: an admin any, an analyst their own. */
export const mayRevoke = (user: AuthUser, share: { createdById: number }) => user.role === "admin" || (user.role === "analyst" && share.createdById === user.id);

/**
 * Revokes by token (the API) or id (settings): false when there is no such live link; only its maker or an
 * admin may (ForbiddenError).
 */
export async function revokeShare(pool: pg.Pool, user: AuthUser, by: { token: string } | { id: number }): Promise<boolean> {
  const key = "token" in by ? { tokenHash: digest(by.token) } : by;
  const found = await records.liveShareMaker(pool, key);
  if (!found) return false;
  if (!mayRevoke(user, { createdById: found.createdBy })) throw new ForbiddenError("Only the person who made this link, or an admin, may revoke it.");
  return records.revokeShare(pool, { id: found.id });
}

/**
 * A visitor's password for a protected link, slowed down like sign-in: the lockout is per link and address,
 * so one visitor guessing does not lock the link for the others; looser counts per link across addresses and
 * per address across links (visitors who gave the password before keep their pass cookie and never come here).
 */
export async function checkSharePassword(pool: pg.Pool, share: ActiveShare, password: string, address: string): Promise<boolean> {
  if (!share.passwordHash) return true;
  const pair = `share-password:${share.id} from ${address}`;
  const link = `share-password:${share.id}`;
  const spray = `share-password:address:${address}`;
  const wait = await blockedFor(pool, [pair, link, spray]);
  if (wait > 0) throw new ThrottledError(wait);
  if (await verifyPassword(password, share.passwordHash)) {
    await clearFailures(pool, [pair]);
    return true;
  }
  await recordFailures(pool, [
    [pair, LOGIN_PAIR_RULE],
    [link, LOGIN_ACCOUNT_RULE],
    [spray, LOGIN_ADDRESS_RULE],
  ]);
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
  secret = records.installationSecret(pool, randomBytes(32).toString("base64url")).catch((error: unknown) => {
    secrets.delete(pool);
    throw error;
  });
  secrets.set(pool, secret);
  return secret;
}
