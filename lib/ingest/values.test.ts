import { describe, expect, test } from "vitest";
import { copyRow } from "./copy-text";
import { decimal, detectDateOrder, identifier, integer, timestamp } from "./values";

const at = [12, "Quantity"] as const;

describe("cell parsers", () => {
  test.each([
    ["2010-12-01 08:26:00", "2010-12-01 08:26:00"],
    ["2010-12-01T08:26", "2010-12-01 08:26:00"],
    ["2010-12-01", "2010-12-01 00:00:00"],
    ["12/1/2010 8:26", "2010-12-01 08:26:00"],
  ])("reads the date %s", (input, expected) => {
    expect(timestamp(input, ...at, { dateOrder: "mdy" })).toBe(expected);
  });

  test.each(["2010-02-30 10:00", "yesterday", "2010-13-01"])("rejects the date %s, naming line and column", (input) => {
    expect(() => timestamp(input, ...at, { dateOrder: "mdy" })).toThrow(new RegExp(`Line 12, column Quantity: "${input}" is not`));
  });

  test("whole numbers and decimals", () => {
    expect(integer("-12", ...at)).toBe("-12");
    expect(() => integer("1.5", ...at)).toThrow(/"1.5" is not a whole number/);
    expect(() => integer("99999999999", ...at)).toThrow(/not a whole number/);
    const dot = { decimalComma: false };
    const comma = { decimalComma: true };
    expect(decimal("2.55", ...at, dot)).toBe("2.55");
    expect(decimal("-11062.06", ...at, dot)).toBe("-11062.06");
    expect(() => decimal("2,55", ...at, dot)).toThrow(/"2,55" is not a number/);
    expect(decimal("2,55", ...at, comma)).toBe("2.55");
    expect(decimal("1.234,5", ...at, comma)).toBe("1234.5");
  });

  test("ids lose a spreadsheet's trailing .0", () => {
    expect(identifier("17850.0")).toBe("17850");
    expect(identifier("C-17850")).toBe("C-17850");
    expect(identifier(" ")).toBeNull();
  });
});

describe("dates in other orders", () => {
  test.each([
    ["01.12.2010", "dmy", "2010-12-01 00:00:00"],
    ["13/01/2011 17:05", "dmy", "2011-01-13 17:05:00"],
    ["1/13/2011 5:05 PM", "mdy", "2011-01-13 17:05:00"],
    ["12/1/10 12:30 AM", "mdy", "2010-12-01 00:30:00"],
    ["2011/01/13", "dmy", "2011-01-13 00:00:00"],
  ] as const)("reads %s as %s", (input, order, expected) => {
    expect(timestamp(input, ...at, { dateOrder: order })).toBe(expected);
  });

  test("a day above 12 settles the order; when none does, the order is ambiguous", () => {
    expect(detectDateOrder(["2010-12-01 08:26:00", "2010-12-02"])).toBe("ymd");
    expect(detectDateOrder(["1/12/2010", "13/12/2010"])).toBe("dmy");
    expect(detectDateOrder(["12/1/2010 8:26", "12/13/2010 9:00"])).toBe("mdy");
    expect(detectDateOrder(["12/1/2010 8:26", "12/2/2010 9:00"])).toBe("ambiguous");
    expect(detectDateOrder(["hello", "12/2/2010"])).toBeNull();
  });
});

describe("copyRow", () => {
  test("escapes what COPY's text format reserves and writes null as \\N", () => {
    expect(copyRow(["a\tb", "line\nbreak", "back\\slash", null, "cr\r"])).toBe("a\\tb\tline\\nbreak\tback\\\\slash\t\\N\tcr\\r\n");
  });
});
