import type pg from "pg";
import { z } from "zod";

/** Failure counts per key (an account, an address) for lib/services/throttle.ts, in the throttles table. */

/** Seconds until the most blocked of these keys is free again (0: none is blocked). */
export async function blockedSeconds(db: pg.Pool, keys: string[]): Promise<number> {
  const { rows } = await db.query(
    "select ceil(extract(epoch from max(blocked_until) - now()))::int as seconds from throttles where key = any($1) and blocked_until > now()",
    [keys],
  );
  return Math.max(0, z.object({ seconds: z.number().nullable() }).parse(rows[0]).seconds ?? 0);
}

/**
 * One more failure for each key; past `free`, each blocks twice as long as the one before. The count starts
 * again after a quiet window counted from the last failure or the end of the last block, whichever is later.
 */
export async function addFailure(db: pg.Pool, keys: string[], rule: { free: number; windowSeconds: number; maxBlockSeconds: number }): Promise<void> {
  // The server's time read first and sent back as values: on a Citus cluster (throttles is a reference table)
  // the upsert and the update may only call IMMUTABLE functions on the rows (not now(), nor timestamptz ±
  // interval); to_timestamp(seconds) is one.
  const { rows } = await db.query("select now() as now, extract(epoch from now())::float8 as epoch, now() - make_interval(secs => $1::float8) as quiet_since", [rule.windowSeconds]);
  const time = z.object({ now: z.date(), epoch: z.number(), quiet_since: z.date() }).parse(rows[0]);
  // One key at a time (an account and an address): Citus sends an INSERT ... SELECT's DO UPDATE to the workers
  // without its parameters' types, an INSERT ... VALUES whole.
  for (const key of keys) {
    await db.query(
      `insert into throttles (key, failures, last_failure_at, blocked_until) values ($1, 1, $2, null)
       on conflict (key) do update set
         failures = case when greatest(throttles.last_failure_at, throttles.blocked_until) < $3 then 1 else throttles.failures + 1 end,
         last_failure_at = excluded.last_failure_at`,
      [key, time.now, time.quiet_since],
    );
  }
  await db.query(
    `update throttles set blocked_until = to_timestamp($4::float8 + least(power(2, failures - $2 - 1), $3))
     where key = any($1) and failures > $2`,
    [keys, rule.free, rule.maxBlockSeconds, time.epoch],
  );
}

export async function deleteFailures(db: pg.Pool, keys: string[]): Promise<void> {
  await db.query("delete from throttles where key = any($1)", [keys]);
}
