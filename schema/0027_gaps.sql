-- Issue 16, the gaps: a foreign maker's agent in Japan and its power of attorney (委任状) are
-- recorded on the APPLICATION. The agent (organisation name, address in Japan, contact) is
-- part of the filing, fixed at submission like what was examined; an application that names
-- an agent is submitted only with a document of the new kind `power_of_attorney`
-- (service/applications.c, domain/documents.c: the kinds there are these, in this order,
-- checked by tests/unit/test_domain_documents.c).

ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN (
    'outline', 'test_report', 'external_view', 'connection_diagram', 'block_diagram',
    'manual', 'conformity_method', 'cc_certificate', 'evidence', 'other',
    'power_of_attorney'));

ALTER TABLE applications
    ADD COLUMN agent_name     gk_label,
    ADD COLUMN agent_address  gk_label,
    ADD COLUMN agent_contact  gk_label,
    -- an agent is named with its address, or not at all
    ADD CONSTRAINT applications_agent_complete CHECK (
        (agent_name IS NULL) = (agent_address IS NULL)
        AND (agent_contact IS NULL OR agent_name IS NOT NULL));

-- What was examined, the change and the agent are fixed at submission.
CREATE OR REPLACE FUNCTION gk_applications_examined_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
           NEW.hardware_version, NEW.firmware_versions, NEW.update_method,
           NEW.security_support_until, NEW.kind, NEW.certificate_number, NEW.change_summary,
           NEW.added_model_name, NEW.affected_requirements, NEW.new_holder,
           NEW.agent_name, NEW.agent_address, NEW.agent_contact)
       IS DISTINCT FROM (
           OLD.hardware_version, OLD.firmware_versions, OLD.update_method,
           OLD.security_support_until, OLD.kind, OLD.certificate_number, OLD.change_summary,
           OLD.added_model_name, OLD.affected_requirements, OLD.new_holder,
           OLD.agent_name, OLD.agent_address, OLD.agent_contact) THEN
        PERFORM gk_reject('applications_frozen_after_submit',
                          'what was examined, the change and the agent are fixed at submission');
    END IF;
    RETURN NEW;
END $$;
