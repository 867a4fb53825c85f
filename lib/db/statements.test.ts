import { describe, expect, test } from "vitest";
import { readMigrations } from "./migrate";
import { splitStatements } from "./statements";

// Where a semicolon ends a statement, by PostgreSQL's lexical rules (docs: "SQL Syntax, Lexical Structure").
describe("a migration's statements", () => {
  test("semicolons end statements; blank and comment-only pieces are left out", () => {
    expect(splitStatements("create table a (x int);\n\n-- done\nalter table a add column y int;\n;")).toEqual([
      "create table a (x int)",
      "-- done\nalter table a add column y int",
    ]);
  });

  test("a semicolon inside a string, a quoted name, a comment or a dollar-quoted body does not", () => {
    const sql = [
      "insert into t values ('a;b', 'it''s;', E'back\\';slash')",
      `create table "odd;name" ("x;" int)`,
      "-- a comment; with a semicolon\nselect 1 /* block; /* nested; */ still; */",
      "do $$ begin perform 1; perform 2; end $$",
      "create function f() returns int language sql as $body$ select 1; $body$",
    ];
    expect(splitStatements(sql.join(";\n") + ";")).toEqual(sql);
  });

  test("$1 and a name with a dollar in it are not dollar quotes", () => {
    expect(splitStatements("select $1::int; select a$b$ from t; select 2")).toEqual(["select $1::int", "select a$b$ from t", "select 2"]);
  });

  test("every migration splits into statements that join back into its text", () => {
    for (const m of readMigrations()) {
      const pieces = splitStatements(m.sql);
      expect(pieces.length, m.name).toBeGreaterThan(0);
      // Nothing but whitespace, comments and semicolons is lost between the pieces.
      let rest = m.sql;
      for (const piece of pieces) {
        const at = rest.indexOf(piece);
        expect(at, `${m.name}: ${piece.slice(0, 60)}`).toBeGreaterThanOrEqual(0);
        expect(rest.slice(0, at).replace(/--[^\n]*/g, "").replace(/[\s;]/g, ""), m.name).toBe("");
        rest = rest.slice(at + piece.length);
      }
      expect(rest.replace(/--[^\n]*/g, "").replace(/[\s;]/g, ""), m.name).toBe("");
    }
  });
});
