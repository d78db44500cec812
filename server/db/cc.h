/* The Common Criteria registry in the database: importing a CC Portal CSV (cc/csv.h) and
 * reading certificates back.
 *
 * Import = upsert by the natural key (name, manufacturer, certified_on, scheme):
 *  - a new certificate is inserted ("imported");
 *  - a known one whose base-row hash differs is updated and gets updated_at = now()
 *    ("updated"); new or changed maintenance updates also count as "updated";
 *  - otherwise nothing is written ("unchanged"), so re-importing a file changes nothing.
 * Maintenance updates are only added or corrected, never deleted: the portal drops old
 * rows from its lists, and the history we recorded stays true. Certificates missing from a
 * newer file are left as they are (the archived list, imported with archived=true, is what
 * marks them archived).
 *
 * Transactions: ONE transaction per import. A report then describes exactly what was
 * committed, and a failure (database down, a bug) leaves the registry as it was. The parse
 * runs inside the transaction callback, so a retried transaction (deadlock with a concurrent
 * import) reads the source again from its first byte: sources must be able to rewind. Imports
 * are serialised with a transaction-level advisory lock. Memory stays bounded: one
 * certificate group at a time, plus the first GK_CC_MAX_REJECTED rejections. */
#ifndef GK_DB_CC_H
#define GK_DB_CC_H

#include "cc/csv.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <sys/types.h>

/* Registers the statements of this file (call before gk_db_init). */
void gk_cc_db_register(void);

/* Where the CSV bytes come from. read fills buf with up to cap bytes and returns the count,
 * 0 at the end, -1 on a read error; rewind goes back to the first byte (false on failure). */
typedef struct {
    ssize_t (*read)(void *ctx, void *buf, size_t cap);
    bool (*rewind)(void *ctx);
    void *ctx;
} gk_cc_source;

/* A source over bytes in memory (the HTTP body); `m` must outlive the import. */
typedef struct {
    const char *data;
    size_t len, pos;
} gk_cc_mem;
gk_cc_source gk_cc_source_mem(gk_cc_mem *m, const char *data, size_t len);

#define GK_CC_MAX_REJECTED 1000 /* rejections listed in a report; all are counted */

/* One rejected record, kept as the parser reported it (codes and numbers, no text: the
 * service renders the reason). code and column point to the parser's static names. */
typedef struct {
    unsigned long line;
    const char *code, *column;
    size_t found, limit, name_limit;
} gk_cc_rejection;

typedef struct {
    unsigned long imported, updated, unchanged;
    unsigned long rejected_total;
    /* The first GK_CC_MAX_REJECTED rejections, first lines first. Owned: free with
     * gk_cc_report_free. */
    gk_cc_rejection *rejected;
    size_t n_rejected;
    unsigned long lines;         /* physical lines read */
    gk_cc_header_problem header; /* with GK_ERR_VALIDATION: why the header was refused */
} gk_cc_report;

/* Import a certified-products (archived=false) or archived-products (archived=true) CSV.
 * Returns GK_ERR_OK (the report is filled; rejected lines do not make the import fail),
 * GK_ERR_VALIDATION (the header is wrong or missing: nothing imported, rep->header says
 * why), GK_ERR_BAD_REQUEST (the source could not be read), GK_ERR_UNAVAILABLE (the
 * database), GK_ERR_INTERNAL. */
gk_error gk_cc_import(const gk_cc_source *src, bool archived, gk_cc_report *rep);
void gk_cc_report_free(gk_cc_report *rep);

/* ---- reading ------------------------------------------------------------------------- */

typedef struct gk_cc_query {
    const char *q;      /* substring of name or manufacturer (case-insensitive), or NULL */
    const char *scheme; /* "JP", or NULL */
    const char *status; /* "active" | "archived", or NULL */
    const char *after;  /* cursor from a previous page, or NULL */
    int limit;          /* 1..500 */
} gk_cc_query;

/* One page ordered by name, manufacturer, certified_on, scheme (the natural key, indexed).
 * *items: array of certificate rows (see gk_cc_get, without maintenance_updates); *next: a
 * malloc'd cursor or NULL on the last page. GK_ERR_BAD_QUERY when `after` is not a cursor
 * of ours; GK_ERR_UNAVAILABLE / GK_ERR_INTERNAL for the database. */
gk_error gk_cc_list(PGconn *c, const gk_cc_query *q, json_t **items, char **next);

/* One certificate: id, name, manufacturer, category, scheme, assurance_level (or null),
 * protection_profiles [..], certified_on, valid_until (or null), status, report_url, st_url,
 * first_seen_at, updated_at, maintenance_updates [{date, title, report_url, st_url}] oldest
 * first. GK_ERR_NOT_FOUND when there is none (or id is not a UUID). */
gk_error gk_cc_get(PGconn *c, const char *id, json_t **out);

#endif
