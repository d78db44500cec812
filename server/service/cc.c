#include "service/cc.h"

#include "app.h"
#include "db/db.h"
#include "render/i18n.h"

#include <stdlib.h>
#include <string.h>

/* ---- texts of the domain's codes ---- */

static const char *msg_in(const char *lang, const char *prefix, const char *code)
{
    char key[96];
    snprintf(key, sizeof key, "%s%s", prefix, code);
    return gk_messages_get(gk_app.messages, lang, key);
}

const char *gk_cc_ccra_text(const char *lang, const char *reason_code)
{
    return msg_in(lang, "cc.ccra_reason.", reason_code);
}

const char *gk_cc_validity_text(const char *lang, gk_cc_validity v)
{
    return msg_in(lang, "cc.validity_reason.", gk_cc_validity_name(v));
}

const char *gk_cc_rejection_text(const gk_call *call, const gk_cc_rejection *rj)
{
    char key[96], found[24], limit[24], name_limit[24];
    snprintf(key, sizeof key, "cc.csv.reject.%s", rj->code);
    snprintf(found, sizeof found, "%zu", rj->found);
    snprintf(limit, sizeof limit, "%zu", rj->limit);
    snprintf(name_limit, sizeof name_limit, "%zu", rj->name_limit);
    return gk_call_msgf(call, key, "column", rj->column ? rj->column : "", "found", found, "limit",
                        limit, "name_limit", name_limit, NULL);
}

/* The header problem as one message: what is wrong, then each list of columns. */
const char *gk_cc_header_text(const gk_call *call, const gk_cc_header_problem *h)
{
    const char *code = h->code ? h->code : "empty";
    const char *text = msg_in(call->lang, "cc.csv.header.", code);
    if (strcmp(code, "mismatch")) return text;
    const struct {
        const char *key, *columns;
    } parts[] = {{"cc.csv.header.missing", h->missing},
                 {"cc.csv.header.unexpected", h->unexpected},
                 {"cc.csv.header.repeated", h->repeated}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!*parts[i].columns) continue;
        const char *more =
            gk_call_printf(call, "%s%s", text,
                           gk_call_msgf(call, parts[i].key, "columns", parts[i].columns, NULL));
        if (more) text = more;
    }
    return text;
}

/* ---- import ---- */

static json_t *report_view(const gk_call *call, const gk_cc_report *rep)
{
    json_t *rejected = json_array();
    for (size_t i = 0; rejected && i < rep->n_rejected; i++) {
        const gk_cc_rejection *rj = &rep->rejected[i];
        json_t *e = json_pack("{s:I, s:s, s:s}", "line", (json_int_t)rj->line, "code", rj->code,
                              "reason", gk_cc_rejection_text(call, rj));
        if (e && rj->column) json_object_set_new(e, "column", json_string(rj->column));
        if (!e || json_array_append_new(rejected, e)) {
            json_decref(rejected);
            return NULL;
        }
    }
    if (!rejected) return NULL;
    return json_pack("{s:I, s:I, s:I, s:o, s:I}", "imported", (json_int_t)rep->imported, "updated",
                     (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged, "rejected",
                     rejected, "rejected_total", (json_int_t)rep->rejected_total);
}

void gk_svc_cc_import(const gk_call *call, const gk_cc_import_in *in, gk_outcome *out)
{
    bool archived = in->status && !strcmp(in->status, "archived");
    bool bad_status = in->status && *in->status && !archived && strcmp(in->status, "active");
    if (bad_status) gk_field_err(out, call, "status", "cc.import.error.status");
    if (!in->source && !in->data) gk_field_err(out, call, "file", "cc.import.error.no_file");
    if (out->errors) {
        gk_fail(out, call, bad_status ? GK_ERR_BAD_QUERY : GK_ERR_VALIDATION, NULL, NULL);
        return;
    }
    gk_cc_mem m;
    gk_cc_source mem = in->source ? *in->source : gk_cc_source_mem(&m, in->data, in->len);
    gk_cc_report rep;
    gk_error e = gk_cc_import(&mem, archived, &rep);
    if (in->lines_read) *in->lines_read = rep.lines;
    if (e == GK_ERR_OK) {
        out->view = report_view(call, &rep);
        if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
    } else if (e == GK_ERR_VALIDATION) {
        const char *text = gk_cc_header_text(call, &rep.header);
        json_t *err = json_pack("{s:s, s:i, s:s}", "field", "header", "line", 1, "message", text);
        gk_fail(out, call, e, NULL, NULL);
        out->detail = text;
        if (err && (out->errors = json_array())) json_array_append(out->errors, err);
        json_decref(err);
    } else {
        gk_fail(out, call, e, NULL, NULL);
    }
    gk_cc_report_free(&rep);
}

/* ---- reading ---- */

/* Adds to a certificate row what the domain decides about it on `on` (see cc.h). */
static json_t *cert_view(json_t *row, gk_date on, const char *lang)
{
    gk_date certified, until = GK_DATE_NONE;
    const char *cs = json_string_value(json_object_get(row, "certified_on"));
    const char *us = json_string_value(json_object_get(row, "valid_until"));
    if (!cs || !gk_date_parse(cs, &certified)) return NULL;
    if (us && !gk_date_parse(us, &until)) return NULL;
    bool archived = !strcmp(json_string_value(json_object_get(row, "status")) ?: "", "archived");

    /* The PP cell is rebuilt from the stored list: names never contain ';', so joining with
     * it gives back the same list to the domain's parser. */
    char pps[GK_CC_MAX_PPS * GK_CC_PP_NAME_LEN + GK_CC_MAX_PPS] = "";
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(row, "protection_profiles"), i, p)
    {
        const char *s = json_string_value(p);
        if (!s || strlen(pps) + strlen(s) + 2 > sizeof pps) continue;
        if (*pps) strcat(pps, ";");
        strcat(pps, s);
    }
    gk_cc_recognition rec;
    gk_cc_recognise(json_string_value(json_object_get(row, "assurance_level")) ?: "", pps, &rec);
    json_object_set_new(row, "ccra_recognised", json_boolean(rec.recognised));
    json_object_set_new(row, "ccra_reason", json_string(rec.reason_code));
    json_object_set_new(row, "ccra_reason_text",
                        json_string(gk_cc_ccra_text(lang, rec.reason_code)));
    json_object_set_new(row, "ccra_reason_en", json_string(gk_cc_ccra_text("en", rec.reason_code)));
    json_object_set_new(row, "ccra_reason_ja", json_string(gk_cc_ccra_text("ja", rec.reason_code)));
    json_object_set_new(row, "ccra_level", json_string(rec.level));
    /* Issue 15: CCRA recognition is shown as information, never as the equivalence test
     * (decided per requirement by the examiner, report l. 370-375). */
    json_object_set_new(row, "ccra_information_only", json_true());
    json_object_set_new(row, "ccra_note", json_string(msg_in(lang, "cc.", "ccra_information")));

    gk_cc_validity v = gk_cc_valid_on(certified, until, archived, on);
    char d[GK_DATE_BUF], e[GK_DATE_BUF];
    json_object_set_new(row, "on", json_string(gk_date_format(on, d)));
    json_object_set_new(row, "valid_on_date", json_boolean(v == GK_CC_VALID));
    json_object_set_new(row, "validity", json_string(gk_cc_validity_name(v)));
    json_object_set_new(row, "validity_reason", json_string(gk_cc_validity_text(lang, v)));
    json_object_set_new(row, "validity_reason_en", json_string(gk_cc_validity_text("en", v)));
    json_object_set_new(row, "validity_reason_ja", json_string(gk_cc_validity_text("ja", v)));
    json_object_set_new(row, "end_date",
                        json_string(gk_date_format(gk_cc_end_date(certified, until), e)));
    return row;
}

static bool given(const char *s)
{
    return s && *s;
}

/* The query as db/cc.h wants it; field errors into out. */
static void query_read(const gk_call *call, const gk_cc_list_in *in, gk_cc_query *q,
                       gk_outcome *out)
{
    memset(q, 0, sizeof *q);
    q->limit = 50;
    if (given(in->limit)) {
        char *end;
        long v = strtol(in->limit, &end, 10);
        if (*end || v < 1 || v > 500)
            gk_field_err(out, call, "limit", "cc.query.limit");
        else
            q->limit = (int)v;
    }
    q->q = given(in->q) ? in->q : NULL;
    if (q->q && strlen(q->q) > 200) gk_field_err(out, call, "q", "cc.query.q");
    if (given(in->scheme)) {
        size_t n = strlen(in->scheme);
        char *up = gk_call_printf(call, "%s", in->scheme);
        bool ok = up && (n == 2 || n == 3);
        for (size_t i = 0; ok && i < n; i++) {
            if (up[i] >= 'a' && up[i] <= 'z') up[i] = (char)(up[i] - 32);
            ok = up[i] >= 'A' && up[i] <= 'Z';
        }
        if (ok)
            q->scheme = up;
        else
            gk_field_err(out, call, "scheme", "cc.query.scheme");
    }
    if (given(in->status)) {
        if (strcmp(in->status, "active") && strcmp(in->status, "archived"))
            gk_field_err(out, call, "status", "cc.query.status");
        else
            q->status = in->status;
    }
    q->after = given(in->after) ? in->after : NULL;
}

void gk_svc_cc_list(const gk_call *call, const gk_cc_list_in *in, gk_outcome *out)
{
    gk_cc_query q;
    query_read(call, in, &q, out);
    if (out->errors) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, NULL, NULL);
        return;
    }
    json_t *items;
    char *next;
    gk_error e = gk_cc_list(gk_db_read_conn(), &q, &items, &next);
    if (e == GK_ERR_BAD_QUERY) {
        gk_fail(out, call, e, "after", "cc.query.after");
        out->detail = gk_call_msg(call, "cc.query.after");
        return;
    }
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    gk_date today = gk_date_today_utc();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) cert_view(it, today, call->lang);
    out->view = json_pack("{s:o, s:s?}", "items", items, "next", next);
    free(next);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_svc_cc_get(const gk_call *call, const char *id, const char *on, gk_outcome *out)
{
    gk_date day = gk_date_today_utc();
    if (given(on) && !gk_date_parse(on, &day)) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, "on", "cc.query.on");
        return;
    }
    json_t *c;
    gk_error e = gk_cc_get(gk_db_read_conn(), id, &c);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    if (!cert_view(c, day, call->lang)) {
        json_decref(c);
        gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    out->view = c;
}
