/* GET /api/v1/feed.atom: the registry's changes as an Atom feed (RFC 4287), newest first
 * (service/registry.h gk_svc_registry_feed). Paging: ?limit= and ?after=<cursor>; a page that
 * is not the last links the next one with rel="next". Written with libxml2's xmlTextWriter,
 * so every text is escaped by the writer.
 *
 * Links are absolute, made from the configured public URL (GITEKI_PUBLIC_URL), never from
 * Host, which the client controls; the feed also carries it as xml:base.
 *
 * The signed feed (issue 17, the national view): an entry of a certificate this body signed
 * carries <gk:certificate key-id="..." signature="...">, in the namespace
 * urn:giteki:signed-certificate:1, whose text is the base64url of the certificate's signed
 * payload (the canonical JSON the signature covers, byte for byte); the signature and the
 * public keys (GET /api/v1/signing-keys) are base64url too. Imported certificates are not
 * signed and carry none. An aggregator verifies these (server/national/puller.h). */
#include "http/handlers.h"

#include "app.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "http/validators.h"
#include "crypto/token.h"
#include "util/hex.h"
#include "render/template.h"
#include "service/national.h"
#include "service/registry.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define FEED_PATH "/api/v1/feed.atom"
#define GK_FEED_NS "urn:giteki:signed-certificate:1"

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

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* An absolute URL of ours: the public URL and a path. */
static const char *abs_url(gk_request *r, const char *path)
{
    return gk_req_printf(r, "%s%s", gk_app.config.public_url, path);
}

/* The signed record of the entry's certificate, when there is one. */
static int write_signed(xmlTextWriterPtr w, json_t *sig)
{
    const char *b64 = json_string_value(json_object_get(sig, "payload_b64"));
    const char *signature = json_string_value(json_object_get(sig, "signature"));
    const char *key_id = json_string_value(json_object_get(sig, "key_id"));
    if (!b64 || !signature || !key_id) return 0;
    int rc = 0;
    rc |= xmlTextWriterStartElementNS(w, BAD_CAST "gk", BAD_CAST "certificate", NULL) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "key-id", BAD_CAST key_id) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "signature", BAD_CAST signature) < 0;
    rc |= xmlTextWriterWriteString(w, BAD_CAST b64) < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    return rc ? -1 : 0;
}

static int write_entry(gk_request *r, xmlTextWriterPtr w, json_t *e, json_t *signed_records)
{
    int rc = 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "entry") < 0;
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "id", BAD_CAST str(e, "id")) < 0;
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST str(e, "title")) < 0;
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "updated", BAD_CAST str(e, "updated")) < 0;
    rc |= write_link(w, "alternate",
                     abs_url(r, gk_req_printf(r, "/certificates/%s", str(e, "number"))),
                     "text/html") < 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "category") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "term", BAD_CAST str(e, "event")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "scheme",
                                      BAD_CAST "urn:giteki:certificate-event") < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "summary", BAD_CAST str(e, "summary")) < 0;
    rc |= write_signed(w, json_object_get(signed_records, str(e, "number"))) < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    return rc ? -1 : 0;
}

void gk_h_feed_atom(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_registry_feed_input in = {gk_req_query(r, "limit"), gk_req_query(r, "after")};
    gk_svc_registry_feed(&call, &in, &out);
    if (out.err != GK_ERR_OK) {
        gk_reply_outcome(r, 200, &out);
        return;
    }
    json_t *feed = out.view;
    int limit = (int)json_integer_value(json_object_get(feed, "limit"));
    const char *after = in.after && *in.after ? in.after : NULL;
    const char *next = json_string_value(json_object_get(feed, "next"));

    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
    int rc = w ? 0 : -1, unavailable = 0;
    if (w) {
        xmlTextWriterSetIndent(w, 1);
        rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
        rc |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:gk", BAD_CAST GK_FEED_NS) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang", BAD_CAST r->lang) < 0;
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xml:base", BAD_CAST abs_url(r, "/")) < 0;
        rc |= xmlTextWriterWriteElement(w, BAD_CAST "id",
                                        BAD_CAST "urn:giteki:feed:certificate-events") < 0;
        rc |= xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST str(feed, "title")) < 0;
        rc |= xmlTextWriterWriteElement(w, BAD_CAST "updated", BAD_CAST str(feed, "updated")) < 0;
        rc |= xmlTextWriterStartElement(w, BAD_CAST "author") < 0;
        rc |= xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST "giteki") < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
        char self[256];
        if (after)
            snprintf(self, sizeof self, FEED_PATH "?after=%s&limit=%d", after, limit);
        else
            snprintf(self, sizeof self, FEED_PATH "?limit=%d", limit);
        rc |= write_link(w, "self", abs_url(r, self), "application/atom+xml") < 0;
        rc |= write_link(w, "first", abs_url(r, FEED_PATH), "application/atom+xml") < 0;
        if (next)
            rc |= write_link(w, "next",
                             abs_url(r,
                                     gk_req_printf(r, FEED_PATH "?after=%s&limit=%d", next, limit)),
                             "application/atom+xml") < 0;
        size_t i;
        json_t *e;
        json_t *entries = json_object_get(feed, "entries");
        size_t n = json_array_size(entries);
        const char **numbers = n ? calloc(n, sizeof *numbers) : NULL;
        json_array_foreach(entries, i, e)
        {
            if (numbers) numbers[i] = str(e, "number");
        }
        /* NULL when the database failed: no feed rather than entries without their records
         * (an aggregator would take them for unsigned ones) */
        json_t *signed_records = numbers ? gk_svc_national_signed(numbers, n) : NULL;
        free(numbers);
        if (n && !signed_records) unavailable = rc = 1;
        json_array_foreach(entries, i, e)
        {
            if (rc) break;
            rc |= write_entry(r, w, e, signed_records);
        }
        json_decref(signed_records);
        rc |= xmlTextWriterEndDocument(w) < 0;
        xmlFreeTextWriter(w);
    }
    out.view = NULL; /* feed is kept until the reply is made */
    gk_outcome_clear(&out);
    if (rc || !xb) {
        json_decref(feed);
        if (xb) xmlBufferFree(xb);
        gk_reply_problem(r, unavailable ? GK_ERR_UNAVAILABLE : GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    /* The public's feed (issue 21): validators from the bytes and the newest entry's time,
     * 304 when current, Cache-Control public. Staff see reasons: theirs is not shared. */
    const char *etag = NULL;
    time_t modified = 0;
    if (call.user.role == GK_ROLE_ANON) {
        unsigned char h[32];
        char hex[21];
        if (gk_sha256(xmlBufferContent(xb), (size_t)xmlBufferLength(xb), h) &&
            gk_hex_encode(h, 10, hex, sizeof hex))
            etag = gk_req_printf(r, "\"%s\"", hex);
        struct tm tm = {0};
        const char *end = strptime(str(feed, "updated"), "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (end && !*end) modified = timegm(&tm);
    }
    if (etag && gk_http_not_modified(r, etag, modified)) {
        gk_reply_not_modified(r, etag, modified, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
        gk_reply_header(r, "Vary", "Accept-Language");
    } else {
        gk_reply_bytes(r, 200, "application/atom+xml; charset=utf-8", xmlBufferContent(xb),
                       (size_t)xmlBufferLength(xb));
        if (etag) {
            gk_http_public_cache(r, etag, modified, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
            gk_reply_header(r, "Vary", "Accept-Language");
        }
    }
    xmlBufferFree(xb);
    json_decref(feed);
}
