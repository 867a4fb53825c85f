import type pg from "pg";
import { addFailure, blockedSeconds, deleteFailures } from "../queries/throttles";

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
export const blockedFor = (pool: pg.Pool, keys: string[]) => blockedSeconds(pool, keys);
export const recordFailure = (pool: pg.Pool, keys: string[], rule: ThrottleRule) => addFailure(pool, keys, rule);
export const clearFailures = (pool: pg.Pool, keys: string[]) => deleteFailures(pool, keys);

export class ThrottledError extends Error {
  override name = "ThrottledError";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed attempts. Try again in ${retryAfterSeconds} s.`);
  }
}
