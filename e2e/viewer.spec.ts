import fs from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";

/**
 * Issue 17, item 9: a viewer reads every dashboard and finds no control that changes anything (no upload,
 * run, share, rerun, column-kind or delete control: not shown, not merely disabled) and no download; the
 * server refuses them the same (app/api/roles.integration.test.ts). An admin invites the viewer from
 * Settings' role choice and sees the Revoke button a viewer does not; then makes the viewer an analyst there.
 */
test.describe.configure({ mode: "serial" });

const VIEWER = { email: "vic@example.com", password: "vic's own password" };
let viewer: Page;
let sampleId = 0;
let runId = 0;

async function signedInViewer(browser: Browser, inviteUrl: string): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(inviteUrl);
  await expect(page.getByText("You were invited as a viewer")).toBeVisible();
  await page.locator("input[name=password]").fill(VIEWER.password);
  await page.locator("input[name=confirm]").fill(VIEWER.password);
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();
  return page;
}

/** No control of the kinds a viewer may not use, anywhere on the page. */
async function expectNoChangeControls(page: Page) {
  await expect(page.getByTestId("share-button")).toHaveCount(0);
  await expect(page.getByRole("link", { name: /^Upload/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /New segmentation|Add or replace a file|Upload a (customers|transactions) file/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Run|Revoke|Delete|Share)\b/ })).toHaveCount(0);
  await expect(page.getByTestId("rerun-form")).toHaveCount(0);
  // The sample files on the home page are generated demo data, not the workspace's.
  await expect(page.locator('a[download]:not([href^="/samples/"])')).toHaveCount(0);
  await expect(page.getByRole("button", { name: /as PNG$/ })).toHaveCount(0);
}

test("an admin invites a viewer, and makes a run and a link", async ({ page, browser, request }) => {
  const { datasets } = await (await request.get("/api/datasets")).json();
  sampleId = datasets.find((d: { isSample: boolean }) => d.isSample).id;
  const run = await request.post(`/api/datasets/${sampleId}/segmentations`, { data: { method: "rfm" } });
  expect(run.status()).toBe(201);
  runId = (await run.json()).id;
  expect((await request.post("/api/shares", { data: { datasetId: sampleId, segmentationId: runId } })).status()).toBe(201);

  await page.goto("/settings");
  const form = page.getByTestId("invite-form");
  await form.getByLabel("Email").fill(VIEWER.email);
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByRole("button", { name: "Invite" }).click();
  const url = await page.getByTestId("invite-url").inputValue();
  expect(url).toMatch(/\/invite\/inv_[A-Za-z0-9_-]{43}$/);
  // The admin sees the Revoke buttons and the charts' PNG downloads.
  await expect(page.getByTestId("revoke-share").first()).toBeVisible();
  viewer = await signedInViewer(browser, url);
});

test("the viewer sees the datasets and a dashboard, with no upload, run, share, delete or download control", async () => {
  await viewer.goto("/");
  await expect(viewer.locator(".dataset-list li").first()).toBeVisible();
  await expect(viewer.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Upload" })).toHaveCount(0);
  await expectNoChangeControls(viewer);

  await viewer.goto(`/datasets/${sampleId}`);
  await expect(viewer.locator("[data-chart]").first()).toBeVisible();
  await expect(viewer.locator("[data-chart] .recharts-surface").first()).toBeVisible();
  await expectNoChangeControls(viewer);

  await viewer.goto(`/datasets/${sampleId}/segmentations`);
  await expect(viewer.getByTestId("runs-table")).toBeVisible();
  await expect(viewer.locator("#new-run")).toHaveCount(0);
  await expectNoChangeControls(viewer);

  await viewer.goto(`/runs/${runId}`);
  await expect(viewer.locator("[data-segment]").first()).toBeVisible();
  await expect(viewer.getByTestId("insights")).toBeVisible();
  await expect(viewer.getByTestId("over-time")).toBeVisible();
  await expectNoChangeControls(viewer);

  await viewer.goto(`/runs/${runId}/segments/0`);
  await expect(viewer.getByTestId("segment-name")).toBeVisible();
  await expectNoChangeControls(viewer);

  await viewer.goto("/settings");
  await expect(viewer.getByTestId("signed-in-as")).toHaveText(VIEWER.email);
  await expect(viewer.getByTestId("shares").locator("tbody tr").first()).toBeVisible();
  await expect(viewer.getByTestId("revoke-share")).toHaveCount(0);
  await expect(viewer.getByTestId("members")).toHaveCount(0);

  await viewer.goto("/upload");
  await expect(viewer.getByTestId("viewer-no-upload")).toBeVisible();
  await expect(viewer.locator("input[type=file]")).toHaveCount(0);
});

test("what the page hides, the server refuses the viewer: 403 with a message", async () => {
  const api = viewer.request;
  const run = await api.post(`/api/datasets/${sampleId}/segmentations`, { data: { method: "rfm" } });
  expect(run.status()).toBe(403);
  expect((await run.json()).error.message).toMatch(/viewer's account only reads/);
  expect((await api.delete(`/api/datasets/${sampleId}`)).status()).toBe(403);
  expect((await api.get(`/api/segmentations/${runId}/members.csv`)).status()).toBe(403);
  expect((await api.get(`/api/segmentations/${runId}`)).status()).toBe(200);
});

/** A server action's id in this build (the ids change with every build; the page's forms carry them). */
function actionId(name: string, file: string): string {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { exportedName?: string; filename?: string }> };
  const found = Object.entries(manifest.node).find(([, a]) => a.exportedName === name && a.filename === file);
  if (!found) throw new Error(`no server action ${name} in ${file}`);
  return found[0];
}

test("server actions posted by the viewer directly (as a hand-made request would) change nothing", async ({ request, baseURL }) => {
  const { shares } = await (await request.get("/api/shares")).json();
  const link = shares.find((s: { status: string }) => s.status === "active");
  const post = (page: string, id: string, args: unknown[]) =>
    viewer.request.post(page, { headers: { "next-action": id, "content-type": "text/plain;charset=UTF-8", origin: baseURL!, accept: "text/x-component" }, data: JSON.stringify(args) });
  const share = await post(`/runs/${runId}`, actionId("createShareAction", "app/(app)/settings/actions.ts"), [{ datasetId: sampleId, segmentationId: runId }]);
  expect(await share.text()).toContain("viewer's account only reads");
  await post("/settings", actionId("revokeShareAction", "app/(app)/settings/actions.ts"), [link.id]);
  const kind = await post(`/datasets/${sampleId}`, actionId("setColumnKindAction", "app/(app)/datasets/[id]/actions.ts"), [sampleId, "age", "category"]);
  expect(await kind.text()).toContain("viewer's account only reads");
  // The link is still live and no other was made.
  const after = (await (await request.get("/api/shares")).json()).shares as { id: number; status: string }[];
  expect(after.length).toBe(shares.length);
  expect(after.find((s) => s.id === link.id)?.status).toBe("active");
});

test("screenshots of the viewer's run page at 1440 and 390 wide", async () => {
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await viewer.setViewportSize({ width, height });
    await viewer.goto(`/runs/${runId}`);
    await expect(viewer.locator("[data-segment]").first()).toBeVisible();
    await viewer.screenshot({ path: `test-results/viewer-run-${width}.png` });
  }
});

test("an admin makes the viewer an analyst in Settings: their next page offers what an analyst may do", async ({ page }) => {
  await page.goto("/settings");
  const form = page.getByTestId(`role-form-${VIEWER.email}`);
  await expect(form.getByLabel(`Role of ${VIEWER.email}`)).toHaveValue("viewer");
  await form.getByLabel(`Role of ${VIEWER.email}`).selectOption("analyst");
  // The server action's answer (the page then shows the settings as stored).
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/settings");
  await form.getByRole("button", { name: "Change role" }).click();
  expect((await answered).status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId(`role-form-${VIEWER.email}`).getByLabel(`Role of ${VIEWER.email}`)).toHaveValue("analyst");
  // The same session, signed in as a viewer before: no new sign-in needed.
  await viewer.setViewportSize({ width: 1440, height: 900 });
  await viewer.goto(`/runs/${runId}`);
  await expect(viewer.getByTestId("share-button")).toBeVisible();
  await viewer.context().close();
});
