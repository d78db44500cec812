/* Extensions of the API test harness for the authorisation tests (issue 4):
 *
 * - secrets: every request and response that goes through ht_send is shown to
 *   htx_observe, which keeps the secrets it carries (passwords in JSON and form bodies,
 *   session cookies, Bearer tokens, API tokens handed out, CSRF tokens). At the end,
 *   htx_check_server_log searches the server's log for each of them, raw and in the escaped
 *   forms a log line could hold (JSON \u escapes, percent-encoding): one found fails.
 * - SQL: htx_sql runs one statement against the test database with psql, for tests that must
 *   move time (session expiry) without a test-only backdoor in the server. The server under
 *   test is not involved: only the rows it reads change, as if the clock had moved.
 * - the procedural checks after the table scenarios: htx_after_run.
 *
 * The api_tests program is single-threaded: the secret store is a plain static list. */
#ifndef HT_HARNESS_EXT_H
#define HT_HARNESS_EXT_H

#include "harness.h"

#include <stddef.h>

/* Remember the secrets req and resp carry (resp may be NULL). Never fails: when memory runs
 * out, the store says so and htx_check_server_log then fails rather than pass on less. */
void htx_observe(const ht_request *req, const ht_response *resp);

/* How many distinct secrets were observed so far. */
size_t htx_secret_count(void);

/* Search the log at `path` for every secret observed. First one GET /healthz to base_url,
 * and a wait (at most 10 s) until its request id is in the log: every earlier request is
 * logged by then, and the file is shown to be this server's log. Prints one ok/FAIL line
 * (on failure, which kind of secret at which line, the secret shortened). Returns 0 when
 * none was found; 1 when one was, or the log could not be read or never showed the request
 * (a log that holds nothing proves nothing). */
int htx_check_server_log(const char *path, const char *base_url);

/* Run `sql` with psql against `conninfo`; its unaligned, tuples-only output (rows on lines,
 * columns separated by '|') goes into out (NUL-terminated, trailing newline removed, cut at
 * out_size - 1). Returns 0 on success; -1 when psql could not run or failed (its error is
 * printed to stderr). */
int htx_sql(const char *conninfo, const char *sql, char *out, size_t out_size);

/* Whether the scenario "group/name" is selected by opts->only (as for the table scenarios). */
bool htx_selected(const ht_options *opts, const char *group, const char *name);

/* After ht_run: the procedural authorisation checks (route walk, session expiry), then,
 * with --server-log, the search for secrets in the server log. Adds what it runs to
 * *totals and prints ok/FAIL lines like the runner. Returns 0 when everything passed. */
int htx_after_run(const ht_options *opts, ht_totals *totals);

/* scenarios_authz.c: the procedural authorisation checks selected by opts->only. Adds to
 * *totals; returns 0 when all that ran passed. */
int ht_authz_checks(const ht_options *opts, ht_totals *totals);

#endif
