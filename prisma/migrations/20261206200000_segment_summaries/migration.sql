-- A run's segment pages at a real shop's size (issue 13): two more summaries of each dataset, built by its
-- preparation, so the pages a run at the defaults shows read rows per customer instead of every line or
-- every invoice:
-- - customer_countries: per customer and country of the invoices, the orders and revenue of the lines no
--   cleaning rule applies to (segment-countries.sql read 1.2 million invoices of a 10-million-line
--   dataset, 3.5 s, for 140,000 rows);
-- - product_descriptions: each product's most used description over the same lines (segment-top-products.sql
--   counted descriptions over the dataset's lines, 2.5 s at 10 million lines).
-- And an index on the invoices' dates, so "the day after the dataset's last invoice" (every query's default
-- analysis date) is read from an index instead of a scan of the dataset's invoices (0.4 s at 10 million lines).

CREATE TABLE "customer_countries" (
    "dataset_id" INTEGER NOT NULL,
    "customer_id" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,
    "revenue" DECIMAL(20,6) NOT NULL
) PARTITION BY LIST ("dataset_id");

CREATE TABLE "product_descriptions" (
    "dataset_id" INTEGER NOT NULL,
    "stock_code" TEXT NOT NULL,
    "description" TEXT NOT NULL
) PARTITION BY LIST ("dataset_id");

CREATE INDEX "invoice_totals_dataset_id_invoice_date_idx" ON "invoice_totals"("dataset_id", "invoice_date");

-- Every dataset's summaries are built again by the next start's preparation (the new ones with them).
UPDATE "datasets" SET "summarised_version" = NULL, "prepared_version" = NULL;
