import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { createPool } from "./db/pool";
import { PrismaClient } from "./generated/prisma/client";

/**
 * One pool per server process, shared by Prisma (CRUD) and the SQL files in
 * lib/queries (analytics, COPY). Kept on globalThis so dev hot reloads reuse it.
 */
const store = globalThis as typeof globalThis & { __segmentaPool?: pg.Pool; __segmentaPrisma?: PrismaClient };

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the dashboard with `npm start`, which provides it.");
  return url;
}

export function getPool(): pg.Pool {
  store.__segmentaPool ??= createPool(databaseUrl());
  return store.__segmentaPool;
}

export function getPrisma(): PrismaClient {
  store.__segmentaPrisma ??= new PrismaClient({ adapter: new PrismaPg(getPool()) });
  return store.__segmentaPrisma;
}
