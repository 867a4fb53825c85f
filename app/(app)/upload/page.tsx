import type { Metadata } from "next";
import { connection } from "next/server";
import { UploadForm } from "@/components/upload/upload-form";
import { getPool } from "@/lib/db";
import { uploadTargets } from "@/lib/services/datasets";
import { parseId } from "@/lib/http/responses";
import { requireUser } from "@/lib/auth/next";
import { permissionsOf } from "@/lib/services/workspace-settings";

export const metadata: Metadata = { title: "Upload" };

export default async function UploadPage({ searchParams }: { searchParams: Promise<{ dataset?: string }> }) {
  const user = await requireUser();
  await connection();
  if (!(await permissionsOf(getPool(), user)).change) {
    return (
      <div className="page-head">
        <div>
          <h1>Upload a file</h1>
          <p className="lead" data-testid="viewer-no-upload">
            Your account is a viewer&apos;s: it reads every dashboard but uploads nothing. An admin can give you the analyst role.
          </p>
        </div>
      </div>
    );
  }
  const { dataset } = await searchParams;
  const datasets = await uploadTargets(getPool());
  const initial = dataset ? parseId(dataset) : null;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Upload a file</h1>
          <p className="lead">
            Transactions (invoice lines, or one purchase per row) or customers. Nothing is stored until the whole file is in.
          </p>
        </div>
      </div>
      <UploadForm datasets={datasets} initialDataset={initial !== null && datasets.some((d) => d.id === initial) ? initial : null} />
    </>
  );
}
