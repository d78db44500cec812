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
/* Whether the entry was accepted before (then it is not checked again). */
bool gk_svc_national_known(const char *code, const char *entry_id, bool *known);
bool gk_svc_national_accept(const gk_national_entry *e);
bool gk_svc_national_reject(const char *code, const char *entry_id, const char *number,
                            const char *reason, const char *detail, bool *is_new);

#endif
