-- The holdout check of the churn models (lifetimes' calibration_and_holdout_data): purchases up to the
-- calibration date fit the models; the later ones, up to the analysis date, are what customers actually did.
-- Per customer who bought before the calibration date (a first purchase on that very day has no history to
-- fit: T = 0, as lifetimes' models cannot take), with repeat-summary.sql's conventions at that date
-- (purchases on the same day are one purchase):
--   frequency = distinct purchase days by the calibration date - 1; recency_days = first to last of them;
--   t_days = first purchase day to the calibration date;
--   holdout_days = the later purchase days, as days after the calibration date (1 .. analysis date - calibration date).
-- Defaults: the analysis date is the day after the last invoice (/*analysis_date*/), the calibration date
-- holds out the last quarter of the days from the first invoice to it (/*calibration_date*/), and every
-- cleaning rule applies (/*rules*/). Every customer counts (/*sample*/1024 of 1024 hash buckets of the id): on a
-- big base the app checks the models on a sample of buckets, e.g. /*sample*/52 for about 5%.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/churn-holdout.sql
with bounds as (
  select min(invoice_date)::date as first_day,
         coalesce(/*analysis_date*/null::date, max(invoice_date)::date + 1) as analysis_date
  from invoice_totals where dataset_id = :dataset_id
),
settings as (
  select analysis_date,
         coalesce(/*calibration_date*/null::date, first_day + (analysis_date - first_day) * 3 / 4) as calibration_date
  from bounds
),
purchase_days as (                       -- one row per customer and day, up to the analysis date
  select l.customer_id, l.invoice_date::date as day
  from invoice_totals l cross join settings s
  where l.dataset_id = :dataset_id and l.customer_id is not null
    and l.invoice_date < s.analysis_date + 1
    and l.excluded & /*rules*/63 = 0
    and (hashtext(l.customer_id) & 1023) < /*sample*/1024
  group by l.customer_id, l.invoice_date::date
)
select p.customer_id collate "C" as customer_id,
       count(*) filter (where p.day <= s.calibration_date) - 1                 as frequency,
       max(p.day) filter (where p.day <= s.calibration_date) - min(p.day)      as recency_days,
       s.calibration_date - min(p.day)                                         as t_days,
       coalesce(array_agg(p.day - s.calibration_date order by p.day)
                filter (where p.day > s.calibration_date), '{}')               as holdout_days
from purchase_days p cross join settings s
group by p.customer_id collate "C", s.calibration_date
having min(p.day) < s.calibration_date
order by p.customer_id collate "C";
