import fs from "node:fs";
import os from "node:os";
import type pg from "pg";

/**
 * Lowers the CPU priority (raises the nice value) of the PostgreSQL backend
 * process serving one connection: the long work's connections (a load's COPY,
 * the preparation's summaries, lib/db/pool.ts's longWorkPool), so that on a
 * machine with few cores the readers' queries go first. Under the soak (issue
 * 17 item 11, 2 cores) two uploads' COPY backends and their parse took the
 * cores the readers' answers waited for.
 *
 * Only a backend this process can see and may renice: Linux, a server on this
 * machine (localhost or a socket), and the process with the connection's pid
 * whose title (/proc/<pid>/cmdline, "postgres: user db 127.0.0.1(port) …")
 * names this connection's own client port, so a pid from another machine or
 * namespace never renices an unrelated process. The embedded PostgreSQL runs
 * as the server's user, so it may; another user's server answers EPERM, and
 * then nothing changes (said once, at debug level: the load runs as before).
 */
let refusedOnce = false;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export function lowerBackendPriority(client: pg.Client, nice: number): boolean {
  if (nice <= 0 || process.platform !== "linux") return false;
  const connection = client as pg.Client & { processID?: number; connection?: { stream?: { localPort?: number } } };
  const pid = connection.processID;
  const host = client.host ?? "";
  if (typeof pid !== "number" || !(LOCAL_HOSTS.has(host) || host.startsWith("/"))) return false;
  const port = connection.connection?.stream?.localPort;
  let title: string;
  try {
    title = fs.readFileSync(`/proc/${pid}/cmdline`, "latin1");
  } catch {
    return false; // not a process of this machine's (or this namespace's)
  }
  const ours = title.startsWith("postgres") && (port === undefined ? title.includes("[local]") : title.includes(`(${port})`));
  if (!ours) return false;
  try {
    os.setPriority(pid, nice);
    return true;
  } catch (error) {
    if (!refusedOnce) {
      refusedOnce = true;
      console.debug(`[segmenta] PostgreSQL's backends keep their priority (renice ${pid}: ${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return false;
  }
}
