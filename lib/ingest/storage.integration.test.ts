import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { dropOrphanPartitions } from "./storage";

/**
 * Two deletes at once (the soak's two uploads, each deleting its dataset after)
 * both look for orphan partitions and find the same ones; each must end without
 * an error, and the orphans must be gone. Before, the second detach failed with
 * `relation "transaction_lines_N" is not a partition of relation "transaction_lines"`
 * and the DELETE answered 500.
 */
describe("orphan partitions dropped by two callers at once", () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;

  beforeAll(async () => {
    db = await migratedDatabase(inject("adminUrl"), "segmenta_orphan_race");
  });
  afterAll(async () => {
    await db.close();
  });

  test("both finish, and no orphan is left", async () => {
    const orphans = [987001, 987002, 987003];
    for (let round = 0; round < 3; round++) {
      for (const id of orphans) {
        // A dataset id no datasets row has: its partitions are orphans.
        await db.pool.query(`create table transaction_lines_${id} partition of transaction_lines for values in (${id})`);
        await db.pool.query(`create table invoice_totals_${id} partition of invoice_totals for values in (${id})`);
      }
      const results = await Promise.allSettled([dropOrphanPartitions(db.pool), dropOrphanPartitions(db.pool), dropOrphanPartitions(db.pool)]);
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      const left = await db.pool.query<{ n: string }>(
        "select count(*) as n from pg_class where relname ~ '^(transaction_lines|invoice_totals)_98700[0-9]$'",
      );
      expect(Number(left.rows[0]!.n)).toBe(0);
    }
  });
});
