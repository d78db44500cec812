/* The plumbing the subcommands share: the configuration from the environment and --flags,
 * error lines, the message catalogues, the end of a run. */
#ifndef GK_CLI_SETUP_H
#define GK_CLI_SETUP_H

#include "config.h"

#include <jansson.h>
#include <stdbool.h>

/* "giteki CMD: what: detail" on standard error; frees c when not NULL. Returns 1. */
int gk_cli_fail(gk_config *c, const char *cmd, const char *what, const char *detail);

/* --help: the command's usage, then the settings' help, on standard output. */
void gk_cli_help(const char *usage);

/* argv[*i] is "--name=value" or "--name" followed by its value (then *i moves past it):
 * the name into name (cut to 63 bytes), the value into *value (NULL when there is none). */
void gk_cli_flag(int argc, char **argv, int *i, char name[64], const char **value);

typedef struct {
    const char *name;   /* "import-cc": the start of every error line */
    const char *usage;  /* printed by --help, and when FILE is missing */
    const char **path;  /* receives the one FILE argument; NULL: the command takes none */
    const char *option; /* a switch of the command's own ("--archived"), or NULL */
    bool *option_set;
} gk_cli_command;

/* Loads *c from the environment and the flags of argv (the words after the command's name),
 * checked for a command that needs the database. Returns -1 to go on, else the exit status
 * (--help: 0; an error, said on standard error: 1), *c then freed. */
int gk_cli_setup(gk_config *c, int argc, char **argv, const gk_cli_command *cmd);

/* The message catalogues of c's data folder into gk_app.messages (the commands word rejected
 * lines with them). False with *err (malloc'd or NULL) when they cannot be loaded. */
bool gk_cli_load_messages(const gk_config *c, char **err);

/* "line N: reason" on standard output for each {"line", "reason"} of a rejection list. */
void gk_cli_print_rejected(json_t *rejected);

/* The end of a run: the message catalogues, the database pool and *c freed. */
void gk_cli_finish(gk_config *c);

#endif
