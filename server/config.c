#include "config.h"

#include "util/str.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char gk_config_help[] =
    "Settings (environment variable / flag):\n"
    "  GITEKI_DATABASE_URL      --database-url URL   libpq connection string (required)\n"
    "  GITEKI_READ_DATABASE_URL --read-database-url  optional read replica\n"
    "  GITEKI_LISTEN            --listen HOST:PORT   default 127.0.0.1:8080\n"
    "  GITEKI_THREADS           --threads N          worker threads, default 8\n"
    "  GITEKI_CONN_LIMIT        --conn-limit N       open connections, default 1024\n"
    "  GITEKI_CONN_TIMEOUT      --conn-timeout S     idle connection timeout, default 30\n"
    "  GITEKI_JSON_BODY_MAX     --json-body-max B    JSON/form body cap, default 1048576\n"
    "  GITEKI_UPLOAD_MAX        --upload-max B       document upload cap, default 20971520\n"
    "  GITEKI_SCRYPT_LOG2N      --scrypt-log2n N     scrypt cost 2^N, default 17 (min 10)\n"
    "  GITEKI_HASH_CONCURRENCY  --hash-concurrency N password hashes at once, default 2\n"
    "  GITEKI_SESSION_IDLE      --session-idle S     idle session expiry, default 7200\n"
    "  GITEKI_SESSION_ABSOLUTE  --session-absolute S absolute session expiry, default 43200\n"
    "  GITEKI_STAFF_SESSION_IDLE --staff-session-idle S staff idle expiry, default 1800\n"
    "  GITEKI_HASH_QUEUE        --hash-queue N       requests waiting for a hash (then 503), 2\n"
    "  GITEKI_SIGNUP_LIMIT      --signup-limit N     sign-ups per address per hour, default 10\n"
    "  GITEKI_SIGNIN_LIMIT      --signin-limit N     sign-ins per address per 15 min, default 100\n"
    "  GITEKI_TOKEN_MAX_DAYS    --token-max-days N   longest API token life, default 365\n"
    "  GITEKI_METRICS_ALLOW     --metrics-allow A,B  addresses that may read /metrics (default all)\n"
    "  GITEKI_DATA_DIR          --data-dir DIR       folder with schema/ templates/ static/\n"
    "  GITEKI_KEY_DIR           --key-dir DIR        signing keys, default var/keys\n"
    "  GITEKI_BODY_CODE         --body-code NNN      certification body code, default 001\n"
    "  GITEKI_TRUSTED_PROXY     --trusted-proxy IP   proxy whose X-Forwarded-* is trusted\n"
    "  GITEKI_PUBLIC_URL        --public-url URL     https://host the public reaches, for\n"
    "                                                absolute links (default http://LISTEN)\n"
    "  GITEKI_SECURE_COOKIES    --secure-cookies 0|1 mark cookies Secure (behind TLS)\n"
    "  GITEKI_MIGRATE_ON_START  --migrate-on-start 0|1 migrate when serve starts, default 1\n"
    "  GITEKI_MIGRATE_DATABASE_URL --migrate-database-url URL  the owner role's URL, for\n"
    "                                                migrations (serve then uses the app role)\n"
    "  GITEKI_UPLOADS_PER_ACCOUNT --uploads-per-account N concurrent uploads, default 4\n"
    "  GITEKI_UPLOAD_TIMEOUT    --upload-timeout S   idle seconds of an upload, default 15\n"
    "  GITEKI_UPLOAD_MIN_RATE   --upload-min-rate B  bytes/s an upload keeps up, default 1024\n"
    "  GITEKI_DB_DEDICATED      --db-dedicated N     upload/export connections, default 16\n"
    "  GITEKI_DB_READ_RESERVED  --db-read-reserved N of those only for reads, default 4\n"
    "  GITEKI_AUDIT_CHECKPOINT_INTERVAL --audit-checkpoint-interval S  signed audit\n"
    "                                                checkpoints, default 3600 (0: none)\n"
    "  GITEKI_ALLOW_ROOT        --allow-root 0|1     let serve run as root (tests only)\n"
    "  GITEKI_AGGREGATE         --aggregate SPEC     national aggregator of the bodies\n"
    "                                                CODE=BASE_URL=KEYID[,KEYID];... (unset: none)\n"
    "  GITEKI_AGGREGATE_INTERVAL --aggregate-interval S seconds between pulls of a body, 60\n"
    "  GITEKI_AGGREGATE_TIMEOUT --aggregate-timeout S longest request to a body, default 20\n"
    "  GITEKI_SMTP_URL          --smtp-url URL       smtp://host:port or smtps://host:port; unset:\n"
    "                                                mail stays queued in the outbox\n"
    "  GITEKI_SMTP_USER         --smtp-user NAME     SMTP authentication (optional)\n"
    "  GITEKI_SMTP_PASSWORD     --smtp-password PW   SMTP password\n"
    "  GITEKI_SMTP_STARTTLS     --smtp-starttls 0|1  require STARTTLS on smtp://, default 0\n"
    "  GITEKI_MAIL_FROM         --mail-from ADDR     sender address, default noreply@localhost\n"
    "  GITEKI_MAIL_POLL_MS      --mail-poll-ms MS    outbox poll interval, default 1000\n"
    "  GITEKI_MAIL_RETRY        --mail-retry S       first retry delay (doubles), default 30\n"
    "  GITEKI_MAIL_TRIES        --mail-tries N       tries before a mail fails, default 8\n"
    "  GITEKI_DIGEST_HOURS      --digest-hours N     hours between subscription digests, 24\n";

static int set_str(char **dst, const char *v)
{
    char *d = strdup(v);
    if (!d) return -1;
    free(*dst);
    *dst = d;
    return 0;
}

static int parse_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
    if (!v || !*v || *v == '-' || *v == '+') return -1;
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (errno || *end || x < min || x > max) return -1;
    *out = x;
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes")) return *out = true, 0;
    if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no")) return *out = false, 0;
    return -1;
}

static int parse_listen(gk_config *c, const char *v)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v) return -1;
    unsigned long port;
    if (parse_uint(colon + 1, 1, 65535, &port)) return -1;
    size_t hl = (size_t)(colon - v);
    if (v[0] == '[' && hl > 2 && v[hl - 1] == ']') v++, hl -= 2; /* [::1]:8080 */
    char *h = strndup(v, hl);
    if (!h) return -1;
    free(c->listen_host);
    c->listen_host = h;
    c->listen_port = (uint16_t)port;
    return 0;
}

/* One row per setting: its flag name, environment name and how to parse it. */
typedef enum { K_STR, K_LISTEN, K_UINT, K_SIZE, K_BOOL, K_BODY } kind;
typedef struct {
    const char *flag, *env;
    kind k;
    size_t off;
    unsigned long min, max;
    const char *expect;
} setting;

#define OFF(f) offsetof(gk_config, f)
static const setting settings[] = {
    {"database-url", "GITEKI_DATABASE_URL", K_STR, OFF(database_url), 0, 0, "a libpq URL"},
    {"read-database-url", "GITEKI_READ_DATABASE_URL", K_STR, OFF(read_database_url), 0, 0,
     "a libpq URL"},
    {"listen", "GITEKI_LISTEN", K_LISTEN, 0, 0, 0, "HOST:PORT with a port 1-65535"},
    {"threads", "GITEKI_THREADS", K_UINT, OFF(threads), 1, 64, "an integer 1-64"},
    {"conn-limit", "GITEKI_CONN_LIMIT", K_UINT, OFF(conn_limit), 8, 100000, "an integer 8-100000"},
    {"conn-timeout", "GITEKI_CONN_TIMEOUT", K_UINT, OFF(conn_timeout_s), 1, 3600, "seconds 1-3600"},
    {"json-body-max", "GITEKI_JSON_BODY_MAX", K_SIZE, OFF(json_body_max), 1024, 64UL << 20,
     "bytes 1024-67108864"},
    {"upload-max", "GITEKI_UPLOAD_MAX", K_SIZE, OFF(upload_max), 1024, 1UL << 31,
     "bytes 1024-2147483648"},
    {"scrypt-log2n", "GITEKI_SCRYPT_LOG2N", K_UINT, OFF(scrypt_log2n), 10, 20,
     "an integer 10-20 (r=8: at most 1 GiB per hash)"},
    {"hash-concurrency", "GITEKI_HASH_CONCURRENCY", K_UINT, OFF(hash_concurrency), 1, 64,
     "an integer 1-64"},
    {"session-idle", "GITEKI_SESSION_IDLE", K_UINT, OFF(session_idle_s), 60, 86400 * 30,
     "seconds 60-2592000"},
    {"session-absolute", "GITEKI_SESSION_ABSOLUTE", K_UINT, OFF(session_absolute_s), 60, 86400 * 90,
     "seconds 60-7776000"},
    {"staff-session-idle", "GITEKI_STAFF_SESSION_IDLE", K_UINT, OFF(staff_session_idle_s), 60,
     86400 * 30, "seconds 60-2592000"},
    {"hash-queue", "GITEKI_HASH_QUEUE", K_UINT, OFF(hash_queue), 1, 1024, "an integer 1-1024"},
    {"signup-limit", "GITEKI_SIGNUP_LIMIT", K_UINT, OFF(signup_limit), 1, 1000000,
     "an integer 1-1000000"},
    {"signin-limit", "GITEKI_SIGNIN_LIMIT", K_UINT, OFF(signin_limit), 1, 1000000,
     "an integer 1-1000000"},
    {"token-max-days", "GITEKI_TOKEN_MAX_DAYS", K_UINT, OFF(token_max_days), 1, 3660,
     "days 1-3660"},
    {"metrics-allow", "GITEKI_METRICS_ALLOW", K_STR, OFF(metrics_allow), 0, 0,
     "addresses separated by commas, e.g. 127.0.0.1,::1"},
    {"data-dir", "GITEKI_DATA_DIR", K_STR, OFF(data_dir), 0, 0, "a folder"},
    {"key-dir", "GITEKI_KEY_DIR", K_STR, OFF(key_dir), 0, 0, "a folder"},
    {"body-code", "GITEKI_BODY_CODE", K_BODY, OFF(body_code), 0, 0, "three digits, e.g. 001"},
    {"trusted-proxy", "GITEKI_TRUSTED_PROXY", K_STR, OFF(trusted_proxy), 0, 0, "an address"},
    {"public-url", "GITEKI_PUBLIC_URL", K_STR, OFF(public_url), 0, 0,
     "http:// or https:// and a host, e.g. https://giteki.example.jp"},
    {"secure-cookies", "GITEKI_SECURE_COOKIES", K_BOOL, OFF(secure_cookies), 0, 0, "0 or 1"},
    {"migrate-on-start", "GITEKI_MIGRATE_ON_START", K_BOOL, OFF(migrate_on_start), 0, 0, "0 or 1"},
    /* issue 18 items 6 and 15 */
    {"migrate-database-url", "GITEKI_MIGRATE_DATABASE_URL", K_STR, OFF(migrate_database_url), 0, 0,
     "a libpq URL"},
    {"uploads-per-account", "GITEKI_UPLOADS_PER_ACCOUNT", K_UINT, OFF(uploads_per_account), 1, 1000,
     "an integer 1-1000"},
    {"upload-timeout", "GITEKI_UPLOAD_TIMEOUT", K_UINT, OFF(upload_timeout_s), 1, 3600,
     "seconds 1-3600"},
    {"upload-min-rate", "GITEKI_UPLOAD_MIN_RATE", K_UINT, OFF(upload_min_rate), 0, 1U << 30,
     "bytes per second 0-1073741824"},
    {"db-dedicated", "GITEKI_DB_DEDICATED", K_UINT, OFF(db_dedicated), 2, 1000,
     "an integer 2-1000"},
    {"db-read-reserved", "GITEKI_DB_READ_RESERVED", K_UINT, OFF(db_read_reserved), 1, 999,
     "an integer 1-999, less than GITEKI_DB_DEDICATED"},
    {"audit-checkpoint-interval", "GITEKI_AUDIT_CHECKPOINT_INTERVAL", K_UINT,
     OFF(audit_checkpoint_s), 0, 86400 * 7, "seconds 0-604800 (0: no periodic checkpoint)"},
    {"allow-root", "GITEKI_ALLOW_ROOT", K_BOOL, OFF(allow_root), 0, 0, "0 or 1"},
    {"aggregate", "GITEKI_AGGREGATE", K_STR, OFF(aggregate), 0, 0,
     "CODE=BASE_URL=KEYID[,KEYID];... e.g. 002=https://giteki.body2.example=0123456789abcdef"},
    {"aggregate-interval", "GITEKI_AGGREGATE_INTERVAL", K_UINT, OFF(aggregate_interval_s), 1, 86400,
     "seconds 1-86400"},
    {"aggregate-timeout", "GITEKI_AGGREGATE_TIMEOUT", K_UINT, OFF(aggregate_timeout_s), 1, 600,
     "seconds 1-600"},
    {"smtp-url", "GITEKI_SMTP_URL", K_STR, OFF(smtp_url), 0, 0,
     "smtp://host:port or smtps://host:port"},
    {"smtp-user", "GITEKI_SMTP_USER", K_STR, OFF(smtp_user), 0, 0, "a user name"},
    {"smtp-password", "GITEKI_SMTP_PASSWORD", K_STR, OFF(smtp_password), 0, 0, "a password"},
    {"smtp-starttls", "GITEKI_SMTP_STARTTLS", K_BOOL, OFF(smtp_starttls), 0, 0, "0 or 1"},
    {"mail-from", "GITEKI_MAIL_FROM", K_STR, OFF(mail_from), 0, 0, "an e-mail address"},
    {"mail-poll-ms", "GITEKI_MAIL_POLL_MS", K_UINT, OFF(mail_poll_ms), 10, 600000,
     "milliseconds 10-600000"},
    {"mail-retry", "GITEKI_MAIL_RETRY", K_UINT, OFF(mail_retry_s), 1, 86400, "seconds 1-86400"},
    {"mail-tries", "GITEKI_MAIL_TRIES", K_UINT, OFF(mail_tries), 1, 30, "an integer 1-30"},
    {"digest-hours", "GITEKI_DIGEST_HOURS", K_UINT, OFF(digest_hours), 1, 24 * 31, "hours 1-744"},
};

static int apply(gk_config *c, const setting *s, const char *origin, const char *v, char **err)
{
    char *base = (char *)c + s->off;
    unsigned long u;
    int bad = 0;
    switch (s->k) {
    case K_STR:
        bad = !*v || set_str((char **)base, v);
        break;
    case K_LISTEN:
        bad = parse_listen(c, v);
        break;
    case K_UINT:
        bad = parse_uint(v, s->min, s->max, &u);
        if (!bad) *(unsigned *)base = (unsigned)u;
        break;
    case K_SIZE:
        bad = parse_uint(v, s->min, s->max, &u);
        if (!bad) *(size_t *)base = u;
        break;
    case K_BOOL:
        bad = parse_bool(v, (bool *)base);
        break;
    case K_BODY:
        bad = strlen(v) != 3 || strspn(v, "0123456789") != 3 || set_str((char **)base, v);
        break;
    }
    if (bad) {
        *err = gk_strfmt("%s: \"%s\" is not valid; expected %s", origin, v, s->expect);
        return -1;
    }
    return 0;
}

int gk_config_load_env(gk_config *c, char **err)
{
    memset(c, 0, sizeof *c);
    c->threads =
        8; /* measured: 4 blocks on PostgreSQL round trips (p99 74 ms vs 16 ms, scripts/bench) */
    c->conn_limit = 1024;
    c->conn_timeout_s = 30;
    c->json_body_max = 1 << 20;
    c->upload_max = 20 << 20;
    c->scrypt_log2n = 17;
    c->scrypt_r = 8;
    c->scrypt_p = 1;
    c->hash_concurrency = 2;
    c->session_idle_s = 2 * 3600;
    c->session_absolute_s = 12 * 3600;
    c->staff_session_idle_s = 30 * 60;
    c->hash_queue = 2;
    c->signup_limit = 10;
    c->signin_limit = 100;
    c->token_max_days = 365;
    c->migrate_on_start = true;
    c->uploads_per_account = 4;
    c->upload_timeout_s = 15;
    c->upload_min_rate = 1024;
    c->db_dedicated = 16;
    c->db_read_reserved = 4;
    c->audit_checkpoint_s = 3600;
    c->aggregate_interval_s = 60;
    c->aggregate_timeout_s = 20;
    c->mail_poll_ms = 1000;
    c->mail_retry_s = 30;
    c->mail_tries = 8;
    c->digest_hours = 24;
    if (parse_listen(c, "127.0.0.1:8080") || set_str(&c->body_code, "001") ||
        set_str(&c->key_dir, "var/keys") || set_str(&c->mail_from, "noreply@localhost")) {
        *err = gk_strfmt("out of memory");
        return -1;
    }
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
        const char *v = getenv(settings[i].env);
        if (v && apply(c, &settings[i], settings[i].env, v, err)) return -1;
    }
    return 0;
}

int gk_config_apply_flag(gk_config *c, const char *name, const char *value, char **err)
{
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
        if (strcmp(settings[i].flag, name) == 0) {
            char origin[64];
            snprintf(origin, sizeof origin, "--%s", name);
            if (!value) {
                *err = gk_strfmt("%s needs a value (%s)", origin, settings[i].expect);
                return -1;
            }
            return apply(c, &settings[i], origin, value, err);
        }
    }
    return 1;
}

static bool has_dirs(const char *root)
{
    static const char *need[] = {"schema", "templates", "static"};
    char p[PATH_MAX];
    struct stat st;
    for (size_t i = 0; i < 3; i++) {
        if (snprintf(p, sizeof p, "%s/%s", root, need[i]) >= (int)sizeof p) return false;
        if (stat(p, &st) || !S_ISDIR(st.st_mode)) return false;
    }
    return true;
}

/* The data folder, when not configured: next to the binary (<prefix>/bin/../share/giteki),
 * the install prefix, then the source tree the binary was built from. */
static int find_data_dir(gk_config *c)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            char cand[PATH_MAX];
            if (snprintf(cand, sizeof cand, "%s/../share/giteki", exe) < (int)sizeof cand &&
                has_dirs(cand))
                return set_str(&c->data_dir, cand);
        }
    }
    if (has_dirs(GITEKI_DATA_DIR)) return set_str(&c->data_dir, GITEKI_DATA_DIR);
    if (has_dirs(GITEKI_SOURCE_DIR)) return set_str(&c->data_dir, GITEKI_SOURCE_DIR);
    return -1;
}

int gk_config_finish(gk_config *c, bool need_db, char **err)
{
    if (need_db && !c->database_url) {
        *err = gk_strfmt("GITEKI_DATABASE_URL is not set; give a libpq connection string, e.g. "
                         "postgresql:///giteki?host=/path/to/socket (or --database-url)");
        return -1;
    }
    if (c->db_read_reserved >= c->db_dedicated) {
        *err = gk_strfmt("GITEKI_DB_READ_RESERVED (%u) must be less than GITEKI_DB_DEDICATED (%u)",
                         c->db_read_reserved, c->db_dedicated);
        return -1;
    }
    if (c->public_url) {
        /* scheme and host only: no quote, space or angle bracket can reach an attribute */
        size_t n = strlen(c->public_url);
        while (n > 0 && c->public_url[n - 1] == '/')
            c->public_url[--n] = 0;
        const char *host = !strncmp(c->public_url, "https://", 8)  ? c->public_url + 8
                           : !strncmp(c->public_url, "http://", 7) ? c->public_url + 7
                                                                   : NULL;
        if (!host || !*host || strcspn(c->public_url, " \"'<>\\?#") != n) {
            *err = gk_strfmt("GITEKI_PUBLIC_URL: \"%s\" is not http:// or https:// and a host",
                             c->public_url);
            return -1;
        }
    } else {
        char url[300];
        bool v6 = c->listen_host && strchr(c->listen_host, ':');
        snprintf(url, sizeof url, v6 ? "http://[%s]:%u" : "http://%s:%u",
                 c->listen_host ? c->listen_host : "127.0.0.1", (unsigned)c->listen_port);
        if (set_str(&c->public_url, url)) {
            *err = gk_strfmt("out of memory");
            return -1;
        }
    }
    if (c->data_dir) {
        if (!has_dirs(c->data_dir)) {
            *err =
                gk_strfmt("GITEKI_DATA_DIR: \"%s\" does not hold schema/, templates/ and static/",
                          c->data_dir);
            return -1;
        }
    } else if (find_data_dir(c)) {
        *err = gk_strfmt("cannot find the data folder (schema/, templates/, static/); set "
                         "GITEKI_DATA_DIR");
        return -1;
    }
    return 0;
}

void gk_config_free(gk_config *c)
{
    free(c->database_url);
    free(c->read_database_url);
    free(c->listen_host);
    free(c->data_dir);
    free(c->key_dir);
    free(c->body_code);
    free(c->trusted_proxy);
    free(c->public_url);
    free(c->metrics_allow);
    free(c->migrate_database_url);
    free(c->aggregate);
    free(c->smtp_url);
    free(c->smtp_user);
    free(c->smtp_password);
    free(c->mail_from);
    memset(c, 0, sizeof *c);
}
