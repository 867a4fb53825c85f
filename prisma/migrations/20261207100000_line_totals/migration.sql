-- Line totals (issue 15): an invoice-lines file may give each line's total (sales_data_sample's SALES, whose
-- PRICEEACH is capped at 100, so quantity x unit price is 17% short of the file's own revenue). The total is
-- kept as given, and revenue is line_total when the file gave one, else quantity x unit price
-- (lib/ingest/summaries.ts, top-products.sql, segment-top-products.sql). Nullable, with no default: adding it
-- rewrites no partition, and every line loaded before keeps its value.
ALTER TABLE "transaction_lines" ADD COLUMN "line_total" DECIMAL(20,6);
