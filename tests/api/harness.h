/* The API test harness: an HTTP client over libcurl (one cookie jar per actor) and a runner for
 * scenarios written as tables of steps.
 *
 * A scenario is a list of steps run in order against the real server. Each step sends one
 * request as one actor and states what must come back: the status, the media type, the `code`
 * of a problem body, and any further checks (JSON values, headers, body text). A step may
 * capture a value of its response (an id, a header) into a variable; later steps use it as
 * {{name}} in their path, headers, body and check values. When a step fails, the rest of its
 * scenario is skipped (later steps usually depend on it) and the next scenario starts afresh
 * with new actors and no variables.
 *
 * Besides what a step states, the runner checks on every response what holds for every
 * response of giteki: an X-Request-Id header, X-Content-Type-Options: nosniff, no version
 * banner in Server or X-Powered-By, a body that parses when the type says JSON, and for every
 * status >= 400 (except to HEAD) an application/problem+json body of the documented shape. */
#ifndef HT_HARNESS_H
#define HT_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- Responses ------------------------------------------------------------------------- */

typedef struct {
    char *name; /* as received */
    char *value;
} ht_header;

/* One response. Every pointer is owned by the response and freed by ht_response_free. */
typedef struct {
    long status;        /* 0 when no response came (curl_error says why) */
    char *curl_error;   /* NULL unless the transfer failed */
    ht_header *headers; /* the headers of the final response (not of a 100 Continue) */
    size_t n_headers;
    char *body; /* NUL-terminated (the terminator is not counted in body_len) */
    size_t body_len;
    json_t *json;     /* parsed body when Content-Type is JSON and it parses, else NULL */
    char *json_error; /* why a JSON-typed body did not parse, else NULL */
} ht_response;

void ht_response_free(ht_response *r);

/* The first header called `name` (case-insensitive), or NULL. */
const char *ht_response_header(const ht_response *r, const char *name);

/* ---- The client ------------------------------------------------------------------------ */

/* How the body goes out. NORMAL: with its Content-Length. EXPECT_100: Content-Length plus
 * `Expect: 100-continue`, so a server that refuses on the headers alone never reads it.
 * CHUNKED: chunked transfer encoding, no length announced: the server must count. */
typedef enum { HT_SEND_NORMAL = 0, HT_SEND_EXPECT_100, HT_SEND_CHUNKED } ht_send_mode;

typedef struct {
    const char *method;
    const char *path;           /* appended to the base URL as is (no dot-segment squashing) */
    const char *const *headers; /* "Name: value" lines, a NULL-terminated array, or NULL */
    const char *body;           /* NULL: no body */
    size_t body_len;
    const char *content_type; /* NULL: no Content-Type header */
    ht_send_mode send;
} ht_request;

typedef struct ht_client ht_client;

/* base_url without a trailing slash, e.g. http://127.0.0.1:8080. Returns NULL on failure. */
ht_client *ht_client_new(const char *base_url);
void ht_client_free(ht_client *c);

/* Forget every actor (their cookies, CSRF tokens): the next scenario starts clean. */
void ht_client_reset(ht_client *c);

/* Send a request as `actor` (any name; created on first use with an empty cookie jar; NULL
 * means "anon"; a name ending in "@127.0.0.N" connects from that loopback address). Unsafe methods of an actor that received a `csrf_token` in a JSON body carry
 * it as X-CSRF-Token unless the request sets that header itself. Fills *out (free it with
 * ht_response_free). Returns 0, or -1 when nothing came back (out->curl_error says why). */
int ht_send(ht_client *c, const char *actor, const ht_request *req, ht_response *out);

/* Append every exchange ht_send makes from now on to the file at `path` (JSON lines: method,
 * path, status, media type, the JSON body), for tests/contract/validate.js to check against
 * docs/openapi.yaml. Returns 0, or -1 when the file cannot be opened. */
int ht_record_to(const char *path);

/* ---- Steps and checks ------------------------------------------------------------------ */

typedef enum {
    HT_CHECK_END = 0,
    HT_JSON_EQ,        /* a = JSON path, b = expected value as JSON text: "true", "[\"SR-1\"]" */
    HT_JSON_STR,       /* a = JSON path, b = expected string */
    HT_JSON_PRESENT,   /* a = JSON path exists (any value, null included) */
    HT_JSON_ABSENT,    /* a = JSON path does not exist */
    HT_JSON_TYPE,      /* a = JSON path, b = object|array|string|integer|number|boolean|null */
    HT_JSON_LEN,       /* a = JSON path of an array/object/string, b = its size in decimal */
    HT_JSON_HAS,       /* a = JSON path of an array, b = JSON text of an element it contains */
    HT_JSON_FIND,      /* a = array path, b = "key=JSON": some element has key equal to JSON;
                        * c (optional) = "key2=JSON" that same element must also have, or
                        * "key2" alone that it must have */
    HT_HEADER_EQ,      /* a = header name, b = exact value */
    HT_HEADER_HAS,     /* a = header name, b = substring of the value */
    HT_HEADER_PRESENT, /* a = header name */
    HT_HEADER_ABSENT,  /* a = header name */
    HT_HEADER_NE,      /* a = header name, present and not equal to b */
    HT_BODY_HAS,       /* a = substring of the body */
    HT_BODY_LACKS,     /* a = text the body must not contain */
    HT_BODY_MATCH,     /* a = POSIX extended regular expression the body matches */
    HT_BODY_EMPTY,     /* no body (HEAD) */
} ht_check_kind;

/* JSON paths: "outcome", "errors[0].field", "items[].id" ([] = any element satisfies the
 * rest of the path, e.g. HT_JSON_STR on "errors[].field" holds when one error has it). */
typedef struct {
    ht_check_kind kind;
    const char *a, *b, *c;
} ht_check;

/* Where a captured value comes from: "json:<path>" (a string or number) or "header:<Name>". */
typedef struct {
    const char *var;
    const char *from;
} ht_capture;

#define HT_MAX_CHECKS 12
#define HT_MAX_HEADERS 6
#define HT_MAX_CAPTURES 4

typedef struct {
    const char *name;  /* what the step shows, printed in failures */
    const char *actor; /* NULL = "anon" */
    const char *method;
    const char *path;         /* {{var}} allowed */
    const char *content_type; /* NULL = none */
    const char *body;         /* {{var}} allowed; NULL = none */
    size_t pad_to;            /* > 0: append spaces to the body up to this many bytes */
    size_t url_pad;           /* > 0: append a query parameter so the path has this length */
    size_t path_pad;          /* > 0: lengthen the path itself (no query) to this length */
    ht_send_mode send;
    const char *headers[HT_MAX_HEADERS]; /* extra "Name: value" lines, {{var}} allowed */
    long expect_status;
    const char *expect_code;         /* `code` of the problem body, or NULL */
    const char *expect_content_type; /* media type without parameters, e.g. "application/json" */
    ht_check checks[HT_MAX_CHECKS];
    ht_capture captures[HT_MAX_CAPTURES];
} ht_step;

typedef struct {
    const char *name;
    const ht_step *steps;
    size_t n_steps;
    bool independent; /* steps do not depend on each other: run them all even after a failure */
} ht_scenario;

typedef struct {
    const char *name;
    const ht_scenario *scenarios;
    size_t n_scenarios;
} ht_group;

#define HT_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Steps that build on each other (a failure skips the rest), and independent ones. */
#define HT_SCENARIO(name, steps)                                                                   \
    {                                                                                              \
        name, steps, HT_COUNT(steps), false                                                        \
    }
#define HT_CASES(name, steps)                                                                      \
    {                                                                                              \
        name, steps, HT_COUNT(steps), true                                                         \
    }

/* Check constructors, so tables read as sentences. */
#define JSON_EQ(path, json)                                                                        \
    {                                                                                              \
        HT_JSON_EQ, path, json, NULL                                                               \
    }
#define JSON_STR(path, s)                                                                          \
    {                                                                                              \
        HT_JSON_STR, path, s, NULL                                                                 \
    }
#define JSON_PRESENT(path)                                                                         \
    {                                                                                              \
        HT_JSON_PRESENT, path, NULL, NULL                                                          \
    }
#define JSON_ABSENT(path)                                                                          \
    {                                                                                              \
        HT_JSON_ABSENT, path, NULL, NULL                                                           \
    }
#define JSON_TYPE(path, t)                                                                         \
    {                                                                                              \
        HT_JSON_TYPE, path, t, NULL                                                                \
    }
#define JSON_LEN(path, n)                                                                          \
    {                                                                                              \
        HT_JSON_LEN, path, #n, NULL                                                                \
    }
#define JSON_HAS(path, json)                                                                       \
    {                                                                                              \
        HT_JSON_HAS, path, json, NULL                                                              \
    }
#define JSON_FIND(path, match, also)                                                               \
    {                                                                                              \
        HT_JSON_FIND, path, match, also                                                            \
    }
#define HEADER_EQ(name, v)                                                                         \
    {                                                                                              \
        HT_HEADER_EQ, name, v, NULL                                                                \
    }
#define HEADER_HAS(name, v)                                                                        \
    {                                                                                              \
        HT_HEADER_HAS, name, v, NULL                                                               \
    }
#define HEADER_PRESENT(name)                                                                       \
    {                                                                                              \
        HT_HEADER_PRESENT, name, NULL, NULL                                                        \
    }
#define HEADER_ABSENT(name)                                                                        \
    {                                                                                              \
        HT_HEADER_ABSENT, name, NULL, NULL                                                         \
    }
#define HEADER_NE(name, v)                                                                         \
    {                                                                                              \
        HT_HEADER_NE, name, v, NULL                                                                \
    }
#define BODY_HAS(s)                                                                                \
    {                                                                                              \
        HT_BODY_HAS, s, NULL, NULL                                                                 \
    }
#define BODY_LACKS(s)                                                                              \
    {                                                                                              \
        HT_BODY_LACKS, s, NULL, NULL                                                               \
    }
#define BODY_MATCH(re)                                                                             \
    {                                                                                              \
        HT_BODY_MATCH, re, NULL, NULL                                                              \
    }
#define BODY_EMPTY()                                                                               \
    {                                                                                              \
        HT_BODY_EMPTY, NULL, NULL, NULL                                                            \
    }
#define CAPTURE_JSON(var, path)                                                                    \
    {                                                                                              \
        var, "json:" path                                                                          \
    }
/* A capture from the body by a POSIX extended regular expression: its first group. */
#define CAPTURE_RE(var, re)                                                                        \
    {                                                                                              \
        var, "re:" re                                                                              \
    }
#define CAPTURE_HEADER(var, name)                                                                  \
    {                                                                                              \
        var, "header:" name                                                                        \
    }

/* ---- Running ----------------------------------------------------------------------------- */

typedef struct {
    const char *base_url;
    const char *database_url; /* may be NULL; for scenarios that need to look into the DB */
    const char *only;         /* NULL, or a pattern (fnmatch) on "group/scenario" or scenario */
    const char *skip;         /* NULL, or a pattern of scenarios not to run (same matching) */
    bool verbose;             /* print every step, not only failures */
    bool list;                /* print the scenario names instead of running them */
    const char *server_log;   /* may be NULL; the server's log, searched for secrets at the
                               * end (harness_ext.h) */
    const char *mail_dir;     /* may be NULL; where scripts/mailsink stores received mail */
} ht_options;

typedef struct {
    unsigned scenarios_run, scenarios_failed;
    unsigned steps_run, steps_failed, steps_skipped;
} ht_totals;

/* Run the groups' scenarios selected by opts->only. Prints failures (method, path, expected
 * against got, the body) as they happen, then one `summary:` line. Returns 0 when everything
 * ran passed and at least one scenario ran, 1 otherwise. */
int ht_run(const ht_options *opts, const ht_group *const *groups, size_t n_groups,
           ht_totals *totals);

/* ---- Mail (issue 19) ---------------------------------------------------------------------
 * A step whose method is "MAIL" reads the test mail box instead of sending a request: path is
 * the recipient's address, body (optional) the mail's kind (its X-Giteki-Kind header, e.g.
 * "signup.verify"). It waits (up to 15 s; 2 s when the step expects 404, "no such mail") for
 * the oldest mail to that address not read by an earlier step. The "response" is 200 with the
 * headers Subject (as sent: encoded words), From, To, Date, Message-ID, X-Giteki-Kind,
 * List-Unsubscribe(-Post), Content-Type, and a body made of the raw header block, a blank
 * line and every part decoded (text, then HTML), so BODY_HAS / BODY_MATCH / HEADER_* checks
 * and CAPTURE_RE work on it. */
int ht_mail_wait(const char *dir, const char *to, const char *kind, double timeout_s,
                 ht_response *out);
/* A step whose method is "SQL" runs its path as one SQL statement on the test database
 * (--database-url, with htx_sql): status 200 when it ran, the body its rows (columns joined by
 * '|', rows by newlines), for BODY_* checks and CAPTURE_RE. For what a client cannot do:
 * let a mail's token expire, look at the outbox. */

/* ---- Scenario groups (one per scenarios_*.c file) -------------------------------------- */

extern const ht_group ht_group_foundation;
extern const ht_group ht_group_determination;
extern const ht_group ht_group_cc;
extern const ht_group ht_group_accounts;
extern const ht_group ht_group_examination;
extern const ht_group ht_group_registry;
extern const ht_group ht_group_authz;
extern const ht_group ht_group_drafts;
extern const ht_group ht_group_law;
extern const ht_group ht_group_applications;
extern const ht_group ht_group_mark;
extern const ht_group ht_group_security;
extern const ht_group ht_group_public;
extern const ht_group ht_group_surveillance;
extern const ht_group ht_group_mail;
/* Procedural checks of the registry group (scenarios_registry.c): CSV round trip, XML against
 * docs/certificates.xsd, Atom, stats. Run after the tables; 0 when all pass. */
int ht_registry_checks(const ht_options *opts);
/* The mark group's procedural checks (scenarios_mark.c): pdftotext on the certificate PDF,
 * the QR code read back, the electronic label's size. Run after its table; 0 when all pass. */
int ht_mark_checks(const ht_options *opts);
/* The security group's procedural checks (scenarios_security.c): what the database refuses
 * of a write that bypasses the service (four eyes, issue 18 item 3). 0 when all pass. */
int ht_security_checks(const ht_options *opts);
/* The public group's procedural check (scenarios_public.c): a status change made in SQL is
 * seen by the next public read (the cache's NOTIFY). 0 when it passes. */
int ht_public_checks(const ht_options *opts);
/* The hardening group (scenarios_hardening.c, issue 18): the stalled-upload flood over raw
 * sockets, after its table. Adds to *totals; 0 when all pass. */
extern const ht_group ht_group_hardening;
int ht_hardening_checks(const ht_options *opts, ht_totals *totals);
/* The surveillance group's procedural check (scenarios_surveillance.c): the certificate PDF's
 * text has no internal note and no staff name. Run after its table; 0 when it passes. */
int ht_surveillance_checks(const ht_options *opts);
/* The living group (scenarios_living.c, issue 16): openssl pkeyutl verifies the signature
 * of a certificate's second version. Run after its table; 0 when it passes. */
extern const ht_group ht_group_living;
int ht_living_checks(const ht_options *opts);
/* scenarios_words.c (issue 20 part B): words, not codes, on the case pages and in the CSV. */
extern const ht_group ht_group_words;

/* issue 20 part A (scenarios_ux.c): the error pattern, uploads, language switch, dates. */
extern const ht_group ht_group_ux;

#endif
