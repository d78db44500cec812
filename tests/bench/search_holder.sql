-- GET /api/v1/certificates?holder=<maker>&limit=50: the SQL gk_cert_sql_build (server/db/
-- certificate_search.c) makes for the holder filter (the maker's whole name, exact once
-- normalised: an index range scan of certificates_holder_granted_idx, schema 0024), the
-- default sort and limit 50 (51 rows asked). Prepared by the server as here (issue 21). -D maker=<maker>
-- (pgbench would read the colons of HH24:MI:SS as variables: chr(58) spells them)
SELECT c.number, c.route, c.category_id, c.manufacturer, c.model_name, c.type_name, c.granted_on, c.rule_set_id, c.grandfathered, c.basis, c.status, c.status_changed_on, c.application_id, c.organization_id, c.key_id, to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24' || chr(58) || 'MI' || chr(58) || 'SS"Z"') FROM certificates c WHERE c.holder_key = lower(normalize(:maker, NFKC)) ORDER BY c.granted_on DESC, c.number DESC LIMIT 51;
