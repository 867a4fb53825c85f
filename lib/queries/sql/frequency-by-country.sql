-- How often customers on file for one dataset buy, by their country in the customers file: buyers
-- (customers with an order), mean and median orders per buyer, the share of buyers who came back (2 or
-- more orders), and the revenue per buyer. The 15 countries with the most buyers are kept as they are; the
-- others are summed in an "Other" row (countries says how many). Empty country: "Unspecified".
-- Orders and revenue use the default cleaning: only lines under no cleaning rule count (excluded & 63 = 0).
-- Empty when the dataset has no customers file.
-- It reads customers, and invoice_totals (the dataset's lines summed per invoice and cleaning bits).
-- Ids are counted in byte order (collate "C"), faster than the locale's rules.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=2 -f lib/queries/sql/frequency-by-country.sql
with per_customer as (
  select customer_id, count(distinct invoice_no collate "C") as orders, sum(value) as spend
  from invoice_totals
  where dataset_id = :dataset_id and excluded & 63 = 0 and customer_id is not null
  group by customer_id
),
buyers as (
  select coalesce(nullif(trim(c.country), ''), 'Unspecified') as country, p.orders, p.spend
  from customers c
  join per_customer p on p.customer_id = c.external_id
  where c.dataset_id = :dataset_id
),
ranked as (                              -- countries by buyers; from the 16th on they are "Other"
  select country, least(row_number() over (order by count(*) desc, country), 16) as rank
  from buyers
  group by country
)
select r.rank,
       case when r.rank < 16 then b.country else 'Other' end                   as country,
       count(distinct b.country)                                                as countries,
       count(*)                                                                 as buyers,
       round(avg(b.orders), 2)                                                  as mean_orders,
       percentile_cont(0.5) within group (order by b.orders)                    as median_orders,
       round(count(*) filter (where b.orders >= 2)::numeric / count(*), 4)      as repeat_share,
       round(sum(b.spend) / count(*), 2)                                        as spend_per_buyer
from buyers b
join ranked r using (country)
group by 1, 2
order by 1;
