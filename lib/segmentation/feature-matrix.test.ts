import { describe, expect, test } from "vitest";
import { inferKind, possibleKinds, type ColumnCounts } from "../ingest/column-kinds";
import { featureMatrix } from "./feature-matrix";
import { attributeName } from "./profiles";

const counts = (c: Partial<ColumnCounts>): ColumnCounts => ({ customers: 10, filled: 10, distinctValues: 10, numericValues: 0, wholeValues: 0, yesNoValues: 0, dateValues: 0, ...c });

describe("column kinds", () => {
  test("read from the values as an analyst would", () => {
    expect(inferKind("Churn", counts({ distinctValues: 2, yesNoValues: 10 }))).toBe("yes_no");
    expect(inferKind("SeniorCitizen", counts({ distinctValues: 2, yesNoValues: 10, numericValues: 10, wholeValues: 10 }))).toBe("yes_no");
    expect(inferKind("Kidhome", counts({ distinctValues: 3, yesNoValues: 8, numericValues: 10, wholeValues: 10 }))).toBe("number");
    expect(inferKind("Income", counts({ filled: 9, distinctValues: 9, numericValues: 9 }))).toBe("number");
    expect(inferKind("Member ID", counts({ numericValues: 10, wholeValues: 10 }))).toBe("id");
    expect(inferKind("Dt_Customer", counts({ dateValues: 10, distinctValues: 7 }))).toBe("date");
    expect(inferKind("Contract", counts({ distinctValues: 3 }))).toBe("category");
    expect(inferKind("Email", counts({}))).toBe("id");
    expect(inferKind("Comment", counts({ distinctValues: 8 }))).toBe("text");
    expect(inferKind("Empty", counts({ filled: 0, distinctValues: 0 }))).toBe("text");
  });

  test("a column with text in it cannot be made a number", () => {
    expect(possibleKinds(counts({ distinctValues: 3, numericValues: 9 }))).toEqual(["category", "id", "text"]);
    expect(possibleKinds(counts({ distinctValues: 3, numericValues: 10 }))).toContain("number");
  });
});

describe("a customers file's columns as a matrix", () => {
  test("numbers as they are, dates as days, categories one-hot (the rest as Other), yes/no as one weighted column; gaps left out", () => {
    const m = featureMatrix(
      [
        { name: "Income", kind: "number", values: ["10", "20", null, "40"] },
        { name: "Since", kind: "date", values: ["2014-06-28", "2014-06-29", "2014-01-01", "2013-06-29"] },
        { name: "Plan", kind: "category", values: ["a", "b", "a", "c"] },
        { name: "Churn", kind: "yes_no", values: ["Yes", "no", "No", "1"] },
      ],
      { maxLevels: 2, categoryWeight: 0.5 },
    );
    expect(m.kept).toEqual([0, 1, 3]);
    expect(m.missing).toEqual([{ name: "Income", customers: 1 }]);
    expect(m.features).toEqual(["Income", "Days since Since", "Plan: a", "Plan: Other", "Churn"]);
    expect(m.rows).toEqual([
      [10, 2, 1, 0, 1],
      [20, 1, 0, 1, 0],
      [40, 366, 0, 1, 1],
    ]);
    expect(m.dummyWeights).toEqual([undefined, undefined, 0.5, 0.5, 0.5 * Math.SQRT2]);
    expect(m.encodings.find((e) => e.name === "Since")!.referenceDate).toBe("2014-06-30");
  });

  test("a value that is not what its kind says is an error naming the column", () => {
    expect(() => featureMatrix([{ name: "Income", kind: "number", values: ["n/a"] }])).toThrow(/"Income" holds "n\/a"/);
    expect(() => featureMatrix([{ name: "Since", kind: "date", values: ["04-09-2012"] }])).toThrow(/not a date as YYYY-MM-DD/);
  });

  test("clusters without purchase features are named by what sets them apart", () => {
    const spread = { means: [60, 50, 0.5], sds: [26, 25, 0.5] };
    const features = ["Annual Income (k$)", "Spending Score (1-100)", "Gender: Female"];
    expect(attributeName(features, { "Annual Income (k$)": 88, "Spending Score (1-100)": 17, "Gender: Female": 0.45 }, spread, [false, false, true])).toBe(
      "Low Spending Score (1-100), high Annual Income (k$)",
    );
    expect(attributeName(features, { "Annual Income (k$)": 61, "Spending Score (1-100)": 50, "Gender: Female": 0.95 }, spread, [false, false, true])).toBe("Mostly Female (Gender)");
    expect(attributeName(features, { "Annual Income (k$)": 60, "Spending Score (1-100)": 51, "Gender: Female": 0.5 }, spread, [false, false, true])).toBe("Typical customers");
  });
});
