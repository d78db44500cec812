/* The national view's tables (schema/0022_national_view.sql): the configured bodies and the
 * state of their pulls, accepted feed entries with their provenance, the certificates they
 * describe, and the refused entries. Also, on every giteki, the signed payloads its own feed
 * publishes. Results come back as JSON shaped as the API shows them.
 * Errors: GK_ERR_UNAVAILABLE when the database cannot be reached, GK_ERR_INTERNAL for a
 * failed statement (logged as a bug). */
#ifndef GK_DB_NATIONAL_H
#define GK_DB_NATIONAL_H

#include "errors.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

void gk_national_db_register(void);

/* ---- the body's own feed ---- */

/* The signed records of these certificate numbers (only [A-Z0-9-] numbers are looked up):
 * *out a new object {number: {"payload" (canonical JSON text), "signature" (base64url),
 * "key_id"}}; unsigned (imported) certificates are absent. */
gk_error gk_national_db_signed(const char *const *numbers, size_t n, json_t **out);

/* ---- the aggregator ---- */

/* Insert or update a configured body (pinned key ids as given). */
gk_error gk_national_db_body_upsert(const char *code, const char *base_url,
                                    const char *const *key_ids, size_t n_keys);
/* The body's feed position (RFC 3339 with microseconds, UTC) into hw ("" when never read). */
gk_error gk_national_db_body_position(const char *code, char *hw, size_t hw_size);
/* The end of a pull: error NULL for a complete one, which moves the position to new_hw
 * (may be NULL: unchanged). */
gk_error gk_national_db_body_pulled(const char *code, const char *error, const char *new_hw);
/* What is known of this entry of the body: 0 nothing, 1 accepted, 2 listed as unsigned. */
gk_error gk_national_db_entry_known(const char *code, const char *entry_id, int *known);

/* One verified entry, stored with its certificate in one transaction. */
typedef struct {
    const char *body_code, *entry_id, *number, *event, *updated; /* updated: RFC 3339 */
    const char *status;                                          /* granted|suspended|revoked */
    json_t *doc; /* the verified payload (number, route, category, manufacturer, ...) */
    const char *payload, *signature, *key_id;
} gk_national_entry;
gk_error gk_national_db_accept(const gk_national_entry *e);

/* One refused entry; *is_new false when the same (body, entry, reason) was refused before. */
gk_error gk_national_db_reject(const char *code, const char *entry_id, const char *number,
                               const char *reason, const char *detail, bool *is_new);

/* ---- reads ---- */

/* The national search: filters may be NULL. after: "code:number" cursor or NULL. *items (new
 * array, at most limit) and *next (malloc'd cursor or NULL). */
typedef struct {
    const char *body, *q, *status, *category, *after;
    int limit;
} gk_national_query;
gk_error gk_national_db_search(const gk_national_query *q, json_t **items, char **next);
/* Counts: {"total", "by_body": [{"body", "count"}], "by_status": [...], "by_category": [...]}
 * for the same filters (after and limit ignored). */
gk_error gk_national_db_stats(const gk_national_query *q, json_t **out);
/* The rejections, newest first (at most limit), optionally of one body. */
gk_error gk_national_db_rejections(const char *body, int limit, json_t **items);
/* The configured bodies and their pull state. */
gk_error gk_national_db_bodies(json_t **items);

#endif
