/* GET /api/v1/feed.atom: the registry's changes as an Atom feed (RFC 4287), newest first:
 * certificates entering the registry (grant, import), suspensions, reinstatements and
 * revocations, from certificate_events. Paging: ?limit= (default 50, max 500) and
 * ?after=<cursor> (older entries); a page that is not the last links the next one with
 * rel="next". Written with libxml2's xmlTextWriter, so every text is escaped by the writer.
 *
 * Entry ids are URNs of the event id (urn:giteki:certificate-event:<id>): permanent and
 * unique. Links are relative references (RFC 4287 section 4.2.7 allows IRI references),
 * because the server does not know its public origin and must not trust Host. Reasons of
 * suspensions and revocations go to staff only; the public entry says what happened. */
#include "http/handlers.h"
#include "api/registry.h"
#include "crypto/base64.h"
#include "db/db.h"
#include "http/reply.h"
#include "log.h"
#include "render/template.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define FEED_COLUMNS                                                                           \
    "SELECT e.id, e.certificate_number, e.event, e.reason, e.order_reference,"                 \
    " to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"                     \
    " to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'),"                       \
    " c.manufacturer, c.model_name, c.type_name, c.category_id"                                \
    " FROM certificate_events e JOIN certificates c ON c.number = e.certificate_number"

static const gk_stmt stmts[] = {
    {"registry_feed_first", FEED_COLUMNS " ORDER BY e.at DESC, e.id DESC LIMIT $1"},
    {"registry_feed_after",
     FEED_COLUMNS " WHERE (e.at, e.id) < (($2::timestamp) AT TIME ZONE 'UTC', $3::bigint)"
                  " ORDER BY e.at DESC, e.id DESC LIMIT $1"},
};

void gk_feed_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

static const char *event_title(const char *event, bool ja)
{
    static const struct {
        const char *event, *en, *ja;
    } t[] = {{"grant", "Granted", "認定"},         {"import", "Registered", "登録"},
             {"suspend", "Suspended", "効力停止"}, {"reinstate", "Reinstated", "効力回復"},
             {"revoke", "Revoked", "取消し"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (!strcmp(t[i].event, event)) return ja ? t[i].ja : t[i].en;
    return event;
}

/* Cursor "<timestamp with microseconds, UTC>|<id>" in base64url. */
static bool cursor_parse(const char *s, char *at, size_t at_size, char *id, size_t id_size)
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
        if (i == 4 || i == 7 ? c != '-' : i == 10 ? c != 'T' : i == 13 || i == 16 ? c != ':'
                                                         : i == 19 ? c != '.' : !digit)
            return false;
    }
    const char *d = bar + 1;
    if (!*d || strlen(d) > 18 || strspn(d, "0123456789") != strlen(d)) return false;
    snprintf(at, at_size, "%s", a);
    snprintf(id, id_size, "%s", d);
    return true;
}

static int write_link(xmlTextWriterPtr w, const char *rel, const char *href, const char *type)
{
    if (!gk_url_is_safe(href, strlen(href))) return 0; /* never write an unsafe link */
    if (xmlTextWriterStartElement(w, BAD_CAST "link") < 0 ||
        xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel) < 0 ||
        xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST href) < 0 ||
        (type && xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type) < 0) ||
        xmlTextWriterEndElement(w) < 0)
        return -1;
    return 0;
}

static int write_entry(xmlTextWriterPtr w, const PGresult *res, int i, bool ja, bool staff)
{
    const char *id = PQgetvalue(res, i, 0), *number = PQgetvalue(res, i, 1),
               *event = PQgetvalue(res, i, 2), *updated = PQgetvalue(res, i, 5),
               *maker = PQgetvalue(res, i, 7), *model = PQgetvalue(res, i, 8);
    char buf[512];
    int rc = 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "entry") < 0;
    snprintf(buf, sizeof buf, "urn:giteki:certificate-event:%s", id);
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "id", BAD_CAST buf) < 0;
    snprintf(buf, sizeof buf, "%s: %s %s %s", event_title(event, ja), number, maker, model);
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST buf) < 0;
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "updated", BAD_CAST updated) < 0;
    snprintf(buf, sizeof buf, "/certificates/%s", number);
    rc |= write_link(w, "alternate", buf, "text/html") < 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "category") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "term", BAD_CAST event) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "scheme",
                                      BAD_CAST "urn:giteki:certificate-event") < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    gk_buf sum = GK_BUF_INIT;
    gk_buf_appendf(&sum, "%s %s — %s %s%s%s", number, event_title(event, ja), maker, model,
                   PQgetisnull(res, i, 9) ? "" : " / ", PQgetvalue(res, i, 9));
    if (!PQgetisnull(res, i, 4))
        gk_buf_appendf(&sum, ja ? "（%s）" : " (%s)", PQgetvalue(res, i, 4));
    if (staff && !PQgetisnull(res, i, 3))
        gk_buf_appendf(&sum, ja ? " 理由: %s" : " Reason: %s", PQgetvalue(res, i, 3));
    rc |= sum.failed;
    if (!rc) rc |= xmlTextWriterWriteElement(w, BAD_CAST "summary", BAD_CAST gk_buf_cstr(&sum)) < 0;
    gk_buf_free(&sum);
    rc |= xmlTextWriterEndElement(w) < 0;
    return rc ? -1 : 0;
}

void gk_h_feed_atom(gk_request *r)
{
    bool ja = !strcmp(r->lang, "ja");
    int limit = 50;
    json_t *errs = NULL;
    const char *ls = gk_req_query(r, "limit"), *after = gk_req_query(r, "after");
    if (ls && *ls) {
        char *end;
        long v = strtol(ls, &end, 10);
        if (*end || v < 1 || v > 500)
            gk_field_error_add(&errs, "limit", ja ? "1〜500 の整数にしてください"
                                                  : "Must be a whole number from 1 to 500");
        else
            limit = (int)v;
    }
    char at[32], id[24];
    if (after && *after && !cursor_parse(after, at, sizeof at, id, sizeof id))
        gk_field_error_add(&errs, "after", ja ? "このフィードのカーソルではありません"
                                              : "Not a cursor of this feed");
    if (errs) {
        gk_reply_problem(r, GK_ERR_BAD_QUERY, NULL, errs);
        return;
    }
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit + 1);
    PGresult *res;
    if (after && *after) {
        const char *v[] = {lim, at, id};
        res = gk_db_exec(gk_db_read_conn(), "registry_feed_after", 3, v);
    } else {
        const char *v[] = {lim};
        res = gk_db_exec(gk_db_read_conn(), "registry_feed_first", 1, v);
    }
    if (!res || !gk_db_ok(res)) {
        if (res)
            gk_log("bug", "feed query failed",
                   json_pack("{s:s}", "error", PQresultErrorMessage(res)));
        gk_reply_problem(r, res ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE, NULL, NULL);
        if (res) PQclear(res);
        return;
    }
    int n = PQntuples(res), shown = n > limit ? limit : n;
    bool staff = gk_registry_is_staff(r);

    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
    int rc = w ? 0 : -1;
    if (w) {
        char now[32], self[256];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        xmlTextWriterSetIndent(w, 1);
        rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
        rc |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang", BAD_CAST r->lang) < 0;
        rc |= xmlTextWriterWriteElement(w, BAD_CAST "id",
                                        BAD_CAST "urn:giteki:feed:certificate-events") < 0;
        rc |= xmlTextWriterWriteElement(
                  w, BAD_CAST "title",
                  BAD_CAST(ja ? "認定機器の変更（認定・効力停止・効力回復・取消し）"
                              : "Certified devices: grants, suspensions, reinstatements, "
                                "revocations")) < 0;
        /* The feed changed when its newest entry did (the first page's first row). */
        rc |= xmlTextWriterWriteElement(w, BAD_CAST "updated",
                                        BAD_CAST(n ? PQgetvalue(res, 0, 5) : now)) < 0;
        rc |= xmlTextWriterStartElement(w, BAD_CAST "author") < 0;
        rc |= xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST "giteki") < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
        if (after && *after)
            snprintf(self, sizeof self, "/api/v1/feed.atom?after=%s&limit=%d", after, limit);
        else
            snprintf(self, sizeof self, "/api/v1/feed.atom?limit=%d", limit);
        rc |= write_link(w, "self", self, "application/atom+xml") < 0;
        rc |= write_link(w, "first", "/api/v1/feed.atom", "application/atom+xml") < 0;
        if (n > limit) {
            char raw[64], cur[100], next[200];
            snprintf(raw, sizeof raw, "%s|%s", PQgetvalue(res, shown - 1, 6),
                     PQgetvalue(res, shown - 1, 0));
            if (gk_base64_encode_to(raw, strlen(raw), GK_B64_URL, cur, sizeof cur)) {
                snprintf(next, sizeof next, "/api/v1/feed.atom?after=%s&limit=%d", cur, limit);
                rc |= write_link(w, "next", next, "application/atom+xml") < 0;
            }
        }
        for (int i = 0; i < shown && !rc; i++) rc |= write_entry(w, res, i, ja, staff);
        rc |= xmlTextWriterEndDocument(w) < 0;
        xmlFreeTextWriter(w);
    }
    PQclear(res);
    if (rc || !xb) {
        if (xb) xmlBufferFree(xb);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    gk_reply_bytes(r, 200, "application/atom+xml; charset=utf-8", xmlBufferContent(xb),
                   (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
}
