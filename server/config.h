/* Every setting of the server, read from GITEKI_* environment variables and then overridden by
 * command-line flags, validated in one place. A bad value is reported with the variable or
 * flag name and what is expected; nothing else in the code reads the environment. */
#ifndef GK_CONFIG_H
#define GK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *database_url;      /* GITEKI_DATABASE_URL --database-url (libpq conninfo/URI) */
    char *read_database_url; /* GITEKI_READ_DATABASE_URL (optional replica) */
    char *listen_host;       /* GITEKI_LISTEN --listen host:port, default 127.0.0.1:8080 */
    uint16_t listen_port;
    unsigned threads;        /* GITEKI_THREADS --threads, worker threads (1..64), default 4 */
    unsigned conn_limit;     /* GITEKI_CONN_LIMIT, default 1024 */
    unsigned conn_timeout_s; /* GITEKI_CONN_TIMEOUT, idle connection timeout, default 30 */
    size_t json_body_max;    /* GITEKI_JSON_BODY_MAX bytes, default 1 MiB */
    size_t upload_max;       /* GITEKI_UPLOAD_MAX bytes, default 20 MiB */
    unsigned scrypt_log2n;   /* GITEKI_SCRYPT_LOG2N, default 17 (N = 2^17) */
    unsigned scrypt_r, scrypt_p;
    unsigned hash_concurrency;     /* GITEKI_HASH_CONCURRENCY, default 2 */
    unsigned session_idle_s;       /* GITEKI_SESSION_IDLE, default 2 h */
    unsigned session_absolute_s;   /* GITEKI_SESSION_ABSOLUTE, default 12 h */
    unsigned staff_session_idle_s; /* GITEKI_STAFF_SESSION_IDLE, default 30 min (staff roles) */
    unsigned hash_queue;           /* GITEKI_HASH_QUEUE: requests waiting for a hash, default 2 */
    unsigned signup_limit;         /* GITEKI_SIGNUP_LIMIT: sign-ups per address per hour, 10 */
    unsigned signin_limit;         /* GITEKI_SIGNIN_LIMIT: sign-ins per address per 15 min, 100 */
    unsigned token_max_days;       /* GITEKI_TOKEN_MAX_DAYS: longest API token life, 365 */
    char *metrics_allow;   /* GITEKI_METRICS_ALLOW: addresses that may read /metrics, or NULL */
    char *data_dir;        /* GITEKI_DATA_DIR: folder holding schema/ templates/ static/ */
    char *key_dir;         /* GITEKI_KEY_DIR: Ed25519 signing keys, default var/keys */
    char *body_code;       /* GITEKI_BODY_CODE: the certification body's 3 digits, "001" */
    char *trusted_proxy;   /* GITEKI_TRUSTED_PROXY: address whose X-Forwarded-* we believe */
    char *public_url;      /* GITEKI_PUBLIC_URL: scheme://host[:port] people reach us at, no
                              * trailing slash (absolute links in the Atom feed); default
                              * http://<listen address> */
    bool secure_cookies;   /* GITEKI_SECURE_COOKIES: 1 when served over TLS by the proxy */
    bool migrate_on_start; /* GITEKI_MIGRATE_ON_START, default 1 */
    /* issue 18 items 6 and 15 (deployment hardening) */
    char *migrate_database_url;   /* GITEKI_MIGRATE_DATABASE_URL: the owner role's URL, for
                                 * migrations; NULL: migrate with GITEKI_DATABASE_URL */
    unsigned uploads_per_account; /* GITEKI_UPLOADS_PER_ACCOUNT: concurrent uploads, default 4 */
    unsigned upload_timeout_s;    /* GITEKI_UPLOAD_TIMEOUT: idle seconds of an upload, 15 */
    unsigned upload_min_rate;     /* GITEKI_UPLOAD_MIN_RATE: bytes/s after 10 s, default 1024 */
    unsigned db_dedicated;        /* GITEKI_DB_DEDICATED: dedicated connections, default 16 */
    unsigned db_read_reserved;    /* GITEKI_DB_READ_RESERVED: of those, kept for reads, 4 */
    unsigned audit_checkpoint_s;  /* GITEKI_AUDIT_CHECKPOINT_INTERVAL: seconds, default 3600 */
    bool allow_root;              /* GITEKI_ALLOW_ROOT: serve may run as root (tests only) */
    char *aggregate; /* GITEKI_AGGREGATE: "CODE=URL=KEYID[,KEYID];...": run as the national
                              * aggregator of these bodies (server/national/puller.h), or NULL */
    unsigned aggregate_interval_s; /* GITEKI_AGGREGATE_INTERVAL: seconds between pulls, 60 */
    unsigned aggregate_timeout_s;  /* GITEKI_AGGREGATE_TIMEOUT: longest request to a body, 20 */
    /* Mail (issue 19): without smtp_url mail stays queued in the outbox. */
    char *smtp_url;        /* GITEKI_SMTP_URL: smtp://host:port, smtps://host:port */
    char *smtp_user;       /* GITEKI_SMTP_USER (authentication, optional) */
    char *smtp_password;   /* GITEKI_SMTP_PASSWORD */
    bool smtp_starttls;    /* GITEKI_SMTP_STARTTLS: require STARTTLS on smtp://, default 0 */
    char *mail_from;       /* GITEKI_MAIL_FROM: the sender address, default noreply@localhost */
    unsigned mail_poll_ms; /* GITEKI_MAIL_POLL_MS: how often the worker looks, default 1000 */
    unsigned mail_retry_s; /* GITEKI_MAIL_RETRY: first back-off in seconds, default 30 */
    unsigned mail_tries;   /* GITEKI_MAIL_TRIES: tries before a mail is failed, default 8 */
    unsigned digest_hours; /* GITEKI_DIGEST_HOURS: hours between subscription digests, 24 */
} gk_config;

/* Fill *c with defaults, then the environment. Returns 0, or -1 with a malloc'd message in
 * *err naming the variable. Free with gk_config_free. */
int gk_config_load_env(gk_config *c, char **err);

/* Apply one flag (name without dashes, e.g. "listen") with its value; same validation.
 * Returns 0, 1 when the flag is unknown (caller decides), -1 on a bad value (*err set). */
int gk_config_apply_flag(gk_config *c, const char *name, const char *value, char **err);

/* Final checks after env and flags (required values present, data dir found).
 * need_db: whether the subcommand needs GITEKI_DATABASE_URL. */
int gk_config_finish(gk_config *c, bool need_db, char **err);

void gk_config_free(gk_config *c);

/* Human-readable list of settings for --help. */
extern const char gk_config_help[];

#endif
