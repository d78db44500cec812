-- Limit for the 50 newest of one maker: an index range scan of the minimal table
-- (tests/bench/limit_setup.sql). -D maker=<exact maker name>
SELECT number, doc FROM bench_limit_certs WHERE manufacturer = :maker ORDER BY granted_on DESC, number DESC LIMIT 50;
