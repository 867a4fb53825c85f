-- Which channel the customers on file for one dataset prefer, by gender: one row per gender and channel
-- with the customers and their share of the gender's customers. The channel is the customers file's
-- `channel` column (or `preferred_channel`, as the sample names it), kept in customers.attributes; empty or
-- missing: "Unknown", as is an empty gender. Empty when the dataset has no customers file.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=2 -f lib/queries/sql/channel-by-gender.sql
with people as (
  select coalesce(nullif(trim(gender), ''), 'Unknown') as gender,
         coalesce(nullif(trim(coalesce(attributes ->> 'channel', attributes ->> 'preferred_channel')), ''), 'Unknown') as channel
  from customers
  where dataset_id = :dataset_id
),
counts as (
  select gender, channel, count(*) as customers from people group by gender, channel
)
select gender,
       channel,
       customers,
       round(customers::numeric / sum(customers) over (partition by gender), 4) as gender_share,
       sum(customers) over (partition by gender)                               as gender_customers,
       sum(customers) over (partition by channel)                              as channel_customers
from counts
order by gender = 'Unknown', gender_customers desc, gender, channel = 'Unknown', channel_customers desc, channel;
