/* Documents of an application: upload (multipart/form-data streamed into PostgreSQL),
 * list, download.
 *
 * Upload, one transaction on a connection of its own (the worker's connection serves the
 * thread's other requests between our chunks):
 *   first chunk  the case must be visible to the caller and open to uploads (manufacturers:
 *                draft, or info_requested to answer a question; examiners: under
 *                examination); open the dedicated connection, BEGIN, pick the document id;
 *   each chunk   the multipart parser sniffs the file's type from its first bytes, then the
 *                bytes are hashed and written as GK_DOC_CHUNK-sized rows: memory stays at
 *                one chunk whatever the file size;
 *   the end      check the fields, Idempotency-Key, re-check the case under a row lock,
 *                insert the documents row, record the key, COMMIT, answer 201.
 * Over the size cap (413), a refused type (415) or a client that goes away: state_free rolls
 * back and closes the connection, so nothing is stored.
 *
 * The Idempotency-Key hash of an upload covers method, path, kind, confidentiality, file
 * name and the file's SHA-256 (not the raw body: its multipart boundary is random per try). */
#include "http/handlers.h"
#include "crypto/audit_chain.h"
#include "crypto/token.h"
#include "db/applications.h"
#include "db/db.h"
#include "db/tx.h"
#include "db/documents.h"
#include "http/idempotency.h"
#include "http/multipart.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *L(const gk_request *r, const char *en, const char *ja)
{
    return r->lang && !strcmp(r->lang, "ja") ? ja : en;
}

typedef struct {
    gk_request *r;
    PGconn *db;
    bool in_tx;
    gk_multipart mp;
    char app_id[37], doc_id[37];
    char *buf;
    size_t len;
    int seq;
    uint64_t size;
    gk_sha256_ctx sha;
    /* A refusal found while the body streams. libmicrohttpd (0.9.75) cannot queue a reply
     * in the middle of a body, so the rest is read and dropped and the handler answers. */
    gk_error failed;
    const char *failed_field, *failed_detail;
} upload;

static void release(upload *u)
{
    gk_multipart_end(&u->mp);
    gk_sha256_abort(&u->sha);
    if (u->db) {
        if (u->in_tx) {
            PGresult *res = PQexec(u->db, "ROLLBACK");
            if (res) PQclear(res);
        }
        gk_db_close_dedicated(u->db);
        u->db = NULL;
        u->in_tx = false;
    }
    free(u->buf);
    u->buf = NULL;
}

static void upload_free(void *p)
{
    if (!p) return;
    release(p);
    free(p);
}

/* Record the first refusal and let go of the database now (nothing is stored). */
static bool refuse(upload *u, gk_error e, const char *field, const char *detail)
{
    if (u->failed == GK_ERR_OK) {
        u->failed = e;
        u->failed_field = field;
        u->failed_detail = detail;
    }
    release(u);
    return false;
}

static void reply_refusal(gk_request *r, const upload *u)
{
    if (u->failed_field)
        gk_reply_field_error(r, u->failed, u->failed_field, u->failed_detail);
    else
        gk_reply_problem(r, u->failed, u->failed_detail, NULL);
}

static bool flush_chunk(upload *u)
{
    if (!u->len) return true;
    if (gk_db_doc_chunk_put(u->db, u->doc_id, u->seq, u->buf, u->len) != GK_TX_OK) return false;
    u->seq++;
    u->len = 0;
    return true;
}

/* The multipart sink: the file's bytes after the type check. */
static bool sink(void *ctx, const char *data, size_t n)
{
    upload *u = ctx;
    if (!gk_sha256_update(&u->sha, data, n)) return false;
    u->size += n;
    while (n) {
        size_t take = GK_DOC_CHUNK - u->len;
        if (take > n) take = n;
        memcpy(u->buf + u->len, data, take);
        u->len += take;
        data += take;
        n -= take;
        if (u->len == GK_DOC_CHUNK && !flush_chunk(u)) return false;
    }
    return true;
}

/* Which statuses take uploads from this role. */
static bool upload_allowed(const gk_request *r, const char *status)
{
    if (r->user.role == GK_ROLE_MANUFACTURER)
        return !strcmp(status, "draft") || !strcmp(status, "info_requested");
    return !strcmp(status, "in_review") || !strcmp(status, "info_requested");
}

static const gk_stmt stmts[] = {
    {"doc_app_state", "SELECT status FROM applications WHERE id = $1"
                      " AND ($2::uuid IS NULL OR organization_id = $2)"},
    {"doc_app_lock", "SELECT status FROM applications WHERE id = $1 FOR UPDATE"},
};

static void mp_refuse(upload *u)
{
    const gk_multipart *mp = &u->mp;
    gk_error e = mp->error == GK_ERR_OK ? GK_ERR_INTERNAL : mp->error;
    refuse(u, e, e == GK_ERR_INTERNAL ? NULL : mp->error_field, mp->error_message);
}

/* May the caller upload to the application now? GK_ERR_OK, NOT_FOUND (also another
 * organisation's), CONFLICT (*detail says why), UNAVAILABLE or INTERNAL. */
static gk_error check_app(gk_request *r, PGconn *c, const char *stmt, const char *id, bool lock,
                          const char **detail)
{
    *detail = NULL;
    const char *v[] = {id, gk_app_org_filter(r)};
    PGresult *res = c ? gk_db_exec(c, stmt, lock ? 1 : 2, v) : NULL;
    if (gk_tx_check(res, stmt) != GK_TX_OK) {
        if (res) PQclear(res);
        return res ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE;
    }
    gk_error e = GK_ERR_OK;
    if (PQntuples(res) != 1) {
        e = GK_ERR_NOT_FOUND;
    } else if (!upload_allowed(r, PQgetvalue(res, 0, 0))) {
        e = GK_ERR_CONFLICT;
        *detail = L(r, "Documents can be added to a draft, or to answer a request for "
                       "information; submitted documents never change",
                    "文書を追加できるのは下書きの間か、追加情報の依頼に回答するときだけ"
                    "です。提出済みの文書は変更できません");
    }
    PQclear(res);
    return e;
}

/* The first chunk (or the end of an empty body): state, checks, the transaction. Returns
 * NULL only when out of memory (the reply is then built). */
static upload *start_upload(gk_request *r)
{
    upload *u = calloc(1, sizeof *u);
    if (!u) {
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return NULL;
    }
    r->state = u;
    r->state_free = upload_free;
    u->r = r;
    const char *id = r->params[0], *detail;
    if (!gk_db_is_uuid(id)) {
        refuse(u, GK_ERR_NOT_FOUND, NULL, NULL);
        return u;
    }
    gk_error e = check_app(r, gk_db_conn(), "doc_app_state", id, false, &detail);
    /* A retried upload (same Idempotency-Key) of a case submitted since must get its first
     * answer again, which is known only once the body is hashed: read it; the check at the
     * end refuses whatever is not such a replay. */
    if (e == GK_ERR_CONFLICT && gk_req_header(r, "Idempotency-Key")) e = GK_ERR_OK;
    if (e != GK_ERR_OK) {
        refuse(u, e, NULL, detail);
        return u;
    }
    snprintf(u->app_id, sizeof u->app_id, "%s", id);
    u->buf = malloc(GK_DOC_CHUNK);
    if (!u->buf || !gk_sha256_init(&u->sha)) {
        refuse(u, GK_ERR_INTERNAL, NULL, NULL);
        return u;
    }
    if (!gk_multipart_begin(&u->mp, r->conn, "file", sink, u)) {
        mp_refuse(u);
        return u;
    }
    u->db = gk_db_open_dedicated(false);
    if (!u->db) {
        refuse(u, GK_ERR_UNAVAILABLE, NULL, NULL);
        return u;
    }
    PGresult *res = PQexec(u->db, "BEGIN ISOLATION LEVEL READ COMMITTED");
    bool ok = res && gk_db_ok(res);
    if (res) PQclear(res);
    u->in_tx = ok;
    if (!ok || gk_db_doc_new_id(u->db, u->doc_id) != GK_TX_OK)
        refuse(u, GK_ERR_UNAVAILABLE, NULL, NULL);
    return u;
}

bool gk_h_documents_upload_chunk(gk_request *r, const char *data, size_t size)
{
    upload *u = r->state ? r->state : start_upload(r);
    if (!u) return false; /* out of memory: reply built */
    if (u->failed == GK_ERR_OK && !gk_multipart_feed(&u->mp, data, size)) mp_refuse(u);
    return true; /* refusals are answered at the end (see upload.failed) */
}

static const char *const kinds[] = {"outline",         "test_report", "external_view",
                                    "connection_diagram", "block_diagram", "manual",
                                    "conformity_method", "cc_certificate", "evidence",
                                    "other",           NULL};

static bool one_of(const char *v, const char *const *list)
{
    for (size_t i = 0; v && list[i]; i++)
        if (!strcmp(v, list[i])) return true;
    return false;
}

/* "public" | "confidential" | "confidential_until:YYYY-MM-DD" -> class and date. */
static bool parse_confidentiality(const char *v, const char **cls, char date[GK_DATE_BUF])
{
    if (!v) return false;
    if (!strcmp(v, "public") || !strcmp(v, "confidential")) {
        *cls = v;
        return true;
    }
    const char *pre = "confidential_until:";
    gk_date d;
    if (strncmp(v, pre, strlen(pre)) != 0 || !gk_date_parse(v + strlen(pre), &d)) return false;
    *cls = "confidential_until";
    gk_date_format(d, date);
    return true;
}

static void commit_reply(gk_request *r, upload *u)
{
    const char *kind = gk_multipart_field(&u->mp, "kind");
    const char *conf = gk_multipart_field(&u->mp, "confidentiality");
    const char *cls = NULL;
    char until[GK_DATE_BUF] = "";
    json_t *errs = NULL;
    if (!one_of(kind, kinds))
        gk_field_error_add(&errs, "kind",
                           kind ? L(r, "Unknown kind of document", "不明な文書の種類です")
                                : L(r, "This field is required", "この項目は必須です"));
    if (!parse_confidentiality(conf, &cls, until))
        gk_field_error_add(&errs, "confidentiality",
                           L(r, "public, confidential or confidential_until:YYYY-MM-DD",
                             "public・confidential・confidential_until:YYYY-MM-DD のいずれか"));
    if (errs) {
        gk_reply_problem(r, GK_ERR_VALIDATION, NULL, errs);
        return;
    }
    if (!flush_chunk(u)) {
        gk_reply_problem(r, GK_ERR_UNAVAILABLE, NULL, NULL);
        return;
    }
    unsigned char digest[GK_SHA256_LEN];
    char hex[2 * GK_SHA256_LEN + 1];
    if (!gk_sha256_final(&u->sha, digest) || !gk_hex_encode(digest, sizeof digest, hex, sizeof hex)) {
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    /* Idempotency: the hash of what the upload means, not of its boundary. */
    gk_idem idem = {.key = gk_req_header(r, "Idempotency-Key")};
    if (idem.key) {
        if (!gk_idem_key_valid(idem.key)) {
            gk_reply_field_error(r, GK_ERR_BAD_REQUEST, "Idempotency-Key",
                                 L(r, "1 to 255 printable ASCII characters",
                                   "印字可能なASCII文字で1〜255文字"));
            return;
        }
        gk_sha256_ctx h = {0};
        bool ok = gk_idem_hash_begin(&h, r->method, r->path);
        const char *parts[] = {kind, conf, u->mp.filename, hex};
        for (size_t i = 0; ok && i < 4; i++) ok = gk_sha256_update(&h, parts[i], strlen(parts[i]) + 1);
        if (!ok || !gk_sha256_final(&h, idem.hash)) {
            gk_sha256_abort(&h);
            gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
            return;
        }
        gk_idem_outcome io;
        gk_idem_response resp;
        if (gk_idem_lookup(u->db, r, &idem, &io, &resp) != GK_TX_OK) {
            gk_reply_problem(r, GK_ERR_UNAVAILABLE, NULL, NULL);
            return;
        }
        if (io == GK_IDEM_REPLAY) {
            gk_idem_reply(r, &resp); /* state_free rolls the new chunks back */
            return;
        }
        if (io == GK_IDEM_MISMATCH) {
            gk_reply_field_error(r, GK_ERR_IDEMPOTENCY_MISMATCH, "Idempotency-Key",
                                 L(r, "This key was used with another body",
                                   "このキーは別の内容で使われています"));
            return;
        }
    }
    /* The case may have moved since the first chunk (submitted meanwhile): re-check locked. */
    const char *detail;
    gk_error ce = check_app(r, u->db, "doc_app_lock", u->app_id, true, &detail);
    if (ce != GK_ERR_OK) {
        gk_reply_problem(r, ce, detail, NULL);
        return;
    }
    gk_doc_meta m = {.id = u->doc_id,
                     .application_id = u->app_id,
                     .kind = kind,
                     .filename = u->mp.filename,
                     .content_type = u->mp.content_type,
                     .size = u->size,
                     .sha256_hex = hex,
                     .confidentiality = cls,
                     .confidential_until = until[0] ? until : NULL,
                     .uploaded_by = r->user.id};
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    gk_tx_status s = gk_db_doc_insert(u->db, &m, &e, &field);
    if (s == GK_TX_ABORT) {
        if (field)
            gk_reply_field_error(r, e, field, L(r, "Not accepted", "受け付けられない値です"));
        else
            gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    if (s != GK_TX_OK) {
        gk_reply_problem(r, gk_tx_error(s), NULL,
                         NULL);
        return;
    }
    json_t *body = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "id", u->doc_id, "sha256",
                             hex, "size", (json_int_t)u->size, "kind", kind, "filename",
                             u->mp.filename, "content_type", u->mp.content_type,
                             "confidentiality", conf);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    char *loc = gk_req_printf(r, "/api/v1/applications/%s/documents/%s", u->app_id, u->doc_id);
    s = text ? gk_idem_store(u->db, r, &idem, 201, loc, text) : GK_TX_HARD;
    free(text);
    if (s == GK_TX_OK) {
        json_t *d = json_pack("{s:s, s:s, s:I}", "document", u->doc_id, "sha256", hex, "size",
                              (json_int_t)u->size);
        char *object = gk_req_printf(r, "application:%s", u->app_id);
        s = d && object ? gk_audit_append(u->db, r->user.id, "document.upload", object, d)
                        : GK_TX_HARD;
        json_decref(d);
    }
    if (s == GK_TX_OK) {
        PGresult *res = PQexec(u->db, "COMMIT");
        s = gk_tx_check(res, "COMMIT upload");
        if (res) PQclear(res);
        u->in_tx = false;
    }
    if (s != GK_TX_OK) {
        json_decref(body);
        /* A concurrent first use of the key (SOFT) is answered like a retry would be. */
        gk_reply_problem(r, s == GK_TX_SOFT ? GK_ERR_CONFLICT : GK_ERR_INTERNAL,
                         s == GK_TX_SOFT ? L(r, "The same Idempotency-Key is in use; retry",
                                             "同じIdempotency-Keyが処理中です。再試行してください")
                                         : NULL,
                         NULL);
        return;
    }
    gk_reply_json(r, 201, body);
    if (loc) gk_reply_header(r, "Location", loc);
}

void gk_h_documents_upload(gk_request *r)
{
    upload *u = r->state ? r->state : start_upload(r); /* an empty body starts here */
    if (!u) return;
    if (u->failed == GK_ERR_OK && u->mp.pp) {
        /* Destroying the parser flushes what it still holds; MHD_NO: the body was cut. */
        bool clean = MHD_destroy_post_processor(u->mp.pp) == MHD_YES;
        u->mp.pp = NULL;
        if (!clean && u->mp.error == GK_ERR_OK)
            refuse(u, GK_ERR_BAD_REQUEST, "body",
                   L(r, "The multipart body is incomplete",
                     "multipart の本文が途中で終わっています"));
        else if (u->mp.error != GK_ERR_OK)
            mp_refuse(u);
    }
    if (u->failed == GK_ERR_OK && !gk_multipart_finish(&u->mp)) mp_refuse(u);
    if (u->failed != GK_ERR_OK) {
        reply_refusal(r, u);
        return;
    }
    commit_reply(r, u);
}

/* ---- list and download ---- */

void gk_h_documents_list(gk_request *r)
{
    gk_error e;
    json_t *app = gk_app_load(r, r->params[0], false, &e);
    if (!app) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    json_decref(app);
    json_t *items = NULL;
    gk_tx_status s = gk_db_doc_list(gk_db_conn(), r->params[0], &items);
    if (s != GK_TX_OK || !items) {
        gk_reply_problem(r, gk_tx_error(s), NULL,
                         NULL);
        return;
    }
    gk_reply_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next"));
}

/* Streams the chunks one at a time on the worker's connection: memory stays one chunk. */
typedef struct {
    char id[37];
    int seq;
    PGresult *cur;
    size_t off;
} download;

static void download_free(void *p)
{
    download *d = p;
    if (d->cur) PQclear(d->cur);
    free(d);
}

static ssize_t download_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    download *d = cls;
    for (;;) {
        if (d->cur && PQntuples(d->cur) == 1) {
            size_t len = (size_t)PQgetlength(d->cur, 0, 0);
            if (d->off < len) {
                size_t n = len - d->off < max ? len - d->off : max;
                memcpy(buf, PQgetvalue(d->cur, 0, 0) + d->off, n);
                d->off += n;
                return (ssize_t)n;
            }
        } else if (d->cur) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (d->cur) PQclear(d->cur);
        PGconn *c = gk_db_conn();
        d->cur = c ? gk_db_doc_chunk_get(c, d->id, d->seq++) : NULL;
        d->off = 0;
        if (!d->cur) return MHD_CONTENT_READER_END_WITH_ERROR;
    }
}

void gk_h_documents_get(gk_request *r)
{
    gk_error e;
    json_t *app = gk_app_load(r, r->params[0], false, &e);
    if (!app) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    json_decref(app);
    json_t *doc = NULL;
    gk_tx_status s = gk_db_is_uuid(r->params[1])
                         ? gk_db_doc_get(gk_db_conn(), r->params[0], r->params[1], &doc)
                         : GK_TX_OK;
    if (s != GK_TX_OK || !doc) {
        gk_reply_problem(r, s == GK_TX_OK ? GK_ERR_NOT_FOUND
                            : gk_tx_error(s),
                         NULL, NULL);
        return;
    }
    char cd[2048];
    const char *filename = json_string_value(json_object_get(doc, "filename"));
    if (!gk_multipart_content_disposition(filename, cd, sizeof cd))
        snprintf(cd, sizeof cd, "attachment; filename=\"document\"");
    download *d = calloc(1, sizeof *d);
    if (!d) {
        json_decref(doc);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    snprintf(d->id, sizeof d->id, "%s", r->params[1]);
    uint64_t size = (uint64_t)json_integer_value(json_object_get(doc, "size"));
    struct MHD_Response *resp =
        MHD_create_response_from_callback(size, 32 * 1024, download_read, d, download_free);
    if (!resp) {
        download_free(d);
        json_decref(doc);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    if (r->response) MHD_destroy_response(r->response);
    r->response = resp;
    r->status = 200;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            json_string_value(json_object_get(doc, "content_type")));
    MHD_add_response_header(resp, "Content-Disposition", cd);
    MHD_add_response_header(resp, "Cache-Control", "private, no-store");
    char etag[80];
    snprintf(etag, sizeof etag, "\"%s\"", json_string_value(json_object_get(doc, "sha256")));
    MHD_add_response_header(resp, "ETag", etag);
    json_decref(doc);
}

void gk_documents_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}
