import { describe, expect, test } from "vitest";
import { ADVISORY_LOCKS, ADVISORY_LOCK_SPACES } from "./advisory-locks";

// PostgreSQL has one advisory lock per key and database: two purposes sharing a key exclude each other. The
// sample's start and the Citus load turn shared 72707370, and a start on a cluster waited for itself (issue 18).
describe("advisory lock keys", () => {
  test("each one-key lock has a key of its own, within bigint", () => {
    const keys = Object.values(ADVISORY_LOCKS);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(Number.isSafeInteger(key)).toBe(true);
  });

  test("each two-key space has a first key of its own, within int", () => {
    const spaces = Object.values(ADVISORY_LOCK_SPACES);
    expect(new Set(spaces).size).toBe(spaces.length);
    for (const space of spaces) expect(Number.isInteger(space) && Math.abs(space) < 2 ** 31).toBe(true);
  });

  test("the migrations' key is Prisma Migrate's (72707369), so the Prisma CLI and our runner exclude each other", () => {
    expect(ADVISORY_LOCKS.migrate).toBe(72707369);
  });
});
