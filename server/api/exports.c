/* GET /api/v1/certificates/export?format=csv|json|xml (+ the list's filters): every match,
 * streamed.
 *
 * Memory does not grow with the result: the rows are read through a server-side cursor
 * (FETCH GK_EXPORT_BATCH at a time) on a connection of the export's own
 * (gk_db_open_dedicated), in one REPEATABLE READ READ ONLY transaction so the file is one
 * consistent snapshot. Each batch is formatted into a buffer that libmicrohttpd drains through
 * the content-reader callback before the next FETCH; so at most one batch and its text are in
 * memory. The worker thread's own connection stays free, and a FETCH of one batch takes a few
 * milliseconds, so other requests served by the same thread are only delayed by that.
 *
 * CSV: RFC 4180 (CRLF, fields quoted when they hold "," '"' CR or LF), UTF-8 with a BOM so
 * Excel opens Japanese text correctly, a header row of the API field names, empty field for
 * null. JSON: an array of the list's items written row by row. XML: libxml2's xmlTextWriter
 * over an xmlOutputBuffer whose write callback appends to the same buffer; the document
 * follows docs/certificates.xsd. */
#include "http/handlers.h"
#include "api/registry.h"
#include "db/certificate_search.h"
#include "db/db.h"
#include "http/reply.h"
#include "log.h"
#include "render/buf.h"

#include <libxml/xmlIO.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GK_EXPORT_BATCH 500
#define GK_XML_NS "urn:giteki:certificates:1"

typedef enum { FMT_CSV, FMT_JSON, FMT_XML } export_format;
typedef enum { PH_HEADER, PH_ROWS, PH_DONE } export_phase;

typedef struct {
    PGconn *conn;
    export_format fmt;
    export_phase phase;
    bool staff, first_row;
    gk_buf out;     /* formatted bytes not yet handed to libmicrohttpd */
    size_t out_pos; /* how many of them were handed */
    xmlTextWriterPtr xw;
    unsigned long rows;
} export_state;

static int xml_write(void *ctx, const char *data, int len)
{
    export_state *st = ctx;
    return gk_buf_append(&st->out, data, (size_t)len) ? -1 : len;
}

static int xml_close(void *ctx)
{
    return 0;
}

static void csv_field(gk_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        gk_buf_puts(b, s);
        return;
    }
    gk_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"') gk_buf_putc(b, '"');
        gk_buf_putc(b, *s);
    }
    gk_buf_putc(b, '"');
}

static const char *cell(const PGresult *res, int i, int col)
{
    if (col == GK_CERT_COL_GRANDFATHERED)
        return !strcmp(PQgetvalue(res, i, col), "t") ? "true" : "false";
    return PQgetvalue(res, i, col); /* "" for NULL */
}

static int write_header(export_state *st)
{
    switch (st->fmt) {
    case FMT_CSV:
        gk_buf_puts(&st->out, "\xEF\xBB\xBF");
        for (int c = 0; c < GK_CERT_COL__PUBLISHED; c++) {
            if (c) gk_buf_putc(&st->out, ',');
            gk_buf_puts(&st->out, gk_cert_field_names[c]);
        }
        gk_buf_puts(&st->out, "\r\n");
        break;
    case FMT_JSON:
        gk_buf_putc(&st->out, '[');
        break;
    case FMT_XML: {
        char now[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (xmlTextWriterStartDocument(st->xw, "1.0", "UTF-8", NULL) < 0 ||
            xmlTextWriterStartElementNS(st->xw, NULL, BAD_CAST "certificates",
                                        BAD_CAST GK_XML_NS) < 0 ||
            xmlTextWriterWriteAttribute(st->xw, BAD_CAST "generated_at", BAD_CAST now) < 0 ||
            xmlTextWriterFlush(st->xw) < 0)
            return -1;
        break;
    }
    }
    return st->out.failed ? -1 : 0;
}

static int write_row(export_state *st, const PGresult *res, int i)
{
    switch (st->fmt) {
    case FMT_CSV:
        for (int c = 0; c < GK_CERT_COL__PUBLISHED; c++) {
            if (c) gk_buf_putc(&st->out, ',');
            csv_field(&st->out, cell(res, i, c));
        }
        gk_buf_puts(&st->out, "\r\n");
        break;
    case FMT_JSON: {
        json_t *row = gk_cert_row_json(res, i, st->staff);
        char *text = row ? json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(row);
        if (!text) return -1;
        gk_buf_puts(&st->out, st->first_row ? "\n" : ",\n");
        gk_buf_puts(&st->out, text);
        free(text);
        break;
    }
    case FMT_XML:
        if (xmlTextWriterStartElement(st->xw, BAD_CAST "certificate") < 0) return -1;
        for (int c = 0; c < GK_CERT_COL__PUBLISHED; c++) {
            if (PQgetisnull(res, i, c)) continue; /* optional elements (type_name) */
            if (xmlTextWriterWriteElement(st->xw, BAD_CAST gk_cert_field_names[c],
                                          BAD_CAST cell(res, i, c)) < 0)
                return -1;
        }
        if (xmlTextWriterEndElement(st->xw) < 0) return -1;
        break;
    }
    st->first_row = false;
    st->rows++;
    return st->out.failed ? -1 : 0;
}

static int write_footer(export_state *st)
{
    switch (st->fmt) {
    case FMT_CSV:
        break;
    case FMT_JSON:
        gk_buf_puts(&st->out, st->first_row ? "]\n" : "\n]\n");
        break;
    case FMT_XML:
        if (xmlTextWriterEndDocument(st->xw) < 0 || xmlTextWriterFlush(st->xw) < 0) return -1;
        break;
    }
    return st->out.failed ? -1 : 0;
}

/* Format the next batch into st->out. 0 on success (phase may become PH_DONE), -1 on error. */
static int produce(export_state *st)
{
    if (st->phase == PH_HEADER) {
        st->phase = PH_ROWS;
        return write_header(st);
    }
    PGresult *res = PQexec(st->conn, "FETCH 500 FROM gk_export") /* GK_EXPORT_BATCH */;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        gk_log("error", "export fetch failed",
               json_pack("{s:s}", "error", res ? PQresultErrorMessage(res) : "no result"));
        if (res) PQclear(res);
        return -1;
    }
    int n = PQntuples(res), rc = 0;
    for (int i = 0; i < n && rc == 0; i++) rc = write_row(st, res, i);
    PQclear(res);
    if (rc) return -1;
    if (st->fmt == FMT_XML && xmlTextWriterFlush(st->xw) < 0) return -1;
    if (n < GK_EXPORT_BATCH) {
        PGresult *end = PQexec(st->conn, "COMMIT");
        if (end) PQclear(end);
        st->phase = PH_DONE;
        return write_footer(st);
    }
    return 0;
}

static ssize_t export_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    export_state *st = cls;
    while (st->out_pos >= st->out.len) {
        if (st->phase == PH_DONE) return MHD_CONTENT_READER_END_OF_STREAM;
        gk_buf_reset(&st->out);
        st->out_pos = 0;
        if (produce(st)) return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = st->out.len - st->out_pos;
    if (n > max) n = max;
    memcpy(buf, st->out.data + st->out_pos, n);
    st->out_pos += n;
    return (ssize_t)n;
}

static void export_free(void *cls)
{
    export_state *st = cls;
    if (st->xw) xmlFreeTextWriter(st->xw); /* closes its output buffer */
    gk_db_close_dedicated(st->conn);       /* ends the transaction with the connection */
    gk_buf_free(&st->out);
    free(st);
}

/* BEGIN and DECLARE the cursor; false (with the reason logged) when the database refused. */
static bool open_cursor(PGconn *c, const gk_cert_query *q)
{
    gk_cert_sql s;
    if (gk_cert_sql_build(q, GK_CERT_SQL_EXPORT, &s)) return false;
    gk_buf decl = GK_BUF_INIT;
    gk_buf_puts(&decl, "DECLARE gk_export NO SCROLL CURSOR FOR ");
    gk_buf_puts(&decl, gk_buf_cstr(&s.sql));
    bool ok = false;
    PGresult *r = PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (r && PQresultStatus(r) == PGRES_COMMAND_OK && !decl.failed) {
        PQclear(r);
        r = PQexecParams(c, gk_buf_cstr(&decl), s.n, NULL, s.values, NULL, NULL, 0);
        ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    }
    if (!ok)
        gk_log("error", "export cursor failed",
               json_pack("{s:s}", "error", r ? PQresultErrorMessage(r) : PQerrorMessage(c)));
    if (r) PQclear(r);
    gk_buf_free(&decl);
    gk_cert_sql_free(&s);
    return ok;
}

void gk_h_certificates_export(gk_request *r)
{
    const char *format = gk_req_query(r, "format");
    export_format fmt;
    if (!format || !strcmp(format, "csv"))
        fmt = FMT_CSV;
    else if (!strcmp(format, "json"))
        fmt = FMT_JSON;
    else if (!strcmp(format, "xml"))
        fmt = FMT_XML;
    else {
        gk_reply_field_error(r, GK_ERR_BAD_QUERY, "format",
                             !strcmp(r->lang, "ja") ? "csv、json、xml のいずれかにしてください"
                                                    : "Must be csv, json or xml");
        return;
    }
    gk_cert_query q;
    if (gk_registry_query(r, &q)) return;
    export_state *st = calloc(1, sizeof *st);
    if (!st) {
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    st->fmt = fmt;
    st->staff = gk_registry_is_staff(r);
    st->first_row = true;
    gk_buf_init(&st->out);
    st->conn = gk_db_open_dedicated(true);
    if (!st->conn) {
        free(st);
        gk_reply_problem(r, GK_ERR_UNAVAILABLE, NULL, NULL);
        gk_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "5");
        return;
    }
    if (!open_cursor(st->conn, &q)) {
        export_free(st);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    if (fmt == FMT_XML) {
        xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(xml_write, xml_close, st, NULL);
        st->xw = ob ? xmlNewTextWriter(ob) : NULL;
        if (!st->xw) {
            if (ob) xmlOutputBufferClose(ob);
            export_free(st);
            gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
            return;
        }
        xmlTextWriterSetIndent(st->xw, 1);
        xmlTextWriterSetIndentString(st->xw, BAD_CAST " ");
    }
    static const char *const types[] = {"text/csv; charset=utf-8; header=present",
                                        "application/json", "application/xml"};
    static const char *const names[] = {"attachment; filename=\"certificates.csv\"",
                                        "attachment; filename=\"certificates.json\"",
                                        "attachment; filename=\"certificates.xml\""};
    gk_reply_stream(r, 200, types[fmt], export_read, st, export_free);
    gk_reply_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, names[fmt]);
}
