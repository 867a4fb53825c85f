-- Each segment of a segmentation run against the whole base: size, share of customers and of revenue,
-- the mean of every feature and its lift (segment mean / mean of all customers of the run), and churn
-- risk (customers the run's churn signal flagged: its model's P(alive) < 0.5 when the model passed its
-- holdout check, else the recency rule that did best; runs saved before the flag: P(alive) < 0.5) with
-- the revenue they brought. The last row (segment_no null) is the whole base.
--
-- On a Citus cluster both aggregates run where the members are (one row per group and shard, merged on the
-- coordinator): the segments' and the base's are two aggregates over the run's members, not GROUPING SETS,
-- which Citus does not run over distributed tables (the members were kept whole at the coordinator for it).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=1 -f lib/queries/sql/segment-profile.sql
with base as (                           -- the whole base
  select null::smallint                                  as segment_no,
         count(*)                                        as customers,
         sum(frequency)                                  as orders,
         sum(monetary)                                   as revenue,
         avg(recency_days)                               as recency_days,
         avg(frequency)                                  as frequency,
         avg(monetary)                                   as monetary,
         sum(monetary) / nullif(sum(frequency), 0)       as average_order_value,
         avg(tenure_days)                                as tenure_days,
         avg(products)                                   as products,
         avg(return_rate)                                as return_rate,
         avg(p_alive)                                    as p_alive,
         avg(expected_purchases)                         as expected_purchases,
         avg(clv)                                        as clv,
         count(*) filter (where coalesce(at_risk, p_alive < 0.5))                 as at_risk_customers,
         coalesce(sum(monetary) filter (where coalesce(at_risk, p_alive < 0.5)), 0) as at_risk_revenue
  from segment_members
  where run_id = :run_id
),
per_segment as (                         -- each segment, then the base
  select segment_no,
         count(*)                                        as customers,
         sum(frequency)                                  as orders,
         sum(monetary)                                   as revenue,
         avg(recency_days)                               as recency_days,
         avg(frequency)                                  as frequency,
         avg(monetary)                                   as monetary,
         sum(monetary) / nullif(sum(frequency), 0)       as average_order_value,
         avg(tenure_days)                                as tenure_days,
         avg(products)                                   as products,
         avg(return_rate)                                as return_rate,
         avg(p_alive)                                    as p_alive,
         avg(expected_purchases)                         as expected_purchases,
         avg(clv)                                        as clv,
         count(*) filter (where coalesce(at_risk, p_alive < 0.5))                 as at_risk_customers,
         coalesce(sum(monetary) filter (where coalesce(at_risk, p_alive < 0.5)), 0) as at_risk_revenue
  from segment_members
  where run_id = :run_id
  group by segment_no
  union all
  select * from base
)
select p.segment_no,
       coalesce(s.name, 'All customers')                                  as name,
       p.customers,
       round(p.customers::numeric / b.customers, 4)                       as customer_share,
       p.orders,
       p.revenue,
       round(p.revenue / nullif(b.revenue, 0), 4)                         as revenue_share,
       round(p.recency_days, 1)        as recency_days,        round(p.recency_days / nullif(b.recency_days, 0), 2)               as recency_lift,
       round(p.frequency, 2)           as frequency,           round(p.frequency / nullif(b.frequency, 0), 2)                     as frequency_lift,
       round(p.monetary, 2)            as monetary,            round(p.monetary / nullif(b.monetary, 0), 2)                       as monetary_lift,
       round(p.average_order_value, 2) as average_order_value, round(p.average_order_value / nullif(b.average_order_value, 0), 2) as average_order_value_lift,
       round(p.tenure_days, 1)         as tenure_days,         round(p.tenure_days / nullif(b.tenure_days, 0), 2)                 as tenure_lift,
       round(p.products, 1)            as products,            round(p.products / nullif(b.products, 0), 2)                       as products_lift,
       round(p.return_rate, 4)         as return_rate,         round(p.return_rate / nullif(b.return_rate, 0), 2)                 as return_rate_lift,
       round(p.p_alive::numeric, 4)    as p_alive,
       round(p.expected_purchases::numeric, 3) as expected_purchases,
       round(p.clv, 2)                 as clv,
       p.at_risk_customers,
       p.at_risk_revenue,
       round(p.at_risk_revenue / nullif(b.revenue, 0), 4)                 as at_risk_revenue_share
from per_segment p
cross join base b
left join segments s on s.run_id = :run_id and s.segment_no = p.segment_no
order by p.segment_no nulls last;
