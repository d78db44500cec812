/* giteki audit checkpoint | verify (issue 18 item 15): sign the audit chain's head now, and
 * check the chain with its signed checkpoints (service/audit_checkpoints.h). */
#include "cli/cli.h"
#include "cli/setup.h"
#include "crypto/audit_chain.h"
#include "crypto/sign.h"
#include "db/db.h"
#include "service/audit_checkpoints.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "Usage: giteki audit checkpoint [FLAGS]\n"
    "       giteki audit verify [--checkpoints FILE] [FLAGS]\n"
    "\n"
    "checkpoint  sign the audit chain's head now with the active key of GITEKI_KEY_DIR and\n"
    "            store it (serve does so every GITEKI_AUDIT_CHECKPOINT_INTERVAL seconds);\n"
    "            prints it as JSON, or says the head is signed already.\n"
    "verify      check every entry of the audit log against its hash and its predecessor's,\n"
    "            then every signed checkpoint: its signature (keys of GITEKI_KEY_DIR) and the\n"
    "            log's hash at its seq, which a rewrite of the whole chain changes.\n"
    "            --checkpoints FILE: also a copy of GET /api/v1/audit/checkpoints kept\n"
    "            elsewhere: each of its checkpoints must still be stored and hold (finds\n"
    "            checkpoints deleted together with a rewritten chain).\n"
    "Exit status: 0 whole, 2 broken (the first broken entry or checkpoint is named), 1 cannot\n"
    "check.\n";

/* The key store of c->key_dir, which must exist: opening an empty or missing folder would
 * make a new key, and a verifier must never sign. */
static gk_keystore *open_keys(const gk_config *c, const char *cmd, bool must_exist)
{
    struct stat st;
    if (must_exist && (stat(c->key_dir, &st) || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "giteki %s: no key folder %s (set GITEKI_KEY_DIR)\n", cmd, c->key_dir);
        return NULL;
    }
    char *err = NULL;
    gk_keystore *ks = gk_keystore_open(c->key_dir, &err);
    if (!ks) fprintf(stderr, "giteki %s: signing keys: %s\n", cmd, err ? err : "cannot open");
    free(err);
    return ks;
}

static int checkpoint(int argc, char **argv)
{
    const char *cmd = "audit checkpoint";
    gk_config c;
    gk_cli_command command = {cmd, usage, NULL, NULL, NULL};
    int rc = gk_cli_setup(&c, argc, argv, &command);
    if (rc >= 0) return rc;
    gk_keystore *ks = open_keys(&c, cmd, false);
    if (!ks) return gk_cli_fail(&c, cmd, "no signing key", NULL);
    gk_svc_audit_checkpoints_register();
    PGconn *conn = gk_db_init(c.database_url, NULL) ? NULL : gk_db_conn();
    json_t *made = NULL;
    if (!conn) {
        rc = gk_cli_fail(NULL, cmd, "cannot connect to the database", NULL);
    } else if (!gk_svc_audit_checkpoint_make(conn, ks, &made)) {
        rc = gk_cli_fail(NULL, cmd, "cannot sign the chain head", NULL);
    } else {
        char *s = made ? json_dumps(made, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        printf("%s\n", s ? s : "the chain head is signed already (or the log is empty)");
        free(s);
        rc = 0;
    }
    json_decref(made);
    gk_keystore_close(ks);
    gk_cli_finish(&c);
    return rc;
}

static int verify(int argc, char **argv)
{
    const char *cmd = "audit verify";
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            gk_cli_help(usage);
            return 0;
        }
    /* --checkpoints FILE (or --checkpoints=FILE) is ours; the rest are the settings' flags. */
    const char *copy_path = NULL;
    char *args[64];
    int n = 1;
    args[0] = (char *)"verify";
    for (int i = 0; i < argc && n < 63; i++) {
        if (!strcmp(argv[i], "--checkpoints") && i + 1 < argc) {
            copy_path = argv[++i];
        } else if (!strncmp(argv[i], "--checkpoints=", 14)) {
            copy_path = argv[i] + 14;
        } else {
            args[n++] = argv[i];
        }
    }
    args[n] = NULL;
    json_t *copy = NULL;
    if (copy_path) {
        json_error_t e;
        copy = json_load_file(copy_path, 0, &e);
        if (!copy) {
            fprintf(stderr, "giteki %s: %s: line %d: %s\n", cmd, copy_path, e.line, e.text);
            return 1;
        }
    }
    /* The chain, entry by entry (cli/import_certificates.c). */
    int chain_rc = gk_cli_audit(n, args);
    if (chain_rc == 1) {
        json_decref(copy);
        return 1;
    }
    argc = n - 1;
    argv = args + 1;

    gk_config c;
    gk_cli_command command = {cmd, usage, NULL, NULL, NULL};
    int rc = gk_cli_setup(&c, argc, argv, &command);
    if (rc >= 0) {
        json_decref(copy);
        return rc;
    }
    gk_keystore *ks = open_keys(&c, cmd, true);
    if (!ks) {
        json_decref(copy);
        return gk_cli_fail(&c, cmd, "cannot check the checkpoints", NULL);
    }
    gk_svc_audit_checkpoints_register();
    PGconn *conn = gk_db_init(c.database_url, NULL) ? NULL : gk_db_conn();
    long long checked = 0, bad = 0;
    char why[300];
    if (!conn || !gk_svc_audit_checkpoints_verify(conn, ks, &checked, &bad, why, sizeof why)) {
        rc = gk_cli_fail(NULL, cmd, "cannot read the checkpoints", NULL);
    } else if (bad) {
        printf("audit checkpoints BROKEN at entry %lld: %s\n", bad, why);
        rc = 2;
    } else {
        printf("audit checkpoints intact: %lld signed checkpoints verified\n", checked);
        rc = chain_rc;
    }
    if (rc != 1 && copy) {
        if (!gk_svc_audit_checkpoints_verify_copy(conn, ks, copy, &checked, &bad, why,
                                                  sizeof why)) {
            rc = gk_cli_fail(NULL, cmd, "cannot check the copy", copy_path);
        } else if (bad) {
            printf("audit checkpoints BROKEN against %s: %s\n", copy_path, why);
            rc = 2;
        } else {
            printf("the %lld checkpoints of %s hold\n", checked, copy_path);
        }
    }
    json_decref(copy);
    gk_keystore_close(ks);
    gk_cli_finish(&c);
    return rc;
}

int gk_cli_audit_main(int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "checkpoint")) return checkpoint(argc - 1, argv + 1);
    if (argc >= 1 && !strcmp(argv[0], "verify")) return verify(argc - 1, argv + 1);
    bool help = argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));
    fputs(usage, help ? stdout : stderr);
    return help ? 0 : 1;
}
