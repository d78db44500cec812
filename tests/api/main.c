/* api_tests: runs the API scenarios against a running giteki server.
 *
 *   api_tests --base-url http://127.0.0.1:8080 [--database-url CONNINFO] [--only PATTERN]
 *             [--server-log PATH] [--record PATH] [--verbose] [--list]
 *
 * Exit status: 0 when every selected scenario passed, 1 when one failed (or none matched, or
 * the server is unreachable), 2 on a usage error. */
#include "harness.h"
#include "harness_ext.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every group of scenarios, in the order they run. A new scenarios_*.c file adds its group
 * here and in harness.h. */
static const ht_group *const groups[] = {
    // clang-format off
    &ht_group_foundation,
    &ht_group_determination,
    &ht_group_cc,
    &ht_group_accounts,
    &ht_group_examination,
    &ht_group_registry,
    &ht_group_authz,
    &ht_group_drafts,
    &ht_group_applications,
    &ht_group_mark,
    &ht_group_law,
    &ht_group_security,
    &ht_group_public,
    &ht_group_hardening,
    &ht_group_surveillance,
    &ht_group_living,
    &ht_group_mail,
    &ht_group_words,
    &ht_group_ux,
    // clang-format on
};

static void usage(FILE *to)
{
    fputs("usage: api_tests --base-url URL [--database-url CONNINFO] [--only PATTERN]\n"
          "                 [--skip PATTERN]\n"
          "                 [--server-log PATH] [--record PATH] [--verbose] [--list]\n"
          "  --base-url URL       the server, e.g. http://127.0.0.1:8080\n"
          "  --database-url STR   libpq conninfo of the server's database (optional)\n"
          "  --only PATTERN       run the scenarios whose \"group/name\", name or group\n"
          "                       matches PATTERN (shell wildcards), e.g. 'foundation/*'\n"
          "  --skip PATTERN       do not run the scenarios matching PATTERN (same matching)\n"
          "  --server-log PATH    at the end, fail if a password, token or cookie used by\n"
          "                       the tests appears in the server's log at PATH\n"
          "  --record PATH        write every exchange (method, path, status, type, JSON\n"
          "                       body) to PATH, one JSON line each, for the contract test\n"
          "  --mail-dir DIR       the folder scripts/mailsink stores received mail in (steps\n"
          "                       of method MAIL read it); default $GITEKI_TEST_MAIL_DIR\n"
          "  --verbose            print every step, not only failures\n"
          "  --list               print the scenario names and exit\n",
          to);
}

static const char *record_path; /* --record */

/* Returns 0, or 2 after printing why the arguments are wrong. */
static int parse_args(int argc, char **argv, ht_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **target = NULL;
        if (strcmp(a, "--base-url") == 0)
            target = &o->base_url;
        else if (strcmp(a, "--database-url") == 0)
            target = &o->database_url;
        else if (strcmp(a, "--only") == 0)
            target = &o->only;
        else if (strcmp(a, "--skip") == 0)
            target = &o->skip;
        else if (strcmp(a, "--server-log") == 0)
            target = &o->server_log;
        else if (strcmp(a, "--record") == 0)
            target = &record_path;
        else if (strcmp(a, "--mail-dir") == 0)
            target = &o->mail_dir;
        else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0)
            o->verbose = true;
        else if (strcmp(a, "--list") == 0)
            o->list = true;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        } else {
            fprintf(stderr, "api_tests: unknown argument %s\n", a);
            usage(stderr);
            return 2;
        }
        if (target) {
            if (i + 1 >= argc) {
                fprintf(stderr, "api_tests: %s needs a value\n", a);
                return 2;
            }
            *target = argv[++i];
        }
    }
    if (!o->base_url && !o->list) {
        fprintf(stderr, "api_tests: --base-url is required\n");
        usage(stderr);
        return 2;
    }
    return 0;
}

/* One plain request first, so an unreachable server gives one clear line, not a failure per
 * step. */
static int server_reachable(const char *base_url)
{
    ht_client *c = ht_client_new(base_url);
    if (!c) return 0;
    ht_request req = {.method = "GET", .path = "/healthz"};
    ht_response r;
    int ok = ht_send(c, "probe", &req, &r) == 0;
    if (!ok)
        fprintf(stderr, "api_tests: cannot reach %s: %s\n", base_url,
                r.curl_error ? r.curl_error : "no response");
    ht_response_free(&r);
    ht_client_free(c);
    return ok;
}

int main(int argc, char **argv)
{
    ht_options opts = {0};
    opts.mail_dir = getenv("GITEKI_TEST_MAIL_DIR");
    int rc = parse_args(argc, argv, &opts);
    if (rc) return rc == 1 ? 0 : rc;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "api_tests: curl_global_init failed\n");
        return 1;
    }
    if (record_path && ht_record_to(record_path) != 0) {
        fprintf(stderr, "api_tests: cannot write %s\n", record_path);
        return 2;
    }
    ht_totals totals = {0};
    bool reachable = opts.list || server_reachable(opts.base_url);
    if (!reachable)
        rc = 1;
    else
        rc = ht_run(&opts, groups, HT_COUNT(groups), &totals);
    /* registry: procedural checks after its tables (CSV, XSD, Atom, stats) */
    if (!opts.list && totals.scenarios_run && (!opts.only || !strncmp(opts.only, "registry", 8)) &&
        ht_registry_checks(&opts))
        rc = 1;
    /* mark: PDF text, QR decoding, label size after its table */
    if (!opts.list && totals.scenarios_run && (!opts.only || !strncmp(opts.only, "mark", 4)) &&
        ht_mark_checks(&opts))
        rc = 1;
    /* security: what the database refuses, on the cases of security/db-bypass */
    if (!opts.list && totals.scenarios_run && (!opts.only || !strncmp(opts.only, "security", 8)) &&
        ht_security_checks(&opts))
        rc = 1;
    /* public: a change made in SQL reaches the cache of public records */
    if (!opts.list && totals.scenarios_run && (!opts.only || !strncmp(opts.only, "public", 6)) &&
        ht_public_checks(&opts))
        rc = 1;
    /* hardening: the stalled-upload flood after its table (issue 18) */
    if (reachable && ht_hardening_checks(&opts, &totals)) rc = 1;
    /* surveillance: the PDF's text has no internal note, after its table */
    if (!opts.list && totals.scenarios_run &&
        (!opts.only || !strncmp(opts.only, "surveillance", 12)) && ht_surveillance_checks(&opts))
        rc = 1;
    /* living: openssl verifies a version's signature after its table */
    if (!opts.list && totals.scenarios_run && (!opts.only || !strncmp(opts.only, "living", 6)) &&
        ht_living_checks(&opts))
        rc = 1;
    /* authz: the route walk and session expiry, also when --only selects no table; then
     * secrets in the server log */
    if (reachable) {
        unsigned before = totals.scenarios_run;
        if (htx_after_run(&opts, &totals))
            rc = 1;
        else if (!opts.list && before == 0 && totals.scenarios_run > 0)
            rc = 0;
    }
    curl_global_cleanup();
    return rc;
}
