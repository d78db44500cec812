/* Certificates: one certificate with its signature, the published signing keys, the life
 * cycle (suspend, reinstate, revoke) and the import of pre-existing certificates. The list,
 * exports, feed and statistics are in api/certificate_search.c. */
#include "api/certificates.h"

#include "http/handlers.h"
#include "app.h"
#include "crypto/audit_chain.h"
#include "crypto/sign.h"
#include "crypto/token.h"
#include "db/certificates.h"
#include "db/db.h"
#include "db/rule_sets.h"
#include "db/tx.h"
#include "domain/certificate_number.h"
#include "domain/date.h"
#include "domain/lifecycle.h"
#include "domain/rule_set.h"
#include "http/fields.h"
#include "http/reply.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *L(bool ja, const char *en, const char *jp)
{
    return ja ? jp : en;
}

void gk_certificates_register(void)
{
    gk_db_certificates_register();
}

/* ---- GET /api/v1/certificates/{number} -------------------------------------------------- */

typedef struct {
    const char *number;
    json_t *view;
} view_ctx;

static gk_tx_status view_tx(PGconn *c, void *ctx)
{
    view_ctx *v = ctx;
    json_decref(v->view);
    v->view = NULL;
    return gk_db_cert_view(c, v->number, &v->view);
}

/* Signatures this thread has already checked: a certificate's record never changes once
 * signed, and an Ed25519 verification costs about as much CPU as the rest of the request
 * (scripts/bench, certificate by number). Keyed by the SHA-256 of key id, payload and
 * signature together, so a changed payload is checked afresh. */
#define VERIFIED_CACHE 256
static _Thread_local struct {
    unsigned char key[32];
    bool used, ok;
} verified_cache[VERIFIED_CACHE];

static bool verify_cached(const char *key, const char *payload, const char *sig)
{
    unsigned char h[32];
    gk_sha256_ctx c = {0};
    bool hashed = gk_sha256_init(&c) && gk_sha256_update(&c, key, strlen(key) + 1) &&
                  gk_sha256_update(&c, payload, strlen(payload) + 1) &&
                  gk_sha256_update(&c, sig, strlen(sig)) && gk_sha256_final(&c, h);
    if (!hashed) gk_sha256_abort(&c);
    unsigned slot = hashed ? ((unsigned)h[0] | (unsigned)h[1] << 8) % VERIFIED_CACHE : 0;
    if (hashed && verified_cache[slot].used && !memcmp(verified_cache[slot].key, h, 32))
        return verified_cache[slot].ok;
    bool ok = gk_keystore_verify(gk_app.keystore, key, (const unsigned char *)payload,
                                 strlen(payload), sig);
    if (hashed) {
        memcpy(verified_cache[slot].key, h, 32);
        verified_cache[slot].used = true;
        verified_cache[slot].ok = ok;
    }
    return ok;
}

/* Adds "verified" (the server checked the signature with the published key) to a view. */
static void add_verification(json_t *view)
{
    const char *payload = json_string_value(json_object_get(view, "signed_payload"));
    const char *sig = json_string_value(json_object_get(view, "signature"));
    const char *key = json_string_value(json_object_get(view, "key_id"));
    bool ok = payload && sig && key && gk_app.keystore && verify_cached(key, payload, sig);
    json_object_set_new(view, "verified", payload ? json_boolean(ok) : json_null());
}

json_t *gk_cert_load(gk_request *r, const char *number, gk_error *e)
{
    gk_cert_number n;
    char buf[GK_CERT_NUMBER_BUF];
    if (gk_cert_number_parse_display(number, &n) != GK_ERR_OK ||
        !gk_cert_number_format(&n, buf)) {
        *e = GK_ERR_NOT_FOUND;
        return NULL;
    }
    /* One statement (the record and its history together), so no transaction around it:
     * a public read that may go to the replica. */
    view_ctx v = {.number = buf};
    PGconn *c = gk_db_read_conn();
    gk_tx_status s = c ? view_tx(c, &v) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK) {
        json_decref(v.view);
        *e = gk_tx_error(s);
        return NULL;
    }
    if (!v.view) {
        *e = GK_ERR_NOT_FOUND;
        return NULL;
    }
    add_verification(v.view);
    json_object_set_new(v.view, "verify_url",
                        json_string(gk_req_printf(r, "/certificates/%s", buf)));
    *e = GK_ERR_OK;
    return v.view;
}

void gk_h_certificate_get(gk_request *r)
{
    gk_error e;
    json_t *v = gk_cert_load(r, r->params[0], &e);
    if (!v) {
        gk_reply_problem(r, e, NULL, NULL);
        r->error = e;
        return;
    }
    gk_reply_json(r, 200, v);
}

void gk_h_signing_keys(gk_request *r)
{
    json_t *keys = gk_app.keystore ? gk_keystore_public_keys(gk_app.keystore) : json_array();
    if (!keys) {
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    gk_reply_json(r, 200,
                  json_pack("{s:o, s:n, s:s}", "items", keys, "next", "signature",
                            "Ed25519 over the certificate's signed_payload (RFC 8785 canonical "
                            "JSON, UTF-8); keys and signatures are base64url without padding"));
}

/* ---- suspend / reinstate / revoke -------------------------------------------------------- */

typedef struct {
    gk_request *r;
    char number[GK_CERT_NUMBER_BUF];
    gk_lifecycle_cert_event ev;
    const char *reason, *order_reference;
    gk_error err;
    const char *detail;
} status_ctx;

static gk_lifecycle_role lc_role(const gk_request *r)
{
    switch (r->user.role) {
    case GK_ROLE_MANUFACTURER: return GK_LC_ROLE_MANUFACTURER;
    case GK_ROLE_EXAMINER: return GK_LC_ROLE_EXAMINER;
    case GK_ROLE_REGULATOR: return GK_LC_ROLE_REGULATOR;
    case GK_ROLE_ADMIN: return GK_LC_ROLE_ADMIN;
    default: return GK_LC_ROLE__COUNT;
    }
}

static gk_tx_status status_tx(PGconn *c, void *ctx)
{
    status_ctx *x = ctx;
    x->err = GK_ERR_OK;
    char from[16];
    gk_tx_status s = gk_db_cert_lock(c, x->number, from);
    if (s != GK_TX_OK) return s;
    gk_lifecycle_cert_state st, to;
    if (!from[0] || !gk_lifecycle_cert_state_from_name(from, &st)) {
        x->err = GK_ERR_NOT_FOUND;
        return GK_TX_ABORT;
    }
    gk_error e = gk_lifecycle_cert_next(st, x->ev, lc_role(x->r), &to);
    if (e != GK_ERR_OK) {
        x->err = e;
        x->detail = gk_req_printf(x->r, "%s: %s", from, gk_lifecycle_cert_event_name(x->ev));
        return GK_TX_ABORT;
    }
    const char *ev = gk_lifecycle_cert_event_name(x->ev);
    s = gk_db_cert_set_status(c, x->number, from, gk_lifecycle_cert_state_name(to), ev,
                              x->reason, x->order_reference, x->r->user.id, &e);
    if (s == GK_TX_ABORT) {
        x->err = e != GK_ERR_OK ? e : GK_ERR_CONFLICT;
        return s;
    }
    if (s != GK_TX_OK) return s;
    json_t *detail = json_pack("{s:s, s:s, s:s, s:s?}", "from", from, "to",
                               gk_lifecycle_cert_state_name(to), "reason", x->reason,
                               "order_reference", x->order_reference);
    char *object = gk_req_printf(x->r, "certificate:%s", x->number);
    char *action = gk_req_printf(x->r, "certificate.%s", ev);
    s = gk_audit_append(c, x->r->user.id, action, object, detail);
    json_decref(detail);
    return s;
}

static void change_status(gk_request *r, gk_lifecycle_cert_event ev)
{
    const char *reason = NULL, *order = NULL;
    const gk_field spec[] = {
        {"reason", GK_F_STRING, true, 20000, NULL, &reason, false},
        {"order_reference", GK_F_STRING, false, 200, NULL, &order, true},
    };
    json_t *errors = NULL;
    if (gk_fields_read(r, spec, 2, &errors)) {
        gk_reply_problem(r, GK_ERR_VALIDATION, NULL, errors);
        r->error = GK_ERR_VALIDATION;
        return;
    }
    status_ctx x = {.r = r, .ev = ev, .reason = reason, .order_reference = order && *order ? order : NULL};
    gk_cert_number n;
    if (gk_cert_number_parse_display(r->params[0], &n) != GK_ERR_OK ||
        !gk_cert_number_format(&n, x.number)) {
        gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
        r->error = GK_ERR_NOT_FOUND;
        return;
    }
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, status_tx, &x);
    if (s != GK_TX_OK) {
        gk_error e = s == GK_TX_ABORT && x.err != GK_ERR_OK ? x.err
                     : s == GK_TX_UNAVAILABLE               ? GK_ERR_UNAVAILABLE
                                                            : GK_ERR_INTERNAL;
        gk_reply_problem(r, e, x.detail, NULL);
        r->error = e;
        return;
    }
    gk_error e;
    json_t *v = gk_cert_load(r, x.number, &e);
    if (!v) {
        gk_reply_problem(r, e, NULL, NULL);
        r->error = e;
        return;
    }
    gk_reply_json(r, 200, v);
}

void gk_h_certificate_suspend(gk_request *r)
{
    change_status(r, GK_LC_CERT_EV_SUSPEND);
}

void gk_h_certificate_reinstate(gk_request *r)
{
    change_status(r, GK_LC_CERT_EV_REINSTATE);
}

void gk_h_certificate_revoke(gk_request *r)
{
    change_status(r, GK_LC_CERT_EV_REVOKE);
}

/* ---- import -------------------------------------------------------------------------------- */

#define NCOLS 7
#define MAX_FIELD 1024

/* One CSV record (RFC 4180) from s[*pos..len): fields copied NUL-terminated into `store`
 * (cap bytes), their starts in f[]. *line advances by the physical lines consumed. Returns
 * the number of fields (0 at the end of input; -1 for a record that does not parse or is too
 * long). Blank lines are skipped. */
static int next_record(const char *s, size_t len, size_t *pos, unsigned long *line,
                       unsigned long *start_line, char *store, size_t cap, char **f, int max)
{
    size_t p = *pos;
    while (p < len && (s[p] == '\n' || s[p] == '\r')) {
        if (s[p] == '\n' || (s[p] == '\r' && (p + 1 >= len || s[p + 1] != '\n'))) (*line)++;
        p++;
    }
    if (p >= len) {
        *pos = p;
        return 0;
    }
    *start_line = *line;
    int n = 0;
    size_t o = 0;
    bool bad = false;
    f[n++] = store;
    for (;;) {
        if (p < len && s[p] == '"') { /* quoted field */
            p++;
            for (;;) {
                if (p >= len) {
                    bad = true;
                    break;
                }
                if (s[p] == '"') {
                    if (p + 1 < len && s[p + 1] == '"') {
                        p++;
                    } else {
                        p++;
                        break;
                    }
                } else if (s[p] == '\n') {
                    (*line)++;
                }
                if (o + 1 < cap) store[o++] = s[p];
                else bad = true;
                p++;
            }
        }
        while (p < len && s[p] != ',' && s[p] != '\n' && s[p] != '\r') {
            if (o + 1 < cap) store[o++] = s[p];
            else bad = true;
            p++;
        }
        if (o >= cap) {
            bad = true;
            o = cap - 1;
        }
        store[o++] = 0;
        if (p < len && s[p] == ',') {
            p++;
            if (n < max) f[n] = store + o;
            n++;
            continue;
        }
        break; /* end of record */
    }
    if (p < len && s[p] == '\r') p++;
    if (p < len && s[p] == '\n') p++;
    (*line)++;
    *pos = p;
    return bad ? -1 : n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
    return s;
}

typedef struct {
    const char *csv;
    size_t len;
    const char *actor_id;
    bool ja;
    gk_rule_catalog *cat;
    json_t *report;
    const char *detail;
    bool bad_header;
} import_ctx;

static void reject(import_ctx *x, json_t *rejected, unsigned long line, const char *reason)
{
    if (json_array_size(rejected) < GK_CERT_IMPORT_MAX_REJECTED)
        json_array_append_new(rejected, json_pack("{s:I, s:s}", "line", (json_int_t)line,
                                                  "reason", reason));
    (void)x;
}

static const char *const COLS[NCOLS] = {"number",     "route",     "category",  "manufacturer",
                                        "model_name", "type_name", "granted_on"};

static gk_tx_status import_tx(PGconn *c, void *ctx)
{
    import_ctx *x = ctx;
    json_decref(x->report);
    x->report = NULL;
    x->bad_header = false;
    char *store = malloc(NCOLS * MAX_FIELD + 64);
    json_t *rejected = json_array();
    if (!store || !rejected) {
        free(store);
        json_decref(rejected);
        return GK_TX_HARD;
    }
    size_t pos = 0;
    if (x->len >= 3 && !memcmp(x->csv, "\xEF\xBB\xBF", 3)) pos = 3;
    unsigned long line = 1, start = 1, imported = 0, unchanged = 0, n_rejected = 0;
    char *f[NCOLS + 1];
    gk_tx_status s = GK_TX_OK;
    int n = next_record(x->csv, x->len, &pos, &line, &start, store, NCOLS * MAX_FIELD, f,
                        NCOLS + 1);
    bool header_ok = n == NCOLS;
    for (int i = 0; header_ok && i < NCOLS; i++) header_ok = !strcasecmp(trim(f[i]), COLS[i]);
    if (!header_ok) {
        x->bad_header = true;
        x->detail = L(x->ja, "The header must be exactly " GK_CERT_IMPORT_COLUMNS,
                      "見出し行は " GK_CERT_IMPORT_COLUMNS " でなければなりません");
        free(store);
        json_decref(rejected);
        return GK_TX_ABORT;
    }
    gk_date today = gk_date_today_utc();
    while (s == GK_TX_OK &&
           (n = next_record(x->csv, x->len, &pos, &line, &start, store, NCOLS * MAX_FIELD, f,
                            NCOLS + 1)) != 0) {
        const char *why = NULL;
        gk_cert_number num;
        gk_date granted = 0;
        char *v[NCOLS];
        if (n != NCOLS) {
            why = n < 0 ? L(x->ja, "the row cannot be read (quotes or length)",
                            "行を読み取れません（引用符または長さ）")
                        : L(x->ja, "the row does not have 7 fields", "列の数が7ではありません");
        } else {
            for (int i = 0; i < NCOLS; i++) v[i] = trim(f[i]);
            if (gk_cert_number_parse(v[0], &num) != GK_ERR_OK)
                why = L(x->ja, "number: not a certificate number like D20-0123001",
                        "number: D20-0123001 の形式の認定番号ではありません");
            else if (strcmp(v[1], "conformity") != 0 && strcmp(v[1], "design") != 0)
                why = L(x->ja, "route: must be conformity or design",
                        "route: conformity または design を指定してください");
            else if (!*v[3] || !*v[4])
                why = L(x->ja, "manufacturer and model_name are required",
                        "manufacturer と model_name は必須です");
            else if (!gk_date_parse(v[6], &granted))
                why = L(x->ja, "granted_on: not a date YYYY-MM-DD",
                        "granted_on: YYYY-MM-DD 形式の日付ではありません");
            else if (granted > today)
                why = L(x->ja, "granted_on: in the future", "granted_on: 未来の日付です");
            else if (gk_date_year(granted) % 100 != num.yy)
                why = L(x->ja, "number: its year is not the year of granted_on",
                        "number: 年の部分が granted_on の年と一致しません");
        }
        const gk_rule_set *rs = NULL;
        if (!why) {
            rs = gk_rule_set_in_force(x->cat->sets, x->cat->n, granted);
            if (!rs) why = L(x->ja, "granted_on: before every rule set", "granted_on: どの規則よりも前です");
        }
        if (!why) {
            bool ok = false;
            s = gk_db_cert_category_exists(c, v[2], &ok);
            if (s != GK_TX_OK) break;
            if (!ok) why = L(x->ja, "category: unknown", "category: 不明な機器区分です");
        }
        if (!why) {
            gk_cert_import_row row = {
                .number = v[0],
                .route = v[1],
                .category = v[2],
                .manufacturer = v[3],
                .model_name = v[4],
                .type_name = *v[5] ? v[5] : NULL,
                .granted_on = v[6],
                .rule_set = rs->id,
                .grandfathered = gk_rule_set_is_grandfathered(x->cat->sets, x->cat->n, granted, today),
                .basis = gk_rule_set_has_security_requirements(rs) ? "tested" : "not_applicable"};
            bool inserted = false;
            const char *db_why = NULL;
            s = gk_db_cert_import(c, &row, x->actor_id, &inserted, &db_why);
            if (s != GK_TX_OK) break;
            if (db_why) why = db_why;
            else if (inserted) imported++;
            else unchanged++;
        }
        if (why) {
            n_rejected++;
            reject(x, rejected, start, why);
        }
    }
    free(store);
    if (s == GK_TX_OK) {
        json_t *d = json_pack("{s:I, s:I, s:I}", "imported", (json_int_t)imported, "unchanged",
                              (json_int_t)unchanged, "rejected", (json_int_t)n_rejected);
        s = x->actor_id ? gk_audit_append(c, x->actor_id, "certificate.import", NULL, d)
                        : gk_audit_append_as(c, "cli", NULL, "certificate.import", NULL, d);
        json_decref(d);
    }
    if (s != GK_TX_OK) {
        json_decref(rejected);
        return s;
    }
    x->report = json_pack("{s:I, s:I, s:o, s:I}", "imported", (json_int_t)imported, "unchanged",
                          (json_int_t)unchanged, "rejected", rejected, "rejected_count",
                          (json_int_t)n_rejected);
    return x->report ? GK_TX_OK : GK_TX_HARD;
}

/* The rule catalogue's memory for callers without a request arena: a list of blocks. */
typedef struct block {
    struct block *next;
    max_align_t data[];
} block;

static void *block_alloc(void *ctx, size_t n)
{
    block **head = ctx;
    block *b = malloc(sizeof *b + n);
    if (!b) return NULL;
    b->next = *head;
    *head = b;
    return b->data;
}

gk_error gk_cert_import_csv(const char *csv, size_t len, const char *actor_user_id, bool ja,
                            json_t **report, const char **detail)
{
    *report = NULL;
    *detail = NULL;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    block *blocks = NULL;
    gk_rule_catalog cat;
    gk_error e = gk_rule_sets_load(c, block_alloc, &blocks, &cat);
    if (e == GK_ERR_OK) {
        import_ctx x = {.csv = csv, .len = len, .actor_id = actor_user_id, .ja = ja, .cat = &cat};
        gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, import_tx, &x);
        if (s == GK_TX_OK) {
            *report = x.report;
        } else {
            json_decref(x.report);
            e = s == GK_TX_ABORT && x.bad_header ? GK_ERR_VALIDATION
                : s == GK_TX_UNAVAILABLE         ? GK_ERR_UNAVAILABLE
                                                 : GK_ERR_INTERNAL;
            *detail = x.detail;
        }
    }
    while (blocks) {
        block *next = blocks->next;
        free(blocks);
        blocks = next;
    }
    return e;
}

void gk_h_certificates_import(gk_request *r)
{
    json_t *report = NULL;
    const char *detail = NULL;
    gk_error e = gk_cert_import_csv(r->body ? r->body : "", r->body ? r->body_len : 0,
                                    r->user.id, r->lang && !strcmp(r->lang, "ja"), &report,
                                    &detail);
    if (e != GK_ERR_OK) {
        json_t *errors = NULL;
        if (e == GK_ERR_VALIDATION) gk_field_error_add(&errors, "header", detail);
        gk_reply_problem(r, e, detail, errors);
        r->error = e;
        return;
    }
    gk_reply_json(r, 200, report);
}
