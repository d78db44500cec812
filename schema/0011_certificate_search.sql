-- 0011 certificate search: the indexes behind the regulator's lists (api.md "Certificates
-- (regulator, public)"): full-text search on maker and model in Japanese and Latin text,
-- keyset pagination in either order, and the change feed.
--
-- Full text is pg_trgm (contrib, shipped with Debian's postgresql-15): trigrams need no
-- word segmentation, so 「東京電機」 and "Acme R-100" are searched the same way, with ILIKE
-- '%q%' (case-insensitive substring). The server escapes % _ \ in q. Queries under three
-- characters extract no trigram and fall back to a scan (still fast at 100,000 rows).
-- This is the one extension the schema uses (schema/README.md says "no extensions": the
-- lead allowed pg_trgm for search; it is part of PostgreSQL itself, not a download).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- `q` matches maker, model and type as one text, so "Acme R-100" finds maker Acme with model
-- R-100. The expression must be written exactly like this in queries for the index to apply
-- (server/db/certificate_search.c builds it).
CREATE INDEX certificates_text_trgm_idx ON certificates USING gin (
    (manufacturer::text || ' ' || model_name::text || ' ' || coalesce(type_name::text, '')) gin_trgm_ops);
-- The `manufacturer` filter (substring, case-insensitive).
CREATE INDEX certificates_manufacturer_trgm_idx ON certificates USING gin ((manufacturer::text) gin_trgm_ops);
-- ANALYZE keeps statistics of index expressions; with the default target (100) the planner
-- misjudges how rare a pattern is and walks the grant-date index through most of the table
-- for a moderately rare q (90 ms at 100,000 rows instead of 1 ms). 1000 makes the estimate
-- close enough that it picks the trigram bitmap for rare text and the index walk for common.
ALTER INDEX certificates_text_trgm_idx ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX certificates_manufacturer_trgm_idx ALTER COLUMN 1 SET STATISTICS 1000;

-- Keyset pagination: (granted_on, number) is certificates_granted_idx (0009), the number order
-- is the primary key; both serve ascending and descending scans. The common equality
-- filters get the sort keys appended so a filtered page is one index range scan.
CREATE INDEX certificates_status_granted_idx ON certificates (status, granted_on, number);
CREATE INDEX certificates_category_granted_idx ON certificates (category_id, granted_on, number);
CREATE INDEX certificates_basis_granted_idx ON certificates (basis, granted_on, number);

-- The feed reads certificate_events newest first by (at, id): certificate_events_at_idx (0009).
