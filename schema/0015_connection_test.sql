-- 0015 the report's two-part direct-connection test (issue 15, item 2).
--
-- Report l. 511-515: certification covers equipment "physically and technically" connectable
-- directly to a carrier's line facility, except equipment constantly connected through
-- certified equipment and not at all expected to be used connected directly (taken outdoors,
-- e.g.; the example: large white goods). Two facts record the two parts; the older
-- `directly_connectable` stays as their conclusion (connectable AND NOT always_via, derived by
-- the service when both are answered) or as the shorthand answer of older filings, which
-- leave the parts NULL.
ALTER TABLE applications
    ADD COLUMN connectable_to_carrier_line    boolean,
    ADD COLUMN always_via_certified_equipment boolean,
    ADD CONSTRAINT applications_connection_parts_consistent CHECK (
        connectable_to_carrier_line IS NULL OR always_via_certified_equipment IS NULL
        OR directly_connectable IS NULL
        OR directly_connectable = (connectable_to_carrier_line AND NOT always_via_certified_equipment));

-- The parts are fixed at submission like the other facts (0006's trigger lists the columns it
-- knew; this one adds the two new ones under the same constraint name).
CREATE FUNCTION applications_connection_parts_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (NEW.connectable_to_carrier_line, NEW.always_via_certified_equipment)
            IS DISTINCT FROM (OLD.connectable_to_carrier_line, OLD.always_via_certified_equipment) THEN
        PERFORM gk_reject('applications_frozen_after_submit',
                          'the device, facts, filing date, rule set and determination are fixed at submission');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER applications_connection_parts_frozen BEFORE UPDATE ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_connection_parts_frozen();
