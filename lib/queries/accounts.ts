import type pg from "pg";
import { z } from "zod";
import { sessionCheckPool } from "../db/pool";
import { inTransaction } from "./transaction";

/**
 * Accounts as records (the data-access layer's repository for them): users,
 * sessions, personal API tokens and invitations. Secrets arrive here already
 * digested (lib/auth/tokens.ts, lib/auth/password.ts): no plain token or
 * password is ever written. Every row is checked at this edge (zod).
 */
export const ROLES = ["admin", "analyst", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const User = z.object({ id: z.number(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES) });
export type AuthUser = z.infer<typeof User>;

const USER_COLUMNS = "u.id, u.email, u.name, u.role::text as role";

const ApiToken = z.object({ id: z.number(), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() });
export type ApiTokenSummary = z.infer<typeof ApiToken>;
const API_TOKEN_COLUMNS = `id, name, prefix, created_at::text as "createdAt", last_used_at::text as "lastUsedAt"`;

const Member = User.extend({ createdAt: z.string() });
export type Member = z.infer<typeof Member>;

const Invitation = z.object({ id: z.number(), email: z.string(), role: z.enum(ROLES), createdAt: z.string(), expiresAt: z.string() });
export type InvitationSummary = z.infer<typeof Invitation>;
const OpenInvitation = Invitation.pick({ id: true, email: true, role: true });

const one = <T>(schema: z.ZodType<T>, rows: unknown[]): T | null => (rows[0] === undefined ? null : schema.parse(rows[0]));

export async function countUsers(db: pg.Pool | pg.ClientBase): Promise<number> {
  const { rows } = await db.query("select count(*)::int as n from users");
  return z.object({ n: z.number() }).parse(rows[0]).n;
}

/** The first admin, only while there is no account at all (two at once: one wins). Null when an account exists. */
export async function insertFirstAdmin(pool: pg.Pool, user: { email: string; name: string | null; passwordHash: string }): Promise<AuthUser | null> {
  return inTransaction(pool, async (client) => {
    await client.query("lock table users in share row exclusive mode");
    // role without ::text: pg passes an enum as its text, and Citus refuses a cast that is not IMMUTABLE in RETURNING.
    const { rows } = await client.query(
      `insert into users (email, name, role, password_hash) select $1, $2, 'admin', $3
       where not exists (select 1 from users) returning id, email, name, role`,
      [user.email, user.name, user.passwordHash],
    );
    return one(User, rows);
  });
}

export async function userWithPasswordByEmail(db: pg.Pool, email: string): Promise<(AuthUser & { passwordHash: string }) | null> {
  const { rows } = await db.query(`select ${USER_COLUMNS}, u.password_hash as "passwordHash" from users u where u.email = $1`, [email]);
  return one(User.extend({ passwordHash: z.string() }), rows);
}

export async function passwordHashOf(db: pg.Pool, userId: number): Promise<string | null> {
  const { rows } = await db.query("select password_hash from users where id = $1", [userId]);
  return one(z.object({ password_hash: z.string() }), rows)?.password_hash ?? null;
}

/** A new password: every session of the account ends with it. */
export async function setPasswordHash(pool: pg.Pool, userId: number, passwordHash: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query("update users set password_hash = $2 where id = $1", [userId, passwordHash]);
    await client.query("delete from sessions where user_id = $1", [userId]);
  });
}

export async function listUsers(db: pg.Pool): Promise<Member[]> {
  const { rows } = await db.query(`select ${USER_COLUMNS}, u.created_at::text as "createdAt" from users u order by u.id`);
  return rows.map((r) => Member.parse(r));
}

export async function emailTaken(db: pg.Pool, email: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from users where email = $1", [email]);
  return (rowCount ?? 0) > 0;
}

/** A new role for an account; true when the account exists. Its sessions keep going: the role is read with each request. */
export async function setUserRole(db: pg.Pool, userId: number, role: Role): Promise<boolean> {
  const { rowCount } = await db.query("update users set role = $2 where id = $1", [userId, role]);
  return rowCount === 1;
}

export async function deleteUser(db: pg.Pool, userId: number): Promise<void> {
  await db.query("delete from users where id = $1", [userId]);
}

// --- Addresses signed in from (sign-in throttling's known addresses) ---

/** Whether the account of this email signed in from this address within the last `days` days. */
export async function signedInFrom(db: pg.Pool, email: string, address: string, days: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `select 1 from sign_in_addresses a join users u on u.id = a.user_id
     where u.email = $1 and a.address = $2 and a.last_success_at > now() - make_interval(days => $3)`,
    [email, address, days],
  );
  return (rowCount ?? 0) > 0;
}

export async function rememberSignInAddress(db: pg.Pool, userId: number, address: string): Promise<void> {
  await db.query(
    // The inserted row's default time, not now() in DO UPDATE SET, which Citus refuses.
    `insert into sign_in_addresses (user_id, address) values ($1, $2)
     on conflict (user_id, address) do update set last_success_at = excluded.last_success_at`,
    [userId, address],
  );
}

// --- Sessions ---

export async function insertSession(db: pg.Pool, tokenHash: string, userId: number, days: number): Promise<Date> {
  const { rows } = await db.query(`insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + make_interval(days => $3)) returning expires_at`, [tokenHash, userId, days]);
  return z.object({ expires_at: z.date() }).parse(rows[0]).expires_at;
}

/** The session's user. On connections of their own (sessionCheckPool): every request checks first, and does not queue behind pages' queries. */
export async function userBySession(db: pg.Pool, tokenHash: string): Promise<AuthUser | null> {
  const { rows } = await sessionCheckPool(db).query(`select ${USER_COLUMNS} from sessions s join users u on u.id = s.user_id where s.token_hash = $1 and s.expires_at > now()`, [tokenHash]);
  return one(User, rows);
}

export async function deleteSession(db: pg.Pool, tokenHash: string): Promise<void> {
  await db.query("delete from sessions where token_hash = $1", [tokenHash]);
}

// --- Personal API tokens ---

/** The token's user; its last use is written at most once a minute (a script's every request is not a write). On sessionCheckPool's connections, as userBySession. */
export async function userByApiToken(db: pg.Pool, tokenHash: string): Promise<AuthUser | null> {
  const { rows } = await sessionCheckPool(db).query(
    `with touched as (
       update api_tokens set last_used_at = now()
       where token_hash = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')
     )
     select ${USER_COLUMNS} from api_tokens t join users u on u.id = t.user_id where t.token_hash = $1`,
    [tokenHash],
  );
  return one(User, rows);
}

export async function insertApiToken(db: pg.Pool, token: { tokenHash: string; prefix: string; name: string; userId: number }): Promise<ApiTokenSummary> {
  // Read back by id: Citus refuses the columns' ::text casts (not IMMUTABLE) in RETURNING.
  const inserted = await db.query(`insert into api_tokens (token_hash, prefix, name, user_id) values ($1, $2, $3, $4) returning id`, [
    token.tokenHash,
    token.prefix,
    token.name,
    token.userId,
  ]);
  const { rows } = await db.query(`select ${API_TOKEN_COLUMNS} from api_tokens where id = $1`, [z.object({ id: z.number() }).parse(inserted.rows[0]).id]);
  return ApiToken.parse(rows[0]);
}

export async function listApiTokens(db: pg.Pool, userId: number): Promise<ApiTokenSummary[]> {
  const { rows } = await db.query(`select ${API_TOKEN_COLUMNS} from api_tokens where user_id = $1 order by id desc`, [userId]);
  return rows.map((r) => ApiToken.parse(r));
}

export async function deleteApiToken(db: pg.Pool, userId: number, id: number): Promise<boolean> {
  const { rowCount } = await db.query("delete from api_tokens where id = $1 and user_id = $2", [id, userId]);
  return rowCount === 1;
}

// --- Invitations ---

export async function insertInvitation(db: pg.Pool, invitation: { tokenHash: string; email: string; role: Role; invitedBy: number; days: number }): Promise<void> {
  await db.query(`insert into invitations (token_hash, email, role, invited_by, expires_at) values ($1, $2, $3, $4, now() + make_interval(days => $5))`, [
    invitation.tokenHash,
    invitation.email,
    invitation.role,
    invitation.invitedBy,
    invitation.days,
  ]);
}

export async function listInvitations(db: pg.Pool): Promise<InvitationSummary[]> {
  const { rows } = await db.query(
    `select id, email, role::text as role, created_at::text as "createdAt", expires_at::text as "expiresAt"
     from invitations where accepted_at is null and expires_at > now() order by id desc`,
  );
  return rows.map((r) => Invitation.parse(r));
}

export async function deleteOpenInvitation(db: pg.Pool, id: number): Promise<void> {
  await db.query("delete from invitations where id = $1 and accepted_at is null", [id]);
}

/** The open invitation behind a token's digest, or null (unknown, used or expired). */
export async function openInvitation(db: pg.Pool, tokenHash: string): Promise<z.infer<typeof OpenInvitation> | null> {
  const { rows } = await db.query("select id, email, role::text as role from invitations where token_hash = $1 and accepted_at is null and expires_at > now()", [tokenHash]);
  return one(OpenInvitation, rows);
}

/** Uses the invitation once and makes its account; null when it was used meanwhile or the email has an account. */
export async function acceptInvitationRecord(pool: pg.Pool, invitation: { id: number; email: string; role: Role }, user: { name: string | null; passwordHash: string }): Promise<AuthUser | null> {
  return inTransaction(pool, async (client, rollback) => {
    const used = await client.query("update invitations set accepted_at = now() where id = $1 and accepted_at is null", [invitation.id]);
    if (used.rowCount !== 1) return rollback(null);
    const { rows } = await client.query(
      `insert into users (email, name, role, password_hash) values ($1, $2, $3, $4)
       on conflict (email) do nothing returning id, email, name, role`,
      [invitation.email, user.name, invitation.role, user.passwordHash],
    );
    return rows.length ? one(User, rows) : rollback(null);
  });
}
