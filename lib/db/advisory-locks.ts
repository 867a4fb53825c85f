/**
 * Every PostgreSQL advisory lock key the app takes, in one place, so that no two purposes share a key.
 *
 * An advisory lock is one number per database: two pieces of code that picked the same number exclude each
 * other whether they meant to or not. The sample's first-start lock and the Citus load turn both used 72707370,
 * and the sample holds its lock while it loads: on a cluster its load's transaction waited for a lock its own
 * start held on another connection, forever, so `npm start` never served the dashboard (issue 18). PostgreSQL
 * cannot see that wait as a deadlock (the holder is idle, waiting on the client).
 *
 * One-key locks (pg_advisory_lock(bigint)) and two-key locks (pg_advisory_lock(int, int)) are apart in
 * PostgreSQL, so the two-key spaces only have to differ from each other.
 */
export const ADVISORY_LOCKS = {
  /** Migrations (lib/db/migrate.ts): Prisma Migrate's own key, so our runner and the Prisma CLI exclude each other. */
  migrate: 72707369,
  /** The sample dataset's load at first start (lib/services/sample.ts), held on a connection of its own during the load. */
  sample: 72707370,
  /** A load's turn on a Citus cluster (lib/ingest/storage.ts loadsOneAtATime), held to the load's commit. */
  citusLoad: 72707371,
} as const;

/** First keys of two-key locks (the second key a hash of a name). */
export const ADVISORY_LOCK_SPACES = {
  /** Drops of one parent table's partitions take turns (lib/ingest/storage.ts dropPartition). */
  partitionDrop: 7270,
} as const;
