/* giteki: one binary, several subcommands. Everything here is start-up and shutdown; the
 * work is in the modules. */
#include "http/handlers.h"
#include "app.h"
#include "cli/cli.h"
#include "cli/setup.h"
#include "config.h"
#include "crypto/password.h"
#include "crypto/sign.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/tx.h"
#include "db/users.h"
#include "http/server.h"
#include "log.h"
#include "service/audit_checkpoints.h"
#include "national/puller.h"
#include "db/mail.h"
#include "mail/worker.h"
#include "render/i18n.h"
#include "render/template.h"
#include "web/page.h"
#include "web/static_files.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "Usage: giteki COMMAND [FLAGS]\n"
    "\n"
    "Commands:\n"
    "  serve                 run the HTTP server (migrates first unless told not to)\n"
    "  migrate               apply the schema migrations and exit\n"
    "  user create           create a user (the first admin, staff accounts)\n"
    "  import-cc FILE        import the CC Portal's certified-products CSV (--archived)\n"
    "  import-certificates   register pre-existing certificates from a CSV\n"
    "  audit verify          check the audit log's hash chain and its signed checkpoints\n"
    "  audit checkpoint      sign the audit chain's head now\n"
    "  version               print the version\n"
    "\n"
    "Run 'giteki COMMAND --help' for a command's flags.\n";

static const char user_usage[] =
    "Usage: giteki user create --email E --name N --role R [--password P]\n"
    "                          [--organization-id ID] [--lead]\n"
    "\n"
    "  --role             manufacturer, examiner, regulator or admin\n"
    "  --lead             a lead examiner: may work on cases not assigned to them (examiners)\n"
    "  --password         at least 12 characters; read from standard input when omitted\n"
    "  --organization-id  required for manufacturers (the organisation's id)\n"
    "Exit status: 0 created, 1 error, 3 a user with that e-mail address already exists.\n";

static void die(const char *what, char *msg)
{
    fprintf(stderr, "giteki: %s%s%s\n", what, msg ? ": " : "", msg ? msg : "");
    free(msg);
    exit(1);
}

/* Parse --flag value pairs shared by every command into the configuration; flags the
 * command itself knows are returned through `extra` (name, value pairs). */
typedef struct {
    const char *name;
    const char **value;
} extra_flag;

static void parse_flags(int argc, char **argv, gk_config *c, extra_flag *extra, const char *help)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            gk_cli_help(help);
            exit(0);
        }
        if (strncmp(a, "--", 2) != 0) die("unexpected argument", strdup(a));
        char name[64];
        const char *value;
        gk_cli_flag(argc, argv, &i, name, &value);
        bool used = false;
        for (extra_flag *e = extra; e && e->name; e++) {
            if (!strcmp(e->name, name)) {
                if (!value) die("missing value for", strdup(a));
                *e->value = value;
                used = true;
            }
        }
        if (used) continue;
        char *err = NULL;
        int rc = gk_config_apply_flag(c, name, value, &err);
        if (rc < 0) die("bad flag", err);
        if (rc > 0) die("unknown flag", strdup(a));
    }
}

static void load_config(gk_config *c, int argc, char **argv, extra_flag *extra, const char *help,
                        bool need_db)
{
    char *err = NULL;
    if (gk_config_load_env(c, &err)) die("bad setting", err);
    parse_flags(argc, argv, c, extra, help);
    if (gk_config_finish(c, need_db, &err)) die("bad setting", err);
    gk_password_config pc = {.n = UINT64_C(1) << c->scrypt_log2n,
                             .r = c->scrypt_r,
                             .p = c->scrypt_p,
                             .max_concurrent = c->hash_concurrency,
                             .max_waiting = c->hash_queue};
    const char *perr = gk_password_config_check(&pc);
    if (perr) die("bad scrypt setting", strdup(perr));
    if (!gk_password_init(&pc)) die("cannot initialise password hashing", NULL);
}

static char *path_join(const char *a, const char *b)
{
    char *s = NULL;
    if (asprintf(&s, "%s/%s", a, b) < 0) die("out of memory", NULL);
    return s;
}

/* Migrations run as the owner role (GITEKI_MIGRATE_DATABASE_URL) when one is given, so the
 * role serve connects as needs no DDL and cannot switch the append-only triggers off
 * (issue 18 item 15). With one URL we behave as before, and say so. */
static void run_migrations(const gk_config *c)
{
    char *dir = path_join(c->data_dir, "schema");
    char *err = NULL;
    if (!c->migrate_database_url)
        gk_log("warn",
               "one database URL: migrating as the role serve connects as; give the owner "
               "role's URL in GITEKI_MIGRATE_DATABASE_URL and the application role's in "
               "GITEKI_DATABASE_URL (docs/operations.md)",
               NULL);
    int n =
        gk_migrate(c->migrate_database_url ? c->migrate_database_url : c->database_url, dir, &err);
    free(dir);
    if (n < 0) die("migration failed", err);
    gk_log("info", "migrations", json_pack("{s:i}", "applied", n));
}

static void register_statements(void)
{
    gk_health_register();
    gk_users_register();
    /* rules */
    gk_determinations_register();
    /* cc registry */
    gk_cc_certificates_register();
    gk_accounts_api_register(); /* accounts */
    /* registry */
    gk_registry_register();
    /* applications */
    gk_applications_register();
    /* examination */
    gk_examination_register();
    /* certificates */
    gk_certificates_register();
    /* audit checkpoints */
    gk_audit_checkpoints_register();
    /* national view */
    gk_national_register();
    /* surveillance */
    gk_surveillance_register();
    /* the living record: holders, changes, reports (issue 16) */
    gk_living_register();
    gk_mail_db_register(); /* mail: outbox, e-mail tokens (issue 19) */
}

/* The periodic signed audit checkpoint (issue 18 item 15): one thread signs the chain head
 * at start and every GITEKI_AUDIT_CHECKPOINT_INTERVAL seconds when it moved, on a database
 * connection of its own (the pool's thread-local one). */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t stop_cond;
    bool stop, running;
    pthread_t thread;
} ckpt = {.lock = PTHREAD_MUTEX_INITIALIZER, .stop_cond = PTHREAD_COND_INITIALIZER};

static void *checkpoint_main(void *arg)
{
    unsigned interval = *(const unsigned *)arg;
    pthread_mutex_lock(&ckpt.lock);
    while (!ckpt.stop) {
        pthread_mutex_unlock(&ckpt.lock);
        json_t *made = NULL;
        if (!gk_svc_audit_checkpoint_make(gk_db_conn(), gk_app.keystore, &made))
            gk_log("warn", "audit checkpoint not made (database or key unavailable)", NULL);
        else if (made)
            gk_log("info", "audit checkpoint signed",
                   json_pack("{s:O, s:O}", "seq", json_object_get(made, "seq"), "key_id",
                             json_object_get(made, "key_id")));
        json_decref(made);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += interval;
        pthread_mutex_lock(&ckpt.lock);
        while (!ckpt.stop && pthread_cond_timedwait(&ckpt.stop_cond, &ckpt.lock, &until) == 0) {
        }
    }
    pthread_mutex_unlock(&ckpt.lock);
    return NULL;
}

static void checkpoints_start(const unsigned *interval)
{
    if (*interval == 0) return;
    ckpt.running = pthread_create(&ckpt.thread, NULL, checkpoint_main, (void *)interval) == 0;
}

static void checkpoints_stop(void)
{
    if (!ckpt.running) return;
    pthread_mutex_lock(&ckpt.lock);
    ckpt.stop = true;
    pthread_cond_broadcast(&ckpt.stop_cond);
    pthread_mutex_unlock(&ckpt.lock);
    pthread_join(ckpt.thread, NULL);
    ckpt.running = false;
}

static int cmd_migrate(int argc, char **argv)
{
    gk_config c;
    load_config(&c, argc, argv, NULL, "Usage: giteki migrate [FLAGS]\n", true);
    run_migrations(&c);
    gk_config_free(&c);
    return 0;
}

/* glibc's allocator, set for a long-running server of many threads (issue 21: RSS < 64 MiB
 * at 64 connections). Unless the operator set MALLOC_ARENA_MAX or GLIBC_TUNABLES:
 *  - at most 4 arenas instead of 8 per CPU: each worker thread otherwise gets its own, and
 *    every arena keeps its own free memory and fragmentation;
 *  - a fixed mmap threshold of 256 KiB: blocks larger than that (the PDF renderer's copy of
 *    the CJK font's CFF table, about 16 MB; scrypt's 128 MiB; upload and export buffers) are
 *    mapped and given back to the system when freed. glibc would otherwise raise the
 *    threshold to the size of the largest block freed so far (up to 32 MiB), after which
 *    such blocks come from an arena's heap and stay there;
 *  - freed memory at the top of a heap given back above 512 KiB instead of the raised
 *    threshold that follows the same rule. */
static void memory_settings(void)
{
    if (getenv("MALLOC_ARENA_MAX") || getenv("GLIBC_TUNABLES")) return;
    mallopt(M_ARENA_MAX, 4);
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024);
}

static int cmd_serve(int argc, char **argv)
{
    memory_settings();
    load_config(&gk_app.config, argc, argv, NULL, "Usage: giteki serve [FLAGS]\n", true);
    gk_config *c = &gk_app.config;
    char *err = NULL;

    /* Not as root (issue 18 item 15): a flaw in a request handler would own the machine. */
    if (geteuid() == 0) {
        if (!c->allow_root) {
            fputs("giteki: serve refuses to run as root; run it as an unprivileged user "
                  "(GITEKI_ALLOW_ROOT=1 overrides, for throwaway test machines only)\n",
                  stderr);
            return 1;
        }
        gk_log("warn", "running as root because GITEKI_ALLOW_ROOT=1: for tests only", NULL);
    }

    /* Templates and messages are checked before anything listens: a broken template stops
     * the start, not a request. */
    char *dir = path_join(c->data_dir, "templates");
    gk_app.templates = gk_templates_load(dir, &err);
    if (!gk_app.templates) die("templates", err);
    char *mdir = path_join(dir, "messages");
    gk_app.messages = gk_messages_load(mdir, &err);
    free(mdir);
    free(dir);
    if (!gk_app.messages) die("message catalogues", err);
    if (gk_templates_check_messages(gk_app.templates, gk_app.messages, &err)) die("templates", err);
    dir = path_join(c->data_dir, "static");
    gk_app.static_files = gk_static_load(dir, &err);
    free(dir);
    if (!gk_app.static_files) die("static files", err);

    gk_app.keystore = gk_keystore_open(c->key_dir, &err);
    if (!gk_app.keystore) die("signing keys", err);

    if (c->migrate_on_start) run_migrations(c);
    register_statements();
    if (gk_db_init(c->database_url, c->read_database_url)) die("out of memory", NULL);
    gk_db_set_max_dedicated(c->db_dedicated);
    gk_db_set_read_reserved(c->db_read_reserved);

    /* Signals are taken by this thread with sigwait; the worker threads inherit the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    gk_pages_init();
    gk_server *s = gk_server_start(c, &err);
    if (!s) die("cannot start", err);
    checkpoints_start(&c->audit_checkpoint_s);
    if (c->aggregate) {
        gk_national_config *nc = NULL;
        if (gk_national_config_parse(c->aggregate, &nc, &err) < 0) die("GITEKI_AGGREGATE", err);
        if (!gk_national_start(nc, c->aggregate_interval_s, c->aggregate_timeout_s, &err))
            die("national aggregator", err);
    }
    if (gk_mail_worker_start()) die("cannot start the mail worker", NULL);
    gk_log("info", "listening",
           json_pack("{s:s, s:i, s:i, s:s, s:s}", "host", c->listen_host, "port",
                     (int)c->listen_port, "threads", (int)c->threads, "data_dir", c->data_dir,
                     "version", GITEKI_VERSION));
    int sig = 0;
    sigwait(&set, &sig);
    gk_log("info", "stopping", json_pack("{s:s}", "signal", sig == SIGINT ? "INT" : "TERM"));
    gk_server_stop(s, 30);
    checkpoints_stop();
    gk_national_stop();
    gk_mail_worker_stop();
    gk_db_shutdown();
    gk_templates_free(gk_app.templates);
    gk_messages_free(gk_app.messages);
    gk_static_free(gk_app.static_files);
    gk_keystore_close(gk_app.keystore);
    gk_config_free(c);
    gk_log("info", "stopped", NULL);
    return 0;
}

static char *read_password_stdin(void)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fputs("Password: ", stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputs("\n", stderr);
    }
    if (n <= 0) {
        free(line);
        return NULL;
    }
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = 0;
    return line;
}

/* The user and, for a lead examiner, the flag: one transaction, so a failure leaves neither. */
typedef struct {
    const char *email, *name, *role, *org, *hash;
    bool lead;
    gk_error e;
    char *id;
    const char *field;
} user_create_tx;

static gk_tx_status user_create_fn(PGconn *c, void *ctx)
{
    user_create_tx *x = ctx;
    free(x->id);
    x->id = NULL;
    x->e = gk_users_insert(c, x->email, x->name, x->role, x->org, x->hash, &x->id, &x->field);
    if (x->e == GK_ERR_OK && x->lead) x->e = gk_users_set_lead_examiner(c, x->id, true);
    if (x->e == GK_ERR_OK) return GK_TX_OK;
    return x->e == GK_ERR_UNAVAILABLE ? GK_TX_UNAVAILABLE : GK_TX_ABORT;
}

static int cmd_user(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "create") != 0) {
        fputs(user_usage, argc >= 1 && !strcmp(argv[0], "--help") ? stdout : stderr);
        return argc >= 1 && !strcmp(argv[0], "--help") ? 0 : 1;
    }
    const char *email = NULL, *name = NULL, *role = NULL, *password = NULL, *org = NULL;
    /* --lead takes no value: taken out before the flags with values are read. */
    bool lead = false;
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--lead"))
            lead = true;
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    extra_flag extra[] = {{"email", &email},       {"name", &name},           {"role", &role},
                          {"password", &password}, {"organization-id", &org}, {NULL, NULL}};
    gk_config c;
    load_config(&c, argc - 1, argv + 1, extra, user_usage, true);
    if (!email || !name || !role) die("user create needs --email, --name and --role", NULL);
    static const char *roles[] = {"manufacturer", "examiner", "regulator", "admin"};
    bool role_ok = false;
    for (size_t i = 0; i < 4; i++)
        role_ok |= !strcmp(role, roles[i]);
    if (!role_ok) die("--role must be manufacturer, examiner, regulator or admin", strdup(role));
    if (lead && strcmp(role, "examiner")) die("--lead is only for examiners", NULL);
    if (!strcmp(role, "manufacturer") != !!org)
        die(org ? "--organization-id is only for manufacturers"
                : "a manufacturer needs --organization-id",
            NULL);
    char *pw_read = password ? NULL : read_password_stdin();
    if (!password) password = pw_read;
    if (!password) die("no password given (use --password or standard input)", NULL);
    const char *policy = gk_password_policy_check(password);
    if (policy)
        die("password refused",
            strdup(!strcmp(policy, "password.too_short") ? "it must have at least 12 characters"
                                                         : policy));
    char *hash = NULL;
    if (!gk_password_hash(password, &hash)) die("cannot hash the password", NULL);
    free(pw_read);

    register_statements();
    if (gk_db_init(c.database_url, NULL)) die("out of memory", NULL);
    PGconn *conn = gk_db_conn();
    if (!conn) die("cannot connect to the database", NULL);
    user_create_tx x = {.email = email,
                        .name = name,
                        .role = role,
                        .org = org,
                        .hash = hash,
                        .lead = lead,
                        .e = GK_ERR_INTERNAL};
    gk_tx_status ts = gk_tx_run(GK_TX_READ_COMMITTED, user_create_fn, &x);
    gk_error e = ts == GK_TX_OK || ts == GK_TX_ABORT ? x.e : GK_ERR_UNAVAILABLE;
    char *id = x.id;
    const char *field = x.field;
    free(hash);
    int rc = 0;
    if (e == GK_ERR_OK) {
        printf("%s\n", id);
    } else if (e == GK_ERR_ALREADY_EXISTS) {
        fprintf(stderr, "giteki: a user with e-mail address %s already exists\n", email);
        rc = 3;
    } else {
        fprintf(stderr, "giteki: user not created: %s%s%s\n", gk_error_title(e, "en"),
                field ? " — check " : "", field ? field : "");
        rc = 1;
    }
    free(id);
    gk_db_shutdown();
    gk_config_free(&c);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "serve")) return cmd_serve(argc - 2, argv + 2);
    if (!strcmp(cmd, "migrate")) return cmd_migrate(argc - 2, argv + 2);
    if (!strcmp(cmd, "user")) return cmd_user(argc - 2, argv + 2);
    /* more commands (each in server/cli/<name>.c, declared in cli/cli.h) */
    if (!strcmp(cmd, "import-cc")) return gk_cli_import_cc(argc - 2, argv + 2);
    if (!strcmp(cmd, "import-certificates")) return gk_cli_import_certificates(argc - 2, argv + 2);
    if (!strcmp(cmd, "audit")) return gk_cli_audit_main(argc - 2, argv + 2);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("giteki %s\n", GITEKI_VERSION);
        return 0;
    }
    fprintf(stderr, "giteki: unknown command '%s'\n\n%s", cmd, usage);
    return 1;
}
