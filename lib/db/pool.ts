import net from "node:net";
import pg from "pg";
import { backgroundNice } from "../env";
import { lowerBackendPriority } from "./priority";

// Timestamps without a time zone (invoice dates are shop-local) stay as the text
// PostgreSQL sends: turning them into a JS Date would shift them by the server's zone.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value) => value);
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/**
 * The pool's open connections, for cancelQueries (pg keeps its own list private). Kept on the pool
 * itself: Next may bundle this module more than once (instrumentation, routes), and all copies must agree.
 */
const CONNECTIONS = Symbol.for("segmenta.pool.connections");
type Tracked = pg.Pool & { [CONNECTIONS]?: Set<pg.Client> };

export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: "segmenta" });
  // An idle connection the server ends (a restart, a stop) is dropped and replaced, not a crash.
  pool.on("error", (error) => console.error(`[segmenta] database connection lost: ${error.message}`));
  const open = new Set<pg.Client>();
  (pool as Tracked)[CONNECTIONS] = open;
  pool.on("connect", (client) => open.add(client as pg.Client));
  pool.on("remove", (client) => open.delete(client as pg.Client));
  return pool;
}

/**
 * Cancels the statement each of the pool's connections is running (a stop of
 * the server: a request or a preparation step waiting on a long query ends at
 * once with an error instead of holding the stop). It sends PostgreSQL's cancel
 * request (the protocol's CancelRequest, what psql's Ctrl-C sends) on a new
 * socket per connection: no session is needed, so it works when every pooled
 * connection is busy and while the server refuses new sessions (a smart
 * shutdown). An idle connection ignores it. Resolves with how many were sent.
 */
export async function cancelQueries(pool: pg.Pool): Promise<number> {
  const keyed = [...((pool as Tracked)[CONNECTIONS] ?? [])].map((client) => client as pg.Client & { processID?: number; secretKey?: number });
  const sent = await Promise.all(
    keyed.map((client) =>
      typeof client.processID === "number" && typeof client.secretKey === "number"
        ? sendCancel(client.host || "localhost", client.port || 5432, client.processID, client.secretKey)
        : Promise.resolve(false),
    ),
  );
  return sent.filter(Boolean).length;
}

/**
 * At a stop of the process (SIGTERM, SIGINT): the statements still running after graceMs are
 * cancelled, so requests waiting on them end (with an error) and the server can exit.
 */
export function cancelQueriesAtStop(pool: pg.Pool, graceMs: number): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => setTimeout(() => void cancelQueries(pool), graceMs).unref());
  }
}

function sendCancel(host: string, port: number, processID: number, secretKey: number): Promise<boolean> {
  return new Promise((resolve) => {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80877102, 4); // the CancelRequest code (1234 << 16 | 5678)
    packet.writeInt32BE(processID, 8);
    packet.writeInt32BE(secretKey, 12);
    const socket = net.connect(port, host, () => socket.end(packet));
    socket.setTimeout(2000, () => socket.destroy());
    socket.once("close", (hadError) => resolve(!hadError));
    socket.once("error", () => resolve(false));
  });
}

const LONG_WORK = Symbol.for("segmenta.pool.longWork");
/** Connections of long work at once (loads, the preparation's job): more wait for one of these, not for the readers'. */
export const LONG_WORK_CONNECTIONS = 4;

/**
 * The connections for work that holds one for seconds or minutes (a load's
 * transaction, from its first byte to its commit; the preparation's job),
 * kept apart from `pool`'s, which answer the pages: two uploads and a
 * preparation took three of the ten the readers had, and the readers queued
 * behind them (the soak, issue 17 item 11). Made on first use with `pool`'s
 * settings; its statements are cancelled with `pool`'s (cancelQueries) and it
 * ends when `pool` ends. Their PostgreSQL backends run at a lower CPU
 * priority (SEGMENTA_BACKGROUND_NICE, lib/db/priority.ts) when the server is
 * local and ours, so the readers' queries go first.
 */
export function longWorkPool(pool: pg.Pool): pg.Pool {
  const nice = backgroundNice();
  return sidePool(pool, LONG_WORK, LONG_WORK_CONNECTIONS, (client) => lowerBackendPriority(client, nice));
}

const SESSION_CHECKS = Symbol.for("segmenta.pool.sessionChecks");
/** Connections for the session and token checks at once: each is one indexed row, answered in a millisecond or two. */
export const SESSION_CHECK_CONNECTIONS = 2;

/**
 * The connections for the check every request makes first, whose session or
 * API token this is (lib/queries/accounts.ts's userBySession, userByApiToken),
 * kept apart from `pool`'s: when many pages are rendered at once, their
 * queries queue for `pool`'s connections, and a request that needs nothing
 * but its session (GET /api/auth/me, the soak's probe, issue 17 item 11)
 * waited a second behind them; now it waits for another check at most. Made
 * on first use with `pool`'s settings, cancelled and ended with it (as
 * longWorkPool's).
 */
export function sessionCheckPool(pool: pg.Pool): pg.Pool {
  return sidePool(pool, SESSION_CHECKS, SESSION_CHECK_CONNECTIONS);
}

/** A pool beside `pool` (its settings, `max` connections), kept on it under `key`: cancelled by cancelQueries(pool), ended by pool.end(). */
function sidePool(pool: pg.Pool, key: symbol, max: number, onConnect?: (client: pg.Client) => void): pg.Pool {
  const tracked = pool as Tracked & { [key: symbol]: pg.Pool | undefined };
  const existing = tracked[key];
  if (existing) return existing;
  const side = new pg.Pool({ ...pool.options, max });
  side.on("error", (error) => console.error(`[segmenta] database connection lost: ${error.message}`));
  if (onConnect) side.on("connect", (client) => onConnect(client as pg.Client));
  const open = tracked[CONNECTIONS];
  if (open) {
    side.on("connect", (client) => open.add(client as pg.Client));
    side.on("remove", (client) => open.delete(client as pg.Client));
  }
  tracked[key] = side;
  const end = pool.end.bind(pool) as () => Promise<void>;
  (pool as { end: () => Promise<void> }).end = async () => {
    await Promise.all([side.end(), end()]);
  };
  return side;
}
