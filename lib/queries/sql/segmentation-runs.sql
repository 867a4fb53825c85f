-- Every segmentation run of one dataset, newest first: its method, parameters as saved (analysis date, cleaning
-- rules, bins and rule table, k, features, seed), the number of segments it found (with at least one customer),
-- the customers it segmented and how long it took (milliseconds).
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/segmentation-runs.sql
select r.id,
       r.method,
       r.params,
       (select count(*) from segments s where s.run_id = r.id and s.customers > 0) as segments,
       r.customers,
       r.duration_ms,
       r.created_at
from segmentation_runs r
where r.dataset_id = :dataset_id
order by r.created_at desc, r.id desc;
