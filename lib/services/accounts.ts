import type pg from "pg";
import { z } from "zod";
import { ForbiddenError, InputError } from "../errors";
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from "../auth/password";
import { digest, looksLikeToken, newToken } from "../auth/tokens";
import * as accounts from "../queries/accounts";
import type { ApiTokenSummary, AuthUser, InvitationSummary, Member, Role } from "../queries/accounts";
import { blockedFor, clearFailures, LOGIN_ACCOUNT_RULE, LOGIN_ADDRESS_RULE, LOGIN_PAIR_RULE, recordFailures, ThrottledError } from "./throttle";

/**
 * Accounts of the workspace (one per installation; every account sees every
 * dataset), their sessions and personal API tokens, and admins' invitations:
 * the rules (who may, what a password must be, throttling); the records are
 * lib/queries/accounts.ts'.
 */
export type { ApiTokenSummary, AuthUser, InvitationSummary, Member, Role };

export const SESSION_DAYS = 14;
const INVITATION_DAYS = 7;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "enter an email address such as ana@example.com" }));

export const Credentials = z.object({ email: Email, password: z.string().min(1, "enter the password").max(200) });

function checkPassword(password: string, field = "password"): void {
  const problem = passwordProblem(password);
  if (problem) throw new InputError(field, problem);
}

export const countUsers = (pool: pg.Pool) => accounts.countUsers(pool);

/**
 * The first admin, only while there is no account at all (setup page, or
 * ADMIN_EMAIL and ADMIN_PASSWORD at start). Null when an account exists already.
 */
export async function createFirstAdmin(pool: pg.Pool, input: { email: string; password: string; name?: string | null }): Promise<AuthUser | null> {
  const email = Email.parse(input.email);
  checkPassword(input.password);
  return accounts.insertFirstAdmin(pool, { email, name: input.name?.trim() || null, passwordHash: await hashPassword(input.password) });
}

/** An address the account signed in from within this many days is a known one (sign-in throttling). */
const KNOWN_ADDRESS_DAYS = 90;

/**
 * Checks an email and password, slowed down after repeated failures
 * (ThrottledError, before the password is looked at), in three counts
 * (lib/services/throttle.ts has the rules):
 *   - the (account, address) pair: 5 free failures, then 1 s, 2 s, … 15 min.
 *     This is the lockout, and it holds for the right password too: a
 *     blocked attempt is refused unchecked, or the block would not slow
 *     guessing. It touches nobody else: the account's owner at another
 *     address, and other accounts at this address, sign in as before;
 *   - the address across accounts (spraying one password over many
 *     accounts): 50 free failures;
 *   - the account across addresses (guessing from many addresses): 20 free
 *     failures.
 * The last two do not apply at an address the account signed in from in the
 * last 90 days: there only the pair's count does. A success clears the
 * pair's count only (an attacker with an account of their own cannot wipe
 * the other counts) and remembers the address. Null when they do not match.
 */
export async function authenticate(pool: pg.Pool, credentials: unknown, address: string): Promise<AuthUser | null> {
  const { email, password } = Credentials.parse(credentials);
  const pair = `login:pair:${email} from ${address}`;
  const account = `login:account:${email}`;
  const spray = `login:address:${address}`;
  const known = await accounts.signedInFrom(pool, email, address, KNOWN_ADDRESS_DAYS);
  const wait = await blockedFor(pool, known ? [pair] : [pair, account, spray]);
  if (wait > 0) throw new ThrottledError(wait);
  const found = await accounts.userWithPasswordByEmail(pool, email);
  // Unknown accounts take as long as wrong passwords: the time does not tell which emails exist.
  const ok = await verifyPassword(password, found?.passwordHash ?? (await dummyHash()));
  if (!found || !ok) {
    await recordFailures(pool, [
      [pair, LOGIN_PAIR_RULE],
      [account, LOGIN_ACCOUNT_RULE],
      [spray, LOGIN_ADDRESS_RULE],
    ]);
    return null;
  }
  await Promise.all([clearFailures(pool, [pair]), accounts.rememberSignInAddress(pool, found.id, address)]);
  return { id: found.id, email: found.email, name: found.name, role: found.role };
}

export async function createSession(pool: pg.Pool, userId: number): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newToken("ses");
  return { token, expiresAt: await accounts.insertSession(pool, hash, userId, SESSION_DAYS) };
}

export async function userForSession(pool: pg.Pool, token: string | undefined): Promise<AuthUser | null> {
  if (!token || !looksLikeToken(token, "ses")) return null;
  return accounts.userBySession(pool, digest(token));
}

export async function endSession(pool: pg.Pool, token: string | undefined): Promise<void> {
  if (token) await accounts.deleteSession(pool, digest(token));
}

export async function userForApiToken(pool: pg.Pool, token: string): Promise<AuthUser | null> {
  if (!looksLikeToken(token, "seg")) return null;
  return accounts.userByApiToken(pool, digest(token));
}

export async function createApiToken(pool: pg.Pool, userId: number, name: string): Promise<{ token: string; summary: ApiTokenSummary }> {
  const label = name.trim();
  if (!label) throw new InputError("name", "name the token, e.g. after the script that uses it");
  if (label.length > 80) throw new InputError("name", "use at most 80 characters");
  const { token, hash, prefix } = newToken("seg");
  return { token, summary: await accounts.insertApiToken(pool, { tokenHash: hash, prefix, name: label, userId }) };
}

export const listApiTokens = (pool: pg.Pool, userId: number) => accounts.listApiTokens(pool, userId);
export const deleteApiToken = (pool: pg.Pool, userId: number, id: number) => accounts.deleteApiToken(pool, userId, id);
export const listUsers = (pool: pg.Pool) => accounts.listUsers(pool);
export const listInvitations = (pool: pg.Pool) => accounts.listInvitations(pool);
export const revokeInvitation = (pool: pg.Pool, id: number) => accounts.deleteOpenInvitation(pool, id);

/** An admin invites someone: answers the token of the link to hand them (valid 7 days, once). */
export async function inviteUser(pool: pg.Pool, admin: AuthUser, input: { email: string; role?: string }): Promise<{ token: string }> {
  if (admin.role !== "admin") throw new ForbiddenError("Only admins invite.");
  const email = Email.parse(input.email);
  const role: Role = input.role === "admin" || input.role === "viewer" ? input.role : "analyst";
  if (await accounts.emailTaken(pool, email)) throw new InputError("email", `${email} has an account already`);
  const { token, hash } = newToken("inv");
  await accounts.insertInvitation(pool, { tokenHash: hash, email, role, invitedBy: admin.id, days: INVITATION_DAYS });
  return { token };
}

/** The open invitation behind a link, or null (unknown, used or expired). */
export async function findInvitation(pool: pg.Pool, token: string): Promise<{ id: number; email: string; role: Role } | null> {
  if (!looksLikeToken(token, "inv")) return null;
  return accounts.openInvitation(pool, digest(token));
}

/** The invited person chooses a password: the account exists from then on. Null when the link is no longer valid. */
export async function acceptInvitation(pool: pg.Pool, token: string, input: { password: string; name?: string | null }): Promise<AuthUser | null> {
  checkPassword(input.password);
  const invitation = await findInvitation(pool, token);
  if (!invitation) return null;
  return accounts.acceptInvitationRecord(pool, invitation, { name: input.name?.trim() || null, passwordHash: await hashPassword(input.password) });
}

/** An admin removes an account (its sessions, tokens and links go with it); not their own. */
export async function removeUser(pool: pg.Pool, admin: AuthUser, userId: number): Promise<void> {
  if (admin.role !== "admin") throw new ForbiddenError("Only admins remove accounts.");
  if (admin.id === userId) throw new InputError("user", "you cannot remove your own account");
  await accounts.deleteUser(pool, userId);
}

/**
 * An admin gives another account a new role (admin, analyst or viewer); it holds from that account's next request.
 * Not their own: an admin who demoted themselves could leave the workspace without one.
 */
export async function changeRole(pool: pg.Pool, admin: AuthUser, userId: number, role: string): Promise<void> {
  if (admin.role !== "admin") throw new ForbiddenError("Only admins change roles.");
  if (admin.id === userId) throw new InputError("user", "you cannot change your own role");
  const parsed = accounts.ROLES.find((r) => r === role);
  if (!parsed) throw new InputError("role", `${JSON.stringify(role)} is not a role (admin, analyst or viewer)`);
  if (!(await accounts.setUserRole(pool, userId, parsed))) throw new InputError("user", `there is no account ${userId}`);
}

export async function changePassword(pool: pg.Pool, user: AuthUser, current: string, next: string): Promise<void> {
  const hash = await accounts.passwordHashOf(pool, user.id);
  if (!hash || !(await verifyPassword(current, hash))) throw new InputError("current", "this is not your current password");
  checkPassword(next, "password");
  // Every other browser signed in as this user is signed out.
  await accounts.setPasswordHash(pool, user.id, await hashPassword(next));
}
