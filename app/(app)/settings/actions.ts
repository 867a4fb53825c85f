"use server";

import { cookies, headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { isHttps, publicOrigin, requireAdmin, requireUser, sessionCookie } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { problemFor } from "@/lib/http/responses";
import { changePassword, createApiToken, createSession, deleteApiToken, inviteUser, removeUser, revokeInvitation, type Role } from "@/lib/services/accounts";
import { createShare, revokeShare, sharePath, type ShareInput } from "@/lib/services/shares";

// Every action checks the session itself: a server action is a public endpoint.

export type ActionResult<T = object> = ({ ok: true } & T) | { ok: false; message: string; field?: string };

const failure = (error: unknown) => ({ ok: false as const, ...problemFor(error) });

export async function createShareAction(input: ShareInput): Promise<ActionResult<{ url: string }>> {
  const user = await requireUser();
  try {
    const { token } = await createShare(getPool(), user, input);
    revalidatePath("/settings");
    return { ok: true, url: `${publicOrigin(await headers())}${sharePath(token)}` };
  } catch (error) {
    return failure(error);
  }
}

export async function revokeShareAction(id: number): Promise<void> {
  await requireUser();
  await revokeShare(getPool(), { id });
  revalidatePath("/settings");
}

export async function createTokenAction(_previous: ActionResult<{ token?: string }>, form: FormData): Promise<ActionResult<{ token?: string }>> {
  const user = await requireUser();
  try {
    const { token } = await createApiToken(getPool(), user.id, String(form.get("name") ?? ""));
    revalidatePath("/settings");
    return { ok: true, token };
  } catch (error) {
    return failure(error);
  }
}

export async function deleteTokenAction(id: number): Promise<void> {
  const user = await requireUser();
  await deleteApiToken(getPool(), user.id, id);
  revalidatePath("/settings");
}

export async function inviteAction(_previous: ActionResult<{ url?: string }>, form: FormData): Promise<ActionResult<{ url?: string }>> {
  const admin = await requireAdmin();
  try {
    const { token } = await inviteUser(getPool(), admin, { email: String(form.get("email") ?? ""), role: String(form.get("role")) as Role });
    revalidatePath("/settings");
    return { ok: true, url: `${publicOrigin(await headers())}/invite/${token}` };
  } catch (error) {
    return failure(error);
  }
}

export async function revokeInvitationAction(id: number): Promise<void> {
  await requireAdmin();
  await revokeInvitation(getPool(), id);
  revalidatePath("/settings");
}

export async function removeUserAction(id: number): Promise<void> {
  const admin = await requireAdmin();
  await removeUser(getPool(), admin, id);
  revalidatePath("/settings");
}

export async function changePasswordAction(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  const user = await requireUser();
  try {
    if (form.get("password") !== form.get("confirm")) return { ok: false, message: "The two new passwords differ.", field: "confirm" };
    await changePassword(getPool(), user, String(form.get("current") ?? ""), String(form.get("password") ?? ""));
    // Every session of the account ended; this browser gets a new one.
    const { token } = await createSession(getPool(), user.id);
    (await cookies()).set(sessionCookie(token, isHttps(await headers())));
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}
