import type pg from "pg";
import { addFailure, blockedSeconds, deleteFailures } from "../queries/throttles";

/**
 * Slowing down guessing: failures are counted per key (an account and an
 * address together, an account, an address) in the database, so every server
 * process sees them. After `free` failures, each further failure blocks the
 * key for twice as long as the one before (1 s, 2 s, 4 s, … up to
 * `maxBlockSeconds`); the count starts again only after `windowSeconds` with
 * neither a failure nor a block, so a key at the longest block stays there
 * (one guess per block) instead of earning its free tries back.
 */
export interface ThrottleRule {
  free: number;
  windowSeconds: number;
  maxBlockSeconds: number;
}

/**
 * Sign-in, in the manner of OWASP's advice (lib/services/accounts.ts): the
 * lockout is keyed on the (account, address) pair, so an attacker guessing at
 * one account from one address blocks only that pair: the account's owner
 * elsewhere and other people at the same address sign in as before.
 */
export const LOGIN_PAIR_RULE: ThrottleRule = { free: 5, windowSeconds: 15 * 60, maxBlockSeconds: 15 * 60 };
/** One address across accounts (password spraying): ten times looser, for offices behind one address. */
export const LOGIN_ADDRESS_RULE: ThrottleRule = { free: 50, windowSeconds: 15 * 60, maxBlockSeconds: 15 * 60 };
/** One account across addresses (guessing from many): blocks only addresses the account has never signed in from. */
export const LOGIN_ACCOUNT_RULE: ThrottleRule = { free: 20, windowSeconds: 15 * 60, maxBlockSeconds: 15 * 60 };
/** Unknown share tokens, per address: scanning for links. */
export const SHARE_MISS_RULE: ThrottleRule = { free: 20, windowSeconds: 10 * 60, maxBlockSeconds: 15 * 60 };

/** Seconds until the most blocked of these keys is free again (0: none is blocked). */
export const blockedFor = (pool: pg.Pool, keys: string[]) => blockedSeconds(pool, keys);
export const recordFailure = (pool: pg.Pool, keys: string[], rule: ThrottleRule) => addFailure(pool, keys, rule);
/** One failure for each key under its own rule. */
export async function recordFailures(pool: pg.Pool, counts: [key: string, rule: ThrottleRule][]): Promise<void> {
  await Promise.all(counts.map(([key, rule]) => addFailure(pool, [key], rule)));
}
export const clearFailures = (pool: pg.Pool, keys: string[]) => deleteFailures(pool, keys);

export class ThrottledError extends Error {
  override name = "ThrottledError";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed attempts. Try again in ${retryAfterSeconds} s.`);
  }
}
