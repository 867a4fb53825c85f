/**
 * A problem with an uploaded file, told in terms of the file: line, column,
 * value. `status` is the HTTP status the API answers with (422 by default:
 * the request was understood but the file cannot be loaded as it is).
 */
export class ImportError extends Error {
  override name = "ImportError";
  constructor(
    readonly code: string,
    message: string,
    readonly line?: number,
    readonly column?: string,
    readonly status = 422,
  ) {
    super(message);
  }

  toJSON() {
    return { code: this.code, message: this.message, line: this.line, column: this.column };
  }
}
