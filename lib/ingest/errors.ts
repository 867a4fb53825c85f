/** A problem with an uploaded file, told in terms of the file: line, column, value. */
export class ImportError extends Error {
  override name = "ImportError";
  constructor(
    readonly code: string,
    message: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(message);
  }

  toJSON() {
    return { code: this.code, message: this.message, line: this.line, column: this.column };
  }
}
