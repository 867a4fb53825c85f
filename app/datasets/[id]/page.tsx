import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { CleaningTable } from "@/components/cleaning-table";
import { DatasetFigures } from "@/components/dataset-card";
import { getPool, getPrisma } from "@/lib/db";
import { formatInteger } from "@/lib/format";
import { parseId } from "@/lib/http/responses";
import { getDataset } from "@/lib/services/datasets";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = parseId((await params).id);
  const dataset = id === null ? null : await getPrisma().dataset.findUnique({ where: { id }, select: { name: true } });
  return { title: dataset?.name ?? "Dataset" };
}

export default async function DatasetPage({ params }: Props) {
  await connection();
  const id = parseId((await params).id);
  const dataset = id === null ? null : await getDataset({ prisma: getPrisma(), pool: getPool() }, id);
  if (!dataset) notFound();
  return (
    <>
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/">Datasets</Link>
          </p>
          <h1>{dataset.name}</h1>
          {dataset.description && <p className="lead">{dataset.description}</p>}
        </div>
        <Link className="button primary" href={`/upload?dataset=${dataset.id}`}>
          Add or replace a file
        </Link>
      </div>

      <section className="card" aria-labelledby="figures-title">
        <h2 id="figures-title">Figures</h2>
        <DatasetFigures figures={dataset.figures} />
        <p className="muted small">
          {formatInteger(dataset.customersOnFile)} customers in a customers file. Computed over every line as loaded:{" "}
          <code>lib/queries/sql/dataset-figures.sql</code>
        </p>
      </section>

      <section className="card" aria-labelledby="cleaning-title">
        <h2 id="cleaning-title">Cleaning</h2>
        <p className="muted">
          Raw lines are kept. These rules leave lines out of the analysis by default (<code>lib/queries/sql/cleaning-counts.sql</code>).
        </p>
        <CleaningTable counts={dataset.cleaning} caption="Lines per cleaning rule" />
      </section>

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
                  <td>{new Date(i.startedAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
