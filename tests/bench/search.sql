-- GET /api/v1/certificates?q=<q>&limit=50: the SQL gk_cert_sql_build (server/db/
-- certificate_search.c) makes for a q filter, the default sort (granted_on DESC, number DESC)
-- and limit 50 (it asks for 51 rows to know whether there is a next page). The server sends it
-- with PQexecParams, unprepared (parsed and planned on every request). -D q=%<text>%
-- (pgbench would read the colons of 'HH24:MI:SS' as variables: chr(58) spells them, folded at plan time)
SELECT c.number, c.route, c.category_id, c.manufacturer, c.model_name, c.type_name, c.granted_on, c.rule_set_id, c.grandfathered, c.basis, c.status, c.status_changed_on, c.application_id, c.organization_id, c.key_id, to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24' || chr(58) || 'MI' || chr(58) || 'SS"Z"') FROM certificates c WHERE (c.manufacturer::text || ' ' || c.model_name::text || ' ' || coalesce(c.type_name::text, '')) ILIKE :q ORDER BY c.granted_on DESC, c.number DESC LIMIT 51;
