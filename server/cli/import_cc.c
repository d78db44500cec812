/* giteki import-cc: the CC Portal CSV import from the command line, streaming the file
 * (bounded memory whatever its size) in the same single transaction as the API. */
#include "cli/cli.h"

#include "app.h"
#include "config.h"
#include "db/cc.h"
#include "db/db.h"
#include "db/migrate.h"
#include "render/i18n.h"
#include "service/cc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: giteki import-cc FILE [--archived] [FLAGS]\n"
    "\n"
    "Import a Common Criteria Portal CSV into the CC registry.\n"
    "  FILE        the certified-products CSV (or archived-products with --archived)\n"
    "  --archived  the file is the archived-products list (status archived)\n"
    "Re-importing the same file changes nothing. Exit status: 0 imported, 2 imported with\n"
    "rejected lines (listed on standard output), 1 nothing imported.\n";

static ssize_t file_read(void *ctx, void *buf, size_t cap)
{
    FILE *f = ctx;
    size_t n = fread(buf, 1, cap, f);
    if (n == 0 && ferror(f)) return -1;
    return (ssize_t)n;
}

static bool file_rewind(void *ctx)
{
    FILE *f = ctx;
    clearerr(f);
    return fseek(f, 0, SEEK_SET) == 0;
}

static int fail(gk_config *c, const char *what, const char *detail)
{
    fprintf(stderr, "giteki import-cc: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    if (c) gk_config_free(c);
    return 1;
}

int gk_cli_import_cc(int argc, char **argv)
{
    const char *path = NULL;
    bool archived = false;
    gk_config c;
    char *err = NULL;
    if (gk_config_load_env(&c, &err)) {
        int rc = fail(NULL, "bad setting", err);
        free(err);
        return rc;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            fputs("\n", stdout);
            fputs(gk_config_help, stdout);
            gk_config_free(&c);
            return 0;
        }
        if (!strcmp(a, "--archived")) {
            archived = true;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (path) return fail(&c, "more than one file given", a);
            path = a;
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
        int rc = gk_config_apply_flag(&c, name, value, &err);
        if (rc) {
            int r = fail(&c, rc > 0 ? "unknown flag" : "bad flag", rc > 0 ? a : err);
            free(err);
            return r;
        }
    }
    if (!path) {
        fputs(usage, stderr);
        gk_config_free(&c);
        return 1;
    }
    if (gk_config_finish(&c, true, &err)) {
        int rc = fail(&c, "bad setting", err);
        free(err);
        return rc;
    }
    FILE *f = fopen(path, "rb");
    if (!f) return fail(&c, path, strerror(errno));
    if (c.migrate_on_start) {
        char *dir = NULL;
        if (asprintf(&dir, "%s/schema", c.data_dir) < 0) {
            fclose(f);
            return fail(&c, "out of memory", NULL);
        }
        int n = gk_migrate(c.database_url, dir, &err);
        free(dir);
        if (n < 0) {
            fclose(f);
            int rc = fail(&c, "migration failed", err);
            free(err);
            return rc;
        }
    }
    gk_cc_db_register();
    if (gk_db_init(c.database_url, NULL)) {
        fclose(f);
        return fail(&c, "out of memory", NULL);
    }
    /* The reasons of rejected lines come from the message catalogues, in English. */
    char *merr = NULL, *mdir = NULL;
    if (asprintf(&mdir, "%s/templates/messages", c.data_dir) >= 0) {
        gk_app.messages = gk_messages_load(mdir, &merr);
        free(mdir);
    }
    if (!gk_app.messages) {
        fclose(f);
        gk_db_shutdown();
        int rc = fail(&c, "cannot load the message catalogues", merr);
        free(merr);
        return rc;
    }
    gk_cc_source src = {file_read, file_rewind, f};
    gk_arena arena = {0};
    gk_call call = {.user = {.role = GK_ROLE_ADMIN}, .lang = "en", .arena = &arena};
    unsigned long lines = 0;
    gk_cc_import_in in = {.status = archived ? "archived" : "active", .source = &src,
                          .lines_read = &lines};
    gk_outcome out = {0};
    gk_svc_cc_import(&call, &in, &out);
    fclose(f);
    int rc = 0;
    if (out.err == GK_ERR_OK) {
        json_t *v = out.view;
        json_int_t total = json_integer_value(json_object_get(v, "rejected_total"));
        json_t *rejected = json_object_get(v, "rejected");
        printf("imported %lld, updated %lld, unchanged %lld, rejected %lld (%lu lines read)\n",
               (long long)json_integer_value(json_object_get(v, "imported")),
               (long long)json_integer_value(json_object_get(v, "updated")),
               (long long)json_integer_value(json_object_get(v, "unchanged")), (long long)total,
               lines);
        size_t i;
        json_t *r;
        json_array_foreach(rejected, i, r)
        {
            printf("line %lld: %s\n", (long long)json_integer_value(json_object_get(r, "line")),
                   json_string_value(json_object_get(r, "reason")));
        }
        if ((size_t)total > json_array_size(rejected))
            printf("... and %llu more rejected lines\n",
                   (unsigned long long)((size_t)total - json_array_size(rejected)));
        rc = total ? 2 : 0;
    } else if (out.err == GK_ERR_VALIDATION) {
        fprintf(stderr, "giteki import-cc: nothing imported: %s\n", out.detail ? out.detail : "");
        rc = 1;
    } else if (out.err == GK_ERR_BAD_REQUEST) {
        fprintf(stderr, "giteki import-cc: nothing imported: cannot read %s\n", path);
        rc = 1;
    } else {
        fprintf(stderr, "giteki import-cc: nothing imported: %s\n", gk_error_title(out.err, "en"));
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
