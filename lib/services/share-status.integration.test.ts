import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { loadFiles } from "../ingest/load";
import { createFirstAdmin, type AuthUser } from "./accounts";
import { createShare, goneShare, resolveShare, revokeShare, sharePageStatus } from "./shares";
import { SHARE_MISS_RULE } from "./throttle";

/** What a share page answers (proxy.ts sets it before the page renders), on a real PostgreSQL. */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let user: AuthUser;
let datasetId: number;

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_share_status");
  pool = db.pool;
  user = (await createFirstAdmin(pool, { email: "ana@example.com", password: "correct horse battery" }))!;
  ({ datasetId } = await loadFiles(pool, { mode: "create", name: "shop" }, [
    { fileName: "t.csv", body: ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A1,Mug,2,2024-01-02 10:00,3.5,c1,France\n"], options: { kind: "transactions" } },
  ]));
});
afterAll(async () => {
  await db.close();
});

describe("sharePageStatus", () => {
  test("200 live, 410 revoked or expired (with why and when), 404 never a link; it counts nothing", async () => {
    const live = await createShare(pool, user, { datasetId });
    const revoked = await createShare(pool, user, { datasetId });
    await revokeShare(pool, user, { token: revoked.token });
    const expired = await createShare(pool, user, { datasetId });
    await pool.query("update shares set expires_at = now() - interval '1 minute' where id = $1", [expired.share.id]);
    const unknown = `shr_${"Q".repeat(43)}`;
    expect(await sharePageStatus(pool, live.token, "10.1.0.1")).toEqual({ status: 200 });
    expect(await sharePageStatus(pool, revoked.token, "10.1.0.1")).toEqual({ status: 410 });
    expect(await sharePageStatus(pool, expired.token, "10.1.0.1")).toEqual({ status: 410 });
    expect(await sharePageStatus(pool, unknown, "10.1.0.1")).toEqual({ status: 404 });
    expect(await sharePageStatus(pool, "not-a-token", "10.1.0.1")).toEqual({ status: 404 });
    expect(await goneShare(pool, revoked.token)).toMatchObject({ reason: "revoked", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(await goneShare(pool, expired.token)).toMatchObject({ reason: "expired" });
    expect(await goneShare(pool, live.token)).toBeNull();
    expect(await goneShare(pool, unknown)).toBeNull();
    const { rows } = await pool.query("select count(*)::int as n from throttles");
    expect(rows[0].n).toBe(0);
  });

  test("429 with the wait for an address past its free misses; a gone link reloaded is no miss", async () => {
    await pool.query("delete from throttles");
    const live = await createShare(pool, user, { datasetId });
    const revoked = await createShare(pool, user, { datasetId });
    await revokeShare(pool, user, { token: revoked.token });
    // Reloading a revoked link, many times: its holder had it; nothing is counted against the address.
    for (let i = 0; i <= SHARE_MISS_RULE.free + 5; i++) expect(await resolveShare(pool, revoked.token, "10.1.0.2")).toBeNull();
    expect(await sharePageStatus(pool, live.token, "10.1.0.2")).toEqual({ status: 200 });
    // Tokens that never named a link are counted: one past the free ones blocks the address.
    for (let i = 0; i <= SHARE_MISS_RULE.free; i++) await resolveShare(pool, `shr_${String(i).padStart(43, "0")}`, "10.1.0.2");
    const blocked = await sharePageStatus(pool, live.token, "10.1.0.2");
    expect(blocked.status).toBe(429);
    expect(blocked.retryAfter).toBeGreaterThan(0);
    expect(await sharePageStatus(pool, live.token, "10.1.0.3")).toEqual({ status: 200 });
  });
});
