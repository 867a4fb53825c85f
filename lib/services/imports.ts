import type pg from "pg";
import { markInterruptedImportsFailed } from "../queries/imports";

/**
 * Marks as failed the imports whose loading connection is gone: the server (or
 * the app) was killed mid-load, PostgreSQL rolled the transaction back, and
 * nothing of the file was stored. Run at start; returns how many it marked.
 */
export const failInterruptedImports = (pool: pg.Pool): Promise<number> => markInterruptedImportsFailed(pool);
