import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { DatasetCard } from "@/components/dataset-card";
import { getPool } from "@/lib/db";
import { SAMPLE } from "@/lib/sample";
import { listDatasets } from "@/lib/services/datasets";
import { requireUser } from "@/lib/auth/next";
import { permissionsOf } from "@/lib/services/workspace-settings";

export const metadata: Metadata = { title: "Datasets" };

export default async function HomePage() {
  const user = await requireUser();
  await connection();
  const [datasets, allowed] = await Promise.all([listDatasets(getPool()), permissionsOf(getPool(), user)]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Datasets</h1>
          <p className="lead">Customers and their purchases, ready to segment. Every figure is computed in SQL.</p>
        </div>
        {allowed.change && (
          <Link className="button primary" href="/upload">
            Upload a file
          </Link>
        )}
      </div>

      {datasets.length === 0 ? (
        <section className="empty" aria-labelledby="empty-title">
          <h2 id="empty-title">No datasets yet</h2>
          {allowed.change ? (
            <p>
              <Link href="/upload">Upload a transactions file</Link>, or start from the sample files below: they have the columns of
              the UCI Online Retail data.
            </p>
          ) : (
            <p>An analyst or an admin uploads them: your account reads what they load.</p>
          )}
        </section>
      ) : (
        <ul className="dataset-list" aria-label="Datasets">
          {datasets.map((d) => (
            <li key={d.id}>
              <DatasetCard dataset={d} />
            </li>
          ))}
        </ul>
      )}

      <section className="downloads" aria-labelledby="downloads-title">
        <h2 id="downloads-title">Sample files</h2>
        <p>
          The sample dataset as CSV: {SAMPLE.customers.toLocaleString("en-GB")} generated customers of a gift shop (seed{" "}
          {SAMPLE.seed}), with cancellations, guest orders, postage lines and free items, as real exports have.
        </p>
        <ul className="download-links">
          <li>
            <a href={`/samples/${SAMPLE.files.transactions}`} download>
              Transactions (Online Retail columns)
            </a>
          </li>
          <li>
            <a href={`/samples/${SAMPLE.files.customers}`} download>
              Customers (age, gender, location, channel)
            </a>
          </li>
        </ul>
      </section>
    </>
  );
}
