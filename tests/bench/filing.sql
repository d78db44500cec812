-- Filing (create + six uploads + submit) as the server's statements of server/db/
-- applications.c and db/documents.c, in the server's transactions: one for the creation
-- (app_insert, four app_decl_insert, app_event), one per upload (the chunk, then the documents
-- row), one for the submission (app_lock, app_submit, app_event). Not here, done by the server
-- on top: the Bearer token's lookup on each request, the audit-log appends, the submit's checks
-- (documents present, declarations complete), the idempotency table. -D user=<id> -D org=<id>
BEGIN;
INSERT INTO applications (organization_id, route, model_name, type_name, category_id, description, directly_connectable, data_transmission_facility, uses_ip, remotely_configurable, user_installable_security_software, opt_in_rule_set_id, opt_in_reason, cc_certificate_id, created_by) VALUES (:org, 'conformity', 'pgbench filing', 'PB-1', 'router', NULL, true, true, true, true, false, NULL, NULL, NULL, :user) RETURNING id AS app \gset
INSERT INTO declarations (application_id, requirement_id, measure, description) VALUES (:app, 'SR-1', NULL, 'A password is asked before any remote setting.');
INSERT INTO declarations (application_id, requirement_id, measure, description) VALUES (:app, 'SR-2', 'unique_per_device', 'Printed per unit.');
INSERT INTO declarations (application_id, requirement_id, measure, description) VALUES (:app, 'SR-3', NULL, 'Signed firmware updates.');
INSERT INTO declarations (application_id, requirement_id, measure, description) VALUES (:app, 'SR-4', NULL, 'Kept in flash.');
INSERT INTO application_events (application_id, from_status, to_status, actor_id, reason) VALUES (:app, NULL, 'draft', :user, NULL);
COMMIT;
BEGIN;
INSERT INTO document_chunks (document_id, seq, data) VALUES (gen_random_uuid(), 0, convert_to('%PDF-1.7 outline ' || repeat('x', 2000), 'UTF8')) RETURNING document_id AS doc \gset
INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by) VALUES (:doc, :app, 'outline', 'outline.pdf', 'application/pdf', 2017, sha256(convert_to('%PDF-1.7 outline ' || repeat('x', 2000), 'UTF8')), 'confidential', :user);
COMMIT;
BEGIN;
INSERT INTO document_chunks (document_id, seq, data) VALUES (gen_random_uuid(), 0, convert_to('%PDF-1.7 test_rep ' || repeat('x', 2000), 'UTF8')) RETURNING document_id AS doc \gset
INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by) VALUES (:doc, :app, 'test_report', 'test_report.pdf', 'application/pdf', 2018, sha256(convert_to('%PDF-1.7 test_rep ' || repeat('x', 2000), 'UTF8')), 'confidential', :user);
COMMIT;
BEGIN;
INSERT INTO document_chunks (document_id, seq, data) VALUES (gen_random_uuid(), 0, convert_to('%PDF-1.7 external ' || repeat('x', 2000), 'UTF8')) RETURNING document_id AS doc \gset
INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by) VALUES (:doc, :app, 'external_view', 'external_view.pdf', 'application/pdf', 2018, sha256(convert_to('%PDF-1.7 external ' || repeat('x', 2000), 'UTF8')), 'confidential', :user);
COMMIT;
BEGIN;
INSERT INTO document_chunks (document_id, seq, data) VALUES (gen_random_uuid(), 0, convert_to('%PDF-1.7 connecti ' || repeat('x', 2000), 'UTF8')) RETURNING document_id AS doc \gset
INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by) VALUES (:doc, :app, 'connection_diagram', 'connection_diagram.pdf', 'application/pdf', 2018, sha256(convert_to('%PDF-1.7 connecti ' || repeat('x', 2000), 'UTF8')), 'confidential', :user);
COMMIT;
BEGIN;
INSERT INTO document_chunks (document_id, seq, data) VALUES (gen_random_uuid(), 0, convert_to('%PDF-1.7 blockdia ' || repeat('x', 2000), 'UTF8')) RETURNING document_id AS doc \gset
INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by) VALUES (:doc, :app, 'block_diagram', 'block_diagram.pdf', 'application/pdf', 2018, sha256(convert_to('%PDF-1.7 blockdia ' || repeat('x', 2000), 'UTF8')), 'confidential', :user);
COMMIT;
BEGIN;
INSERT INTO document_chunks (document_id, seq, data) VALUES (gen_random_uuid(), 0, convert_to('%PDF-1.7 manual__ ' || repeat('x', 2000), 'UTF8')) RETURNING document_id AS doc \gset
INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by) VALUES (:doc, :app, 'manual', 'manual.pdf', 'application/pdf', 2018, sha256(convert_to('%PDF-1.7 manual__ ' || repeat('x', 2000), 'UTF8')), 'confidential', :user);
COMMIT;
BEGIN;
SELECT id, organization_id, status, route, version, directly_connectable, data_transmission_facility, uses_ip, remotely_configurable, user_installable_security_software, opt_in_rule_set_id, opt_in_reason IS NOT NULL, to_char((now() AT TIME ZONE 'Asia/Tokyo')::date, 'YYYY-MM-DD') FROM applications WHERE id = :app AND (:org::uuid IS NULL OR organization_id = :org) FOR UPDATE;
UPDATE applications SET status = 'submitted', filing_date = (now() AT TIME ZONE 'Asia/Tokyo')::date, rule_set_id = gk_rule_set_in_force((now() AT TIME ZONE 'Asia/Tokyo')::date), determination = jsonb_build_object('outcome', 'subject_with_security', 'rule_set', gk_rule_set_in_force((now() AT TIME ZONE 'Asia/Tokyo')::date)) WHERE id = :app AND status = 'draft';
INSERT INTO application_events (application_id, from_status, to_status, actor_id, reason) VALUES (:app, 'draft', 'submitted', :user, NULL);
COMMIT;
