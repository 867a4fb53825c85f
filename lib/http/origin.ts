/**
 * Where a request comes from, read from its headers alone (no next/headers, no database): for route handlers,
 * server actions' pages (proxy.ts) and the per-address limits alike.
 */

/** Whether the request comes from this site's own pages (or from no browser at all: scripts, curl). */
export function sameOrigin(request: { headers: Headers }): boolean {
  const origin = request.headers.get("origin");
  const host = request.headers.get("host");
  if (origin && origin !== "null") {
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  if (origin === "null") return false;
  const site = request.headers.get("sec-fetch-site");
  return !site || site === "same-origin" || site === "none";
}

/** The refusal of a state-changing request from another site (route handlers and server actions alike). */
export const CROSS_ORIGIN = { status: 403, code: "cross_origin", message: "Requests that change data must come from Segmenta's own pages." } as const;

/** The client's address: the launcher's front (lib/http/page-cache.ts) sets x-forwarded-for to the socket's. */
export function clientAddress(source: Headers): string {
  return source.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}
