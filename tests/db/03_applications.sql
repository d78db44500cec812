-- Applications: creation, life cycle, submission (filing date, rule set, determination),
-- freezing after submission, ETag version, declarations, status history.
BEGIN;
\ir lib/helpers.sql

CREATE TEMP TABLE fx AS
SELECT o.org, o2.org AS other_org, t.user('manufacturer', o.org) AS maker,
       t.user('manufacturer', o2.org) AS other_maker, t.user('examiner') AS examiner,
       t.user('regulator') AS regulator
  FROM (SELECT t.org('A') AS org) o, (SELECT t.org('B') AS org) o2;

-- Who creates an application, and in which state.
SELECT t.accepts('draft by the applicant', (SELECT format('SELECT t.draft(%L, %L)', org, maker) FROM fx));
SELECT t.rejects('draft by another organisation''s user',
    (SELECT format('SELECT t.draft(%L, %L)', org, other_maker) FROM fx), 'applications_created_by_applicant');
SELECT t.rejects('draft by an examiner',
    (SELECT format('SELECT t.draft(%L, %L)', org, examiner) FROM fx), 'applications_created_by_applicant');
SELECT t.rejects('created already submitted',
    (SELECT format($q$INSERT INTO applications (organization_id, route, model_name, category_id, created_by, status)
                      VALUES (%L, 'design', 'M', 'camera', %L, 'submitted')$q$, org, maker) FROM fx),
    'applications_created_as_draft');
SELECT t.rejects('unknown route',
    (SELECT format($q$INSERT INTO applications (organization_id, route, model_name, category_id, created_by)
                      VALUES (%L, 'express', 'M', 'camera', %L)$q$, org, maker) FROM fx),
    'applications_route_check');
SELECT t.rejects('unknown category',
    (SELECT format($q$INSERT INTO applications (organization_id, route, model_name, category_id, created_by)
                      VALUES (%L, 'design', 'M', 'toaster', %L)$q$, org, maker) FROM fx),
    'applications_category_id_fkey');

-- Status changes outside the life-cycle table are refused.
DO $$
DECLARE
    f fx;
    app uuid;
    target text;
BEGIN
    SELECT * INTO f FROM fx;
    app := t.draft(f.org, f.maker);
    FOREACH target IN ARRAY ARRAY['in_review', 'info_requested', 'proposed', 'granted', 'rejected'] LOOP
        PERFORM t.rejects('draft -> ' || target,
            format('UPDATE applications SET status = %L, assigned_examiner_id = %L WHERE id = %L', target, f.examiner, app),
            'applications_status_transition');
    END LOOP;
    PERFORM t.rejects('draft -> made-up status',
        format($q$UPDATE applications SET status = 'approved' WHERE id = %L$q$, app), 'applications_status_transition');
END $$;

-- Submission fixes filing date, rule set and determination together.
CREATE FUNCTION t.submit_sql(app uuid, filed date, rs text, outcome text DEFAULT 'subject_with_security',
                             det_rs text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT format($q$UPDATE applications SET status = 'submitted', filing_date = %L, rule_set_id = %L,
                     determination = %L WHERE id = %L$q$,
                  filed, rs, jsonb_build_object('outcome', outcome, 'rule_set', coalesce(det_rs, rs)), app)
$$;

DO $$
DECLARE
    f fx;
    app uuid;
BEGIN
    SELECT * INTO f FROM fx;
    app := t.draft(f.org, f.maker);
    PERFORM t.rejects('submitted without filing date',
        format($q$UPDATE applications SET status = 'submitted' WHERE id = %L$q$, app),
        'applications_filing_date_by_status');
    PERFORM t.rejects('draft with a filing date',
        format($q$UPDATE applications SET filing_date = DATE '2021-06-01', rule_set_id = '2020-04',
                  determination = '{"outcome": "not_subject", "rule_set": "2020-04"}' WHERE id = %L$q$, app),
        'applications_filing_date_by_status');
    PERFORM t.rejects('submitted without determination',
        format($q$UPDATE applications SET status = 'submitted', filing_date = DATE '2021-06-01', rule_set_id = '2020-04' WHERE id = %L$q$, app),
        'applications_submission_fields_together');
    PERFORM t.rejects('determination with unknown outcome',
        t.submit_sql(app, DATE '2021-06-01', '2020-04', 'maybe'), 'applications_determination_shape');
    PERFORM t.rejects('determination for another rule set',
        t.submit_sql(app, DATE '2021-06-01', '2020-04', 'not_subject', 'pre-2020'), 'applications_determination_shape');
    UPDATE applications SET uses_ip = NULL WHERE id = app;
    PERFORM t.rejects('submitted with a fact unknown',
        t.submit_sql(app, DATE '2021-06-01', '2020-04'), 'applications_facts_known_when_filed');
END $$;

-- The rule set: the one in force on the filing date, or a promulgated, not older opt-in.
DO $$
DECLARE
    f fx;
    c record;
    app uuid;
    n integer := 0;
BEGIN
    SELECT * INTO f FROM fx;
    FOR c IN SELECT * FROM (VALUES
            (DATE '2019-06-01', NULL,       NULL,          'pre-2020', NULL),
            (DATE '2020-03-31', NULL,       NULL,          'pre-2020', NULL),
            (DATE '2020-04-01', NULL,       NULL,          '2020-04',  NULL),
            (DATE '2019-06-01', NULL,       NULL,          '2020-04',  'applications_rule_set_selection'),
            (DATE '2021-06-01', NULL,       NULL,          'pre-2020', 'applications_rule_set_selection'),
            (DATE '2019-06-01', '2020-04',  'early',       '2020-04',  NULL),
            (DATE '2019-06-01', '2020-04',  'early',       'pre-2020', 'applications_rule_set_selection'),
            (DATE '2019-01-15', '2020-04',  'too early',   '2020-04',  'applications_opt_in_not_promulgated'),
            (DATE '2021-06-01', 'pre-2020', 'old rules',   'pre-2020', 'applications_opt_in_older'),
            (DATE '2021-06-01', '2020-04',  'same',        '2020-04',  NULL),
            (DATE '2019-06-01', '2020-04',  NULL,          '2020-04',  'applications_opt_in_reason'),
            (DATE '1980-01-01', NULL,       NULL,          'pre-2020', 'applications_rule_set_selection'),
            ((now() AT TIME ZONE 'Asia/Tokyo')::date + 2, NULL, NULL, '2020-04', 'applications_filing_date_future')
         ) AS v(filed, opt_in, reason, rs, want) LOOP
        n := n + 1;
        app := t.draft(f.org, f.maker);
        UPDATE applications SET opt_in_rule_set_id = c.opt_in, opt_in_reason = c.reason WHERE id = app;
        IF c.want IS NULL THEN
            PERFORM t.accepts(format('case %s: filed %s opt-in %s -> %s', n, c.filed, c.opt_in, c.rs),
                              t.submit_sql(app, c.filed, c.rs));
            PERFORM t.assert_eq((SELECT rule_set_id FROM applications WHERE id = app), c.rs, 'rule set stored ' || n);
        ELSE
            PERFORM t.rejects(format('case %s: filed %s opt-in %s -> %s', n, c.filed, c.opt_in, c.rs),
                              t.submit_sql(app, c.filed, c.rs), c.want);
        END IF;
    END LOOP;
END $$;

DO $$
DECLARE
    f fx;
    app uuid;
BEGIN
    SELECT * INTO f FROM fx;
    app := t.draft(f.org, f.maker);
    PERFORM t.rejects('opt-in reason without an opt-in',
        format($q$UPDATE applications SET opt_in_reason = 'because' WHERE id = %L$q$, app), 'applications_opt_in_reason');
END $$;

-- After submission the case is frozen; the version (ETag) moves on every update.
DO $$
DECLARE
    f fx;
    app uuid;
BEGIN
    SELECT * INTO f FROM fx;
    app := t.draft(f.org, f.maker);
    PERFORM t.assert_eq((SELECT version FROM applications WHERE id = app), 1, 'new draft version 1');
    UPDATE applications SET model_name = 'RT-101', version = 99 WHERE id = app;
    PERFORM t.assert_eq((SELECT version FROM applications WHERE id = app), 2, 'version bumped by one, not set');
    UPDATE applications SET description = 'A home router' WHERE id = app;
    PERFORM t.assert_eq((SELECT version FROM applications WHERE id = app), 3, 'version bumped again');
    PERFORM t.rejects('organisation changed',
        format('UPDATE applications SET organization_id = %L WHERE id = %L', f.other_org, app),
        'applications_identity_immutable');
    PERFORM t.submit(app);
    PERFORM t.rejects('model changed after submission',
        format($q$UPDATE applications SET model_name = 'RT-999' WHERE id = %L$q$, app), 'applications_frozen_after_submit');
    PERFORM t.rejects('fact changed after submission',
        format($q$UPDATE applications SET uses_ip = false WHERE id = %L$q$, app), 'applications_frozen_after_submit');
    PERFORM t.rejects('filing date changed after submission',
        format($q$UPDATE applications SET filing_date = DATE '2021-06-02' WHERE id = %L$q$, app), 'applications_frozen_after_submit');
    PERFORM t.rejects('determination changed after submission',
        format($q$UPDATE applications SET determination = '{"outcome": "not_subject", "rule_set": "2020-04"}' WHERE id = %L$q$, app),
        'applications_frozen_after_submit');
    PERFORM t.rejects('back to draft',
        format($q$UPDATE applications SET status = 'draft', filing_date = NULL, rule_set_id = NULL, determination = NULL WHERE id = %L$q$, app),
        'applications_status_transition');
    -- Examination needs an enabled examiner.
    PERFORM t.rejects('in review without examiner',
        format($q$UPDATE applications SET status = 'in_review' WHERE id = %L$q$, app), 'applications_examiner_when_examined');
    PERFORM t.rejects('regulator assigned as examiner',
        format($q$UPDATE applications SET status = 'in_review', assigned_examiner_id = %L WHERE id = %L$q$, f.regulator, app),
        'applications_assigned_examiner_role');
    PERFORM t.accepts('examiner assigned',
        format($q$UPDATE applications SET status = 'in_review', assigned_examiner_id = %L WHERE id = %L$q$, f.examiner, app));
    PERFORM t.accepts('withdrawn during review keeps the filing date',
        format($q$UPDATE applications SET status = 'withdrawn' WHERE id = %L$q$, app));
    PERFORM t.assert_eq((SELECT filing_date FROM applications WHERE id = app), DATE '2021-06-01', 'filing date kept');
    PERFORM t.rejects('withdrawn is final',
        format($q$UPDATE applications SET status = 'in_review' WHERE id = %L$q$, app), 'applications_status_transition');

    app := t.draft(f.org, f.maker);
    PERFORM t.accepts('draft withdrawn without filing date',
        format($q$UPDATE applications SET status = 'withdrawn' WHERE id = %L$q$, app));
END $$;

-- Declarations: requirement and measure from the catalogue; fixed at submission.
DO $$
DECLARE
    f fx;
    app uuid;
BEGIN
    SELECT * INTO f FROM fx;
    app := t.draft(f.org, f.maker);
    PERFORM t.accepts('SR-1 declared',
        format($q$INSERT INTO declarations (application_id, requirement_id, description) VALUES (%L, 'SR-1', 'Login required')$q$, app));
    PERFORM t.accepts('SR-2 declared with a measure',
        format($q$INSERT INTO declarations VALUES (%L, 'SR-2', 'unique_per_device', 'Label password')$q$, app));
    PERFORM t.rejects('SR-2 with an unknown measure',
        format($q$UPDATE declarations SET measure = 'strong_password' WHERE application_id = %L AND requirement_id = 'SR-2'$q$, app),
        'declarations_measure_in_rule_set');
    PERFORM t.rejects('measure on a requirement without measures',
        format($q$UPDATE declarations SET measure = 'prompt_change' WHERE application_id = %L AND requirement_id = 'SR-1'$q$, app),
        'declarations_measure_in_rule_set');
    PERFORM t.rejects('unknown requirement',
        format($q$INSERT INTO declarations (application_id, requirement_id, description) VALUES (%L, 'SR-9', 'x')$q$, app),
        'declarations_requirement_in_rule_set');
    PERFORM t.rejects('equivalence is not declared as a requirement',
        format($q$INSERT INTO declarations (application_id, requirement_id, description) VALUES (%L, 'EQ', 'x')$q$, app),
        'declarations_requirement_in_rule_set');
    PERFORM t.rejects('malformed requirement id',
        format($q$INSERT INTO declarations (application_id, requirement_id, description) VALUES (%L, 'sr1', 'x')$q$, app),
        'declarations_requirement_in_rule_set');
    -- SR-2 without a measure is fine in a draft but not once the rule set is fixed.
    UPDATE declarations SET measure = NULL WHERE application_id = app AND requirement_id = 'SR-2';
    PERFORM t.rejects('SR-2 without measure at submission',
        t.submit_sql(app, DATE '2021-06-01', '2020-04'), 'declarations_measure_required');
    PERFORM t.rejects('security declarations under the pre-2020 rules',
        t.submit_sql(app, DATE '2019-06-01', 'pre-2020'), 'declarations_requirement_in_rule_set');
    UPDATE declarations SET measure = 'prompt_change' WHERE application_id = app AND requirement_id = 'SR-2';
    PERFORM t.accepts('submitted with declarations', t.submit_sql(app, DATE '2021-06-01', '2020-04'));
    PERFORM t.rejects('declaration changed after submission',
        format($q$UPDATE declarations SET description = 'changed' WHERE application_id = %L AND requirement_id = 'SR-1'$q$, app),
        'declarations_draft_only');
    PERFORM t.rejects('declaration added after submission',
        format($q$INSERT INTO declarations (application_id, requirement_id, description) VALUES (%L, 'SR-3', 'x')$q$, app),
        'declarations_draft_only');
    PERFORM t.rejects('declaration removed after submission',
        format($q$DELETE FROM declarations WHERE application_id = %L$q$, app), 'declarations_draft_only');
END $$;

-- Status history: transitions from the table, append-only.
DO $$
DECLARE
    f fx;
    app uuid;
BEGIN
    SELECT * INTO f FROM fx;
    app := t.draft(f.org, f.maker);
    PERFORM t.accepts('creation event',
        format($q$INSERT INTO application_events (application_id, to_status, actor_id) VALUES (%L, 'draft', %L)$q$, app, f.maker));
    PERFORM t.accepts('submission event',
        format($q$INSERT INTO application_events (application_id, from_status, to_status, actor_id) VALUES (%L, 'draft', 'submitted', %L)$q$, app, f.maker));
    PERFORM t.rejects('event without origin that is not a creation',
        format($q$INSERT INTO application_events (application_id, to_status) VALUES (%L, 'submitted')$q$, app),
        'application_events_creation');
    PERFORM t.rejects('event for a transition that does not exist',
        format($q$INSERT INTO application_events (application_id, from_status, to_status) VALUES (%L, 'draft', 'granted')$q$, app),
        'application_events_transition');
    PERFORM t.rejects('event edited',
        format($q$UPDATE application_events SET reason = 'rewritten' WHERE application_id = %L$q$, app),
        'application_events_append_only');
    PERFORM t.rejects('event deleted',
        format($q$DELETE FROM application_events WHERE application_id = %L$q$, app), 'application_events_append_only');
    PERFORM t.rejects('history truncated', 'TRUNCATE application_events CASCADE', 'application_events_append_only');
END $$;

ROLLBACK;
