-- What customers on file for one dataset spend, by age band (under 18, 18-24, 25-34, 35-44, 45-54, 55-64,
-- 65 and over, and Unknown for no age): customers on file, buyers (customers with an order), the revenue
-- they brought and its share, and the mean and median spend per buyer. Bands without customers are left
-- out. Revenue uses the default cleaning: only lines under no cleaning rule count (excluded & 63 = 0).
-- Empty when the dataset has no customers file.
-- It reads customers, and invoice_totals (the dataset's lines summed per invoice and cleaning bits).
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=2 -f lib/queries/sql/spend-by-age-band.sql
with spend as (
  select customer_id, sum(value) as spend
  from invoice_totals
  where dataset_id = :dataset_id and excluded & 63 = 0 and customer_id is not null
  group by customer_id
),
bands(band_no, band, lower, upper) as (
  values (1, 'Under 18', null, 18), (2, '18–24', 18, 25), (3, '25–34', 25, 35), (4, '35–44', 35, 45),
         (5, '45–54', 45, 55), (6, '55–64', 55, 65), (7, '65+', 65, null), (8, 'Unknown', null, null)
),
people as (
  select case when c.age is null then 8 when c.age < 18 then 1 when c.age < 25 then 2 when c.age < 35 then 3
              when c.age < 45 then 4 when c.age < 55 then 5 when c.age < 65 then 6 else 7 end as band_no,
         s.spend
  from customers c
  left join spend s on s.customer_id = c.external_id
  where c.dataset_id = :dataset_id
),
per_band as (
  select band_no,
         count(*)                                                   as customers,
         count(spend)                                               as buyers,
         coalesce(sum(spend), 0)                                    as revenue,
         avg(spend)                                                 as mean_spend,
         percentile_cont(0.5) within group (order by spend)         as median_spend
  from people
  group by band_no
)
select b.band_no,
       b.band,
       b.lower,
       b.upper,
       p.customers,
       p.buyers,
       round(p.revenue, 2)                                         as revenue,
       round(p.revenue / nullif(sum(p.revenue) over (), 0), 4)     as revenue_share,
       round(p.mean_spend, 2)                                      as mean_spend,
       round(p.median_spend::numeric, 2)                           as median_spend
from per_band p
join bands b using (band_no)
order by b.band_no;
