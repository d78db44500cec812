/* The CC registry statements, the import transaction and the reads (see cc.h). */
#include "db/cc.h"

#include "cc/csv.h"
#include "crypto/base64.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/date.h"
#include "log.h"
#include "render/buf.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CC_COLUMNS                                                                                 \
    "c.id, c.name, c.manufacturer, c.category, c.scheme, c.assurance_level,"                       \
    " array_to_json(c.protection_profiles)::text, c.certified_on::text, c.valid_until::text,"      \
    " c.status, c.report_url, c.st_url,"                                                           \
    " to_char(c.first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"              \
    " to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const gk_stmt stmts[] = {
    /* Serialises imports: two imports of overlapping files would otherwise deadlock. */
    {"cc_import_lock", "SELECT pg_advisory_xact_lock(hashtext('giteki.cc_import'))"},
    /* Insert, update when the base row changed, or report it unchanged: one round trip.
     * The outer SELECT sees the snapshot before the INSERT, so an unchanged row is found by
     * its key and a new one only through `up`. */
    {"cc_upsert",
     "WITH up AS ("
     " INSERT INTO cc_certificates AS c (name, manufacturer, category, scheme, assurance_level,"
     "  protection_profiles, certified_on, valid_until, status, report_url, st_url,"
     "  source_row_hash)"
     " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text[], $7::date,"
     "  $8::date, $9::text, $10::text, $11::text, decode($12::text, 'hex'))"
     " ON CONFLICT ON CONSTRAINT cc_certificates_natural_key DO UPDATE SET"
     "  category = EXCLUDED.category, assurance_level = EXCLUDED.assurance_level,"
     "  protection_profiles = EXCLUDED.protection_profiles, valid_until = EXCLUDED.valid_until,"
     "  status = EXCLUDED.status, report_url = EXCLUDED.report_url, st_url = EXCLUDED.st_url,"
     "  source_row_hash = EXCLUDED.source_row_hash, updated_at = now()"
     " WHERE c.source_row_hash IS DISTINCT FROM EXCLUDED.source_row_hash"
     " RETURNING c.id, (c.xmax = 0) AS inserted)"
     " SELECT id, CASE WHEN inserted THEN 'imported' ELSE 'updated' END FROM up"
     " UNION ALL"
     " SELECT id, 'unchanged' FROM cc_certificates"
     "  WHERE name = $1::text AND manufacturer = $2::text AND certified_on = $7::date"
     "   AND scheme = $4::text AND NOT EXISTS (SELECT 1 FROM up)"},
    /* Maintenance updates of one certificate: added, or their URLs corrected; the count of
     * rows written tells whether anything changed. */
    {"cc_maint_upsert",
     "WITH up AS ("
     " INSERT INTO cc_maintenance_updates AS m (cc_certificate_id, maintained_on, title,"
     "  report_url, st_url)"
     " SELECT $1::uuid, d, t, r, s"
     "  FROM unnest($2::date[], $3::text[], $4::text[], $5::text[]) AS u(d, t, r, s)"
     " ON CONFLICT ON CONSTRAINT cc_maintenance_updates_natural_key DO UPDATE SET"
     "  report_url = EXCLUDED.report_url, st_url = EXCLUDED.st_url"
     " WHERE (m.report_url, m.st_url) IS DISTINCT FROM (EXCLUDED.report_url, EXCLUDED.st_url)"
     " RETURNING 1)"
     " SELECT count(*) FROM up"},
    {"cc_touch", "UPDATE cc_certificates SET updated_at = now() WHERE id = $1::uuid"},
    {"cc_list", "SELECT " CC_COLUMNS " FROM cc_certificates c"
                " WHERE ($1::text IS NULL OR c.name ILIKE '%' || $1::text || '%'"
                "        OR c.manufacturer ILIKE '%' || $1::text || '%')"
                "   AND ($2::text IS NULL OR c.scheme = $2::text)"
                "   AND ($3::text IS NULL OR c.status = $3::text)"
                "   AND ($4::text IS NULL OR (c.name::text, c.manufacturer::text, c.certified_on,"
                "        c.scheme) > ($4::text, $5::text, $6::date, $7::text))"
                " ORDER BY c.name, c.manufacturer, c.certified_on, c.scheme"
                " LIMIT $8::int"},
    {"cc_get",
     "SELECT " CC_COLUMNS ","
     " (SELECT coalesce(json_agg(json_build_object('date', m.maintained_on, 'title', m.title,"
     "   'report_url', m.report_url, 'st_url', m.st_url) ORDER BY m.maintained_on, m.id),"
     "   '[]'::json) FROM cc_maintenance_updates m WHERE m.cc_certificate_id = c.id)::text"
     " FROM cc_certificates c WHERE c.id = $1::uuid"},
};

void gk_cc_db_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

/* ---- sources --------------------------------------------------------------------------- */

static ssize_t mem_read(void *ctx, void *buf, size_t cap)
{
    gk_cc_mem *m = ctx;
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static bool mem_rewind(void *ctx)
{
    ((gk_cc_mem *)ctx)->pos = 0;
    return true;
}

gk_cc_source gk_cc_source_mem(gk_cc_mem *m, const char *data, size_t len)
{
    *m = (gk_cc_mem){data, len, 0};
    return (gk_cc_source){mem_read, mem_rewind, m};
}

/* ---- the import ------------------------------------------------------------------------ */

typedef struct {
    const gk_cc_source *src;
    bool archived;
    gk_cc_report *rep;
    PGconn *conn;
    gk_tx_status st; /* set by a callback that failed */
    bool read_failed;
    gk_buf pps, dates, titles, reports, sts;
} import_ctx;

/* A PostgreSQL array literal element: quoted, with \ and " escaped; NULL for absent. */
static void array_add(gk_buf *b, const char *s)
{
    gk_buf_puts(b, b->len > 1 ? "," : "");
    if (!s) {
        gk_buf_puts(b, "NULL");
        return;
    }
    gk_buf_puts(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\') gk_buf_puts(b, "\\");
        gk_buf_append(b, p, 1);
    }
    gk_buf_puts(b, "\"");
}

static int on_cert(void *vctx, const gk_cc_cert *c)
{
    import_ctx *x = vctx;
    char hex[65], d1[GK_DATE_BUF], d2[GK_DATE_BUF];
    gk_hex_encode(c->hash, sizeof c->hash, hex, sizeof hex);
    gk_date_format(c->certified_on, d1);
    if (c->valid_until != GK_DATE_NONE) gk_date_format(c->valid_until, d2);
    gk_buf_reset(&x->pps);
    gk_buf_puts(&x->pps, "{");
    for (size_t i = 0; i < c->n_protection_profiles; i++)
        array_add(&x->pps, c->protection_profiles[i]);
    gk_buf_puts(&x->pps, "}");
    if (x->pps.failed) {
        x->st = GK_TX_HARD;
        return 1;
    }
    const char *v[12] = {c->name,
                         c->manufacturer,
                         c->category,
                         c->scheme,
                         c->assurance_level,
                         x->pps.data,
                         d1,
                         c->valid_until != GK_DATE_NONE ? d2 : NULL,
                         c->archived ? "archived" : "active",
                         c->report_url,
                         c->st_url,
                         hex};
    PGresult *r = gk_db_exec(x->conn, "cc_upsert", 12, v);
    gk_tx_status s = gk_tx_check(r, "cc_upsert");
    if (s != GK_TX_OK || PQntuples(r) != 1) {
        if (r) PQclear(r);
        x->st = s != GK_TX_OK ? s : GK_TX_HARD;
        return 1;
    }
    char id[40];
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    const char *what = PQgetvalue(r, 0, 1);
    int kind = !strcmp(what, "imported") ? 0 : !strcmp(what, "updated") ? 1 : 2;
    PQclear(r);

    if (c->n_maintenance) {
        gk_buf *bufs[4] = {&x->dates, &x->titles, &x->reports, &x->sts};
        for (int i = 0; i < 4; i++) {
            gk_buf_reset(bufs[i]);
            gk_buf_puts(bufs[i], "{");
        }
        for (size_t i = 0; i < c->n_maintenance; i++) {
            char md[GK_DATE_BUF];
            array_add(&x->dates, gk_date_format(c->maintenance[i].date, md));
            array_add(&x->titles, c->maintenance[i].title);
            array_add(&x->reports, c->maintenance[i].report_url);
            array_add(&x->sts, c->maintenance[i].st_url);
        }
        for (int i = 0; i < 4; i++)
            gk_buf_puts(bufs[i], "}");
        if (x->dates.failed || x->titles.failed || x->reports.failed || x->sts.failed) {
            x->st = GK_TX_HARD;
            return 1;
        }
        const char *mv[5] = {id, x->dates.data, x->titles.data, x->reports.data, x->sts.data};
        r = gk_db_exec(x->conn, "cc_maint_upsert", 5, mv);
        s = gk_tx_check(r, "cc_maint_upsert");
        if (s != GK_TX_OK) {
            if (r) PQclear(r);
            x->st = s;
            return 1;
        }
        bool changed = atol(PQgetvalue(r, 0, 0)) > 0;
        PQclear(r);
        if (changed && kind == 2) {
            const char *tv[1] = {id};
            r = gk_db_exec(x->conn, "cc_touch", 1, tv);
            s = gk_tx_check(r, "cc_touch");
            if (r) PQclear(r);
            if (s != GK_TX_OK) {
                x->st = s;
                return 1;
            }
            kind = 1;
        }
    }
    if (kind == 0)
        x->rep->imported++;
    else if (kind == 1)
        x->rep->updated++;
    else
        x->rep->unchanged++;
    return 0;
}

static int on_reject(void *vctx, const gk_cc_reject *rj)
{
    import_ctx *x = vctx;
    x->rep->rejected_total++;
    if (x->rep->n_rejected >= GK_CC_MAX_REJECTED) return 0;
    x->rep->rejected[x->rep->n_rejected++] =
        (gk_cc_rejection){rj->line, rj->code, rj->column, rj->found, rj->limit, rj->name_limit};
    return 0;
}

static void report_reset(gk_cc_report *rep)
{
    rep->imported = rep->updated = rep->unchanged = rep->rejected_total = rep->lines = 0;
    rep->n_rejected = 0;
    memset(&rep->header, 0, sizeof rep->header);
}

static gk_tx_status import_tx(PGconn *conn, void *vctx)
{
    import_ctx *x = vctx;
    x->conn = conn;
    x->st = GK_TX_OK;
    x->read_failed = false;
    report_reset(x->rep);
    PGresult *r = gk_db_exec(conn, "cc_import_lock", 0, NULL);
    gk_tx_status s = gk_tx_check(r, "cc_import_lock");
    if (r) PQclear(r);
    if (s != GK_TX_OK) return s;
    if (!x->src->rewind(x->src->ctx)) {
        x->read_failed = true;
        return GK_TX_ABORT;
    }
    gk_cc_parser *p = gk_cc_parser_new(x->archived, on_cert, on_reject, x);
    if (!p) return GK_TX_HARD;
    static __thread char chunk[64 * 1024];
    gk_cc_status ps = GK_CC_OK;
    for (;;) {
        ssize_t n = x->src->read(x->src->ctx, chunk, sizeof chunk);
        if (n < 0) {
            x->read_failed = true;
            break;
        }
        if (n == 0) {
            ps = gk_cc_parser_finish(p);
            break;
        }
        ps = gk_cc_parser_feed(p, chunk, (size_t)n);
        if (ps != GK_CC_OK) break;
    }
    x->rep->lines = gk_cc_parser_lines(p);
    const gk_cc_header_problem *hp = gk_cc_parser_header_problem(p);
    if (ps == GK_CC_BAD_HEADER && hp) x->rep->header = *hp;
    gk_cc_parser_free(p);
    if (x->read_failed || ps == GK_CC_BAD_HEADER) return GK_TX_ABORT;
    if (ps == GK_CC_NOMEM) return GK_TX_HARD;
    if (ps == GK_CC_STOPPED) return x->st != GK_TX_OK ? x->st : GK_TX_HARD;
    return GK_TX_OK;
}

gk_error gk_cc_import(const gk_cc_source *src, bool archived, gk_cc_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->rejected = calloc(GK_CC_MAX_REJECTED, sizeof *rep->rejected);
    if (!rep->rejected) return GK_ERR_INTERNAL;
    import_ctx x = {.src = src, .archived = archived, .rep = rep};
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, import_tx, &x);
    gk_buf *bufs[] = {&x.pps, &x.dates, &x.titles, &x.reports, &x.sts};
    for (size_t i = 0; i < 5; i++)
        gk_buf_free(bufs[i]);
    switch (s) {
    case GK_TX_OK:
        return GK_ERR_OK;
    case GK_TX_ABORT:
        return x.read_failed ? GK_ERR_BAD_REQUEST : GK_ERR_VALIDATION;
    case GK_TX_UNAVAILABLE:
        return GK_ERR_UNAVAILABLE;
    default:
        return GK_ERR_INTERNAL;
    }
}

void gk_cc_report_free(gk_cc_report *rep)
{
    free(rep->rejected);
    rep->rejected = NULL;
    rep->n_rejected = 0;
}

/* ---- reads ------------------------------------------------------------------------------ */

static json_t *str_or_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? json_null() : json_string(PQgetvalue(r, row, col));
}

static json_t *row_json(const PGresult *r, int i)
{
    json_t *pps = json_loads(PQgetvalue(r, i, 6), 0, NULL);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:s, s:s}", "id",
                     PQgetvalue(r, i, 0), "name", PQgetvalue(r, i, 1), "manufacturer",
                     PQgetvalue(r, i, 2), "category", PQgetvalue(r, i, 3), "scheme",
                     PQgetvalue(r, i, 4), "assurance_level", str_or_null(r, i, 5),
                     "protection_profiles", pps ? pps : json_array(), "certified_on",
                     PQgetvalue(r, i, 7), "valid_until", str_or_null(r, i, 8), "status",
                     PQgetvalue(r, i, 9), "report_url", str_or_null(r, i, 10), "st_url",
                     str_or_null(r, i, 11), "first_seen_at", PQgetvalue(r, i, 12), "updated_at",
                     PQgetvalue(r, i, 13));
}

/* The cursor is the natural key of the last item, as a JSON array in base64url: opaque to
 * clients, and checked strictly when it comes back. */
static char *cursor_make(json_t *item)
{
    json_t *a = json_pack("[O, O, O, O]", json_object_get(item, "name"),
                          json_object_get(item, "manufacturer"),
                          json_object_get(item, "certified_on"), json_object_get(item, "scheme"));
    char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    if (!s) return NULL;
    char *c = gk_base64_encode(s, strlen(s), GK_B64_URL);
    free(s);
    return c;
}

static bool cursor_read(const char *cur, char *key[4], json_t **holder)
{
    size_t n = strlen(cur);
    if (n > 4096) return false;
    unsigned char *buf = malloc(gk_base64_decoded_max(n) + 1);
    size_t len = 0;
    if (!buf || !gk_base64_decode(cur, n, GK_B64_URL, buf, gk_base64_decoded_max(n), &len)) {
        free(buf);
        return false;
    }
    json_t *a = json_loadb((const char *)buf, len, 0, NULL);
    free(buf);
    gk_date d;
    bool ok = json_is_array(a) && json_array_size(a) == 4;
    for (size_t i = 0; ok && i < 4; i++)
        ok = json_is_string(json_array_get(a, i));
    ok = ok && gk_date_parse(json_string_value(json_array_get(a, 2)), &d);
    if (!ok) {
        json_decref(a);
        return false;
    }
    for (size_t i = 0; i < 4; i++)
        key[i] = (char *)json_string_value(json_array_get(a, i));
    *holder = a;
    return true;
}

/* ILIKE pattern text: the user's % _ and \ are literal. */
static char *like_escape(const char *q)
{
    size_t n = strlen(q);
    char *o = malloc(2 * n + 1), *w = o;
    if (!o) return NULL;
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') *w++ = '\\';
        *w++ = *p;
    }
    *w = 0;
    return o;
}

gk_error gk_cc_list(PGconn *c, const gk_cc_query *q, json_t **items, char **next)
{
    *items = NULL;
    *next = NULL;
    char *key[4] = {NULL, NULL, NULL, NULL};
    json_t *holder = NULL;
    if (q->after && !cursor_read(q->after, key, &holder)) return GK_ERR_BAD_QUERY;
    char *pat = q->q && *q->q ? like_escape(q->q) : NULL;
    char lim[16];
    snprintf(lim, sizeof lim, "%d", q->limit + 1); /* one more tells whether a page follows */
    const char *v[8] = {pat, q->scheme, q->status, key[0], key[1], key[2], key[3], lim};
    PGresult *r = c ? gk_db_exec(c, "cc_list", 8, v) : NULL;
    free(pat);
    json_decref(holder);
    if (!r) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(r)) {
        gk_log("bug", "cc_list failed", json_pack("{s:s}", "error", PQresultErrorMessage(r)));
        PQclear(r);
        return GK_ERR_INTERNAL;
    }
    json_t *a = json_array();
    int n = PQntuples(r);
    for (int i = 0; i < n && i < q->limit; i++)
        json_array_append_new(a, row_json(r, i));
    if (n > q->limit && json_array_size(a))
        *next = cursor_make(json_array_get(a, json_array_size(a) - 1));
    PQclear(r);
    *items = a;
    return GK_ERR_OK;
}

static bool is_uuid(const char *s)
{
    if (strlen(s) != 36) return false;
    for (int i = 0; i < 36; i++) {
        char ch = s[i];
        bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (i == 8 || i == 13 || i == 18 || i == 23 ? ch != '-' : !hex) return false;
    }
    return true;
}

gk_error gk_cc_get(PGconn *c, const char *id, json_t **out)
{
    *out = NULL;
    if (!id || !is_uuid(id)) return GK_ERR_NOT_FOUND;
    const char *v[1] = {id};
    PGresult *r = c ? gk_db_exec(c, "cc_get", 1, v) : NULL;
    if (!r) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(r)) {
        gk_log("bug", "cc_get failed", json_pack("{s:s}", "error", PQresultErrorMessage(r)));
        PQclear(r);
        return GK_ERR_INTERNAL;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        return GK_ERR_NOT_FOUND;
    }
    json_t *o = row_json(r, 0);
    json_t *m = json_loads(PQgetvalue(r, 0, 14), 0, NULL);
    json_object_set_new(o, "maintenance_updates", m ? m : json_array());
    PQclear(r);
    *out = o;
    return o ? GK_ERR_OK : GK_ERR_INTERNAL;
}
