import { NextResponse, type NextRequest } from "next/server";
import type pg from "pg";
import { createPool } from "./lib/db/pool";
import { SESSION_COOKIE } from "./lib/http/cookies";
import { clientAddress, CROSS_ORIGIN, sameOrigin } from "./lib/http/origin";
import { sharePageStatus } from "./lib/services/shares";

/**
 * In front of every route but the API (Next's proxy):
 *  - a page request that changes something (a server action: POST with
 *    Next-Action, or a form post) from another site answers 403 here; Next
 *    refuses it too, but with a 500;
 *  - a share link's page says with its status what it shows: 429 while the
 *    address is blocked for asking for unknown links, 410 once the link is
 *    revoked or expired, 404 for a token that never named one (a page cannot
 *    set its own status; it renders the matching page). Its RSC requests
 *    (client-side refreshes of an open shared page) answer the same statuses
 *    without a body; its data routes check the link themselves;
 *  - a page asked for without a session cookie goes to the sign-in page with
 *    ?next= to come back. This is only a shortcut: every page, route handler
 *    and action checks the session itself.
 * Every answer, this one's included, carries next.config.js's security headers.
 */
const PUBLIC = [/^\/login$/, /^\/setup$/, /^\/invite\//, /^\/share\//, /^\/_next\//, /^\/favicon/, /^\/samples\//];
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

const store = globalThis as typeof globalThis & { __segmentaProxyPool?: pg.Pool };

/** A pool of its own: lib/db.ts is "server-only", which the proxy's bundle does not accept. */
function pool(): pg.Pool | null {
  if (!process.env.DATABASE_URL) return null;
  store.__segmentaProxyPool ??= createPool(process.env.DATABASE_URL, 2);
  return store.__segmentaProxyPool;
}

export async function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname;
  if (!SAFE.has(request.method) && !sameOrigin(request)) {
    return NextResponse.json({ error: { code: CROSS_ORIGIN.code, message: CROSS_ORIGIN.message } }, { status: CROSS_ORIGIN.status });
  }
  const share = /^\/share\/([^/]+)/.exec(path);
  if (share) {
    // (next.config.js skipProxyUrlNormalize: Next would otherwise hide the RSC header and ?_rsc from the proxy.)
    const rsc = request.headers.has("rsc") || request.nextUrl.searchParams.has("_rsc");
    const page = /^\/share\/[^/]+\/?$/.test(path) && (request.method === "GET" || request.method === "HEAD");
    const db = pool();
    if (!db || !(rsc || page)) return NextResponse.next();
    const { status, retryAfter } = await sharePageStatus(db, share[1]!, clientAddress(request.headers));
    const headers = retryAfter ? { "retry-after": String(retryAfter) } : undefined;
    if (rsc) return status === 200 ? NextResponse.next() : new NextResponse(null, { status, headers });
    // The page renders what the status says (its own check finds the same); 404 is its notFound()'s.
    return status === 429 || status === 410 ? NextResponse.next({ status, headers }) : NextResponse.next();
  }
  if (!PUBLIC.some((p) => p.test(path)) && !request.cookies.get(SESSION_COOKIE) && !/\.\w+$/.test(path)) {
    const login = new URL("/login", request.url);
    if (path !== "/") login.searchParams.set("next", path + request.nextUrl.search);
    return NextResponse.redirect(login);
  }
  return NextResponse.next();
}

// Not the API: route handlers answer 401 and 403 themselves, and Next buffers (and cuts at 10 MB) the body of
// every request a proxy sees, which would break uploads.
export const config = { matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"] };
