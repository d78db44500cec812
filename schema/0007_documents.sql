-- 0007 documents: uploaded files, stored in PostgreSQL as ordered chunks.
--
-- Upload protocol (one transaction): pick the document id (gen_random_uuid() or client-side),
-- INSERT the chunks (seq 0, 1, 2 ...) as the body streams, then INSERT the documents row with
-- the final size and SHA-256. The chunk -> document foreign key is deferred so this order
-- works; at COMMIT a deferred check verifies the chunks are contiguous and add up to `size`.
-- Inserting the documents row first and the chunks after works too.
--
-- Locking: a document is editable only while its application is a draft. Submission locks
-- every document of the application; a document uploaded later (an answer to an information
-- request, examiner's evidence) is locked at once. A locked document is never deleted, its
-- content and metadata never change; only its confidentiality may be changed (e.g. lifted).

CREATE TABLE documents (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id     uuid NOT NULL REFERENCES applications (id),
    kind               text NOT NULL
        CONSTRAINT documents_kind_check CHECK (kind IN (
            'outline', 'test_report', 'external_view', 'connection_diagram', 'block_diagram',
            'manual', 'conformity_method', 'cc_certificate', 'evidence', 'other')),
    filename           gk_label NOT NULL
        CONSTRAINT documents_filename_format CHECK (
            char_length(filename) <= 255 AND filename !~ '[/\\]' AND filename NOT IN ('.', '..')),
    content_type       text NOT NULL
        CONSTRAINT documents_content_type_format CHECK (
            char_length(content_type) <= 255
            AND content_type ~ '^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*( *;[ -~]*)?$'),
    size               bigint NOT NULL CONSTRAINT documents_size_check CHECK (size >= 0),
    sha256             gk_sha256 NOT NULL,
    -- public | confidential_until (with the date) | confidential
    confidentiality    text NOT NULL
        CONSTRAINT documents_confidentiality_check CHECK (
            confidentiality IN ('public', 'confidential_until', 'confidential')),
    confidential_until date,
    uploaded_by        uuid NOT NULL REFERENCES users (id),
    uploaded_at        timestamptz NOT NULL DEFAULT now(),
    locked_at          timestamptz,
    CONSTRAINT documents_confidential_until_consistent CHECK (
        (confidentiality = 'confidential_until') = (confidential_until IS NOT NULL)),
    CONSTRAINT documents_locked_after_upload CHECK (locked_at >= uploaded_at),
    -- Targets of composite foreign keys: attachments stay within one application, and
    -- evidence copies the digest it saw.
    CONSTRAINT documents_id_application_key UNIQUE (id, application_id),
    CONSTRAINT documents_id_application_sha256_key UNIQUE (id, application_id, sha256)
);
CREATE INDEX documents_application_idx ON documents (application_id, uploaded_at, id);

CREATE TABLE document_chunks (
    document_id uuid NOT NULL
        REFERENCES documents (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    seq         integer NOT NULL CONSTRAINT document_chunks_seq_check CHECK (seq >= 0),
    data        bytea NOT NULL
        CONSTRAINT document_chunks_data_length CHECK (octet_length(data) BETWEEN 1 AND 16777216),
    PRIMARY KEY (document_id, seq)
);

CREATE FUNCTION gk_documents_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a applications;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.locked_at IS NOT NULL THEN
            PERFORM gk_reject('documents_locked', 'a locked document is never deleted', OLD.id::text);
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT * INTO a FROM applications WHERE id = NEW.application_id;
        IF FOUND THEN
            IF a.status IN ('granted', 'rejected', 'withdrawn') THEN
                PERFORM gk_reject('documents_application_closed',
                                  'no uploads to a decided or withdrawn application', a.status);
            END IF;
            IF a.status <> 'draft' THEN
                NEW.locked_at := now();
            END IF;
            PERFORM gk_require_same_organization_or_examiner(NEW.uploaded_by, a.organization_id,
                                                             'documents_uploader');
        END IF;
        RETURN NEW;
    END IF;
    -- UPDATE
    IF (NEW.id, NEW.application_id, NEW.size, NEW.sha256, NEW.uploaded_by, NEW.uploaded_at)
       IS DISTINCT FROM (OLD.id, OLD.application_id, OLD.size, OLD.sha256, OLD.uploaded_by, OLD.uploaded_at) THEN
        PERFORM gk_reject('documents_content_immutable',
                          'a document''s content, owner and upload never change', OLD.id::text);
    END IF;
    IF OLD.locked_at IS NOT NULL AND (
           NEW.locked_at IS DISTINCT FROM OLD.locked_at
           OR (NEW.kind, NEW.filename, NEW.content_type) IS DISTINCT FROM (OLD.kind, OLD.filename, OLD.content_type)) THEN
        PERFORM gk_reject('documents_locked',
                          'a locked document changes only its confidentiality', OLD.id::text);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER documents_guard BEFORE INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION gk_documents_guard();

-- Chunks are written once, only into an unlocked document.
CREATE FUNCTION gk_document_chunks_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM gk_reject('document_chunks_immutable', 'document chunks are never rewritten');
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM documents WHERE id = NEW.document_id AND locked_at IS NOT NULL) THEN
            PERFORM gk_reject('documents_locked', 'a locked document gets no new chunks', NEW.document_id::text);
        END IF;
        RETURN NEW;
    END IF;
    -- DELETE: only while the document is unlocked (or being deleted itself).
    IF EXISTS (SELECT 1 FROM documents WHERE id = OLD.document_id AND locked_at IS NOT NULL) THEN
        PERFORM gk_reject('documents_locked', 'a locked document keeps its chunks', OLD.document_id::text);
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER document_chunks_guard BEFORE INSERT OR UPDATE OR DELETE ON document_chunks
    FOR EACH ROW EXECUTE FUNCTION gk_document_chunks_guard();
CREATE TRIGGER document_chunks_no_truncate BEFORE TRUNCATE ON document_chunks
    FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change('document_chunks_immutable');

-- At COMMIT: the chunks of a document are 0..n-1 without gaps and hold exactly `size` bytes.
CREATE FUNCTION gk_check_document_chunks(doc_id uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d documents;
    n bigint;
    max_seq integer;
    total numeric;
BEGIN
    SELECT * INTO d FROM documents WHERE id = doc_id;
    IF NOT FOUND THEN
        RETURN;   -- deleted (its chunks went with it) or never inserted (the FK reports that)
    END IF;
    SELECT count(*), max(seq), coalesce(sum(octet_length(data)), 0)
      INTO n, max_seq, total
      FROM document_chunks WHERE document_id = doc_id;
    IF n <> coalesce(max_seq + 1, 0) OR total <> d.size THEN
        PERFORM gk_reject('documents_chunks_complete',
                          'the document''s chunks are not contiguous or do not add up to its size',
                          format('document %s: %s chunks, last seq %s, %s bytes, size %s',
                                 doc_id, n, max_seq, total, d.size));
    END IF;
END $$;

CREATE FUNCTION gk_documents_check_chunks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gk_check_document_chunks(NEW.id);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER documents_chunks_complete AFTER INSERT ON documents
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION gk_documents_check_chunks();

-- Per chunk, only the last chunk of a document runs the full check (cheap for many chunks);
-- a deleted chunk re-checks what is left.
CREATE FUNCTION gk_document_chunks_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    doc uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.document_id ELSE NEW.document_id END;
BEGIN
    IF TG_OP = 'DELETE'
       OR NEW.seq = (SELECT max(seq) FROM document_chunks WHERE document_id = doc) THEN
        PERFORM gk_check_document_chunks(doc);
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER document_chunks_complete AFTER INSERT OR DELETE ON document_chunks
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION gk_document_chunks_check();

-- Submission locks the application's documents.
CREATE FUNCTION gk_applications_lock_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents SET locked_at = now() WHERE application_id = NEW.id AND locked_at IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER applications_lock_documents AFTER UPDATE OF status ON applications
    FOR EACH ROW WHEN (OLD.status = 'draft' AND NEW.status = 'submitted')
    EXECUTE FUNCTION gk_applications_lock_documents();
