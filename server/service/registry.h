/* The public registry of certificates: the list and its filters, the statistics, the
 * exports, the change feed and (for staff) one certificate's audit trail. Shared by the JSON
 * API and the pages, which read the same filters and show the same rows: the public sees the
 * published fields, staff (examiners, regulators, admins) see more. Nothing here changes
 * state. */
#ifndef GK_SERVICE_REGISTRY_H
#define GK_SERVICE_REGISTRY_H

#include "db/certificate_search.h"
#include "render/buf.h"
#include "service/service.h"

#include <stdbool.h>
#include <stddef.h>

/* The query parameters of the filters and the page controls, in the order links carry them
 * (the search form, its result links and the statistics links keep them all). */
extern const char *const gk_registry_params[];
extern const size_t gk_registry_param_count;
/* Whether a parameter orders or pages the list (sort, order, limit) rather than filters it. */
bool gk_registry_param_is_paging(const char *name);

/* Read the filters through get(ctx, name). Every bad parameter becomes a field error in
 * out (messages in call->lang) and out->err GK_ERR_BAD_QUERY; returns how many were bad. */
int gk_svc_registry_query(const gk_call *call, gk_cert_getter get, void *ctx, gk_cert_query *q,
                          gk_outcome *out);

/* One page of the list: view {"items", "next" (cursor or null)}. */
void gk_svc_registry_list(const gk_call *call, const gk_cert_query *q, gk_outcome *out);

/* The statistics of GET /api/v1/stats for these filters: view as in docs/openapi.yaml. */
void gk_svc_registry_stats(const gk_call *call, const gk_cert_query *q, gk_outcome *out);

/* The categories of the search form, titles in call->lang: view [{"value", "title",
 * "selected"}], `selected` true for the one equal to `current` (may be NULL). */
void gk_svc_registry_categories(const gk_call *call, const char *current, gk_outcome *out);

/* The series of the statistics pages: which array of the stats view, which key labels a
 * row, and whether the label is a catalogue key (msg_prefix + value). */
typedef struct {
    const char *name, *array, *key, *msg_prefix;
} gk_registry_series;
extern const gk_registry_series gk_registry_series_all[];
extern const size_t gk_registry_series_count;
const gk_registry_series *gk_registry_series_find(const char *name); /* NULL: unknown */
/* Rows [{"label", "count"}] of one series of a stats view, labels in call->lang. */
json_t *gk_svc_registry_series_rows(const gk_call *call, json_t *stats,
                                    const gk_registry_series *s);

/* The change feed, newest first. in: the query parameters as given (NULL = absent).
 * view {"title", "updated" (of the newest entry, or now), "limit", "next" (cursor or null),
 * "entries": [{"id" (URN), "number", "event", "title", "summary", "updated"}]} with texts
 * in call->lang; reasons of suspensions and revocations only for staff. */
typedef struct {
    const char *limit, *after;
} gk_registry_feed_input;
void gk_svc_registry_feed(const gk_call *call, const gk_registry_feed_input *in, gk_outcome *out);

/* The certificate's events and audit log entries (staff only): view {"number",
 * "application_id"?, "manufacturer", "model_name", "type_name"?, "status", "events",
 * "audit"}. */
void gk_svc_registry_audit(const gk_call *call, const char *number, gk_outcome *out);

/* ---- exports ---------------------------------------------------------------------------
 * Every match as a file, produced batch by batch so memory does not grow with the result.
 * CSV: RFC 4180 (CRLF, fields quoted when they hold "," '"' CR or LF), UTF-8 with a BOM so
 * spreadsheet programs read Japanese text correctly, a header row of the API field names,
 * empty for null. JSON: an array of the list's items. XML: docs/certificates.xsd. */
typedef enum { GK_EXPORT_CSV, GK_EXPORT_JSON, GK_EXPORT_XML } gk_export_format;
/* The format parameter (NULL = csv); false with a field error in out for another value. */
bool gk_svc_registry_export_format(const gk_call *call, const char *text, gk_export_format *f,
                                   gk_outcome *out);
const char *gk_registry_export_media_type(gk_export_format f);
const char *gk_registry_export_disposition(gk_export_format f);

typedef struct gk_registry_file gk_registry_file;
/* Start the export (the database snapshot is taken here): NULL with out->err on failure
 * (GK_ERR_UNAVAILABLE when no connection is free: try again shortly). */
gk_registry_file *gk_svc_registry_export_open(const gk_call *call, gk_export_format f,
                                              const gk_cert_query *q, gk_outcome *out);
/* The same, and for a CSV meant for people (issue 20): header_lang "ja"/"en" writes the
 * column titles of docs/glossary.md in that language instead of the field names, words_lang
 * writes route, category, grandfathered, basis and status in words of that language instead
 * of codes (read through a cursor, not COPY). NULL for either keeps the API's form. */
gk_registry_file *gk_svc_registry_export_open_csv(const gk_call *call, gk_export_format f,
                                                  const gk_cert_query *q, const char *header_lang,
                                                  const char *words_lang, gk_outcome *out);
/* Append the next part of the file to b; *done after the last part. False on failure (the
 * file is then cut short). */
bool gk_svc_registry_export_next(gk_registry_file *x, gk_buf *b, bool *done);
void gk_svc_registry_export_close(gk_registry_file *x); /* NULL is fine */

#endif
