import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { loadFiles } from "../ingest/load";
import { deleteDataset } from "../services/datasets";
import { preparerFor } from "../services/preparation";
import { runSegmentation } from "../services/segmentations";
import { prepared } from "../../tests/support/reference-data";
import { migratedDatabase } from "../../tests/support/databases";
import { readPageVersions } from "./page-versions";
import { markRunPrepared } from "./preparation";

/**
 * The versions the page cache keys pages by (issue 17, item 11), on a real
 * database, moved by the real loader, preparation, runs and delete: each
 * change to dataset A moves A's version (its pages are rendered again) and
 * leaves B's as it was (B's pages stay in memory).
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let a: number;
let b: number;

const csv = (rows: string[]) => [`customer_id,date,amount\n${rows.join("\n")}\n`];
const load = async (target: Parameters<typeof loadFiles>[1], rows: string[]) => (await loadFiles(pool, target, [{ fileName: "orders.csv", body: csv(rows) }])).datasetId;
const ORDERS = ["c1,2024-01-05,10.00", "c2,2024-02-01,25.50", "c1,2024-03-09,7.25", "c3,2024-03-20,40.00", "c2,2024-04-02,12.00"];

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_page_versions");
  pool = db.pool;
  a = await prepared(pool, await load({ mode: "create", name: "A" }, ORDERS));
  b = await prepared(pool, await load({ mode: "create", name: "B" }, ORDERS));
});
afterAll(async () => {
  await db.close();
});

/** Does `change` move A's version, and keep B's and the shared one? */
async function moves(change: () => Promise<unknown>): Promise<{ a: boolean; b: boolean; shared: boolean }> {
  const before = await readPageVersions(pool);
  await change();
  const after = await readPageVersions(pool);
  return { a: before.datasets.get(a) !== after.datasets.get(a), b: before.datasets.get(b) !== after.datasets.get(b), shared: before.shared !== after.shared };
}

describe("page versions", () => {
  test("a load into A (an append) moves A's version only", async () => {
    expect(await moves(() => load({ mode: "append", datasetId: a }, ["c4,2024-05-01,3.00"]))).toEqual({ a: true, b: false, shared: false });
  });

  test("A's preparation moves A's version (every step: each says how far it got on A's pages), not B's", async () => {
    const seen = new Set<string>();
    const timer = setInterval(() => void readPageVersions(pool).then((v) => seen.add(`${v.datasets.get(a)}|${v.datasets.get(b)}`)), 5);
    const result = await moves(() => prepared(pool, a));
    clearInterval(timer);
    expect(result).toEqual({ a: true, b: false, shared: false });
    expect(new Set([...seen].map((s) => s.split("|")[1])).size).toBe(1);
  });

  test("a run of A, and its preparation, move A's version only; the versions name the run's dataset", async () => {
    let run = 0;
    expect(await moves(async () => (run = (await runSegmentation(pool, a, { method: "rfm" })).id))).toEqual({ a: true, b: false, shared: false });
    expect((await readPageVersions(pool)).runs.get(run)).toBe(a);
    expect(await moves(() => markRunPrepared(pool, run))).toEqual({ a: true, b: false, shared: false });
  });

  test("a session started or ended moves the shared version", async () => {
    const { rows } = await pool.query<{ id: number }>("insert into users (email, password_hash, role) values ('v@example.com', 'x', 'admin') returning id");
    expect((await moves(() => pool.query("insert into sessions (token_hash, user_id, expires_at) values ('h1', $1, now() + interval '1 day')", [rows[0]!.id]))).shared).toBe(true);
    expect((await moves(() => pool.query("delete from sessions where token_hash = 'h1'"))).shared).toBe(true);
  });

  test("the settings page's version moves with a link's view, its revoke and its expiry; freshUntil is the first expiry of a link or invitation", async () => {
    const { rows } = await pool.query<{ id: number }>("insert into users (email, password_hash, role) values ('s@example.com', 'x', 'admin') returning id");
    const user = rows[0]!.id;
    // An expiry as the database holds it, in epoch milliseconds, read after the insert: Citus refuses the non-IMMUTABLE
    // extract() in an INSERT's RETURNING on a reference table.
    const expiryMs = async (table: "shares" | "invitations", id: number) =>
      (await pool.query<{ ms: number | null }>(`select (extract(epoch from expires_at) * 1000)::float8 as ms from ${table} where id = $1`, [id])).rows[0]!.ms;
    const share = async (hash: string, expires: string | null) => {
      const { id } = (
        await pool.query<{ id: number }>(
          `insert into shares (token_hash, prefix, dataset_id, view, expires_at, created_by) values ($1, $1, $2, '{"page":"overview","grain":"month"}', now() + $3::interval, $4)
           returning id`,
          [hash, b, expires, user],
        )
      ).rows[0]!;
      return { id, ms: await expiryMs("shares", id) };
    };
    const settings = async () => (await readPageVersions(pool)).settings!;
    expect((await settings()).freshUntil).toBeNull();
    const soon = await share("shr_soon", "1.5 seconds");
    const later = await share("shr_later", "1 hour");
    await share("shr_never", null);
    const invitation = await pool.query<{ id: number }>(
      "insert into invitations (token_hash, email, role, invited_by, expires_at) values ('inv_h', 'i@example.com', 'viewer', $1, now() + interval '2 hours') returning id",
      [user],
    );
    const before = await settings();
    expect(before.freshUntil).toBe(soon.ms);
    await pool.query("update shares set views = views + 1, last_viewed_at = now() where id = $1", [later.id]);
    const viewed = await settings();
    expect(viewed.version).not.toBe(before.version);
    // Past the first link's expiry (the database's clock): the version moves, the next expiry is the other link's.
    let expired = viewed;
    while (expired.version === viewed.version) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expired = await settings();
    }
    expect(Date.now()).toBeGreaterThanOrEqual(soon.ms! - 50);
    expect(expired.freshUntil).toBe(later.ms);
    await pool.query("update shares set revoked_at = now() where id = $1", [later.id]);
    const revoked = await settings();
    expect(revoked.version).not.toBe(expired.version);
    expect(revoked.freshUntil).toBe(await expiryMs("invitations", invitation.rows[0]!.id));
  });

  test("the datasets' names digest (the upload page's version) moves with a dataset made, renamed or deleted; not with an append or a run", async () => {
    const lists = async () => (await readPageVersions(pool)).lists;
    const first = await lists();
    await load({ mode: "append", datasetId: b }, ["c5,2024-05-02,4.00"]);
    await runSegmentation(pool, b, { method: "rfm" });
    expect(await lists()).toBe(first);
    const c = await load({ mode: "create", name: "C" }, ORDERS);
    const made = await lists();
    expect(made).not.toBe(first);
    await pool.query("update datasets set name = 'C, renamed' where id = $1", [c]);
    const renamed = await lists();
    expect(renamed).not.toBe(made);
    await deleteDataset(pool, c);
    expect(await lists()).toBe(first);
  });

  test("A deleted: its version and its runs are gone, B's is as it was", async () => {
    // The run of B above is prepared in the background; its end moves B's version, so wait for it first.
    await preparerFor(pool).idle();
    const before = await readPageVersions(pool);
    await deleteDataset(pool, a);
    const after = await readPageVersions(pool);
    expect(after.datasets.has(a)).toBe(false);
    expect([...after.runs.values()]).not.toContain(a);
    expect(after.datasets.get(b)).toBe(before.datasets.get(b));
  });
});
