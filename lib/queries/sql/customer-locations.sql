-- Where the customers on file for one dataset live (the customers file, table customers): one row per
-- country (city null) with its customers, share and number of cities, followed by its 10 biggest cities
-- (most customers first). The 15 countries with the most customers are kept as they are; the others are summed
-- in an "Other" row (countries says how many). Empty country or city: "Unspecified". Empty when the
-- dataset has no customers file.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=2 -f lib/queries/sql/customer-locations.sql
with people as (
  select coalesce(nullif(trim(country), ''), 'Unspecified') as country,
         coalesce(nullif(trim(city), ''), 'Unspecified')    as city
  from customers
  where dataset_id = :dataset_id
),
ranked as (                              -- countries by customers; from the 16th on they are "Other"
  select country, least(row_number() over (order by count(*) desc, country), 16) as rank
  from people
  group by country
),
labelled as (
  select r.rank, case when r.rank < 16 then p.country else 'Other' end as country, p.country as real_country, p.city
  from people p join ranked r using (country)
),
per_country as (
  select rank, country, count(*) as customers, count(distinct real_country) as countries,
         count(distinct (real_country, city)) as cities
  from labelled
  group by rank, country
),
per_city as (                            -- the 10 biggest cities of each kept country
  select rank, country, city, customers
  from (select rank, country, city, count(*) as customers,
               row_number() over (partition by rank order by count(*) desc, city) as city_rank
        from labelled
        where rank < 16
        group by rank, country, city) c
  where city_rank <= 10
),
total as (select count(*) as n from people)
select r.rank, r.country, r.city, r.customers, round(r.customers::numeric / t.n, 4) as customer_share, r.countries, r.cities
from (select rank, country, null::text as city, customers, countries, cities from per_country
      union all
      select rank, country, city, customers, 1, 1 from per_city) r
cross join total t
order by r.rank, r.city is not null, r.customers desc, r.city;
