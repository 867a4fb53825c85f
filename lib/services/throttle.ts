import type pg from "pg";

/**
 * Slowing down guessing: failures are counted per key (an account, an
 * address) in the database, so every server process sees them. After `free`
 * failures within `windowSeconds`, each further failure blocks the key for
 * twice as long as the one before (1 s, 2 s, 4 s, … up to `maxBlockSeconds`);
 * a quiet window starts the count again.
 */
export interface ThrottleRule {
  free: number;
  windowSeconds: number;
  maxBlockSeconds: number;
}

/** Sign-in (and share password) failures: per account and per address. */
export const LOGIN_RULE: ThrottleRule = { free: 5, windowSeconds: 15 * 60, maxBlockSeconds: 15 * 60 };
/** Unknown share tokens, per address: scanning for links. */
export const SHARE_MISS_RULE: ThrottleRule = { free: 20, windowSeconds: 10 * 60, maxBlockSeconds: 15 * 60 };

/** Seconds until the most blocked of these keys is free again (0: none is blocked). */
export async function blockedFor(pool: pg.Pool, keys: string[]): Promise<number> {
  const { rows } = await pool.query<{ seconds: number | null }>(
    "select ceil(extract(epoch from max(blocked_until) - now()))::int as seconds from throttles where key = any($1) and blocked_until > now()",
    [keys],
  );
  return Math.max(0, rows[0]?.seconds ?? 0);
}

export async function recordFailure(pool: pg.Pool, keys: string[], rule: ThrottleRule): Promise<void> {
  await pool.query(
    `insert into throttles (key, failures, last_failure_at, blocked_until)
     select k, 1, now(), null from unnest($1::text[]) as k
     on conflict (key) do update set
       failures = case when throttles.last_failure_at < now() - make_interval(secs => $2) then 1 else throttles.failures + 1 end,
       last_failure_at = now()`,
    [keys, rule.windowSeconds],
  );
  await pool.query(
    `update throttles set blocked_until = now() + make_interval(secs => least(power(2, failures - $2 - 1), $3))
     where key = any($1) and failures > $2`,
    [keys, rule.free, rule.maxBlockSeconds],
  );
}

export async function clearFailures(pool: pg.Pool, keys: string[]): Promise<void> {
  await pool.query("delete from throttles where key = any($1)", [keys]);
}

export class ThrottledError extends Error {
  override name = "ThrottledError";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed attempts. Try again in ${retryAfterSeconds} s.`);
  }
}
