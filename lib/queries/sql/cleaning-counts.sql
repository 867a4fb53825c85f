-- How many lines of one dataset each cleaning rule leaves out of the analysis.
-- The rules a line falls under are bits of transaction_lines.excluded (lib/ingest/cleaning.ts):
-- 1 no customer, 2 cancellation, 4 adjustment, 8 non-product code, 16 zero or negative price, 32 exact duplicate.
-- It reads invoice_totals, where the lines are summed per invoice and cleaning bits.
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/cleaning-counts.sql
select
  coalesce(sum(lines) filter (where excluded & 1 <> 0), 0)   as no_customer,
  coalesce(sum(lines) filter (where excluded & 2 <> 0), 0)   as cancellation,
  coalesce(sum(lines) filter (where excluded & 4 <> 0), 0)   as adjustment,
  coalesce(sum(lines) filter (where excluded & 8 <> 0), 0)   as non_product,
  coalesce(sum(lines) filter (where excluded & 16 <> 0), 0)  as bad_price,
  coalesce(sum(lines) filter (where excluded & 32 <> 0), 0)  as duplicate,
  coalesce(sum(lines) filter (where excluded <> 0), 0)       as excluded,   -- under at least one rule
  coalesce(sum(lines) filter (where excluded = 0), 0)        as included    -- what the analysis uses by default
from invoice_totals
where dataset_id = :dataset_id;
