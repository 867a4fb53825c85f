import { expect, test, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";

/**
 * Issue 17, items 3-6 and two of 18, over HTTP against the real server: the security headers on every kind
 * of answer and a Content-Security-Policy the pages live with (no violation in the console, charts and PNG
 * export included; no framing); escaped reports and CSV cells; a server action from another site refused
 * with 403; every page that takes an id answering 404 for a missing one, a revoked or expired share link
 * 410 with a page that says so, a throttled one 429; the icon.
 */
test.describe.configure({ mode: "serial" });

const HOSTILE = "<script>alert(1)</script> [click](javascript:alert(2)) | *x*";
// Three customers whose ids a spreadsheet would run as formulas, and two plain ones.
const CSV = [
  "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
  '1,A1,<b>Mug</b>,2,2024-01-02 10:00,3.5,"=HYPERLINK(""http://evil.example"")",France',
  "2,A1,<b>Mug</b>,1,2024-02-02 10:00,3.5,@SUM(A1),France",
  "3,A2,Plate,4,2024-03-02 10:00,2.0,+31,Spain",
  "4,A2,Plate,1,2024-03-05 10:00,2.0,c4,Spain",
  "5,A1,<b>Mug</b>,3,2024-04-02 10:00,3.5,c5,Spain",
  "6,A2,Plate,2,2024-04-09 10:00,2.0,c4,Spain",
].join("\n");

let sampleId = 0;
let sampleRun = 0;
let hostileId = 0;
let hostileRun = 0;

async function upload(request: APIRequestContext, name: string): Promise<number> {
  const response = await request.post("/api/datasets", { multipart: { name, file: { name: "hostile.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) } } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).datasetId;
}

async function rfm(request: APIRequestContext, datasetId: number): Promise<number> {
  const response = await request.post(`/api/datasets/${datasetId}/segmentations`, { data: { method: "rfm" } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).id;
}

/** The headers every answer carries (next.config.js). */
function expectSecurityHeaders(response: APIResponse, what: string) {
  const h = response.headers();
  expect(h["content-security-policy"], what).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"], what).toContain("default-src 'self'");
  expect(h["content-security-policy"], what).toContain("object-src 'none'");
  expect(h["x-frame-options"], what).toBe("DENY");
  expect(h["x-content-type-options"], what).toBe("nosniff");
  expect(h["referrer-policy"], what).toBe("same-origin");
}

/** Collects what the browser says about the page: CSP violations (events and console) and console errors. */
function watch(page: Page) {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

test.beforeAll(async ({ request }) => {
  const { datasets } = await (await request.get("/api/datasets")).json();
  sampleId = datasets.find((d: { isSample: boolean }) => d.isSample).id;
  sampleRun = await rfm(request, sampleId);
  hostileId = await upload(request, HOSTILE);
  hostileRun = await rfm(request, hostileId);
});

test("every kind of answer carries the CSP, X-Frame-Options, nosniff and Referrer-Policy", async ({ request, playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const share = await (await request.post("/api/shares", { data: { datasetId: sampleId, segmentationId: sampleRun, view: { page: "run" }, allowExport: true } })).json();
  const home = await request.get("/");
  const script = /<script src="(\/_next\/static\/[^"]+\.js)"/.exec(await home.text())?.[1];
  expect(script, "the home page loads a script").toBeTruthy();
  const answers: [string, APIResponse, number][] = [
    ["a page", home, 200],
    ["a dataset page", await request.get(`/datasets/${sampleId}`), 200],
    ["the sign-in page", await anonymous.get("/login"), 200],
    ["the sign-in redirect", await anonymous.get(`/datasets/${sampleId}`, { maxRedirects: 0 }), 307],
    ["a page that is not there", await request.get("/no/such/page"), 404],
    ["API JSON", await request.get("/api/datasets"), 200],
    ["API 401", await anonymous.get("/api/datasets"), 401],
    ["members CSV", await request.get(`/api/segmentations/${sampleRun}/members.csv`), 200],
    ["report download", await request.get(`/runs/${sampleRun}/report.md`), 200],
    ["sample file", await request.get("/samples/sample-transactions.csv"), 200],
    ["a static script", await request.get(script!), 200],
    ["the icon", await request.get("/icon.svg"), 200],
    ["a shared page", await anonymous.get(new URL(share.url).pathname), 200],
    ["a shared page's CSV", await anonymous.get(`${new URL(share.url).pathname}/members.csv`), 200],
    ["a shared page's status", await anonymous.get(`${new URL(share.url).pathname}/status`), 200],
    ["a cross-site action refused", await request.post(`/datasets/${sampleId}/segmentations`, { headers: { origin: "http://evil.example", "next-action": "0".repeat(42) }, data: "[]" }), 403],
  ];
  for (const [what, response, status] of answers) {
    expect(response.status(), what).toBe(status);
    expectSecurityHeaders(response, what);
  }
  await anonymous.dispose();
});

test("no page of the app breaks its Content-Security-Policy: charts, PNG export, tables, Sankey, share page; and none is framed", async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  const problems = watch(page);
  await page.goto(`/datasets/${sampleId}`);
  await expect(page.locator('[data-chart="sales-over-time"] .recharts-surface').first()).toBeVisible();
  const [png] = await Promise.all([page.waitForEvent("download"), page.locator('[data-chart="sales-over-time"]').getByRole("button", { name: /as PNG/ }).click()]);
  expect(png.suggestedFilename()).toBe("sales-over-time.png");
  const other = await rfm(request, sampleId);
  for (const [path, drawn] of [
    ["/", ".dataset-list"],
    [`/datasets/${sampleId}/segmentations`, "form"],
    [`/runs/${sampleRun}`, "[data-testid=segment-cards]"],
    [`/runs/${sampleRun}/segments/0`, "[data-testid=segment-name]"],
    [`/runs/${sampleRun}/customers`, "table"],
    [`/runs/${sampleRun}/moves?to=${other}`, ".recharts-surface, svg"],
    ["/settings", "h1"],
    ["/upload", "form"],
  ] as const) {
    await page.goto(path);
    await expect(page.locator(drawn).first(), path).toBeVisible();
  }
  // A shared page, as someone without an account opens it.
  const share = await (await request.post("/api/shares", { data: { datasetId: sampleId, view: { page: "overview" } } })).json();
  const visitor = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const v = await visitor.newPage();
  problems.push(...watch(v));
  await v.goto(share.url);
  await expect(v.locator(".recharts-surface").first()).toBeVisible();
  await v.goto("/login");
  await expect(v.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(problems).toEqual([]);

  // Another site cannot frame any page (clickjacking): the browser refuses, by frame-ancestors.
  const framer = await visitor.newPage();
  const refused = framer.waitForEvent("console", (m) => /frame-ancestors/.test(m.text()));
  await framer.setContent(`<iframe src="${share.url}" width="800" height="600"></iframe>`);
  await refused;
  await expect(framer.frameLocator("iframe").locator(".recharts-surface")).toHaveCount(0);
  await visitor.close();
});

test("the Markdown report escapes names and cells: a dataset named with HTML and Markdown stays text", async ({ request }) => {
  const report = await (await request.get(`/runs/${hostileRun}/report.md`)).text();
  const heading = report.split("\n")[0]!;
  expect(heading).not.toContain("<script>");
  expect(heading).not.toMatch(/(^|[^\\])\[click\]\(/);
  expect(heading).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  expect(report).not.toMatch(/<\/?(script|b)>/i);
  // Table rows keep their columns: a | in a name is escaped.
  for (const row of report.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Segment"))) expect(row.split(/(?<!\\)\|/).length).toBe(13);
});

test("CSV downloads defuse spreadsheet formulas: cells starting with = + - @ get a leading quote", async ({ request }) => {
  const csv = await (await request.get(`/api/segmentations/${hostileRun}/members.csv`)).text();
  const ids = csv.trim().split("\n").slice(1).map((l) => (l.startsWith('"') ? l.slice(0, l.indexOf('",') + 1) : l.split(",")[0]));
  expect(ids.sort()).toEqual(['"\'=HYPERLINK(""http://evil.example"")"', "'+31", "'@SUM(A1)", "c4", "c5"].sort());
});

test("a server action sent from another site answers 403 and changes nothing (a form post too)", async ({ page }) => {
  await page.goto(`/datasets/${sampleId}/segmentations`);
  const [posted] = await Promise.all([page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]), page.getByRole("button", { name: /^Run/ }).click()]);
  await page.waitForURL(/\/runs\/\d+$/, { timeout: 60_000 });
  const count = async () => ((await (await page.request.get(`/api/datasets/${sampleId}/segmentations`)).json()).runs as unknown[]).length;
  const before = await count();
  const headers = { "next-action": posted.headers()["next-action"]!, "content-type": posted.headers()["content-type"]!, accept: "text/x-component" };
  const evil = await page.request.post(posted.url(), { headers: { ...headers, origin: "http://evil.example" }, data: posted.postDataBuffer()! });
  expect(evil.status()).toBe(403);
  expect((await evil.json()).error.code).toBe("cross_origin");
  const nullOrigin = await page.request.post(posted.url(), { headers: { ...headers, origin: "null" }, data: posted.postDataBuffer()! });
  expect(nullOrigin.status()).toBe(403);
  // A plain form post (an action without JavaScript) from another site.
  const form = await page.request.post(posted.url(), { headers: { origin: "http://evil.example" }, multipart: { $ACTION_ID_x: "", method: "rfm" } });
  expect(form.status()).toBe(403);
  expect(await count()).toBe(before);
});

test("every page that takes an id answers 404 for a missing one, a deleted dataset's pages included", async ({ request, playwright, baseURL }) => {
  const gone = await upload(request, "to be deleted");
  const goneRun = await rfm(request, gone);
  expect((await request.get(`/datasets/${gone}`)).status()).toBe(200);
  expect((await request.get(`/runs/${goneRun}`)).status()).toBe(200);
  expect((await request.delete(`/api/datasets/${gone}`)).status()).toBe(204);
  const missing = [
    `/datasets/${gone}`,
    `/datasets/${gone}/segmentations`,
    `/datasets/${gone}/customers/c4`,
    `/runs/${goneRun}`,
    `/runs/${goneRun}/customers`,
    `/runs/${goneRun}/segments/0`,
    `/runs/${goneRun}/moves?to=${sampleRun}`,
    `/runs/${sampleRun}/moves?to=${goneRun}`,
    `/runs/${goneRun}/report.md`,
    "/datasets/999999",
    "/datasets/abc",
    `/datasets/${sampleId}/customers/no-such-customer`,
    "/runs/999999",
    "/runs/abc/customers",
    `/runs/${sampleRun}/segments/999`,
    `/runs/${sampleRun}/segments/abc`,
    "/runs/999999/moves?to=1",
    `/invite/inv_${"A".repeat(43)}`,
  ];
  const visitor = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  for (const path of [...missing, `/share/shr_${"A".repeat(43)}`, "/share/not-a-token"]) {
    const response = await (path.startsWith("/share/") ? visitor : request).get(path);
    expect(response.status(), path).toBe(404);
    if (response.headers()["content-type"]?.startsWith("text/html")) expect(await response.text(), path).toMatch(/Not found|no longer valid/);
  }
  await visitor.dispose();
});

test("a revoked or expired share link answers 410 with a page that says so; an unknown one 404", async ({ request, browser }) => {
  const visitor = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const v = await visitor.newPage();
  const problems = watch(v);
  const revoked = await (await request.post("/api/shares", { data: { datasetId: sampleId, view: { page: "overview" } } })).json();
  expect((await v.goto(new URL(revoked.url).pathname))?.status()).toBe(200);
  expect((await request.delete(`/api/shares/${revoked.token}`)).status()).toBe(204);
  expect((await v.reload())?.status()).toBe(410);
  await expect(v.getByRole("heading", { name: "This link was revoked" })).toBeVisible();
  await expect(v.getByText("Ask the person who sent it to you for a new link.")).toBeVisible();
  const api = visitor.request;
  expect((await api.get(`/share/${revoked.token}/status`)).status()).toBe(410);
  expect((await api.get(`/share/${revoked.token}`, { headers: { rsc: "1" } })).status()).toBe(410);

  const expired = await (await request.post("/api/shares", { data: { datasetId: sampleId, view: { page: "overview" }, expiresAt: new Date(Date.now() + 2000).toISOString() } })).json();
  await expect.poll(async () => (await api.get(`/share/${expired.token}/status`)).status(), { timeout: 15_000 }).toBe(410);
  expect((await v.goto(new URL(expired.url).pathname))?.status()).toBe(410);
  await expect(v.getByRole("heading", { name: "This link has expired" })).toBeVisible();

  expect((await v.goto(`/share/shr_${"B".repeat(43)}`))?.status()).toBe(404);
  await expect(v.getByTestId("share-not-found")).toBeVisible();
  // The page's own resources load (the icon included): the only console errors are the pages' statuses.
  expect(problems.filter((p) => !/status of (404|410)/.test(p))).toEqual([]);
  await visitor.close();
});

test("an API answer says where its time went (Server-Timing): waiting in the web server, the session check, the handler", async ({ request }) => {
  // A client's own stamp of its arrival is replaced by the front's: an hour ago would show as an hour's wait.
  const response = await request.get("/api/auth/me", { headers: { "x-segmenta-received": String(Date.now() - 3_600_000) } });
  expect(response.status()).toBe(200);
  const timing = Object.fromEntries(
    (response.headers()["server-timing"] ?? "").split(",").map((part) => {
      const [name, ...params] = part.trim().split(";");
      return [name, Number(params.find((p) => p.startsWith("dur="))?.slice(4))];
    }),
  );
  expect(Object.keys(timing)).toEqual(["queue", "auth", "app"]);
  for (const name of ["queue", "auth", "app"]) expect(timing[name], name).toBeGreaterThanOrEqual(0);
  expect(timing.queue).toBeLessThan(60_000);
});

test("every page has an icon: no request for a missing favicon", async ({ page }) => {
  const notFound: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 404) notFound.push(r.url());
  });
  await page.goto("/");
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute("href", /\/icon\.svg/);
  const icon = await page.request.get((await page.locator('link[rel="icon"]').getAttribute("href"))!);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  await page.goto(`/datasets/${sampleId}`);
  await expect(page.locator('link[rel="icon"]')).toHaveCount(1);
  expect(notFound).toEqual([]);
});

// Last of the file: it blocks this machine's address for share links for a moment (the limit is per address).
test("an address that asked for too many unknown links gets 429 with Retry-After on the share page, not 200", async ({ playwright, baseURL, request }) => {
  const scanner = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const live = await (await request.post("/api/shares", { data: { datasetId: sampleId, view: { page: "overview" } } })).json();
  const livePath = new URL(live.url).pathname;
  expect((await scanner.get(livePath)).status()).toBe(200);
  // Unknown tokens until the address is blocked (20 are free), then the live link's page, while blocked.
  let page: APIResponse | undefined;
  for (let i = 0; i < 60 && page?.status() !== 429; i++) {
    await scanner.get(`/share/shr_${String(i).padStart(43, "C")}/status`);
    page = await scanner.get(livePath);
  }
  expect(page!.status()).toBe(429);
  expect(Number(page!.headers()["retry-after"])).toBeGreaterThan(0);
  expect(await page!.text()).toContain("Too many requests");
  expectSecurityHeaders(page!, "a throttled page");
  // Its RSC requests say the same; and once the wait it gave is over, the link opens again.
  expect([429, 200]).toContain((await scanner.get(livePath, { headers: { rsc: "1" } })).status());
  await expect.poll(async () => (await scanner.get(livePath)).status(), { timeout: 30_000 }).toBe(200);
  await scanner.dispose();
});
