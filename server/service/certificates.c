#include "service/certificates.h"

#include "app.h"
#include "crypto/audit_chain.h"
#include "mail/mail.h"
#include "crypto/sign.h"
#include "crypto/token.h"
#include "db/certificates.h"
#include "db/db.h"
#include "db/notify.h"
#include "db/rule_sets.h"
#include "domain/certificate_number.h"
#include "domain/csv_record.h"
#include "domain/date.h"
#include "domain/lifecycle.h"
#include "domain/rule_set.h"
#include "render/buf.h"
#include "service/public_cert.h"
#include "util/hex.h"
#include "util/shard_cache.h"

#include <pthread.h>
#include <stdatomic.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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
 * say what was signed, or "Signature valid" would vouch for a row changed afterwards. A
 * "giteki.certificate.v2" payload (issue 18) no longer holds the application id. */
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
        const char *format = json_string_value(json_object_get(signed_doc, "format"));
        bool v1 = !format || !strcmp(format, "giteki.certificate.v1");
        for (size_t i = 0; differ && i < sizeof signed_fields / sizeof *signed_fields; i++) {
            const char *f = signed_fields[i];
            if (!v1 && !strcmp(f, "application_id")) continue;
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

/* The full record of a stored number (staff-only fields included): the record with its
 * history, "verified" and "verify_url". Only ever projected before it goes out. */
static json_t *load_full(const gk_call *call, const char *number, gk_error *err, bool *from_replica)
{
    /* One statement (the record and its history together), so no transaction around it:
     * a public read that may go to the replica. */
    json_t *view = NULL;
    PGconn *c = gk_db_read_conn();
    gk_tx_status s = c ? gk_db_cert_view(c, number, &view) : GK_TX_UNAVAILABLE;
    if (from_replica) *from_replica = c && gk_db_is_replica(c);
    if (s != GK_TX_OK || !view) {
        json_decref(view);
        *err = s != GK_TX_OK ? gk_tx_error(s) : GK_ERR_NOT_FOUND;
        return NULL;
    }
    add_verification(view);
    json_object_set_new(view, "verify_url",
                        json_string(gk_call_printf(call, "/certificates/%s", number)));
    *err = GK_ERR_OK;
    return view;
}

/* ---- the cache of public records --------------------------------------------------------
 * Keyed by the stored number; the value is what every public read of that certificate
 * needs: the public projection as JSON text (sent as it is; a page parses its own copy), the
 * validators (ETag, Last-Modified) and the holder's organisation (never shown: it decides
 * who may get the label sheet). Filled on a miss, emptied by the database's NOTIFY
 * (db/notify.h) and by this server's own status changes. Caching starts once the listener
 * is LISTENing, and stops (the cache dropped) whenever it loses its connection. */
#define CACHE_BYTES ((size_t)16 << 20) /* 16 MiB: about 10,000 records of 1.5 KiB */
#define CACHE_SHARDS 64

typedef struct {
    char *json; /* the public projection as JSON text (readers parse their own copy) */
    size_t len;
    char etag[24];
    time_t modified;
    char org[40];
} cert_public;

/* What a caller holds: a cache entry, or a record of its own (cache off or refused). */
struct gk_cert_public {
    gk_scache_entry *entry;
    cert_public *own;
};
typedef gk_cert_public holder;

static gk_scache *cache;
static atomic_bool cache_live;
static atomic_ullong invalidated_entries, invalidated_drops; /* for /metrics */
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void public_free(void *p)
{
    cert_public *v = p;
    if (!v) return;
    free(v->json);
    free(v);
}

static void on_notify(const char *payload, void *ctx)
{
    (void)ctx;
    if (!payload || !strcmp(payload, "*")) {
        gk_scache_clear(cache);
        atomic_fetch_add_explicit(&invalidated_drops, 1, memory_order_relaxed);
    } else {
        gk_scache_evict(cache, payload);
        atomic_fetch_add_explicit(&invalidated_entries, 1, memory_order_relaxed);
    }
}

static void on_state(bool listening, void *ctx)
{
    (void)ctx;
    /* Either way what is cached may have missed a notification. */
    if (!listening) atomic_store(&cache_live, false);
    gk_scache_clear(cache);
    atomic_fetch_add_explicit(&invalidated_drops, 1, memory_order_relaxed);
    if (listening) atomic_store(&cache_live, true);
}

static void cache_start(void)
{
    cache = gk_scache_new(CACHE_BYTES, CACHE_SHARDS, public_free);
    gk_db_listener l = {on_notify, on_state, NULL};
    if (cache && gk_app.config.database_url &&
        gk_db_listen_start(gk_app.config.database_url, &l) != 0) {
        gk_scache_free(cache);
        cache = NULL;
    }
}

void gk_svc_cert_cache_forget(const char *number)
{
    if (!cache || !number || !*number) return;
    gk_scache_evict(cache, number);
    atomic_fetch_add_explicit(&invalidated_entries, 1, memory_order_relaxed);
}

void gk_svc_cert_cache_stats(gk_scache_stats *out)
{
    gk_scache_stats_get(cache, out);
}

void gk_svc_cert_cache_invalidations(gk_cert_cache_invalidations *out)
{
    out->entries = atomic_load(&invalidated_entries);
    out->drops = atomic_load(&invalidated_drops);
}

/* "2026-12-03T09:00:00Z" as a time; 0 when it is not one. */
static time_t utc_time(const char *s)
{
    struct tm tm = {0};
    const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    return end && !*end ? timegm(&tm) : 0;
}

/* The public record of a full view. NULL when out of memory. */
static cert_public *public_of(json_t *full)
{
    cert_public *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    json_t *view = gk_public_cert(full);
    p->json = view ? json_dumps(view, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(view);
    if (!p->json) {
        public_free(p);
        return NULL;
    }
    p->len = strlen(p->json);
    unsigned char h[32];
    char hex[21];
    if (!gk_sha256(p->json, p->len, h) || !gk_hex_encode(h, 10, hex, sizeof hex)) {
        public_free(p);
        return NULL;
    }
    snprintf(p->etag, sizeof p->etag, "\"%s\"", hex);
    /* Last changed: the row, or its newest event. */
    p->modified = utc_time(json_string_value(json_object_get(full, "updated_at")));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(full, "events"), i, e)
    {
        time_t t = utc_time(json_string_value(json_object_get(e, "at")));
        if (t > p->modified) p->modified = t;
    }
    const char *org = json_string_value(json_object_get(full, "organization_id"));
    snprintf(p->org, sizeof p->org, "%s", org ? org : "");
    return p;
}

static cert_public *held(const holder *h)
{
    return h->entry ? gk_scache_value(h->entry) : h->own;
}

/* The public record of a stored number: from the cache, or read (and cached when the cache
 * is live). false with *err when there is none or the database failed. */
static bool public_get(const gk_call *call, const char *number, holder *h, gk_error *err)
{
    memset(h, 0, sizeof *h);
    pthread_once(&cache_once, cache_start);
    bool live = cache && atomic_load(&cache_live);
    if (live && (h->entry = gk_scache_get(cache, number)) != NULL) return true;
    uint64_t epoch = live ? gk_scache_epoch(cache) : 0;
    bool replica = false;
    json_t *full = load_full(call, number, err, &replica);
    if (!full) return false;
    cert_public *p = public_of(full);
    json_decref(full);
    if (!p) {
        *err = GK_ERR_INTERNAL;
        return false;
    }
    size_t bytes = sizeof *p + p->len + 64; /* the text and its allocation overhead */
    /* A replica may not have replayed a change whose NOTIFY already came from the primary:
     * only what the primary said is kept. */
    if (live && !replica && atomic_load(&cache_live))
        h->entry = gk_scache_put_hold(cache, number, p, bytes, epoch);
    if (!h->entry) h->own = p;
    return true;
}

static void holder_release(holder *h)
{
    gk_scache_release(h->entry);
    public_free(h->own);
    memset(h, 0, sizeof *h);
}

/* The stored form of a number given as stored or in the display form; false when it is not
 * a certificate number. */
static bool stored_number(const char *number, char buf[GK_CERT_NUMBER_BUF])
{
    gk_cert_number n;
    return number && gk_cert_number_parse_display(number, &n) == GK_ERR_OK &&
           gk_cert_number_format(&n, buf);
}

/* The staff's view of a stored number (never cached). */
static void load_staff(const gk_call *call, const char *number, gk_outcome *out)
{
    gk_error e;
    json_t *full = load_full(call, number, &e, NULL);
    if (!full) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    out->view = gk_staff_cert(full);
    json_decref(full);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

/* The view a caller gets after a change or a read: the staff's for staff, else public. */
static void load(const gk_call *call, const char *number, gk_outcome *out)
{
    if (gk_call_is_staff(call)) {
        load_staff(call, number, out);
        return;
    }
    holder h;
    gk_error e;
    if (!public_get(call, number, &h, &e)) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    out->view = json_loads(held(&h)->json, 0, NULL);
    holder_release(&h);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
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

gk_cert_public *gk_svc_cert_public(const gk_call *call, const char *number, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    char buf[GK_CERT_NUMBER_BUF];
    if (!stored_number(number, buf)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return NULL;
    }
    holder h;
    gk_error e;
    if (!public_get(call, buf, &h, &e)) {
        gk_fail(out, call, e, NULL, NULL);
        return NULL;
    }
    holder *copy = malloc(sizeof *copy);
    if (!copy) {
        holder_release(&h);
        gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
        return NULL;
    }
    *copy = h;
    return copy;
}

const char *gk_cert_public_json(const gk_cert_public *p, size_t *len)
{
    const cert_public *v = held(p);
    *len = v->len;
    return v->json;
}

const char *gk_cert_public_etag(const gk_cert_public *p)
{
    return held(p)->etag;
}

time_t gk_cert_public_modified(const gk_cert_public *p)
{
    return held(p)->modified;
}

json_t *gk_cert_public_view(const gk_cert_public *p)
{
    return json_loads(held(p)->json, 0, NULL);
}

void gk_cert_public_release(gk_cert_public *p)
{
    if (!p) return;
    holder_release(p);
    free(p);
}

bool gk_svc_cert_held_by_caller(const gk_call *call, const char *number)
{
    if (call->user.role != GK_ROLE_MANUFACTURER || !call->user.organization_id || !number)
        return false;
    char buf[GK_CERT_NUMBER_BUF];
    holder h;
    gk_error e;
    if (!stored_number(number, buf) || !public_get(call, buf, &h, &e)) return false;
    bool yes = held(&h)->org[0] && !strcmp(held(&h)->org, call->user.organization_id);
    holder_release(&h);
    return yes;
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
    {"internal_note", GK_F_STRING, false, 20000, NULL, GK_AT(gk_cert_status_in, internal_note),
     true},
    {"note", GK_F_STRING, false, 20000, NULL, GK_AT(gk_cert_status_in, note), true},
};
const gk_spec gk_cert_status_spec = GK_SPEC(status_fields);

static const char *opt_text(const char *s)
{
    return s && *s ? s : NULL;
}

gk_tx_status gk_svc_cert_change_status_tx(PGconn *c, const gk_call *call, const char *number,
                                          gk_lifecycle_cert_event event,
                                          const gk_cert_status_in *in, json_t *audit_extra,
                                          gk_outcome *out)
{
    char from[16];
    gk_tx_status s = gk_db_cert_lock(c, number, from);
    if (s != GK_TX_OK) return s;
    gk_lifecycle_cert_state st, to;
    if (!from[0] || !gk_lifecycle_cert_state_from_name(from, &st))
        return gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
    const char *ev = gk_lifecycle_cert_event_name(event);
    gk_error e = gk_lifecycle_cert_next(st, event, gk_call_lc_role(call), &to);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        out->detail = gk_call_printf(call, "%s: %s", from, ev);
        return GK_TX_ABORT;
    }
    const char *order = opt_text(in->order_reference);
    const char *note = opt_text(in->internal_note) ? in->internal_note : opt_text(in->note);
    s = gk_db_cert_set_status(c, number, from, gk_lifecycle_cert_state_name(to), ev, in->reason,
                              order, note, call->user.id, &e);
    if (s == GK_TX_ABORT)
        return gk_fail(out, call, e != GK_ERR_OK ? e : GK_ERR_CONFLICT, NULL, NULL);
    if (s != GK_TX_OK) return s;
    /* The audit trail is staff-only: it keeps the internal note beside the public reason. */
    json_t *detail = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "from", from, "to",
                               gk_lifecycle_cert_state_name(to), "reason", in->reason,
                               "order_reference", order, "internal_note", note);
    if (detail && audit_extra) json_object_update(detail, audit_extra);
    char *object = gk_call_printf(call, "certificate:%s", number);
    char *action = gk_call_printf(call, "certificate.%s", ev);
    s = detail && object && action ? gk_audit_append(c, call->user.id, action, object, detail)
                                   : GK_TX_HARD;
    json_decref(detail);
    if (s != GK_TX_OK) return s;
    /* issue 19: the holder hears of it by mail, in this transaction ({action}: suspended,
     * reinstated, revoked in the recipient's language); a surveillance order comes this way too */
    size_t n = strlen(ev);
    char *key = gk_call_printf(call, "mail.action.%s%s", ev, n && ev[n - 1] == 'e' ? "d" : "ed");
    char *page = gk_call_printf(call, "/certificates/%s", number);
    const char *params[] = {"number", number, "action_key", key, NULL};
    return key && page
               ? gk_mail_notify_cert_holders(c, number, "certificate", "certificate", page, params)
               : GK_TX_HARD;
}

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
    return gk_svc_cert_change_status_tx(c, x->call, x->number, x->ev, x->in, NULL, x->o);
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
    /* This server's own change is seen by its next read at once; other instances drop the
     * entry when the NOTIFY of the commit reaches them. */
    if (s == GK_TX_OK) gk_svc_cert_cache_forget(x.number);
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

/* Rejections sorted by line: the file's own (found here) and the schema's (found by the
 * database afterwards) come in two passes. */
static int by_line(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "line"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "line"));
    return x < y ? -1 : x > y;
}

static json_t *sorted_rejections(json_t *all)
{
    size_t n = json_array_size(all);
    json_t **v = n ? malloc(n * sizeof *v) : NULL;
    json_t *out = json_array();
    if (n && !v) {
        json_decref(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(all, i);
    if (n) qsort(v, n, sizeof *v, by_line);
    for (size_t i = 0; out && i < n && i < GK_CERT_IMPORT_MAX_REJECTED; i++)
        json_array_append(out, v[i]);
    free(v);
    return out;
}

/* The import (issue 21): every row is checked here as before (the same reasons); the rows
 * that pass go to the database in one COPY and become certificates set-wise
 * (gk_db_cert_import_staged), instead of five round trips each. */
static gk_tx_status import_tx(PGconn *c, void *ctx)
{
    import_ctx *x = ctx;
    const char *csv = x->in->csv ? x->in->csv : "";
    size_t len = x->in->csv ? x->in->len : 0;
    gk_outcome_clear(x->o);
    char *store = malloc(NCOLS * MAX_FIELD + 64);
    json_t *rejected = json_array();
    json_t *cats = NULL;
    gk_buf stage = GK_BUF_INIT;
    gk_tx_status s = store && rejected ? gk_db_cert_categories(c, &cats) : GK_TX_HARD;
    if (s != GK_TX_OK || !cats) {
        free(store);
        json_decref(rejected);
        json_decref(cats);
        return s != GK_TX_OK ? s : GK_TX_HARD;
    }
    size_t pos = 0;
    if (len >= 3 && !memcmp(csv, "\xEF\xBB\xBF", 3)) pos = 3;
    unsigned long line = 1, start = 1, imported = 0, unchanged = 0, n_rejected = 0, staged = 0;
    char *f[NCOLS + 1];
    int n =
        gk_csv_record_next(csv, len, &pos, &line, &start, store, NCOLS * MAX_FIELD, f, NCOLS + 1);
    bool header_ok = n == NCOLS || n == NCOLS - 1;
    x->ncols = n;
    for (int i = 0; header_ok && i < n; i++)
        header_ok = !strcasecmp(gk_csv_trim(f[i]), COLS[i]);
    if (!header_ok) {
        free(store);
        json_decref(rejected);
        json_decref(cats);
        const char *why = gk_call_msgf(x->call, "certificates.import.bad_header", "columns",
                                       GK_CERT_IMPORT_COLUMNS, NULL);
        gk_fail(x->o, x->call, GK_ERR_VALIDATION, NULL, NULL);
        x->o->detail = why;
        x->o->errors = json_pack("[{s:s, s:s}]", "field", "header", "message", why);
        return GK_TX_ABORT;
    }
    gk_date today = gk_date_today_utc();
    while ((n = gk_csv_record_next(csv, len, &pos, &line, &start, store, NCOLS * MAX_FIELD, f,
                                   NCOLS + 1)) != 0) {
        char *v[NCOLS];
        for (int i = 0; n == x->ncols && i < n; i++)
            v[i] = gk_csv_trim(f[i]);
        gk_cert_number num;
        gk_date granted = 0;
        const gk_rule_set *rs = NULL;
        const char *why = row_problem(x, n, v, today, &num, &granted, &rs);
        json_t *cat = why ? NULL : json_object_get(cats, v[2]);
        if (!why && !cat) why = "certificates.import.unknown_category";
        if (!why) {
            /* Only a category Art. 34-10 can cover has something to be grandfathered from
             * (docs/rules.md, R10). */
            bool grandfathered =
                json_is_true(cat) &&
                gk_rule_set_is_grandfathered(x->cat.sets, x->cat.n, granted, today);
            char ln[24];
            snprintf(ln, sizeof ln, "%lu", start);
            gk_db_copy_text_field(&stage, ln, false);
            gk_db_copy_text_field(&stage, v[0], false);
            gk_db_copy_text_field(&stage, v[1], false);
            gk_db_copy_text_field(&stage, v[2], false);
            gk_db_copy_text_field(&stage, v[3], false);
            gk_db_copy_text_field(&stage, v[4], false);
            gk_db_copy_text_field(&stage, *v[5] ? v[5] : NULL, false);
            gk_db_copy_text_field(&stage, v[6], false);
            gk_db_copy_text_field(&stage, rs->id, false);
            gk_db_copy_text_field(&stage, grandfathered ? "t" : "f", false);
            gk_db_copy_text_field(&stage, import_basis(x->ncols == NCOLS ? v[NCOLS - 1] : NULL, rs),
                                  true);
            staged++;
        } else {
            n_rejected++;
            json_array_append_new(rejected, json_pack("{s:I, s:s}", "line", (json_int_t)start,
                                                      "reason", gk_call_msg(x->call, why)));
        }
    }
    free(store);
    json_decref(cats);
    json_t *outcomes = NULL;
    if (stage.failed) s = GK_TX_HARD;
    if (s == GK_TX_OK && staged)
        s = gk_db_cert_import_staged(c, stage.data, stage.len, x->call->user.id, &outcomes);
    gk_buf_free(&stage);
    if (s == GK_TX_OK && outcomes) {
        imported = (unsigned long)json_integer_value(json_object_get(outcomes, "inserted"));
        unchanged = (unsigned long)json_integer_value(json_object_get(outcomes, "unchanged"));
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(outcomes, "refused"), i, r)
        {
            const char *why = gk_call_printf(x->call, "certificates.import.db_%s",
                                             json_string_value(json_array_get(r, 1)));
            n_rejected++;
            json_array_append_new(rejected, json_pack("{s:I, s:s}", "line",
                                                      json_integer_value(json_array_get(r, 0)),
                                                      "reason", gk_call_msg(x->call, why)));
        }
    }
    json_decref(outcomes);
    if (s == GK_TX_OK) {
        json_t *d = json_pack("{s:I, s:I, s:I}", "imported", (json_int_t)imported, "unchanged",
                              (json_int_t)unchanged, "rejected", (json_int_t)n_rejected);
        const gk_principal *u = &x->call->user;
        s = u->id ? gk_audit_append(c, u->id, "certificate.import", NULL, d)
                  : gk_audit_append_as(c, u->name ? u->name : "cli", NULL, "certificate.import",
                                       NULL, d);
        json_decref(d);
    }
    json_t *listed = s == GK_TX_OK ? sorted_rejections(rejected) : NULL;
    json_decref(rejected);
    if (s != GK_TX_OK) return s;
    x->o->view = listed ? json_pack("{s:I, s:I, s:o, s:I}", "imported", (json_int_t)imported,
                                    "unchanged", (json_int_t)unchanged, "rejected", listed,
                                    "rejected_count", (json_int_t)n_rejected)
                        : NULL;
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
