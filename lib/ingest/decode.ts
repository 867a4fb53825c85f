import { isAscii, isUtf8 } from "node:buffer";
import { Transform, type TransformCallback } from "node:stream";
import iconv from "iconv-lite";
import { ImportError } from "./errors";

/**
 * Text decoding of an uploaded file, decided as the bytes arrive:
 * - a UTF-8 BOM, or valid multi-byte UTF-8, means UTF-8; an invalid sequence
 *   after that is an error naming its line;
 * - a byte that cannot be UTF-8 before any valid multi-byte sequence means
 *   Windows-1252 (a superset of Latin-1's printable range), converted exactly:
 *   its five unassigned bytes become the C1 controls, never U+FFFD;
 * - UTF-16 and binary files are refused.
 * The output is UTF-8 text.
 */
export type Encoding = "utf-8" | "windows-1252" | "ascii";

/** Windows-1252 byte → UTF-16 code unit. */
const WINDOWS_1252 = (() => {
  const table = new Uint16Array(256);
  for (let b = 0; b < 256; b++) {
    const c = iconv.decode(Buffer.from([b]), "win1252");
    table[b] = c === "\uFFFD" ? b : c.charCodeAt(0);
  }
  return table;
})();
const UTF16 = new TextDecoder("utf-16le");

export function decodeWindows1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) units[i] = WINDOWS_1252[bytes[i]!]!;
  return UTF16.decode(units);
}

/** Length of the prefix of `buf` that ends on a whole UTF-8 character. */
function completeUtf8Length(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const byte = buf[n - back]!;
    if ((byte & 0xc0) !== 0x80) {
      // A lead byte: is its sequence complete?
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return needed > back ? n - back : n;
    }
  }
  return n;
}

/** Native (and vectorised): a byte loop here cost 3 s of a 890 MB upload. */
function hasHighByte(buf: Buffer): boolean {
  return !isAscii(buf);
}

/** Offset of the first byte that breaks UTF-8 in `buf` (error path only). */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0 || !isUtf8(buf.subarray(i, i + size))) return i;
    i += size;
  }
  return buf.length;
}

function countLines(buf: Buffer, end = buf.length): number {
  let count = 0;
  for (let i = buf.indexOf(10); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) count++;
  return count;
}

const notCsv = (message: string) => new ImportError("unsupported_file_type", message, undefined, undefined, 415);

export function refuseBinary(head: Buffer, fileName: string): void {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if ((starts(0xff, 0xfe) || starts(0xfe, 0xff)) && head.length >= 2) {
    throw new ImportError("invalid_encoding", `${fileName} is UTF-16 text. Save it as UTF-8 (or Windows-1252) CSV and upload it again.`, 1);
  }
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    throw notCsv(`${fileName} is a zip archive or an Excel workbook, not a CSV file. Save the sheet as CSV and upload that.`);
  }
  if (starts(0x25, 0x50, 0x44, 0x46)) throw notCsv(`${fileName} is a PDF, not a CSV file.`);
  if (head.subarray(0, 8192).includes(0)) throw notCsv(`${fileName} is a binary file, not a CSV text file.`);
}

/** Decodes chunk after chunk; the encoding is settled by the first bytes that tell. */
export class Decoder {
  encoding: Encoding = "ascii";
  private carry: Buffer = Buffer.alloc(0);
  private lines = 0;
  private started = false;

  constructor(private readonly fileName: string) {}

  /** Text (as UTF-8 bytes or a string) for this chunk; an incomplete trailing character waits for the next. */
  write(chunk: Buffer, final = false): Buffer | string {
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    if (!this.started) {
      if (buf.length < 4 && !final) {
        this.carry = buf;
        return "";
      }
      this.started = true;
      refuseBinary(buf, this.fileName);
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        this.encoding = "utf-8";
        buf = buf.subarray(3);
      }
    }
    if (this.encoding === "windows-1252") {
      this.lines += countLines(buf);
      return decodeWindows1252(buf);
    }
    const cut = final ? buf.length : completeUtf8Length(buf);
    const body = buf.subarray(0, cut);
    if (isUtf8(body)) {
      this.carry = Buffer.from(buf.subarray(cut));
      if (this.encoding === "ascii" && hasHighByte(body)) this.encoding = "utf-8";
      this.lines += countLines(body);
      return body;
    }
    const at = firstInvalidUtf8(body);
    // Valid multi-byte UTF-8 before the bad byte (in this chunk or an earlier one) means a UTF-8 file with an error.
    if (this.encoding === "utf-8" || hasHighByte(body.subarray(0, at))) {
      const line = this.lines + countLines(body, at) + 1;
      throw new ImportError(
        "invalid_encoding",
        `${this.fileName}, line ${line}: byte 0x${body[at]!.toString(16).toUpperCase()} is not valid UTF-8, though the file began as UTF-8. Save the file as UTF-8 and upload it again.`,
        line,
      );
    }
    // Only ASCII so far: the rest is Windows-1252, and the ASCII part reads the same in it.
    this.encoding = "windows-1252";
    this.lines += countLines(buf);
    return decodeWindows1252(buf);
  }
}

export class DecodeStream extends Transform {
  readonly decoder: Decoder;

  constructor(fileName: string) {
    super({ decodeStrings: true });
    this.decoder = new Decoder(fileName);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const out = this.decoder.write(chunk);
      done(null, out.length ? out : undefined);
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const out = this.decoder.write(Buffer.alloc(0), true);
      done(null, out.length ? out : undefined);
    } catch (error) {
      done(error as Error);
    }
  }
}

/** Decodes the first bytes of a file the way the load will (for sniffing); `complete` when they are the whole file. */
export function decodePrefix(head: Buffer, fileName: string, complete: boolean): { text: string; encoding: Encoding } {
  const decoder = new Decoder(fileName);
  const text = decoder.write(head, complete).toString();
  return { text, encoding: decoder.encoding };
}
