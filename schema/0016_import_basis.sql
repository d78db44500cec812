-- 0016 what an imported certificate claims (issue 15, item 7).
--
-- An imported certificate was examined elsewhere: unless the file says how its security
-- requirements were met, its basis is `unstated`, never `tested`. Only an import may be
-- `unstated`; a certificate issued here always carries the basis its examination decided.
ALTER TABLE certificates DROP CONSTRAINT certificates_basis_check;
ALTER TABLE certificates
    ADD CONSTRAINT certificates_basis_check
        CHECK (basis IN ('tested', 'cc_equivalence', 'not_applicable', 'unstated')),
    ADD CONSTRAINT certificates_unstated_only_imported
        CHECK (basis <> 'unstated' OR application_id IS NULL);

-- Art. 34-10 covers the data-transmission terminals of 専用通信回線設備等端末; its proviso
-- (ただし書) exempts equipment whose user can take security measures at will with arbitrary
-- software (PCs, smartphones), and an analog telephone terminal is outside the article. A
-- certificate of such a category has nothing to be grandfathered from.
ALTER TABLE device_categories
    ADD COLUMN security_applicable boolean NOT NULL DEFAULT true;
UPDATE device_categories SET security_applicable = false
 WHERE id IN ('telephone', 'pc', 'smartphone');

CREATE FUNCTION gk_certificates_grandfathered_applicable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.grandfathered
       AND NOT (SELECT security_applicable FROM device_categories WHERE id = NEW.category_id) THEN
        PERFORM gk_reject('certificates_grandfathered_applicable',
                          'only a category Art. 34-10 can cover is grandfathered', NEW.category_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER certificates_grandfathered_applicable BEFORE INSERT ON certificates
    FOR EACH ROW EXECUTE FUNCTION gk_certificates_grandfathered_applicable();
