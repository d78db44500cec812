-- Examination: verdicts, evidence, CC equivalence, information requests, proposals and the
-- four-eyes review, and the checks that back a decision.
BEGIN;
\ir lib/helpers.sql

CREATE TEMP TABLE fx AS
SELECT o.org, t.user('manufacturer', o.org) AS maker, t.user('manufacturer', t.org('Other')) AS stranger,
       t.user('examiner') AS ex_a, t.user('examiner') AS ex_b, t.user('regulator') AS regulator
  FROM (SELECT t.org('A') AS org) o;
ALTER TABLE fx ADD COLUMN app uuid, ADD COLUMN cc_ok uuid, ADD COLUMN cc_expired uuid, ADD COLUMN cc_archived uuid;
UPDATE fx SET app = t.draft(org, maker);
SELECT t.in_review(app, ex_a) FROM fx;

INSERT INTO cc_certificates (name, manufacturer, category, scheme, assurance_level, protection_profiles,
                             certified_on, valid_until, status, source_row_hash)
VALUES ('RT-100 Firmware 2.1', 'Example Devices', 'Network and Network-Related Devices and Systems', 'JP', 'EAL2+',
        '{}', DATE '2020-01-10', DATE '2030-01-10', 'active', t.h('row1')),
       ('Old Router', 'Example Devices', 'Network and Network-Related Devices and Systems', 'DE', 'EAL2',
        '{}', DATE '2014-05-01', DATE '2019-05-01', 'active', t.h('row2')),
       ('Archived Router', 'Example Devices', 'Network and Network-Related Devices and Systems', 'FR', 'EAL4+',
        '{}', DATE '2018-05-01', DATE '2023-05-01', 'archived', t.h('row3'));
UPDATE fx SET cc_ok = (SELECT id FROM cc_certificates WHERE name = 'RT-100 Firmware 2.1'),
              cc_expired = (SELECT id FROM cc_certificates WHERE name = 'Old Router'),
              cc_archived = (SELECT id FROM cc_certificates WHERE name = 'Archived Router');

CREATE FUNCTION t.verdict_sql(req text, verdict text, reason text DEFAULT NULL, by_whom uuid DEFAULT NULL,
                              rs text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT format($q$INSERT INTO verdicts (application_id, rule_set_id, requirement_id, verdict, reason, decided_by)
                     VALUES (%L, %L, %L, %L, %L, %L)
                     ON CONFLICT (application_id, requirement_id) DO UPDATE
                     SET verdict = EXCLUDED.verdict, reason = EXCLUDED.reason, decided_by = EXCLUDED.decided_by$q$,
                  app, rs, req, verdict, reason, coalesce(by_whom, ex_a))
      FROM fx
$$;

-- Verdicts: not_applicable only on a conditional requirement (SR-2, 0012) and with a reason;
-- equivalence needs an accepted decision.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES
            ('SR-1', 'pass',               NULL,                        NULL),
            ('SR-1', 'fail',               NULL,                        NULL),
            ('SR-2', 'not_applicable',     'No remote configuration',   NULL),
            ('SR-1', 'not_applicable',     'No remote configuration',   'verdicts_not_applicable_conditional'),
            ('SR-2', 'not_applicable',     NULL,                        'verdicts_reason_when_not_applicable'),
            ('SR-2', 'not_applicable',     E'  \n ',                    'gk_prose_format'),
            ('SR-1', 'met_by_equivalence', NULL,                        'verdicts_equivalence_accepted'),
            ('SR-1', 'passed',             NULL,                        'verdicts_verdict_check')) AS v(req, verdict, reason, want) LOOP
        IF c.want IS NULL THEN
            PERFORM t.accepts_then_undo(format('verdict %s on %s reason %L', c.verdict, c.req, c.reason),
                                        t.verdict_sql(c.req, c.verdict, c.reason));
        ELSE
            PERFORM t.rejects(format('verdict %s on %s reason %L', c.verdict, c.req, c.reason),
                              t.verdict_sql(c.req, c.verdict, c.reason), c.want);
        END IF;
    END LOOP;
END $$;
SELECT t.rejects('verdict on the equivalence item', t.verdict_sql('EQ', 'pass'), 'verdicts_requirement_in_rule_set');
SELECT t.rejects('verdict on an unknown requirement', t.verdict_sql('SR-9', 'pass'), 'verdicts_requirement_in_rule_set');
SELECT t.rejects('verdict on a requirement of a rule set without it', t.verdict_sql('SR-1', 'pass', rs => 'pre-2020'),
                 'verdicts_requirement_in_rule_set');
-- A future rule set with its own SR-1: still not the application's rule set.
INSERT INTO rule_sets VALUES ('2030-01', 'Future', '将来', DATE '2029-01-01', DATE '2030-01-01', 'x', 'x');
INSERT INTO requirements VALUES ('2030-01', 'SR-1', 'requirement', 'Access control', 'アクセス制御', 'd', 'd', NULL, 10);
SELECT t.rejects('verdict under another rule set', t.verdict_sql('SR-1', 'pass', rs => '2030-01'),
                 'verdicts_application_id_rule_set_id_fkey');
SELECT t.rejects('verdict by a regulator', (SELECT t.verdict_sql('SR-1', 'pass', by_whom => regulator) FROM fx),
                 'verdicts_decided_by_examiner');
SELECT t.rejects('verdict by the applicant', (SELECT t.verdict_sql('SR-1', 'pass', by_whom => maker) FROM fx),
                 'verdicts_decided_by_examiner');
SELECT t.accepts('SR-1 passes', t.verdict_sql('SR-1', 'pass'));
SELECT t.rejects('a second verdict row for SR-1',
    (SELECT format($q$INSERT INTO verdicts (application_id, requirement_id, verdict, decided_by) VALUES (%L, 'SR-1', 'fail', %L)$q$, app, ex_a) FROM fx),
    'verdicts_pkey');
DO $$
BEGIN
    PERFORM t.assert_eq((SELECT rule_set_id FROM verdicts v JOIN fx ON v.application_id = fx.app), '2020-04',
                        'rule set filled from the application');
END $$;

-- CC equivalence: an accepted decision needs a certificate valid on the decision date.
CREATE FUNCTION t.equivalence_sql(cc uuid, accepted boolean, decided_on date DEFAULT DATE '2021-07-01') RETURNS text
LANGUAGE sql AS $$
    SELECT format($q$INSERT INTO equivalence_decisions (application_id, cc_certificate_id, accepted, rationale, decided_on, decided_by)
                     VALUES (%L, %L, %L, 'TOE matches model RT-100 v2.1', %L, %L)$q$, app, cc, accepted, decided_on, ex_a)
      FROM fx
$$;
SELECT t.rejects('accept an expired CC certificate', (SELECT t.equivalence_sql(cc_expired, true) FROM fx),
                 'equivalence_decisions_cc_valid');
SELECT t.rejects('accept an archived CC certificate', (SELECT t.equivalence_sql(cc_archived, true) FROM fx),
                 'equivalence_decisions_cc_valid');
SELECT t.rejects('accept before the certification date', (SELECT t.equivalence_sql(cc_ok, true, DATE '2019-12-01') FROM fx),
                 'equivalence_decisions_cc_valid');
SELECT t.accepts('refuse an expired CC certificate', (SELECT t.equivalence_sql(cc_expired, false) FROM fx));
SELECT t.rejects('met_by_equivalence after a refusal', t.verdict_sql('SR-2', 'met_by_equivalence'), 'verdicts_equivalence_accepted');
SELECT t.accepts('accept a valid CC certificate', (SELECT t.equivalence_sql(cc_ok, true) FROM fx));
-- 0017: per requirement. An accepted decision maps the requirements it covers; the verdict
-- names the decision whose mapping it rests on.
SELECT t.rejects('met_by_equivalence naming no mapping', t.verdict_sql('SR-2', 'met_by_equivalence'),
                 'verdicts_equivalence_accepted');
SELECT t.accepts('map SR-2 to the accepted decision',
                 (SELECT format($q$INSERT INTO equivalence_mappings (decision_id, application_id, requirement_id, justification)
                                  SELECT max(id), %L, 'SR-2', 'FIA_UAU.1 and the ST''s per-unit credentials'
                                    FROM equivalence_decisions WHERE application_id = %L AND accepted$q$, app, app) FROM fx));
SELECT t.rejects('map the equivalence item', (SELECT format($q$INSERT INTO equivalence_mappings (decision_id, application_id, requirement_id, justification)
                                  SELECT max(id), %L, 'EQ', 'x' FROM equivalence_decisions WHERE application_id = %L$q$, app, app) FROM fx),
                 'equivalence_mappings_requirement');
SELECT t.accepts('met_by_equivalence on the mapped requirement',
                 (SELECT format($q$INSERT INTO verdicts (application_id, requirement_id, verdict, decided_by, equivalence_decision_id)
                                  SELECT %L, 'SR-2', 'met_by_equivalence', %L, max(id) FROM equivalence_decisions
                                   WHERE application_id = %L AND accepted
                                  ON CONFLICT (application_id, requirement_id) DO UPDATE
                                  SET verdict = EXCLUDED.verdict, equivalence_decision_id = EXCLUDED.equivalence_decision_id$q$,
                                 app, ex_a, app) FROM fx));
SELECT t.rejects('met_by_equivalence on a requirement the decision does not map',
                 (SELECT format($q$INSERT INTO verdicts (application_id, requirement_id, verdict, decided_by, equivalence_decision_id)
                                  SELECT %L, 'SR-3', 'met_by_equivalence', %L, max(id) FROM equivalence_decisions
                                   WHERE application_id = %L AND accepted$q$, app, ex_a, app) FROM fx),
                 'verdicts_equivalence_accepted');
SELECT t.rejects('an equivalent function without a justification cites a certificate',
                 (SELECT format($q$INSERT INTO equivalence_decisions (application_id, basis, scheme_id, cc_certificate_id, accepted, rationale, decided_on, decided_by)
                                  VALUES (%L, 'equivalent_function', NULL, %L, true, 'x', DATE '2021-07-01', %L)$q$, app, cc_ok, ex_a) FROM fx),
                 'equivalence_decisions_cites');
SELECT t.rejects('equivalence decision rewritten', 'UPDATE equivalence_decisions SET accepted = true',
                 'equivalence_decisions_append_only');

-- Evidence: append-only, by an examiner; attached files copy the document's digest.
DO $$
DECLARE
    f fx;
    e uuid;
    d uuid := gen_random_uuid();
    other_app uuid;
    other_doc uuid := gen_random_uuid();
BEGIN
    SELECT * INTO f FROM fx;
    INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by)
    VALUES (d, f.app, 'evidence', 'log.txt', 'text/plain', 0, sha256(''), 'confidential', f.ex_a);
    other_app := t.draft(f.org, f.maker);
    INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by)
    VALUES (other_doc, other_app, 'evidence', 'log.txt', 'text/plain', 0, sha256(''), 'confidential', f.ex_a);

    INSERT INTO evidence (application_id, requirement_id, procedure, result, recorded_by)
    VALUES (f.app, 'SR-3', 'Update via web UI to v2.2', 'Version shows 2.2', f.ex_a) RETURNING id INTO e;
    PERFORM t.rejects('evidence file with another digest',
        format('INSERT INTO evidence_documents VALUES (%L, %L, %L, %L)', e, f.app, d, t.h('forged')),
        'evidence_documents_document_id_application_id_sha256_fkey');
    PERFORM t.accepts('evidence file with its digest',
        format('INSERT INTO evidence_documents VALUES (%L, %L, %L, %L)', e, f.app, d, sha256('')));
    PERFORM t.rejects('evidence file of another application',
        format('INSERT INTO evidence_documents VALUES (%L, %L, %L, %L)', e, f.app, other_doc, sha256('')),
        'evidence_documents_document_id_application_id_sha256_fkey');
    PERFORM t.rejects('evidence edited', format($q$UPDATE evidence SET result = 'fine' WHERE id = %L$q$, e),
                      'evidence_append_only');
    PERFORM t.rejects('evidence deleted', format('DELETE FROM evidence WHERE id = %L', e), 'evidence_append_only');
    PERFORM t.rejects('evidence file detached', 'DELETE FROM evidence_documents', 'evidence_documents_append_only');
    PERFORM t.rejects('evidence by the applicant',
        format($q$INSERT INTO evidence (application_id, requirement_id, procedure, result, recorded_by)
                  VALUES (%L, 'SR-3', 'p', 'r', %L)$q$, f.app, f.maker), 'evidence_recorded_by_examiner');
    PERFORM t.rejects('evidence for a requirement and an obligation at once',
        format($q$INSERT INTO evidence (application_id, requirement_id, obligation, procedure, result, recorded_by)
                  VALUES (%L, 'SR-3', 'manual_no_direct_connection_statement', 'p', 'r', %L)$q$, f.app, f.ex_a),
        'evidence_requirement_or_obligation');
    PERFORM t.accepts('evidence for the manual statement obligation',
        format($q$INSERT INTO evidence (application_id, obligation, procedure, result, recorded_by)
                  VALUES (%L, 'manual_no_direct_connection_statement', 'Read manual p.3', 'Statement present', %L)$q$, f.app, f.ex_a));
    PERFORM t.rejects('evidence on a draft',
        format($q$INSERT INTO evidence (application_id, rule_set_id, requirement_id, procedure, result, recorded_by)
                  VALUES (%L, '2020-04', 'SR-3', 'p', 'r', %L)$q$, other_app, f.ex_a),
        'evidence_application_not_in_review');
END $$;

-- Information requests: one open at a time, answered once by the applicant.
DO $$
DECLARE
    f fx;
    r uuid;
BEGIN
    SELECT * INTO f FROM fx;
    PERFORM t.rejects('asked by the applicant',
        format($q$INSERT INTO info_requests (application_id, message, asked_by) VALUES (%L, 'q', %L)$q$, f.app, f.maker),
        'info_requests_asked_by_examiner');
    INSERT INTO info_requests (application_id, message, asked_by) VALUES (f.app, 'Send the block diagram', f.ex_a)
        RETURNING id INTO r;
    UPDATE applications SET status = 'info_requested' WHERE id = f.app;
    PERFORM t.rejects('a second open question',
        format($q$INSERT INTO info_requests (application_id, message, asked_by) VALUES (%L, 'q2', %L)$q$, f.app, f.ex_a),
        'info_requests_one_open');
    PERFORM t.rejects('answered by another organisation',
        format($q$UPDATE info_requests SET response_message = 'a', responded_by = %L, responded_at = now() WHERE id = %L$q$, f.stranger, r),
        'info_requests_responded_by_applicant');
    PERFORM t.rejects('answer without who and when',
        format($q$UPDATE info_requests SET response_message = 'a' WHERE id = %L$q$, r),
        'info_requests_response_together');
    PERFORM t.rejects('question rewritten',
        format($q$UPDATE info_requests SET message = 'other' WHERE id = %L$q$, r), 'info_requests_append_only');
    PERFORM t.accepts('answered by the applicant',
        format($q$UPDATE info_requests SET response_message = 'Attached', responded_by = %L, responded_at = now() WHERE id = %L$q$, f.maker, r));
    PERFORM t.rejects('answer rewritten',
        format($q$UPDATE info_requests SET response_message = 'Changed' WHERE id = %L$q$, r), 'info_requests_append_only');
    PERFORM t.rejects('question deleted', format('DELETE FROM info_requests WHERE id = %L', r), 'info_requests_append_only');
    UPDATE applications SET status = 'in_review' WHERE id = f.app;
END $$;

-- Proposals and the four-eyes review.
DO $$
DECLARE
    f fx;
    p bigint;
BEGIN
    SELECT * INTO f FROM fx;
    PERFORM t.rejects('proposal by a regulator',
        format($q$INSERT INTO proposals (application_id, decision, reason, proposed_by) VALUES (%L, 'grant', 'ok', %L)$q$, f.app, f.regulator),
        'proposals_proposed_by_examiner');
    PERFORM t.rejects('proposal with an unknown decision',
        format($q$INSERT INTO proposals (application_id, decision, reason, proposed_by) VALUES (%L, 'approve', 'ok', %L)$q$, f.app, f.ex_a),
        'proposals_decision_check');
    INSERT INTO proposals (application_id, decision, reason, proposed_by)
    VALUES (f.app, 'grant', 'All requirements met', f.ex_a) RETURNING id INTO p;
    PERFORM t.rejects('a second open proposal',
        format($q$INSERT INTO proposals (application_id, decision, reason, proposed_by) VALUES (%L, 'reject', 'no', %L)$q$, f.app, f.ex_a),
        'proposals_one_open');
    PERFORM t.rejects('a proposal by an examiner the case is not assigned to (0018)',
        format($q$INSERT INTO proposals (application_id, decision, reason, proposed_by) VALUES (%L, 'reject', 'no', %L)$q$, f.app, f.ex_b),
        'proposals_proposed_by_case_examiner');
    PERFORM t.rejects('review before the application is proposed',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L$q$, f.ex_b, p),
        'proposals_application_not_proposed');
    UPDATE applications SET status = 'proposed' WHERE id = f.app;
    SET CONSTRAINTS ALL IMMEDIATE;   -- run the deferred checks of the steps so far
    SET CONSTRAINTS ALL DEFERRED;

    -- The record is frozen while a decision is proposed.
    PERFORM t.rejects('verdict changed while proposed', t.verdict_sql('SR-1', 'fail'), 'verdicts_application_not_in_review');
    PERFORM t.rejects('evidence added while proposed',
        format($q$INSERT INTO evidence (application_id, requirement_id, procedure, result, recorded_by) VALUES (%L, 'SR-1', 'p', 'r', %L)$q$, f.app, f.ex_a),
        'evidence_application_not_in_review');

    PERFORM t.rejects('four eyes: the proposer approves',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L$q$, f.ex_a, p),
        'proposals_four_eyes');
    PERFORM t.rejects('four eyes: the proposer sends it back',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = false, comment = 'redo' WHERE id = %L$q$, f.ex_a, p),
        'proposals_four_eyes');
    PERFORM t.rejects('four eyes: the CHECK alone, triggers disabled',
        format($q$ALTER TABLE proposals DISABLE TRIGGER USER;
                  INSERT INTO proposals (application_id, decision, reason, proposed_by, reviewed_by, reviewed_at, approve)
                  VALUES (%L, 'grant', 'x', %L, %L, now(), true)$q$, f.app, f.ex_a, f.ex_a),
        'proposals_four_eyes');
    PERFORM t.rejects('review by the applicant',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L$q$, f.maker, p),
        'proposals_reviewed_by_examiner');
    PERFORM t.rejects('sent back without a comment',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = false WHERE id = %L$q$, f.ex_b, p),
        'proposals_comment_when_not_approved');
    PERFORM t.rejects('review half recorded',
        format($q$UPDATE proposals SET reviewed_by = %L WHERE id = %L$q$, f.ex_b, p), 'proposals_review_together');
    -- Deferred: a review must move the application on, in the same transaction.
    PERFORM t.rejects('approved but the application stays proposed',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L;
                  SET CONSTRAINTS ALL IMMEDIATE$q$, f.ex_b, p),
        'proposals_review_applied');
    PERFORM t.rejects('back to review although approved',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L;
                  UPDATE applications SET status = 'in_review' WHERE id = %L;
                  SET CONSTRAINTS ALL IMMEDIATE$q$, f.ex_b, p, f.app),
        'applications_sent_back_by_review');
    PERFORM t.rejects('rejected on an approved grant proposal',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L;
                  UPDATE applications SET status = 'rejected' WHERE id = %L;
                  SET CONSTRAINTS ALL IMMEDIATE$q$, f.ex_b, p, f.app),
        'applications_decision_approved');
    PERFORM t.rejects('granted without a certificate',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L;
                  UPDATE applications SET status = 'granted' WHERE id = %L;
                  SET CONSTRAINTS ALL IMMEDIATE$q$, f.ex_b, p, f.app),
        'applications_granted_has_certificate');
    PERFORM t.accepts('sent back by a second examiner',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = false, comment = 'Check SR-4' WHERE id = %L;
                  UPDATE applications SET status = 'in_review' WHERE id = %L;
                  SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED$q$, f.ex_b, p, f.app));
    PERFORM t.rejects('reviewed proposal edited',
        format($q$UPDATE proposals SET approve = true WHERE id = %L$q$, p), 'proposals_append_only');
    PERFORM t.rejects('proposal deleted', format('DELETE FROM proposals WHERE id = %L', p), 'proposals_append_only');
    PERFORM t.rejects('proposed without a proposal',
        format($q$UPDATE applications SET status = 'proposed' WHERE id = %L; SET CONSTRAINTS ALL IMMEDIATE$q$, f.app),
        'applications_proposed_has_proposal');

    -- A rejection, proposed by the examiner the case went to, approved by one who took no
    -- part in the record (0018: ex_a recorded the verdicts).
    UPDATE applications SET assigned_examiner_id = f.ex_b WHERE id = f.app;
    INSERT INTO proposals (application_id, decision, reason, proposed_by)
    VALUES (f.app, 'reject', 'SR-4 fails', f.ex_b) RETURNING id INTO p;
    UPDATE applications SET status = 'proposed' WHERE id = f.app;
    PERFORM t.rejects('four eyes: approved by the examiner who recorded the verdicts (0018)',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L$q$, f.ex_a, p),
        'proposals_reviewer_took_part');
    PERFORM t.accepts('rejection approved by an examiner who took no part',
        format($q$UPDATE proposals SET reviewed_by = %L, reviewed_at = now(), approve = true WHERE id = %L;
                  UPDATE applications SET status = 'rejected' WHERE id = %L;
                  SET CONSTRAINTS ALL IMMEDIATE$q$, t.user('examiner'), p, f.app));
    PERFORM t.rejects('a decided application is final',
        format($q$UPDATE applications SET status = 'in_review' WHERE id = %L$q$, f.app), 'applications_status_transition');
END $$;

ROLLBACK;
