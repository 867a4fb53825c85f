-- customer_key (issue 18): on the lines and their per-invoice sums, the customer's id, or for a guest line (no
-- customer id) a space followed by its invoice number. Never null, so a Citus cluster can distribute
-- transaction_lines and invoice_totals on it, co-located with the per-customer tables (distributed on their
-- customer_id, also TEXT): a customer's lines, invoices, summary, products, countries and memberships are on
-- the same node, and per-customer work over them is pushed down whole (lib/db/citus.ts moves the two tables
-- after the migrations). A guest key cannot be a customer's id: the loader trims every id
-- (lib/ingest/values.ts, identifier), so no id begins with a space; and one guest invoice keeps its lines
-- together. The loader writes the column (lib/ingest/rows.ts, fast-lines.ts); Citus will not distribute on a
-- generated column, nor can a default read other columns.
--
-- The existing rows are filled here. On one PostgreSQL the column is first added as a stored generated
-- column, which rewrites each table once and checks NOT NULL as it goes (as VACUUM FULL would: no dead row
-- versions, the indexes rebuilt), then its expression is dropped, which changes the catalog only. Citus does not propagate DROP
-- EXPRESSION, so on a cluster the column is added empty and filled by an UPDATE, which each shard runs on its
-- worker in parallel (lib/db/citus.ts's re-distribution then copies the tables anyway, leaving no dead rows).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    ALTER TABLE "transaction_lines" ADD COLUMN "customer_key" TEXT;
    ALTER TABLE "invoice_totals" ADD COLUMN "customer_key" TEXT;
    UPDATE "transaction_lines" SET "customer_key" = coalesce("customer_id", ' ' || "invoice_no");
    UPDATE "invoice_totals" SET "customer_key" = coalesce("customer_id", ' ' || "invoice_no");
    ALTER TABLE "transaction_lines" ALTER COLUMN "customer_key" SET NOT NULL;
    ALTER TABLE "invoice_totals" ALTER COLUMN "customer_key" SET NOT NULL;
  ELSE
    ALTER TABLE "transaction_lines" ADD COLUMN "customer_key" TEXT NOT NULL GENERATED ALWAYS AS (coalesce("customer_id", ' ' || "invoice_no")) STORED;
    ALTER TABLE "transaction_lines" ALTER COLUMN "customer_key" DROP EXPRESSION;
    ALTER TABLE "invoice_totals" ADD COLUMN "customer_key" TEXT NOT NULL GENERATED ALWAYS AS (coalesce("customer_id", ' ' || "invoice_no")) STORED;
    ALTER TABLE "invoice_totals" ALTER COLUMN "customer_key" DROP EXPRESSION;
  END IF;
END $$;
