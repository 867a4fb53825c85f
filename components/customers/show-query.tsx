/**
 * "Show SQL" for a query whose psql command takes more than the dataset or
 * run (a customer's history) or that is built from the table's settings (a
 * page of the customers table): its text, where it is written, and, when it
 * is a file, the command that runs it. Looks and behaves like <ShowSql>.
 */
export function ShowQuery({ name, sql, command, source = "lib/services/customers.ts", label = "Show SQL" }: { name: string; sql: string; command?: string; source?: string; label?: string }) {
  return (
    <details className="show-sql" data-sql={name}>
      <summary>{label}</summary>
      <p className="small muted">
        Written in <code>{source}</code>
        {command ? (
          <>
            . Run it yourself: <code className="copyable">{command}</code>
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
