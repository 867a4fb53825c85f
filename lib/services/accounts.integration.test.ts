import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { verifyPassword } from "../auth/password";
import { digest } from "../auth/tokens";
import {
  acceptInvitation,
  authenticate,
  changePassword,
  changeRole,
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
import { LOGIN_ACCOUNT_RULE, LOGIN_ADDRESS_RULE, LOGIN_PAIR_RULE, ThrottledError } from "./throttle";

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

  // Issue 17, item 8: the lockout is the (account, address) pair's; the looser counts across accounts and across
  // addresses do not apply where the account signed in before.
  const signIn = (email: string, password: string, address: string) => authenticate(pool, { email, password }, address);
  let dee: AuthUser;

  test("after repeated failures on one account from one address, only that pair waits; the owner elsewhere and other accounts there sign in", async () => {
    const { token } = await inviteUser(pool, admin, { email: "dee@example.com" });
    dee = (await acceptInvitation(pool, token, { password: "dee's own password" }))!;
    await pool.query("delete from throttles");
    for (let i = 0; i <= LOGIN_PAIR_RULE.free; i++) expect(await signIn("ana@example.com", `guess ${i}`, "203.0.113.1")).toBeNull();
    // The right password from the guessing address waits out the pair's block (1 s now): it is refused unchecked.
    const blocked = signIn("ana@example.com", PASSWORD, "203.0.113.1");
    await expect(blocked).rejects.toBeInstanceOf(ThrottledError);
    await expect(blocked).rejects.toMatchObject({ retryAfterSeconds: 1 });
    // The same account from another address, and another account from the same address, are not held up.
    expect(await signIn("ana@example.com", PASSWORD, "198.51.100.2")).toMatchObject({ id: admin.id });
    expect(await signIn("dee@example.com", "dee's own password", "203.0.113.1")).toMatchObject({ id: dee.id });
    // Once the block has passed, the right password signs in from the guessing address too and clears its pair.
    await pool.query("update throttles set blocked_until = now() - interval '1 second' where blocked_until is not null");
    expect(await signIn("ana@example.com", PASSWORD, "203.0.113.1")).toMatchObject({ id: admin.id });
    expect((await pool.query("select 1 from throttles where key = 'login:pair:ana@example.com from 203.0.113.1'")).rowCount).toBe(0);
  });

  test("a pair at the longest block stays there (one guess per block) instead of earning its free tries back", async () => {
    await pool.query("delete from throttles");
    for (let i = 0; i <= LOGIN_PAIR_RULE.free; i++) await signIn("ana@example.com", `guess ${i}`, "203.0.113.9");
    // Fifteen minutes pass: the last failure and the longest block (15 min) both ended just now.
    await pool.query(
      `update throttles set failures = 20, last_failure_at = now() - interval '15 minutes', blocked_until = now() - interval '1 second'
       where key = 'login:pair:ana@example.com from 203.0.113.9'`,
    );
    expect(await signIn("ana@example.com", "one more guess", "203.0.113.9")).toBeNull();
    await expect(signIn("ana@example.com", PASSWORD, "203.0.113.9")).rejects.toMatchObject({ retryAfterSeconds: LOGIN_PAIR_RULE.maxBlockSeconds });
    // A quiet window after the block's end starts the count again.
    await pool.query("update throttles set last_failure_at = now() - interval '31 minutes', blocked_until = now() - interval '16 minutes'");
    expect(await signIn("ana@example.com", "guess after a quiet while", "203.0.113.9")).toBeNull();
    expect((await pool.query("select failures from throttles where key = 'login:pair:ana@example.com from 203.0.113.9'")).rows[0].failures).toBe(1);
  });

  test("one address guessing over many accounts is slowed after the looser count, except for accounts that signed in from it", async () => {
    await pool.query("delete from throttles");
    expect(await signIn("dee@example.com", "dee's own password", "192.0.2.7")).not.toBeNull();
    for (let i = 0; i <= LOGIN_ADDRESS_RULE.free; i += 5) {
      await Promise.all([0, 1, 2, 3, 4].map((j) => signIn(`user${i + j}@example.com`, "Summer2026!", "192.0.2.7")));
    }
    await expect(signIn("ana@example.com", PASSWORD, "192.0.2.7")).rejects.toBeInstanceOf(ThrottledError);
    expect(await signIn("dee@example.com", "dee's own password", "192.0.2.7")).toMatchObject({ id: dee.id });
    expect(await signIn("ana@example.com", PASSWORD, "192.0.2.8")).toMatchObject({ id: admin.id });
  });

  test("one account guessed from many addresses: past the looser count new addresses wait, an address it signed in from does not", async () => {
    await pool.query("delete from throttles");
    expect(await signIn("ana@example.com", PASSWORD, "10.9.9.9")).not.toBeNull();
    for (let i = 0; i <= LOGIN_ACCOUNT_RULE.free; i += 3) {
      await Promise.all([0, 1, 2].map((j) => signIn("ana@example.com", `guess ${i + j}`, `10.3.0.${i + j}`)));
    }
    await expect(signIn("ana@example.com", PASSWORD, "10.3.1.1")).rejects.toBeInstanceOf(ThrottledError);
    expect(await signIn("ana@example.com", PASSWORD, "10.9.9.9")).toMatchObject({ id: admin.id });
    // Another account is not affected.
    expect(await signIn("dee@example.com", "dee's own password", "10.3.1.1")).toMatchObject({ id: dee.id });
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

  test("a session or token check answers while pages' queries hold every connection of the pool (issue 17, item 11)", async () => {
    // Under the soak, many pages rendered at once queued their queries for every connection, and a request
    // that needs only its session (GET /api/auth/me) waited a second behind them.
    const session = await createSession(pool, admin.id);
    const { token } = await createApiToken(pool, admin.id, "busy hours");
    const held = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
    const busy = held.map((client) => client.query("select pg_sleep(0.3)")); // each connection busy, more queued behind
    const queued = Array.from({ length: 8 }, () => pool.query("select pg_sleep(0.3)"));
    try {
      expect(pool.waitingCount).toBe(8);
      const inTime = <T>(check: Promise<T>) =>
        Promise.race([check, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("waited behind the pool's queue")), 2000))]);
      const started = performance.now();
      expect(await inTime(userForSession(pool, session.token))).toMatchObject({ id: admin.id });
      expect(await inTime(userForApiToken(pool, token))).toMatchObject({ id: admin.id });
      expect(pool.waitingCount).toBe(8); // answered before any of the queued queries had a connection
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      for (const client of held) client.release();
      await Promise.all([...busy, ...queued]);
    }
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

  test("an admin changes another account's role; it holds from that account's next request", async () => {
    const { token } = await inviteUser(pool, admin, { email: "ro@example.com", role: "viewer" });
    const ro = (await acceptInvitation(pool, token, { password: "another fine password" }))!;
    const session = await createSession(pool, ro.id);
    expect(await userForSession(pool, session.token)).toMatchObject({ role: "viewer" });
    await changeRole(pool, admin, ro.id, "analyst");
    expect(await userForSession(pool, session.token)).toMatchObject({ id: ro.id, role: "analyst" });
    // Only admins, never their own role, only the three roles, only existing accounts.
    await expect(changeRole(pool, ro, admin.id, "viewer")).rejects.toMatchObject({ code: "forbidden" });
    await expect(changeRole(pool, admin, admin.id, "viewer")).rejects.toMatchObject({ field: "user" });
    await expect(changeRole(pool, admin, ro.id, "owner")).rejects.toMatchObject({ field: "role" });
    await expect(changeRole(pool, admin, 987654, "viewer")).rejects.toMatchObject({ field: "user" });
    expect(await userForSession(pool, session.token)).toMatchObject({ role: "analyst" });
    await removeUser(pool, admin, ro.id);
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
