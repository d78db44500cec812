/* The aggregator's puller (see puller.h). */
#include "national/puller.h"
#include "util/str.h"

#include "crypto/base64.h"
#include "crypto/sign.h"
#include "crypto/token.h"
#include "log.h"
#include "render/buf.h"
#include "service/national.h"
#include "util/hex.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define GK_FEED_NS "urn:giteki:signed-certificate:1"
#define PAGE_LIMIT 200
#define MAX_KEYS 16
#define MAX_BODY_BYTES (64u << 20)
/* Entries updated this long before the stored position are read again (and skipped when
 * already accepted): an event whose transaction committed after a later one was read is not
 * lost. */
#define OVERLAP_SECONDS 300

typedef struct {
    char code[4];
    char *url;
    char **keys;
    size_t n_keys;
} body_cfg;

struct gk_national_config {
    body_cfg *b;
    size_t n;
};

typedef struct {
    body_cfg *cfg;
    pthread_t th;
    bool started;
    atomic_ulong pulls_ok, pulls_failed, accepted, rejected, unsigned_;
    atomic_long last_pull_ms; /* how long the last pull took, or -1 */
    atomic_int up;            /* -1 before the first pull */
    struct {
        char id[GK_SIGN_KEY_ID_LEN + 1];
        unsigned char raw[32];
    } keys[MAX_KEYS];
    size_t nk;
} body_state;

static struct {
    gk_national_config *cfg;
    body_state *bodies;
    size_t n;
    unsigned interval_s, timeout_s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_bool stop;
    atomic_bool running;
} P = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* ---- configuration ------------------------------------------------------------------- */

/* The signed-payload formats a body may publish: v1 (with the application id) from before
 * issue 18, v2 (without internal ids) since. */
static bool known_format(const char *format)
{
    static const char *const formats[] = {"giteki.certificate.v1", "giteki.certificate.v2"};
    for (size_t i = 0; format && i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(format, formats[i])) return true;
    return false;
}

static bool is_hex16(const char *s, size_t n)
{
    if (n != 16) return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i])) return false;
    return true;
}

void gk_national_config_free(gk_national_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->b[i].url);
        for (size_t k = 0; k < c->b[i].n_keys; k++)
            free(c->b[i].keys[k]);
        free(c->b[i].keys);
    }
    free(c->b);
    free(c);
}

static int parse_body(const char *item, body_cfg *b, char **err)
{
    const char *eq1 = strchr(item, '='), *eq2 = strrchr(item, '=');
    if (!eq1 || eq2 == eq1) {
        *err = gk_strfmt("GITEKI_AGGREGATE: \"%s\" is not CODE=BASE_URL=KEYID[,KEYID]", item);
        return -1;
    }
    if (eq1 - item != 3 || strspn(item, "0123456789") < 3) {
        *err =
            gk_strfmt("GITEKI_AGGREGATE: \"%s\" does not start with a three-digit body code", item);
        return -1;
    }
    memcpy(b->code, item, 3);
    b->code[3] = 0;
    size_t ulen = (size_t)(eq2 - eq1 - 1);
    b->url = strndup(eq1 + 1, ulen);
    if (!b->url) return *err = gk_strfmt("out of memory"), -1;
    while (ulen && b->url[ulen - 1] == '/')
        b->url[--ulen] = 0;
    const char *host = !strncmp(b->url, "https://", 8)  ? b->url + 8
                       : !strncmp(b->url, "http://", 7) ? b->url + 7
                                                        : NULL;
    if (!host || !*host || strcspn(b->url, " \"'<>\\?#") != ulen) {
        *err = gk_strfmt("GITEKI_AGGREGATE: \"%s\" is not an http:// or https:// base URL", b->url);
        return -1;
    }
    const char *k = eq2 + 1;
    while (*k) {
        size_t kl = strcspn(k, ",");
        if (!is_hex16(k, kl)) {
            *err = gk_strfmt("GITEKI_AGGREGATE: the key ids of \"%s\" must be 16 lower-case hex "
                             "digits each (the key_id of /api/v1/signing-keys)",
                             item);
            return -1;
        }
        char **keys = realloc(b->keys, (b->n_keys + 1) * sizeof *keys);
        if (!keys) return *err = gk_strfmt("out of memory"), -1;
        b->keys = keys;
        if (!(b->keys[b->n_keys] = strndup(k, kl))) return *err = gk_strfmt("out of memory"), -1;
        b->n_keys++;
        k += kl;
        if (*k == ',') k++;
    }
    if (!b->n_keys || b->n_keys > MAX_KEYS) {
        *err = gk_strfmt("GITEKI_AGGREGATE: \"%s\" pins no key id (or more than 16)", item);
        return -1;
    }
    return 0;
}

int gk_national_config_parse(const char *spec, gk_national_config **out, char **err)
{
    *out = NULL;
    *err = NULL;
    gk_national_config *c = calloc(1, sizeof *c);
    char *copy = strdup(spec ? spec : "");
    if (!c || !copy) {
        free(c);
        free(copy);
        *err = gk_strfmt("out of memory");
        return -1;
    }
    char *save = NULL;
    for (char *item = strtok_r(copy, "; \n\t", &save); item;
         item = strtok_r(NULL, "; \n\t", &save)) {
        body_cfg *b = realloc(c->b, (c->n + 1) * sizeof *b);
        if (!b) {
            *err = gk_strfmt("out of memory");
            break;
        }
        c->b = b;
        memset(&c->b[c->n], 0, sizeof *c->b);
        c->n++;
        if (parse_body(item, &c->b[c->n - 1], err)) break;
        for (size_t i = 0; i + 1 < c->n; i++)
            if (!strcmp(c->b[i].code, c->b[c->n - 1].code)) {
                *err = gk_strfmt("GITEKI_AGGREGATE: body %s is listed twice", c->b[i].code);
                break;
            }
        if (*err) break;
    }
    free(copy);
    if (!*err && !c->n) *err = gk_strfmt("GITEKI_AGGREGATE lists no body");
    if (*err) {
        gk_national_config_free(c);
        return -1;
    }
    *out = c;
    return (int)c->n;
}

/* ---- keys and signatures ------------------------------------------------------------- */

bool gk_national_key_matches_id(const char *public_key_b64, const char *key_id,
                                unsigned char raw[32])
{
    size_t n = 0;
    unsigned char buf[48], h[32];
    char hex[65];
    if (!public_key_b64 || !key_id ||
        !gk_base64_decode(public_key_b64, strlen(public_key_b64), GK_B64_URL, buf, sizeof buf,
                          &n) ||
        n != 32 || !gk_sha256(buf, 32, h) || !gk_hex_encode(h, 8, hex, sizeof hex))
        return false;
    if (strcmp(hex, key_id) != 0) return false;
    memcpy(raw, buf, 32);
    return true;
}

bool gk_national_verify(const unsigned char raw_key[32], const unsigned char *msg, size_t len,
                        const char *sig_b64)
{
    unsigned char sig[80];
    size_t n = 0;
    if (!sig_b64 || !gk_base64_decode(sig_b64, strlen(sig_b64), GK_B64_URL, sig, sizeof sig, &n) ||
        n != 64)
        return false;
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw_key, 32);
    EVP_MD_CTX *m = k ? EVP_MD_CTX_new() : NULL;
    bool ok = m && EVP_DigestVerifyInit(m, NULL, NULL, NULL, k) == 1 &&
              EVP_DigestVerify(m, sig, 64, msg, len) == 1;
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(k);
    return ok;
}

/* ---- HTTP ---------------------------------------------------------------------------- */

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    gk_buf *b = ud;
    size_t n = size * nmemb;
    if (b->len + n > MAX_BODY_BYTES || gk_buf_append(b, p, n)) return 0;
    return n;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)ud, (void)a, (void)b, (void)c, (void)d;
    return atomic_load(&P.stop) ? 1 : 0; /* shutting down: abort the transfer */
}

/* GET url into b; NULL on a 200, else a static description of what went wrong. */
static const char *http_get(const char *url, gk_buf *b, char *why, size_t why_size)
{
    gk_buf_reset(b);
    CURL *h = curl_easy_init();
    if (!h) return "curl_easy_init failed";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 3L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)P.timeout_s);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "giteki-aggregator");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        snprintf(why, why_size, "GET %s: %s", url, curl_easy_strerror(rc));
        return why;
    }
    if (status != 200) {
        snprintf(why, why_size, "GET %s: status %ld", url, status);
        return why;
    }
    return NULL;
}

/* ---- one pull ------------------------------------------------------------------------ */

static bool pinned(const body_cfg *c, const char *id)
{
    for (size_t i = 0; i < c->n_keys; i++)
        if (!strcmp(c->keys[i], id)) return true;
    return false;
}

static const char *load_keys(body_state *s, gk_buf *b, char *why, size_t why_size)
{
    char *url = NULL;
    if (asprintf(&url, "%s/api/v1/signing-keys", s->cfg->url) < 0) return "out of memory";
    const char *e = http_get(url, b, why, why_size);
    free(url);
    if (e) return e;
    json_t *doc = json_loadb(b->data, b->len, 0, NULL);
    json_t *items = json_object_get(doc, "items");
    if (!json_is_array(items)) {
        json_decref(doc);
        return "signing keys: not the JSON of /api/v1/signing-keys";
    }
    s->nk = 0;
    size_t i;
    json_t *k;
    json_array_foreach(items, i, k)
    {
        const char *id = json_string_value(json_object_get(k, "key_id"));
        const char *pub = json_string_value(json_object_get(k, "public_key"));
        if (!id || !pinned(s->cfg, id) || s->nk >= MAX_KEYS) continue;
        if (!gk_national_key_matches_id(pub, id, s->keys[s->nk].raw)) {
            gk_log("warn", "national: a published key does not match its pinned id",
                   json_pack("{s:s, s:s}", "body", s->cfg->code, "key_id", id));
            continue;
        }
        snprintf(s->keys[s->nk].id, sizeof s->keys[s->nk].id, "%s", id);
        s->nk++;
    }
    json_decref(doc);
    return NULL;
}

static const unsigned char *key_of(const body_state *s, const char *id)
{
    for (size_t i = 0; id && i < s->nk; i++)
        if (!strcmp(s->keys[i].id, id)) return s->keys[i].raw;
    return NULL;
}

static time_t parse_time(const char *t)
{
    struct tm tm = {0};
    if (!t || strlen(t) < 19 ||
        sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static bool is_ns(xmlNodePtr n, const char *name, const char *ns)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) && n->ns &&
           n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

/* What one entry says; strings owned by the XML document or xmlFree'd by entry_free. */
typedef struct {
    xmlChar *id, *updated, *term, *number_href, *payload, *key_id, *signature;
    bool signed_element;
} feed_entry;

static void entry_free(feed_entry *e)
{
    xmlFree(e->id);
    xmlFree(e->updated);
    xmlFree(e->term);
    xmlFree(e->number_href);
    xmlFree(e->payload);
    xmlFree(e->key_id);
    xmlFree(e->signature);
    memset(e, 0, sizeof *e);
}

static void entry_read(xmlNodePtr en, feed_entry *e)
{
    memset(e, 0, sizeof *e);
    for (xmlNodePtr c = en->children; c; c = c->next) {
        if (is_ns(c, "id", ATOM_NS) && !e->id)
            e->id = xmlNodeGetContent(c);
        else if (is_ns(c, "updated", ATOM_NS) && !e->updated)
            e->updated = xmlNodeGetContent(c);
        else if (is_ns(c, "category", ATOM_NS) && !e->term)
            e->term = xmlGetProp(c, BAD_CAST "term");
        else if (is_ns(c, "link", ATOM_NS) && !e->number_href) {
            xmlChar *rel = xmlGetProp(c, BAD_CAST "rel");
            if (rel && !strcmp((const char *)rel, "alternate"))
                e->number_href = xmlGetProp(c, BAD_CAST "href");
            xmlFree(rel);
        } else if (is_ns(c, "certificate", GK_FEED_NS) && !e->signed_element) {
            e->signed_element = true;
            e->payload = xmlNodeGetContent(c);
            e->key_id = xmlGetProp(c, BAD_CAST "key-id");
            e->signature = xmlGetProp(c, BAD_CAST "signature");
        }
    }
}

static const char *status_of(const char *event)
{
    if (!event) return NULL;
    if (!strcmp(event, "grant") || !strcmp(event, "import") || !strcmp(event, "reinstate"))
        return "granted";
    if (!strcmp(event, "suspend")) return "suspended";
    if (!strcmp(event, "revoke")) return "revoked";
    return NULL;
}

/* Whether t is "YYYY-MM-DDTHH:MM:SSZ" (the feed's form; what the database reads as a time). */
static bool fits(const char *t, const char *form)
{
    if (!t || strlen(t) != strlen(form)) return false;
    for (size_t i = 0; form[i]; i++)
        if (form[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != form[i]) return false;
    return true;
}

/* A real calendar day (and time), not only digits in the right places. */
static bool real_day(int y, int mo, int d, int h, int mi, int se)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = se};
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return false;
    time_t t = timegm(&tm);
    struct tm back;
    return gmtime_r(&t, &back) && back.tm_mday == d && back.tm_mon == mo - 1;
}

static bool is_feed_time(const char *t)
{
    int y, mo, d, h, mi, se;
    return fits(t, "dddd-dd-ddTdd:dd:ddZ") &&
           sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) == 6 &&
           real_day(y, mo, d, h, mi, se);
}

static bool is_date(const char *t)
{
    int y, mo, d;
    return fits(t, "dddd-dd-dd") && sscanf(t, "%4d-%2d-%2d", &y, &mo, &d) == 3 &&
           real_day(y, mo, d, 0, 0, 0);
}

/* Checks one entry; stores it or refuses it. False only when the database failed. Nothing a
 * body serves can stop its pulls: whatever the database would not take is refused as
 * malformed, never retried for ever. */
static bool handle_entry(body_state *s, feed_entry *e)
{
    char id[201], number_buf[41];
    bool long_id = strlen((const char *)e->id) >= sizeof id;
    snprintf(id, sizeof id, "%s", (const char *)e->id);
    const char *href = (const char *)e->number_href;
    const char *slash = href ? strrchr(href, '/') : NULL;
    const char *number = NULL;
    if (slash && slash[1] && strlen(slash + 1) < sizeof number_buf) {
        snprintf(number_buf, sizeof number_buf, "%s", slash + 1);
        number = number_buf;
    }
    int known = 0;
    if (!gk_svc_national_known(s->cfg->code, id, &known)) return false;
    if (known == 1 || (known == 2 && !e->signed_element)) return true;

    const char *reason = NULL;
    char detail[200] = "";
    unsigned char *msg = NULL;
    size_t msg_len = 0;
    json_t *doc = NULL;
    const unsigned char *key = NULL;
    const char *status = status_of((const char *)e->term);
    if (long_id || !is_feed_time((const char *)e->updated) || !number || !status) {
        reason = "malformed";
        snprintf(detail, sizeof detail,
                 "entry without a short id, updated, certificate link or known event");
    } else if (!e->signed_element) {
        reason = "unsigned";
        snprintf(detail, sizeof detail, "no signed certificate in the entry");
    } else if (!e->key_id || !(key = key_of(s, (const char *)e->key_id))) {
        reason = "unknown_key";
        snprintf(detail, sizeof detail, "key %.20s is not pinned for body %s",
                 e->key_id ? (const char *)e->key_id : "(none)", s->cfg->code);
    } else {
        size_t plen = strlen((const char *)e->payload);
        msg = malloc(gk_base64_decoded_max(plen) + 1);
        if (!msg || !gk_base64_decode((const char *)e->payload, plen, GK_B64_URL, msg,
                                      gk_base64_decoded_max(plen), &msg_len)) {
            reason = "malformed";
            snprintf(detail, sizeof detail, "the payload is not base64url");
        } else if (!gk_national_verify(key, msg, msg_len, (const char *)e->signature)) {
            reason = "bad_signature";
            snprintf(detail, sizeof detail, "the Ed25519 signature does not verify with key %s",
                     (const char *)e->key_id);
        } else {
            doc = json_loadb((const char *)msg, msg_len, 0, NULL);
            const char *f = NULL;
#define STR(k) json_string_value(json_object_get(doc, k))
            static const char *const need[] = {"number",       "route",      "category",
                                               "manufacturer", "model_name", "granted_on",
                                               "rule_set",     "basis"};
            for (size_t i = 0; doc && !f && i < sizeof need / sizeof *need; i++)
                if (!STR(need[i])) f = need[i];
            if (!doc || f || !json_is_boolean(json_object_get(doc, "grandfathered")))
                reason = "malformed",
                snprintf(detail, sizeof detail, "payload lacks %s", f ? f : "grandfathered");
            else if (!is_date(STR("granted_on")))
                reason = "malformed", snprintf(detail, sizeof detail, "granted_on is not a date");
            else if (!known_format(STR("format")))
                reason = "payload_mismatch", snprintf(detail, sizeof detail, "unknown format");
            else if (strcmp(STR("number"), number))
                reason = "payload_mismatch",
                snprintf(detail, sizeof detail, "the payload names %.40s", STR("number"));
            else if (!STR("key_id") || strcmp(STR("key_id"), (const char *)e->key_id))
                reason = "payload_mismatch",
                snprintf(detail, sizeof detail, "the payload names another key");
            else if (!STR("certification_body") || strcmp(STR("certification_body"), s->cfg->code))
                reason = "payload_mismatch",
                snprintf(detail, sizeof detail, "the payload names body %.8s",
                         STR("certification_body") ? STR("certification_body") : "(none)");
#undef STR
        }
    }
    bool ok;
    if (reason) {
        bool is_new = false;
        ok = gk_svc_national_reject(s->cfg->code, id, number, reason, detail, &is_new);
        if (ok && is_new)
            atomic_fetch_add(strcmp(reason, "unsigned") ? &s->rejected : &s->unsigned_, 1);
    } else {
        char *payload = strndup((const char *)msg, msg_len);
        gk_national_entry ne = {.body_code = s->cfg->code,
                                .entry_id = id,
                                .number = number,
                                .event = (const char *)e->term,
                                .updated = (const char *)e->updated,
                                .status = status,
                                .doc = doc,
                                .payload = payload,
                                .signature = (const char *)e->signature,
                                .key_id = (const char *)e->key_id};
        int stored = payload ? gk_svc_national_accept(&ne) : 0;
        free(payload);
        ok = stored != 0;
        if (stored > 0) atomic_fetch_add(&s->accepted, 1);
        if (stored < 0) { /* the database refused a value of the record */
            bool is_new = false;
            ok = gk_svc_national_reject(s->cfg->code, id, number, "malformed",
                                        "the record has a value the database refuses", &is_new);
            if (ok && is_new) atomic_fetch_add(&s->rejected, 1);
        }
    }
    json_decref(doc);
    free(msg);
    return ok;
}

/* The query part ("?after=...&limit=...") of a next link, to be asked of the configured base
 * URL (the body's own public URL may not be the way we reach it). */
static char *next_query(xmlNodePtr root)
{
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!is_ns(c, "link", ATOM_NS)) continue;
        xmlChar *rel = xmlGetProp(c, BAD_CAST "rel");
        bool next = rel && !strcmp((const char *)rel, "next");
        xmlFree(rel);
        if (!next) continue;
        xmlChar *href = xmlGetProp(c, BAD_CAST "href");
        const char *q = href ? strchr((const char *)href, '?') : NULL;
        char *out = q && strlen(q) < 512 && strcspn(q, " \"<>") == strlen(q) ? strdup(q) : NULL;
        xmlFree(href);
        return out;
    }
    return NULL;
}

/* One pull of body s: NULL when complete, else why not. */
static const char *pull(body_state *s, char *why, size_t why_size, char *newest, size_t newest_size)
{
    gk_buf b = {0};
    const char *e = load_keys(s, &b, why, why_size);
    if (e) {
        gk_buf_free(&b);
        return e;
    }
    char hw[48];
    if (!gk_svc_national_position(s->cfg->code, hw, sizeof hw)) {
        gk_buf_free(&b);
        return "database unavailable";
    }
    time_t hw_t = parse_time(hw), stop_before = hw_t ? hw_t - OVERLAP_SECONDS : 0;
    char *query = NULL;
    if (asprintf(&query, "?limit=%d", PAGE_LIMIT) < 0) query = NULL;
    newest[0] = 0;
    bool done = false;
    for (int page = 0; !e && !done && query && page < 100000; page++) {
        if (atomic_load(&P.stop)) {
            e = "stopping";
            break;
        }
        char *url = NULL;
        if (asprintf(&url, "%s/api/v1/feed.atom%s", s->cfg->url, query) < 0) url = NULL;
        free(query);
        query = NULL;
        if (!url) {
            e = "out of memory";
            break;
        }
        e = http_get(url, &b, why, why_size);
        free(url);
        if (e) break;
        xmlDocPtr doc = xmlReadMemory(b.data, (int)b.len, "feed.atom", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (!root || !is_ns(root, "feed", ATOM_NS)) {
            xmlFreeDoc(doc);
            e = "the feed is not Atom";
            break;
        }
        for (xmlNodePtr c = root->children; c && !e; c = c->next) {
            if (!is_ns(c, "entry", ATOM_NS)) continue;
            feed_entry fe;
            entry_read(c, &fe);
            time_t t = parse_time((const char *)fe.updated);
            if (!fe.id) {
                entry_free(&fe);
                continue;
            }
            if (!newest[0] && fe.updated) snprintf(newest, newest_size, "%s", fe.updated);
            if (stop_before && t && t < stop_before) {
                done = true;
                entry_free(&fe);
                break;
            }
            if (!handle_entry(s, &fe)) e = "database unavailable";
            entry_free(&fe);
        }
        if (!e && !done) {
            query = next_query(root);
            if (!query) done = true;
        }
        xmlFreeDoc(doc);
    }
    free(query);
    gk_buf_free(&b);
    return e;
}

/* ---- threads ------------------------------------------------------------------------- */

static void *body_thread(void *arg)
{
    body_state *s = arg;
    char why[512], newest[64];
    while (!atomic_load(&P.stop)) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        const char *e = pull(s, why, sizeof why, newest, sizeof newest);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        atomic_store(&s->last_pull_ms,
                     (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
        if (atomic_load(&P.stop)) break;
        if (e) {
            atomic_fetch_add(&s->pulls_failed, 1);
            atomic_store(&s->up, 0);
            gk_log("warn", "national pull failed",
                   json_pack("{s:s, s:s}", "body", s->cfg->code, "error", e));
        } else {
            atomic_fetch_add(&s->pulls_ok, 1);
            atomic_store(&s->up, 1);
        }
        gk_svc_national_pulled(s->cfg->code, e, !e && newest[0] ? newest : NULL);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += P.interval_s;
        pthread_mutex_lock(&P.mu);
        while (!atomic_load(&P.stop) && pthread_cond_timedwait(&P.cv, &P.mu, &until) != ETIMEDOUT) {
        }
        pthread_mutex_unlock(&P.mu);
    }
    return NULL;
}

bool gk_national_start(gk_national_config *c, unsigned interval_s, unsigned timeout_s, char **err)
{
    *err = NULL;
    xmlInitParser(); /* before any thread parses */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        *err = gk_strfmt("curl_global_init failed");
        return false;
    }
    P.cfg = c;
    P.n = c->n;
    P.interval_s = interval_s ? interval_s : 60;
    P.timeout_s = timeout_s ? timeout_s : 20;
    P.bodies = calloc(c->n, sizeof *P.bodies);
    if (!P.bodies) {
        *err = gk_strfmt("out of memory");
        return false;
    }
    for (size_t i = 0; i < c->n; i++) {
        body_cfg *b = &c->b[i];
        if (!gk_svc_national_body_configure(b->code, b->url, (const char *const *)b->keys,
                                            b->n_keys)) {
            *err = gk_strfmt("cannot record body %s in the database", b->code);
            return false;
        }
        P.bodies[i].cfg = b;
        atomic_store(&P.bodies[i].up, -1);
        atomic_store(&P.bodies[i].last_pull_ms, -1);
    }
    atomic_store(&P.stop, false);
    for (size_t i = 0; i < c->n; i++) {
        if (pthread_create(&P.bodies[i].th, NULL, body_thread, &P.bodies[i])) {
            *err = gk_strfmt("cannot start the puller of body %s", c->b[i].code);
            gk_national_stop();
            return false;
        }
        P.bodies[i].started = true;
    }
    atomic_store(&P.running, true);
    gk_log("info", "national aggregator started",
           json_pack("{s:i, s:i}", "bodies", (int)c->n, "interval_s", (int)P.interval_s));
    return true;
}

void gk_national_stop(void)
{
    if (!P.bodies) return;
    pthread_mutex_lock(&P.mu);
    atomic_store(&P.stop, true);
    pthread_cond_broadcast(&P.cv);
    pthread_mutex_unlock(&P.mu);
    for (size_t i = 0; i < P.n; i++)
        if (P.bodies[i].started) pthread_join(P.bodies[i].th, NULL);
    free(P.bodies);
    P.bodies = NULL;
    gk_national_config_free(P.cfg);
    P.cfg = NULL;
    P.n = 0;
    atomic_store(&P.running, false);
    curl_global_cleanup();
}

bool gk_national_enabled(void)
{
    return atomic_load(&P.running);
}

void gk_national_metrics_write(FILE *out)
{
    if (!atomic_load(&P.running)) return;
    fputs("# HELP giteki_national_body_up Whether the last pull of the body's feed succeeded"
          " (-1: not pulled yet).\n# TYPE giteki_national_body_up gauge\n",
          out);
    for (size_t i = 0; i < P.n; i++)
        fprintf(out, "giteki_national_body_up{body=\"%s\"} %d\n", P.bodies[i].cfg->code,
                atomic_load(&P.bodies[i].up));
    fputs("# HELP giteki_national_last_pull_seconds How long the last pull of the body took.\n"
          "# TYPE giteki_national_last_pull_seconds gauge\n",
          out);
    for (size_t i = 0; i < P.n; i++) {
        long ms = atomic_load(&P.bodies[i].last_pull_ms);
        if (ms >= 0)
            fprintf(out, "giteki_national_last_pull_seconds{body=\"%s\"} %.3f\n",
                    P.bodies[i].cfg->code, (double)ms / 1000.0);
    }
    fputs("# HELP giteki_national_pulls_total Pulls of the body's feed since start, by result.\n"
          "# TYPE giteki_national_pulls_total counter\n",
          out);
    for (size_t i = 0; i < P.n; i++)
        fprintf(out,
                "giteki_national_pulls_total{body=\"%s\",result=\"ok\"} %lu\n"
                "giteki_national_pulls_total{body=\"%s\",result=\"failed\"} %lu\n",
                P.bodies[i].cfg->code, atomic_load(&P.bodies[i].pulls_ok), P.bodies[i].cfg->code,
                atomic_load(&P.bodies[i].pulls_failed));
    fputs("# HELP giteki_national_accepted_total Feed entries verified and stored since start.\n"
          "# TYPE giteki_national_accepted_total counter\n",
          out);
    for (size_t i = 0; i < P.n; i++)
        fprintf(out, "giteki_national_accepted_total{body=\"%s\"} %lu\n", P.bodies[i].cfg->code,
                atomic_load(&P.bodies[i].accepted));
    fputs("# HELP giteki_national_rejected_total Feed entries refused because they do not verify"
          " (new refusals since start; listed at /api/v1/national/rejections).\n"
          "# TYPE giteki_national_rejected_total counter\n",
          out);
    for (size_t i = 0; i < P.n; i++)
        fprintf(out, "giteki_national_rejected_total{body=\"%s\"} %lu\n", P.bodies[i].cfg->code,
                atomic_load(&P.bodies[i].rejected));
    fputs("# HELP giteki_national_unsigned_total Feed entries without a signed record (imported"
          " certificates): listed, not stored, not counted as refusals.\n"
          "# TYPE giteki_national_unsigned_total counter\n",
          out);
    for (size_t i = 0; i < P.n; i++)
        fprintf(out, "giteki_national_unsigned_total{body=\"%s\"} %lu\n", P.bodies[i].cfg->code,
                atomic_load(&P.bodies[i].unsigned_));
}
