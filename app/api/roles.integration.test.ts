import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { prepared } from "../../tests/support/reference-data";
import { loadFiles } from "@/lib/ingest/load";
import { acceptInvitation, createApiToken, createFirstAdmin, inviteUser, type AuthUser } from "@/lib/services/accounts";
import { runSegmentation } from "@/lib/services/segmentations";
import { createShare } from "@/lib/services/shares";
import { setViewersMayExport } from "@/lib/services/workspace-settings";
import { GET as listDatasetsRoute, POST as uploadRoute } from "./datasets/route";
import { DELETE as deleteDatasetRoute, GET as datasetRoute } from "./datasets/[id]/route";
import { POST as importRoute } from "./datasets/[id]/imports/route";
import { POST as clvRoute } from "./datasets/[id]/clv/route";
import { POST as runRoute } from "./datasets/[id]/segmentations/route";
import { POST as previewRoute } from "./uploads/preview/route";
import { POST as shareRoute } from "./shares/route";
import { DELETE as revokeRoute } from "./shares/[token]/route";
import { GET as membersCsvRoute } from "./segmentations/[id]/members.csv/route";
import { GET as runReadRoute } from "./segmentations/[id]/route";
import { GET as reportRoute } from "../(app)/runs/[id]/report.md/route";

/**
 * Roles through the real route handlers on a real PostgreSQL (issue 17, item 9): a viewer reads and is
 * refused every change (403 with a message), downloads only when an admin allows it; only a link's maker
 * or an admin revokes it; only a dataset's uploader or an admin deletes it.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
const people: Record<"admin" | "ana" | "bo" | "vic", { user: AuthUser; token: string }> = {} as never;
let datasetId: number;
let runId: number;

const CSV = [
  "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
  ...Array.from({ length: 24 }, (_, i) => `${1000 + i},A${i % 3},Mug,${1 + (i % 4)},2024-0${1 + (i % 6)}-1${i % 9} 10:00,${(2 + i % 5).toFixed(2)},c${i % 8},France`),
].join("\n") + "\n";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call(handler: Handler, who: keyof typeof people, method: string, path: string, params: Record<string, string> = {}, body?: BodyInit): Promise<Response> {
  const request = new Request(`http://localhost${path}`, { method, body, headers: { authorization: `Bearer ${people[who].token}`, ...(typeof body === "string" ? { "content-type": "application/json" } : {}) } });
  return handler(request, { params: Promise.resolve(params) });
}
const upload = () => {
  const form = new FormData();
  form.set("name", "uploaded");
  form.set("file", new Blob([CSV], { type: "text/csv" }), "t.csv");
  return form;
};
async function refused(response: Response, message: RegExp) {
  expect(response.status).toBe(403);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe("forbidden");
  expect(error.message).toMatch(message);
}

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_roles");
  pool = db.pool;
  (globalThis as { __segmentaPool?: pg.Pool }).__segmentaPool = pool; // the route handlers' getPool()
  const admin = (await createFirstAdmin(pool, { email: "admin@example.com", password: "correct horse battery" }))!;
  const invited = async (email: string, role: string) => acceptInvitation(pool, (await inviteUser(pool, admin, { email, role })).token, { password: "another fine password" });
  const users = { admin, ana: (await invited("ana@example.com", "analyst"))!, bo: (await invited("bo@example.com", "analyst"))!, vic: (await invited("vic@example.com", "viewer"))! };
  expect(users.vic.role).toBe("viewer");
  for (const [key, user] of Object.entries(users)) people[key as keyof typeof people] = { user, token: (await createApiToken(pool, user.id, "test")).token };
  ({ datasetId } = await loadFiles(pool, { mode: "create", name: "loaded before uploaders" }, [{ fileName: "t.csv", body: [CSV], options: { kind: "transactions" } }]));
  await prepared(pool, datasetId);
  runId = (await runSegmentation(pool, datasetId, { method: "rfm", bins: 2 })).id;
});
afterAll(async () => {
  delete (globalThis as { __segmentaPool?: pg.Pool }).__segmentaPool;
  await db.close();
});

describe("a viewer", () => {
  test("reads datasets and runs", async () => {
    expect((await call(listDatasetsRoute as Handler, "vic", "GET", "/api/datasets")).status).toBe(200);
    expect((await call(datasetRoute as Handler, "vic", "GET", `/api/datasets/${datasetId}`, { id: String(datasetId) })).status).toBe(200);
    expect((await call(runReadRoute as Handler, "vic", "GET", `/api/segmentations/${runId}`, { id: String(runId) })).status).toBe(200);
  });

  test("is refused every change with 403 and a message, and nothing changes", async () => {
    const id = { id: String(datasetId) };
    const readsOnly = /viewer's account only reads/;
    await refused(await call(uploadRoute as Handler, "vic", "POST", "/api/datasets", {}, upload()), readsOnly);
    await refused(await call(importRoute as Handler, "vic", "POST", `/api/datasets/${datasetId}/imports`, id, upload()), readsOnly);
    await refused(await call(previewRoute as Handler, "vic", "POST", "/api/uploads/preview?fileName=t.csv", {}, CSV), readsOnly);
    await refused(await call(runRoute as Handler, "vic", "POST", `/api/datasets/${datasetId}/segmentations`, id, JSON.stringify({ method: "rfm" })), readsOnly);
    await refused(await call(clvRoute as Handler, "vic", "POST", `/api/datasets/${datasetId}/clv`, id, JSON.stringify({})), readsOnly);
    await refused(await call(shareRoute as Handler, "vic", "POST", "/api/shares", {}, JSON.stringify({ datasetId })), readsOnly);
    await refused(await call(deleteDatasetRoute as Handler, "vic", "DELETE", `/api/datasets/${datasetId}`, id), readsOnly);
    const { token } = await createShare(pool, people.ana.user, { datasetId });
    await refused(await call(revokeRoute as Handler, "vic", "DELETE", `/api/shares/${token}`, { token }), readsOnly);
    // Nothing was made, run, shared, revoked or deleted.
    const counts = await pool.query(
      `select (select count(*) from datasets)::int as datasets, (select count(*) from segmentation_runs)::int as runs,
              (select count(*) from shares)::int as shares, (select count(*) from shares where revoked_at is not null)::int as revoked`,
    );
    expect(counts.rows[0]).toEqual({ datasets: 1, runs: 1, shares: 1, revoked: 0 });
  });

  test("downloads only once an admin allows it", async () => {
    const params = { id: String(runId) };
    await refused(await call(membersCsvRoute as Handler, "vic", "GET", `/api/segmentations/${runId}/members.csv`, params), /admin can allow it/);
    await refused(await call(reportRoute as Handler, "vic", "GET", `/runs/${runId}/report.md`, params), /admin can allow it/);
    const analysts = await call(membersCsvRoute as Handler, "ana", "GET", `/api/segmentations/${runId}/members.csv`, params);
    expect(analysts.status).toBe(200);
    await analysts.text(); // a CSV streams from a cursor: read it to the end, or its connection stays taken
    await expect(setViewersMayExport(pool, people.ana.user, true)).rejects.toMatchObject({ code: "forbidden" });
    await setViewersMayExport(pool, people.admin.user, true);
    const csv = await call(membersCsvRoute as Handler, "vic", "GET", `/api/segmentations/${runId}/members.csv`, params);
    expect(csv.status).toBe(200);
    expect((await csv.text()).split("\n").filter(Boolean).length).toBe(1 + 8); // the header and the file's 8 customers
    const report = await call(reportRoute as Handler, "vic", "GET", `/runs/${runId}/report.md`, params);
    expect(report.status).toBe(200);
    expect(await report.text()).toMatch(/^# loaded before uploaders: RFM/);
    await setViewersMayExport(pool, people.admin.user, false);
    expect((await call(reportRoute as Handler, "vic", "GET", `/runs/${runId}/report.md`, params)).status).toBe(403);
  });
});

describe("share links", () => {
  test("only their maker or an admin revokes them: another analyst gets 403", async () => {
    const one = await createShare(pool, people.ana.user, { datasetId });
    await refused(await call(revokeRoute as Handler, "bo", "DELETE", `/api/shares/${one.token}`, { token: one.token }), /person who made this link, or an admin/);
    expect((await pool.query("select revoked_at from shares where id = $1", [one.share.id])).rows[0].revoked_at).toBeNull();
    expect((await call(revokeRoute as Handler, "ana", "DELETE", `/api/shares/${one.token}`, { token: one.token })).status).toBe(204);
    const two = await createShare(pool, people.ana.user, { datasetId });
    expect((await call(revokeRoute as Handler, "admin", "DELETE", `/api/shares/${two.token}`, { token: two.token })).status).toBe(204);
  });
});

describe("deleting a dataset", () => {
  test("its uploader or an admin may; another analyst gets 403; one loaded before uploaders were recorded, only an admin", async () => {
    const created = await call(uploadRoute as Handler, "ana", "POST", "/api/datasets", {}, upload());
    expect(created.status).toBe(201);
    const { datasetId: anas } = (await created.json()) as { datasetId: number };
    expect((await pool.query("select created_by from datasets where id = $1", [anas])).rows[0].created_by).toBe(people.ana.user.id);
    await refused(await call(deleteDatasetRoute as Handler, "bo", "DELETE", `/api/datasets/${anas}`, { id: String(anas) }), /analyst who uploaded this dataset, or an admin/);
    await refused(await call(deleteDatasetRoute as Handler, "ana", "DELETE", `/api/datasets/${datasetId}`, { id: String(datasetId) }), /Only an admin may delete this dataset/);
    expect((await call(deleteDatasetRoute as Handler, "ana", "DELETE", `/api/datasets/${anas}`, { id: String(anas) })).status).toBe(204);
    expect((await call(deleteDatasetRoute as Handler, "admin", "DELETE", `/api/datasets/${datasetId}`, { id: String(datasetId) })).status).toBe(204);
    expect((await pool.query("select count(*)::int as n from datasets")).rows[0].n).toBe(0);
  });
});
