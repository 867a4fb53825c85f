import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { DatasetTabs } from "@/components/dataset-tabs";
import { describeParams, FEATURE_LABELS, METHOD_NAMES, chosenK } from "@/components/runs/run-params";
import { SegmentationForm, type FeatureOption } from "@/components/segmentation/segmentation-form";
import { ShowSql } from "@/components/show-sql";
import { getPool } from "@/lib/db";
import { formatDuration, formatInteger, formatMoment } from "@/lib/format";
import { parseId } from "@/lib/http/responses";
import { datasetTitle } from "@/lib/services/datasets";
import { FEATURE_KEYS } from "@/lib/services/segmentations";
import { getSegmentationsPage } from "@/lib/services/segmentations-page";
import { runSegmentationAction } from "./actions";
import { requireUser } from "@/lib/auth/next";
import { permissionsOf } from "@/lib/services/workspace-settings";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireUser();
  const id = parseId((await params).id);
  const name = id === null ? null : await datasetTitle(getPool(), id);
  return { title: name ? `Segmentations · ${name}` : "Segmentations" };
}


export default async function SegmentationsPage({ params }: Props) {
  const user = await requireUser();
  await connection();
  const id = parseId((await params).id);
  if (id === null) notFound();
  const [page, { change }] = await Promise.all([getSegmentationsPage(getPool(), id), permissionsOf(getPool(), user)]);
  if (!page) notFound();
  const { dataset, runs, customers, purchases, columns } = page;
  // Purchase features, then the customers file's columns (age, when the file has it, is one of them for a file alone).
  const features: FeatureOption[] = [
    ...(purchases
      ? FEATURE_KEYS.map((key): FeatureOption => ({
          key,
          label: FEATURE_LABELS[key] ?? key,
          group: "purchases",
          disabled: key === "age" && dataset.customersOnFile === 0 ? "needs a customers file" : undefined,
        }))
      : []),
    ...columns
      .filter((c) => !(purchases && c.key === "age"))
      .map((c): FeatureOption => ({
        key: c.name,
        label: c.name,
        group: "file",
        kind: c.kindLabel.toLowerCase(),
        disabled: c.kind === "id" || c.kind === "text" ? `${c.kind === "id" ? "an id" : "free text"}: change its kind on the overview to use it` : undefined,
      })),
  ];
  const defaultFeatures = purchases ? ["recencyDays", "frequency", "monetary"] : columns.filter((c) => c.kind === "number").slice(0, 4).map((c) => c.name);
  const outcomes = columns.filter((c) => c.kind === "yes_no" || c.kind === "category").map((c) => c.name);

  return (
    <>
      <div className="page-head stack-on-phone">
        <div>
          <p className="crumbs">
            <Link href="/">Datasets</Link> / <Link href={`/datasets/${dataset.id}`}>{dataset.name}</Link>
          </p>
          <h1>Segmentations</h1>
          <p className="lead">
            {customers === null ? (
              <>The dataset is being prepared after its last load: runs start once its summaries are built.</>
            ) : (
              <>
                {purchases ? (
                  <>
                    {formatInteger(customers)} customers to segment with the default settings (<code>lib/queries/sql/segmentable-customers.sql</code>).
                  </>
                ) : (
                  <>
                    {formatInteger(customers)} customers in the customers file. The dataset has no purchases: cluster the customers on its columns, or score RFM
                    on its recency, frequency and spend columns.
                  </>
                )}
              </>
            )}
          </p>
        </div>
        {change && (
          <a className="button primary" href="#new-run">
            New segmentation
          </a>
        )}
      </div>

      <DatasetTabs datasetId={dataset.id} current="segmentations" />

      <section className="card" id="runs" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        {runs.length === 0 ? (
          <div className="empty" data-testid="no-runs">
            <p>No segmentation of this dataset yet.</p>
            {change && (
              <p className="muted">
                {purchases ? (
                  <>
                    Start with <a href="#new-run">RFM and the standard segments</a> below: it takes a second.
                  </>
                ) : (
                  <>
                    Start with <a href="#new-run">k-means on the customers file&apos;s number columns</a> below: it takes a second.
                  </>
                )}
              </p>
            )}
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table runs-table" data-testid="runs-table">
              <caption className="visually-hidden">Segmentation runs of {dataset.name}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Method</th>
                  <th scope="col">Settings</th>
                  <th scope="col" className="num">
                    k
                  </th>
                  <th scope="col" className="num">
                    Segments
                  </th>
                  <th scope="col" className="num">
                    Customers
                  </th>
                  <th scope="col" className="num">
                    Took
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.id} data-run={run.id}>
                    <th scope="row" className="nowrap">
                      <Link href={`/runs/${run.id}`}>Run {run.id}</Link>
                    </th>
                    <td>{METHOD_NAMES[run.method] ?? run.method}</td>
                    <td className="small">{describeParams(run.method, run.params)}</td>
                    <td className="num">{chosenK(run.params) ?? "–"}</td>
                    <td className="num" data-figure="segments">
                      {formatInteger(run.segments)}
                    </td>
                    <td className="num" data-figure="customers">
                      {formatInteger(run.customers)}
                    </td>
                    <td className="num">{formatDuration(run.durationMs)}</td>
                    <td className="nowrap small">{formatMoment(run.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ShowSql name="segmentation-runs" id={dataset.id} />
      </section>

      {change && (
        <section className="card" id="new-run" aria-labelledby="new-run-title">
          <h2 id="new-run-title">New segmentation</h2>
          <p className="muted small">
            The same settings as <code>POST /api/datasets/{dataset.id}/segmentations</code>. Purchase features are read by <code>lib/queries/sql/customer-features.sql</code>;
            columns of the customers file by their names as written in its header.
          </p>
          <SegmentationForm
            action={runSegmentationAction.bind(null, dataset.id)}
            customers={customers}
            features={features}
            purchases={purchases}
            defaultFeatures={defaultFeatures}
            outcomes={outcomes}
            summaryColumns={columns
              .filter((c) => (c.kind === "number" || c.kind === "date") && c.distinctValues > 1)
              .map((c) => ({ name: c.name, kind: c.kind as "number" | "date" }))}
          />
        </section>
      )}
    </>
  );
}
