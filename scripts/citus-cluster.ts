/**
 * A local Citus cluster for the scripts that need one (`npm run test:citus`, `npm run bench -- --citus`):
 * builds Citus into Debian's PostgreSQL 15 if it is missing (../shared/citus/build.sh, beside the checkout),
 * then starts a coordinator and two workers (../shared/citus/cluster.sh) in a fresh temporary folder, on the
 * first three free ports from a base, and stops them and removes the folder.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const shared = path.resolve(process.cwd(), "..", "shared", "citus");
const pgLib = "/usr/lib/postgresql/15/lib";
export const CLUSTER_SCRIPT = path.join(shared, "cluster.sh");

export interface CitusCluster {
  /** The coordinator's `postgres` database, as a superuser. */
  adminUrl: string;
  /** The coordinator's port; the workers are on the next two. */
  port: number;
  /** The folder of the three servers' data. */
  dir: string;
  /** Stops the three servers and removes their folder. */
  stop(): void;
}

/** Runs a command with its output on ours; its exit code. */
export function runCommand(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = process.env, prefix = "citus"): number {
  console.log(`[${prefix}] ${command} ${commandArgs.join(" ")}`);
  return spawnSync(command, commandArgs, { stdio: "inherit", env }).status ?? 1;
}

function output(command: string, commandArgs: string[]): string {
  const result = spawnSync(command, commandArgs, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(" ")} failed (exit code ${result.status})`);
  return result.stdout.trim();
}

const free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

async function freePorts(from: number): Promise<number> {
  for (let base = from; base < from + 300; base += 3) {
    if ((await free(base)) && (await free(base + 1)) && (await free(base + 2))) return base;
  }
  throw new Error(`no three free ports from ${from}`);
}

/** Builds Citus (5 to 10 minutes) when PostgreSQL 15 does not have it yet. */
export function ensureCitusInstalled(prefix = "citus"): void {
  if (fs.existsSync(path.join(pgLib, "citus.so"))) return;
  if (!fs.existsSync(path.join(shared, "build.sh"))) throw new Error(`Citus is not installed and ${shared}/build.sh is missing`);
  if (runCommand("bash", [path.join(shared, "build.sh")], process.env, prefix) !== 0) throw new Error("building Citus failed");
}

/**
 * Starts a three-node cluster on the first free ports from `fromPort`, with `citus.shard_count` set for every
 * database on it (the shards per distributed table, and so per dataset's and run's partition).
 */
export async function startCitusCluster({ fromPort, shardCount }: { fromPort: number; shardCount: number }): Promise<CitusCluster> {
  ensureCitusInstalled();
  // A folder the postgres user can enter (the servers run as postgres when this runs as root).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "segmenta-citus-"));
  fs.chmodSync(dir, 0o755);
  const port = await freePorts(fromPort);
  const stop = () => {
    spawnSync("bash", [CLUSTER_SCRIPT, "stop", dir], { stdio: "inherit" });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    let adminUrl = output("bash", [CLUSTER_SCRIPT, "start", dir, String(port)]);
    // Citus runs a maintenance daemon per database on every node (two-phase commit recovery, distributed deadlock
    // detection), each one of PostgreSQL's background workers (8 by default): the tests' databases at once ran out
    // ("could not start maintenance background worker", which also failed the psql checks). Applied by a restart.
    for (const p of [port, port + 1, port + 2]) {
      const url = new URL(adminUrl);
      url.port = String(p);
      output("psql", [url.toString(), "-qAtc", "alter system set max_worker_processes = 64"]);
    }
    output("bash", [CLUSTER_SCRIPT, "stop", dir]);
    adminUrl = output("bash", [CLUSTER_SCRIPT, "start", dir, String(port)]);
    output("psql", [adminUrl, "-qAtc", `alter system set citus.shard_count = ${Math.trunc(shardCount)}`, "-c", "select pg_reload_conf()"]);
    return { adminUrl, port, dir, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
