-- Limit for a certificate by number: a primary-key read of the prepared document
-- (tests/bench/limit_setup.sql). -D number=<a certificate number>
SELECT doc FROM bench_limit_certs WHERE number = :number;
