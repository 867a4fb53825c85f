import { describe, expect, test } from "vitest";
import { RecordHashSet } from "./duplicates";

describe("RecordHashSet", () => {
  test("a record is seen again as bytes or as text alike, whatever its characters", () => {
    const records = ["536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom", "1,Café € “quoted”,😀,España", "a,b"];
    const set = new RecordHashSet();
    for (const r of records) expect(set.seenText(r, 0, r.length)).toBe(false);
    for (const r of records) {
      const bytes = Buffer.from(`x${r}y`);
      expect(set.seenBytes(bytes, 1, bytes.length - 1)).toBe(true);
    }
    expect(set.seenText("zz,a,b", 3, 6)).toBe(true); // "a,b" inside another text
    expect(set.size).toBe(3);
  });

  test("keeps a million distinct records apart, in 5 bytes each once sized for them, and grows past its size", () => {
    const set = new RecordHashSet(1_000_000);
    const bytesBefore = set.bytes;
    let falseDuplicates = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const r = `${i},85123A,${i % 977},2010-12-01 08:26:00,2.55`;
      if (set.seenText(r, 0, r.length)) falseDuplicates++;
    }
    expect(falseDuplicates).toBe(0);
    expect(set.bytes).toBe(bytesBefore); // no second table
    expect(set.bytes / 1_000_000).toBeLessThan(12);
    const small = new RecordHashSet(10);
    for (let i = 0; i < 200_000; i++) expect(small.seenText(String(i), 0, String(i).length)).toBe(false);
    for (let i = 0; i < 200_000; i += 997) expect(small.seenText(String(i), 0, String(i).length)).toBe(true);
  });
});
