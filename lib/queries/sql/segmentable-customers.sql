-- How many customers a segmentation run of one dataset segments with the default settings: customers with at
-- least one invoice up to the day after the last invoice once every cleaning rule applies (excluded & 63 = 0),
-- as customer-features.sql counts them. It reads invoice_totals, the dataset's lines summed per invoice.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/segmentable-customers.sql
select count(distinct customer_id) as customers
from invoice_totals
where dataset_id = :dataset_id
  and customer_id is not null
  and excluded & 63 = 0;
