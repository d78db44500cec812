-- 0012 the law read closer (issue 15): equipment outside certification is closed with no
-- certificate, and `not_applicable` is a verdict only on a conditional requirement.
--
-- Report (4): equipment that is never connected directly is outside certification: the case
-- ends as `closed_not_required` after the four-eyes review of a `not_required` proposal.
ALTER TABLE application_transitions
    DROP CONSTRAINT application_transitions_status_check,
    ADD CONSTRAINT application_transitions_status_check CHECK (
        from_status IN ('draft', 'submitted', 'in_review', 'info_requested', 'proposed')
        AND to_status IN ('submitted', 'in_review', 'info_requested', 'proposed',
                          'granted', 'rejected', 'withdrawn', 'closed_not_required'));
INSERT INTO application_transitions (from_status, to_status) VALUES
    ('proposed', 'closed_not_required');

ALTER TABLE applications
    DROP CONSTRAINT applications_status_check,
    ADD CONSTRAINT applications_status_check CHECK (status IN (
        'draft', 'submitted', 'in_review', 'info_requested', 'proposed',
        'granted', 'rejected', 'withdrawn', 'closed_not_required')),
    DROP CONSTRAINT applications_examiner_when_examined,
    ADD CONSTRAINT applications_examiner_when_examined CHECK (
        status NOT IN ('in_review', 'info_requested', 'proposed', 'granted', 'rejected',
                       'closed_not_required')
        OR assigned_examiner_id IS NOT NULL);

ALTER TABLE proposals
    DROP CONSTRAINT proposals_decision_check,
    ADD CONSTRAINT proposals_decision_check CHECK (decision IN ('grant', 'reject', 'not_required'));

-- A grant is never proposed for equipment outside certification, and `not_required` only
-- for it (the service checks first: reaching this is a bug).
CREATE FUNCTION gk_proposals_fit_determination() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    outcome text;
BEGIN
    SELECT determination ->> 'outcome' INTO outcome FROM applications WHERE id = NEW.application_id;
    IF (NEW.decision = 'grant' AND outcome = 'not_subject')
       OR (NEW.decision = 'not_required' AND outcome IS DISTINCT FROM 'not_subject') THEN
        PERFORM gk_reject('proposals_decision_fits_determination',
                          'the decision does not fit the determination',
                          format('%s for %s', NEW.decision, outcome));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER proposals_fit_determination BEFORE INSERT ON proposals
    FOR EACH ROW EXECUTE FUNCTION gk_proposals_fit_determination();

-- Report (3) table: SR-2 applies "where access control uses identification codes"; SR-1, SR-3
-- and SR-4 are mandatory. A conditional requirement may be judged not applicable (with its
-- reason); no other may.
ALTER TABLE requirements ADD COLUMN conditional boolean NOT NULL DEFAULT false;
UPDATE requirements SET conditional = true WHERE rule_set_id = '2020-04' AND id = 'SR-2';

CREATE FUNCTION gk_verdicts_conditional_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.verdict = 'not_applicable' AND NOT EXISTS (
           SELECT 1 FROM requirements r JOIN applications a ON a.rule_set_id = r.rule_set_id
           WHERE a.id = NEW.application_id AND r.id = NEW.requirement_id AND r.conditional) THEN
        PERFORM gk_reject('verdicts_not_applicable_conditional',
                          'not_applicable is a verdict only on a conditional requirement',
                          NEW.requirement_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER verdicts_conditional_guard BEFORE INSERT OR UPDATE ON verdicts
    FOR EACH ROW EXECUTE FUNCTION gk_verdicts_conditional_guard();
