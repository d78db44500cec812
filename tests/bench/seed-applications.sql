-- tests/bench/seed-applications.sql: :n applications with their six documents, spread over the
-- manufacturers whose e-mail starts with :'prefix' (scripts/bench signs them up through the API
-- first, so users, organisations and tokens are real). psql -v n=10000 -v prefix=bench- -f ...
--
-- The schema's rules are walked, not bypassed (no trigger is disabled):
--  - every application is INSERTed as a draft by a manufacturer of its organisation
--    (applications_created_as_draft, applications_created_by_applicant), with its creation
--    event (NULL -> draft) and its four declarations (checked against the catalogue);
--  - six documents each (outline ... manual), written chunk first then the documents row, as
--    the server streams them; the deferred checks verify at COMMIT that the chunks are 0..n-1
--    and add up to the size; 1 in 100 test reports is 600 KiB in 3 chunks of 256 KiB
--    (GK_DOC_CHUNK), the other documents 2-4 KiB in one chunk;
--  - 80 % are then submitted by ONE UPDATE per application through the allowed transition
--    draft -> submitted with filing date, rule set (gk_rule_set_in_force of the filing date:
--    the guard re-checks the selection) and determination together, plus the event
--    draft -> submitted; the trigger locks their documents. 20 % stay drafts.
-- What the server would also write and this does not: audit_log entries (a hash chain the
-- server appends row by row) and idempotency keys. Nothing in the schema requires them.
\set ON_ERROR_STOP 1
BEGIN;
SELECT setseed(0.17);
CREATE TEMP TABLE seed_users ON COMMIT DROP AS
SELECT id AS user_id, organization_id, row_number() OVER (ORDER BY email) - 1 AS i
  FROM users WHERE role = 'manufacturer' AND email LIKE :'prefix' || '%';
CREATE TEMP TABLE seed_apps ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, s, u.user_id, u.organization_id, random() < 0.2 AS stay_draft,
       current_date - floor(random() * 365)::integer AS filing_date,
       (ARRAY['router', 'gateway', 'onu_modem', 'camera'])[1 + s % 4] AS cat
  FROM generate_series(1, :n) s
  JOIN seed_users u ON u.i = s % (SELECT count(*) FROM seed_users);

INSERT INTO applications (id, organization_id, route, model_name, type_name, category_id,
                          directly_connectable, data_transmission_facility, uses_ip,
                          remotely_configurable, user_installable_security_software, created_by,
                          created_at)
SELECT id, organization_id, 'conformity',
       'Bench model ' || s, 'BM-' || (s % 97), cat, true, true, true, true, false, user_id,
       filing_date::timestamptz
  FROM seed_apps;
INSERT INTO application_events (application_id, from_status, to_status, actor_id, at)
SELECT id, NULL, 'draft', user_id, filing_date::timestamptz FROM seed_apps;
INSERT INTO declarations (application_id, requirement_id, measure, description)
SELECT a.id, d.req, d.measure, d.descr
  FROM seed_apps a,
       (VALUES ('SR-1', NULL, 'A password is asked before any remote setting.'),
               ('SR-2', 'unique_per_device', 'Printed per unit.'),
               ('SR-3', NULL, 'Signed firmware updates.'),
               ('SR-4', NULL, 'Kept in flash.')) AS d(req, measure, descr);

CREATE TEMP TABLE seed_docs ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, a.id AS app, a.user_id, k.kind,
       CASE WHEN k.kind = 'test_report' THEN 600 * 1024 ELSE 2048 + 256 * k.n END AS size
  FROM seed_apps a,
       (VALUES (0, 'outline'), (1, 'test_report'), (2, 'external_view'),
               (3, 'connection_diagram'), (4, 'block_diagram'), (5, 'manual')) AS k(n, kind)
 WHERE k.kind <> 'test_report' OR a.s % 100 = 0;  -- a big test report for 1 in 100
INSERT INTO seed_docs
SELECT gen_random_uuid(), a.id, a.user_id, 'test_report', 3072 FROM seed_apps a WHERE a.s % 100 <> 0;
-- chunk contents: a PDF head and the document id, padded; 256 KiB per chunk
INSERT INTO document_chunks (document_id, seq, data)
SELECT d.id, c.seq,
       substring(convert_to('%PDF-1.7 % ' || d.id::text || E'\n', 'UTF8')
                 || decode(repeat('20', d.size), 'hex')
                 FROM c.seq * 262144 + 1 FOR 262144)
  FROM seed_docs d, generate_series(0, (d.size - 1) / 262144) AS c(seq);
INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256,
                       confidentiality, uploaded_by)
SELECT d.id, d.app, d.kind, d.kind || '.pdf', 'application/pdf',
       (SELECT sum(octet_length(data)) FROM document_chunks c WHERE c.document_id = d.id),
       sha256((SELECT string_agg(data, ''::bytea ORDER BY seq) FROM document_chunks c
               WHERE c.document_id = d.id)),
       'confidential', d.user_id
  FROM seed_docs d;

UPDATE applications a
   SET status = 'submitted', filing_date = s.filing_date,
       rule_set_id = gk_rule_set_in_force(s.filing_date),
       determination = jsonb_build_object('outcome', 'subject_with_security',
                                          'rule_set', gk_rule_set_in_force(s.filing_date))
  FROM seed_apps s
 WHERE a.id = s.id AND NOT s.stay_draft;
INSERT INTO application_events (application_id, from_status, to_status, actor_id, at)
SELECT id, 'draft', 'submitted', user_id, now() FROM seed_apps WHERE NOT stay_draft;
COMMIT;
ANALYZE applications;
ANALYZE application_events;
ANALYZE declarations;
ANALYZE documents;
ANALYZE document_chunks;
