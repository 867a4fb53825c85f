-- Where each segment of a segmentation run buys, and the whole base (segment_no null): per country of the
-- invoices, the segment's revenue (sum of line values: the file's line total, else quantity × unit price), orders (invoices) and customers, the
-- country's share of the segment's revenue, the same share over all customers of the run (base_share) and
-- the lift (share / base_share). Countries are ranked by revenue within each segment (rank 1 = most).
-- The run's settings: invoices up to its analysis date (default: the day after the dataset's last invoice)
-- and only the lines no cleaning rule of the run applies to (default: all rules, i.e. `excluded & 63 = 0`).
-- A run with both defaults reads customer_countries (those sums per customer and country, saved by the
-- dataset's preparation); another reads invoice_totals (the lines summed per invoice).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=1 -f lib/queries/sql/segment-countries.sql
with run as materialized (               -- the run's analysis date and cleaning rules (bits)
  select r.id, r.dataset_id,
         coalesce((r.params ->> 'analysisDate')::date,
                  (select max(i.invoice_date)::date + 1 from invoice_totals i where i.dataset_id = r.dataset_id)) as analysis_date,
         case when r.params ? 'cleaning'
              then (select coalesce(sum(b.bit), 0)::int
                    from jsonb_array_elements_text(r.params -> 'cleaning') as k(rule)
                    join (values ('noCustomer', 1), ('cancellation', 2), ('adjustment', 4), ('nonProduct', 8),
                                 ('badPrice', 16), ('duplicate', 32)) as b(rule, bit) on b.rule = k.rule)
              else 63 end as rules,
         r.params ->> 'analysisDate' is null as default_date
  from segmentation_runs r where r.id = :run_id
),
per_invoice as (                         -- per customer, country and invoice: the invoices the run analyses
  -- (the run's date and rules are filters of the sums: a WHERE on values from `run` would be guessed at a few
  -- rows, and the plan made for so few sorts the invoices and probes the members one by one)
  select i.customer_id, coalesce(nullif(btrim(i.country), ''), 'Unspecified') as country, i.invoice_no,
         sum(i.value) filter (where i.invoice_date < r.analysis_date + 1 and i.excluded & r.rules = 0) as revenue
  from invoice_totals i
  cross join run r
  where not (select rules = 63 and default_date from run)
    and i.dataset_id = (select dataset_id from run) and i.customer_id is not null
  group by 1, 2, 3
  having bool_or(i.invoice_date < r.analysis_date + 1 and i.excluded & r.rules = 0)
),
per_customer as (                        -- per customer and country
  -- (each branch runs only when its condition holds: PostgreSQL tests it once, before reading anything)
  select customer_id, country, revenue, orders
  from customer_countries
  where (select rules = 63 and default_date from run) and dataset_id = (select dataset_id from run)
  union all
  select customer_id, country, sum(revenue), count(*)  -- (hashed groupings: no sort of the invoices)
  from per_invoice
  group by 1, 2
),
per_country as (                         -- per segment and country, and for the base (segment_no null)
  select m.segment_no, c.country, sum(c.revenue) as revenue, sum(c.orders) as orders, count(*) as customers,
         grouping(m.segment_no) = 1 as is_base
  from per_customer c
  join segment_members m on m.run_id = :run_id and m.customer_id = c.customer_id
  group by grouping sets ((m.segment_no, c.country), (c.country))
),
shares as (
  select p.*,
         p.revenue / nullif(sum(p.revenue) over (partition by p.is_base, p.segment_no), 0) as share,
         row_number() over (partition by p.is_base, p.segment_no order by p.revenue desc, p.country) as rank
  from per_country p
)
select s.segment_no,
       s.rank,
       s.country,
       round(s.revenue, 2)                    as revenue,
       s.orders,
       s.customers,
       round(s.share, 4)                      as share,
       round(b.share, 4)                      as base_share,
       round(s.share / nullif(b.share, 0), 2) as lift
from shares s
join shares b on b.is_base and b.country = s.country
order by s.segment_no nulls last, s.rank;
