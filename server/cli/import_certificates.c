/* giteki import-certificates FILE: register pre-existing certificates from a CSV, the same
 * operation as POST /api/v1/certificates/import (service/certificates.h), one transaction.
 * giteki audit verify: check the audit log's hash chain and name the first broken entry. */
#include "cli/cli.h"

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

static int fail(gk_config *c, const char *cmd, const char *what, const char *detail)
{
    fprintf(stderr, "giteki %s: %s%s%s\n", cmd, what, detail ? ": " : "", detail ? detail : "");
    if (c) gk_config_free(c);
    return 1;
}

/* Config from the environment and --flags; the first non-flag argument into *path (when
 * path is not NULL). Returns -1 to continue, else the exit status. */
static int setup(gk_config *c, int argc, char **argv, const char *cmd, const char *usage,
                 const char **path)
{
    char *err = NULL;
    if (gk_config_load_env(c, &err)) {
        int rc = fail(NULL, cmd, "bad setting", err);
        free(err);
        return rc;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            fputs("\n", stdout);
            fputs(gk_config_help, stdout);
            gk_config_free(c);
            return 0;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (!path || *path) return fail(c, cmd, "unexpected argument", a);
            *path = a;
            continue;
        }
        char name[64];
        const char *value = NULL, *eq = strchr(a + 2, '=');
        if (eq) {
            snprintf(name, sizeof name, "%.*s", (int)(eq - a - 2), a + 2);
            value = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a + 2);
            if (i + 1 < argc) value = argv[++i];
        }
        int rc = gk_config_apply_flag(c, name, value, &err);
        if (rc) {
            int r = fail(c, cmd, rc > 0 ? "unknown flag" : "bad flag", rc > 0 ? a : err);
            free(err);
            return r;
        }
    }
    if (path && !*path) {
        fputs(usage, stderr);
        gk_config_free(c);
        return 1;
    }
    if (gk_config_finish(c, true, &err)) {
        int rc = fail(c, cmd, "bad setting", err);
        free(err);
        return rc;
    }
    return -1;
}

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
    int rc = setup(&c, argc, argv, cmd, import_usage, &path);
    if (rc >= 0) return rc;
    size_t len = 0;
    char *csv = read_file(path, &len);
    if (!csv) return fail(&c, cmd, path, strerror(errno ? errno : ENOMEM));
    gk_rule_sets_register();
    gk_svc_certificates_register();
    gk_audit_register();
    if (gk_db_init(c.database_url, NULL)) {
        free(csv);
        return fail(&c, cmd, "out of memory", NULL);
    }
    /* The reasons of rejected lines come from the message catalogues. */
    char *mdir = malloc(strlen(c.data_dir) + sizeof "/templates/messages");
    if (mdir) sprintf(mdir, "%s/templates/messages", c.data_dir);
    char *err = NULL;
    gk_app.messages = mdir ? gk_messages_load(mdir, &err) : NULL;
    free(mdir);
    if (!gk_app.messages) {
        free(csv);
        gk_db_shutdown();
        rc = fail(&c, cmd, "cannot read the message catalogues", err);
        free(err);
        return rc;
    }
    /* The command line acts as nobody signed in: the audit names it "cli". */
    gk_arena arena = {0};
    gk_call call = {.user = {.name = "cli", .role = GK_ROLE_ADMIN}, .lang = "en",
                    .arena = &arena};
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
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(report, "rejected"), i, r)
        {
            printf("line %lld: %s\n", (long long)json_integer_value(json_object_get(r, "line")),
                   json_string_value(json_object_get(r, "reason")));
        }
        rc = rejected ? 2 : 0;
    } else {
        fprintf(stderr, "giteki %s: nothing imported: %s\n", cmd,
                out.detail ? out.detail : gk_error_title(out.err, "en"));
        rc = 1;
    }
    gk_outcome_clear(&out);
    gk_arena_free(&arena);
    gk_messages_free(gk_app.messages);
    gk_app.messages = NULL;
    gk_db_shutdown();
    gk_config_free(&c);
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
    int rc = setup(&c, argc - 1, argv + 1, cmd, audit_usage, NULL);
    if (rc >= 0) return rc;
    gk_audit_register();
    if (gk_db_init(c.database_url, NULL)) return fail(&c, cmd, "out of memory", NULL);
    PGconn *conn = gk_db_conn();
    if (!conn) {
        gk_db_shutdown();
        return fail(&c, cmd, "cannot connect to the database", NULL);
    }
    long long checked = 0, broken = 0;
    char why[200];
    if (!gk_audit_verify_db(conn, &checked, &broken, why, sizeof why)) {
        rc = fail(NULL, cmd, "cannot read the audit log", NULL);
    } else if (broken) {
        printf("audit log BROKEN at entry %lld: %s (%lld entries before it verified)\n", broken,
               why, checked);
        rc = 2;
    } else {
        printf("audit log intact: %lld entries verified\n", checked);
        rc = 0;
    }
    gk_db_shutdown();
    gk_config_free(&c);
    return rc;
}
