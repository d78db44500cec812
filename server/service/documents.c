#include "domain/determination.h"
#include "service/documents.h"

#include "crypto/audit_chain.h"
#include "crypto/token.h"
#include "db/applications.h"
#include "db/db.h"
#include "domain/documents.h"
#include "util/hex.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gk_field upload_fields[] = {
    {"kind", GK_F_STRING, true, 64, NULL, GK_AT(gk_doc_upload_in, kind), false},
    {"confidentiality", GK_F_STRING, true, 64, NULL, GK_AT(gk_doc_upload_in, confidentiality),
     false},
};
const gk_spec gk_doc_upload_spec = GK_SPEC(upload_fields);

struct gk_doc_upload {
    gk_call call; /* borrowed strings: valid while the request lives */
    PGconn *db;
    bool in_tx;
    char app_id[37], doc_id[37];
    char *buf;
    size_t len;
    int seq;
    uint64_t size;
    gk_sha256_ctx sha;
    /* The first refusal; the rest of the body is read and dropped. */
    gk_error failed;
    const char *failed_field, *failed_key; /* failed_key: catalogue key, or NULL */
};

static void release(gk_doc_upload *u)
{
    gk_sha256_abort(&u->sha);
    if (u->db) {
        if (u->in_tx) gk_db_doc_rollback(u->db);
        gk_db_close_dedicated(u->db);
        u->db = NULL;
        u->in_tx = false;
    }
    free(u->buf);
    u->buf = NULL;
}

void gk_svc_doc_upload_refuse(gk_doc_upload *u, gk_error e, const char *field, const char *msg_key)
{
    if (u->failed == GK_ERR_OK) {
        u->failed = e == GK_ERR_OK ? GK_ERR_INTERNAL : e;
        u->failed_field = field;
        u->failed_key = msg_key;
    }
    release(u);
}

bool gk_svc_doc_upload_ok(const gk_doc_upload *u)
{
    return u->failed == GK_ERR_OK;
}

void gk_svc_doc_upload_free(gk_doc_upload *u)
{
    if (!u) return;
    release(u);
    free(u);
}

/* May the caller add a document to the case now? NOT_FOUND also for a case it may not see;
 * CONFLICT (*msg says why) when its status takes no uploads from the caller. */
static gk_error check_case(const gk_call *call, PGconn *c, const char *id, bool lock,
                           const char **msg_key)
{
    *msg_key = NULL;
    char status[20];
    gk_tx_status s = gk_db_doc_app_status(c, id, gk_call_org_filter(call), lock, status);
    if (s != GK_TX_OK) return gk_tx_error(s);
    gk_lifecycle_state st;
    if (!status[0] || !gk_lifecycle_state_from_name(status, &st) ||
        (st == GK_LC_DRAFT && gk_call_is_staff(call)))
        return GK_ERR_NOT_FOUND;
    if (gk_doc_upload_allowed(gk_call_lc_role(call), st)) return GK_ERR_OK;
    *msg_key = "applications.upload_closed";
    return GK_ERR_CONFLICT;
}

gk_doc_upload *gk_svc_doc_upload_begin(const gk_call *call, const char *app_id)
{
    gk_doc_upload *u = calloc(1, sizeof *u);
    if (!u) return NULL;
    u->call = *call;
    if (!gk_db_is_uuid(app_id)) {
        gk_svc_doc_upload_refuse(u, GK_ERR_NOT_FOUND, NULL, NULL);
        return u;
    }
    const char *msg;
    gk_error e = check_case(call, gk_db_conn(), app_id, false, &msg);
    /* A retried upload (same Idempotency-Key) of a case submitted since must get its first
     * answer again, known only once the body is hashed: the check at the end decides. */
    if (e == GK_ERR_CONFLICT && call->idempotency_key) e = GK_ERR_OK;
    if (e != GK_ERR_OK) {
        gk_svc_doc_upload_refuse(u, e, NULL, msg);
        return u;
    }
    snprintf(u->app_id, sizeof u->app_id, "%s", app_id);
    u->buf = malloc(GK_DOC_CHUNK);
    if (!u->buf || !gk_sha256_init(&u->sha)) {
        gk_svc_doc_upload_refuse(u, GK_ERR_INTERNAL, NULL, NULL);
        return u;
    }
    u->db = gk_db_open_dedicated(false);
    if (!u->db) {
        gk_svc_doc_upload_refuse(u, GK_ERR_UNAVAILABLE, NULL, NULL);
        return u;
    }
    u->in_tx = gk_db_doc_begin(u->db) == GK_TX_OK;
    if (!u->in_tx || gk_db_doc_new_id(u->db, u->doc_id) != GK_TX_OK)
        gk_svc_doc_upload_refuse(u, GK_ERR_UNAVAILABLE, NULL, NULL);
    return u;
}

static bool flush_chunk(gk_doc_upload *u)
{
    if (!u->len) return true;
    if (gk_db_doc_chunk_put(u->db, u->doc_id, u->seq, u->buf, u->len) != GK_TX_OK) return false;
    u->seq++;
    u->len = 0;
    return true;
}

bool gk_svc_doc_upload_write(gk_doc_upload *u, const char *data, size_t n)
{
    if (u->failed != GK_ERR_OK) return false;
    if (!gk_sha256_update(&u->sha, data, n)) return false;
    u->size += n;
    while (n) {
        gk_fill(u->buf, &u->len, GK_DOC_CHUNK, &data, &n);
        if (u->len == GK_DOC_CHUNK && !flush_chunk(u)) return false;
    }
    return true;
}

static void refusal(const gk_doc_upload *u, gk_outcome *out)
{
    out->err = u->failed;
    out->status = gk_error_status(u->failed);
    if (u->failed_field) {
        json_t *e = json_pack("{s:s, s:s}", "field", u->failed_field, "message",
                              u->failed_key ? gk_call_msg(&u->call, u->failed_key)
                                            : gk_error_title(u->failed, u->call.lang));
        out->errors = json_array();
        if (e && out->errors) json_array_append(out->errors, e);
        json_decref(e);
    } else {
        out->detail = u->failed_key ? gk_call_msg(&u->call, u->failed_key) : NULL;
    }
}

void gk_svc_doc_upload_finish(gk_doc_upload *u, const gk_doc_upload_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    const gk_call *call = &u->call;
    if (u->failed != GK_ERR_OK) {
        refusal(u, out);
        return;
    }
    const char *cls = NULL;
    gk_date until;
    bool has_until = false;
    if (!in->kind)
        gk_field_err(out, call, "kind", "field.required");
    else if (!gk_doc_kind_find(in->kind))
        gk_field_err(out, call, "kind", "applications.unknown_kind");
    if (!gk_doc_confidentiality_parse(in->confidentiality, &cls, &until, &has_until))
        gk_field_err(out, call, "confidentiality", "applications.confidentiality");
    if (out->errors) {
        gk_fail(out, call, GK_ERR_VALIDATION, NULL, NULL);
        return;
    }
    if (!flush_chunk(u)) {
        gk_fail(out, call, GK_ERR_UNAVAILABLE, NULL, NULL);
        return;
    }
    unsigned char digest[GK_SHA256_LEN];
    char hex[2 * GK_SHA256_LEN + 1];
    if (!gk_sha256_final(&u->sha, digest) ||
        !gk_hex_encode(digest, sizeof digest, hex, sizeof hex)) {
        gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    /* Idempotency: what the upload means, not its body (the multipart boundary is random
     * per try). */
    if (in->idem) {
        const char *parts[] = {in->kind, in->confidentiality, in->filename, hex, NULL};
        gk_svc_idem_found found;
        if (in->idem->lookup(u->db, in->idem->ctx, parts, &found, out) != GK_TX_OK) {
            gk_outcome_clear(out);
            gk_fail(out, call, GK_ERR_UNAVAILABLE, NULL, NULL);
            return;
        }
        if (found == GK_SVC_IDEM_REPLAY) return; /* freeing the upload rolls its chunks back */
        if (found == GK_SVC_IDEM_MISMATCH) {
            gk_fail(out, call, GK_ERR_IDEMPOTENCY_MISMATCH, "Idempotency-Key",
                    "applications.idem_mismatch");
            return;
        }
    }
    /* The case may have moved since the first chunk (submitted meanwhile): re-check, locked. */
    const char *msg;
    gk_error ce = check_case(call, u->db, u->app_id, true, &msg);
    if (ce != GK_ERR_OK) {
        gk_fail(out, call, ce, NULL, NULL);
        out->detail = msg ? gk_call_msg(call, msg) : NULL;
        return;
    }
    char until_text[GK_DATE_BUF];
    gk_doc_meta m = {.id = u->doc_id,
                     .application_id = u->app_id,
                     .kind = in->kind,
                     .filename = in->filename,
                     .content_type = in->content_type,
                     .size = u->size,
                     .sha256_hex = hex,
                     .confidentiality = cls,
                     .confidential_until = has_until ? gk_date_format(until, until_text) : NULL,
                     .uploaded_by = call->user.id};
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    gk_tx_status s = gk_db_doc_insert(u->db, &m, &e, &field);
    if (s == GK_TX_ABORT) {
        gk_fail(out, call, e, field, field ? "field.not_accepted" : NULL);
        return;
    }
    if (s != GK_TX_OK) {
        gk_fail(out, call, gk_tx_error(s), NULL, NULL);
        return;
    }
    json_t *view =
        json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "id", u->doc_id, "sha256", hex, "size",
                  (json_int_t)u->size, "kind", in->kind, "filename", in->filename, "content_type",
                  in->content_type, "confidentiality", in->confidentiality);
    char *text = view ? json_dumps(view, JSON_COMPACT) : NULL;
    const char *loc =
        gk_call_printf(call, "/api/v1/applications/%s/documents/%s", u->app_id, u->doc_id);
    s = text ? GK_TX_OK : GK_TX_HARD;
    if (s == GK_TX_OK && in->idem) s = in->idem->store(u->db, in->idem->ctx, 201, loc, text);
    free(text);
    if (s == GK_TX_OK) {
        json_t *d = json_pack("{s:s, s:s, s:I}", "document", u->doc_id, "sha256", hex, "size",
                              (json_int_t)u->size);
        const char *object = gk_call_printf(call, "application:%s", u->app_id);
        s = d && object ? gk_audit_append(u->db, call->user.id, "document.upload", object, d)
                        : GK_TX_HARD;
        json_decref(d);
    }
    if (s == GK_TX_OK) {
        s = gk_db_doc_commit(u->db);
        u->in_tx = false;
    }
    if (s != GK_TX_OK) {
        json_decref(view);
        /* A concurrent first use of the key (SOFT) is answered like a retry would be. */
        gk_fail(out, call, s == GK_TX_SOFT ? GK_ERR_CONFLICT : GK_ERR_INTERNAL, NULL, NULL);
        if (s == GK_TX_SOFT) out->detail = gk_call_msg(call, "applications.idem_in_use");
        return;
    }
    out->view = view;
    out->status = 201;
    out->location = loc;
}

/* ---- reading ---- */

/* Whether the caller may see the case (out failed when not). */
static bool case_visible(const gk_call *call, const char *app_id, gk_outcome *out)
{
    gk_svc_app_get(call, app_id, out);
    if (out->err != GK_ERR_OK) return false;
    gk_outcome_clear(out);
    return true;
}

void gk_svc_doc_list(const gk_call *call, const char *app_id, gk_outcome *out)
{
    if (!case_visible(call, app_id, out)) return;
    json_t *items = NULL;
    PGconn *c = gk_db_conn();
    gk_tx_status s = c ? gk_db_doc_list(c, app_id, &items) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !items) {
        json_decref(items);
        gk_fail(out, call, gk_tx_error(s == GK_TX_OK ? GK_TX_HARD : s), NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o, s:n}", "items", items, "next");
}

void gk_svc_doc_get(const gk_call *call, const char *app_id, const char *doc_id, gk_outcome *out)
{
    if (!case_visible(call, app_id, out)) return;
    json_t *doc = NULL;
    PGconn *c = gk_db_conn();
    gk_tx_status s = !gk_db_is_uuid(doc_id) ? GK_TX_OK
                     : c                    ? gk_db_doc_get(c, app_id, doc_id, &doc)
                                            : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !doc) {
        json_decref(doc);
        gk_fail(out, call, s == GK_TX_OK ? GK_ERR_NOT_FOUND : gk_tx_error(s), NULL, NULL);
        return;
    }
    out->view = doc;
}

bool gk_svc_doc_chunk(const char *doc_id, int seq, char *buf, size_t cap, size_t *n)
{
    *n = 0;
    PGconn *c = gk_db_conn();
    PGresult *res = c ? gk_db_doc_chunk_get(c, doc_id, seq) : NULL;
    if (!res) return false;
    if (PQntuples(res) == 1) {
        size_t len = (size_t)PQgetlength(res, 0, 0);
        if (len > cap) {
            PQclear(res);
            return false;
        }
        memcpy(buf, PQgetvalue(res, 0, 0), len);
        *n = len;
    }
    PQclear(res);
    return true;
}

/* ---- deleting a draft's document (issue 20) ---- */

typedef struct {
    const gk_call *call;
    const char *app_id, *doc_id;
    gk_error e;
    const char *msg;
} del_ctx;

static gk_tx_status del_tx(PGconn *c, void *p)
{
    del_ctx *d = p;
    d->e = GK_ERR_OK;
    d->msg = NULL;
    char status[20];
    gk_tx_status s = gk_db_doc_app_status(c, d->app_id, gk_call_org_filter(d->call), true, status);
    if (s != GK_TX_OK) return s;
    gk_lifecycle_state st;
    if (!status[0] || !gk_lifecycle_state_from_name(status, &st) ||
        (st == GK_LC_DRAFT && gk_call_is_staff(d->call))) {
        d->e = GK_ERR_NOT_FOUND;
        return GK_TX_ABORT;
    }
    if (st != GK_LC_DRAFT || !gk_doc_upload_allowed(gk_call_lc_role(d->call), st)) {
        d->e = GK_ERR_CONFLICT;
        d->msg = "ux.doc.not_draft";
        return GK_TX_ABORT;
    }
    bool deleted = false;
    s = gk_db_doc_delete(c, d->app_id, d->doc_id, &deleted);
    if (s != GK_TX_OK) return s;
    if (!deleted) {
        d->e = GK_ERR_NOT_FOUND;
        return GK_TX_ABORT;
    }
    json_t *data = json_pack("{s:s}", "document", d->doc_id);
    const char *object = gk_call_printf(d->call, "application:%s", d->app_id);
    s = data && object ? gk_audit_append(c, d->call->user.id, "document.delete", object, data)
                       : GK_TX_HARD;
    json_decref(data);
    return s;
}

void gk_svc_doc_delete(const gk_call *call, const char *app_id, const char *doc_id, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!gk_db_is_uuid(app_id) || !gk_db_is_uuid(doc_id)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    del_ctx d = {.call = call, .app_id = app_id, .doc_id = doc_id};
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, del_tx, &d);
    if (s == GK_TX_ABORT) {
        gk_fail(out, call, d.e, NULL, NULL);
        if (d.msg) out->detail = gk_call_msg(call, d.msg);
        return;
    }
    if (s != GK_TX_OK) {
        gk_fail(out, call, gk_tx_error(s), NULL, NULL);
        return;
    }
    out->view = json_pack("{s:s, s:b}", "id", doc_id, "deleted", 1);
}
