import "server-only";
import type { z } from "zod";
import { authorize } from "../auth/next";
import { CROSS_ORIGIN, sameOrigin } from "./origin";
import { requestShare } from "../auth/share-access";
import type { AuthUser } from "../services/accounts";
import type { ActiveShare } from "../services/shares";
import { mayChange, mayExport, VIEWER_NO_EXPORT, VIEWER_READS_ONLY } from "../auth/roles";
import { getPool } from "../db";
import { viewersMayExport } from "../services/workspace-settings";
import { readJson } from "./json";
import { errorResponse, problemResponse } from "./responses";
import { RECEIVED_HEADER, serverTiming } from "./timing";

/**
 * The one way a route handler is written (in the manner of dub's
 * withWorkspace): who may call it, what its query and body must be (zod), and
 * one error model (responses.ts: an error thrown anywhere becomes its status
 * and message). A handler gets the caller, its route segments and its parsed
 * input, and returns a Response or plain data (sent as JSON). Every answer says
 * where its time went (Server-Timing, lib/http/timing.ts):
 *
 *   export const GET = route({ access: "user", query: Query }, async ({ params, query }) => …);
 *
 * access:
 *   - "user": a session cookie or a personal API token (authorize: 401, or 403 for a
 *     state-changing request from another site). A viewer only reads: any method but
 *     GET and HEAD answers them 403, so every route that changes data is closed to
 *     viewers without saying so;
 *   - "export": the same, for downloads of data (CSV, reports): admins and analysts, and
 *     viewers only when an admin allows it in Settings (403 otherwise);
 *   - "admin": the same, and the admin role (403 otherwise);
 *   - "share": the share link of the `token` segment, open (its password given);
 *   - "public": anyone, but state-changing requests only from this site's pages.
 */
type Access = "user" | "export" | "admin" | "share" | "public";

interface Options<Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  access: Access;
  query?: Q;
  body?: B;
}

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteInput<A extends Access, P, Q, B> {
  request: Request;
  params: P;
  query: Parsed<Q>;
  body: Parsed<B>;
  user: A extends "user" | "export" | "admin" ? AuthUser : null;
  share: A extends "share" ? ActiveShare : null;
}

type Segments = Record<string, string>;

export function route<A extends Access, P extends Segments = Segments, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  options: Options<Q, B> & { access: A },
  handler: (input: RouteInput<A, P, Q, B>) => Promise<Response | object | null>,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    const entered = Date.now();
    const started = performance.now();
    const received = Number(request.headers.get(RECEIVED_HEADER));
    const timing = { auth: null as number | null };
    const response = await answer(request, context, () => (timing.auth = performance.now() - started));
    const auth = timing.auth;
    try {
      response.headers.append("server-timing", serverTiming({ queue: received > 0 ? entered - received : null, auth, app: performance.now() - started - (auth ?? 0) }));
    } catch {
      // A response whose headers are immutable (none of ours) goes as it is.
    }
    return response;
  };

  async function answer(request: Request, context: { params: Promise<P> }, authorized: () => void): Promise<Response> {
    let user: AuthUser | null = null;
    let share: ActiveShare | null = null;
    const params = (await context?.params) ?? ({} as P);
    if (options.access === "user" || options.access === "export" || options.access === "admin") {
      const caller = await authorize(request);
      authorized();
      if (caller instanceof Response) return caller;
      if (options.access === "admin" && caller.role !== "admin") return problemResponse({ status: 403, code: "forbidden", message: "Only an admin may do this." });
      if (!mayChange(caller.role) && !["GET", "HEAD"].includes(request.method)) return problemResponse({ status: 403, code: "forbidden", message: VIEWER_READS_ONLY });
      if (options.access === "export" && !mayExport(caller.role, caller.role === "viewer" && (await viewersMayExport(getPool())))) {
        return problemResponse({ status: 403, code: "forbidden", message: VIEWER_NO_EXPORT });
      }
      user = caller;
    } else if (options.access === "share") {
      const open = await requestShare(request, params.token ?? "");
      if (open instanceof Response) return open;
      share = open;
    } else if (!["GET", "HEAD", "OPTIONS"].includes(request.method) && !sameOrigin(request)) {
      return problemResponse({ ...CROSS_ORIGIN });
    }
    try {
      const query = options.query ? options.query.parse(Object.fromEntries(new URL(request.url).searchParams)) : undefined;
      const body = options.body ? options.body.parse(await readJson(request)) : undefined;
      const answer = await handler({ request, params, query, body, user, share } as RouteInput<A, P, Q, B>);
      return answer instanceof Response ? answer : Response.json(answer);
    } catch (error) {
      return errorResponse(error);
    }
  }
}
