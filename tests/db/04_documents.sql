-- Documents: metadata constraints, confidentiality, chunk completeness (checked at COMMIT),
-- locking on submission.
BEGIN;
\ir lib/helpers.sql

CREATE TEMP TABLE fx AS
SELECT o.org, t.user('manufacturer', o.org) AS maker, t.user('manufacturer', t.org('Other')) AS stranger,
       t.user('examiner') AS examiner, t.user('regulator') AS regulator
  FROM (SELECT t.org('A') AS org) o;
ALTER TABLE fx ADD COLUMN app uuid;
UPDATE fx SET app = t.draft(org, maker);

-- (before any chunk is written: TRUNCATE with pending deferred checks fails differently)
SELECT t.rejects('chunks truncated', 'TRUNCATE document_chunks', 'document_chunks_immutable');

-- Upload `content` in chunks of `chunk` bytes, chunks first (as a stream), then the row.
CREATE FUNCTION t.doc(app uuid, uploader uuid, content bytea, chunk integer DEFAULT 4,
                      confidentiality text DEFAULT 'public', until date DEFAULT NULL) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    id uuid := gen_random_uuid();
    i integer := 0;
BEGIN
    WHILE i * chunk < octet_length(content) LOOP
        INSERT INTO document_chunks (document_id, seq, data) VALUES (id, i, substring(content FROM i * chunk + 1 FOR chunk));
        i := i + 1;
    END LOOP;
    INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256,
                           confidentiality, confidential_until, uploaded_by)
    VALUES (id, app, 'manual', 'manual.pdf', 'application/pdf', octet_length(content), sha256(content),
            confidentiality, until, uploader);
    RETURN id;
END $$;

CREATE FUNCTION t.doc_sql(kind text DEFAULT 'manual', filename text DEFAULT 'a.pdf',
                          content_type text DEFAULT 'application/pdf', confidentiality text DEFAULT 'public',
                          until date DEFAULT NULL, uploader uuid DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT format($q$INSERT INTO documents (application_id, kind, filename, content_type, size, sha256,
                                            confidentiality, confidential_until, uploaded_by)
                     VALUES (%L, %L, %L, %L, 0, t.h('empty'), %L, %L, %L)$q$,
                  app, kind, filename, content_type, confidentiality, until, coalesce(uploader, maker))
      FROM fx
$$;

-- Confidentiality and its date go together.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES
            ('public',             NULL::date,        NULL),
            ('public',             DATE '2030-01-01', 'documents_confidential_until_consistent'),
            ('confidential',       NULL,              NULL),
            ('confidential',       DATE '2030-01-01', 'documents_confidential_until_consistent'),
            ('confidential_until', DATE '2030-01-01', NULL),
            ('confidential_until', NULL,              'documents_confidential_until_consistent'),
            ('secret',             NULL,              'documents_confidentiality_check')) AS v(conf, until, want) LOOP
        IF c.want IS NULL THEN
            PERFORM t.accepts_then_undo(format('%s until %s', c.conf, c.until),
                                        t.doc_sql(confidentiality => c.conf, until => c.until));
        ELSE
            PERFORM t.rejects(format('%s until %s', c.conf, c.until),
                              t.doc_sql(confidentiality => c.conf, until => c.until), c.want);
        END IF;
    END LOOP;
END $$;

-- Kind, file name and content type.
SELECT t.rejects('unknown kind', t.doc_sql(kind => 'photo'), 'documents_kind_check');
SELECT t.accepts_then_undo('every kind of api.md',
    (SELECT string_agg(t.doc_sql(kind => k), '; ') FROM unnest(ARRAY['outline', 'test_report', 'external_view',
        'connection_diagram', 'block_diagram', 'manual', 'conformity_method', 'cc_certificate', 'evidence', 'other',
        'power_of_attorney']) k));
SELECT t.rejects('file name with a path', t.doc_sql(filename => '../etc/passwd'), 'documents_filename_format');
SELECT t.rejects('file name with a backslash', t.doc_sql(filename => 'C:\x.pdf'), 'documents_filename_format');
SELECT t.rejects('file name with a newline', t.doc_sql(filename => E'a\n.pdf'), 'gk_label_format');
SELECT t.rejects('content type with a newline', t.doc_sql(content_type => E'text/plain\r\nX: y'), 'documents_content_type_format');
SELECT t.rejects('content type without subtype', t.doc_sql(content_type => 'pdf'), 'documents_content_type_format');
SELECT t.accepts_then_undo('content type with parameters', t.doc_sql(content_type => 'text/plain; charset=utf-8'));
SELECT t.rejects('uploaded by another organisation', (SELECT t.doc_sql(uploader => stranger) FROM fx), 'documents_uploader');
SELECT t.rejects('uploaded by a regulator', (SELECT t.doc_sql(uploader => regulator) FROM fx), 'documents_uploader');
SELECT t.accepts_then_undo('uploaded by an examiner', (SELECT t.doc_sql(uploader => examiner) FROM fx));
SELECT t.rejects('digest of the wrong length',
    (SELECT format($q$INSERT INTO documents (application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by)
                      VALUES (%L, 'manual', 'a.pdf', 'application/pdf', 0, '\x00', 'public', %L)$q$, app, maker) FROM fx),
    'gk_sha256_length');

-- Chunks: contiguous and adding up to the size, checked at COMMIT (forced here).
SELECT t.accepts_then_undo('chunks first, then the row',
    (SELECT format($q$SELECT t.doc(%L, %L, convert_to('hello, world', 'UTF8'), 5); SET CONSTRAINTS ALL IMMEDIATE$q$, app, maker) FROM fx));
SELECT t.accepts_then_undo('empty file has no chunks',
    (SELECT format($q$SELECT t.doc(%L, %L, ''::bytea); SET CONSTRAINTS ALL IMMEDIATE$q$, app, maker) FROM fx));
SELECT t.accepts_then_undo('row first, then the chunks',
    (SELECT format($q$INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by)
                      VALUES ('00000000-0000-4000-8000-000000000001', %L, 'manual', 'a.txt', 'text/plain', 3, sha256('abc'), 'public', %L);
                      INSERT INTO document_chunks VALUES ('00000000-0000-4000-8000-000000000001', 0, 'ab'),
                                                         ('00000000-0000-4000-8000-000000000001', 1, 'c');
                      SET CONSTRAINTS ALL IMMEDIATE$q$, app, maker) FROM fx));
SELECT t.rejects('size does not match the chunks',
    (SELECT format($q$INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by)
                      VALUES ('00000000-0000-4000-8000-000000000002', %L, 'manual', 'a.txt', 'text/plain', 4, sha256('abc'), 'public', %L);
                      INSERT INTO document_chunks VALUES ('00000000-0000-4000-8000-000000000002', 0, 'abc');
                      SET CONSTRAINTS ALL IMMEDIATE$q$, app, maker) FROM fx),
    'documents_chunks_complete');
SELECT t.rejects('a chunk is missing',
    (SELECT format($q$INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256, confidentiality, uploaded_by)
                      VALUES ('00000000-0000-4000-8000-000000000003', %L, 'manual', 'a.txt', 'text/plain', 2, sha256('ac'), 'public', %L);
                      INSERT INTO document_chunks VALUES ('00000000-0000-4000-8000-000000000003', 0, 'a'),
                                                         ('00000000-0000-4000-8000-000000000003', 2, 'c');
                      SET CONSTRAINTS ALL IMMEDIATE$q$, app, maker) FROM fx),
    'documents_chunks_complete');
SELECT t.rejects('a document without its row',
    $q$INSERT INTO document_chunks VALUES ('00000000-0000-4000-8000-000000000004', 0, 'a'); SET CONSTRAINTS ALL IMMEDIATE$q$,
    'document_chunks_document_id_fkey');
SELECT t.rejects('empty chunk',
    $q$INSERT INTO document_chunks VALUES ('00000000-0000-4000-8000-000000000005', 0, '')$q$, 'document_chunks_data_length');

-- Locking: editable while a draft, frozen from submission on.
DO $$
DECLARE
    f fx;
    d uuid;
    late uuid;
BEGIN
    SELECT * INTO f FROM fx;
    d := t.doc(f.app, f.maker, convert_to('the manual', 'UTF8'), 4, 'confidential');
    SET CONSTRAINTS ALL IMMEDIATE;
    SET CONSTRAINTS ALL DEFERRED;
    PERFORM t.rejects('chunk rewritten', format($q$UPDATE document_chunks SET data = 'evil' WHERE document_id = %L AND seq = 0$q$, d),
                      'document_chunks_immutable');
    PERFORM t.rejects('digest changed', format($q$UPDATE documents SET sha256 = t.h('x') WHERE id = %L$q$, d),
                      'documents_content_immutable');
    PERFORM t.accepts('renamed while a draft', format($q$UPDATE documents SET filename = 'manual-v2.pdf' WHERE id = %L$q$, d));
    PERFORM t.assert((SELECT locked_at IS NULL FROM documents WHERE id = d), 'unlocked while a draft');

    PERFORM t.submit(f.app);
    PERFORM t.assert((SELECT locked_at IS NOT NULL FROM documents WHERE id = d), 'locked by submission');
    PERFORM t.rejects('locked document deleted', format('DELETE FROM documents WHERE id = %L', d), 'documents_locked');
    PERFORM t.rejects('locked document renamed', format($q$UPDATE documents SET filename = 'x.pdf' WHERE id = %L$q$, d), 'documents_locked');
    PERFORM t.rejects('locked document unlocked', format('UPDATE documents SET locked_at = NULL WHERE id = %L', d), 'documents_locked');
    PERFORM t.rejects('chunk added to a locked document',
                      format($q$INSERT INTO document_chunks VALUES (%L, 99, 'more')$q$, d), 'documents_locked');
    PERFORM t.rejects('chunk removed from a locked document',
                      format('DELETE FROM document_chunks WHERE document_id = %L', d), 'documents_locked');
    PERFORM t.accepts('confidentiality lifted on a locked document',
                      format($q$UPDATE documents SET confidentiality = 'public' WHERE id = %L$q$, d));

    late := t.doc(f.app, f.maker, convert_to('answer', 'UTF8'));
    PERFORM t.assert((SELECT locked_at IS NOT NULL FROM documents WHERE id = late), 'uploaded after submission: locked at once');

    UPDATE applications SET status = 'withdrawn' WHERE id = f.app;
    PERFORM t.rejects('upload to a withdrawn application', t.doc_sql(), 'documents_application_closed');
END $$;

ROLLBACK;
