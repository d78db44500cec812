/* The registry's pages: the certificate search (/certificates: the public search form, and for
 * staff every filter; export buttons for everyone), the statistics dashboard (/stats, charts as SVG
 * images from /stats/charts/{name} with the same numbers in tables) and the regulator's
 * audit trail of one certificate (/certificates/{number}/audit). GET forms only: searching
 * changes nothing, so a result can be bookmarked and no CSRF token is needed. The pages
 * render the same views as the API (service/registry.h). */
#include "http/handlers.h"

#include "http/reply.h"
#include "http/service_call.h"
#include "render/i18n.h"
#include "render/svg_chart.h"
#include "service/registry.h"
#include "util/hex.h"
#include "web/page.h"

#include <ctype.h>

#include <stdlib.h>
#include <string.h>

/* Percent-encode everything but unreserved characters (RFC 3986), upper-case digits. */
static void url_encode(gk_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            gk_buf_putc(b, (char)*p);
        } else {
            char e[4] = {'%'};
            gk_hex_encode(p, 1, e + 1, 3);
            e[1] = (char)toupper((unsigned char)e[1]);
            e[2] = (char)toupper((unsigned char)e[2]);
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
    for (size_t i = 0; i < gk_registry_param_count; i++) {
        const char *name = gk_registry_params[i], *v = gk_req_query(r, name);
        if (!v || !*v || (skip_page && gk_registry_param_is_paging(name))) continue;
        gk_buf_putc(&b, sep);
        sep = '&';
        gk_buf_puts(&b, name);
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
    for (size_t i = 0; i < gk_registry_param_count; i++) {
        const char *v = gk_req_query(r, gk_registry_params[i]);
        if (v) json_object_set_new(q, gk_registry_params[i], json_string(v));
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

/* Field messages by parameter name, for the form ({"q": "message", ...}). */
static json_t *errors_by_field(json_t *errs)
{
    json_t *o = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e)
        json_object_set(o, json_string_value(json_object_get(e, "field")),
                        json_object_get(e, "message"));
    return o;
}

void gk_h_page_certificates(gk_request *r)
{
    static const char *const statuses[] = {"granted", "suspended", "revoked", NULL};
    static const char *const bases[] = {"tested", "cc_equivalence", "not_applicable", "unstated",
                                        NULL};
    static const char *const gfs[] = {"true", "false", NULL};
    static const char *const sorts[] = {"granted_on", "number", NULL};
    static const char *const orders[] = {"desc", "asc", NULL};
    gk_call call = gk_call_of(r);
    gk_outcome cats = {0};
    gk_svc_registry_categories(&call, gk_req_query(r, "category"), &cats);
    json_t *model = json_object();
    json_object_set_new(model, "query", query_model(r));
    json_object_set_new(model, "staff", json_boolean(gk_call_is_staff(&call)));
    /* the audit trail is the regulator's (server/http/routes.c): nobody else gets a link that ends in 403 */
    json_object_set_new(model, "can_audit", json_boolean(call.user.role == GK_ROLE_REGULATOR));
    /* Without the categories the form still works (the filter takes an id). */
    json_object_set_new(model, "categories", cats.view ? json_incref(cats.view) : json_array());
    gk_outcome_clear(&cats);
    json_object_set_new(model, "statuses", choices(r, "status", statuses, "registry.status."));
    json_object_set_new(model, "bases", choices(r, "basis", bases, "registry.basis."));
    json_object_set_new(model, "grandfathered_choices",
                        choices(r, "grandfathered", gfs, "registry.grandfathered."));
    json_object_set_new(model, "sorts", choices(r, "sort", sorts, "registry.sort."));
    json_object_set_new(model, "orders", choices(r, "order", orders, "registry.order."));

    gk_cert_query q;
    gk_outcome out = {0};
    unsigned status = 200;
    if (gk_svc_registry_query(&call, gk_query_get, r, &q, &out)) {
        json_object_set(model, "errors", out.errors);
        json_object_set_new(model, "field_errors", errors_by_field(out.errors));
        status = 400;
    } else {
        gk_svc_registry_list(&call, &q, &out);
        if (out.err != GK_ERR_OK) {
            json_decref(model);
            gk_page_error(r, out.err, NULL);
            gk_outcome_clear(&out);
            return;
        }
        json_t *items = json_object_get(out.view, "items"),
               *cats_m = json_object_get(model, "categories");
        size_t i, k;
        json_t *it, *cat;
        json_array_foreach(items, i, it) json_array_foreach(cats_m, k, cat)
        {
            if (json_equal(json_object_get(it, "category"), json_object_get(cat, "value")))
                json_object_set(it, "category_title", json_object_get(cat, "title"));
        }
        json_object_set(model, "items", items);
        json_object_set_new(model, "searched", json_true());
        json_object_set_new(model, "shown", json_integer((json_int_t)json_array_size(items)));
        const char *next = json_string_value(json_object_get(out.view, "next"));
        if (next)
            json_object_set_new(model, "next_url",
                                url_with_filters(r, "/certificates", "after", next, false));
        if (gk_req_query(r, "after"))
            json_object_set_new(model, "first_url",
                                url_with_filters(r, "/certificates", NULL, NULL, false));
        { /* exports are open to everyone: the published fields only (docs/openapi.yaml) */
            json_object_set_new(
                model, "export_csv",
                url_with_filters(r,
                                 gk_lang_is_ja(r->lang)
                                     ? "/api/v1/certificates/export?format=csv&lang=ja"
                                     : "/api/v1/certificates/export?format=csv&lang=en",
                                 NULL, NULL, false));
            json_object_set_new(model, "export_json",
                                url_with_filters(r, "/api/v1/certificates/export?format=json", NULL,
                                                 NULL, false));
            json_object_set_new(model, "export_xml",
                                url_with_filters(r, "/api/v1/certificates/export?format=xml", NULL,
                                                 NULL, false));
        }
        json_object_set_new(model, "stats_url", url_with_filters(r, "/stats", NULL, NULL, true));
    }
    gk_outcome_clear(&out);
    gk_page_render(r, status, "registry_search", model);
}

/* ---- statistics ------------------------------------------------------------------------ */

void gk_h_page_stats(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_cert_query q;
    if (gk_svc_registry_query(&call, gk_query_get, r, &q, &out)) {
        gk_reply_outcome(r, 200, &out);
        return;
    }
    gk_svc_registry_stats(&call, &q, &out);
    json_t *stats = gk_page_view(r, &out);
    if (!stats) return;
    json_t *charts = json_array();
    for (size_t i = 0; i < gk_registry_series_count; i++) {
        const gk_registry_series *d = &gk_registry_series_all[i];
        json_t *url = url_with_filters(r, gk_req_printf(r, "/stats/charts/%s", d->name), "lang",
                                       r->lang, true);
        json_array_append_new(charts,
                              json_pack("{s:s, s:s, s:o, s:o}", "name", d->name, "title_key",
                                        gk_req_printf(r, "registry.stats.chart.%s", d->name), "url",
                                        url ? url : json_null(), "rows",
                                        gk_svc_registry_series_rows(&call, stats, d)));
    }
    json_t *model =
        json_pack("{s:o, s:o, s:o}", "stats", stats, "charts", charts, "query", query_model(r));
    json_object_set_new(model, "list_url", url_with_filters(r, "/certificates", NULL, NULL, true));
    gk_page_render(r, 200, "registry_stats", model);
}

void gk_h_page_stats_chart(gk_request *r)
{
    const gk_registry_series *d = gk_registry_series_find(r->params[0]);
    if (!d) {
        gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_cert_query q;
    if (!gk_svc_registry_query(&call, gk_query_get, r, &q, &out))
        gk_svc_registry_stats(&call, &q, &out);
    if (out.err != GK_ERR_OK) {
        gk_reply_outcome(r, 200, &out);
        return;
    }
    json_t *stats = out.view;
    json_t *rows = gk_svc_registry_series_rows(&call, stats, d);
    size_t n = json_array_size(rows);
    gk_svg_bar *bars = gk_req_alloc(r, (n ? n : 1) * sizeof *bars);
    if (!bars) {
        json_decref(rows);
        gk_outcome_clear(&out);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        bars[i].label = json_string_value(json_object_get(row, "label"));
        bars[i].value = (double)json_integer_value(json_object_get(row, "count"));
    }
    const char *title = gk_call_msg(&call, gk_req_printf(r, "registry.stats.chart.%s", d->name));
    const char *desc =
        gk_req_printf(r, "%s: %lld", gk_call_msg(&call, "registry.stats.total"),
                      (long long)json_integer_value(json_object_get(stats, "total")));
    gk_buf svg_out = GK_BUF_INIT;
    int rc = gk_svg_bar_chart(&svg_out, title, desc, bars, n);
    json_decref(rows);
    gk_outcome_clear(&out);
    if (rc) {
        gk_buf_free(&svg_out);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    size_t len;
    char *svg = gk_buf_steal(&svg_out, &len);
    if (!svg) {
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    gk_reply_take(r, 200, "image/svg+xml; charset=utf-8", svg, len);
    gk_reply_header(r, "Content-Language", r->lang);
}

/* ---- audit trail ----------------------------------------------------------------------- */

void gk_h_page_certificate_audit(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_svc_registry_audit(&call, r->params[0], &out);
    if (out.err == GK_ERR_OK) {
        json_t *model = json_incref(out.view);
        gk_outcome_clear(&out);
        gk_page_render(r, 200, "registry_audit", model);
    } else if (gk_page_wants_html(r)) { /* a page for browsers, problem+json for API clients */
        gk_page_error(r, out.err, NULL);
        gk_outcome_clear(&out);
    } else {
        gk_error e = out.err;
        gk_outcome_clear(&out);
        gk_reply_problem(r, e, NULL, NULL);
    }
}
