#include "service/certificates.h"

#include "app.h"
#include "crypto/audit_chain.h"
#include "mail/mail.h"
#include "crypto/sign.h"
#include "crypto/token.h"
#include "db/certificates.h"
#include "db/db.h"
#include "db/rule_sets.h"
#include "domain/certificate_number.h"
#include "domain/csv_record.h"
#include "domain/date.h"
#include "domain/lifecycle.h"
#include "domain/rule_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void gk_svc_certificates_register(void)
{
    gk_db_certificates_register();
}

/* ---- one certificate ------------------------------------------------------------------- */

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

/* The fields of the record the signature covers (gk_db_cert_issue's payload): the row must
 * say what was signed, or "Signature valid" would vouch for a row changed afterwards. */
static const char *const signed_fields[] = {"number",        "application_id", "route",
                                            "category",      "manufacturer",   "model_name",
                                            "type_name",     "granted_on",     "rule_set",
                                            "grandfathered", "basis",          "key_id"};

/* Whether two JSON scalars say the same (a uuid or a date may come as a string either way;
 * a number compares with its decimal text). */
static bool same_value(json_t *a, json_t *b)
{
    if (!a) a = json_null();
    if (!b) b = json_null();
    if (json_equal(a, b)) return true;
    char x[32], y[32];
    const char *sa = json_string_value(a), *sb = json_string_value(b);
    if (json_is_integer(a)) snprintf(x, sizeof x, "%" JSON_INTEGER_FORMAT, json_integer_value(a));
    if (json_is_integer(b)) snprintf(y, sizeof y, "%" JSON_INTEGER_FORMAT, json_integer_value(b));
    if (json_is_integer(a)) sa = x;
    if (json_is_integer(b)) sb = y;
    return sa && sb && !strcmp(sa, sb);
}

/* Adds "verified" (the server checked the signature with the published key, and the record
 * shown says what was signed) to a view. A row that differs from its signed payload (changed
 * in the database after the grant) is not verified, and "mismatched_fields" names the fields
 * that differ: the page and the PDF warn of tampering. */
static void add_verification(json_t *view)
{
    const char *payload = json_string_value(json_object_get(view, "signed_payload"));
    const char *sig = json_string_value(json_object_get(view, "signature"));
    const char *key = json_string_value(json_object_get(view, "key_id"));
    bool ok = payload && sig && key && gk_app.keystore && verify_cached(key, payload, sig);
    if (payload) {
        json_t *signed_doc = json_loads(payload, 0, NULL);
        json_t *differ = json_array();
        for (size_t i = 0; differ && i < sizeof signed_fields / sizeof *signed_fields; i++) {
            const char *f = signed_fields[i];
            if (!signed_doc ||
                !same_value(json_object_get(view, f), json_object_get(signed_doc, f)))
                json_array_append_new(differ, json_string(f));
        }
        if (!differ || json_array_size(differ)) ok = false;
        if (differ && json_array_size(differ))
            json_object_set_new(view, "mismatched_fields", differ);
        else
            json_decref(differ);
        json_decref(signed_doc);
    }
    json_object_set_new(view, "verified", payload ? json_boolean(ok) : json_null());
}

/* The stored form of a number given as stored or in the display form; false when it is not
 * a certificate number. */
static bool stored_number(const char *number, char buf[GK_CERT_NUMBER_BUF])
{
    gk_cert_number n;
    return number && gk_cert_number_parse_display(number, &n) == GK_ERR_OK &&
           gk_cert_number_format(&n, buf);
}

/* The view of a stored number: the record with its history, "verified" and "verify_url". */
static void load(const gk_call *call, const char *number, gk_outcome *out)
{
    /* One statement (the record and its history together), so no transaction around it:
     * a public read that may go to the replica. */
    json_t *view = NULL;
    PGconn *c = gk_db_read_conn();
    gk_tx_status s = c ? gk_db_cert_view(c, number, &view) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !view) {
        json_decref(view);
        gk_fail(out, call, s != GK_TX_OK ? gk_tx_error(s) : GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    add_verification(view);
    json_object_set_new(view, "verify_url",
                        json_string(gk_call_printf(call, "/certificates/%s", number)));
    out->view = view;
}

void gk_svc_cert_get(const gk_call *call, const char *number, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    char buf[GK_CERT_NUMBER_BUF];
    if (!stored_number(number, buf)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    load(call, buf, out);
}

void gk_svc_cert_signing_keys(const gk_call *call, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    json_t *keys = gk_app.keystore ? gk_keystore_public_keys(gk_app.keystore) : json_array();
    out->view = keys ? json_pack("{s:o, s:n, s:s}", "items", keys, "next", "signature",
                                 "Ed25519 over the certificate's signed_payload (RFC 8785 "
                                 "canonical JSON, UTF-8); keys and signatures are base64url "
                                 "without padding")
                     : NULL;
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

json_t *gk_svc_cert_signing_key(const char *key_id)
{
    json_t *key = NULL;
    json_t *keys = gk_app.keystore && key_id ? gk_keystore_public_keys(gk_app.keystore) : NULL;
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        const char *id = json_string_value(json_object_get(k, "key_id"));
        if (id && !strcmp(id, key_id)) {
            json_decref(key);
            key = json_incref(k);
        }
    }
    json_decref(keys);
    return key ? key : json_null();
}

/* ---- suspend / reinstate / revoke -------------------------------------------------------- */

static const gk_field status_fields[] = {
    {"reason", GK_F_STRING, true, 20000, NULL, GK_AT(gk_cert_status_in, reason), false},
    {"order_reference", GK_F_STRING, false, 200, NULL, GK_AT(gk_cert_status_in, order_reference),
     true},
};
const gk_spec gk_cert_status_spec = GK_SPEC(status_fields);

typedef struct {
    const gk_call *call;
    const gk_cert_status_in *in;
    char number[GK_CERT_NUMBER_BUF];
    gk_lifecycle_cert_event ev;
    gk_outcome *o;
} status_ctx;

static gk_tx_status status_tx(PGconn *c, void *ctx)
{
    status_ctx *x = ctx;
    gk_outcome_clear(x->o);
    char from[16];
    gk_tx_status s = gk_db_cert_lock(c, x->number, from);
    if (s != GK_TX_OK) return s;
    gk_lifecycle_cert_state st, to;
    if (!from[0] || !gk_lifecycle_cert_state_from_name(from, &st))
        return gk_fail(x->o, x->call, GK_ERR_NOT_FOUND, NULL, NULL);
    const char *ev = gk_lifecycle_cert_event_name(x->ev);
    gk_error e = gk_lifecycle_cert_next(st, x->ev, gk_call_lc_role(x->call), &to);
    if (e != GK_ERR_OK) {
        gk_fail(x->o, x->call, e, NULL, NULL);
        x->o->detail = gk_call_printf(x->call, "%s: %s", from, ev);
        return GK_TX_ABORT;
    }
    const char *order =
        x->in->order_reference && *x->in->order_reference ? x->in->order_reference : NULL;
    s = gk_db_cert_set_status(c, x->number, from, gk_lifecycle_cert_state_name(to), ev,
                              x->in->reason, order, x->call->user.id, &e);
    if (s == GK_TX_ABORT)
        return gk_fail(x->o, x->call, e != GK_ERR_OK ? e : GK_ERR_CONFLICT, NULL, NULL);
    if (s != GK_TX_OK) return s;
    json_t *detail =
        json_pack("{s:s, s:s, s:s, s:s?}", "from", from, "to", gk_lifecycle_cert_state_name(to),
                  "reason", x->in->reason, "order_reference", order);
    char *object = gk_call_printf(x->call, "certificate:%s", x->number);
    char *action = gk_call_printf(x->call, "certificate.%s", ev);
    s = object && action ? gk_audit_append(c, x->call->user.id, action, object, detail)
                         : GK_TX_HARD;
    json_decref(detail);
    if (s != GK_TX_OK) return s;
    /* issue 19: the holder hears of it by mail, in this transaction ({action}: suspended,
     * reinstated, revoked in the recipient's language) */
    size_t n = strlen(ev);
    char *key = gk_call_printf(x->call, "mail.action.%s%s", ev, n && ev[n - 1] == 'e' ? "d" : "ed");
    char *page = gk_call_printf(x->call, "/certificates/%s", x->number);
    const char *params[] = {"number", x->number, "action_key", key, NULL};
    return key && page ? gk_mail_notify_cert_holders(c, x->number, "certificate", "certificate",
                                                     page, params)
                       : GK_TX_HARD;
}

static void change_status(const gk_call *call, const gk_cert_status_in *in,
                          gk_lifecycle_cert_event ev, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    status_ctx x = {.call = call, .in = in, .ev = ev, .o = out};
    if (!stored_number(in->number, x.number)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, status_tx, &x);
    gk_outcome_finish(out, s);
    if (s == GK_TX_OK) load(call, x.number, out);
}

void gk_svc_cert_suspend(const gk_call *call, const gk_cert_status_in *in, gk_outcome *out)
{
    change_status(call, in, GK_LC_CERT_EV_SUSPEND, out);
}

void gk_svc_cert_reinstate(const gk_call *call, const gk_cert_status_in *in, gk_outcome *out)
{
    change_status(call, in, GK_LC_CERT_EV_REINSTATE, out);
}

void gk_svc_cert_revoke(const gk_call *call, const gk_cert_status_in *in, gk_outcome *out)
{
    change_status(call, in, GK_LC_CERT_EV_REVOKE, out);
}

/* ---- import -------------------------------------------------------------------------------- */

#define NCOLS GK_CERT_IMPORT_NCOLS
#define MAX_FIELD GK_CERT_IMPORT_MAX_FIELD

static const char *const COLS[NCOLS] = {"number",     "route",     "category",   "manufacturer",
                                        "model_name", "type_name", "granted_on", "basis"};

typedef struct {
    const gk_call *call;
    const gk_cert_import_in *in;
    gk_rule_catalog cat;
    int ncols; /* NCOLS - 1 without the basis column, NCOLS with it */
    gk_outcome *o;
} import_ctx;

/* The basis an imported row claims: the file's word, or "unstated" when it says nothing (an
 * import was examined elsewhere: we never claim "tested" for it). A rule set without security
 * requirements has no security basis: "not_applicable" whatever the category. NULL when the
 * file's word is not a basis, or claims one the rule set cannot have. */
static const char *import_basis(const char *given, const gk_rule_set *rs)
{
    static const char *const bases[] = {"tested", "cc_equivalence", "not_applicable"};
    const char *b = NULL;
    if (!given || !*given) {
        b = "unstated";
    } else {
        for (size_t i = 0; i < sizeof bases / sizeof *bases; i++)
            if (!strcmp(given, bases[i])) b = bases[i];
        if (!b) return NULL;
    }
    if (!gk_rule_set_has_security_requirements(rs))
        return !strcmp(b, "unstated") || !strcmp(b, "not_applicable") ? "not_applicable" : NULL;
    return b;
}

/* Why a row is refused before the database sees it (a catalogue key), or NULL. */
static const char *row_problem(import_ctx *x, int n, char **v, gk_date today, gk_cert_number *num,
                               gk_date *granted, const gk_rule_set **rs)
{
    if (n < 0) return "certificates.import.unreadable";
    if (n != x->ncols) return "certificates.import.field_count";
    if (gk_cert_number_parse(v[0], num) != GK_ERR_OK) return "certificates.import.bad_number";
    if (strcmp(v[1], "conformity") != 0 && strcmp(v[1], "design") != 0)
        return "certificates.import.bad_route";
    if (!*v[3] || !*v[4]) return "certificates.import.required";
    if (!gk_date_parse(v[6], granted)) return "certificates.import.bad_date";
    if (*granted > today) return "certificates.import.future";
    if (gk_date_year(*granted) % 100 != num->yy) return "certificates.import.year_mismatch";
    *rs = gk_rule_set_in_force(x->cat.sets, x->cat.n, *granted);
    if (!*rs) return "certificates.import.before_rule_sets";
    if (!import_basis(x->ncols == NCOLS ? v[NCOLS - 1] : NULL, *rs))
        return gk_rule_set_has_security_requirements(*rs)
                   ? "certificates.import.bad_basis"
                   : "certificates.import.basis_without_requirements";
    return NULL;
}

static gk_tx_status import_tx(PGconn *c, void *ctx)
{
    import_ctx *x = ctx;
    const char *csv = x->in->csv ? x->in->csv : "";
    size_t len = x->in->csv ? x->in->len : 0;
    gk_outcome_clear(x->o);
    char *store = malloc(NCOLS * MAX_FIELD + 64);
    json_t *rejected = json_array();
    if (!store || !rejected) {
        free(store);
        json_decref(rejected);
        return GK_TX_HARD;
    }
    size_t pos = 0;
    if (len >= 3 && !memcmp(csv, "\xEF\xBB\xBF", 3)) pos = 3;
    unsigned long line = 1, start = 1, imported = 0, unchanged = 0, n_rejected = 0;
    char *f[NCOLS + 1];
    gk_tx_status s = GK_TX_OK;
    int n =
        gk_csv_record_next(csv, len, &pos, &line, &start, store, NCOLS * MAX_FIELD, f, NCOLS + 1);
    bool header_ok = n == NCOLS || n == NCOLS - 1;
    x->ncols = n;
    for (int i = 0; header_ok && i < n; i++)
        header_ok = !strcasecmp(gk_csv_trim(f[i]), COLS[i]);
    if (!header_ok) {
        free(store);
        json_decref(rejected);
        const char *why = gk_call_msgf(x->call, "certificates.import.bad_header", "columns",
                                       GK_CERT_IMPORT_COLUMNS, NULL);
        gk_fail(x->o, x->call, GK_ERR_VALIDATION, NULL, NULL);
        x->o->detail = why;
        x->o->errors = json_pack("[{s:s, s:s}]", "field", "header", "message", why);
        return GK_TX_ABORT;
    }
    gk_date today = gk_date_today_utc();
    while (s == GK_TX_OK && (n = gk_csv_record_next(csv, len, &pos, &line, &start, store,
                                                    NCOLS * MAX_FIELD, f, NCOLS + 1)) != 0) {
        char *v[NCOLS];
        for (int i = 0; n == x->ncols && i < n; i++)
            v[i] = gk_csv_trim(f[i]);
        gk_cert_number num;
        gk_date granted = 0;
        const gk_rule_set *rs = NULL;
        bool applicable = false;
        const char *why = row_problem(x, n, v, today, &num, &granted, &rs);
        if (!why) {
            bool ok = false;
            s = gk_db_cert_category_exists(c, v[2], &ok, &applicable);
            if (s != GK_TX_OK) break;
            if (!ok) why = "certificates.import.unknown_category";
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
                /* Only a category Art. 34-10 can cover has something to be grandfathered
                 * from (docs/rules.md, R10). */
                .grandfathered = applicable && gk_rule_set_is_grandfathered(x->cat.sets, x->cat.n,
                                                                            granted, today),
                .basis = import_basis(x->ncols == NCOLS ? v[NCOLS - 1] : NULL, rs)};
            bool inserted = false;
            const char *db_why = NULL;
            s = gk_db_cert_import(c, &row, x->call->user.id, &inserted, &db_why);
            if (s != GK_TX_OK) break;
            if (db_why)
                why = gk_call_printf(x->call, "certificates.import.db_%s", db_why);
            else if (inserted)
                imported++;
            else
                unchanged++;
        }
        if (why) {
            n_rejected++;
            if (json_array_size(rejected) < GK_CERT_IMPORT_MAX_REJECTED)
                json_array_append_new(rejected, json_pack("{s:I, s:s}", "line", (json_int_t)start,
                                                          "reason", gk_call_msg(x->call, why)));
        }
    }
    free(store);
    if (s == GK_TX_OK) {
        json_t *d = json_pack("{s:I, s:I, s:I}", "imported", (json_int_t)imported, "unchanged",
                              (json_int_t)unchanged, "rejected", (json_int_t)n_rejected);
        const gk_principal *u = &x->call->user;
        s = u->id ? gk_audit_append(c, u->id, "certificate.import", NULL, d)
                  : gk_audit_append_as(c, u->name ? u->name : "cli", NULL, "certificate.import",
                                       NULL, d);
        json_decref(d);
    }
    if (s != GK_TX_OK) {
        json_decref(rejected);
        return s;
    }
    x->o->view = json_pack("{s:I, s:I, s:o, s:I}", "imported", (json_int_t)imported, "unchanged",
                           (json_int_t)unchanged, "rejected", rejected, "rejected_count",
                           (json_int_t)n_rejected);
    return x->o->view ? GK_TX_OK : GK_TX_HARD;
}

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_arena_alloc(ctx, n);
}

void gk_svc_cert_import(const gk_call *call, const gk_cert_import_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!(call->user.role & (GK_ROLE_EXAMINER | GK_ROLE_ADMIN))) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    import_ctx x = {.call = call, .in = in, .o = out};
    PGconn *c = gk_db_conn();
    gk_error e = c ? gk_rule_sets_load(c, arena_alloc, call->arena, &x.cat) : GK_ERR_UNAVAILABLE;
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    gk_outcome_finish(out, gk_tx_run(GK_TX_READ_COMMITTED, import_tx, &x));
}
