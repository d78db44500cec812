#include "cli/setup.h"

#include "app.h"
#include "db/db.h"
#include "render/i18n.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gk_cli_fail(gk_config *c, const char *cmd, const char *what, const char *detail)
{
    fprintf(stderr, "giteki %s: %s%s%s\n", cmd, what, detail ? ": " : "", detail ? detail : "");
    if (c) gk_config_free(c);
    return 1;
}

void gk_cli_help(const char *usage)
{
    fputs(usage, stdout);
    fputs("\n", stdout);
    fputs(gk_config_help, stdout);
}

void gk_cli_flag(int argc, char **argv, int *i, char name[64], const char **value)
{
    const char *a = argv[*i];
    const char *eq = strchr(a + 2, '=');
    *value = NULL;
    if (eq) {
        snprintf(name, 64, "%.*s", (int)(eq - a - 2), a + 2);
        *value = eq + 1;
    } else {
        snprintf(name, 64, "%s", a + 2);
        if (*i + 1 < argc) *value = argv[++*i];
    }
}

int gk_cli_setup(gk_config *c, int argc, char **argv, const gk_cli_command *cmd)
{
    char *err = NULL;
    if (gk_config_load_env(c, &err)) {
        int rc = gk_cli_fail(NULL, cmd->name, "bad setting", err);
        free(err);
        return rc;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            gk_cli_help(cmd->usage);
            gk_config_free(c);
            return 0;
        }
        if (cmd->option && !strcmp(a, cmd->option)) {
            *cmd->option_set = true;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (!cmd->path) return gk_cli_fail(c, cmd->name, "unexpected argument", a);
            if (*cmd->path) return gk_cli_fail(c, cmd->name, "more than one file given", a);
            *cmd->path = a;
            continue;
        }
        char name[64];
        const char *value;
        gk_cli_flag(argc, argv, &i, name, &value);
        int rc = gk_config_apply_flag(c, name, value, &err);
        if (rc) {
            int r =
                gk_cli_fail(c, cmd->name, rc > 0 ? "unknown flag" : "bad flag", rc > 0 ? a : err);
            free(err);
            return r;
        }
    }
    if (cmd->path && !*cmd->path) {
        fputs(cmd->usage, stderr);
        gk_config_free(c);
        return 1;
    }
    if (gk_config_finish(c, true, &err)) {
        int rc = gk_cli_fail(c, cmd->name, "bad setting", err);
        free(err);
        return rc;
    }
    return -1;
}

bool gk_cli_load_messages(const gk_config *c, char **err)
{
    *err = NULL;
    char *dir = gk_strfmt("%s/templates/messages", c->data_dir);
    gk_app.messages = dir ? gk_messages_load(dir, err) : NULL;
    free(dir);
    return gk_app.messages != NULL;
}

void gk_cli_print_rejected(json_t *rejected)
{
    size_t i;
    json_t *r;
    json_array_foreach(rejected, i, r)
    {
        printf("line %lld: %s\n", (long long)json_integer_value(json_object_get(r, "line")),
               json_string_value(json_object_get(r, "reason")));
    }
}

void gk_cli_finish(gk_config *c)
{
    gk_messages_free(gk_app.messages);
    gk_app.messages = NULL;
    gk_db_shutdown();
    gk_config_free(c);
}
