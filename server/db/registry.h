/* The registry's reads: one page of the certificate list, the statistics, the export cursor,
 * the change feed, the category choices of the search form and one certificate's audit
 * trail. Filters come as a gk_cert_query (db/certificate_search.h builds their SQL); results
 * come back as JSON objects shaped as the API shows them, so the callers never see libpq.
 * All reads go to the read connection (the replica when there is one).
 * Errors: GK_ERR_UNAVAILABLE when the database cannot be reached, GK_ERR_INTERNAL for a
 * failed statement (logged as a bug), GK_ERR_NOT_FOUND where said. */
#ifndef GK_DB_REGISTRY_H
#define GK_DB_REGISTRY_H

#include "db/certificate_search.h"
#include "errors.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

void gk_registry_db_register(void);

/* One page of the list: *items (new array of gk_cert_row_json objects, at most q->limit) and
 * the `next` cursor in next (empty when this is the last page; size >= 96). */
gk_error gk_registry_db_page(const gk_cert_query *q, bool staff, json_t **items, char *next,
                             size_t next_size);

/* The statistics object of GET /api/v1/stats for these filters (sort and page ignored). */
gk_error gk_registry_db_stats(const gk_cert_query *q, json_t **out);

/* Feed rows, newest first, at most `limit`: after the position (at: UTC timestamp with
 * microseconds, id: event id) when both are given. Each row: {"id", "number", "event",
 * "reason"?, "order_reference"?, "updated" (RFC 3339), "at_us" (cursor timestamp),
 * "manufacturer", "model_name", "type_name"?, "category"}. */
gk_error gk_registry_db_feed(int limit, const char *after_at, const char *after_id, json_t **rows);

/* Device categories in display order: [{"id", "title_en", "title_ja"}]. */
gk_error gk_registry_db_categories(json_t **rows);

/* A certificate's audit trail: {"number", "application_id"?, "manufacturer", "model_name",
 * "type_name"?, "status", "events": [...], "audit": [...]}; GK_ERR_NOT_FOUND when there is
 * no such certificate. */
gk_error gk_registry_db_cert_audit(const char *number, json_t **out);

/* The export: every match read through a server-side cursor, in one REPEATABLE READ READ
 * ONLY transaction on a connection of its own (gk_db_open_dedicated), so the file is one
 * consistent snapshot and memory does not grow with the result. */
#define GK_REGISTRY_EXPORT_BATCH 500
typedef struct gk_registry_export gk_registry_export;
/* NULL with *err: UNAVAILABLE (no connection to spare) or INTERNAL (the cursor failed). */
gk_registry_export *gk_registry_export_open(const gk_cert_query *q, gk_error *err);
/* The next batch (at most GK_REGISTRY_EXPORT_BATCH rows as gk_cert_row_json objects) into
 * *rows; *last when no row follows (the transaction is then over). */
gk_error gk_registry_export_fetch(gk_registry_export *x, bool staff, json_t **rows, bool *last);
void gk_registry_export_close(gk_registry_export *x); /* NULL is fine */

/* The CSV export straight from COPY (...) TO STDOUT (issue 21): the rows as the database
 * writes them (GK_CERT_SQL_EXPORT_CSV: published columns, formula cells neutralised), each
 * line ended with CRLF (RFC 4180) on the way. One statement on a connection of its own, so
 * one snapshot. COPY takes no parameters: the filters' values travel as parameters of a
 * set_config() first and the statement reads them with current_setting(), so input never
 * becomes SQL text. */
typedef struct gk_registry_copy gk_registry_copy;
gk_registry_copy *gk_registry_copy_open(const gk_cert_query *q, gk_error *err);
/* Append rows to b until it holds about GK_REGISTRY_COPY_CHUNK bytes or the rows end (*done).
 * False on failure. */
#define GK_REGISTRY_COPY_CHUNK 65536
bool gk_registry_copy_next(gk_registry_copy *x, gk_buf *b, bool *done);
void gk_registry_copy_close(gk_registry_copy *x); /* NULL is fine; cancels a COPY under way */

#endif
