/* The Common Criteria registry API: import of the CC Portal CSV (examiners, admins) and the
 * public search and detail. Thin: read the input, call db/cc and the domain (cc/view), reply. */
#include "http/handlers.h"
#include "cc/view.h"
#include "db/cc.h"
#include "db/db.h"
#include "http/reply.h"

#include <stdlib.h>
#include <string.h>

static const char *L(const char *lang, const char *en, const char *ja)
{
    return lang && !strcmp(lang, "ja") ? ja : en;
}

void gk_cc_certificates_register(void)
{
    gk_cc_db_register();
}

int gk_cc_import_status_read(gk_request *r, const char *value, bool *archived, json_t **errs)
{
    *archived = false;
    if (!value || !*value || !strcmp(value, "active")) return 0;
    if (!strcmp(value, "archived")) {
        *archived = true;
        return 0;
    }
    gk_field_error_add(errs, "status",
                       L(r->lang, "Must be active (the certified-products list) or archived",
                         "active（認証製品リスト）か archived（アーカイブ済みリスト）を指定してください"));
    return 1;
}

gk_error gk_cc_import_body(gk_request *r, const char *data, size_t len, bool archived,
                           json_t **result, json_t **errs)
{
    gk_cc_mem m;
    gk_cc_source src = gk_cc_source_mem(&m, data, len);
    gk_cc_report rep;
    gk_error e = gk_cc_import(&src, archived, r->lang, &rep);
    *result = NULL;
    if (e == GK_ERR_OK) {
        *result = gk_cc_report_json(&rep);
        if (!*result) e = GK_ERR_INTERNAL;
    } else if (e == GK_ERR_VALIDATION) {
        json_t *err = json_pack("{s:s, s:i, s:s}", "field", "header", "line", 1, "message",
                                rep.header_error);
        if (!*errs) *errs = json_array();
        json_array_append_new(*errs, err);
    }
    gk_cc_report_free(&rep);
    return e;
}

void gk_h_cc_certificates_import(gk_request *r)
{
    json_t *errs = NULL, *result = NULL;
    bool archived;
    if (gk_cc_import_status_read(r, gk_req_query(r, "status"), &archived, &errs)) {
        gk_reply_problem(r, GK_ERR_BAD_QUERY, NULL, errs);
        return;
    }
    gk_error e = gk_cc_import_body(r, r->body ? r->body : "", r->body_len, archived, &result,
                                   &errs);
    if (e != GK_ERR_OK) {
        gk_reply_problem(r, e, e == GK_ERR_VALIDATION ? json_string_value(json_object_get(
                                                            json_array_get(errs, 0), "message"))
                                                      : NULL,
                         errs);
        return;
    }
    json_decref(errs);
    gk_reply_json(r, 200, result);
}

int gk_cc_query_read(gk_request *r, gk_cc_query *q, json_t **errs)
{
    int bad = 0;
    memset(q, 0, sizeof *q);
    q->limit = 50;
    const char *s = gk_req_query(r, "limit");
    if (s && *s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (*end || v < 1 || v > 500) {
            gk_field_error_add(errs, "limit",
                               L(r->lang, "Must be a whole number from 1 to 500",
                                 "1 から 500 までの整数にしてください"));
            bad++;
        } else {
            q->limit = (int)v;
        }
    }
    q->q = gk_req_query(r, "q");
    if (q->q && !*q->q) q->q = NULL;
    if (q->q && strlen(q->q) > 200) {
        gk_field_error_add(errs, "q", L(r->lang, "At most 200 bytes", "200 バイト以内にしてください"));
        bad++;
    }
    s = gk_req_query(r, "scheme");
    if (s && *s) {
        size_t n = strlen(s);
        char *up = gk_req_strdup(r, s);
        bool ok = up && (n == 2 || n == 3);
        for (size_t i = 0; ok && i < n; i++) {
            if (up[i] >= 'a' && up[i] <= 'z') up[i] = (char)(up[i] - 32);
            ok = up[i] >= 'A' && up[i] <= 'Z';
        }
        if (!ok) {
            gk_field_error_add(errs, "scheme",
                               L(r->lang, "Must be a country code of 2 or 3 letters, e.g. JP",
                                 "JP のような 2〜3 文字の国コードにしてください"));
            bad++;
        } else {
            q->scheme = up;
        }
    }
    s = gk_req_query(r, "status");
    if (s && *s) {
        if (strcmp(s, "active") && strcmp(s, "archived")) {
            gk_field_error_add(errs, "status",
                               L(r->lang, "Must be active or archived",
                                 "active か archived を指定してください"));
            bad++;
        } else {
            q->status = s;
        }
    }
    q->after = gk_req_query(r, "after");
    if (q->after && !*q->after) q->after = NULL;
    return bad;
}

int gk_cc_on_read(gk_request *r, gk_date *on, json_t **errs)
{
    *on = gk_date_today_utc();
    const char *s = gk_req_query(r, "on");
    if (!s || !*s || gk_date_parse(s, on)) return 0;
    gk_field_error_add(errs, "on", L(r->lang, "Must be a date YYYY-MM-DD",
                                     "日付は YYYY-MM-DD 形式で指定してください"));
    return 1;
}

gk_error gk_cc_list_view(gk_request *r, const gk_cc_query *q, json_t **out)
{
    json_t *items;
    char *next;
    gk_error e = gk_cc_list(gk_db_read_conn(), q, &items, &next);
    if (e != GK_ERR_OK) return e;
    gk_date today = gk_date_today_utc();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) gk_cc_view(it, today, r->lang);
    *out = json_pack("{s:o, s:s?}", "items", items, "next", next);
    free(next);
    return *out ? GK_ERR_OK : GK_ERR_INTERNAL;
}

void gk_h_cc_certificates_list(gk_request *r)
{
    json_t *errs = NULL, *out = NULL;
    gk_cc_query q;
    if (gk_cc_query_read(r, &q, &errs)) {
        gk_reply_problem(r, GK_ERR_BAD_QUERY, NULL, errs);
        return;
    }
    gk_error e = gk_cc_list_view(r, &q, &out);
    if (e == GK_ERR_BAD_QUERY) {
        gk_reply_field_error(r, e, "after",
                             L(r->lang, "Not a cursor from a previous page",
                               "前のページで返されたカーソルではありません"));
        return;
    }
    if (e != GK_ERR_OK) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    gk_reply_json(r, 200, out);
}

void gk_h_cc_certificates_get(gk_request *r)
{
    json_t *errs = NULL, *c = NULL;
    gk_date on;
    if (gk_cc_on_read(r, &on, &errs)) {
        gk_reply_problem(r, GK_ERR_BAD_QUERY, NULL, errs);
        return;
    }
    gk_error e = gk_cc_get(gk_db_read_conn(), r->params[0], &c);
    if (e != GK_ERR_OK) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    if (!gk_cc_view(c, on, r->lang)) {
        json_decref(c);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    gk_reply_json(r, 200, c);
}
