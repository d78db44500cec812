-- The living record (0023, issue 16): holder record formats, change applications on the
-- applications table, what was examined frozen at submission, signed versions append-only,
-- the publication day of exhibits, design-holder inspection records.
BEGIN;
\ir lib/helpers.sql

CREATE TEMP TABLE fx AS
SELECT o.org, t.user('manufacturer', o.org) AS maker, t.user('examiner') AS ex,
       o2.org AS other_org, t.user('manufacturer', o2.org) AS other_maker
  FROM (SELECT t.org('Living Devices K.K.') AS org) o, (SELECT t.org('Other K.K.') AS org) o2;
INSERT INTO signing_keys (key_id, public_key) VALUES ('k-living', decode(repeat('22', 32), 'hex'));
-- Two pre-existing certificates of the organisation, one per route.
INSERT INTO certificates (number, route, category_id, manufacturer, model_name, granted_on,
                          rule_set_id, grandfathered, basis, organization_id)
VALUES ('D21-0101001', 'design', 'router', 'Living Devices', 'LV-1', DATE '2021-06-01', '2020-04',
        false, 'tested', (SELECT org FROM fx)),
       ('D21-0102001', 'conformity', 'router', 'Living Devices', 'LV-2', DATE '2021-06-01', '2020-04',
        false, 'tested', (SELECT org FROM fx));

-- Holder record formats.
SELECT t.rejects('country is two capital letters',
                 format($q$UPDATE organizations SET country = 'jp' WHERE id = %L$q$, (SELECT org FROM fx)),
                 'organizations_country_format');
SELECT t.rejects('a phone number has digits',
                 format($q$UPDATE organizations SET contact_phone = 'call me' WHERE id = %L$q$, (SELECT org FROM fx)),
                 'organizations_contact_phone_format');
SELECT t.rejects('an e-mail address has an @',
                 format($q$UPDATE organizations SET contact_email = 'nobody' WHERE id = %L$q$, (SELECT org FROM fx)),
                 'organizations_contact_email_format');
SELECT t.accepts('a complete holder record',
                 format($q$UPDATE organizations SET country = 'JP', contact_phone = '+81 3-1234-5678',
                           contact_email = 'c@living.test', address_ja = '東京都千代田区1-1' WHERE id = %L$q$,
                        (SELECT org FROM fx)));

-- A change names its certificate and what it changes; a first application names none.
SELECT t.rejects('a new application names no certificate',
                 format($q$UPDATE applications SET certificate_number = 'D21-0101001' WHERE id = %L$q$,
                        t.draft((SELECT org FROM fx), (SELECT maker FROM fx))),
                 'applications_change_of_certificate');
SELECT t.rejects('a name addition names the model',
                 format($q$UPDATE applications SET kind = 'name_addition', certificate_number = 'D21-0101001',
                           change_summary = 'OEM' WHERE id = %L$q$,
                        t.draft((SELECT org FROM fx), (SELECT maker FROM fx))),
                 'applications_change_of_certificate');
SELECT t.rejects('an unknown kind',
                 format($q$UPDATE applications SET kind = 'merger', certificate_number = 'D21-0101001',
                           change_summary = 'x' WHERE id = %L$q$,
                        t.draft((SELECT org FROM fx), (SELECT maker FROM fx))),
                 'applications_kind_check');

-- What was examined is fixed at submission.
CREATE TEMP TABLE app AS SELECT t.draft((SELECT org FROM fx), (SELECT maker FROM fx)) AS id;
SELECT t.accepts('a draft states what is examined',
                 format($q$UPDATE applications SET hardware_version = 'rev A', firmware_versions = '1.0'
                           WHERE id = %L$q$, (SELECT id FROM app)));
SELECT t.submit((SELECT id FROM app));
SELECT t.rejects('after submission it does not change',
                 format($q$UPDATE applications SET firmware_versions = '1.1' WHERE id = %L$q$, (SELECT id FROM app)),
                 'applications_frozen_after_submit');

-- Versions are kept as signed: never changed or deleted.
CREATE TEMP TABLE chg AS SELECT t.draft((SELECT org FROM fx), (SELECT maker FROM fx)) AS id;
UPDATE applications SET kind = 'name_addition', certificate_number = 'D21-0101001',
       change_summary = 'OEM', added_model_name = 'LV-1 OEM' WHERE id = (SELECT id FROM chg);
SELECT t.accepts('a version of the certificate',
                 format($q$INSERT INTO certificate_versions (certificate_number, version, application_id, kind,
                           summary, effective_on, model_names, holder, examined, canonical_json, signature, key_id)
                           VALUES ('D21-0101001', 2, %L, 'name_addition', 'OEM', DATE '2021-07-01',
                                   '["LV-1", "LV-1 OEM"]', '{"name": "Living Devices"}', '{}', '{}',
                                   decode(repeat('33', 64), 'hex'), 'k-living')$q$, (SELECT id FROM chg)));
SELECT t.assert_eq((SELECT search_extra FROM certificates WHERE number = 'D21-0101001'),
                   'LV-1 LV-1 OEM Living Devices', 'the search finds the names the version added');
SELECT t.assert_eq((gk_certificate_living('D21-0101001') -> 'model_names')::text, '["LV-1", "LV-1 OEM"]',
                   'the current model names are the latest version''s');
SELECT t.assert_eq(jsonb_array_length(gk_certificate_living('D21-0101001') -> 'versions'), 2,
                   'version 1 (the certificate) and version 2');
SELECT t.rejects('a version is not changed',
                 $q$UPDATE certificate_versions SET summary = 'other' WHERE certificate_number = 'D21-0101001'$q$,
                 'certificate_versions_append_only');
SELECT t.rejects('nor deleted',
                 $q$DELETE FROM certificate_versions WHERE certificate_number = 'D21-0101001'$q$,
                 'certificate_versions_append_only');
SELECT t.rejects('version 1 is the certificate itself',
                 format($q$INSERT INTO certificate_versions (certificate_number, version, application_id, kind,
                           summary, effective_on, model_names, holder, examined, canonical_json, signature, key_id)
                           VALUES ('D21-0102001', 1, %L, 'name_addition', 'x', DATE '2021-07-01', '[]', '{}',
                                   '{}', '{}', decode(repeat('33', 64), 'hex'), 'k-living')$q$,
                        t.draft((SELECT org FROM fx), (SELECT maker FROM fx))),
                 'certificate_versions_version_check');

-- The day an exhibit is published.
SELECT t.assert_eq(gk_exhibit_published_on('public', NULL, DATE '2026-01-10'), DATE '2026-01-10', 'public: the grant');
SELECT t.assert_eq(gk_exhibit_published_on('confidential_until', DATE '2025-12-01', DATE '2026-01-10'),
                   DATE '2026-01-10', 'a date before the grant: the grant');
SELECT t.assert_eq(gk_exhibit_published_on('confidential_until', DATE '2026-03-01', DATE '2026-01-10'),
                   DATE '2026-03-01', 'within 180 days: its date');
SELECT t.assert_eq(gk_exhibit_published_on('confidential_until', DATE '2027-01-01', DATE '2026-01-10'),
                   DATE '2026-07-09', 'later: 180 days after the grant');
SELECT t.assert(gk_exhibit_published_on('confidential', NULL, DATE '2026-01-10') IS NULL, 'confidential: never');

-- Design-holder inspection records.
SELECT t.accepts('the design holder records an inspection',
                 format($q$INSERT INTO design_inspections (certificate_number, inspected_on, lot, quantity,
                           result, inspector, recorded_by)
                           VALUES ('D21-0101001', DATE '2021-08-01', 'LOT-1', 100, 'conforming', 'QA', %L)$q$,
                        (SELECT maker FROM fx)));
SELECT t.rejects('not for a conformity certification',
                 format($q$INSERT INTO design_inspections (certificate_number, inspected_on, lot, quantity,
                           result, inspector, recorded_by)
                           VALUES ('D21-0102001', DATE '2021-08-01', 'LOT-1', 100, 'conforming', 'QA', %L)$q$,
                        (SELECT maker FROM fx)),
                 'design_inspections_by_design_holder');
SELECT t.rejects('not by another organisation',
                 format($q$INSERT INTO design_inspections (certificate_number, inspected_on, lot, quantity,
                           result, inspector, recorded_by)
                           VALUES ('D21-0101001', DATE '2021-08-01', 'LOT-1', 100, 'conforming', 'QA', %L)$q$,
                        (SELECT other_maker FROM fx)),
                 'design_inspections_by_design_holder');
SELECT t.rejects('a nonconforming lot says why',
                 format($q$INSERT INTO design_inspections (certificate_number, inspected_on, lot, quantity,
                           result, inspector, recorded_by)
                           VALUES ('D21-0101001', DATE '2021-08-01', 'LOT-2', 5, 'nonconforming', 'QA', %L)$q$,
                        (SELECT maker FROM fx)),
                 'design_inspections_nonconforming_notes');
SELECT t.rejects('inspections are kept',
                 $q$DELETE FROM design_inspections WHERE certificate_number = 'D21-0101001'$q$,
                 'design_inspections_append_only');

ROLLBACK;
