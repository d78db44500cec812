-- Common Criteria registry: natural key, maintenance updates, validity on a date.
BEGIN;
\ir lib/helpers.sql

CREATE FUNCTION t.cc_sql(name text DEFAULT 'NetOS 5', certified date DEFAULT DATE '2021-03-04',
                         scheme text DEFAULT 'JP', valid_until date DEFAULT DATE '2026-03-04',
                         status text DEFAULT 'active', report_url text DEFAULT 'https://www.commoncriteriaportal.org/files/epfiles/r.pdf')
RETURNS text LANGUAGE sql AS $$
    SELECT format($q$INSERT INTO cc_certificates (name, manufacturer, category, scheme, assurance_level, protection_profiles,
                                                  certified_on, valid_until, status, report_url, source_row_hash)
                     VALUES (%L, 'Example Networks', 'Network and Network-Related Devices and Systems', %L, 'EAL2+ ALC_FLR.2',
                             ARRAY['collaborative Protection Profile for Network Devices'], %L, %L, %L, %L, t.h(%L))$q$,
                  name, scheme, certified, valid_until, status, report_url, name || certified || scheme)
$$;

SELECT t.accepts('CC certificate', t.cc_sql());
SELECT t.rejects('same product, maker, date and scheme', t.cc_sql(), 'cc_certificates_natural_key');
SELECT t.accepts('same product certified again later', t.cc_sql(certified => DATE '2023-03-04', valid_until => DATE '2028-03-04'));
SELECT t.accepts('same product by another scheme', t.cc_sql(scheme => 'DE'));
SELECT t.rejects('scheme not a country code', t.cc_sql(name => 'X', scheme => 'Japan'), 'cc_certificates_scheme_format');
SELECT t.rejects('unknown status', t.cc_sql(name => 'X', status => 'expired'), 'cc_certificates_status_check');
SELECT t.rejects('valid until before certified', t.cc_sql(name => 'X', valid_until => DATE '2020-01-01'),
                 'cc_certificates_valid_after_certified');
SELECT t.rejects('report URL not http(s)', t.cc_sql(name => 'X', report_url => 'javascript:alert(1)'),
                 'cc_certificates_report_url_format');
SELECT t.rejects('NULL protection profile',
    $q$UPDATE cc_certificates SET protection_profiles = ARRAY[NULL::text] WHERE name = 'NetOS 5'$q$, 'cc_certificates_pp_no_nulls');

CREATE TEMP TABLE c AS SELECT id FROM cc_certificates WHERE name = 'NetOS 5' AND scheme = 'JP' AND certified_on = DATE '2021-03-04';
SELECT t.accepts('maintenance update',
    (SELECT format($q$INSERT INTO cc_maintenance_updates (cc_certificate_id, maintained_on, title) VALUES (%L, DATE '2022-01-05', 'NetOS 5.1')$q$, id) FROM c));
SELECT t.rejects('maintenance update imported twice',
    (SELECT format($q$INSERT INTO cc_maintenance_updates (cc_certificate_id, maintained_on, title) VALUES (%L, DATE '2022-01-05', 'NetOS 5.1')$q$, id) FROM c),
    'cc_maintenance_updates_natural_key');

DO $$
DECLARE
    r record;
    cc cc_certificates;
BEGIN
    SELECT * INTO cc FROM cc_certificates WHERE id = (SELECT id FROM c);
    FOR r IN SELECT * FROM (VALUES
            (DATE '2021-03-03', false),
            (DATE '2021-03-04', true),
            (DATE '2026-03-04', true),
            (DATE '2026-03-05', false)) AS v(d, want) LOOP
        PERFORM t.assert_eq(gk_cc_valid_on(cc, r.d), r.want, 'valid on ' || r.d);
    END LOOP;
    cc.status := 'archived';
    PERFORM t.assert_eq(gk_cc_valid_on(cc, DATE '2022-01-01'), false, 'archived is never valid');
END $$;

ROLLBACK;
