/**
 * `npm test`: every suite, whatever the first one's outcome, then one summary.
 *   0. Lint (`npm run lint`): types, ESLint, and the arrows between the layers (dependency-cruiser)
 *   1. Vitest: unit tests and integration tests against a real PostgreSQL
 *   2. Playwright: end-to-end tests in Chromium against `npm start` on a fresh database
 * Exits non-zero when any test fails or a runner could not run.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const REPORTS = { vitest: "test-results/vitest.json", playwright: "test-results/playwright.json" };
for (const file of Object.values(REPORTS)) fs.rmSync(file, { force: true });

const run = (script: string, args: string[]) => spawnSync(process.execPath, [script, ...args], { stdio: "inherit" }).status ?? 1;
const lintExit = spawnSync("npm", ["run", "--silent", "lint"], { stdio: "inherit" }).status ?? 1;
const vitestExit = run("node_modules/vitest/vitest.mjs", ["run"]);
const playwrightExit = run("node_modules/@playwright/test/cli.js", ["test"]);

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function readReport<T>(file: string): T | null {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as T) : null;
}

const vitest = readReport<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(REPORTS.vitest);
const playwright = readReport<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(REPORTS.playwright);

const suites: [string, Counts | null, number][] = [
  ["Vitest (unit and integration)", vitest && { passed: vitest.numPassedTests, failed: vitest.numFailedTests, skipped: vitest.numPendingTests + vitest.numTodoTests }, vitestExit],
  ["Playwright (end to end, Chromium)", playwright && { passed: playwright.stats.expected, failed: playwright.stats.unexpected + playwright.stats.flaky, skipped: playwright.stats.skipped }, playwrightExit],
];

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
console.log("\nSummary");
console.log(`  Lint (types, ESLint, layer arrows): ${lintExit === 0 ? "passed" : `failed (exit code ${lintExit})`}`);
let ok = lintExit === 0;
for (const [name, counts, exit] of suites) {
  if (!counts) {
    console.log(`  ${name}: did not report (exit code ${exit})`);
    ok = false;
    continue;
  }
  console.log(`  ${name}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`);
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  if (exit !== 0 || counts.failed > 0) ok = false;
}
if (total.passed === 0) ok = false;
console.log(`total: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
process.exit(ok ? 0 : 1);
