/* The regulator's lists: one query builder behind the certificate list, the exports and the
 * statistics (docs/openapi.yaml "Certificates (regulator, public)"), so the three always agree on which
 * certificates a set of filters selects.
 *
 * Input is read from query parameters into a gk_cert_query (validated: a bad value is an
 * error naming the parameter). SQL is assembled from a fixed set of fragments, each with its
 * own $n parameter; input text only ever travels as a parameter value, never as SQL. The
 * statements are therefore not registered (their WHERE clause varies with the filters);
 * gk_cert_search_exec prepares those without a LIKE filter per connection on first use and
 * runs the others with PQexecParams, with the pool's reconnect rule either way.
 *
 * Full-text `q` and `manufacturer` use the trigram indexes of schema/0024_fast_reads.sql on the
 * normalised columns search_text (maker, model, type) and holder_key (maker); the searched
 * text is folded (gk_utf8_fold: NFKC, case) before its LIKE pattern is made. `holder` is the
 * maker's whole name, exact: an index range scan in grant order. */
#ifndef GK_DB_CERTIFICATE_SEARCH_H
#define GK_DB_CERTIFICATE_SEARCH_H

#include "domain/date.h"
#include "render/buf.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#define GK_CERT_LIMIT_DEFAULT 50
#define GK_CERT_LIMIT_MAX 500
#define GK_CERT_Q_MAX 200 /* bytes of q / manufacturer */

typedef enum { GK_CERT_SORT_GRANTED_ON, GK_CERT_SORT_NUMBER } gk_cert_sort;

typedef struct {
    /* Filters; NULL / -1 / GK_DATE_NONE = not filtered. Strings borrowed from the caller. */
    const char *q, *manufacturer, *category, *status, *rule_set, *basis;
    const char *holder; /* the maker's whole name, exact once normalised (issue 21) */
    int grandfathered;  /* -1 any, 0 false, 1 true */
    gk_date granted_from, granted_to;
    /* Order and page. */
    gk_cert_sort sort;
    bool desc; /* default: granted_on descending (newest first) */
    int limit; /* list page size (1..GK_CERT_LIMIT_MAX) */
    /* Keyset position: the last row of the previous page (from the `after` cursor). */
    bool has_after;
    gk_date after_granted_on;
    char after_number[16];
} gk_cert_query;

/* One bad query parameter: its name and the message catalogue key that says why. */
typedef struct {
    const char *field, *key;
} gk_cert_query_error;
#define GK_CERT_QUERY_ERRORS_MAX 16 /* more than there are parameters */

/* Reads q, manufacturer, category, status, rule_set, basis, grandfathered, granted_from,
 * granted_to, sort, order, limit and after through get(ctx, name) (NULL = absent; an empty
 * value counts as absent, as an empty form field does). Stores up to max errors in errs and
 * returns how many parameters were bad. Strings stay borrowed from what get() returned. */
typedef const char *(*gk_cert_getter)(void *ctx, const char *name);
int gk_cert_query_read(gk_cert_query *q, gk_cert_getter get, void *ctx, gk_cert_query_error *errs,
                       size_t max);

/* The opaque `next` cursor for a page whose last row has this grant date and number, in the
 * query's sort order (a cursor is refused with another sort). Writes into buf (>= 64 bytes). */
void gk_cert_cursor_make(const gk_cert_query *q, gk_date granted_on, const char *number, char *buf,
                         size_t size);

/* What a statement selects. */
typedef enum {
    GK_CERT_SQL_LIST,       /* the columns below, keyset after the cursor, ORDER BY, LIMIT n+1 */
    GK_CERT_SQL_EXPORT,     /* the columns below, ORDER BY, no limit (read through a cursor) */
    GK_CERT_SQL_STATS,      /* grouping sets: month, category, basis, rule set + grandfathered,
                           status, total (columns documented in certificate_search.c) */
    GK_CERT_SQL_EXPORT_CSV, /* as EXPORT, the published columns only, as the CSV export's
                               cells: booleans true/false, a text cell a spreadsheet would
                               read as a formula (= + - @ tab CR first) after an apostrophe */
} gk_cert_sql_kind;

/* Column order of LIST and EXPORT rows. */
enum {
    GK_CERT_COL_NUMBER,
    GK_CERT_COL_ROUTE,
    GK_CERT_COL_CATEGORY,
    GK_CERT_COL_MANUFACTURER,
    GK_CERT_COL_MODEL_NAME,
    GK_CERT_COL_TYPE_NAME,
    GK_CERT_COL_GRANTED_ON,
    GK_CERT_COL_RULE_SET,
    GK_CERT_COL_GRANDFATHERED, /* 't' / 'f' */
    GK_CERT_COL_BASIS,
    GK_CERT_COL_STATUS,
    GK_CERT_COL_STATUS_CHANGED_ON,
    GK_CERT_COL__PUBLISHED, /* the columns above are the published fields */
    GK_CERT_COL_APPLICATION_ID = GK_CERT_COL__PUBLISHED, /* staff only: NULL when imported */
    GK_CERT_COL_ORGANIZATION_ID,
    GK_CERT_COL_KEY_ID,
    GK_CERT_COL_UPDATED_AT,
    GK_CERT_COL__COUNT
};

/* The API field names of the published columns, in column order (CSV header, JSON keys, XML
 * element names). */
extern const char *const gk_cert_field_names[GK_CERT_COL__PUBLISHED];

#define GK_CERT_MAX_PARAMS 16

/* A built statement: SQL text in `sql` (owned, gk_buf_free it), parameters borrowed from the
 * query or kept in `store`. */
typedef struct {
    gk_buf sql;
    const char *values[GK_CERT_MAX_PARAMS];
    int n;
    char store[7][GK_CERT_Q_MAX * 2 + 8]; /* escaped LIKE patterns, dates, numbers */
    bool pattern; /* a LIKE filter (q, manufacturer): planned for its value on every run */
} gk_cert_sql;

/* Build the statement for `kind`. Returns 0, or -1 when out of memory (sql freed). */
int gk_cert_sql_build(const gk_cert_query *q, gk_cert_sql_kind kind, gk_cert_sql *out);
void gk_cert_sql_free(gk_cert_sql *s);

/* Run it (text results). NULL when the connection broke (the caller answers 503; a
 * per-thread connection is marked for reconnect); otherwise the result, whose status the
 * caller checks with gk_db_ok. The caller PQclear's. A statement without a LIKE filter
 * (holder, category, status, dates, the pages after the first) is prepared once per
 * connection and SQL text and then executed by name (issue 21: planning it on every request
 * cost more than running it); with a LIKE filter it is planned for its pattern each time
 * (a generic plan cannot tell a rare text from a common one). */
PGresult *gk_cert_search_exec(PGconn *c, const gk_cert_sql *s);

/* Row i of a LIST/EXPORT result as the API item: the published fields, plus for staff
 * (regulators, examiners, admins) application_id, organization_id, key_id, updated_at and
 * imported. New reference, NULL when out of memory. */
json_t *gk_cert_row_json(const PGresult *res, int i, bool staff);

/* LIKE pattern for a substring search: % _ \ escaped, wrapped in %...%. Returns false when it
 * would not fit in size bytes. Exposed for the tests. */
bool gk_cert_like_pattern(const char *text, char *out, size_t size);

#endif
