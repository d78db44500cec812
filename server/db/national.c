/* The national view's statements (see national.h). */
#include "db/national.h"

#include "db/db.h"
#include "db/run.h"
#include "db/tx.h"
#include "log.h"
#include "render/buf.h"
#include "util/hex.h"
#include "crypto/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NC_ITEM                                                                                    \
    "json_build_object('body', n.body_code, 'number', n.number, 'route', n.route,"                 \
    " 'category', n.category, 'manufacturer', n.manufacturer, 'model_name', n.model_name,"         \
    " 'type_name', n.type_name, 'granted_on', to_char(n.granted_on, 'YYYY-MM-DD'),"                \
    " 'rule_set', n.rule_set, 'grandfathered', n.grandfathered, 'basis', n.basis,"                 \
    " 'status', n.status,"                                                                         \
    " 'status_changed_on', to_char(n.status_changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"         \
    " 'feed_entry_id', n.feed_entry_id,"                                                           \
    " 'fetched_at', to_char(n.fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"   \
    " 'key_id', n.key_id, 'verified', true)"

/* The filters $1 body, $2 text, $3 status, $4 category (NULL: any). The text is matched as a
 * substring of maker, model, type and number (LIKE wildcards in it are taken literally). */
#define NC_WHERE                                                                                   \
    " WHERE ($1::text IS NULL OR n.body_code = $1)"                                                \
    " AND ($2::text IS NULL OR (n.manufacturer || ' ' || n.model_name || ' ' ||"                   \
    "      coalesce(n.type_name, '') || ' ' || n.number) ILIKE '%' ||"                             \
    "      replace(replace(replace($2, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')"            \
    " AND ($3::text IS NULL OR n.status = $3)"                                                     \
    " AND ($4::text IS NULL OR n.category = $4)"

#define COUNT_BY(col)                                                                              \
    "(SELECT coalesce(json_agg(json_build_object('value', v, 'count', c) ORDER BY v), '[]')"       \
    " FROM (SELECT " col " AS v, count(*) AS c FROM national_certificates n" NC_WHERE              \
    " GROUP BY 1) s)"

static const gk_stmt stmts[] = {
    {"national_signed",
     "SELECT number, canonical_json::text, encode(signature, 'hex'), key_id FROM certificates"
     " WHERE number = ANY($1::text[]) AND signature IS NOT NULL"},
    {"national_body_upsert",
     "INSERT INTO national_bodies AS b (code, base_url, pinned_key_ids) VALUES ($1, $2, $3::text[])"
     " ON CONFLICT (code) DO UPDATE SET base_url = EXCLUDED.base_url,"
     " pinned_key_ids = EXCLUDED.pinned_key_ids,"
     /* another URL or other keys: read the whole feed again (entries refused before, say as
      * unknown_key until the new key was pinned, are checked afresh; accepted ones skipped) */
     " hw_at = CASE WHEN (b.base_url, b.pinned_key_ids)"
     "   IS DISTINCT FROM (EXCLUDED.base_url, EXCLUDED.pinned_key_ids) THEN NULL ELSE b.hw_at END"},
    {"national_body_position",
     "SELECT coalesce(to_char(hw_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '')"
     " FROM national_bodies WHERE code = $1"},
    {"national_body_pulled",
     "UPDATE national_bodies SET last_attempt_at = now(),"
     " last_success_at = CASE WHEN $2::text IS NULL THEN now() ELSE last_success_at END,"
     " last_error = $2, hw_at = CASE WHEN $2::text IS NULL AND $3::timestamptz IS NOT NULL"
     " THEN greatest(hw_at, $3::timestamptz) ELSE hw_at END WHERE code = $1"},
    {"national_entry_known",
     "SELECT 1 FROM national_entries WHERE body_code = $1 AND entry_id = $2"
     " UNION ALL SELECT 2 FROM national_rejections"
     " WHERE body_code = $1 AND entry_id = $2 AND reason = 'unsigned' LIMIT 1"},
    {"national_entry_insert",
     "INSERT INTO national_entries (body_code, entry_id, number, event, updated_at)"
     " VALUES ($1, $2, $3, $4, $5::timestamptz) ON CONFLICT DO NOTHING RETURNING 1"},
    {"national_cert_upsert",
     "INSERT INTO national_certificates AS n (body_code, number, route, category, manufacturer,"
     " model_name, type_name, granted_on, rule_set, grandfathered, basis, status,"
     " status_changed_at, status_entry_seq, signed_payload, signature, key_id, feed_entry_id)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10::boolean, $11, $12,"
     " $13::timestamptz, $14::bigint, $15, $16, $17, $18)"
     " ON CONFLICT (body_code, number) DO UPDATE SET"
     " status = CASE WHEN (EXCLUDED.status_changed_at, EXCLUDED.status_entry_seq)"
     "   > (n.status_changed_at, n.status_entry_seq) THEN EXCLUDED.status ELSE n.status END,"
     " feed_entry_id = CASE WHEN (EXCLUDED.status_changed_at, EXCLUDED.status_entry_seq)"
     "   > (n.status_changed_at, n.status_entry_seq) THEN EXCLUDED.feed_entry_id"
     "   ELSE n.feed_entry_id END,"
     " status_changed_at = greatest(n.status_changed_at, EXCLUDED.status_changed_at),"
     " status_entry_seq = CASE WHEN (EXCLUDED.status_changed_at, EXCLUDED.status_entry_seq)"
     "   > (n.status_changed_at, n.status_entry_seq) THEN EXCLUDED.status_entry_seq"
     "   ELSE n.status_entry_seq END,"
     " route = EXCLUDED.route, category = EXCLUDED.category,"
     " manufacturer = EXCLUDED.manufacturer, model_name = EXCLUDED.model_name,"
     " type_name = EXCLUDED.type_name, granted_on = EXCLUDED.granted_on,"
     " rule_set = EXCLUDED.rule_set, grandfathered = EXCLUDED.grandfathered,"
     " basis = EXCLUDED.basis, signed_payload = EXCLUDED.signed_payload,"
     " signature = EXCLUDED.signature, key_id = EXCLUDED.key_id, fetched_at = now()"},
    {"national_body_accepted",
     "UPDATE national_bodies SET accepted_total = accepted_total + 1 WHERE code = $1"},
    {"national_reject",
     "INSERT INTO national_rejections AS r (body_code, entry_id, number, reason, detail)"
     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (body_code, entry_id, reason) DO UPDATE"
     " SET seen = r.seen + 1, last_seen = now(), detail = EXCLUDED.detail"
     " RETURNING (xmax = 0)"},
    /* an unsigned entry (an imported certificate) is listed but not counted as a refusal: it
     * is what a body that imported its old register publishes, not a sign of tampering */
    {"national_body_rejected", "UPDATE national_bodies SET rejected_total = rejected_total + 1"
                               " WHERE code = $1 AND $2::text <> 'unsigned'"},
    {"national_search",
     "SELECT " NC_ITEM ", n.body_code || ':' || n.number FROM national_certificates n" NC_WHERE
     " AND ($5::text IS NULL OR (n.body_code, n.number) > ($5, $6))"
     " ORDER BY n.body_code, n.number LIMIT $7::int"},
    {"national_stats",
     "SELECT json_build_object('total', (SELECT count(*) FROM national_certificates n" NC_WHERE
     "), 'by_body', " COUNT_BY("n.body_code") ", 'by_status', " COUNT_BY(
         "n.status") ", 'by_category', " COUNT_BY("n.category") ")"},
    {"national_rejections",
     "SELECT json_build_object('id', r.id, 'body', r.body_code, 'entry_id', r.entry_id,"
     " 'number', r.number, 'reason', r.reason, 'detail', r.detail,"
     " 'first_seen', to_char(r.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " 'last_seen', to_char(r.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " 'seen', r.seen) FROM national_rejections r"
     " WHERE ($1::text IS NULL OR r.body_code = $1) ORDER BY r.last_seen DESC, r.id DESC"
     " LIMIT $2::int"},
    {"national_bodies",
     "SELECT json_build_object('code', b.code, 'base_url', b.base_url,"
     " 'pinned_key_ids', to_json(b.pinned_key_ids),"
     " 'last_attempt_at', to_char(b.last_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " 'last_success_at', to_char(b.last_success_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " 'last_error', b.last_error, 'up', b.last_attempt_at IS NOT NULL AND b.last_error IS NULL,"
     " 'accepted_total', b.accepted_total, 'rejected_total', b.rejected_total,"
     " 'certificates', (SELECT count(*) FROM national_certificates c WHERE c.body_code = b.code))"
     " FROM national_bodies b ORDER BY b.code"},
};

void gk_national_db_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

static gk_error err_of(gk_tx_status s)
{
    return s == GK_TX_OK ? GK_ERR_OK : gk_tx_error(s);
}

/* A text[] literal of safe words (letters, digits, '-', '.', '_'): others are left out. */
static bool array_literal(gk_buf *b, const char *const *words, size_t n)
{
    int rc = gk_buf_puts(b, "{");
    size_t used = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *w = words[i];
        if (!w || !*w || strlen(w) > 64 ||
            strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._") !=
                strlen(w))
            continue;
        rc = gk_buf_appendf(b, "%s\"%s\"", used++ ? "," : "", w);
    }
    return !rc && !gk_buf_puts(b, "}");
}

gk_error gk_national_db_signed(const char *const *numbers, size_t n, json_t **out)
{
    *out = json_object();
    if (!*out) return GK_ERR_INTERNAL;
    if (!n) return GK_ERR_OK;
    gk_buf b = {0};
    if (!array_literal(&b, numbers, n)) {
        gk_buf_free(&b);
        return GK_ERR_INTERNAL;
    }
    const char *v[] = {gk_buf_cstr(&b)};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(gk_db_read_conn(), "national_signed", 1, v, &res, NULL, NULL);
    gk_buf_free(&b);
    if (s != GK_TX_OK) {
        json_decref(*out);
        *out = NULL;
        return err_of(s);
    }
    for (int i = 0; i < PQntuples(res); i++) {
        const char *hex = PQgetvalue(res, i, 2);
        unsigned char raw[128];
        size_t len = 0;
        if (!gk_hex_decode(hex, strlen(hex), raw, sizeof raw, &len)) continue;
        char *sig = gk_base64_encode(raw, len, GK_B64_URL);
        if (!sig) continue;
        json_object_set_new(*out, PQgetvalue(res, i, 0),
                            json_pack("{s:s, s:s, s:s}", "payload", PQgetvalue(res, i, 1),
                                      "signature", sig, "key_id", PQgetvalue(res, i, 3)));
        free(sig);
    }
    PQclear(res);
    return GK_ERR_OK;
}

gk_error gk_national_db_body_upsert(const char *code, const char *base_url,
                                    const char *const *key_ids, size_t n_keys)
{
    gk_buf b = {0};
    if (!array_literal(&b, key_ids, n_keys)) {
        gk_buf_free(&b);
        return GK_ERR_INTERNAL;
    }
    const char *v[] = {code, base_url, gk_buf_cstr(&b)};
    gk_tx_status s = gk_db_run(gk_db_conn(), "national_body_upsert", 3, v, NULL, NULL, NULL);
    gk_buf_free(&b);
    return err_of(s);
}

gk_error gk_national_db_body_position(const char *code, char *hw, size_t hw_size)
{
    hw[0] = 0;
    const char *v[] = {code};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(gk_db_conn(), "national_body_position", 1, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return err_of(s);
    if (PQntuples(res) == 1) gk_db_text(hw, hw_size, res, 0, 0);
    PQclear(res);
    return GK_ERR_OK;
}

gk_error gk_national_db_body_pulled(const char *code, const char *error, const char *new_hw)
{
    const char *v[] = {code, error, new_hw};
    return err_of(gk_db_run(gk_db_conn(), "national_body_pulled", 3, v, NULL, NULL, NULL));
}

gk_error gk_national_db_entry_known(const char *code, const char *entry_id, int *known)
{
    *known = 0;
    const char *v[] = {code, entry_id};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(gk_db_conn(), "national_entry_known", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return err_of(s);
    *known = PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    return GK_ERR_OK;
}

static const char *field(json_t *doc, const char *k)
{
    return json_string_value(json_object_get(doc, k));
}

static gk_tx_status accept_tx(PGconn *c, void *ctx)
{
    const gk_national_entry *e = ctx;
    const char *ev[] = {e->body_code, e->entry_id, e->number, e->event, e->updated};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "national_entry_insert", 5, ev, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    bool inserted = PQntuples(res) == 1;
    PQclear(res);
    if (!inserted) return GK_TX_OK; /* accepted before (another pull, another instance) */
    /* the event's sequence: the digits that end the entry id */
    const char *end = e->entry_id + strlen(e->entry_id), *d = end;
    while (d > e->entry_id && d[-1] >= '0' && d[-1] <= '9' && end - d < 18)
        d--;
    const char *seq = d < end ? d : "0";
    json_t *gf = json_object_get(e->doc, "grandfathered");
    const char *cv[] = {e->body_code,
                        e->number,
                        field(e->doc, "route"),
                        field(e->doc, "category"),
                        field(e->doc, "manufacturer"),
                        field(e->doc, "model_name"),
                        field(e->doc, "type_name"),
                        field(e->doc, "granted_on"),
                        field(e->doc, "rule_set"),
                        json_is_true(gf) ? "true" : "false",
                        field(e->doc, "basis"),
                        e->status,
                        e->updated,
                        seq,
                        e->payload,
                        e->signature,
                        e->key_id,
                        e->entry_id};
    s = gk_db_run(c, "national_cert_upsert", 18, cv, NULL, NULL, NULL);
    const char *bv[] = {e->body_code};
    if (s == GK_TX_OK) s = gk_db_run(c, "national_body_accepted", 1, bv, NULL, NULL, NULL);
    return s;
}

gk_error gk_national_db_accept(const gk_national_entry *e)
{
    return err_of(gk_tx_run(GK_TX_READ_COMMITTED, accept_tx, (void *)e));
}

typedef struct {
    const char *const *v;
    bool is_new;
} reject_ctx;

static gk_tx_status reject_tx(PGconn *c, void *ctx)
{
    reject_ctx *x = ctx;
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "national_reject", 5, x->v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    x->is_new = PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t");
    PQclear(res);
    const char *bv[] = {x->v[0], x->v[3]}; /* body, reason */
    if (x->is_new) s = gk_db_run(c, "national_body_rejected", 2, bv, NULL, NULL, NULL);
    return s;
}

gk_error gk_national_db_reject(const char *code, const char *entry_id, const char *number,
                               const char *reason, const char *detail, bool *is_new)
{
    const char *v[] = {code, entry_id, number, reason, detail};
    reject_ctx x = {v, false};
    gk_error e = err_of(gk_tx_run(GK_TX_READ_COMMITTED, reject_tx, &x));
    *is_new = x.is_new;
    return e;
}

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

gk_error gk_national_db_search(const gk_national_query *q, json_t **items, char **next)
{
    *items = NULL;
    *next = NULL;
    char *after_body = NULL;
    const char *after_number = NULL;
    if (nz(q->after)) {
        after_body = strdup(q->after);
        char *colon = after_body ? strchr(after_body, ':') : NULL;
        if (!colon) {
            free(after_body);
            return GK_ERR_BAD_QUERY;
        }
        *colon = 0;
        after_number = colon + 1;
    }
    char lim[16];
    snprintf(lim, sizeof lim, "%d", q->limit + 1);
    const char *v[] = {nz(q->body),  nz(q->q), nz(q->status), nz(q->category), after_body,
                       after_number, lim};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(gk_db_read_conn(), "national_search", 7, v, &res, NULL, NULL);
    free(after_body);
    if (s != GK_TX_OK) return err_of(s);
    json_t *a = json_array();
    int n = PQntuples(res), shown = n > q->limit ? q->limit : n;
    for (int i = 0; a && i < shown; i++) {
        json_t *o = json_loads(PQgetvalue(res, i, 0), 0, NULL);
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            a = NULL;
        }
    }
    if (a && n > q->limit) *next = strdup(PQgetvalue(res, shown - 1, 1));
    PQclear(res);
    *items = a;
    return a ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_national_db_stats(const gk_national_query *q, json_t **out)
{
    const char *v[] = {nz(q->body), nz(q->q), nz(q->status), nz(q->category)};
    return err_of(gk_db_run_json(gk_db_read_conn(), "national_stats", 4, v, out, NULL, NULL));
}

static gk_error json_rows(const char *name, int n, const char *const *v, json_t **items)
{
    *items = NULL;
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(gk_db_read_conn(), name, n, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return err_of(s);
    json_t *a = json_array();
    for (int i = 0; a && i < PQntuples(res); i++) {
        json_t *o = json_loads(PQgetvalue(res, i, 0), 0, NULL);
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            a = NULL;
        }
    }
    PQclear(res);
    *items = a;
    return a ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_national_db_rejections(const char *body, int limit, json_t **items)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    const char *v[] = {nz(body), lim};
    return json_rows("national_rejections", 2, v, items);
}

gk_error gk_national_db_bodies(json_t **items)
{
    return json_rows("national_bodies", 0, NULL, items);
}
