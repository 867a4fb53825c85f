import fs from "node:fs";
import { defineConfig } from "@playwright/test";
import { ADMIN_STATE } from "./e2e/accounts";

// Debian's Chromium, never a browser downloaded by Playwright (there is no network for that).
const chromium = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
if (!chromium) {
  throw new Error("Chromium was not found. Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.");
}

const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  // Tests wait for conditions the product promises (a heading, data-hydrated, data-preparing gone, an API's
  // state), never for a time. These bounds only stop a test that hangs: a busy machine (both cores taken by
  // other work) makes a page or a preparation slower, never a test fail (the 5 s default did, issue 17).
  timeout: 300_000,
  expect: { timeout: 120_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: "chromium",
    acceptDownloads: true,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  // The setup project creates the first admin through the setup page; every other spec runs signed in as it.
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "dashboard", testIgnore: /auth\.setup\.ts/, dependencies: ["setup"], use: { storageState: ADMIN_STATE } },
  ],
  webServer: {
    command: "node node_modules/tsx/dist/cli.mjs e2e/serve.ts",
    url: `http://localhost:${port}`,
    env: { E2E_PORT: String(port) },
    // A clean checkout builds the app first: allow for `next build` on two cores.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
  },
});
