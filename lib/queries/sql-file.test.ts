import { describe, expect, test } from "vitest";
import { psqlCommand, sqlFile, sqlFileValues } from "./sql-file";

describe("a file's option", () => {
  test("revenue-over-time?grain=week is revenue-over-time.sql at grain=week: $2 for the app, -v grain=week for psql", () => {
    const file = sqlFile("revenue-over-time?grain=week");
    expect(file.name).toBe("revenue-over-time");
    expect(file.statement).toContain("date_trunc($2, invoice_date)");
    expect(file.statement).not.toContain(":'grain'");
    expect(sqlFileValues(file, 7)).toEqual([7, "week"]);
    expect(psqlCommand(file, 7)).toBe('psql "$DATABASE_URL" -v dataset_id=7 -v grain=week -f lib/queries/sql/revenue-over-time.sql');
  });

  test("a name without an option runs with its id alone; an option the file does not take is refused", () => {
    const file = sqlFile("top-products");
    expect(sqlFileValues(file, 3)).toEqual([3]);
    expect(psqlCommand(file, 3)).toBe('psql "$DATABASE_URL" -v dataset_id=3 -f lib/queries/sql/top-products.sql');
    expect(() => sqlFile("revenue-over-time?grain=day")).toThrow(RangeError);
    expect(() => sqlFile("revenue-over-time?grain=week&grain=month")).toThrow(RangeError);
  });
});

describe("a file about two runs", () => {
  test("segment-migration.sql takes :from_run and :to_run, sent as $1 and $2, and both in its psql command", () => {
    const file = sqlFile("segment-migration");
    expect(file.parameter).toBe("from_run");
    expect(file.statement).not.toMatch(/:(from|to)_run/);
    expect(file.statement).toContain("where run_id = $1");
    expect(file.statement).toContain("where run_id = $2");
    expect(sqlFileValues(file, 4, 9)).toEqual([4, 9]);
    expect(psqlCommand(file, 4, 9)).toBe('psql "$DATABASE_URL" -v from_run=4 -v to_run=9 -f lib/queries/sql/segment-migration.sql');
    expect(() => sqlFileValues(file, 4)).toThrow(RangeError);
  });

  test("files about one run keep :run_id as $1", () => {
    const file = sqlFile("segment-profile");
    expect(file.parameter).toBe("run_id");
    expect(sqlFileValues(file, 5)).toEqual([5]);
    expect(file.statement).toContain("where run_id = $1");
  });
});
