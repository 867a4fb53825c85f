import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { verifyPassword } from "../auth/password";
import { digest } from "../auth/tokens";
import {
  acceptInvitation,
  authenticate,
  changePassword,
  createApiToken,
  createFirstAdmin,
  createSession,
  deleteApiToken,
  endSession,
  findInvitation,
  inviteUser,
  removeUser,
  userForApiToken,
  userForSession,
  type AuthUser,
} from "./accounts";
import { LOGIN_RULE, ThrottledError } from "./throttle";

/** Accounts on a real PostgreSQL: the first admin, sign-in and its slowing down, sessions, API tokens, invitations. */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let admin: AuthUser;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_accounts");
  pool = db.pool;
});
afterAll(async () => {
  await db.close();
});

describe("the first admin", () => {
  test("is created once, with a lower-cased email and an scrypt hash, never the password", async () => {
    const [one, two] = await Promise.all([
      createFirstAdmin(pool, { email: " Ana@Example.com ", password: PASSWORD, name: "Ana" }),
      createFirstAdmin(pool, { email: "ana@example.com", password: PASSWORD, name: "Ana again" }),
    ]);
    const created = [one, two].filter(Boolean);
    expect(created).toHaveLength(1); // two setups at once: one wins
    admin = created[0]!;
    expect(admin.role).toBe("admin");
    const { rows } = await pool.query("select email, password_hash from users");
    expect(rows).toHaveLength(1);
    expect(rows[0].password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(rows[0].password_hash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, rows[0].password_hash)).toBe(true);
    expect(await verifyPassword("correct horse batterz", rows[0].password_hash)).toBe(false);
    expect(await createFirstAdmin(pool, { email: "late@example.com", password: PASSWORD })).toBeNull();
  });

  test("refuses a short password or a malformed email, naming the field", async () => {
    await expect(createFirstAdmin(pool, { email: "x@example.com", password: "short" })).rejects.toMatchObject({ field: "password" });
    await expect(createFirstAdmin(pool, { email: "not an email", password: PASSWORD })).rejects.toThrow(/email address/);
  });
});

describe("sign-in", () => {
  test("answers the user for the right pair (any case of the email), null otherwise", async () => {
    expect(await authenticate(pool, { email: "ANA@example.com", password: PASSWORD }, "10.0.0.1")).toMatchObject({ id: admin.id, email: "ana@example.com" });
    expect(await authenticate(pool, { email: "ana@example.com", password: "wrong password" }, "10.0.0.1")).toBeNull();
    expect(await authenticate(pool, { email: "nobody@example.com", password: PASSWORD }, "10.0.0.1")).toBeNull();
  });

  test("slows down per account after repeated failures, even from new addresses, and the right password waits too", async () => {
    await pool.query("delete from throttles");
    for (let i = 0; i < LOGIN_RULE.free; i++) expect(await authenticate(pool, { email: "ana@example.com", password: `guess ${i}` }, `10.1.0.${i}`)).toBeNull();
    // The next failure blocks the account for a second, then two, ...
    expect(await authenticate(pool, { email: "ana@example.com", password: "guess again" }, "10.1.1.1")).toBeNull();
    const blocked = authenticate(pool, { email: "ana@example.com", password: PASSWORD }, "10.1.1.2");
    await expect(blocked).rejects.toBeInstanceOf(ThrottledError);
    await expect(blocked).rejects.toMatchObject({ retryAfterSeconds: 1 });
    const { rows } = await pool.query("select key, failures from throttles order by key");
    expect(rows.find((r) => r.key === "login:account:ana@example.com")?.failures).toBe(LOGIN_RULE.free + 1);
    // Once the block has passed, the right password signs in and clears the account's count.
    await pool.query("update throttles set blocked_until = now() - interval '1 second'");
    expect(await authenticate(pool, { email: "ana@example.com", password: PASSWORD }, "10.1.1.2")).not.toBeNull();
    expect((await pool.query("select 1 from throttles where key = 'login:account:ana@example.com'")).rowCount).toBe(0);
  });

  test("slows down per address: one address guessing many accounts", async () => {
    await pool.query("delete from throttles");
    for (let i = 0; i <= LOGIN_RULE.free; i++) await authenticate(pool, { email: `user${i}@example.com`, password: "guess" }, "192.0.2.7");
    await expect(authenticate(pool, { email: "ana@example.com", password: PASSWORD }, "192.0.2.7")).rejects.toBeInstanceOf(ThrottledError);
    expect(await authenticate(pool, { email: "ana@example.com", password: PASSWORD }, "192.0.2.8")).not.toBeNull();
    await pool.query("delete from throttles");
  });
});

describe("sessions and API tokens", () => {
  test("a session opens until it ends or expires; only its digest is stored", async () => {
    const { token } = await createSession(pool, admin.id);
    expect(token).toMatch(/^ses_[A-Za-z0-9_-]{43}$/);
    expect((await pool.query("select 1 from sessions where token_hash = $1", [digest(token)])).rowCount).toBe(1);
    expect((await pool.query("select 1 from sessions where token_hash = $1", [token])).rowCount).toBe(0);
    expect(await userForSession(pool, token)).toMatchObject({ id: admin.id });
    expect(await userForSession(pool, `${token.slice(0, -2)}xx`)).toBeNull();
    await endSession(pool, token);
    expect(await userForSession(pool, token)).toBeNull();
    const second = await createSession(pool, admin.id);
    await pool.query("update sessions set expires_at = now() - interval '1 second' where token_hash = $1", [digest(second.token)]);
    expect(await userForSession(pool, second.token)).toBeNull();
  });

  test("an API token acts as its user until deleted, and records its last use", async () => {
    const { token, summary } = await createApiToken(pool, admin.id, "nightly export");
    expect(token.startsWith(summary.prefix)).toBe(true);
    expect(await userForApiToken(pool, token)).toMatchObject({ id: admin.id });
    expect((await pool.query("select last_used_at from api_tokens where id = $1", [summary.id])).rows[0].last_used_at).not.toBeNull();
    expect(await deleteApiToken(pool, admin.id + 1, summary.id)).toBe(false); // not someone else's
    expect(await deleteApiToken(pool, admin.id, summary.id)).toBe(true);
    expect(await userForApiToken(pool, token)).toBeNull();
    await expect(createApiToken(pool, admin.id, "  ")).rejects.toMatchObject({ field: "name" });
  });
});

describe("invitations", () => {
  test("an admin invites; the link works once and creates an analyst who can sign in", async () => {
    const { token } = await inviteUser(pool, admin, { email: "Bo@Example.com" });
    expect(await findInvitation(pool, token)).toMatchObject({ email: "bo@example.com", role: "analyst" });
    await expect(acceptInvitation(pool, token, { password: "short" })).rejects.toMatchObject({ field: "password" });
    const bo = await acceptInvitation(pool, token, { password: "another fine password", name: "Bo" });
    expect(bo).toMatchObject({ email: "bo@example.com", role: "analyst", name: "Bo" });
    expect(await acceptInvitation(pool, token, { password: "another fine password" })).toBeNull();
    expect(await authenticate(pool, { email: "bo@example.com", password: "another fine password" }, "10.2.0.1")).toMatchObject({ id: bo!.id });
    // Analysts do not invite; nobody is invited twice; admins do not remove themselves.
    await expect(inviteUser(pool, bo!, { email: "cy@example.com" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(inviteUser(pool, admin, { email: "bo@example.com" })).rejects.toMatchObject({ field: "email" });
    await expect(removeUser(pool, admin, admin.id)).rejects.toMatchObject({ field: "user" });
  });

  test("an expired invitation opens nothing", async () => {
    const { token } = await inviteUser(pool, admin, { email: "late@example.com" });
    await pool.query("update invitations set expires_at = now() - interval '1 second' where token_hash = $1", [digest(token)]);
    expect(await findInvitation(pool, token)).toBeNull();
    expect(await acceptInvitation(pool, token, { password: "another fine password" })).toBeNull();
  });

  test("removing an account ends its sessions; changing a password ends every session of the account", async () => {
    const bo = (await authenticate(pool, { email: "bo@example.com", password: "another fine password" }, "10.2.0.1"))!;
    const { token } = await createSession(pool, bo.id);
    await changePassword(pool, bo, "another fine password", "a brand new password");
    expect(await userForSession(pool, token)).toBeNull();
    await expect(changePassword(pool, bo, "wrong", "whatever long enough")).rejects.toMatchObject({ field: "current" });
    const again = await createSession(pool, bo.id);
    await removeUser(pool, admin, bo.id);
    expect(await userForSession(pool, again.token)).toBeNull();
  });
});
