import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { digest } from "../auth/tokens";
import { loadFiles } from "../ingest/load";
import { SAMPLE, sampleFiles } from "../sample";
import { createFirstAdmin, type AuthUser } from "./accounts";
import { runSegmentation } from "./segmentations";
import { checkSharePassword, createShare, listShares, recordShareView, resolveShare, revokeShare, sharePass } from "./shares";
import { LOGIN_ACCOUNT_RULE, LOGIN_PAIR_RULE, SHARE_MISS_RULE, ThrottledError } from "./throttle";
import { preparerFor } from "./preparation";
import { prepared } from "../../tests/support/reference-data";

/** Share links on a real PostgreSQL: what they pin, when they stop opening (revoked, expired), passwords, scanning. */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let user: AuthUser;
let datasetId: number;
let otherDatasetId: number;
let runId: number;
let otherRunId: number;

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_shares");
  pool = db.pool;
  user = (await createFirstAdmin(pool, { email: "ana@example.com", password: "correct horse battery" }))!;
  const files = sampleFiles();
  ({ datasetId } = await loadFiles(pool, { mode: "create", name: SAMPLE.name }, [{ fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } }]));
  ({ datasetId: otherDatasetId } = await loadFiles(pool, { mode: "create", name: "other" }, [
    { fileName: "t.csv", body: ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A1,Mug,2,2024-01-02 10:00,3.5,c1,France\n"], options: { kind: "transactions" } },
  ]));
  await Promise.all([prepared(pool, datasetId), prepared(pool, otherDatasetId)]);
  runId = (await runSegmentation(pool, datasetId, { method: "rfm" })).id;
  otherRunId = (await runSegmentation(pool, datasetId, { method: "kmeans", k: 3 })).id;
  await Promise.all([preparerFor(pool).prepareRun(runId), preparerFor(pool).prepareRun(otherRunId)]);
});
afterAll(async () => {
  await db.close();
});

describe("creating a share", () => {
  test("pins the dataset, the run and the view; the token has 256 random bits and only its digest is kept", async () => {
    const { token, share } = await createShare(pool, user, { datasetId, segmentationId: runId, view: { page: "run", compare: otherRunId } });
    expect(token).toMatch(/^shr_[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(share).toMatchObject({ datasetId, runId, view: { page: "run", compare: otherRunId }, status: "active", hasPassword: false, allowExport: false, views: 0 });
    const { rows } = await pool.query("select token_hash from shares where id = $1", [share.id]);
    expect(rows[0].token_hash).toBe(digest(token));
    const resolved = await resolveShare(pool, token, "10.0.0.1");
    expect(resolved).toMatchObject({ id: share.id, runId, datasetId });
  });

  test("defaults: a run's view without a view, the overview without a run", async () => {
    expect((await createShare(pool, user, { datasetId, segmentationId: runId })).share.view).toEqual({ page: "run" });
    const overview = (await createShare(pool, user, { datasetId })).share;
    expect(overview).toMatchObject({ view: { page: "overview", grain: "month" }, runId: null });
  });

  test("refuses what does not hold together, naming it", async () => {
    await expect(createShare(pool, user, { datasetId: otherDatasetId, segmentationId: runId })).rejects.toThrow(/has no segmentation/);
    await expect(createShare(pool, user, { datasetId, view: { page: "run" } })).rejects.toMatchObject({ field: "segmentationId" });
    await expect(createShare(pool, user, { datasetId, segmentationId: runId, view: { page: "segment", segmentNo: 999 } })).rejects.toThrow(/no segment 999/);
    await expect(createShare(pool, user, { datasetId, segmentationId: runId, view: { page: "run", compare: runId } })).rejects.toMatchObject({ field: "view.compare" });
    await expect(createShare(pool, user, { datasetId, expiresAt: "2020-01-01" })).rejects.toMatchObject({ field: "expiresAt" });
    await expect(createShare(pool, user, { datasetId, password: "abc" })).rejects.toMatchObject({ field: "password" });
    await expect(createShare(pool, user, { datasetId: 999_999 })).rejects.toThrow(/no dataset/);
  });
});

describe("when a link stops opening", () => {
  test("revoked: at once, by token or by id; unknown tokens look the same", async () => {
    const a = await createShare(pool, user, { datasetId, segmentationId: runId });
    expect(await revokeShare(pool, user, { token: a.token })).toBe(true);
    expect(await resolveShare(pool, a.token, "10.0.0.2")).toBeNull();
    expect(await revokeShare(pool, user, { token: a.token })).toBe(false);
    const b = await createShare(pool, user, { datasetId });
    expect(await revokeShare(pool, user, { id: b.share.id })).toBe(true);
    expect(await resolveShare(pool, b.token, "10.0.0.2")).toBeNull();
    expect(await resolveShare(pool, "shr_" + "x".repeat(43), "10.0.0.2")).toBeNull();
    expect(await resolveShare(pool, "garbage", "10.0.0.2")).toBeNull();
    const statuses = new Map((await listShares(pool)).map((s) => [s.id, s.status]));
    expect(statuses.get(a.share.id)).toBe("revoked");
  });

  test("expired: from the end of its expiry day (UTC), or the instant given", async () => {
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    const { token, share } = await createShare(pool, user, { datasetId, expiresAt: tomorrow });
    expect(share.expiresAt).toBe(`${tomorrow}T23:59:59Z`);
    expect(await resolveShare(pool, token, "10.0.0.3")).not.toBeNull();
    await pool.query("update shares set expires_at = now() - interval '1 second' where id = $1", [share.id]);
    expect(await resolveShare(pool, token, "10.0.0.3")).toBeNull();
    expect((await listShares(pool)).find((s) => s.id === share.id)?.status).toBe("expired");
    const soon = await createShare(pool, user, { datasetId, expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(await resolveShare(pool, soon.token, "10.0.0.3")).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await resolveShare(pool, soon.token, "10.0.0.3")).toBeNull();
  });

  test("many unknown tokens from one address slow that address down, not others", async () => {
    await pool.query("delete from throttles");
    const live = await createShare(pool, user, { datasetId });
    for (let i = 0; i <= SHARE_MISS_RULE.free; i++) expect(await resolveShare(pool, `shr_${String(i).padStart(43, "0")}`, "198.51.100.1")).toBeNull();
    await expect(resolveShare(pool, live.token, "198.51.100.1")).rejects.toBeInstanceOf(ThrottledError);
    expect(await resolveShare(pool, live.token, "198.51.100.2")).not.toBeNull();
    await pool.query("delete from throttles");
  });
});

describe("passwords and views", () => {
  test("a protected link opens with its password only; the pass is per link and changes with the password", async () => {
    const { token, share } = await createShare(pool, user, { datasetId, segmentationId: runId, password: "open sesame" });
    expect(share.hasPassword).toBe(true);
    const active = (await resolveShare(pool, token, "10.0.0.4"))!;
    expect(await checkSharePassword(pool, active, "open sesam", "10.0.0.4")).toBe(false);
    expect(await checkSharePassword(pool, active, "open sesame", "10.0.0.4")).toBe(true);
    const pass = await sharePass(pool, active);
    const other = (await resolveShare(pool, (await createShare(pool, user, { datasetId, password: "open sesame" })).token, "10.0.0.4"))!;
    expect(await sharePass(pool, other)).not.toBe(pass);
    await pool.query("update shares set password_hash = 'scrypt$1$1$1$aa$bb' where id = $1", [share.id]);
    expect(await sharePass(pool, (await resolveShare(pool, token, "10.0.0.4"))!)).not.toBe(pass);
  });

  test("wrong passwords are slowed down like sign-in: per visitor's address, and for the link only after many addresses", async () => {
    await pool.query("delete from throttles");
    const { token } = await createShare(pool, user, { datasetId, password: "open sesame" });
    const active = (await resolveShare(pool, token, "10.0.0.5"))!;
    for (let i = 0; i <= LOGIN_PAIR_RULE.free; i++) expect(await checkSharePassword(pool, active, `guess ${i}`, "10.0.5.1")).toBe(false);
    await expect(checkSharePassword(pool, active, "open sesame", "10.0.5.1")).rejects.toBeInstanceOf(ThrottledError);
    // Another visitor of the link is not locked out by the one guessing.
    expect(await checkSharePassword(pool, active, "open sesame", "10.0.5.2")).toBe(true);
    // Many addresses guessing (their failures and the first one's add up for the link) block it for new visitors.
    for (let i = 0; i <= LOGIN_ACCOUNT_RULE.free; i++) await checkSharePassword(pool, active, `guess ${i}`, `10.0.6.${i}`).catch((e: unknown) => expect(e).toBeInstanceOf(ThrottledError));
    await expect(checkSharePassword(pool, active, "open sesame", "10.0.5.3")).rejects.toBeInstanceOf(ThrottledError);
    await pool.query("delete from throttles");
  });

  test("views are counted with the time of the last one", async () => {
    const { token, share } = await createShare(pool, user, { datasetId });
    await recordShareView(pool, share.id);
    await recordShareView(pool, share.id);
    const listed = (await listShares(pool)).find((s) => s.id === share.id)!;
    expect(listed.views).toBe(2);
    expect(listed.lastViewedAt).not.toBeNull();
    expect(listed.createdBy).toBe("ana@example.com");
    expect(token.startsWith(listed.prefix)).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(token.slice(listed.prefix.length)); // the list shows a prefix, never the token
    expect(listed).not.toHaveProperty("passwordHash");
  });
});
