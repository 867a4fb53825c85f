"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getPool } from "@/lib/db";
import { problemFor } from "@/lib/http/responses";
import { clientAddress, isHttps, SESSION_COOKIE, sessionCookie } from "@/lib/auth/next";
import { acceptInvitation, authenticate, countUsers, createFirstAdmin, createSession, endSession } from "@/lib/services/accounts";

export interface AuthFormState {
  message: string | null;
  field?: string;
}

/** Only a path of this site after signing in (never another site's address). */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return /^\/(?![/\\])/.test(next) && !next.startsWith("/login") ? next : "/";
}

async function signIn(userId: number): Promise<void> {
  const { token } = await createSession(getPool(), userId);
  (await cookies()).set(sessionCookie(token, isHttps(await headers())));
}

export async function loginAction(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  try {
    const user = await authenticate(getPool(), { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") }, clientAddress(await headers()));
    if (!user) return { message: "The email or the password is wrong." };
    await signIn(user.id);
  } catch (error) {
    return problemFor(error);
  }
  redirect(safeNext(form.get("next")));
}

export async function setupAction(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  try {
    if (form.get("password") !== form.get("confirm")) return { message: "The two passwords differ.", field: "confirm" };
    const user = await createFirstAdmin(getPool(), { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), name: String(form.get("name") ?? "") });
    if (!user) return { message: "Segmenta is set up already: sign in instead." };
    await signIn(user.id);
  } catch (error) {
    return problemFor(error);
  }
  redirect("/");
}

export async function acceptInvitationAction(token: string, _previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  try {
    if (form.get("password") !== form.get("confirm")) return { message: "The two passwords differ.", field: "confirm" };
    const user = await acceptInvitation(getPool(), token, { password: String(form.get("password") ?? ""), name: String(form.get("name") ?? "") });
    if (!user) return { message: "This invitation is no longer valid (used, expired or withdrawn). Ask an admin for a new one." };
    await signIn(user.id);
  } catch (error) {
    return problemFor(error);
  }
  redirect("/");
}

export async function logoutAction(): Promise<void> {
  const jar = await cookies();
  await endSession(getPool(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect((await countUsers(getPool())) ? "/login" : "/setup");
}
