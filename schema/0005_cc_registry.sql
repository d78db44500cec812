-- 0005 Common Criteria registry, imported from the CC Portal certified-products CSV.

CREATE TABLE cc_certificates (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                gk_prose NOT NULL,     -- HTML entities already decoded by the importer
    manufacturer        gk_prose NOT NULL,
    category            gk_label NOT NULL,
    scheme              text NOT NULL
        CONSTRAINT cc_certificates_scheme_format CHECK (scheme ~ '^[A-Z]{2,3}$'),
    assurance_level     text,                  -- e.g. EAL2+, EAL4+ ALC_FLR.2; NULL when none
    protection_profiles text[] NOT NULL DEFAULT '{}'
        CONSTRAINT cc_certificates_pp_no_nulls CHECK (array_position(protection_profiles, NULL) IS NULL),
    certified_on        date NOT NULL,
    -- The CSV's "Archived Date": the validity end in the active list, the archiving date in
    -- the archived list.
    valid_until         date,
    status              text NOT NULL
        CONSTRAINT cc_certificates_status_check CHECK (status IN ('active', 'archived')),
    report_url          text CONSTRAINT cc_certificates_report_url_format CHECK (report_url ~ '^https?://'),
    st_url              text CONSTRAINT cc_certificates_st_url_format CHECK (st_url ~ '^https?://'),
    -- SHA-256 of the normalised base row: a re-import of an unchanged row changes nothing.
    source_row_hash     gk_sha256 NOT NULL,
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cc_certificates_valid_after_certified CHECK (valid_until >= certified_on),
    -- What identifies a CC Portal row: the same product name by the same maker certified on
    -- the same day by the same scheme is the same certificate (maintenance updates repeat it).
    CONSTRAINT cc_certificates_natural_key UNIQUE (name, manufacturer, certified_on, scheme)
);
CREATE INDEX cc_certificates_manufacturer_idx ON cc_certificates (lower(manufacturer));
CREATE INDEX cc_certificates_status_valid_idx ON cc_certificates (status, valid_until);

-- Is the certificate usable for equivalence on a date? (not archived, not past its end)
CREATE FUNCTION gk_cc_valid_on(c cc_certificates, on_date date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT c.status = 'active' AND c.certified_on <= on_date
           AND (c.valid_until IS NULL OR c.valid_until >= on_date)
$$;

CREATE TABLE cc_maintenance_updates (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cc_certificate_id uuid NOT NULL REFERENCES cc_certificates (id) ON DELETE CASCADE,
    maintained_on     date NOT NULL,
    title             gk_prose NOT NULL,
    report_url        text CONSTRAINT cc_maintenance_updates_report_url_format CHECK (report_url ~ '^https?://'),
    st_url            text CONSTRAINT cc_maintenance_updates_st_url_format CHECK (st_url ~ '^https?://'),
    CONSTRAINT cc_maintenance_updates_natural_key UNIQUE (cc_certificate_id, maintained_on, title)
);
