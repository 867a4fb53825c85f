-- A customer's segment in every segmentation run of a dataset, oldest run first, with the scores and
-- features the run segmented them on; segment columns are null when the run did not include them.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -v customer_id=12346 -f lib/queries/sql/customer-segments.sql
select r.id as run_id, r.method, r.created_at, s.segment_no, s.name as segment,
       m.recency_score, m.frequency_score, m.monetary_score, m.recency_days, m.frequency, m.monetary,
       m.p_alive, m.expected_purchases, m.clv
from segmentation_runs r
left join segment_members m on m.run_id = r.id and m.customer_id = :'customer_id'
left join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no
where r.dataset_id = :dataset_id
order by r.id;
