-- Customers files as features (issue 15): the kind an analyst gave a column of a dataset's customers file
-- (number, category, yes_no, date, id, text), where it differs from the one Segmenta read from its values
-- (lib/ingest/column-kinds.ts). The key is the column's key in lib/queries/sql/customer-columns.sql.
CREATE TABLE "customer_column_kinds" (
    "dataset_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_column_kinds_pkey" PRIMARY KEY ("dataset_id", "key"),
    CONSTRAINT "customer_column_kinds_kind_check" CHECK ("kind" IN ('number', 'category', 'yes_no', 'date', 'id', 'text'))
);

ALTER TABLE "customer_column_kinds" ADD CONSTRAINT "customer_column_kinds_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Datasets prepared before this version lack the new answer (customer-columns.sql): the next start's preparation
-- computes the answers a dataset lacks, and only those (its summaries stay as they are).
UPDATE "datasets" SET "prepared_version" = NULL;
-- dataset-figures.sql now also counts the customers on file (a dataset with a customers file alone showed 0
-- customers): its saved answers are computed again, with the others a dataset lacks.
DELETE FROM "query_results" WHERE "name" = 'dataset-figures';
