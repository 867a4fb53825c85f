import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import Papa from "papaparse";
import { describe, expect, test } from "vitest";
import { createRng } from "../segmentation/random";
import { CsvRowStream, type CsvFormat, type RowBatch } from "./csv";
import { ImportError } from "./errors";

/** Parses `text` fed in the given chunks; the rows, their lines and record texts, and whether every batch was plain. */
async function parse(text: string, format: CsvFormat, chunks: string[] = [text]) {
  const out = { rows: [] as string[][], lines: [] as number[], texts: [] as string[], plain: true };
  await pipeline(Readable.from(chunks, { objectMode: false }), new CsvRowStream(format, "f.csv"), async (source: AsyncIterable<RowBatch>) => {
    for await (const batch of source) {
      out.rows.push(...batch.rows);
      out.lines.push(...batch.lines);
      out.texts.push(...batch.starts.map((start, i) => batch.text.slice(start, batch.ends[i])));
      out.plain &&= batch.plain;
    }
  });
  return out;
}

/** What PapaParse, the reference, reads: its rows without the blank lines. */
function papa(text: string, format: CsvFormat): string[][] {
  const result = Papa.parse<string[]>(text, { delimiter: format.delimiter, newline: format.newline, quoteChar: '"', escapeChar: '"' });
  expect(result.errors).toEqual([]);
  return result.data.filter((row) => !(row.length === 1 && row[0] === ""));
}

function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => Math.min(text.length, Math.max(0, c))))].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(text.slice(last, p));
    last = p;
  }
  parts.push(text.slice(last));
  return parts.filter((p) => p !== "");
}

describe("CsvRowStream reads what PapaParse reads", () => {
  const alphabet = ["a", "b", "7", " ", ",", ";", '"', '""', "\n", "\r\n", "\t", "\\", "é", "€"];
  for (const format of [
    { delimiter: ",", newline: "\n" },
    { delimiter: ",", newline: "\r\n" },
    { delimiter: ";", newline: "\n" },
    { delimiter: "\t", newline: "\n" },
  ] as CsvFormat[]) {
    test(`random well-formed files, cut anywhere (${JSON.stringify(format)})`, async () => {
      const random = createRng(format.delimiter.charCodeAt(0) * 7 + format.newline.length);
      const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
      for (let file = 0; file < 150; file++) {
        const width = 1 + Math.floor(random() * 5);
        const records: string[] = [];
        for (let r = 0; r < 1 + Math.floor(random() * 12); r++) {
          const fields = Array.from({ length: width }, () => {
            const value = Array.from({ length: Math.floor(random() * 6) }, () => pick(alphabet))
              .join("")
              .replaceAll('""', '"');
            const needs = /["\r\n]/.test(value) || value.includes(format.delimiter) || value.startsWith(" ");
            // Quote what must be quoted, and now and then what need not be.
            return needs || random() < 0.2 ? `"${value.replaceAll('"', '""')}"` : value;
          });
          records.push(fields.join(format.delimiter));
          if (random() < 0.1) records.push(""); // a blank line
        }
        const text = records.join(format.newline) + (random() < 0.5 ? format.newline : "");
        if (text.trim() === "") continue;
        const expected = papa(text, format);
        const cuts = Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * text.length));
        const got = await parse(text, format, splitAt(text, cuts));
        expect(got.rows).toEqual(expected);
        // The same file as UTF-8 bytes, cut between characters (as the decoder hands them on), reads the same.
        const bytes = Buffer.from(text);
        const byteCuts = cuts.map((c) => Buffer.byteLength(text.slice(0, c)));
        const points = [0, ...new Set(byteCuts)].sort((x, y) => x - y).concat(bytes.length);
        const chunks = points.slice(1).map((p, i) => bytes.subarray(points[i]!, p)).filter((c) => c.length > 0);
        expect((await parse(text, format, chunks as unknown as string[])).rows).toEqual(expected);
      }
    });
  }
});

describe("CsvRowStream lines, records and escapes", () => {
  const format: CsvFormat = { delimiter: ",", newline: "\n" };

  test("each row's starting line counts line breaks inside quoted values and blank lines", async () => {
    const text = 'h1,h2\n1,"two\nlines"\n\n3,x\n4,"a\n\nb"\n5,y';
    const got = await parse(text, format, splitAt(text, [3, 9, 17, 22]));
    expect(got.lines).toEqual([1, 2, 5, 6, 9]);
    expect(got.texts).toEqual(["h1,h2", '1,"two\nlines"', "3,x", '4,"a\n\nb"', "5,y"]);
    expect(got.plain).toBe(false);
  });

  test("plain only when no value needs escaping in COPY's text format", async () => {
    expect((await parse('a,b\n1,"x, ""y"""\n', format)).plain).toBe(true);
    expect((await parse("a,b\n1,x\\y\n", format)).plain).toBe(false);
    expect((await parse("a,b\n1,x\ty\n", format)).plain).toBe(false);
    expect((await parse("a\tb\n1\ty\n", { delimiter: "\t", newline: "\n" })).plain).toBe(true);
    expect((await parse("a,b\r\n1,x\r\n", { delimiter: ",", newline: "\r\n" })).plain).toBe(true);
    expect((await parse("a,b\r\n1,x\ny\r\n", { delimiter: ",", newline: "\r\n" })).plain).toBe(false);
  });

  test("a quote inside an unquoted field is a plain character; spaces may follow a closing quote", async () => {
    expect((await parse('a,b,c\n1,x"y",2\n1,"x" ,2\n1, "x",2\n', format)).rows).toEqual([["a", "b", "c"], ["1", 'x"y"', "2"], ["1", "x", "2"], ["1", ' "x"', "2"]]);
  });

  const refused = async (text: string, chunks?: string[]) => {
    try {
      await parse(text, format, chunks);
    } catch (error) {
      return error as ImportError;
    }
    throw new Error("the text was read without an error");
  };

  test("an unterminated quote names the line its record starts on", async () => {
    const text = 'a,b\n1,2\n3,"x,4\n5,6\n';
    for (const chunks of [[text], splitAt(text, [5, 11, 14])]) {
      const error = await refused(text, chunks);
      expect(error).toBeInstanceOf(ImportError);
      expect(error).toMatchObject({ code: "unterminated_quote", line: 3 });
    }
  });

  test("text after a closing quote is refused with its line", async () => {
    const text = 'a,b\n1,2\n\n3,"x"y\n';
    for (const chunks of [[text], splitAt(text, [12, 13])]) expect(await refused(text, chunks)).toMatchObject({ code: "invalid_quotes", line: 4 });
  });
});
