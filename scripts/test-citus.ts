/**
 * `npm run test:citus`: the integration suite and one end-to-end walk on a real Citus cluster (issue 18).
 *   1. Builds Citus into Debian's PostgreSQL 15 if it is missing (../shared/citus/build.sh, beside the checkout).
 *   2. Starts a local cluster (a coordinator and two workers, ../shared/citus/cluster.sh) in a fresh temporary
 *      folder, on three free ports from CITUS_PORT (default 9800).
 *   3. Runs Vitest's *.integration.test.ts files with DATABASE_URL naming the coordinator: each test database is
 *      made on every node (tests/support/databases.ts), and migrating it distributes its tables (lib/db/citus.ts).
 *      A file that stops a worker (ALONE) runs by itself after the others, with CITUS_CLUSTER_DIR naming the folder.
 *   4. Runs one Playwright walk (e2e/dashboard.spec.ts, after the setup project) against `npm start` on a fresh
 *      database of the cluster.
 *   5. Stops the cluster and removes its folder (--keep leaves it running and says where).
 * Arguments: file filters for Vitest instead of every integration file; --no-e2e; --only-e2e; --keep.
 * Exits non-zero when a test fails or a step could not run.
 */
import fs from "node:fs";
import { CLUSTER_SCRIPT, runCommand, startCitusCluster, type CitusCluster } from "./citus-cluster";

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith("--")));
const filters = args.filter((a) => !a.startsWith("--"));
const run = (command: string, commandArgs: string[], env: NodeJS.ProcessEnv = process.env) => runCommand(command, commandArgs, env, "test:citus");

function readReport<T>(file: string): T | null {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as T) : null;
}

/**
 * Files that stop a node of the cluster (pg_ctl): they run by themselves after the others, since a stopped worker
 * fails whatever else is running on the cluster at that moment.
 */
const ALONE = ["lib/services/citus-worker-stop.integration.test.ts"];

let exit = 0;
let cluster: CitusCluster | undefined;
try {
  // A few shards per table on a two-worker cluster: each dataset's and run's partitions get this many shards
  // per table, and 32 (Citus's default) made the tests' many small datasets slow to create and drop.
  cluster = await startCitusCluster({ fromPort: Number(process.env.CITUS_PORT ?? 9800), shardCount: 4 });
  const { adminUrl, port, dir } = cluster;
  console.log(`[test:citus] cluster up: ${adminUrl} (workers on ${port + 1} and ${port + 2}), data in ${dir}`);
  // CITUS_CLUSTER_DIR: where each node's data folder is (node-PORT), for tests that stop a worker.
  const env = { ...process.env, DATABASE_URL: adminUrl, CITUS_CLUSTER_DIR: dir };
  // Each runner's own report decides, as in scripts/test.ts (a suite failing in its setup can leave the exit code 0).
  if (!flags.has("--only-e2e")) {
    const wanted = filters.length ? filters : ["integration.test"];
    const alone = ALONE.filter((file) => wanted.some((f) => file.includes(f)));
    // The other files first (none may be left: --passWithNoTests), then each file that stops a node, by itself.
    const runs = [[...wanted, "--passWithNoTests", ...ALONE.flatMap((file) => ["--exclude", file])], ...alone.map((file) => [file])];
    let passed = 0;
    for (const files of runs) {
      fs.rmSync("test-results/vitest.json", { force: true });
      const code = run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...files], env);
      const report = readReport<{ numPassedTests: number; numFailedTests: number; numFailedTestSuites: number }>("test-results/vitest.json");
      console.log(`[test:citus] Vitest on Citus: ${report ? `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numFailedTestSuites} suites failed` : "no report"}`);
      if (code !== 0 || !report || report.numFailedTests + report.numFailedTestSuites > 0) exit = 1;
      passed += report?.numPassedTests ?? 0;
    }
    if (passed === 0) exit = 1;
  }
  if (!flags.has("--no-e2e")) {
    fs.rmSync("test-results/playwright.json", { force: true });
    const code = run(process.execPath, ["node_modules/@playwright/test/cli.js", "test", "e2e/dashboard.spec.ts"], env);
    const report = readReport<{ stats: { expected: number; unexpected: number; flaky: number } }>("test-results/playwright.json");
    console.log(`[test:citus] Playwright on Citus: ${report ? `${report.stats.expected} passed, ${report.stats.unexpected + report.stats.flaky} failed` : "no report"}`);
    if (code !== 0 || !report || report.stats.unexpected + report.stats.flaky > 0 || report.stats.expected === 0) exit = 1;
  }
} catch (error) {
  console.error(`[test:citus] ${error instanceof Error ? error.message : String(error)}`);
  exit = 1;
} finally {
  if (cluster && flags.has("--keep")) {
    console.log(`[test:citus] the cluster keeps running: bash ${CLUSTER_SCRIPT} stop ${cluster.dir}`);
  } else {
    cluster?.stop();
  }
}
console.log(`[test:citus] ${exit === 0 ? "passed" : "failed"}`);
process.exit(exit);
