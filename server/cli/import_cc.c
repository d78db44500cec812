/* giteki import-cc: the CC Portal CSV import from the command line, streaming the file
 * (bounded memory whatever its size) in the same single transaction as the API. */
#include "cli/cli.h"

#include "cli/setup.h"

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
    return gk_cli_fail(c, "import-cc", what, detail);
}

int gk_cli_import_cc(int argc, char **argv)
{
    const char *path = NULL;
    bool archived = false;
    gk_config c;
    gk_cli_command cmd = {"import-cc", usage, &path, "--archived", &archived};
    int setup = gk_cli_setup(&c, argc, argv, &cmd);
    if (setup >= 0) return setup;
    char *err = NULL;
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
    char *merr = NULL;
    if (!gk_cli_load_messages(&c, &merr)) {
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
    gk_cc_import_in in = {.status = archived ? "archived" : "active",
                          .source = &src,
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
        gk_cli_print_rejected(rejected);
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
    gk_cli_finish(&c);
    return rc;
}
