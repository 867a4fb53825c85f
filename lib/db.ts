import "server-only";
import type pg from "pg";
import { createPool } from "./db/pool";

/**
 * One pg pool per server process, shared by the data-access layer (the SQL
 * files and repositories of lib/queries, the loader's COPY). Kept on
 * globalThis so dev hot reloads reuse it.
 *
 * Prisma is the schema: prisma/schema.prisma and its migrations (applied by
 * lib/db/migrate.ts, checked by the drift check). The app reads and writes
 * through pg alone, with every row checked by zod at the repository's edge:
 * one client for the analytics, the COPY streams and the records, and every
 * statement readable as written in psql.
 */
const store = globalThis as typeof globalThis & { __segmentaPool?: pg.Pool };

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the dashboard with `npm start`, which provides it.");
  return url;
}

export function getPool(): pg.Pool {
  store.__segmentaPool ??= createPool(databaseUrl());
  return store.__segmentaPool;
}
