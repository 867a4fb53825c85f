-- Customers of one segmentation run with the features it can cluster on, for drawing the clusters in two
-- dimensions (the app standardises them with the run's own scaling and projects them on their principal
-- components). Large runs are sampled: at most 3,000 customers, every segment keeping the same share of its
-- customers (at least one), taken evenly along a fixed pseudo-random order (md5 of the customer id), so the
-- same run always gives the same points. Columns: customer id, segment_no, recency (days), frequency
-- (invoices), monetary (revenue), average order value, tenure (days), distinct products, return rate, and age
-- from the customers file (null without one). It reads segment_members, the features as the run saved them
-- (its own analysis date and cleaning rules; by default every cleaning rule applies, excluded & 63 = 0).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=4 -f lib/queries/sql/cluster-points.sql
with run as (
  select id, dataset_id from segmentation_runs where id = :run_id
),
sizes as (                                -- customers per segment, and how many of them to keep
  select segment_no,
         count(*) as customers,
         sum(count(*)) over ()         as total,
         count(*) over ()              as segments
  from segment_members
  where run_id = :run_id
  group by segment_no
),
quota as (
  select segment_no, customers,
         case when total <= 3000 then customers
              else least(customers, 1 + floor(customers * (3000 - segments) / total)::bigint) end as keep
  from sizes
),
ranked as (
  select m.*, q.customers as segment_customers, q.keep,
         row_number() over (partition by m.segment_no order by md5(m.customer_id), m.customer_id) as rn
  from segment_members m
  join quota q on q.segment_no = m.segment_no
  where m.run_id = :run_id
)
select r.customer_id,
       r.segment_no,
       r.recency_days,
       r.frequency,
       r.monetary,
       r.average_order_value,
       r.tenure_days,
       r.products,
       r.return_rate,
       c.age
from ranked r
cross join run
left join customers c on c.dataset_id = run.dataset_id and c.external_id = r.customer_id
where (r.rn * r.keep) / r.segment_customers > ((r.rn - 1) * r.keep) / r.segment_customers  -- evenly spaced
order by r.segment_no, r.customer_id collate "C";
