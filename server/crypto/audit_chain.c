/* The audit log hash chain (see audit_chain.h). */
#include "crypto/audit_chain.h"

#include "crypto/canonical_json.h"
#include "db/audit.h"
#include "util/hex.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_audit_register(void)
{
    gk_db_audit_register();
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
    gk_hex_encode(b, n, out, 2 * n + 1);
}

static bool from_hex(const char *s, unsigned char *out, size_t n)
{
    size_t len = 0;
    return s && strlen(s) == 2 * n && gk_hex_decode(s, 2 * n, out, n, &len) && len == n;
}

/* The object that is hashed; NULL on allocation failure. */
static json_t *hashed_object(const gk_audit_entry *e)
{
    char prev[2 * GK_AUDIT_HASH_LEN + 1];
    to_hex(e->prev_hash, GK_AUDIT_HASH_LEN, prev);
    json_t *detail = e->detail ? json_deep_copy(e->detail) : json_object();
    return json_pack("{s:i, s:I, s:s, s:s, s:s, s:s*, s:o, s:s}", "v", 1, "seq", (json_int_t)e->seq,
                     "at", e->at ? e->at : "", "actor", e->actor ? e->actor : "", "action",
                     e->action ? e->action : "", "object", e->object, "detail", detail, "prev_hash",
                     prev);
}

bool gk_audit_hash(const gk_audit_entry *e, unsigned char out[GK_AUDIT_HASH_LEN])
{
    if (e->detail && !json_is_object(e->detail)) return false;
    json_t *o = hashed_object(e);
    if (!o) return false;
    char *text = gk_canonical_json(o);
    json_decref(o);
    if (!text) return false;
    unsigned int len = 0;
    bool ok = EVP_Digest(text, strlen(text), out, &len, EVP_sha256(), NULL) == 1 &&
              len == GK_AUDIT_HASH_LEN;
    free(text);
    return ok;
}

long gk_audit_verify_entries(const gk_audit_entry *entries, size_t n,
                             const unsigned char *start_prev)
{
    for (size_t i = 0; i < n; i++) {
        const gk_audit_entry *e = &entries[i];
        const unsigned char *expect_prev = i ? entries[i - 1].hash : start_prev;
        if (expect_prev && memcmp(e->prev_hash, expect_prev, GK_AUDIT_HASH_LEN) != 0)
            return (long)i;
        if (i && e->seq != entries[i - 1].seq + 1) return (long)i;
        unsigned char h[GK_AUDIT_HASH_LEN];
        if (!gk_audit_hash(e, h) || memcmp(h, e->hash, GK_AUDIT_HASH_LEN) != 0) return (long)i;
    }
    return -1;
}

gk_tx_status gk_audit_append_as(PGconn *c, const char *actor, const char *actor_user_id,
                                const char *action, const char *object, const json_t *detail)
{
    long long head = 0;
    char head_hex[65], at[40];
    gk_tx_status s = gk_db_audit_head_lock(c, &head, head_hex, at);
    if (s != GK_TX_OK) return s;
    gk_audit_entry e = {.seq = head + 1,
                        .at = at,
                        .actor = actor,
                        .action = action,
                        .object = object,
                        .detail = detail};
    if (!from_hex(head_hex, e.prev_hash, GK_AUDIT_HASH_LEN) || !gk_audit_hash(&e, e.hash))
        return GK_TX_HARD;

    json_t *d = detail ? (json_t *)detail : json_object();
    char *dtext = d ? gk_canonical_json(d) : NULL;
    if (!detail) json_decref(d);
    if (!dtext) return GK_TX_HARD;
    char prev[2 * GK_AUDIT_HASH_LEN + 1], hash[2 * GK_AUDIT_HASH_LEN + 1];
    to_hex(e.prev_hash, GK_AUDIT_HASH_LEN, prev);
    to_hex(e.hash, GK_AUDIT_HASH_LEN, hash);
    s = gk_db_audit_insert(c, e.seq, at, actor, actor_user_id, action, object, dtext, prev, hash);
    free(dtext);
    return s;
}

gk_tx_status gk_audit_append(PGconn *c, const char *actor_user_id, const char *action,
                             const char *object, const json_t *detail)
{
    char actor[64];
    if (actor_user_id)
        snprintf(actor, sizeof actor, "user:%s", actor_user_id);
    else
        snprintf(actor, sizeof actor, "system");
    return gk_audit_append_as(c, actor, actor_user_id, action, object, detail);
}

bool gk_audit_verify_db(PGconn *c, long long *checked, long long *first_broken, char *why,
                        size_t why_len)
{
    *checked = 0;
    *first_broken = 0;
    if (why_len) why[0] = 0;
    unsigned char prev[GK_AUDIT_HASH_LEN] = {0};
    long long last_seq = 0;
    for (;;) {
        gk_db_audit_page page;
        if (gk_db_audit_read_page(c, last_seq, &page) != GK_TX_OK) return false;
        size_t n = page.n;
        gk_audit_entry *es = calloc(n ? n : 1, sizeof *es);
        json_t **details = calloc(n ? n : 1, sizeof *details);
        if (!es || !details) {
            free(es);
            free(details);
            gk_db_audit_page_free(&page);
            return false;
        }
        long bad = -1;
        for (size_t i = 0; i < n; i++) {
            const gk_db_audit_row *row = &page.rows[i];
            gk_audit_entry *e = &es[i];
            e->seq = row->seq;
            e->at = row->at;
            e->actor = row->actor;
            e->action = row->action;
            e->object = row->object;
            details[i] = json_loads(row->detail, 0, NULL);
            e->detail = details[i];
            if (!details[i] || !from_hex(row->prev_hex, e->prev_hash, GK_AUDIT_HASH_LEN) ||
                !from_hex(row->hash_hex, e->hash, GK_AUDIT_HASH_LEN)) {
                if (bad < 0) bad = (long)i;
            }
        }
        long v_bad = gk_audit_verify_entries(es, n, prev);
        if (v_bad >= 0 && (bad < 0 || v_bad < bad)) bad = v_bad;
        /* The first entry must be seq 1 and follow the previous page without a gap. */
        if (n > 0 && es[0].seq != last_seq + 1 && (bad < 0 || bad > 0)) bad = 0;
        if (bad >= 0) {
            *first_broken = es[bad].seq;
            *checked += bad;
            if (why_len)
                snprintf(why, why_len, "entry %lld does not match its hash or its predecessor",
                         es[bad].seq);
        } else if (n > 0) {
            *checked += (long long)n;
            memcpy(prev, es[n - 1].hash, GK_AUDIT_HASH_LEN);
            last_seq = es[n - 1].seq;
        }
        for (size_t i = 0; i < n; i++)
            json_decref(details[i]);
        free(es);
        free(details);
        gk_db_audit_page_free(&page);
        if (bad >= 0) return true;
        if (n < GK_DB_AUDIT_PAGE) break;
    }
    /* The head must be the last entry read: entries removed from the end show here. */
    long long head = 0;
    if (gk_db_audit_head_seq(c, &head) != GK_TX_OK) return false;
    if (head != last_seq) {
        *first_broken = last_seq + 1;
        if (why_len)
            snprintf(why, why_len, "the chain head is at %lld but the log ends at %lld", head,
                     last_seq);
    }
    return true;
}
