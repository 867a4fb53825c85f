-- Customers of one segmentation run with the features it can cluster on, for drawing the clusters in two
-- dimensions (the app standardises them with the run's own scaling and projects them on their principal
-- components). Large runs are sampled: at most 3,000 customers, every segment keeping the same share of its
-- customers (at least one): those first in a fixed pseudo-random order (PostgreSQL's hash of the customer id,
-- hashtextextended, the one hash partitioning relies on staying the same), so the same run always gives the
-- same points. Columns: customer id, segment_no, recency (days), frequency
-- (invoices), monetary (revenue), average order value, tenure (days), distinct products, return rate, and age
-- from the customers file (null without one). It reads segment_members, the features as the run saved them
-- (its own analysis date and cleaning rules; by default every cleaning rule applies, excluded & 63 = 0).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=4 -f lib/queries/sql/cluster-points.sql
with run as (
  select id, dataset_id from segmentation_runs where id = :run_id
),
buckets as (                              -- members per segment and 1/1024th of the range of their ids' hashes (its top
  -- ten bits): the one pass over the members, which Citus runs on the workers and merges by segment
  select segment_no, hashtextextended(customer_id, 0) >> 54 as bucket, count(*) as customers
  from segment_members
  where run_id = :run_id
  group by segment_no, 2
),
sizes as (                                -- customers per segment, and how many of them to keep
  select segment_no,
         sum(customers)::bigint        as customers,
         sum(sum(customers)) over ()   as total,
         count(*) over ()              as segments
  from buckets
  group by segment_no
),
quota as (
  select segment_no, customers,
         case when total <= 3000 then customers
              else least(customers, 1 + floor(customers * (3000 - segments) / total)::bigint) end as keep
  from sizes
),
cutoff as (                               -- per segment, the first bucket by which its quota is reached: every
  -- customer kept is in it or below it
  select q.segment_no, q.keep, min(b.bucket) as bucket
  from quota q
  join (select segment_no, bucket, sum(customers) over (partition by segment_no order by bucket) as running
        from buckets) b on b.segment_no = q.segment_no and b.running >= q.keep
  group by q.segment_no, q.keep
),
candidates as (                           -- those customers: the quota and at most one bucket's more per segment
  select m.customer_id, m.segment_no, c.keep
  from segment_members m
  join cutoff c on c.segment_no = m.segment_no
  where m.run_id = :run_id and hashtextextended(m.customer_id, 0) >> 54 <= c.bucket
),
picked as (                               -- per segment, its quota of customers first in a fixed pseudo-random order
  -- (the lowest hashes of their ids: a window over the candidates only, not over every member; not a LATERAL
  -- ... LIMIT per segment, which Citus cannot push down)
  select customer_id
  from (select customer_id, keep,
               row_number() over (partition by segment_no order by hashtextextended(customer_id, 0), customer_id collate "C") as n
        from candidates) ranked
  where n <= keep
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
from picked p
join segment_members r on r.run_id = :run_id and r.customer_id = p.customer_id
cross join run
left join customers c on c.dataset_id = run.dataset_id and c.external_id = r.customer_id
order by r.segment_no, r.customer_id collate "C";
