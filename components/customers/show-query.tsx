/**
 * "Show SQL" for a query that is not a file of lib/queries/sql because it
 * takes more than one parameter (a customer's history, a page of the
 * customers table): its text as the app sends it, and how to run it in psql.
 * Looks and behaves like <ShowSql>.
 */
export function ShowQuery({ name, sql, command, label = "Show SQL" }: { name: string; sql: string; command?: string; label?: string }) {
  return (
    <details className="show-sql" data-sql={name}>
      <summary>{label}</summary>
      <p className="small muted">
        Written in <code>lib/services/customers.ts</code>
        {command ? (
          <>
            . Save it as <code>query.sql</code> and run it yourself: <code className="copyable">{command}</code>
          </>
        ) : (
          "."
        )}
      </p>
      <pre>
        <code>{sql}</code>
      </pre>
    </details>
  );
}
