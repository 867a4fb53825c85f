import type pg from "pg";
import { z } from "zod";
import { InputError } from "../errors";
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from "../auth/password";
import { digest, looksLikeToken, newToken } from "../auth/tokens";
import { blockedFor, clearFailures, LOGIN_RULE, recordFailure, ThrottledError } from "./throttle";

/**
 * Accounts of the workspace (one per installation; every account sees every
 * dataset), their sessions and personal API tokens, and admins' invitations.
 */
export type Role = "admin" | "analyst";

export interface AuthUser {
  id: number;
  email: string;
  name: string | null;
  role: Role;
}

export const SESSION_DAYS = 14;
const INVITATION_DAYS = 7;
const USER_COLUMNS = "u.id, u.email, u.name, u.role::text as role";

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

export async function countUsers(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from users");
  return rows[0]!.n;
}

/**
 * The first admin, only while there is no account at all (setup page, or
 * ADMIN_EMAIL and ADMIN_PASSWORD at start). Null when an account exists already.
 */
export async function createFirstAdmin(pool: pg.Pool, input: { email: string; password: string; name?: string | null }): Promise<AuthUser | null> {
  const email = Email.parse(input.email);
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("lock table users in share row exclusive mode"); // two setups at once: one wins
    const { rows } = await client.query<AuthUser>(
      `insert into users (email, name, role, password_hash) select $1, $2, 'admin', $3
       where not exists (select 1 from users) returning id, email, name, role::text as role`,
      [email, input.name?.trim() || null, passwordHash],
    );
    await client.query("commit");
    return rows[0] ?? null;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Checks an email and password, slowed down per account and per address after
 * repeated failures (ThrottledError). Null when they do not match.
 */
export async function authenticate(pool: pg.Pool, credentials: unknown, address: string): Promise<AuthUser | null> {
  const { email, password } = Credentials.parse(credentials);
  const keys = [`login:account:${email}`, `login:address:${address}`];
  const wait = await blockedFor(pool, keys);
  if (wait > 0) throw new ThrottledError(wait);
  const { rows } = await pool.query<AuthUser & { password_hash: string }>(`select ${USER_COLUMNS}, u.password_hash from users u where u.email = $1`, [email]);
  const found = rows[0];
  // Unknown accounts take as long as wrong passwords: the time does not tell which emails exist.
  const ok = await verifyPassword(password, found?.password_hash ?? (await dummyHash()));
  if (!found || !ok) {
    await recordFailure(pool, keys, LOGIN_RULE);
    return null;
  }
  await clearFailures(pool, [keys[0]!]);
  return { id: found.id, email: found.email, name: found.name, role: found.role };
}

export async function createSession(pool: pg.Pool, userId: number): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newToken("ses");
  const { rows } = await pool.query<{ expires_at: Date }>(
    `insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + make_interval(days => $3)) returning expires_at`,
    [hash, userId, SESSION_DAYS],
  );
  return { token, expiresAt: rows[0]!.expires_at };
}

export async function userForSession(pool: pg.Pool, token: string | undefined): Promise<AuthUser | null> {
  if (!token || !looksLikeToken(token, "ses")) return null;
  const { rows } = await pool.query<AuthUser>(
    `select ${USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.token_hash = $1 and s.expires_at > now()`,
    [digest(token)],
  );
  return rows[0] ?? null;
}

export async function endSession(pool: pg.Pool, token: string | undefined): Promise<void> {
  if (token) await pool.query("delete from sessions where token_hash = $1", [digest(token)]);
}

export async function userForApiToken(pool: pg.Pool, token: string): Promise<AuthUser | null> {
  if (!looksLikeToken(token, "seg")) return null;
  // The last use is written at most once a minute: a script's every request is not a write.
  const { rows } = await pool.query<AuthUser>(
    `with touched as (
       update api_tokens set last_used_at = now()
       where token_hash = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')
     )
     select ${USER_COLUMNS} from api_tokens t join users u on u.id = t.user_id where t.token_hash = $1`,
    [digest(token)],
  );
  return rows[0] ?? null;
}

export interface ApiTokenSummary {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export async function createApiToken(pool: pg.Pool, userId: number, name: string): Promise<{ token: string; summary: ApiTokenSummary }> {
  const label = name.trim();
  if (!label) throw new InputError("name", "name the token, e.g. after the script that uses it");
  if (label.length > 80) throw new InputError("name", "use at most 80 characters");
  const { token, hash, prefix } = newToken("seg");
  const { rows } = await pool.query<ApiTokenSummary>(
    `insert into api_tokens (token_hash, prefix, name, user_id) values ($1, $2, $3, $4)
     returning id, name, prefix, created_at::text as "createdAt", last_used_at::text as "lastUsedAt"`,
    [hash, prefix, label, userId],
  );
  return { token, summary: rows[0]! };
}

export async function listApiTokens(pool: pg.Pool, userId: number): Promise<ApiTokenSummary[]> {
  const { rows } = await pool.query<ApiTokenSummary>(
    `select id, name, prefix, created_at::text as "createdAt", last_used_at::text as "lastUsedAt" from api_tokens where user_id = $1 order by id desc`,
    [userId],
  );
  return rows;
}

export async function deleteApiToken(pool: pg.Pool, userId: number, id: number): Promise<boolean> {
  const { rowCount } = await pool.query("delete from api_tokens where id = $1 and user_id = $2", [id, userId]);
  return rowCount === 1;
}

export interface Member extends AuthUser {
  createdAt: string;
}

export async function listUsers(pool: pg.Pool): Promise<Member[]> {
  const { rows } = await pool.query<Member>(`select ${USER_COLUMNS}, u.created_at::text as "createdAt" from users u order by u.id`);
  return rows;
}

export interface InvitationSummary {
  id: number;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

/** An admin invites someone: answers the token of the link to hand them (valid 7 days, once). */
export async function inviteUser(pool: pg.Pool, admin: AuthUser, input: { email: string; role?: string }): Promise<{ token: string }> {
  if (admin.role !== "admin") throw new InputError("role", "only admins invite", "forbidden");
  const email = Email.parse(input.email);
  const role = input.role === "admin" ? "admin" : "analyst";
  const { rows } = await pool.query("select 1 from users where email = $1", [email]);
  if (rows.length) throw new InputError("email", `${email} has an account already`);
  const { token, hash } = newToken("inv");
  await pool.query(
    `insert into invitations (token_hash, email, role, invited_by, expires_at) values ($1, $2, $3, $4, now() + make_interval(days => $5))`,
    [hash, email, role, admin.id, INVITATION_DAYS],
  );
  return { token };
}

export async function listInvitations(pool: pg.Pool): Promise<InvitationSummary[]> {
  const { rows } = await pool.query<InvitationSummary>(
    `select id, email, role::text as role, created_at::text as "createdAt", expires_at::text as "expiresAt"
     from invitations where accepted_at is null and expires_at > now() order by id desc`,
  );
  return rows;
}

export async function revokeInvitation(pool: pg.Pool, id: number): Promise<void> {
  await pool.query("delete from invitations where id = $1 and accepted_at is null", [id]);
}

/** The open invitation behind a link, or null (unknown, used or expired). */
export async function findInvitation(pool: pg.Pool, token: string): Promise<{ id: number; email: string; role: Role } | null> {
  if (!looksLikeToken(token, "inv")) return null;
  const { rows } = await pool.query<{ id: number; email: string; role: Role }>(
    "select id, email, role::text as role from invitations where token_hash = $1 and accepted_at is null and expires_at > now()",
    [digest(token)],
  );
  return rows[0] ?? null;
}

/** The invited person chooses a password: the account exists from then on. Null when the link is no longer valid. */
export async function acceptInvitation(pool: pg.Pool, token: string, input: { password: string; name?: string | null }): Promise<AuthUser | null> {
  checkPassword(input.password);
  const invitation = await findInvitation(pool, token);
  if (!invitation) return null;
  const passwordHash = await hashPassword(input.password);
  const client = await pool.connect();
  try {
    await client.query("begin");
    const used = await client.query("update invitations set accepted_at = now() where id = $1 and accepted_at is null", [invitation.id]);
    if (used.rowCount !== 1) {
      await client.query("rollback");
      return null;
    }
    const { rows } = await client.query<AuthUser>(
      `insert into users (email, name, role, password_hash) values ($1, $2, $3, $4)
       on conflict (email) do nothing returning id, email, name, role::text as role`,
      [invitation.email, input.name?.trim() || null, invitation.role, passwordHash],
    );
    await client.query(rows.length ? "commit" : "rollback");
    return rows[0] ?? null;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** An admin removes an account (its sessions, tokens and links go with it); not their own. */
export async function removeUser(pool: pg.Pool, admin: AuthUser, userId: number): Promise<void> {
  if (admin.role !== "admin") throw new InputError("role", "only admins remove accounts", "forbidden");
  if (admin.id === userId) throw new InputError("user", "you cannot remove your own account");
  await pool.query("delete from users where id = $1", [userId]);
}

export async function changePassword(pool: pg.Pool, user: AuthUser, current: string, next: string): Promise<void> {
  const { rows } = await pool.query<{ password_hash: string }>("select password_hash from users where id = $1", [user.id]);
  if (!rows[0] || !(await verifyPassword(current, rows[0].password_hash))) throw new InputError("current", "this is not your current password");
  checkPassword(next, "password");
  await pool.query("update users set password_hash = $2 where id = $1", [user.id, await hashPassword(next)]);
  // Every other browser signed in as this user is signed out.
  await pool.query("delete from sessions where user_id = $1", [user.id]);
}
