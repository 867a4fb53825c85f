import { CleaningTable } from "@/components/cleaning-table";
import { ShowSql } from "@/components/show-sql";
import { formatInteger, formatMoment } from "@/lib/format";
import type { DatasetDetail } from "@/lib/services/datasets";

/** The overview's data quality: lines per cleaning rule, and the files loaded. */
export function OverviewDataQuality({ dataset, purchases = true }: { dataset: DatasetDetail; purchases?: boolean }) {
  return (
    <>
      <h2 className="overview-section">Data quality</h2>
      {purchases && <section className="card" aria-labelledby="cleaning-title">
        <h2 id="cleaning-title">Cleaning</h2>
        <p className="muted">Raw lines are kept. These rules leave lines out of the analysis by default; a segmentation run can switch them off one by one.</p>
        {dataset.cleaning ? (
          <CleaningTable counts={dataset.cleaning} caption="Lines per cleaning rule" />
        ) : (
          <p className="muted" data-preparing>
            The counts appear once the dataset is prepared.
          </p>
        )}
        <ShowSql name="cleaning-counts" id={dataset.id} />
      </section>}

      <section className="card" aria-labelledby="imports-title">
        <h2 id="imports-title">Files</h2>
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Kind</th>
                <th scope="col">How</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Rows
                </th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {dataset.imports.map((i) => (
                <tr key={i.id}>
                  <td>{i.fileName}</td>
                  <td>{i.kind}</td>
                  <td>{i.mode}</td>
                  <td>
                    <span className={`status status-${i.status}`}>{i.status}</span>
                    {i.status === "failed" && typeof i.error === "object" && i.error !== null && "message" in i.error && (
                      <span className="muted small">{String((i.error as { message: unknown }).message)}</span>
                    )}
                  </td>
                  <td className="num">{formatInteger(i.rowsLoaded)}</td>
                  <td>{formatMoment(i.startedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
