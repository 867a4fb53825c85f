-- customer_value by the customers file's columns instead of its row (issue 18): on a Citus cluster a query pushed
-- down to a worker reads a shard of customers (customers_102013), whose row type is not "customers", so
-- customer_value(c, key) does not exist there. The same CASE, over the columns; a plain SQL function the planner
-- still inlines (STABLE for the same reason as before: date::text depends on DateStyle). The row version stays
-- for SQL written against it.
CREATE FUNCTION "customer_value"(age INTEGER, gender TEXT, country TEXT, city TEXT, signup_date DATE, attributes JSONB, key TEXT) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(btrim(CASE key
    WHEN 'age' THEN age::text
    WHEN 'gender' THEN gender
    WHEN 'country' THEN country
    WHEN 'city' THEN city
    WHEN 'signup_date' THEN signup_date::text
    ELSE attributes ->> key
  END), '')
$$;
