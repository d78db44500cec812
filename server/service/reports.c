#include "service/reports.h"

#include "crypto/audit_chain.h"
#include "db/db.h"
#include "db/reports.h"
#include "domain/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_svc_reports_register(void)
{
    gk_db_reports_register();
}

static const gk_field submit_fields[] = {
    {"from", GK_F_STRING, true, 16, NULL, GK_AT(gk_report_in, from), false},
    {"to", GK_F_STRING, true, 16, NULL, GK_AT(gk_report_in, to), false},
    {"reference", GK_F_STRING, true, 1200, NULL, GK_AT(gk_report_in, reference), false},
};
const gk_spec gk_report_submit_spec = GK_SPEC(submit_fields);

/* The report's columns, in file order. */
static const char *const columns[] = {"number",         "event",          "event_date",
                                      "holder_name",    "holder_address", "representative",
                                      "equipment_kind", "model_names",    "versions",
                                      "basis"};
#define NCOLUMNS (sizeof columns / sizeof *columns)

static bool check_period(const gk_call *call, const gk_report_in *in, gk_outcome *out)
{
    gk_date f = 0, t = 0;
    bool fok = in->from && gk_date_parse(in->from, &f);
    bool tok = in->to && gk_date_parse(in->to, &t);
    if (!fok) gk_field_err(out, call, "from", "reports.bad_date");
    if (!tok) gk_field_err(out, call, "to", "reports.bad_date");
    if (fok && tok && t < f) gk_field_err(out, call, "to", "reports.period_order");
    if (fok && tok && t - f > 36600) gk_field_err(out, call, "to", "reports.period_too_long");
    if (out->errors) {
        gk_fail(out, call, GK_ERR_VALIDATION, NULL, NULL);
        return false;
    }
    return true;
}

const char *gk_svc_report_media_type(const char *format)
{
    if (format && !strcmp(format, "csv")) return "text/csv; charset=utf-8";
    if (format && !strcmp(format, "xml")) return "application/xml; charset=utf-8";
    return "application/json";
}

void gk_svc_report_get(const gk_call *call, const gk_report_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    const char *fmt = in->format && *in->format ? in->format : "json";
    if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "xml"))
        gk_field_err(out, call, "format", "reports.bad_format");
    if (!check_period(call, in, out)) return;
    PGconn *c = gk_db_conn();
    json_t *view = NULL;
    gk_tx_status s = c ? gk_db_report(c, in->from, in->to, &view) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !view) {
        json_decref(view);
        gk_fail(out, call, s != GK_TX_OK ? gk_tx_error(s) : GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    out->view = view;
}

static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void xml_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r') break;
            fputc(*s, f);
        }
    }
}

static const char *cell(json_t *row, const char *col)
{
    const char *v = json_string_value(json_object_get(row, col));
    return v ? v : "";
}

char *gk_svc_report_file(const json_t *view, const char *format, size_t *len)
{
    char *data = NULL;
    *len = 0;
    FILE *f = open_memstream(&data, len);
    if (!f) return NULL;
    json_t *rows = json_object_get(view, "rows");
    size_t i;
    json_t *row;
    if (!strcmp(format, "csv")) {
        for (size_t k = 0; k < NCOLUMNS; k++)
            fprintf(f, "%s%s", k ? "," : "", columns[k]);
        fputs("\r\n", f);
        json_array_foreach(rows, i, row)
        {
            for (size_t k = 0; k < NCOLUMNS; k++) {
                if (k) fputc(',', f);
                csv_field(f, cell(row, columns[k]));
            }
            fputs("\r\n", f);
        }
    } else {
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<certification-report from=\"", f);
        xml_text(f, json_string_value(json_object_get(view, "from")));
        fputs("\" to=\"", f);
        xml_text(f, json_string_value(json_object_get(view, "to")));
        fputs("\">\n", f);
        json_array_foreach(rows, i, row)
        {
            fputs("  <event>\n", f);
            for (size_t k = 0; k < NCOLUMNS; k++) {
                fprintf(f, "    <%s>", columns[k]);
                xml_text(f, cell(row, columns[k]));
                fprintf(f, "</%s>\n", columns[k]);
            }
            fputs("  </event>\n", f);
        }
        fputs("</certification-report>\n", f);
    }
    if (fclose(f) != 0) {
        free(data);
        return NULL;
    }
    return data;
}

typedef struct {
    const gk_call *call;
    const gk_report_in *in;
    gk_outcome *o;
} submit_ctx;

static gk_tx_status submit_tx(PGconn *c, void *ctx)
{
    submit_ctx *x = ctx;
    gk_outcome_clear(x->o);
    json_t *sub = NULL;
    gk_error e = GK_ERR_OK;
    gk_tx_status s = gk_db_report_submit(c, x->in->from, x->in->to, x->in->reference,
                                         x->call->user.id, &sub, &e);
    if (s == GK_TX_ABORT) return gk_fail(x->o, x->call, e, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (!sub) return GK_TX_HARD;
    json_t *detail =
        json_pack("{s:s, s:s, s:s, s:O}", "from", x->in->from, "to", x->in->to, "reference",
                  x->in->reference, "row_count", json_object_get(sub, "row_count"));
    char *object =
        gk_call_printf(x->call, "report:%s", json_string_value(json_object_get(sub, "id")));
    s = gk_audit_append(c, x->call->user.id, "report.submit", object, detail);
    json_decref(detail);
    if (s != GK_TX_OK) {
        json_decref(sub);
        return s;
    }
    x->o->view = sub;
    return GK_TX_OK;
}

void gk_svc_report_submit(const gk_call *call, const gk_report_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!check_period(call, in, out)) return;
    submit_ctx x = {.call = call, .in = in, .o = out};
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, submit_tx, &x);
    gk_outcome_finish(out, s);
    if (s == GK_TX_OK) out->status = 201;
}

void gk_svc_report_submissions(const gk_call *call, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    PGconn *c = gk_db_conn();
    json_t *items = NULL;
    gk_tx_status s = c ? gk_db_report_submissions(c, &items) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !items) {
        json_decref(items);
        gk_fail(out, call, s != GK_TX_OK ? gk_tx_error(s) : GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o, s:n}", "items", items, "next");
}
