import type pg from "pg";
import { z } from "zod";
import { ForbiddenError } from "../errors";
import { readSetting, saveSetting } from "../queries/app-settings";
import type { AuthUser } from "../queries/accounts";

/**
 * The workspace's own settings that admins change in Settings (app_settings). For now one: whether viewers
 * may download (members CSV, the run's report, chart PNGs); off until an admin turns it on.
 */
const VIEWERS_MAY_EXPORT = "viewers_may_export";

export async function viewersMayExport(pool: pg.Pool): Promise<boolean> {
  return z.boolean().catch(false).parse(await readSetting(pool, VIEWERS_MAY_EXPORT));
}

export async function setViewersMayExport(pool: pg.Pool, admin: AuthUser, allowed: boolean): Promise<void> {
  if (admin.role !== "admin") throw new ForbiddenError("Only an admin changes what viewers may do.");
  await saveSetting(pool, VIEWERS_MAY_EXPORT, allowed);
}

/** What an account may do beyond reading, for pages to show or hide their controls (the server checks again). */
export interface Permissions {
  /** Upload, run, share, edit column kinds: admins and analysts. */
  change: boolean;
  /** Download data: admins and analysts, viewers when an admin allows it. */
  export: boolean;
}

export async function permissionsOf(pool: pg.Pool, user: AuthUser): Promise<Permissions> {
  if (user.role !== "viewer") return { change: true, export: true };
  return { change: false, export: await viewersMayExport(pool) };
}
