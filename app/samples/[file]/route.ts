import { notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { SAMPLE, sampleFiles } from "@/lib/sample";

// GET /samples/{sample-transactions.csv|sample-customers.csv}: the sample files, generated as they stream.
const FILES: Record<string, "transactions" | "customers"> = {
  [SAMPLE.files.transactions]: "transactions",
  [SAMPLE.files.customers]: "customers",
};

export const GET = route<"user", { file: string }>({ access: "user" }, async ({ params: { file } }) => {
  const kind = FILES[file];
  if (!kind) return notFound("No such sample file.");
  const lines = sampleFiles()[kind];
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = "";
      for (let next = lines.next(); !next.done; next = lines.next()) {
        chunk += next.value;
        if (chunk.length >= 1 << 16) break;
      }
      if (chunk) controller.enqueue(encoder.encode(chunk));
      else controller.close();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${file}"`,
      "cache-control": "public, max-age=3600",
    },
  });
});
