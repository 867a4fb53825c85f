import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getPool } from "../db";
import { cookieFrom, SESSION_COOKIE } from "../http/cookies";
import { clientAddress, CROSS_ORIGIN, sameOrigin } from "../http/origin";
import { type AuthUser, SESSION_DAYS, userForApiToken, userForSession } from "../services/accounts";

/**
 * Who is asking, for pages, server actions and route handlers. Each of them
 * checks for itself (a server action is a public endpoint: the page that shows
 * its form proves nothing), with one of:
 *   - requireUser() in pages and actions: the session cookie, or off to /login;
 *   - authorize(request) in route handlers: the session cookie or a personal API
 *     token (Authorization: Bearer seg_…), 401 otherwise, and 403 for a
 *     state-changing request from another site.
 */
export { clientAddress, SESSION_COOKIE, sameOrigin };

export const currentUser = cache(async (): Promise<AuthUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return userForSession(getPool(), token);
});

export async function requireUser(): Promise<AuthUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}

export async function requireAdmin(): Promise<AuthUser> {
  const user = await requireUser();
  if (user.role !== "admin") redirect("/settings");
  return user;
}

export async function requestAddress(): Promise<string> {
  return clientAddress(await headers());
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** The user behind a route handler's request, or the response that refuses it. */
export async function authorize(request: Request): Promise<AuthUser | Response> {
  if (!SAFE.has(request.method) && !sameOrigin(request)) {
    return Response.json({ error: { code: CROSS_ORIGIN.code, message: CROSS_ORIGIN.message } }, { status: CROSS_ORIGIN.status });
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  const user = bearer ? await userForApiToken(getPool(), bearer) : await userForSession(getPool(), cookieValue(request, SESSION_COOKIE));
  if (!user) {
    return Response.json(
      { error: { code: "unauthorized", message: bearer ? "This API token is not valid (deleted, or mistyped)." : "Sign in first, or send a personal API token: Authorization: Bearer seg_…" } },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="segmenta"' } },
    );
  }
  return user;
}

export function cookieValue(request: Request, name: string): string | undefined {
  return cookieFrom(request.headers.get("cookie"), name);
}

/** The address the visitor used (the launcher's front passes Host through), for links to hand out. */
export function publicOrigin(source: Headers): string {
  return `${isHttps(source) ? "https" : "http"}://${source.get("host")}`;
}

/** Whether cookies must be Secure: the dashboard is served over https. */
export function isHttps(source: Headers): boolean {
  return (source.get("x-forwarded-proto") ?? "").split(",")[0]?.trim() === "https";
}

export function sessionCookie(token: string, secure: boolean) {
  return { name: SESSION_COOKIE, value: token, httpOnly: true, sameSite: "lax" as const, secure, path: "/", maxAge: SESSION_DAYS * 24 * 3600 };
}
