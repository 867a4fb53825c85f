-- How customers of one dataset are spread on three measures, as histograms (one set of rows per measure):
--   recency_days  days from the customer's last order to the analysis date (the day after the dataset's last
--                 invoice, as in customer-features.sql), in bins of 30 days (60, 90, ... when the span is
--                 long enough to need more than 20 bins);
--   frequency     orders (distinct invoices), in whole-number bins 1, 2, 3, 4-5, 6-9, 10-14, 15-24, ...;
--   spend         revenue (sum of line values: the file's line total, else quantity x unit price), in bins 1, 1.5, 2.5, 4, 6 times a power of ten,
--                 evenly spaced on a log scale, so the long tail does not squash the bulk.
-- Bins run to the edge above the 99th percentile (spend: from the edge below the 1st); customers outside
-- fall in an open first or last bin (lower or upper is null). Each bin is [lower, upper): customers, their
-- share, the revenue they brought and its share. Only customers with at least one order count.
-- Default cleaning: only lines under no cleaning rule count (excluded & 63 = 0).
-- It reads invoice_totals, the dataset's lines summed per invoice and cleaning bits. Ids are counted in
-- byte order (collate "C"), faster than the locale's rules.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/customer-distributions.sql
with settings as (
  select max(invoice_date)::date + 1 as analysis_date from invoice_totals where dataset_id = :dataset_id
),
per_customer as (
  select customer_id,
         s.analysis_date - max(invoice_date)::date as recency_days,
         count(distinct invoice_no collate "C")                as frequency,
         sum(value)                                as spend
  from invoice_totals cross join settings s
  where dataset_id = :dataset_id and excluded & 63 = 0 and customer_id is not null
  group by customer_id, s.analysis_date
),
measures as (
  select m.measure, m.v, c.spend
  from per_customer c
  cross join lateral (values ('recency_days', c.recency_days::numeric), ('frequency', c.frequency::numeric), ('spend', c.spend)) m(measure, v)
),
stats as (
  select measure,
         percentile_cont(0.01) within group (order by v) as p01,
         percentile_cont(0.99) within group (order by v) as p99,
         count(*) as n, sum(spend) as total
  from measures
  group by measure
),
nice as (                                -- 1, 1.5, 2.5, 4, 6 x 10^k
  select trim_scale(m * 10::numeric ^ k) as edge
  from unnest(array[1, 1.5, 2.5, 4, 6]::numeric[]) m, generate_series(-2, 9) k
),
thresholds as (
  select s.measure,
         case s.measure
           when 'recency_days' then                                   -- 0, w, 2w, ... past the 99th percentile
             (select array_agg(g::numeric order by g)
              from (select 30 * greatest(1, ceil(s.p99 / 600))::int as w) w,
                   generate_series(0, (floor(s.p99 / w.w)::int + 1) * w.w, w.w) g)
           when 'frequency' then                                      -- whole numbers from 1
             (select array_agg(e order by e)
              from (select distinct ceil(edge) as e from nice where edge >= 1) n
              where e <= (select min(ceil(edge)) from nice where ceil(edge) > s.p99))
           else                                                       -- spend: between the 1st and 99th percentiles
             (select array_agg(edge order by edge)
              from nice
              where edge >= coalesce((select max(edge) from nice where edge <= s.p01), (select min(edge) from nice))
                and edge <= (select min(edge) from nice where edge > s.p99))
         end as t
  from stats s
),
counted as (                             -- width_bucket: 0 below the first edge, cardinality(t) from the last
  select m.measure, width_bucket(m.v, th.t) as bucket, count(*) as customers, sum(m.spend) as revenue
  from measures m
  join thresholds th using (measure)
  group by 1, 2
)
select th.measure,
       b                                                       as bin,
       case when b > 0 then th.t[b] end                        as lower,
       case when b < cardinality(th.t) then th.t[b + 1] end    as upper,
       coalesce(c.customers, 0)                                as customers,
       round(coalesce(c.customers, 0)::numeric / s.n, 4)       as customer_share,
       round(coalesce(c.revenue, 0), 2)                        as revenue,
       round(coalesce(c.revenue, 0) / nullif(s.total, 0), 4)  as revenue_share
from thresholds th
join stats s using (measure)
cross join generate_series(0, cardinality(th.t)) b
left join counted c on c.measure = th.measure and c.bucket = b
where (b between 1 and cardinality(th.t) - 1) or c.customers > 0
order by th.measure, b;
