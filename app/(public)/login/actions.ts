"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientAddress, isHttps, SESSION_COOKIE, sessionCookie } from "@/lib/auth/next";
import type { AuthFormState } from "@/components/auth/auth-form";
import { getPool } from "@/lib/db";
import { action } from "@/lib/http/action";
import { acceptInvitation, authenticate, countUsers, createFirstAdmin, createSession, endSession } from "@/lib/services/accounts";


const failure = (problem: AuthFormState) => problem;

/** Only a path of this site after signing in (never another site's address). */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return /^\/(?![/\\])/.test(next) && !next.startsWith("/login") ? next : "/";
}

async function signIn(userId: number): Promise<void> {
  const { token } = await createSession(getPool(), userId);
  (await cookies()).set(sessionCookie(token, isHttps(await headers())));
}

export const loginAction = action({ access: "public", failure }, async (_, _previous: AuthFormState, form: FormData): Promise<AuthFormState> => {
  const user = await authenticate(getPool(), { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") }, clientAddress(await headers()));
  if (!user) return { message: "The email or the password is wrong." };
  await signIn(user.id);
  redirect(safeNext(form.get("next")));
});

export const setupAction = action({ access: "public", failure }, async (_, _previous: AuthFormState, form: FormData): Promise<AuthFormState> => {
  if (form.get("password") !== form.get("confirm")) return { message: "The two passwords differ.", field: "confirm" };
  const user = await createFirstAdmin(getPool(), { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), name: String(form.get("name") ?? "") });
  if (!user) return { message: "Segmenta is set up already: sign in instead." };
  await signIn(user.id);
  redirect("/");
});

export const acceptInvitationAction = action({ access: "public", failure }, async (_, token: string, _previous: AuthFormState, form: FormData): Promise<AuthFormState> => {
  if (form.get("password") !== form.get("confirm")) return { message: "The two passwords differ.", field: "confirm" };
  const user = await acceptInvitation(getPool(), token, { password: String(form.get("password") ?? ""), name: String(form.get("name") ?? "") });
  if (!user) return { message: "This invitation is no longer valid (used, expired or withdrawn). Ask an admin for a new one." };
  await signIn(user.id);
  redirect("/");
});

export const logoutAction = action({ access: "public" }, async (): Promise<void> => {
  const jar = await cookies();
  await endSession(getPool(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect((await countUsers(getPool())) ? "/login" : "/setup");
});
