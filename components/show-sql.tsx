import { psqlCommand, sqlFile } from "@/lib/queries/sql-file";

/**
 * "Show SQL": the query file behind a figure, as written, with the psql
 * command that reruns it. Every chart, table and insight names its file.
 */
export function ShowSql({ name, id, toRun, label = "Show SQL" }: { name: string; id: number; /** The second run of a file about two runs (segment-migration.sql). */ toRun?: number; label?: string }) {
  const file = sqlFile(name);
  return (
    <details className="show-sql" data-sql={name}>
      <summary>{label}</summary>
      <p className="small muted">
        <code>lib/queries/sql/{file.name}.sql</code>. Run it yourself: <code className="copyable">{psqlCommand(file, id, toRun)}</code>
      </p>
      <pre>
        <code>{file.text}</code>
      </pre>
    </details>
  );
}
