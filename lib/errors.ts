/** Something the request names does not exist (answered 404). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The caller's role may not do this (answered 403 with the message). */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
  readonly code = "forbidden";
}

/** A parameter the analyst gave cannot be used (answered 422, naming the field). */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    readonly field: string,
    message: string,
    readonly code = "invalid_parameter",
  ) {
    super(message);
  }
}
