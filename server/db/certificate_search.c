/* The certificate query builder (see certificate_search.h). */
#include "db/certificate_search.h"

#include "crypto/base64.h"
#include "util/utf8.h"
#include "db/db.h"

#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gk_cert_field_names[GK_CERT_COL__PUBLISHED] = {
    "number",     "route",    "category",      "manufacturer", "model_name", "type_name",
    "granted_on", "rule_set", "grandfathered", "basis",        "status",     "status_changed_on",
};

/* The normalised text of maker, model and type (schema/0024_fast_reads.sql, with its trigram
 * index certificates_search_text_trgm_idx), with the alias c; the searched text is folded the
 * same way before it is compared (gk_utf8_fold). */
#define GK_CERT_TEXT_EXPR "c.search_text"

/* Must be the expression of certificates_number_compact_idx (schema 0013), with the alias c. */
#define GK_CERT_NUMBER_EXPR "replace(c.number, '-', '')"

#define COLUMNS                                                                                    \
    "c.number, c.route, c.category_id, c.manufacturer, c.model_name, c.type_name,"                 \
    " c.granted_on, c.rule_set_id, c.grandfathered, c.basis, c.status, c.status_changed_on,"       \
    " c.application_id, c.organization_id, c.key_id,"                                              \
    " to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The published columns as CSV cells (GK_CERT_SQL_EXPORT_CSV): the neutralisation of cells a
 * spreadsheet would evaluate (CWE-1236) done by the database on the way out, so the rows can
 * go to the client as COPY writes them. */
#define CSV_SAFE(col)                                                                              \
    "CASE WHEN left(" col ", 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || " col        \
    " ELSE " col " END"
// clang-format off
#define CSV_COLUMNS                                                                                \
    "c.number, c.route, c.category_id, " CSV_SAFE("c.manufacturer::text") ", "                     \
    CSV_SAFE("c.model_name::text") ", " CSV_SAFE("c.type_name::text") ","                          \
    " c.granted_on, c.rule_set_id, CASE WHEN c.grandfathered THEN 'true' ELSE 'false' END,"       \
    " c.basis, c.status, c.status_changed_on"
// clang-format on

static bool one_of(const char *s, const char *const *choices)
{
    for (; *choices; choices++)
        if (!strcmp(s, *choices)) return true;
    return false;
}

/* ^[a-z][a-z0-9_]{0,31}$ (device_categories.id) */
static bool is_category_id(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32 || s[0] < 'a' || s[0] > 'z') return false;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* Rule set ids ("pre-2020", "2020-04"): [A-Za-z0-9._-]{1,32} */
static bool is_rule_set_id(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

/* Valid UTF-8 without control characters, at most GK_CERT_Q_MAX bytes. */
static bool is_search_text(const char *s)
{
    size_t n = strlen(s);
    if (n > GK_CERT_Q_MAX) return false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = gk_utf8_next((const unsigned char *)s + i, n - i, &cp);
        if (!k || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
        i += k;
    }
    return true;
}

/* Certificate number characters as the cursor carries them. */
static bool is_number_text(const char *s, size_t n)
{
    if (n < 1 || n > 15) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static char sort_char(const gk_cert_query *q)
{
    return q->sort == GK_CERT_SORT_NUMBER ? 'n' : 'g';
}

void gk_cert_cursor_make(const gk_cert_query *q, gk_date granted_on, const char *number, char *buf,
                         size_t size)
{
    char date[GK_DATE_BUF], raw[48];
    gk_date_format(granted_on, date);
    int n =
        snprintf(raw, sizeof raw, "%c%c|%s|%s", sort_char(q), q->desc ? 'd' : 'a', date, number);
    if (n < 0 || (size_t)n >= sizeof raw ||
        !gk_base64_encode_to(raw, (size_t)n, GK_B64_URL, buf, size))
        snprintf(buf, size, "%s", "");
}

/* Decode `after`; false when it is not a cursor of this sort and order. */
static bool cursor_parse(gk_cert_query *q, const char *s)
{
    unsigned char raw[64];
    size_t n = 0, len = strlen(s);
    if (len > 80 || !gk_base64_decode(s, len, GK_B64_URL, raw, sizeof raw - 1, &n)) return false;
    raw[n] = 0;
    const char *t = (const char *)raw;
    if (n < 3 + 10 + 2 || t[0] != sort_char(q) || t[1] != (q->desc ? 'd' : 'a') || t[2] != '|' ||
        t[13] != '|')
        return false;
    char date[GK_DATE_BUF];
    memcpy(date, t + 3, 10);
    date[10] = 0;
    if (!gk_date_parse(date, &q->after_granted_on)) return false;
    const char *num = t + 14;
    size_t nl = n - 14;
    if (!is_number_text(num, nl)) return false;
    memcpy(q->after_number, num, nl);
    q->after_number[nl] = 0;
    q->has_after = true;
    return true;
}

/* A parameter of two values: *out 0 for a, 1 for b, untouched when v is NULL (absent);
 * false for any other value. */
static bool either(const char *v, const char *a, const char *b, int *out)
{
    if (!v) return true;
    if (!strcmp(v, a))
        *out = 0;
    else if (!strcmp(v, b))
        *out = 1;
    else
        return false;
    return true;
}

static bool is_status(const char *s)
{
    static const char *const statuses[] = {"granted", "suspended", "revoked", NULL};
    return one_of(s, statuses);
}

static bool is_basis(const char *s)
{
    static const char *const bases[] = {"tested", "cc_equivalence", "not_applicable", "unstated",
                                        NULL};
    return one_of(s, bases);
}

/* The text filters: the parameter, its member of gk_cert_query, its check, the message of a
 * value the check refuses. */
typedef struct {
    const char *name;
    size_t member;
    bool (*ok)(const char *);
    const char *msg_key;
} text_filter;

static const text_filter text_filters[] = {
    {"q", offsetof(gk_cert_query, q), is_search_text, "registry.filter.search_text"},
    {"manufacturer", offsetof(gk_cert_query, manufacturer), is_search_text,
     "registry.filter.search_text"},
    {"holder", offsetof(gk_cert_query, holder), is_search_text, "registry.filter.search_text"},
    {"category", offsetof(gk_cert_query, category), is_category_id, "registry.filter.category"},
    {"status", offsetof(gk_cert_query, status), is_status, "registry.filter.status"},
    {"rule_set", offsetof(gk_cert_query, rule_set), is_rule_set_id, "registry.filter.rule_set"},
    {"basis", offsetof(gk_cert_query, basis), is_basis, "registry.filter.basis"},
};

static const char *opt(gk_cert_getter get, void *ctx, const char *name)
{
    const char *v = get(ctx, name);
    return v && *v ? v : NULL;
}

int gk_cert_query_read(gk_cert_query *q, gk_cert_getter get, void *ctx, gk_cert_query_error *errs,
                       size_t max)
{
    memset(q, 0, sizeof *q);
    q->grandfathered = -1;
    q->granted_from = q->granted_to = GK_DATE_NONE;
    q->sort = GK_CERT_SORT_GRANTED_ON;
    q->desc = true;
    q->limit = GK_CERT_LIMIT_DEFAULT;
    int bad = 0;
#define BAD(f, k)                                                                                  \
    do {                                                                                           \
        if ((size_t)bad < max) errs[bad] = (gk_cert_query_error){f, k};                            \
        bad++;                                                                                     \
    } while (0)

    for (size_t i = 0; i < sizeof text_filters / sizeof *text_filters; i++) {
        const text_filter *f = &text_filters[i];
        const char *v = opt(get, ctx, f->name);
        *(const char **)((char *)q + f->member) = v;
        if (v && !f->ok(v)) BAD(f->name, f->msg_key);
    }
    if (!either(opt(get, ctx, "grandfathered"), "false", "true", &q->grandfathered))
        BAD("grandfathered", "field.not_bool");
    const char *from = opt(get, ctx, "granted_from"), *to = opt(get, ctx, "granted_to");
    if (from && !gk_date_parse(from, &q->granted_from)) {
        q->granted_from = GK_DATE_NONE;
        BAD("granted_from", "field.not_date");
    }
    if (to && !gk_date_parse(to, &q->granted_to)) {
        q->granted_to = GK_DATE_NONE;
        BAD("granted_to", "field.not_date");
    }
    if (q->granted_from != GK_DATE_NONE && q->granted_to != GK_DATE_NONE &&
        q->granted_to < q->granted_from)
        BAD("granted_to", "registry.filter.date_order");
    int sort = q->sort == GK_CERT_SORT_NUMBER, desc = q->desc;
    if (!either(opt(get, ctx, "sort"), "granted_on", "number", &sort))
        BAD("sort", "registry.filter.sort");
    q->sort = sort ? GK_CERT_SORT_NUMBER : GK_CERT_SORT_GRANTED_ON;
    if (!either(opt(get, ctx, "order"), "asc", "desc", &desc))
        BAD("order", "registry.filter.order");
    q->desc = desc;
    const char *limit = opt(get, ctx, "limit");
    if (limit) {
        char *end;
        long v = strtol(limit, &end, 10);
        if (*end || end == limit || v < 1 || v > GK_CERT_LIMIT_MAX || limit[0] == '+' ||
            limit[0] == ' ')
            BAD("limit", "registry.filter.limit");
        else
            q->limit = (int)v;
    }
    const char *after = opt(get, ctx, "after");
    if (after && !cursor_parse(q, after)) BAD("after", "registry.filter.after");
#undef BAD
    return bad;
}

bool gk_cert_like_pattern(const char *text, char *out, size_t size)
{
    size_t o = 0;
    if (size < 3) return false;
    out[o++] = '%';
    for (const char *p = text; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') {
            if (o + 1 >= size) return false;
            out[o++] = '\\';
        }
        if (o + 1 >= size) return false;
        out[o++] = *p;
    }
    if (o + 2 > size) return false;
    out[o++] = '%';
    out[o] = 0;
    return true;
}

/* A certificate number or its prefix as typed, with or without the hyphen: "D26-0001001",
 * "d260001", "D26-00". out: the letters and digits upper-cased followed by '%' (a LIKE
 * prefix of the number without its hyphen); false when q is no such prefix (1-3 letters
 * and at least one digit, blanks around ignored). */
static bool number_prefix(const char *q, char *out, size_t size)
{
    size_t o = 0, letters = 0, digits = 0, hyphens = 0;
    for (const char *p = q; *p; p++) {
        char ch = *p;
        if (ch == ' ') continue;
        if (ch == '-') {
            if (!letters || hyphens++) return false;
            continue;
        }
        if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
        if (ch >= 'A' && ch <= 'Z') {
            if (digits || ++letters > 3) return false;
        } else if (ch >= '0' && ch <= '9') {
            if (!letters || ++digits > 9) return false;
        } else {
            return false;
        }
        if (o + 2 >= size) return false;
        out[o++] = ch;
    }
    if (!digits) return false;
    out[o++] = '%';
    out[o] = 0;
    return true;
}

/* Add a parameter; returns its $number. */
static int param(gk_cert_sql *s, const char *v)
{
    s->values[s->n] = v;
    return ++s->n;
}

static int param_store(gk_cert_sql *s, int slot, const char *v)
{
    snprintf(s->store[slot], sizeof s->store[slot], "%s", v);
    return param(s, s->store[slot]);
}

static void where(gk_cert_sql *s, bool *first, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void where(gk_cert_sql *s, bool *first, const char *fmt, ...)
{
    gk_buf_puts(&s->sql, *first ? " WHERE " : " AND ");
    *first = false;
    va_list ap;
    va_start(ap, fmt);
    gk_buf_vappendf(&s->sql, fmt, ap);
    va_end(ap);
}

/* The LIKE pattern of a searched text folded as the stored columns are (NFKC, case): the
 * folded text when it fits, else the text as given. */
static bool folded_pattern(const char *text, char *out, size_t size)
{
    char *folded = gk_utf8_fold(text);
    bool ok = folded && gk_cert_like_pattern(folded, out, size);
    free(folded);
    return ok || gk_cert_like_pattern(text, out, size);
}

static void filters(const gk_cert_query *q, gk_cert_sql *s, bool *first)
{
    char date[GK_DATE_BUF];
    if (q->q && folded_pattern(q->q, s->store[0], sizeof s->store[0])) {
        s->pattern = true;
        if (number_prefix(q->q, s->store[6], sizeof s->store[6])) {
            int text = param(s, s->store[0]);
            where(s, first, "(" GK_CERT_TEXT_EXPR " ILIKE $%d OR " GK_CERT_NUMBER_EXPR " LIKE $%d)",
                  text, param(s, s->store[6]));
        } else {
            where(s, first, GK_CERT_TEXT_EXPR " ILIKE $%d", param(s, s->store[0]));
        }
    }
    if (q->manufacturer && folded_pattern(q->manufacturer, s->store[1], sizeof s->store[1])) {
        s->pattern = true;
        where(s, first, "c.holder_key ILIKE $%d", param(s, s->store[1]));
    }
    /* The holder's whole name, folded by the database exactly as the stored key was. */
    if (q->holder)
        where(s, first, "c.holder_key = lower(normalize($%d, NFKC))", param(s, q->holder));
    if (q->category) where(s, first, "c.category_id = $%d", param(s, q->category));
    if (q->status) where(s, first, "c.status = $%d", param(s, q->status));
    if (q->rule_set) where(s, first, "c.rule_set_id = $%d", param(s, q->rule_set));
    if (q->basis) where(s, first, "c.basis = $%d", param(s, q->basis));
    if (q->grandfathered >= 0)
        where(s, first, "c.grandfathered = $%d::boolean",
              param(s, q->grandfathered ? "true" : "false"));
    if (q->granted_from != GK_DATE_NONE)
        where(s, first, "c.granted_on >= $%d::date",
              param_store(s, 2, gk_date_format(q->granted_from, date)));
    if (q->granted_to != GK_DATE_NONE)
        where(s, first, "c.granted_on <= $%d::date",
              param_store(s, 3, gk_date_format(q->granted_to, date)));
}

int gk_cert_sql_build(const gk_cert_query *q, gk_cert_sql_kind kind, gk_cert_sql *s)
{
    memset(s, 0, sizeof *s);
    gk_buf_init(&s->sql);
    bool first = true;
    const char *dir = q->desc ? "DESC" : "ASC";
    if (kind == GK_CERT_SQL_STATS) {
        /* Columns: grouping (bitmask of GROUPING(): 31 month, 47 category, 55 basis,
         * 57 rule set + grandfathered, 62 status, 63 total), month, category_id, basis,
         * rule_set_id, grandfathered, status, count. */
        gk_buf_puts(&s->sql,
                    "SELECT GROUPING(to_char(c.granted_on, 'YYYY-MM'), c.category_id, c.basis,"
                    " c.rule_set_id, c.grandfathered, c.status),"
                    " to_char(c.granted_on, 'YYYY-MM'), c.category_id, c.basis, c.rule_set_id,"
                    " c.grandfathered, c.status, count(*) FROM certificates c");
        filters(q, s, &first);
        gk_buf_puts(&s->sql,
                    " GROUP BY GROUPING SETS ((to_char(c.granted_on, 'YYYY-MM')),"
                    " (c.category_id), (c.basis), (c.rule_set_id, c.grandfathered), (c.status), ())"
                    " ORDER BY 1, 2, 3, 4, 5, 6, 7");
    } else {
        gk_buf_puts(&s->sql, kind == GK_CERT_SQL_EXPORT_CSV
                                 ? "SELECT " CSV_COLUMNS " FROM certificates c"
                                 : "SELECT " COLUMNS " FROM certificates c");
        filters(q, s, &first);
        const char *cmp = q->desc ? "<" : ">";
        if (kind == GK_CERT_SQL_LIST && q->has_after) {
            char date[GK_DATE_BUF];
            int pn = param_store(s, 4, q->after_number);
            if (q->sort == GK_CERT_SORT_NUMBER) {
                gk_buf_appendf(&s->sql, "%sc.number %s $%d", first ? " WHERE " : " AND ", cmp, pn);
            } else {
                int pd = param_store(s, 5, gk_date_format(q->after_granted_on, date));
                gk_buf_appendf(&s->sql, "%s(c.granted_on, c.number) %s ($%d::date, $%d)",
                               first ? " WHERE " : " AND ", cmp, pd, pn);
            }
            first = false;
        }
        if (q->sort == GK_CERT_SORT_NUMBER)
            gk_buf_appendf(&s->sql, " ORDER BY c.number %s", dir);
        else
            gk_buf_appendf(&s->sql, " ORDER BY c.granted_on %s, c.number %s", dir, dir);
        if (kind == GK_CERT_SQL_LIST) gk_buf_appendf(&s->sql, " LIMIT %d", q->limit + 1);
    }
    if (s->sql.failed) {
        gk_buf_free(&s->sql);
        return -1;
    }
    return 0;
}

/* Values with the length libpq already knows (no strlen); the keys are ours, so they are not
 * checked for UTF-8 again (issue 21: the list's rows are built per request). */
static json_t *text_or_null(const PGresult *res, int i, int col)
{
    return PQgetisnull(res, i, col)
               ? json_null()
               : json_stringn(PQgetvalue(res, i, col), (size_t)PQgetlength(res, i, col));
}

json_t *gk_cert_row_json(const PGresult *res, int i, bool staff)
{
    json_t *o = json_object();
    if (!o) return NULL;
    for (int col = 0; col < GK_CERT_COL__PUBLISHED; col++) {
        json_t *v = col == GK_CERT_COL_GRANDFATHERED
                        ? json_boolean(!strcmp(PQgetvalue(res, i, col), "t"))
                        : text_or_null(res, i, col);
        if (json_object_set_new_nocheck(o, gk_cert_field_names[col], v)) goto oom;
    }
    if (staff) {
        if (json_object_set_new_nocheck(o, "application_id",
                                        text_or_null(res, i, GK_CERT_COL_APPLICATION_ID)) ||
            json_object_set_new_nocheck(o, "organization_id",
                                        text_or_null(res, i, GK_CERT_COL_ORGANIZATION_ID)) ||
            json_object_set_new_nocheck(o, "key_id", text_or_null(res, i, GK_CERT_COL_KEY_ID)) ||
            json_object_set_new_nocheck(o, "updated_at",
                                        text_or_null(res, i, GK_CERT_COL_UPDATED_AT)) ||
            json_object_set_new_nocheck(
                o, "imported", json_boolean(PQgetisnull(res, i, GK_CERT_COL_APPLICATION_ID))))
            goto oom;
    }
    return o;
oom:
    json_decref(o);
    return NULL;
}

void gk_cert_sql_free(gk_cert_sql *s)
{
    gk_buf_free(&s->sql);
}

/* The statements this thread has prepared on its connections, by SQL text: a few filter
 * combinations are common (the 24 shapes of a maker's page, a category, a status), so a
 * small table per thread, replaced round-robin, holds them. Each entry names the connection
 * it was prepared on; a connection re-opened in place (PQreset) or a new one at the same
 * address has lost them: the execution then fails with 26000 and the statement runs
 * unprepared once while the entry is forgotten. */
#define PREP_SLOTS 32
typedef struct {
    PGconn *conn;
    char *sql;
    char name[24];
} prep_slot;
static _Thread_local prep_slot preps[PREP_SLOTS];
static _Thread_local unsigned prep_next, prep_seq;

static void prep_forget(prep_slot *p)
{
    free(p->sql);
    memset(p, 0, sizeof *p);
}

/* The slots' texts are freed when their thread ends (a thread-specific key's destructor runs
 * before the thread's own storage goes). */
static pthread_key_t prep_key;
static pthread_once_t prep_key_once = PTHREAD_ONCE_INIT;

static void preps_free(void *unused)
{
    (void)unused;
    for (unsigned i = 0; i < PREP_SLOTS; i++)
        prep_forget(&preps[i]);
}

static void prep_key_make(void)
{
    (void)pthread_key_create(&prep_key, preps_free);
}

/* The name of sql prepared on c, preparing it when needed; NULL when it cannot be. */
static const char *prepared(PGconn *c, const char *sql, int n, prep_slot **slot)
{
    for (unsigned i = 0; i < PREP_SLOTS; i++)
        if (preps[i].conn == c && preps[i].sql && !strcmp(preps[i].sql, sql)) {
            *slot = &preps[i];
            return preps[i].name;
        }
    if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_IDLE) return NULL;
    prep_slot *p = &preps[prep_next++ % PREP_SLOTS];
    if (p->sql) {
        /* Give the replaced statement's slot back to the server. */
        if (p->conn == c) {
            char dealloc[48];
            snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", p->name);
            PGresult *r = PQexec(c, dealloc);
            if (r) PQclear(r);
        }
        prep_forget(p);
    }
    char name[24];
    snprintf(name, sizeof name, "gk_cert_search_%u", ++prep_seq);
    PGresult *r = PQprepare(c, name, sql, n, NULL);
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (r) PQclear(r);
    if (!ok || !(p->sql = strdup(sql))) return NULL;
    pthread_once(&prep_key_once, prep_key_make);
    (void)pthread_setspecific(prep_key, preps); /* non-NULL: the destructor runs */
    p->conn = c;
    memcpy(p->name, name, sizeof name);
    *slot = p;
    return p->name;
}

PGresult *gk_cert_search_exec(PGconn *c, const gk_cert_sql *s)
{
    if (!c) return NULL;
    const char *sql = gk_buf_cstr(&s->sql);
    prep_slot *slot = NULL;
    const char *name = s->pattern ? NULL : prepared(c, sql, s->n, &slot);
    if (name) {
        PGresult *r = gk_db_exec(c, name, s->n, s->values);
        if (!r || strcmp(gk_db_sqlstate(r), "26000") != 0) return r;
        PQclear(r); /* the connection no longer has it: run it as text below */
        prep_forget(slot);
    }
    /* Same reconnect-and-retry and replica fallback as the prepared statements. */
    return gk_db_exec_sql(c, sql, s->n, s->values);
}
