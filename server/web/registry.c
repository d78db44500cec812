/* The registry's pages: the certificate search (/certificates: the public search form, and for
 * staff every filter; export buttons for everyone), the statistics dashboard (/stats, charts as SVG
 * images from /stats/charts/{name} with the same numbers in tables) and the regulator's
 * audit trail of one certificate (/certificates/{number}/audit). GET forms only: searching
 * changes nothing, so a result can be bookmarked and no CSRF token is needed. The pages
 * render the same view models as the API (api/registry.h). */
#include "http/handlers.h"
#include "api/registry.h"
#include "app.h"
#include "render/i18n.h"
#include "db/db.h"
#include "http/reply.h"
#include "log.h"
#include "render/svg_chart.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static const gk_stmt stmts[] = {
    {"registry_cert_exists", "SELECT number, application_id, manufacturer, model_name,"
                             " type_name, status FROM certificates WHERE number = $1"},
    {"registry_cert_events",
     "SELECT e.id, e.event, e.reason, e.order_reference,"
     " to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"'), u.name, u.email"
     " FROM certificate_events e LEFT JOIN users u ON u.id = e.actor_id"
     " WHERE e.certificate_number = $1 ORDER BY e.at, e.id"},
    {"registry_cert_audit",
     "SELECT l.seq, to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"'), l.actor,"
     " l.action, l.object, l.detail::text"
     " FROM audit_log l WHERE l.object = 'certificate:' || $1"
     " OR l.object = (SELECT 'application:' || c.application_id FROM certificates c"
     "                WHERE c.number = $1 AND c.application_id IS NOT NULL)"
     " ORDER BY l.seq"},
};

void gk_registry_pages_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

static const char *query_get(void *ctx, const char *name)
{
    return gk_req_query(ctx, name);
}

/* The catalogue text of key in the request's language (the key itself when missing). */
static const char *msg(gk_request *r, const char *key)
{
    const char *t = gk_app.messages ? gk_messages_get(gk_app.messages, r->lang, key) : NULL;
    return t ? t : key;
}

static const char *const filter_names[] = {"q",         "manufacturer", "category",
                                           "status",    "rule_set",     "basis",
                                           "grandfathered", "granted_from", "granted_to",
                                           "sort",      "order",        "limit"};
#define N_FILTERS (sizeof filter_names / sizeof *filter_names)

/* Percent-encode everything but unreserved characters (RFC 3986). */
static void url_encode(gk_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            gk_buf_putc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            gk_buf_append(b, e, 3);
        }
    }
}

/* base + "?" + the request's filters (non-empty, known names only) + extra "&k=v" pairs. */
static json_t *url_with_filters(gk_request *r, const char *base, const char *k1, const char *v1,
                                bool skip_page)
{
    gk_buf b = GK_BUF_INIT;
    gk_buf_puts(&b, base);
    char sep = strchr(base, '?') ? '&' : '?';
    for (size_t i = 0; i < N_FILTERS; i++) {
        const char *v = gk_req_query(r, filter_names[i]);
        if (!v || !*v) continue;
        if (skip_page && (!strcmp(filter_names[i], "sort") || !strcmp(filter_names[i], "order") ||
                          !strcmp(filter_names[i], "limit")))
            continue;
        gk_buf_putc(&b, sep);
        sep = '&';
        gk_buf_puts(&b, filter_names[i]);
        gk_buf_putc(&b, '=');
        url_encode(&b, v);
    }
    if (k1 && v1) {
        gk_buf_putc(&b, sep);
        gk_buf_puts(&b, k1);
        gk_buf_putc(&b, '=');
        url_encode(&b, v1);
    }
    json_t *j = b.failed ? NULL : json_string(gk_buf_cstr(&b));
    gk_buf_free(&b);
    return j;
}

/* The form's current values (as typed), and choice lists with the selected one marked. */
static json_t *query_model(gk_request *r)
{
    json_t *q = json_object();
    for (size_t i = 0; i < N_FILTERS; i++) {
        const char *v = gk_req_query(r, filter_names[i]);
        if (v) json_object_set_new(q, filter_names[i], json_string(v));
    }
    return q;
}

static json_t *choices(gk_request *r, const char *param, const char *const *values,
                       const char *msg_prefix)
{
    const char *cur = gk_req_query(r, param);
    json_t *a = json_array();
    for (; *values; values++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", *values, "key",
                                           gk_req_printf(r, "%s%s", msg_prefix, *values),
                                           "selected", cur && !strcmp(cur, *values)));
    return a;
}

static json_t *category_choices(gk_request *r)
{
    json_t *a = json_array();
    PGresult *res = gk_db_exec(gk_db_read_conn(), "categories_all", 0, NULL);
    const char *cur = gk_req_query(r, "category");
    bool ja = !strcmp(r->lang, "ja");
    for (int i = 0; res && gk_db_ok(res) && i < PQntuples(res); i++)
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:b}", "value", PQgetvalue(res, i, 0), "title",
                         PQgetvalue(res, i, ja ? 2 : 1), "selected",
                         cur && !strcmp(cur, PQgetvalue(res, i, 0))));
    if (res) PQclear(res);
    return a;
}

/* Field messages by parameter name, for the form ({"q": "message", ...}). */
static json_t *errors_by_field(json_t *errs)
{
    json_t *o = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e) json_object_set(o, json_string_value(json_object_get(e, "field")),
                                                   json_object_get(e, "message"));
    return o;
}

void gk_h_page_certificates(gk_request *r)
{
    static const char *const statuses[] = {"granted", "suspended", "revoked", NULL};
    static const char *const bases[] = {"tested", "cc_equivalence", "not_applicable", NULL};
    static const char *const gfs[] = {"true", "false", NULL};
    static const char *const sorts[] = {"granted_on", "number", NULL};
    static const char *const orders[] = {"desc", "asc", NULL};
    bool staff = gk_registry_is_staff(r);
    json_t *model = json_object();
    json_object_set_new(model, "query", query_model(r));
    json_object_set_new(model, "staff", json_boolean(staff));
    json_object_set_new(model, "categories", category_choices(r));
    json_object_set_new(model, "statuses", choices(r, "status", statuses, "registry.status."));
    json_object_set_new(model, "bases", choices(r, "basis", bases, "registry.basis."));
    json_object_set_new(model, "grandfathered_choices",
                        choices(r, "grandfathered", gfs, "registry.grandfathered."));
    json_object_set_new(model, "sorts", choices(r, "sort", sorts, "registry.sort."));
    json_object_set_new(model, "orders", choices(r, "order", orders, "registry.order."));

    gk_cert_query q;
    json_t *errs = NULL;
    unsigned status = 200;
    if (gk_cert_query_parse(&q, query_get, r, &errs, r->lang)) {
        json_object_set_new(model, "errors", errs);
        json_object_set_new(model, "field_errors", errors_by_field(errs));
        status = 400;
    } else {
        gk_error e;
        json_t *page = gk_registry_page(r, &q, &e);
        if (!page) {
            json_decref(model);
            gk_page_error(r, e, NULL);
            return;
        }
        json_t *items = json_object_get(page, "items"), *cats = json_object_get(model, "categories");
        size_t i, k;
        json_t *it, *cat;
        json_array_foreach(items, i, it) json_array_foreach(cats, k, cat)
        {
            if (json_equal(json_object_get(it, "category"), json_object_get(cat, "value")))
                json_object_set(it, "category_title", json_object_get(cat, "title"));
        }
        json_object_set(model, "items", items);
        json_object_set_new(model, "searched", json_true());
        json_object_set_new(model, "shown", json_integer((json_int_t)json_array_size(items)));
        const char *next = json_string_value(json_object_get(page, "next"));
        if (next) json_object_set_new(model, "next_url", url_with_filters(r, "/certificates", "after", next, false));
        if (gk_req_query(r, "after"))
            json_object_set_new(model, "first_url", url_with_filters(r, "/certificates", NULL, NULL, false));
        json_decref(page);
        { /* exports are open to everyone: the published fields only (api.md) */
            json_object_set_new(model, "export_csv", url_with_filters(r, "/api/v1/certificates/export?format=csv", NULL, NULL, false));
            json_object_set_new(model, "export_json", url_with_filters(r, "/api/v1/certificates/export?format=json", NULL, NULL, false));
            json_object_set_new(model, "export_xml", url_with_filters(r, "/api/v1/certificates/export?format=xml", NULL, NULL, false));
        }
        json_object_set_new(model, "stats_url", url_with_filters(r, "/stats", NULL, NULL, true));
    }
    gk_page_render(r, status, "registry_search", model);
}

/* ---- statistics ------------------------------------------------------------------------ */

typedef struct {
    const char *name, *array, *key, *msg_prefix; /* msg_prefix: label is a message key */
} series_def;

static const series_def series[] = {
    {"month", "by_month", "month", NULL},
    {"category", "by_category", "category", NULL},
    {"basis", "by_basis", "basis", "registry.basis."},
    {"rule_set", "by_rule_set", "rule_set", NULL},
    {"status", "by_status", "status", "registry.status."},
};

static const series_def *series_find(const char *name)
{
    for (size_t i = 0; i < sizeof series / sizeof *series; i++)
        if (!strcmp(series[i].name, name)) return &series[i];
    return NULL;
}

/* Rows {label, count} of one series, labels in the request's language. */
static json_t *series_rows(gk_request *r, json_t *stats, const series_def *d)
{
    json_t *rows = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(stats, d->array), i, it)
    {
        const char *v = json_string_value(json_object_get(it, d->key));
        const char *label = v;
        if (d->msg_prefix) label = msg(r, gk_req_printf(r, "%s%s", d->msg_prefix, v));
        if (!strcmp(d->name, "rule_set") && json_is_true(json_object_get(it, "grandfathered")))
            label = gk_req_printf(r, "%s (%s)", v, msg(r, "registry.grandfathered.true"));
        json_array_append_new(rows, json_pack("{s:s, s:O}", "label", label ? label : "", "count",
                                              json_object_get(it, "count")));
    }
    return rows;
}

void gk_h_page_stats(gk_request *r)
{
    gk_cert_query q;
    json_t *errs = NULL;
    if (gk_cert_query_parse(&q, query_get, r, &errs, r->lang)) {
        gk_reply_problem(r, GK_ERR_BAD_QUERY, NULL, errs);
        return;
    }
    gk_error e;
    json_t *stats = gk_registry_stats(&q, &e);
    if (!stats) {
        gk_page_error(r, e, NULL);
        return;
    }
    json_t *charts = json_array();
    for (size_t i = 0; i < sizeof series / sizeof *series; i++) {
        const series_def *d = &series[i];
        json_t *url = url_with_filters(r, gk_req_printf(r, "/stats/charts/%s", d->name), "lang",
                                       r->lang, true);
        json_array_append_new(
            charts, json_pack("{s:s, s:s, s:o, s:o}", "name", d->name, "title_key",
                              gk_req_printf(r, "registry.stats.chart.%s", d->name), "url",
                              url ? url : json_null(), "rows", series_rows(r, stats, d)));
    }
    json_t *model = json_pack("{s:o, s:o, s:o}", "stats", stats, "charts", charts, "query",
                              query_model(r));
    json_object_set_new(model, "list_url", url_with_filters(r, "/certificates", NULL, NULL, true));
    gk_page_render(r, 200, "registry_stats", model);
}

void gk_h_page_stats_chart(gk_request *r)
{
    const series_def *d = series_find(r->params[0]);
    if (!d) {
        gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    gk_cert_query q;
    if (gk_registry_query(r, &q)) return;
    gk_error e;
    json_t *stats = gk_registry_stats(&q, &e);
    if (!stats) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    json_t *rows = series_rows(r, stats, d);
    size_t n = json_array_size(rows);
    gk_svg_bar *bars = gk_req_alloc(r, (n ? n : 1) * sizeof *bars);
    if (!bars) {
        json_decref(rows), json_decref(stats);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        bars[i].label = json_string_value(json_object_get(row, "label"));
        bars[i].value = (double)json_integer_value(json_object_get(row, "count"));
    }
    const char *title = msg(r, gk_req_printf(r, "registry.stats.chart.%s", d->name));
    const char *desc = gk_req_printf(r, "%s: %lld", msg(r, "registry.stats.total"),
                                     (long long)json_integer_value(json_object_get(stats, "total")));
    gk_buf out = GK_BUF_INIT;
    int rc = gk_svg_bar_chart(&out, title, desc, bars, n);
    json_decref(rows);
    json_decref(stats);
    if (rc) {
        gk_buf_free(&out);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    size_t len;
    char *svg = gk_buf_steal(&out, &len);
    if (!svg) {
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    gk_reply_take(r, 200, "image/svg+xml; charset=utf-8", svg, len);
    gk_reply_header(r, "Content-Language", r->lang);
}

/* ---- audit trail ----------------------------------------------------------------------- */

/* A refusal as a page for browsers, as problem+json for API clients. */
static void refuse(gk_request *r, gk_error e)
{
    if (gk_page_wants_html(r))
        gk_page_error(r, e, NULL);
    else
        gk_reply_problem(r, e, NULL, NULL);
}

void gk_h_page_certificate_audit(gk_request *r)
{
    const char *v[] = {r->params[0]};
    PGconn *c = gk_db_read_conn();
    PGresult *cert = gk_db_exec(c, "registry_cert_exists", 1, v);
    if (!cert || !gk_db_ok(cert)) {
        if (cert) PQclear(cert);
        refuse(r, cert ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE);
        return;
    }
    if (PQntuples(cert) == 0) {
        PQclear(cert);
        refuse(r, GK_ERR_NOT_FOUND);
        return;
    }
    json_t *model = json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s}", "number", PQgetvalue(cert, 0, 0),
                              "application_id",
                              PQgetisnull(cert, 0, 1) ? NULL : PQgetvalue(cert, 0, 1),
                              "manufacturer", PQgetvalue(cert, 0, 2), "model_name",
                              PQgetvalue(cert, 0, 3), "type_name",
                              PQgetisnull(cert, 0, 4) ? NULL : PQgetvalue(cert, 0, 4), "status",
                              PQgetvalue(cert, 0, 5));
    PQclear(cert);
    PGresult *ev = gk_db_exec(c, "registry_cert_events", 1, v);
    PGresult *au = ev && gk_db_ok(ev) ? gk_db_exec(c, "registry_cert_audit", 1, v) : NULL;
    if (!ev || !gk_db_ok(ev) || !au || !gk_db_ok(au)) {
        if (ev) PQclear(ev);
        if (au) PQclear(au);
        json_decref(model);
        refuse(r, GK_ERR_INTERNAL);
        return;
    }
    json_t *events = json_array(), *audit = json_array();
    for (int i = 0; i < PQntuples(ev); i++) {
#define OPT(res, col) (PQgetisnull(res, i, col) ? NULL : PQgetvalue(res, i, col))
        json_array_append_new(
            events, json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?}", "id", PQgetvalue(ev, i, 0),
                              "event", PQgetvalue(ev, i, 1), "reason", OPT(ev, 2),
                              "order_reference", OPT(ev, 3), "at", PQgetvalue(ev, i, 4),
                              "actor_name", OPT(ev, 5), "actor_email", OPT(ev, 6)));
    }
    for (int i = 0; i < PQntuples(au); i++)
        json_array_append_new(
            audit, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s}", "seq", PQgetvalue(au, i, 0),
                             "at", PQgetvalue(au, i, 1), "actor", PQgetvalue(au, i, 2), "action",
                             PQgetvalue(au, i, 3), "object", OPT(au, 4), "detail",
                             PQgetvalue(au, i, 5)));
#undef OPT
    PQclear(ev);
    PQclear(au);
    json_object_set_new(model, "events", events);
    json_object_set_new(model, "audit", audit);
    gk_page_render(r, 200, "registry_audit", model);
}
