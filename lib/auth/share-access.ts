import "server-only";
import { cookies } from "next/headers";
import { getPool } from "../db";
import { type ActiveShare, type GoneShare, goneShare, resolveShare, sharePass } from "../services/shares";
import { ThrottledError } from "../services/throttle";
import { clientAddress, cookieValue } from "./next";

/**
 * Opening a share link, for its page and for every data request behind it:
 * each one looks the token up again, so a revoked or expired link answers 410
 * (Gone: it was there, and will not come back) from the next request on, pages
 * already open included; a token that never named a link answers 404.
 */
export type ShareAccess =
  | { kind: "open"; share: ActiveShare }
  | { kind: "locked"; share: ActiveShare } // needs its password
  | { kind: "gone"; gone: GoneShare } // revoked or expired
  | { kind: "missing" } // never a link
  | { kind: "throttled"; retryAfter: number };

export const passCookieName = (share: { id: number }) => `segmenta_share_${share.id}`;

async function access(token: string, address: string, pass: (share: ActiveShare) => string | undefined): Promise<ShareAccess> {
  let share: ActiveShare | null;
  try {
    share = await resolveShare(getPool(), token, address);
  } catch (error) {
    if (error instanceof ThrottledError) return { kind: "throttled", retryAfter: error.retryAfterSeconds };
    throw error;
  }
  if (!share) {
    const gone = await goneShare(getPool(), token);
    return gone ? { kind: "gone", gone } : { kind: "missing" };
  }
  if (share.passwordHash && pass(share) !== (await sharePass(getPool(), share))) return { kind: "locked", share };
  return { kind: "open", share };
}

/** For the shared page (server component): the request's cookies and address. */
export async function pageShareAccess(token: string, headers: Headers): Promise<ShareAccess> {
  const jar = await cookies();
  return access(token, clientAddress(headers), (share) => jar.get(passCookieName(share))?.value);
}

/** For a data request behind a shared page: the open share, or the response that refuses it. */
export async function requestShare(request: Request, token: string): Promise<ActiveShare | Response> {
  const result = await access(token, clientAddress(request.headers), (share) => cookieValue(request, passCookieName(share)));
  switch (result.kind) {
    case "open":
      return result.share;
    case "locked":
      return Response.json({ error: { code: "password_required", message: "This link is protected by a password: open it and enter the password first." } }, { status: 401 });
    case "throttled":
      return Response.json({ error: { code: "too_many_attempts", message: `Too many requests for unknown links. Try again in ${result.retryAfter} s.` } }, { status: 429, headers: { "retry-after": String(result.retryAfter) } });
    case "gone":
      return Response.json({ error: { code: "gone", message: `This link was ${result.gone.reason === "revoked" ? "revoked" : "open until a date that has passed"}: ask whoever shared it for a new one.` } }, { status: 410 });
    default:
      return Response.json({ error: { code: "not_found", message: "There is nothing at this address." } }, { status: 404 });
  }
}
