-- The "limit" baselines of scripts/bench (issue 21): the cheapest query that could answer the
-- same question, on a minimal table holding only what is needed, so the ratio says how close
-- the server comes to the physical limit of this machine, not to its own SQL.
--   bench_limit_certs: the number (primary key), the maker, the grant date, and the public
--   JSON document of the certificate already built (what a read by number has to send).
DROP TABLE IF EXISTS bench_limit_certs;
CREATE TABLE bench_limit_certs AS
SELECT c.number, c.manufacturer::text AS manufacturer, c.granted_on,
       jsonb_build_object('number', c.number, 'route', c.route, 'category', c.category_id,
                          'manufacturer', c.manufacturer, 'model_name', c.model_name,
                          'type_name', c.type_name, 'granted_on', c.granted_on,
                          'rule_set', c.rule_set_id, 'grandfathered', c.grandfathered,
                          'basis', c.basis, 'status', c.status,
                          'status_changed_on', c.status_changed_on)::text AS doc
  FROM certificates c;
ALTER TABLE bench_limit_certs ADD PRIMARY KEY (number);
CREATE INDEX ON bench_limit_certs (manufacturer, granted_on DESC, number DESC);
VACUUM ANALYZE bench_limit_certs;
