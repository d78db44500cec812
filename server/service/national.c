#include "service/national.h"

#include "crypto/base64.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 500

void gk_svc_national_register(void)
{
    gk_national_db_register();
}

json_t *gk_svc_national_signed(const char *const *numbers, size_t n)
{
    json_t *out = NULL;
    if (gk_national_db_signed(numbers, n, &out) != GK_ERR_OK) return NULL;
    const char *number;
    json_t *rec;
    json_object_foreach(out, number, rec)
    {
        const char *p = json_string_value(json_object_get(rec, "payload"));
        char *b64 = p ? gk_base64_encode(p, strlen(p), GK_B64_URL) : NULL;
        if (b64) json_object_set_new(rec, "payload_b64", json_string(b64));
        free(b64);
    }
    return out;
}

static bool parse_limit(const gk_call *call, const char *text, int *limit, gk_outcome *out)
{
    *limit = LIMIT_DEFAULT;
    if (!text || !*text) return true;
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || v < 1 || v > LIMIT_MAX) {
        gk_field_err(out, call, "limit", "national.filter.limit");
        return false;
    }
    *limit = (int)v;
    return true;
}

static bool short_text(const char *s, size_t max)
{
    return !s || strlen(s) <= max;
}

/* The filters of the search and the statistics; false with field errors in out. */
static bool read_query(const gk_call *call, const gk_national_search_in *in, gk_national_query *q,
                       gk_outcome *out)
{
    memset(q, 0, sizeof *q);
    parse_limit(call, in->limit, &q->limit, out);
    if (in->body && *in->body && (strlen(in->body) != 3 || strspn(in->body, "0123456789") != 3))
        gk_field_err(out, call, "body", "national.filter.body");
    if (!short_text(in->q, 200)) gk_field_err(out, call, "q", "national.filter.q");
    if (in->status && *in->status && strcmp(in->status, "granted") &&
        strcmp(in->status, "suspended") && strcmp(in->status, "revoked"))
        gk_field_err(out, call, "status", "national.filter.status");
    if (!short_text(in->category, 40))
        gk_field_err(out, call, "category", "national.filter.category");
    if (in->after && *in->after && (!short_text(in->after, 64) || !strchr(in->after, ':')))
        gk_field_err(out, call, "after", "national.filter.after");
    if (out->errors) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, NULL, NULL);
        return false;
    }
    q->body = in->body;
    q->q = in->q;
    q->status = in->status;
    q->category = in->category;
    q->after = in->after;
    return true;
}

void gk_svc_national_search(const gk_call *call, const gk_national_search_in *in, gk_outcome *out)
{
    gk_national_query q;
    if (!read_query(call, in, &q, out)) return;
    json_t *items = NULL;
    char *next = NULL;
    gk_error e = gk_national_db_search(&q, &items, &next);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, e == GK_ERR_BAD_QUERY ? "after" : NULL,
                e == GK_ERR_BAD_QUERY ? "national.filter.after" : NULL);
        return;
    }
    out->view =
        json_pack("{s:o, s:o}", "items", items, "next", next ? json_string(next) : json_null());
    free(next);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_svc_national_stats(const gk_call *call, const gk_national_search_in *in, gk_outcome *out)
{
    gk_national_query q;
    if (!read_query(call, in, &q, out)) return;
    gk_error e = gk_national_db_stats(&q, &out->view);
    if (e != GK_ERR_OK) gk_fail(out, call, e, NULL, NULL);
}

void gk_svc_national_rejections(const gk_call *call, const gk_national_rejections_in *in,
                                gk_outcome *out)
{
    if (!gk_call_is_staff(call)) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    int limit;
    parse_limit(call, in->limit, &limit, out);
    if (in->body && *in->body && (strlen(in->body) != 3 || strspn(in->body, "0123456789") != 3))
        gk_field_err(out, call, "body", "national.filter.body");
    if (out->errors) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, NULL, NULL);
        return;
    }
    json_t *items = NULL;
    gk_error e = gk_national_db_rejections(in->body, limit, &items);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o, s:n}", "items", items, "next");
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_svc_national_bodies(const gk_call *call, gk_outcome *out)
{
    if (!gk_call_is_staff(call)) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    json_t *items = NULL;
    gk_error e = gk_national_db_bodies(&items);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o}", "items", items);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

/* ---- the export ---- */

static const char *const export_fields[] = {"body",
                                            "number",
                                            "route",
                                            "category",
                                            "manufacturer",
                                            "model_name",
                                            "type_name",
                                            "granted_on",
                                            "rule_set",
                                            "grandfathered",
                                            "basis",
                                            "status",
                                            "status_changed_on",
                                            "feed_entry_id",
                                            "fetched_at",
                                            "key_id"};

struct gk_national_file {
    bool csv, started;
    char *body, *q, *status, *category;
    char *after; /* the last row's cursor, NULL before the first batch */
    bool first_item;
};

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

gk_national_file *gk_svc_national_export_open(const gk_call *call, const gk_national_search_in *in,
                                              const char *format, gk_outcome *out)
{
    bool csv = !format || !*format || !strcmp(format, "csv");
    if (!csv && strcmp(format, "json")) gk_field_err(out, call, "format", "national.export.format");
    gk_national_search_in f = *in;
    f.limit = NULL;
    f.after = NULL;
    gk_national_query q;
    if (!read_query(call, &f, &q, out)) return NULL; /* fails with every bad field */
    if (out->errors) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, NULL, NULL);
        return NULL;
    }
    gk_national_file *x = calloc(1, sizeof *x);
    if (!x) {
        gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
        return NULL;
    }
    x->csv = csv;
    x->body = dup_or_null(in->body);
    x->q = dup_or_null(in->q);
    x->status = dup_or_null(in->status);
    x->category = dup_or_null(in->category);
    x->first_item = true;
    return x;
}

const char *gk_svc_national_export_type(const gk_national_file *f)
{
    return f->csv ? "text/csv; charset=utf-8" : "application/json";
}

const char *gk_svc_national_export_disposition(const gk_national_file *f)
{
    return f->csv ? "attachment; filename=\"national-certificates.csv\""
                  : "attachment; filename=\"national-certificates.json\"";
}

static void csv_cell(gk_buf *b, const char *s)
{
    const char *guard = *s && strchr("=+-@\t\r", *s) ? "'" : "";
    if (!strpbrk(s, ",\"\r\n")) {
        gk_buf_puts(b, guard);
        gk_buf_puts(b, s);
        return;
    }
    gk_buf_putc(b, '"');
    gk_buf_puts(b, guard);
    for (; *s; s++) {
        if (*s == '"') gk_buf_putc(b, '"');
        gk_buf_putc(b, *s);
    }
    gk_buf_putc(b, '"');
}

bool gk_svc_national_export_next(gk_national_file *x, gk_buf *b, bool *done)
{
    *done = false;
    size_t nf = sizeof export_fields / sizeof *export_fields;
    if (!x->started) {
        x->started = true;
        if (x->csv) {
            gk_buf_puts(b, "\xEF\xBB\xBF");
            for (size_t i = 0; i < nf; i++) {
                if (i) gk_buf_putc(b, ',');
                gk_buf_puts(b, export_fields[i]);
            }
            gk_buf_puts(b, "\r\n");
        } else {
            gk_buf_putc(b, '[');
        }
    }
    gk_national_query q = {x->body,     x->q,     x->status,
                           x->category, x->after, GK_NATIONAL_EXPORT_BATCH};
    json_t *items = NULL;
    char *next = NULL;
    if (gk_national_db_search(&q, &items, &next) != GK_ERR_OK) return false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (x->csv) {
            for (size_t k = 0; k < nf; k++) {
                json_t *v = json_object_get(it, export_fields[k]);
                if (k) gk_buf_putc(b, ',');
                if (json_is_string(v))
                    csv_cell(b, json_string_value(v));
                else if (json_is_boolean(v))
                    gk_buf_puts(b, json_is_true(v) ? "true" : "false");
            }
            gk_buf_puts(b, "\r\n");
        } else {
            char *text = json_dumps(it, JSON_COMPACT);
            if (!text) {
                json_decref(items);
                free(next);
                return false;
            }
            if (!x->first_item) gk_buf_putc(b, ',');
            gk_buf_puts(b, text);
            free(text);
            x->first_item = false;
        }
    }
    json_decref(items);
    free(x->after);
    x->after = next;
    if (!next) {
        if (!x->csv) gk_buf_puts(b, "]\n");
        *done = true;
    }
    return !b->failed;
}

void gk_svc_national_export_close(gk_national_file *x)
{
    if (!x) return;
    free(x->body);
    free(x->q);
    free(x->status);
    free(x->category);
    free(x->after);
    free(x);
}

/* ---- the puller's writes ---- */

bool gk_svc_national_body_configure(const char *code, const char *base_url,
                                    const char *const *key_ids, size_t n_keys)
{
    return gk_national_db_body_upsert(code, base_url, key_ids, n_keys) == GK_ERR_OK;
}

bool gk_svc_national_position(const char *code, char *hw, size_t hw_size)
{
    return gk_national_db_body_position(code, hw, hw_size) == GK_ERR_OK;
}

bool gk_svc_national_pulled(const char *code, const char *error, const char *new_hw)
{
    return gk_national_db_body_pulled(code, error, new_hw) == GK_ERR_OK;
}

bool gk_svc_national_known(const char *code, const char *entry_id, int *known)
{
    return gk_national_db_entry_known(code, entry_id, known) == GK_ERR_OK;
}

int gk_svc_national_accept(const gk_national_entry *e)
{
    gk_error err = gk_national_db_accept(e);
    return err == GK_ERR_OK ? 1 : err == GK_ERR_UNAVAILABLE ? 0 : -1;
}

bool gk_svc_national_reject(const char *code, const char *entry_id, const char *number,
                            const char *reason, const char *detail, bool *is_new)
{
    gk_log("warn", "national entry refused",
           json_pack("{s:s, s:s, s:s?, s:s, s:s?}", "body", code, "entry_id", entry_id, "number",
                     number, "reason", reason, "detail", detail));
    return gk_national_db_reject(code, entry_id, number, reason, detail, is_new) == GK_ERR_OK;
}
