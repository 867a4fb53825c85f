/**
 * Splits a migration's SQL into its statements, one string each, so that they can be sent one at a time: on a
 * Citus cluster a query string holding several DDL statements on distributed or reference tables is refused
 * ("cannot insert multiple commands into a prepared statement"), one statement at a time is not. It knows what
 * PostgreSQL's lexer knows of where a semicolon does not end a statement: quoted strings ('...', E'...'),
 * quoted names ("..."), dollar-quoted bodies ($$...$$, $tag$...$tag$), -- comments and nested block comments.
 * Parentheses do not matter (a semicolon inside them is an error in PostgreSQL anyway). Statements that are
 * empty or only comments are left out.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  const push = (end: number) => {
    const text = sql.slice(start, end).trim();
    if (text && stripComments(text).trim()) statements.push(text);
  };
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === "/" && next === "*") {
      i = skipBlockComment(sql, i);
    } else if (c === "'") {
      // E'...' strings take backslash escapes; standard strings only double the quote.
      const escapes = /[eE]/.test(sql[i - 1] ?? "") && !/[\w$]/.test(sql[i - 2] ?? "");
      i = skipQuoted(sql, i, "'", escapes);
    } else if (c === '"') {
      i = skipQuoted(sql, i, '"', false);
    } else if (c === "$" && !/[\w$]/.test(sql[i - 1] ?? "")) {
      const tag = /^\$([A-Za-z_][A-Za-z_0-9]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
      } else i++;
    } else if (c === ";") {
      push(i);
      i++;
      start = i;
    } else i++;
  }
  push(n);
  return statements;
}

function skipQuoted(sql: string, i: number, quote: string, escapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    if (escapes && sql[j] === "\\") j += 2;
    else if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql[j] === "/" && sql[j + 1] === "*") {
      depth++;
      j += 2;
    } else if (sql[j] === "*" && sql[j + 1] === "/") {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return j;
}

function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
}
