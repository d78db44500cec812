-- Certificates: number format, imported certificates, the grant transaction with the
-- gap-free serial counter, status changes, append-only events, signing keys.
BEGIN;
\ir lib/helpers.sql

CREATE TEMP TABLE fx AS
SELECT o.org, t.user('manufacturer', o.org) AS maker, t.user('examiner') AS ex_a, t.user('examiner') AS ex_b
  FROM (SELECT t.org('Example Devices K.K.') AS org) o;
INSERT INTO signing_keys (key_id, public_key) VALUES ('k2021', decode(repeat('11', 32), 'hex'));

-- An imported (pre-existing) certificate.
CREATE FUNCTION t.import_sql(number text, granted date DEFAULT DATE '2019-05-10', rs text DEFAULT 'pre-2020',
                             basis text DEFAULT 'not_applicable', category text DEFAULT 'router',
                             grandfathered boolean DEFAULT true) RETURNS text
LANGUAGE sql AS $$
    SELECT format($q$INSERT INTO certificates (number, route, category_id, manufacturer, model_name, granted_on,
                                               rule_set_id, grandfathered, basis)
                     VALUES (%L, 'design', %L, 'Example Devices', 'OLD-1', %L, %L, %L, %L)$q$,
                  number, category, granted, rs, grandfathered, basis)
$$;

-- Number format <class letters><yy>-<nnnn><bbb>.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES
            ('D19-0123001',   true),
            ('AB19-0001001',  true),
            ('ABC19-9999123', true),
            ('d19-0123001',   false),
            ('D1-0123001',    false),
            ('D19-123001',    false),
            ('D19-01230011',  false),
            ('D19_0123001',   false),
            ('ABCD19-0123001', false),
            ('D19-0123001 ',  false),
            ('T D19-0123001', false),
            ('D１9-0123001',  false)) AS v(number, ok) LOOP
        IF c.ok THEN
            PERFORM t.accepts_then_undo('number ' || c.number, t.import_sql(c.number));
        ELSE
            PERFORM t.rejects('number ' || c.number, t.import_sql(c.number), 'certificates_number_format');
        END IF;
    END LOOP;
END $$;
SELECT t.rejects('yy is not the year of grant', t.import_sql('D18-0001001'), 'certificates_number_year');
SELECT t.rejects('imported under a rule set not in force on its grant date',
                 t.import_sql('D19-0001001', rs => '2020-04', basis => 'tested'), 'certificates_import_rule_set');
SELECT t.rejects('security basis under the pre-2020 rules', t.import_sql('D19-0001001', basis => 'tested'), 'certificates_basis');
SELECT t.rejects('unknown basis', t.import_sql('D20-0001001', DATE '2020-06-01', '2020-04', 'self_declared'), 'certificates_basis_check');
SELECT t.accepts('imported certificate', t.import_sql('D19-0001001'));
SELECT t.accepts('imported under 2020-04', t.import_sql('D20-0002001', DATE '2020-06-01', '2020-04', 'tested'));
SELECT t.rejects('number reused', t.import_sql('D19-0001001'), 'certificates_pkey');
SELECT t.rejects('serial reused with other class letters',
                 t.import_sql('A19-0001001', category => 'telephone', grandfathered => false),
                 'certificates_serial_key');
-- 0016: an import may leave its basis unstated (never under the pre-2020 rules, which have no
-- security basis); only a category Art. 34-10 can cover is grandfathered.
SELECT t.accepts_then_undo('imported under 2020-04 with its basis unstated',
                           t.import_sql('D20-0003001', DATE '2020-06-01', '2020-04', 'unstated', grandfathered => false));
SELECT t.rejects('unstated under the pre-2020 rules', t.import_sql('D19-0003001', basis => 'unstated'), 'certificates_basis');
SELECT t.rejects('a telephone grandfathered', t.import_sql('A19-0004001', category => 'telephone'),
                 'certificates_grandfathered_applicable');
SELECT t.rejects('a PC grandfathered', t.import_sql('D19-0004001', category => 'pc'),
                 'certificates_grandfathered_applicable');
SELECT t.accepts_then_undo('a telephone not grandfathered',
                           t.import_sql('A19-0004001', category => 'telephone', grandfathered => false));
SELECT t.accepts('same serial, another body', t.import_sql('D19-0001002'));
DO $$
BEGIN
    PERFORM t.assert_eq((SELECT status_changed_on FROM certificates WHERE number = 'D19-0001001'), DATE '2019-05-10',
                        'status date defaults to the grant date');
    PERFORM t.assert_eq((SELECT (grant_year, serial, body_code)::text FROM certificates WHERE number = 'D19-0001001'),
                        '(2019,1,001)', 'number parts');
END $$;

-- Bring an application to 'proposed' with the given verdicts on SR-1..SR-4.
CREATE FUNCTION t.proposed(verdict_sr4 text DEFAULT 'pass') RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    f fx;
    app uuid;
BEGIN
    SELECT * INTO f FROM fx;
    app := t.draft(f.org, f.maker);
    PERFORM t.in_review(app, f.ex_a);
    INSERT INTO verdicts (application_id, requirement_id, verdict, decided_by)
    SELECT app, r, CASE WHEN r = 'SR-4' THEN verdict_sr4 ELSE 'pass' END, f.ex_a
      FROM unnest(ARRAY['SR-1', 'SR-2', 'SR-3', 'SR-4']) r;
    INSERT INTO proposals (application_id, decision, reason, proposed_by) VALUES (app, 'grant', 'All met', f.ex_a);
    UPDATE applications SET status = 'proposed' WHERE id = app;
    SET CONSTRAINTS ALL IMMEDIATE;
    SET CONSTRAINTS ALL DEFERRED;
    RETURN app;
END $$;

-- The grant transaction, in the documented order; parts can be varied to break it.
CREATE FUNCTION t.grant_sql(app uuid, number text, bumps integer DEFAULT 1, model text DEFAULT 'RT-100',
                            basis text DEFAULT 'tested', signed boolean DEFAULT true,
                            granted date DEFAULT DATE '2021-07-01') RETURNS text LANGUAGE sql AS $$
    SELECT format($q$UPDATE proposals SET reviewed_by = %2$L, reviewed_at = now(), approve = true
                      WHERE application_id = %1$L AND reviewed_at IS NULL;
                     %3$s
                     INSERT INTO certificates (number, application_id, organization_id, route, category_id, manufacturer,
                                               model_name, granted_on, rule_set_id, basis, canonical_json, signature, key_id)
                     VALUES (%4$L, %1$L, %5$L, 'conformity', 'router', 'Example Devices K.K.', %6$L, %9$L, '2020-04', %7$L,
                             %8$s);
                     INSERT INTO certificate_events (certificate_number, event, actor_id) VALUES (%4$L, 'grant', %2$L);
                     UPDATE applications SET status = 'granted' WHERE id = %1$L;
                     SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED$q$,
                  app, (SELECT ex_b FROM fx),
                  repeat(format($c$INSERT INTO certificate_serials (year, body_code, last_serial) VALUES (%s, '001', 1)
                                   ON CONFLICT (year, body_code) DO UPDATE SET last_serial = certificate_serials.last_serial + 1;$c$,
                                extract(year FROM granted)::integer), bumps),
                  number, (SELECT org FROM fx), model, basis,
                  CASE WHEN signed THEN format($s$'{"number":%s}', decode(repeat('ab', 64), 'hex'), 'k2021'$s$, to_json(number))
                       ELSE 'NULL, NULL, NULL' END,
                  granted)
$$;

DO $$
DECLARE
    app uuid := t.proposed();
    failing uuid := t.proposed('fail');
BEGIN
    PERFORM t.rejects('serial taken twice, one certificate', t.grant_sql(app, 'D21-0002001', bumps => 2), 'certificate_serials_gap_free');
    PERFORM t.rejects('number not from the counter', t.grant_sql(app, 'D21-0005001'), 'certificates_serial_from_counter');
    PERFORM t.rejects('no counter drawn', t.grant_sql(app, 'D21-0001001', bumps => 0), 'certificates_serial_from_counter');
    PERFORM t.rejects('class letters not the category''s', t.grant_sql(app, 'A21-0001001'), 'certificates_class_letters');
    PERFORM t.rejects('another body''s code', t.grant_sql(app, 'D21-0001002'), 'certificates_body_code');
    PERFORM t.rejects('yy not the grant year', t.grant_sql(app, 'D22-0001001'), 'certificates_number_year');
    PERFORM t.rejects('certificate differs from the application', t.grant_sql(app, 'D21-0001001', model => 'RT-200'),
                      'certificates_match_application');
    PERFORM t.rejects('issued unsigned', t.grant_sql(app, 'D21-0001001', signed => false), 'certificates_issued_signed');
    PERFORM t.rejects('no security basis although Article 34-10 applies', t.grant_sql(app, 'D21-0001001', basis => 'not_applicable'),
                      'certificates_basis');
    PERFORM t.rejects('an issued certificate never has its basis unstated', t.grant_sql(app, 'D21-0001001', basis => 'unstated'),
                      'certificates_unstated_only_imported');
    PERFORM t.rejects('cc_equivalence without an accepted decision', t.grant_sql(app, 'D21-0001001', basis => 'cc_equivalence'),
                      'certificates_basis');
    PERFORM t.rejects('granted before filing', t.grant_sql(app, 'D21-0001001', granted => DATE '2021-05-01'),
                      'certificates_granted_after_filing');
    PERFORM t.rejects('grant with a failed requirement', t.grant_sql(failing, 'D21-0001001'), 'applications_grant_verdicts');
    PERFORM t.rejects('certificate for an application not granted',
        format($q$INSERT INTO certificate_serials VALUES (2021, '001', 1);
                  INSERT INTO certificates (number, application_id, organization_id, route, category_id, manufacturer,
                                            model_name, granted_on, rule_set_id, basis, canonical_json, signature, key_id)
                  VALUES ('D21-0001001', %L, %L, 'conformity', 'router', 'X', 'RT-100', DATE '2021-07-01', '2020-04', 'tested',
                          '{}', decode(repeat('ab', 64), 'hex'), 'k2021');
                  SET CONSTRAINTS ALL IMMEDIATE$q$, app, (SELECT org FROM fx)),
        'certificates_application_granted');

    PERFORM t.accepts('grant', t.grant_sql(app, 'D21-0001001'));
    PERFORM t.assert_eq((SELECT status FROM applications WHERE id = app), 'granted', 'application granted');
    PERFORM t.assert_eq((SELECT last_serial FROM certificate_serials WHERE year = 2021 AND body_code = '001'), 1, 'counter at 1');
    PERFORM t.accepts('second grant of the year takes serial 2', t.grant_sql(t.proposed(), 'D21-0002001'));
    PERFORM t.rejects('a second certificate for the application', t.grant_sql(app, 'D21-0003001'), 'certificates_application_key');
END $$;

-- The counter never goes back and is never removed.
SELECT t.rejects('counter moved back', $q$UPDATE certificate_serials SET last_serial = 1 WHERE year = 2021$q$,
                 'certificate_serials_monotonic');
SELECT t.rejects('counter deleted', 'DELETE FROM certificate_serials', 'certificate_serials_monotonic');
SELECT t.rejects('counter jumped without certificates',
                 $q$UPDATE certificate_serials SET last_serial = 5 WHERE year = 2021; SET CONSTRAINTS ALL IMMEDIATE$q$,
                 'certificate_serials_gap_free');
SELECT t.accepts_then_undo('counter floor at an imported certificate',
                 $q$INSERT INTO certificate_serials VALUES (2020, '001', 2); SET CONSTRAINTS ALL IMMEDIATE$q$);
SELECT t.rejects('counter floor without its certificate',
                 $q$INSERT INTO certificate_serials VALUES (2020, '001', 3); SET CONSTRAINTS ALL IMMEDIATE$q$,
                 'certificate_serials_gap_free');
SELECT t.rejects('counter for a year before 2000', $q$INSERT INTO certificate_serials VALUES (1999, '001', 0)$q$,
                 'certificate_serials_year_check');
SELECT t.rejects('counter beyond four digits', $q$INSERT INTO certificate_serials VALUES (2031, '001', 10000)$q$,
                 'certificate_serials_last_serial_range');
SELECT t.rejects('counter body code', $q$INSERT INTO certificate_serials VALUES (2031, '1', 0)$q$,
                 'certificate_serials_body_code_format');

-- Certificates are never deleted; only status and signature change; status by the table.
SELECT t.rejects('certificate deleted', $q$DELETE FROM certificates WHERE number = 'D21-0001001'$q$, 'certificates_never_deleted');
SELECT t.rejects('certificate renamed', $q$UPDATE certificates SET model_name = 'X' WHERE number = 'D21-0001001'$q$,
                 'certificates_identity_immutable');
SELECT t.rejects('certificate renumbered', $q$UPDATE certificates SET number = 'D21-0009001' WHERE number = 'D21-0001001'$q$,
                 'certificates_identity_immutable');
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES
            ('suspended', DATE '2022-01-10', NULL),
            ('granted',   DATE '2022-02-10', NULL),
            ('suspended', DATE '2022-03-10', NULL),
            ('revoked',   DATE '2022-04-10', NULL),
            ('granted',   DATE '2022-05-10', 'certificates_status_transition'),
            ('suspended', DATE '2022-05-10', 'certificates_status_transition')) AS v(status, on_date, want) LOOP
        IF c.want IS NULL THEN
            PERFORM t.accepts('certificate -> ' || c.status,
                format($q$UPDATE certificates SET status = %L, status_changed_on = %L WHERE number = 'D21-0001001'$q$, c.status, c.on_date));
        ELSE
            PERFORM t.rejects('certificate -> ' || c.status,
                format($q$UPDATE certificates SET status = %L, status_changed_on = %L WHERE number = 'D21-0001001'$q$, c.status, c.on_date),
                c.want);
        END IF;
    END LOOP;
END $$;
SELECT t.accepts('second certificate suspended',
                 $q$UPDATE certificates SET status = 'suspended', status_changed_on = DATE '2022-03-01' WHERE number = 'D21-0002001'$q$);
SELECT t.rejects('status date moved back',
                 $q$UPDATE certificates SET status = 'granted', status_changed_on = DATE '2022-02-01' WHERE number = 'D21-0002001'$q$,
                 'certificates_status_date');
SELECT t.rejects('status date before the grant',
                 $q$UPDATE certificates SET status = 'granted', status_changed_on = DATE '2021-01-01' WHERE number = 'D21-0002001'$q$,
                 'certificates_status_date');
SELECT t.rejects('status date changed without a status change',
                 $q$UPDATE certificates SET status_changed_on = DATE '2023-01-01' WHERE number = 'D21-0002001'$q$,
                 'certificates_status_date');

-- Certificate events: append-only, with reasons for regulatory actions.
SELECT t.accepts('suspension recorded',
    $q$INSERT INTO certificate_events (certificate_number, event, reason, order_reference)
       VALUES ('D21-0001001', 'suspend', 'Market surveillance failure', 'MIC-2022-17')$q$);
SELECT t.rejects('revocation without reason',
    $q$INSERT INTO certificate_events (certificate_number, event) VALUES ('D21-0001001', 'revoke')$q$,
    'certificate_events_reason_required');
SELECT t.rejects('granted twice',
    $q$INSERT INTO certificate_events (certificate_number, event) VALUES ('D21-0001001', 'grant')$q$,
    'certificate_events_one_origin');
SELECT t.rejects('event of an unknown certificate',
    $q$INSERT INTO certificate_events (certificate_number, event) VALUES ('D21-0099001', 'import')$q$,
    'certificate_events_certificate_number_fkey');
SELECT t.rejects('event rewritten', $q$UPDATE certificate_events SET reason = 'none'$q$, 'certificate_events_append_only');
SELECT t.rejects('event deleted', 'DELETE FROM certificate_events', 'certificate_events_append_only');

-- Signing keys: one active, kept for verification, retired once.
SELECT t.rejects('second active key', $q$INSERT INTO signing_keys (key_id, public_key) VALUES ('k2', decode(repeat('22', 32), 'hex'))$q$,
                 'signing_keys_one_active');
SELECT t.rejects('public key of the wrong length', $q$INSERT INTO signing_keys (key_id, public_key, retired_at) VALUES ('k3', '\x01', now())$q$,
                 'signing_keys_public_key_length');
SELECT t.rejects('public key replaced', $q$UPDATE signing_keys SET public_key = decode(repeat('33', 32), 'hex')$q$,
                 'signing_keys_append_only');
SELECT t.rejects('signing key deleted', 'DELETE FROM signing_keys', 'signing_keys_append_only');
SELECT t.accepts('key retired', $q$UPDATE signing_keys SET retired_at = now() WHERE key_id = 'k2021'$q$);
SELECT t.rejects('retired key un-retired', $q$UPDATE signing_keys SET retired_at = NULL WHERE key_id = 'k2021'$q$,
                 'signing_keys_append_only');
SELECT t.rejects('new signature with a retired key',
                 $q$UPDATE certificates SET signature = decode(repeat('cd', 64), 'hex') WHERE number = 'D21-0002001'$q$,
                 'certificates_signing_key_active');

ROLLBACK;
