import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { ADMIN } from "./accounts";

/**
 * Issue 6's "done when": A signs in, runs a segmentation, shares it; B, with no
 * account, opens the link and sees the same segments and figures, and cannot
 * reach anything else (each attempt tried); A revokes; B's reload and data
 * requests answer 410 (Gone), and B's open page takes the view away. Then: the
 * upload, segmentation and export endpoints refuse requests without a session,
 * each one; API tokens; cross-site requests; expiry and password; sign-in
 * slowing down; sign-out.
 */
test.describe.configure({ mode: "serial" });

let sampleId = 0;
let runId = 0;
let otherRunId = 0;
let shareUrl = "";
let anonymous: BrowserContext;
let b: Page;

/** Figures of every segment card: what a reader compares. */
async function cards(page: Page): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const list = page.locator("[data-segment]");
  for (let i = 0; i < (await list.count()); i++) {
    const card = list.nth(i);
    out[(await card.getAttribute("data-segment"))!] = await card.locator("[data-figure]").allInnerTexts();
  }
  return out;
}

async function freshContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ storageState: { cookies: [], origins: [] } });
}

test("A signs in, runs a segmentation and shares it from the run page", async ({ browser, request }) => {
  const a = await (await freshContext(browser)).newPage();
  await a.goto("/");
  await expect(a).toHaveURL(/\/login$/);
  await a.getByLabel("Email").fill(ADMIN.email);
  await a.getByLabel("Password").fill(ADMIN.password);
  await a.getByRole("button", { name: "Sign in" }).click();
  await expect(a.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();

  const { datasets } = await (await request.get("/api/datasets")).json();
  sampleId = datasets.find((d: { isSample: boolean }) => d.isSample).id;
  otherRunId = (await (await request.post(`/api/datasets/${sampleId}/segmentations`, { data: { method: "kmeans", k: 4 } })).json()).id;
  await a.goto(`/datasets/${sampleId}/segmentations`);
  await a.getByRole("button", { name: /^Run/ }).click();
  await a.waitForURL(/\/runs\/\d+$/);
  runId = Number(new URL(a.url()).pathname.split("/").pop());

  await a.getByTestId("share-button").click();
  const dialog = a.getByTestId("share-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByTestId("share-create").click();
  shareUrl = await dialog.getByTestId("share-url").inputValue();
  expect(shareUrl).toMatch(/^http:\/\/localhost:\d+\/share\/shr_[A-Za-z0-9_-]{43}$/);
  await a.context().close();
});

test("B, with no account, opens the link and sees the same segments and figures", async ({ browser, page }) => {
  anonymous = await freshContext(browser);
  b = await anonymous.newPage();
  const response = await b.goto(shareUrl);
  expect(response?.status()).toBe(200);
  await expect(b.getByTestId("shared-badge")).toBeVisible();
  await page.goto(`/runs/${runId}`);
  const theirs = await cards(b);
  expect(Object.keys(theirs).length).toBeGreaterThan(3);
  expect(theirs).toEqual(await cards(page));
  await expect(b.getByTestId("insights")).toContainText(await page.getByTestId("insights").locator("li").first().innerText());
  // Read-only: nothing links into the workspace, no form, no export (the link does not allow it).
  const hrefs = await b.locator("a[href]").evaluateAll((links) => links.map((l) => l.getAttribute("href")!));
  expect(hrefs.filter((h) => !h.startsWith("#"))).toEqual([]);
  await expect(b.locator("form")).toHaveCount(0);
  await expect(b.getByTestId("members-csv")).toHaveCount(0);
  await expect(b.getByTestId("share-button")).toHaveCount(0);
});

test("B cannot reach any other dataset, page or action", async ({ page }) => {
  const token = new URL(shareUrl).pathname.split("/").pop()!;
  for (const path of ["/", `/datasets/${sampleId}`, `/datasets/${sampleId}/segmentations`, `/runs/${runId}`, `/runs/${otherRunId}`, `/runs/${runId}/segments/0`, `/runs/${runId}/customers`, "/upload", "/settings"]) {
    await b.goto(path);
    await expect(b, path).toHaveURL(/\/login(\?next=.*)?$/);
    await expect(b.getByRole("heading", { name: "Sign in" })).toBeVisible();
  }
  const api = anonymous.request;
  for (const path of ["/api/datasets", `/api/datasets/${sampleId}`, `/api/segmentations/${runId}`, `/api/segmentations/${runId}/members`, `/api/segmentations/${runId}/customers`, `/api/segmentations/${runId}/members.csv`, `/api/segmentations/${runId}/compare/${otherRunId}`, `/runs/${runId}/report.md`, "/api/shares", "/api/auth/me"]) {
    expect((await api.get(path)).status(), path).toBe(401);
  }
  expect((await api.post(`/api/datasets/${sampleId}/segmentations`, { data: { method: "rfm" } })).status()).toBe(401);
  expect((await api.post("/api/shares", { data: { datasetId: sampleId } })).status()).toBe(401);
  expect((await api.delete(`/api/shares/${token}`)).status()).toBe(401);
  expect((await api.delete(`/api/datasets/${sampleId}`)).status()).toBe(401);
  // The link's own data requests do not go beyond it: no customer rows or CSV (not allowed), no other run by parameter.
  expect((await api.get(`/share/${token}/members.csv`)).status()).toBe(404);
  expect((await api.get(`/share/${token}/customers?segment=0`)).status()).toBe(404);
  await b.goto(`${shareUrl}?compare=${otherRunId}`);
  await expect(b.getByTestId("segment-cards")).toBeVisible();
  await expect(b.getByTestId("compare")).toHaveCount(0);
  await b.goto(`${shareUrl.replace(token, `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)}`);
  await expect(b.getByRole("heading", { name: "Not found" })).toBeVisible();

  // A server action is a public endpoint: B replays A's "run a segmentation" action, with a forged session cookie
  // (past proxy.ts, which only looks for one), and the action itself refuses: nothing runs.
  await page.goto(`/datasets/${sampleId}/segmentations`);
  const [posted] = await Promise.all([page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]), page.getByRole("button", { name: /^Run/ }).click()]);
  await page.waitForURL(/\/runs\/\d+$/);
  const runsAfterA = await countRuns(page.request);
  const replay = await api.post(posted.url(), { headers: { cookie: `segmenta_session=ses_${"f".repeat(43)}`, origin: new URL(shareUrl).origin, "next-action": posted.headers()["next-action"]!, "content-type": posted.headers()["content-type"]!, accept: "text/x-component" }, data: posted.postDataBuffer()! });
  expect(replay.status()).toBeLessThan(500);
  expect(await countRuns(page.request)).toBe(runsAfterA);
});

async function countRuns(request: APIRequestContext): Promise<number> {
  const response = await request.get(`/api/datasets/${sampleId}/segmentations`);
  expect(response.status()).toBe(200);
  return ((await response.json()).runs as unknown[]).length;
}

test("A revokes: B's reload, B's data requests and B's open page answer 410", async ({ page }) => {
  const token = new URL(shareUrl).pathname.split("/").pop()!;
  // B's page is open (the view on screen) while A revokes in Settings.
  await b.goto(shareUrl);
  await expect(b.getByTestId("segment-cards")).toBeVisible();
  await page.goto("/settings");
  const row = page.locator(`[data-share="${token.slice(0, 10)}"]`);
  await expect(row).toHaveAttribute("data-status", "active");
  expect(Number(await row.locator('[data-figure="views"]').innerText())).toBeGreaterThanOrEqual(2);
  await row.getByTestId("revoke-share").click();
  await expect(page.locator(`[data-share="${token.slice(0, 10)}"]`)).toHaveAttribute("data-status", "revoked");

  // The open page checks its link when it comes back to the front: the view goes away.
  await b.evaluate(() => window.dispatchEvent(new Event("focus")));
  await expect(b.getByTestId("share-gone")).toBeVisible();
  await expect(b.getByTestId("segment-cards")).toHaveCount(0);
  const api = anonymous.request;
  expect((await api.get(`/share/${token}/status`)).status()).toBe(410);
  expect((await api.get(`/share/${token}`, { headers: { rsc: "1" } })).status()).toBe(410);
  const reload = await b.reload();
  expect(reload?.status()).toBe(410);
  await expect(b.getByRole("heading", { name: "This link was revoked" })).toBeVisible();
  await anonymous.close();
});

test("the upload, segmentation and export endpoints refuse requests without a session, each one; a personal API token opens them", async ({ page, playwright, baseURL }) => {
  const outsider = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A1,Mug,2,2024-01-02 10:00,3.5,c1,France\n";
  const file = { name: "t.csv", mimeType: "text/csv", buffer: Buffer.from(csv) };
  const refused: [string, () => Promise<{ status(): number }>][] = [
    ["upload: new dataset", () => outsider.post("/api/datasets", { multipart: { name: "sneaky", file } })],
    ["upload: into a dataset", () => outsider.post(`/api/datasets/${sampleId}/imports`, { multipart: { mode: "append", file } })],
    ["upload: preview", () => outsider.post("/api/uploads/preview", { multipart: { file } })],
    ["segmentation", () => outsider.post(`/api/datasets/${sampleId}/segmentations`, { data: { method: "kmeans", k: 3 } })],
    ["lifetime value", () => outsider.post(`/api/datasets/${sampleId}/clv`, { data: { horizon: 12 } })],
    ["export: members CSV", () => outsider.get(`/api/segmentations/${runId}/members.csv`)],
    ["export: members", () => outsider.get(`/api/segmentations/${runId}/members`)],
    ["export: report", () => outsider.get(`/runs/${runId}/report.md`)],
    ["export: sample files", () => outsider.get("/samples/sample-transactions.csv")],
  ];
  const runsBefore = await countRuns(page.request);
  for (const [what, send] of refused) expect((await send()).status(), what).toBe(401);
  expect(await countRuns(page.request)).toBe(runsBefore);
  const { datasets } = await (await page.request.get("/api/datasets")).json();
  expect(datasets.map((d: { name: string }) => d.name)).not.toContain("sneaky");

  // A personal API token from Settings opens the same endpoints, for scripts.
  await page.goto("/settings");
  await page.getByTestId("token-form").getByLabel("Token name").fill("e2e script");
  await page.getByTestId("token-form").getByRole("button", { name: "Create token" }).click();
  const token = await page.getByTestId("new-token").inputValue();
  expect(token).toMatch(/^seg_/);
  const script = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await script.get(`/api/segmentations/${runId}/members.csv`)).status()).toBe(200);
  const created = await script.post(`/api/datasets/${sampleId}/segmentations`, { data: { method: "kmeans", k: 3 } });
  expect(created.status()).toBe(201);
  expect((await script.get("/api/auth/me")).status()).toBe(200);
  expect((await outsider.get("/api/auth/me", { headers: { authorization: `Bearer ${token}x` } })).status()).toBe(401);
  await script.dispose();
  await outsider.dispose();
});

test("requests that change data from another site are refused, even with a session", async ({ page }) => {
  const origin = { origin: "http://evil.example" };
  expect((await page.request.post(`/api/datasets/${sampleId}/segmentations`, { headers: origin, data: { method: "rfm" } })).status()).toBe(403);
  expect((await page.request.post("/api/shares", { headers: origin, data: { datasetId: sampleId } })).status()).toBe(403);
  expect((await page.request.delete(`/api/datasets/${sampleId}`, { headers: { "sec-fetch-site": "cross-site" } })).status()).toBe(403);
  expect((await page.request.get(`/api/datasets/${sampleId}`)).status()).toBe(200);
});

test("a link with a password opens with it only; a link with an expiry stops at it; a segment link shows that segment's rows only", async ({ page, browser }) => {
  const visitor = await freshContext(browser);
  const v = await visitor.newPage();
  // Password, from the Share dialog, with customer rows allowed.
  await page.goto(`/runs/${runId}/segments/0`);
  const segmentName = await page.getByTestId("segment-name").innerText();
  await page.getByTestId("share-button").click();
  const dialog = page.getByTestId("share-dialog");
  await dialog.getByTestId("share-password").fill("open sesame");
  await dialog.getByTestId("share-allow-export").check();
  await dialog.getByTestId("share-create").click();
  const url = await dialog.getByTestId("share-url").inputValue();
  const token = new URL(url).pathname.split("/").pop()!;
  await v.goto(url);
  await expect(v.getByRole("heading", { name: "This link is protected" })).toBeVisible();
  await expect(v.getByTestId("segment-name")).toHaveCount(0);
  expect((await visitor.request.get(`/share/${token}/customers`)).status()).toBe(401);
  await v.getByLabel("Password").fill("open sesam");
  await v.getByRole("button", { name: "Open" }).click();
  await expect(v.getByTestId("auth-error")).toContainText("not the password");
  await v.getByLabel("Password").fill("open sesame");
  await v.getByRole("button", { name: "Open" }).click();
  await expect(v.getByTestId("segment-name")).toHaveText(segmentName);
  // The segment's rows, from the link (which pins the segment whatever the query asks).
  const rows = await (await visitor.request.get(`/share/${token}/customers?segment=1&size=500`)).json();
  expect(rows.total).toBeGreaterThan(0);
  expect(new Set(rows.rows.map((r: { segment: string }) => r.segment))).toEqual(new Set([segmentName]));
  const csv = await (await visitor.request.get(`/share/${token}/members.csv?segment=Champions`)).text();
  expect(csv.trim().split("\n")).toHaveLength(rows.total + 1);
  // The table's links sort and page within the link; none leads into the workspace.
  const hrefs = await v.locator("a[href]").evaluateAll((links) => links.map((l) => l.getAttribute("href")!));
  expect(hrefs.filter((h) => !/^([?#]|\/share\/)/.test(h))).toEqual([]);

  // Expiry, through the API: open until the instant given, then 410 (Gone), like a revoked link.
  const response = await page.request.post("/api/shares", { data: { datasetId: sampleId, view: { page: "overview", grain: "week" }, expiresAt: new Date(Date.now() + 4000).toISOString() } });
  expect(response.status()).toBe(201);
  const shared = await response.json();
  expect(shared.url).toMatch(/\/share\/shr_/);
  expect((await v.goto(shared.url))?.status()).toBe(200);
  await expect(v.locator(".overview")).toHaveAttribute("data-grain", "week");
  await expect.poll(async () => (await visitor.request.get(`/share/${shared.token}/status`)).status()).toBe(410);
  expect((await v.reload())?.status()).toBe(410);
  const listed = (await (await page.request.get("/api/shares")).json()).shares.find((s: { id: number }) => s.id === shared.share.id);
  expect(listed.status).toBe("expired");
  await visitor.close();
});

test("sign-out ends the session: the old cookie opens nothing", async ({ browser }) => {
  const context = await freshContext(browser);
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();
  const cookie = (await context.cookies()).find((c) => c.name === "segmenta_session")!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);
  const replay = await context.request.get("/api/auth/me", { headers: { cookie: `segmenta_session=${cookie.value}` } });
  expect(replay.status()).toBe(401);
  await context.close();
});

test("repeated failed sign-ins slow down (429 with Retry-After), then the right password works again", async ({ playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const attempt = (password: string) => api.post("/api/auth/login", { data: { email: "nobody@example.com", password } });
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await attempt(`guess ${i}`)).status());
  expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
  const blocked = await attempt("guess again");
  expect(blocked.status()).toBe(429);
  expect(Number(blocked.headers()["retry-after"])).toBeGreaterThan(0);
  // This address is slowed down for every account for a moment; it passes.
  await expect
    .poll(async () => (await api.post("/api/auth/login", { data: { email: ADMIN.email, password: ADMIN.password } })).status(), { intervals: [1000] })
    .toBe(200);
  // The API's sign-in answers the session cookie, httpOnly and SameSite=Lax, which then opens the API.
  const signedIn = await api.post("/api/auth/login", { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(signedIn.headers()["set-cookie"]).toMatch(/^segmenta_session=ses_[A-Za-z0-9_-]{43};.*HttpOnly/i);
  expect(signedIn.headers()["set-cookie"]).toMatch(/SameSite=lax/i);
  expect((await api.get("/api/auth/me")).status()).toBe(200);
  await api.dispose();
});

test("an admin invites an analyst: the link works once, and the analyst sees the workspace's datasets", async ({ page, browser }) => {
  await page.goto("/settings");
  const form = page.getByTestId("invite-form");
  await form.getByLabel("Email").fill("bo@example.com");
  await form.getByRole("button", { name: "Invite" }).click();
  const url = await page.getByTestId("invite-url").inputValue();
  expect(url).toMatch(/\/invite\/inv_[A-Za-z0-9_-]{43}$/);
  const context = await freshContext(browser);
  const bo = await context.newPage();
  await bo.goto(url);
  await expect(bo.getByRole("heading", { name: "Join Segmenta" })).toContainText("Join");
  await bo.locator("input[name=password]").fill("bo's own password");
  await bo.locator("input[name=confirm]").fill("bo's own password");
  await bo.getByRole("button", { name: "Create my account" }).click();
  await expect(bo.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();
  await expect(bo.locator(".dataset-list li").first()).toBeVisible();
  await bo.goto("/settings");
  await expect(bo.getByTestId("signed-in-as")).toHaveText("bo@example.com");
  await expect(bo.getByTestId("members")).toHaveCount(0); // analysts do not manage people
  await bo.goto(url);
  await expect(bo.getByRole("heading", { name: "This invitation is no longer valid" })).toBeVisible();
  await context.close();
});
