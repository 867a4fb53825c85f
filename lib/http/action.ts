import "server-only";
import { unstable_rethrow } from "next/navigation";
import { requireAdmin, requireUser } from "../auth/next";
import { mayChange, VIEWER_READS_ONLY } from "../auth/roles";
import { ForbiddenError } from "../errors";
import type { AuthUser } from "../services/accounts";
import { problemFor } from "./responses";

/**
 * The one way a server action is written (in the manner of formbricks'
 * actionClient): a server action is a public endpoint, so it says who may
 * call it; what it throws becomes the form's message by the error model of
 * route handlers (responses.ts), shaped by `failure` for the form that shows
 * it. Next's own redirect() and notFound() go through untouched.
 *
 *   export const inviteAction = action({ access: "admin", failure }, async ({ user }, previous, form) => …);
 *
 * access:
 *   - "user": a session (else off to /login) of an admin or an analyst: the
 *     action changes the workspace, so a viewer is refused (ForbiddenError:
 *     `failure`'s message, or thrown when the action has no `failure`);
 *   - "self": any session, viewers included, for actions on one's own account
 *     only (password, personal API tokens);
 *   - "admin": the admin role, else off to /settings;
 *   - "public": anyone.
 */
type Access = "user" | "self" | "admin" | "public";

export interface ActionInput<A extends Access> {
  user: A extends "public" ? null : AuthUser;
}

export function action<A extends Access, Args extends unknown[], R, F = R>(
  options: { access: A; failure?: (problem: { message: string; field?: string }) => F },
  run: (input: ActionInput<A>, ...args: Args) => Promise<R>,
): (...args: Args) => Promise<R | F> {
  return async (...args) => {
    const user = options.access === "admin" ? await requireAdmin() : options.access === "public" ? null : await requireUser();
    try {
      if (options.access === "user" && user && !mayChange(user.role)) throw new ForbiddenError(VIEWER_READS_ONLY);
      return await run({ user } as ActionInput<A>, ...args);
    } catch (error) {
      unstable_rethrow(error);
      if (!options.failure) throw error;
      return options.failure(problemFor(error));
    }
  };
}
