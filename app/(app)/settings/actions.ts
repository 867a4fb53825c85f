"use server";

import { cookies, headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { isHttps, publicOrigin, sessionCookie } from "@/lib/auth/next";
import type { ActionResult } from "@/components/auth/settings-forms";
import { getPool } from "@/lib/db";
import { action } from "@/lib/http/action";
import { changePassword, changeRole, createApiToken, createSession, deleteApiToken, inviteUser, removeUser, revokeInvitation } from "@/lib/services/accounts";
import { createShare, revokeShare, sharePath, type ShareInput } from "@/lib/services/shares";
import { setViewersMayExport } from "@/lib/services/workspace-settings";

// Every action says who may call it (lib/http/action.ts): a server action is a public endpoint.


const failure = (problem: { message: string; field?: string }) => ({ ok: false as const, ...problem });

export const createShareAction = action({ access: "user", failure }, async ({ user }, input: ShareInput): Promise<ActionResult<{ url: string }>> => {
  const { token } = await createShare(getPool(), user, input);
  revalidatePath("/settings");
  return { ok: true, url: `${publicOrigin(await headers())}${sharePath(token)}` };
});

export const revokeShareAction = action({ access: "user" }, async ({ user }, id: number): Promise<void> => {
  await revokeShare(getPool(), user, { id });
  revalidatePath("/settings");
});

export const createTokenAction = action(
  { access: "self", failure },
  async ({ user }, _previous: ActionResult<{ token?: string }>, form: FormData): Promise<ActionResult<{ token?: string }>> => {
    const { token } = await createApiToken(getPool(), user.id, String(form.get("name") ?? ""));
    revalidatePath("/settings");
    return { ok: true, token };
  },
);

export const deleteTokenAction = action({ access: "self" }, async ({ user }, id: number): Promise<void> => {
  await deleteApiToken(getPool(), user.id, id);
  revalidatePath("/settings");
});

export const inviteAction = action(
  { access: "admin", failure },
  async ({ user: admin }, _previous: ActionResult<{ url?: string }>, form: FormData): Promise<ActionResult<{ url?: string }>> => {
    const { token } = await inviteUser(getPool(), admin, { email: String(form.get("email") ?? ""), role: String(form.get("role") ?? "") });
    revalidatePath("/settings");
    return { ok: true, url: `${publicOrigin(await headers())}/invite/${token}` };
  },
);

export const viewersMayExportAction = action({ access: "admin" }, async ({ user: admin }, form: FormData): Promise<void> => {
  await setViewersMayExport(getPool(), admin, form.get("viewersMayExport") === "on");
  revalidatePath("/", "layout");
});

export const revokeInvitationAction = action({ access: "admin" }, async (_, id: number): Promise<void> => {
  await revokeInvitation(getPool(), id);
  revalidatePath("/settings");
});

export const removeUserAction = action({ access: "admin" }, async ({ user: admin }, id: number): Promise<void> => {
  await removeUser(getPool(), admin, id);
  revalidatePath("/settings");
});

export const changeRoleAction = action({ access: "admin" }, async ({ user: admin }, id: number, form: FormData): Promise<void> => {
  await changeRole(getPool(), admin, id, String(form.get("role") ?? ""));
  revalidatePath("/settings");
});

export const changePasswordAction = action({ access: "self", failure }, async ({ user }, _previous: ActionResult, form: FormData): Promise<ActionResult> => {
  if (form.get("password") !== form.get("confirm")) return { ok: false, message: "The two new passwords differ.", field: "confirm" };
  await changePassword(getPool(), user, String(form.get("current") ?? ""), String(form.get("password") ?? ""));
  // Every session of the account ended; this browser gets a new one.
  const { token } = await createSession(getPool(), user.id);
  (await cookies()).set(sessionCookie(token, isHttps(await headers())));
  return { ok: true };
});
