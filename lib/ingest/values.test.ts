import { describe, expect, test } from "vitest";
import { copyRow } from "./copy-text";
import { decimal, identifier, integer, timestamp } from "./values";

const cell = (value: string) => ({ value, line: 12, column: "Quantity" });

describe("cell parsers", () => {
  test.each([
    ["2010-12-01 08:26:00", "2010-12-01 08:26:00"],
    ["2010-12-01T08:26", "2010-12-01 08:26:00"],
    ["2010-12-01", "2010-12-01 00:00:00"],
    ["12/1/2010 8:26", "2010-12-01 08:26:00"],
  ])("reads the date %s", (input, expected) => {
    expect(timestamp(cell(input))).toBe(expected);
  });

  test.each(["2010-02-30 10:00", "yesterday", "2010-13-01"])("rejects the date %s, naming line and column", (input) => {
    expect(() => timestamp(cell(input))).toThrow(new RegExp(`Line 12, column Quantity: "${input}" is not`));
  });

  test("whole numbers and decimals", () => {
    expect(integer(cell("-12"))).toBe("-12");
    expect(() => integer(cell("1.5"))).toThrow(/"1.5" is not a whole number/);
    expect(() => integer(cell("99999999999"))).toThrow(/not a whole number/);
    expect(decimal(cell("2.55"))).toBe("2.55");
    expect(decimal(cell("-11062.06"))).toBe("-11062.06");
    expect(() => decimal(cell("2,55"))).toThrow(/is not a number/);
  });

  test("ids lose a spreadsheet's trailing .0", () => {
    expect(identifier(cell("17850.0"))).toBe("17850");
    expect(identifier(cell("C-17850"))).toBe("C-17850");
    expect(identifier(cell(" "))).toBeNull();
  });
});

describe("copyRow", () => {
  test("escapes what COPY's text format reserves and writes null as \\N", () => {
    expect(copyRow(["a\tb", "line\nbreak", "back\\slash", null, "cr\r"])).toBe("a\\tb\tline\\nbreak\tback\\\\slash\t\\N\tcr\\r\n");
  });
});
