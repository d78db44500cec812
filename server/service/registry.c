/* The public registry (see registry.h). */
#include "service/registry.h"

#include "service/public_cert.h"
#include "app.h"
#include "render/i18n.h"

#include "crypto/base64.h"
#include "db/registry.h"

#include <libxml/xmlIO.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const gk_registry_params[] = {
    "q",          "manufacturer", "category",      "status",
    "rule_set",   "basis",        "grandfathered", "granted_from",
    "granted_to", "sort",         "order",         "limit"};
const size_t gk_registry_param_count = sizeof gk_registry_params / sizeof *gk_registry_params;

bool gk_registry_param_is_paging(const char *name)
{
    return !strcmp(name, "sort") || !strcmp(name, "order") || !strcmp(name, "limit");
}

int gk_svc_registry_query(const gk_call *call, gk_cert_getter get, void *ctx, gk_cert_query *q,
                          gk_outcome *out)
{
    json_t *errs = NULL;
    gk_cert_query_error qe[GK_CERT_QUERY_ERRORS_MAX];
    int bad = gk_cert_query_read(q, get, ctx, qe, GK_CERT_QUERY_ERRORS_MAX);
    for (int i = 0; i < bad && i < GK_CERT_QUERY_ERRORS_MAX; i++) {
        json_t *e =
            json_pack("{s:s, s:s}", "field", qe[i].field, "message", gk_call_msg(call, qe[i].key));
        if (e && (errs || (errs = json_array()))) json_array_append(errs, e);
        json_decref(e);
    }
    if (bad) {
        out->err = GK_ERR_BAD_QUERY;
        out->status = gk_error_status(out->err);
        if (out->errors)
            json_array_extend(out->errors, errs);
        else
            out->errors = json_incref(errs);
    }
    json_decref(errs);
    return bad;
}

void gk_svc_registry_list(const gk_call *call, const gk_cert_query *q, gk_outcome *out)
{
    json_t *items = NULL;
    char next[96];
    gk_error e = gk_registry_db_page(q, gk_call_is_staff(call), &items, next, sizeof next);
    if (e == GK_ERR_OK)
        out->view = json_pack("{s:o, s:o}", "items", items, "next",
                              next[0] ? json_string(next) : json_null());
    if (e == GK_ERR_OK && !out->view) e = GK_ERR_INTERNAL;
    if (e != GK_ERR_OK) gk_fail(out, call, e, NULL, NULL);
}

void gk_svc_registry_stats(const gk_call *call, const gk_cert_query *q, gk_outcome *out)
{
    gk_error e = gk_registry_db_stats(q, &out->view);
    if (e != GK_ERR_OK) gk_fail(out, call, e, NULL, NULL);
}

void gk_svc_registry_categories(const gk_call *call, const char *current, gk_outcome *out)
{
    json_t *rows = NULL;
    gk_error e = gk_registry_db_categories(&rows);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    const char *title = gk_lang_is_ja(call->lang) ? "title_ja" : "title_en";
    json_t *a = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *id = json_string_value(json_object_get(row, "id"));
        json_array_append_new(a, json_pack("{s:s, s:O, s:b}", "value", id, "title",
                                           json_object_get(row, title), "selected",
                                           current && !strcmp(current, id)));
    }
    json_decref(rows);
    out->view = a;
}

/* ---- statistics series ----------------------------------------------------------------- */

const gk_registry_series gk_registry_series_all[] = {
    {"month", "by_month", "month", NULL},
    {"category", "by_category", "category", NULL},
    {"basis", "by_basis", "basis", "registry.basis."},
    {"rule_set", "by_rule_set", "rule_set", NULL},
    {"status", "by_status", "status", "registry.status."},
};
const size_t gk_registry_series_count =
    sizeof gk_registry_series_all / sizeof *gk_registry_series_all;

const gk_registry_series *gk_registry_series_find(const char *name)
{
    for (size_t i = 0; name && i < gk_registry_series_count; i++)
        if (!strcmp(gk_registry_series_all[i].name, name)) return &gk_registry_series_all[i];
    return NULL;
}

json_t *gk_svc_registry_series_rows(const gk_call *call, json_t *stats, const gk_registry_series *d)
{
    json_t *rows = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(stats, d->array), i, it)
    {
        const char *v = json_string_value(json_object_get(it, d->key));
        const char *label = v;
        if (d->msg_prefix)
            label = gk_call_msg(call, gk_call_printf(call, "%s%s", d->msg_prefix, v));
        if (!strcmp(d->name, "rule_set") && json_is_true(json_object_get(it, "grandfathered")))
            label = gk_call_printf(call, "%s (%s)", v,
                                   gk_call_msg(call, "registry.grandfathered.true"));
        json_array_append_new(rows, json_pack("{s:s, s:O}", "label", label ? label : "", "count",
                                              json_object_get(it, "count")));
    }
    return rows;
}

/* ---- feed ------------------------------------------------------------------------------ */

#define FEED_LIMIT_DEFAULT 50
#define FEED_LIMIT_MAX 500

/* Cursor "<timestamp with microseconds, UTC>|<id>" in base64url. */
static bool feed_cursor_parse(const char *s, char *at, size_t at_size, char *id, size_t id_size)
{
    unsigned char raw[80];
    size_t n;
    if (strlen(s) > 100 || !gk_base64_decode(s, strlen(s), GK_B64_URL, raw, sizeof raw - 1, &n))
        return false;
    raw[n] = 0;
    char *bar = strchr((char *)raw, '|');
    if (!bar || (size_t)(bar - (char *)raw) >= at_size || strlen(bar + 1) >= id_size) return false;
    *bar = 0;
    /* YYYY-MM-DDTHH:MI:SS.ffffff and a positive integer */
    const char *a = (const char *)raw;
    if (strlen(a) != 26) return false;
    for (size_t i = 0; i < 26; i++) {
        char c = a[i];
        bool digit = c >= '0' && c <= '9';
        if (i == 4 || i == 7     ? c != '-'
            : i == 10            ? c != 'T'
            : i == 13 || i == 16 ? c != ':'
            : i == 19            ? c != '.'
                                 : !digit)
            return false;
    }
    const char *d = bar + 1;
    if (!*d || strlen(d) > 18 || strspn(d, "0123456789") != strlen(d)) return false;
    snprintf(at, at_size, "%s", a);
    snprintf(id, id_size, "%s", d);
    return true;
}

/* The public reason is part of the public projection (the internal note is kept apart), so
 * everyone's feed says why, as the certificate's JSON and page do. */
static json_t *feed_entry(const gk_call *call, json_t *row)
{
#define S(k) json_string_value(json_object_get(row, k))
    const char *number = S("number"), *event = S("event"), *maker = S("manufacturer"),
               *model = S("model_name"), *type = S("type_name"), *ref = S("order_reference"),
               *reason = S("reason");
    const char *key = gk_call_printf(call, "registry.feed.event.%s", event);
    const char *what = key ? gk_call_msg(call, key) : event;
    if (!what || (key && !strcmp(what, key)))
        what = event; /* an event the catalogue does not name */
    const char *summary = gk_call_printf(
        call, "%s %s — %s %s%s%s%s%s", number, what, maker, model, type ? " / " : "",
        type ? type : "",
        ref ? gk_call_msgf(call, "registry.feed.order_reference", "ref", ref, NULL) : "",
        reason ? gk_call_msgf(call, "registry.feed.reason", "reason", reason, NULL) : "");
    return json_pack("{s:s?, s:s, s:s, s:s?, s:s?, s:s}", "id",
                     gk_call_printf(call, "urn:giteki:certificate-event:%s", S("id")), "number",
                     number, "event", event, "title",
                     gk_call_printf(call, "%s: %s %s %s", what, number, maker, model), "summary",
                     summary, "updated", S("updated"));
#undef S
}

void gk_svc_registry_feed(const gk_call *call, const gk_registry_feed_input *in, gk_outcome *out)
{
    int limit = FEED_LIMIT_DEFAULT;
    if (in->limit && *in->limit) {
        char *end;
        long v = strtol(in->limit, &end, 10);
        if (*end || v < 1 || v > FEED_LIMIT_MAX)
            gk_field_err(out, call, "limit", "registry.filter.limit");
        else
            limit = (int)v;
    }
    char at[32], id[24];
    bool after = in->after && *in->after;
    if (after && !feed_cursor_parse(in->after, at, sizeof at, id, sizeof id))
        gk_field_err(out, call, "after", "registry.feed.bad_cursor");
    if (out->errors) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, NULL, NULL);
        return;
    }
    json_t *rows = NULL;
    gk_error e = gk_registry_db_feed(limit + 1, after ? at : NULL, after ? id : NULL, &rows);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    size_t n = json_array_size(rows), shown = n > (size_t)limit ? (size_t)limit : n;
    json_t *entries = json_array();
    for (size_t i = 0; entries && i < shown; i++) {
        /* Entries are made from the public projection of the event (service/public_cert.h). */
        json_t *pub = gk_public_cert_event_row(json_array_get(rows, i));
        json_t *en = pub ? feed_entry(call, pub) : NULL;
        json_decref(pub);
        if (!en || json_array_append_new(entries, en)) {
            json_decref(entries);
            entries = NULL;
        }
    }
    json_t *next = json_null();
    if (entries && n > (size_t)limit) {
        json_t *last = json_array_get(rows, shown - 1);
        char raw[64], cur[100];
        snprintf(raw, sizeof raw, "%s|%s", json_string_value(json_object_get(last, "at_us")),
                 json_string_value(json_object_get(last, "id")));
        if (gk_base64_encode_to(raw, strlen(raw), GK_B64_URL, cur, sizeof cur))
            next = json_string(cur);
    }
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* The feed changed when its newest entry did (the first page's first row). */
    const char *updated =
        n ? json_string_value(json_object_get(json_array_get(rows, 0), "updated")) : now;
    out->view = entries ? json_pack("{s:s, s:s, s:i, s:o, s:o}", "title",
                                    gk_call_msg(call, "registry.feed.title"), "updated", updated,
                                    "limit", limit, "next", next, "entries", entries)
                        : NULL;
    json_decref(rows);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

/* ---- audit trail ----------------------------------------------------------------------- */

void gk_svc_registry_audit(const gk_call *call, const char *number, gk_outcome *out)
{
    if (!gk_call_is_staff(call)) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    gk_error e = gk_registry_db_cert_audit(number, &out->view);
    if (e != GK_ERR_OK) gk_fail(out, call, e, NULL, NULL);
}

/* ---- exports --------------------------------------------------------------------------- */

#define GK_XML_NS "urn:giteki:certificates:1"

bool gk_svc_registry_export_format(const gk_call *call, const char *text, gk_export_format *f,
                                   gk_outcome *out)
{
    if (!text || !strcmp(text, "csv"))
        *f = GK_EXPORT_CSV;
    else if (!strcmp(text, "json"))
        *f = GK_EXPORT_JSON;
    else if (!strcmp(text, "xml"))
        *f = GK_EXPORT_XML;
    else {
        gk_fail(out, call, GK_ERR_BAD_QUERY, "format", "registry.export.bad_format");
        out->detail = gk_call_msg(call, "registry.export.bad_format");
        return false;
    }
    return true;
}

const char *gk_registry_export_media_type(gk_export_format f)
{
    static const char *const types[] = {"text/csv; charset=utf-8; header=present",
                                        "application/json", "application/xml"};
    return types[f];
}

const char *gk_registry_export_disposition(gk_export_format f)
{
    static const char *const names[] = {"attachment; filename=\"certificates.csv\"",
                                        "attachment; filename=\"certificates.json\"",
                                        "attachment; filename=\"certificates.xml\""};
    return names[f];
}

typedef enum { PH_HEADER, PH_ROWS, PH_DONE } export_phase;

struct gk_registry_file {
    gk_registry_export *cursor; /* JSON and XML */
    gk_registry_copy *copy;     /* CSV: straight from COPY (issue 21) */
    gk_export_format fmt;
    export_phase phase;
    bool staff, first_row;
    /* issue 20, the CSV for people: the header and the values in words of one language
     * (docs/glossary.md); NULL for the API's field names and codes */
    const char *header_lang, *words_lang;
    json_t *categories; /* words: {id: title} in words_lang (device_categories) */
    gk_buf *to;         /* where the XML writer's output goes during gk_svc_registry_export_next */
    xmlTextWriterPtr xw;
};

static int xml_write(void *ctx, const char *data, int len)
{
    gk_registry_file *x = ctx;
    return x->to && !gk_buf_append(x->to, data, (size_t)len) ? len : -1;
}

static int xml_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/* A cell a spreadsheet would read as a formula (=, +, -, @, tab or CR first: CWE-1236) gets
 * a leading apostrophe, which spreadsheets show as text and do not evaluate. The CSV export
 * is meant for spreadsheets; JSON and XML carry the value unchanged. */
static bool csv_formula_like(const char *s)
{
    return *s && strchr("=+-@\t\r", *s);
}

static void csv_field(gk_buf *b, const char *s)
{
    const char *guard = csv_formula_like(s) ? "'" : "";
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

/* A published field of a row as text: "" for null, true/false for booleans. */
static const char *cell(json_t *row, int col)
{
    json_t *v = json_object_get(row, gk_cert_field_names[col]);
    if (json_is_boolean(v)) return json_is_true(v) ? "true" : "false";
    return json_is_string(v) ? json_string_value(v) : "";
}

/* The catalogue text of "<prefix><code>" in lang. */
static const char *word(const char *lang, const char *prefix, const char *code)
{
    char key[96];
    snprintf(key, sizeof key, "%s%s", prefix, code);
    const char *w = gk_messages_get(gk_app.messages, lang, key);
    return w ? w : code;
}

/* A published field of a row in words (docs/glossary.md): route, category, grandfathered,
 * basis and status; the other fields as they are. */
static const char *cell_words(gk_registry_file *x, json_t *row, int col)
{
    const char *v = cell(row, col), *lang = x->words_lang;
    if (!*v) return v;
    switch (col) {
    case GK_CERT_COL_ROUTE:
        return word(lang, "cert.route.", v);
    case GK_CERT_COL_CATEGORY: {
        const char *t = json_string_value(json_object_get(x->categories, v));
        return t ? t : v;
    }
    case GK_CERT_COL_GRANDFATHERED:
        return word(lang, "glossary.", strcmp(v, "true") ? "no" : "yes");
    case GK_CERT_COL_BASIS:
        return word(lang, "cert.basis.", v);
    case GK_CERT_COL_STATUS:
        return word(lang, "cert.status.", v);
    default:
        return v;
    }
}

static int write_header(gk_registry_file *x, gk_buf *b)
{
    switch (x->fmt) {
    case GK_EXPORT_CSV:
        gk_buf_puts(b, "\xEF\xBB\xBF");
        for (int c = 0; c < GK_CERT_COL__PUBLISHED; c++) {
            if (c) gk_buf_putc(b, ',');
            if (x->header_lang)
                csv_field(b, word(x->header_lang, "glossary.csv.col.", gk_cert_field_names[c]));
            else
                gk_buf_puts(b, gk_cert_field_names[c]);
        }
        gk_buf_puts(b, "\r\n");
        break;
    case GK_EXPORT_JSON:
        gk_buf_putc(b, '[');
        break;
    case GK_EXPORT_XML: {
        char now[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (xmlTextWriterStartDocument(x->xw, "1.0", "UTF-8", NULL) < 0 ||
            xmlTextWriterStartElementNS(x->xw, NULL, BAD_CAST "certificates", BAD_CAST GK_XML_NS) <
                0 ||
            xmlTextWriterWriteAttribute(x->xw, BAD_CAST "generated_at", BAD_CAST now) < 0 ||
            xmlTextWriterFlush(x->xw) < 0)
            return -1;
        break;
    }
    }
    return b->failed ? -1 : 0;
}

static int write_row(gk_registry_file *x, gk_buf *b, json_t *row)
{
    switch (x->fmt) {
    case GK_EXPORT_CSV:
        for (int c = 0; c < GK_CERT_COL__PUBLISHED; c++) {
            if (c) gk_buf_putc(b, ',');
            csv_field(b, x->words_lang ? cell_words(x, row, c) : cell(row, c));
        }
        gk_buf_puts(b, "\r\n");
        break;
    case GK_EXPORT_JSON: {
        char *text = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!text) return -1;
        gk_buf_puts(b, x->first_row ? "\n" : ",\n");
        gk_buf_puts(b, text);
        free(text);
        break;
    }
    case GK_EXPORT_XML:
        if (xmlTextWriterStartElement(x->xw, BAD_CAST "certificate") < 0) return -1;
        for (int c = 0; c < GK_CERT_COL__PUBLISHED; c++) {
            if (json_is_null(json_object_get(row, gk_cert_field_names[c])))
                continue; /* optional elements (type_name) */
            if (xmlTextWriterWriteElement(x->xw, BAD_CAST gk_cert_field_names[c],
                                          BAD_CAST cell(row, c)) < 0)
                return -1;
        }
        if (xmlTextWriterEndElement(x->xw) < 0) return -1;
        break;
    }
    x->first_row = false;
    return b->failed ? -1 : 0;
}

static int write_footer(gk_registry_file *x, gk_buf *b)
{
    switch (x->fmt) {
    case GK_EXPORT_CSV:
        break;
    case GK_EXPORT_JSON:
        gk_buf_puts(b, x->first_row ? "]\n" : "\n]\n");
        break;
    case GK_EXPORT_XML:
        if (xmlTextWriterEndDocument(x->xw) < 0 || xmlTextWriterFlush(x->xw) < 0) return -1;
        break;
    }
    return b->failed ? -1 : 0;
}

gk_registry_file *gk_svc_registry_export_open(const gk_call *call, gk_export_format f,
                                              const gk_cert_query *q, gk_outcome *out)
{
    return gk_svc_registry_export_open_csv(call, f, q, NULL, NULL, out);
}

gk_registry_file *gk_svc_registry_export_open_csv(const gk_call *call, gk_export_format f,
                                                  const gk_cert_query *q, const char *header_lang,
                                                  const char *words_lang, gk_outcome *out)
{
    gk_registry_file *x = calloc(1, sizeof *x);
    if (!x) {
        gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
        return NULL;
    }
    x->fmt = f;
    x->staff = gk_call_is_staff(call);
    x->first_row = true;
    gk_error e = GK_ERR_OK;
    if (f == GK_EXPORT_CSV) {
        x->header_lang = header_lang;
        x->words_lang = words_lang;
    }
    if (x->words_lang) { /* the category titles as the database has them (schema/0026_words.sql) */
        json_t *rows = NULL, *row;
        size_t i;
        e = gk_registry_db_categories(&rows);
        x->categories = json_object();
        const char *title = gk_lang_is_ja(x->words_lang) ? "title_ja" : "title_en";
        json_array_foreach(rows, i, row)
        {
            const char *id = json_string_value(json_object_get(row, "id"));
            if (id && x->categories)
                json_object_set(x->categories, id, json_object_get(row, title));
        }
        json_decref(rows);
        if (e == GK_ERR_OK && !x->categories) e = GK_ERR_INTERNAL;
    }
    if (e != GK_ERR_OK)
        ; /* below: no cursor, the error */
    else if (f == GK_EXPORT_CSV && !x->words_lang)
        x->copy = gk_registry_copy_open(q, &e);
    else
        x->cursor = gk_registry_export_open(q, &e);
    if (!x->cursor && !x->copy) {
        json_decref(x->categories);
        free(x);
        gk_fail(out, call, e, NULL, NULL);
        return NULL;
    }
    if (f == GK_EXPORT_XML) {
        xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(xml_write, xml_close, x, NULL);
        x->xw = ob ? xmlNewTextWriter(ob) : NULL;
        if (!x->xw) {
            if (ob) xmlOutputBufferClose(ob);
            gk_svc_registry_export_close(x);
            gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
            return NULL;
        }
        xmlTextWriterSetIndent(x->xw, 1);
        xmlTextWriterSetIndentString(x->xw, BAD_CAST " ");
    }
    return x;
}

bool gk_svc_registry_export_next(gk_registry_file *x, gk_buf *b, bool *done)
{
    *done = false;
    x->to = b;
    int rc = 0;
    if (x->phase == PH_DONE) {
        *done = true;
    } else if (x->phase == PH_HEADER) {
        x->phase = PH_ROWS;
        rc = write_header(x, b);
    } else if (x->copy) {
        /* The rows as COPY wrote them: already CSV cells, formula cells neutralised. */
        bool last = false;
        rc = gk_registry_copy_next(x->copy, b, &last) ? 0 : -1;
        if (!rc && last) x->phase = PH_DONE;
    } else {
        json_t *rows = NULL;
        bool last = false;
        rc = gk_registry_export_fetch(x->cursor, x->staff, &rows, &last) == GK_ERR_OK ? 0 : -1;
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            if (rc) break;
            rc = write_row(x, b, row);
        }
        json_decref(rows);
        if (!rc && x->fmt == GK_EXPORT_XML && xmlTextWriterFlush(x->xw) < 0) rc = -1;
        if (!rc && last) {
            x->phase = PH_DONE;
            rc = write_footer(x, b);
        }
    }
    x->to = NULL;
    return rc == 0;
}

void gk_svc_registry_export_close(gk_registry_file *x)
{
    if (!x) return;
    if (x->xw) {
        gk_buf sink = GK_BUF_INIT; /* whatever the writer still flushes on the way out */
        x->to = &sink;
        xmlFreeTextWriter(x->xw); /* closes its output buffer */
        gk_buf_free(&sink);
    }
    gk_registry_export_close(x->cursor);
    gk_registry_copy_close(x->copy);
    json_decref(x->categories);
    free(x);
}
