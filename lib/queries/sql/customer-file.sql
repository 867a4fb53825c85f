-- A customer's row in the dataset's customers file, if any.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -v customer_id=12346 -f lib/queries/sql/customer-file.sql
select external_id, age, gender, country, city, signup_date, attributes
from customers
where dataset_id = :dataset_id and external_id = :'customer_id';
