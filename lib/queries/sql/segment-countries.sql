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
with last_day as materialized (          -- the day after the dataset's last invoice (read only when the run has no date)
  -- (read first, not in a subquery correlated with the run's row: Citus refuses a correlated subquery when the
  -- FROM clause holds a reference table)
  select max(i.invoice_date)::date + 1 as analysis_date
  from invoice_totals i
  where i.dataset_id = (select dataset_id from segmentation_runs where id = :run_id)
),
run as materialized (                    -- the run's analysis date and cleaning rules (bits)
  select r.id, r.dataset_id,
         coalesce((r.params ->> 'analysisDate')::date, (select analysis_date from last_day)) as analysis_date,
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
per_segment as (                         -- per segment and country, from the customers' sums joined with the members
  -- (each branch runs only when its condition holds: PostgreSQL tests it once, before reading anything; each
  -- joins its own per-customer rows with the members, so that on Citus the saved sums and the members, both
  -- distributed by customer, are joined on the workers, not sent to the coordinator first)
  select m.segment_no, c.country, sum(c.revenue) as revenue, sum(c.orders::bigint) as orders, count(*) as customers
  from customer_countries c
  join segment_members m on m.run_id = :run_id and m.customer_id = c.customer_id
  where (select rules = 63 and default_date from run) and c.dataset_id = (select dataset_id from run)
  group by m.segment_no, c.country
  union all
  select m.segment_no, c.country, sum(c.revenue), sum(c.orders), count(*)
  from (select customer_id, country, sum(revenue) as revenue, count(*) as orders  -- (hashed groupings: no sort of the invoices)
        from per_invoice
        group by 1, 2) c
  join segment_members m on m.run_id = :run_id and m.customer_id = c.customer_id
  group by m.segment_no, c.country
),
per_country as (                         -- and for the base (segment_no null), the sums of the segments', as every
  -- member is in one segment (not GROUPING SETS, which Citus does not run over distributed tables)
  select segment_no, country, revenue, orders, customers, false as is_base from per_segment
  union all
  select null, country, sum(revenue), sum(orders), sum(customers)::bigint, true from per_segment group by country
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
