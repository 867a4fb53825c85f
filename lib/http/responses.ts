import { ZodError } from "zod";
import { ForbiddenError, InputError, NotFoundError } from "../errors";
import { ImportError } from "../ingest/errors";
import { FitError } from "../segmentation/clv";
import { ClusteringInputError } from "../segmentation/kmeans";
import { RfmInputError } from "../segmentation/rfm";
import { ThrottledError } from "../services/throttle";

/**
 * The one error model of route handlers and server actions: what an error
 * means to the person who sent the request (status, code, message, the field
 * or the file's line it is about). Unexpected errors are logged, never shown.
 */
export interface Problem {
  status: number;
  code: string;
  message: string;
  field?: string;
  line?: number;
  column?: string;
  headers?: Record<string, string>;
}

const UNEXPECTED = "Something went wrong on the server. The details are in its log.";

export function problemOf(error: unknown): Problem {
  if (error instanceof ImportError) return { status: error.status, ...error.toJSON() };
  if (error instanceof NotFoundError) return { status: 404, code: "not_found", message: error.message };
  if (error instanceof ForbiddenError) return { status: 403, code: error.code, message: error.message };
  if (error instanceof InputError || error instanceof RfmInputError || error instanceof ClusteringInputError) {
    const code = error instanceof InputError ? error.code : "invalid_parameter";
    return { status: 422, code, message: `${error.field}: ${error.message}`, field: error.field };
  }
  if (error instanceof FitError) return { status: 422, code: error.code, message: error.message };
  if (error instanceof ZodError) {
    const issue = error.issues[0]!;
    const field = issue.path.join(".") || "body";
    return { status: 422, code: "invalid_parameter", message: `${field}: ${issue.message}`, field };
  }
  if (error instanceof ThrottledError) {
    return { status: 429, code: "too_many_attempts", message: error.message, headers: { "retry-after": String(error.retryAfterSeconds) } };
  }
  console.error(error);
  return { status: 500, code: "internal_error", message: UNEXPECTED };
}

/** `{ error: { code, message, field?, line?, column? } }` with the problem's status. */
export function problemResponse({ status, headers, ...error }: Problem): Response {
  return Response.json({ error }, { status, headers });
}

export const errorResponse = (error: unknown): Response => problemResponse(problemOf(error));

/** What a form shows for an error: the message, and the field it is about. */
export function problemFor(error: unknown): { message: string; field?: string } {
  const { message, field, status } = problemOf(error);
  // Unexpected errors say so; the field of a form is its name (a ZodError's path from the form's own input).
  return status === 500 ? { message } : field === undefined || field === "body" ? { message } : { message, field: field.split(".")[0]! };
}

export function notFound(message: string): Response {
  return problemResponse({ status: 404, code: "not_found", message });
}

/** A positive integer id from a route segment, or null. */
export function parseId(value: string): number | null {
  return /^[1-9]\d{0,9}$/.test(value) && Number(value) <= 2_147_483_647 ? Number(value) : null;
}

/** A route segment's id, or a NotFoundError ("There is no such {what}."). */
export function idOf(value: string, what: string): number {
  const id = parseId(value);
  if (id === null) throw new NotFoundError(`There is no such ${what}.`);
  return id;
}
