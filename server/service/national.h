/* The national view across certification bodies (issue 17).
 *
 * Every giteki publishes its register as a signed feed: each entry of the Atom feed
 * (api/feed.c) carries the certificate's signed payload, signature and key id, read here.
 * A giteki started as an aggregator (GITEKI_AGGREGATE, server/national/puller.h) stores the
 * verified entries of every configured body through the operations below, and serves the
 * national search, statistics, rejections and bodies: the body is a filter and a column. */
#ifndef GK_SERVICE_NATIONAL_H
#define GK_SERVICE_NATIONAL_H

#include "db/national.h"
#include "render/buf.h"
#include "service/service.h"

#include <stdbool.h>
#include <stddef.h>

void gk_svc_national_register(void);

/* ---- the body's own signed feed ---- */

/* {number: {"payload", "payload_b64" (base64url of payload), "signature", "key_id"}} for the
 * signed certificates among numbers
 * (new reference; NULL when the database failed: the feed then goes without them). */
json_t *gk_svc_national_signed(const char *const *numbers, size_t n);

/* ---- the aggregator's reads (public: search, stats; staff: rejections, bodies) ---- */

typedef struct {
    const char *body, *q, *status, *category, *limit, *after;
} gk_national_search_in;
/* view {"items": [...], "next"}; 400 naming a bad parameter. */
void gk_svc_national_search(const gk_call *call, const gk_national_search_in *in, gk_outcome *out);
/* view {"total", "by_body", "by_status", "by_category"} for the same filters. */
void gk_svc_national_stats(const gk_call *call, const gk_national_search_in *in, gk_outcome *out);

/* ---- the export: every match of the search as CSV or JSON, batch by batch ----
 * format "csv" (RFC 4180, UTF-8 with BOM, a header row of the item fields, formula-like cells
 * guarded with a leading apostrophe as in the registry's export) or "json" (an array of the
 * items). Batches are keyset pages (body, number) of GK_NATIONAL_EXPORT_BATCH rows, each its
 * own statement: a certificate pulled during the export may or may not be in it. */
#define GK_NATIONAL_EXPORT_BATCH 500
typedef struct gk_national_file gk_national_file;
/* NULL with out->err (400 naming a bad filter or format). */
gk_national_file *gk_svc_national_export_open(const gk_call *call, const gk_national_search_in *in,
                                              const char *format, gk_outcome *out);
const char *gk_svc_national_export_type(const gk_national_file *f);
const char *gk_svc_national_export_disposition(const gk_national_file *f);
/* Appends the next part to b; *done after the last. False on failure (the file is cut short). */
bool gk_svc_national_export_next(gk_national_file *f, gk_buf *b, bool *done);
void gk_svc_national_export_close(gk_national_file *f); /* NULL is fine */

typedef struct {
    const char *body, *limit;
} gk_national_rejections_in;
/* view {"items": [...], "next": null}, newest first. */
void gk_svc_national_rejections(const gk_call *call, const gk_national_rejections_in *in,
                                gk_outcome *out);
/* view {"aggregator": bool, "items": [...]}: the configured bodies and their pulls. */
void gk_svc_national_bodies(const gk_call *call, gk_outcome *out);

/* ---- what the puller stores (no caller: the puller is the server itself) ---- */

bool gk_svc_national_body_configure(const char *code, const char *base_url,
                                    const char *const *key_ids, size_t n_keys);
/* The body's feed position ("" when never read); false when the database failed. */
bool gk_svc_national_position(const char *code, char *hw, size_t hw_size);
bool gk_svc_national_pulled(const char *code, const char *error, const char *new_hw);
/* What is known of the entry: 0 nothing, 1 accepted (not checked again), 2 listed as unsigned
 * (not checked again while it stays unsigned). */
bool gk_svc_national_known(const char *code, const char *entry_id, int *known);
/* 1 stored (or stored before), 0 the database is unavailable, -1 the database refused it. */
int gk_svc_national_accept(const gk_national_entry *e);
bool gk_svc_national_reject(const char *code, const char *entry_id, const char *number,
                            const char *reason, const char *detail, bool *is_new);

#endif
