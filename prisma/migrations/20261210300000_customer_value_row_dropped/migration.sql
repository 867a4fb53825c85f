-- customer_value by the customers row (20261207130000) is dropped (issue 18): 20261209700000 replaced it by the
-- version over the file's columns, which every query calls, and left it "for SQL written against it"; none is.
-- On a Citus cluster it was the one function of the schema the workers' shards cannot use (their customers
-- shard has another row type), and it made a second customer_value on every node. On a cluster where the
-- layout step had already created it on the workers, Citus drops it there too (a distributed function).
DROP FUNCTION IF EXISTS "customer_value"("customers", TEXT);
