import { ZodError } from "zod";
import { InputError, NotFoundError } from "../errors";
import { ImportError } from "../ingest/errors";
import { FitError } from "../segmentation/clv";
import { ClusteringInputError } from "../segmentation/kmeans";
import { RfmInputError } from "../segmentation/rfm";
import { ThrottledError } from "../services/throttle";

/** `{ error: { code, message, line?, column?, field? } }` with the right status; unexpected errors are logged, not shown. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ImportError) return Response.json({ error: error.toJSON() }, { status: error.status });
  if (error instanceof NotFoundError) return notFound(error.message);
  if (error instanceof InputError || error instanceof RfmInputError || error instanceof ClusteringInputError) {
    const code = error instanceof InputError ? error.code : "invalid_parameter";
    return Response.json({ error: { code, message: `${error.field}: ${error.message}`, field: error.field } }, { status: 422 });
  }
  if (error instanceof FitError) return Response.json({ error: { code: error.code, message: error.message } }, { status: 422 });
  if (error instanceof ZodError) {
    const issue = error.issues[0]!;
    const field = issue.path.join(".") || "body";
    return Response.json({ error: { code: "invalid_parameter", message: `${field}: ${issue.message}`, field } }, { status: 422 });
  }
  console.error(error);
  return Response.json({ error: { code: "internal_error", message: "Something went wrong on the server. The details are in its log." } }, { status: 500 });
}

/** What a form's server action shows for an error: the message, and the field it is about (unexpected errors are logged, not shown). */
export function problemFor(error: unknown): { message: string; field?: string } {
  if (error instanceof ZodError) {
    const issue = error.issues[0]!;
    return { message: `${issue.path.join(".") || "input"}: ${issue.message}`, field: String(issue.path[0] ?? "") };
  }
  if (error instanceof InputError) return { message: `${error.field}: ${error.message}`, field: error.field };
  if (error instanceof NotFoundError || error instanceof ThrottledError) return { message: error.message };
  console.error(error);
  return { message: "Something went wrong on the server. The details are in its log." };
}

export function notFound(message: string): Response {
  return Response.json({ error: { code: "not_found", message } }, { status: 404 });
}

/** A positive integer id from a route segment, or null. */
export function parseId(value: string): number | null {
  return /^[1-9]\d{0,9}$/.test(value) && Number(value) <= 2_147_483_647 ? Number(value) : null;
}
