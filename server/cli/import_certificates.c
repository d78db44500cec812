/* giteki import-certificates FILE: register pre-existing certificates from a CSV, the same
 * operation as POST /api/v1/certificates/import (service/certificates.h), one transaction.
 * giteki audit verify: check the audit log's hash chain and name the first broken entry. */
#include "cli/cli.h"

#include "cli/setup.h"

#include "app.h"
#include "config.h"
#include "crypto/audit_chain.h"
#include "db/db.h"
#include "db/rule_sets.h"
#include "render/i18n.h"
#include "service/certificates.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char import_usage[] =
    "Usage: giteki import-certificates FILE [FLAGS]\n"
    "\n"
    "Register pre-existing certificates. FILE is a UTF-8 CSV with the header\n"
    "  " GK_CERT_IMPORT_COLUMNS "\n"
    "Certificates granted before the rule set in force took effect are marked grandfathered.\n"
    "Re-importing the same file adds nothing. Exit status: 0 imported, 2 imported with\n"
    "rejected lines (listed on standard output), 1 nothing imported.\n";

static const char audit_usage[] =
    "Usage: giteki audit verify [FLAGS]\n"
    "\n"
    "Check every entry of the audit log against its hash and its predecessor's.\n"
    "Exit status: 0 the chain is whole, 2 an entry is broken (named), 1 cannot check.\n";

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
        char *bigger = realloc(buf, cap * 2 + 1);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (buf) buf[n] = 0;
    *len = n;
    return buf;
}

int gk_cli_import_certificates(int argc, char **argv)
{
    const char *cmd = "import-certificates", *path = NULL;
    gk_config c;
    gk_cli_command command = {cmd, import_usage, &path, NULL, NULL};
    int rc = gk_cli_setup(&c, argc, argv, &command);
    if (rc >= 0) return rc;
    size_t len = 0;
    char *csv = read_file(path, &len);
    if (!csv) return gk_cli_fail(&c, cmd, path, strerror(errno ? errno : ENOMEM));
    gk_rule_sets_register();
    gk_svc_certificates_register();
    gk_audit_register();
    if (gk_db_init(c.database_url, NULL)) {
        free(csv);
        return gk_cli_fail(&c, cmd, "out of memory", NULL);
    }
    /* The reasons of rejected lines come from the message catalogues. */
    char *err = NULL;
    if (!gk_cli_load_messages(&c, &err)) {
        free(csv);
        gk_db_shutdown();
        rc = gk_cli_fail(&c, cmd, "cannot read the message catalogues", err);
        free(err);
        return rc;
    }
    /* The command line acts as nobody signed in: the audit names it "cli". */
    gk_arena arena = {0};
    gk_call call = {.user = {.name = "cli", .role = GK_ROLE_ADMIN}, .lang = "en", .arena = &arena};
    gk_cert_import_in in = {.csv = csv, .len = len};
    gk_outcome out;
    gk_svc_cert_import(&call, &in, &out);
    free(csv);
    json_t *report = out.view;
    if (out.err == GK_ERR_OK) {
        long long rejected = json_integer_value(json_object_get(report, "rejected_count"));
        printf("imported %lld, unchanged %lld, rejected %lld\n",
               (long long)json_integer_value(json_object_get(report, "imported")),
               (long long)json_integer_value(json_object_get(report, "unchanged")), rejected);
        gk_cli_print_rejected(json_object_get(report, "rejected"));
        rc = rejected ? 2 : 0;
    } else {
        fprintf(stderr, "giteki %s: nothing imported: %s\n", cmd,
                out.detail ? out.detail : gk_error_title(out.err, "en"));
        rc = 1;
    }
    gk_outcome_clear(&out);
    gk_arena_free(&arena);
    gk_cli_finish(&c);
    return rc;
}

int gk_cli_audit(int argc, char **argv)
{
    const char *cmd = "audit verify";
    if (argc < 1 || strcmp(argv[0], "verify") != 0) {
        bool help = argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));
        fputs(audit_usage, help ? stdout : stderr);
        return help ? 0 : 1;
    }
    gk_config c;
    gk_cli_command command = {cmd, audit_usage, NULL, NULL, NULL};
    int rc = gk_cli_setup(&c, argc - 1, argv + 1, &command);
    if (rc >= 0) return rc;
    gk_audit_register();
    if (gk_db_init(c.database_url, NULL)) return gk_cli_fail(&c, cmd, "out of memory", NULL);
    PGconn *conn = gk_db_conn();
    if (!conn) {
        gk_db_shutdown();
        return gk_cli_fail(&c, cmd, "cannot connect to the database", NULL);
    }
    long long checked = 0, broken = 0;
    char why[200];
    if (!gk_audit_verify_db(conn, &checked, &broken, why, sizeof why)) {
        rc = gk_cli_fail(NULL, cmd, "cannot read the audit log", NULL);
    } else if (broken) {
        printf("audit log BROKEN at entry %lld: %s (%lld entries before it verified)\n", broken,
               why, checked);
        rc = 2;
    } else {
        printf("audit log intact: %lld entries verified\n", checked);
        rc = 0;
    }
    gk_cli_finish(&c);
    return rc;
}
