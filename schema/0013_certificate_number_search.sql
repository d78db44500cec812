-- 0013 search by certificate number (issue 15): `q` also matches a number or its prefix,
-- typed with or without the hyphen ("D26-0001001", "D260001"). The expression must be
-- written exactly like this in queries for the index to apply (server/db/certificate_search.c).
CREATE INDEX certificates_number_compact_idx ON certificates ((replace(number, '-', '')) text_pattern_ops);
