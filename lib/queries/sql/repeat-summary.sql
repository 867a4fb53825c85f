-- Per customer, the inputs of the BG/NBD and Gamma-Gamma models, with the conventions of Python's lifetimes:
--   purchases up to the analysis date count, and purchases on the same day are one purchase;
--   frequency = distinct purchase days - 1 (repeat purchases);
--   recency_days = first to last purchase day; t_days = first purchase day to the analysis date;
--   monetary = mean value of the repeat purchase days (the first day left out; 0 without repeats).
-- It reads invoice_totals (the dataset's lines summed per invoice and cleaning bits: the same sums), by
-- customer_key (the customer's id on a known customer's rows; what a Citus cluster distributes them on).
-- Divide recency and T by 7 for weeks. Defaults as in customer-features.sql: the analysis date is
-- the day after the last invoice (/*analysis_date*/), and every cleaning rule applies (/*rules*/).
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/repeat-summary.sql
with settings as (
  select coalesce(/*analysis_date*/null::date,
                  (select max(invoice_date)::date + 1 from invoice_totals where dataset_id = :dataset_id)) as analysis_date
),
purchase_days as (                       -- one row per customer and day
  select l.customer_key as customer_id, l.invoice_date::date as day, sum(l.value) as value
  from invoice_totals l cross join settings s
  where l.dataset_id = :dataset_id and l.customer_id is not null
    and l.invoice_date < s.analysis_date + 1
    and l.excluded & /*rules*/63 = 0
  group by l.customer_key, l.invoice_date::date
),
numbered as (
  select customer_id, day, value,
         row_number() over (partition by customer_id order by day) as n,
         min(day) over (partition by customer_id) as first_day
  from purchase_days
)
select customer_id,
       count(*) - 1                                    as frequency,
       max(day) - min(day)                             as recency_days,
       min(s.analysis_date) - min(day)                 as t_days,
       coalesce(avg(value) filter (where n > 1), 0)    as monetary
from numbered cross join settings s
group by customer_id
order by customer_id collate "C";
