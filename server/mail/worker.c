/* The mail delivery worker (see worker.h). */
#include "mail/worker.h"

#include "app.h"
#include "db/db.h"
#include "db/mail.h"
#include "db/run.h"
#include "db/tx.h"
#include "log.h"
#include "mail/mail.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_t thread;
static bool running;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool stopping;

typedef struct {
    const char *data;
    size_t len, pos;
} upload;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
    upload *u = arg;
    size_t room = size * nitems, left = u->len - u->pos;
    size_t n = left < room ? left : room;
    memcpy(buf, u->data + u->pos, n);
    u->pos += n;
    return n;
}

/* Send one message over SMTP: NULL on success, else why not (a static or curl's text). */
static const char *smtp_send(const char *to, const char *message, char *errbuf)
{
    const gk_config *cfg = &gk_app.config;
    CURL *h = curl_easy_init();
    if (!h) return "curl_easy_init failed";
    char from[300], rcpt_to[300];
    snprintf(from, sizeof from, "<%s>", cfg->mail_from ? cfg->mail_from : "noreply@localhost");
    snprintf(rcpt_to, sizeof rcpt_to, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_to);
    upload u = {.data = message, .len = strlen(message)};
    errbuf[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    /* smtps:// is TLS from the start; on smtp:// STARTTLS is required when configured. */
    if (cfg->smtp_starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (cfg->smtp_user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
    }
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    if (rc == CURLE_OK) return NULL;
    return errbuf[0] ? errbuf : curl_easy_strerror(rc);
}

typedef struct {
    char id[24]; /* the mail claimed (empty: none was due) */
    bool sent;   /* it went out: a retried transaction only marks it */
    char error[CURL_ERROR_SIZE + 64];
    long attempts;
} deliver_ctx;

/* The next back-off: GITEKI_MAIL_RETRY doubled per try so far, at most 6 hours. */
static long backoff_s(long attempts)
{
    long d = (long)gk_app.config.mail_retry_s;
    for (long i = 0; i < attempts && d < 6 * 3600; i++)
        d *= 2;
    return d < 6 * 3600 ? d : 6 * 3600;
}

/* One due mail, claimed FOR UPDATE SKIP LOCKED: another instance never takes the row this
 * transaction holds, and the row is marked in the same transaction it was sent from. */
static gk_tx_status deliver_tx(PGconn *c, void *vctx)
{
    deliver_ctx *d = vctx;
    if (d->sent) { /* the transaction runs again after a serialization failure */
        const char *v[] = {d->id};
        return gk_db_run(c, GK_SQL_MAIL_SENT, 1, v, NULL, NULL, NULL);
    }
    const char *lim[] = {"1"};
    PGresult *res = NULL;
    gk_tx_status st = gk_db_run(c, GK_SQL_MAIL_CLAIM, 1, lim, &res, NULL, NULL);
    if (st != GK_TX_OK) return st;
    if (PQntuples(res) != 1) {
        d->id[0] = '\0';
        PQclear(res);
        return GK_TX_OK;
    }
    snprintf(d->id, sizeof d->id, "%s", PQgetvalue(res, 0, 0));
    d->attempts = strtol(PQgetvalue(res, 0, 3), NULL, 10);
    char errbuf[CURL_ERROR_SIZE];
    const char *why = smtp_send(PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), errbuf);
    PQclear(res);
    if (!why) {
        d->sent = true;
        const char *v[] = {d->id};
        return gk_db_run(c, GK_SQL_MAIL_SENT, 1, v, NULL, NULL, NULL);
    }
    snprintf(d->error, sizeof d->error, "%s", why);
    if (d->attempts + 1 >= (long)gk_app.config.mail_tries) {
        const char *v[] = {d->id, d->error};
        return gk_db_run(c, GK_SQL_MAIL_FAILED, 2, v, NULL, NULL, NULL);
    }
    char delay[24];
    snprintf(delay, sizeof delay, "%ld", backoff_s(d->attempts));
    const char *v[] = {d->id, d->error, delay};
    return gk_db_run(c, GK_SQL_MAIL_RETRY, 3, v, NULL, NULL, NULL);
}

/* Wait ms milliseconds or until told to stop; true when stopping. */
static bool pause_ms(unsigned ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&lock);
    while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) != ETIMEDOUT) {
    }
    bool s = stopping;
    pthread_mutex_unlock(&lock);
    return s;
}

/* The next due subscription's digest (mail/mail.h), in its own transaction. */
static gk_tx_status digest_tx(PGconn *c, void *vctx)
{
    return gk_mail_digest_one(c, gk_app.config.digest_hours, vctx);
}

static void *run(void *arg)
{
    (void)arg;
    bool said_off = false;
    for (;;) {
        bool digested = false;
        if (gk_tx_run(GK_TX_READ_COMMITTED, digest_tx, &digested) == GK_TX_OK && digested)
            continue; /* maybe more are due */
        if (!gk_app.config.smtp_url) {
            if (!said_off)
                gk_log("warn",
                       "mail delivery is off: GITEKI_SMTP_URL is not set, mail stays queued", NULL);
            said_off = true;
            if (pause_ms(60000)) break;
            continue;
        }
        deliver_ctx d;
        memset(&d, 0, sizeof d);
        gk_tx_status st = gk_tx_run(GK_TX_READ_COMMITTED, deliver_tx, &d);
        if (st == GK_TX_OK && d.id[0]) {
            if (d.sent)
                gk_log("info", "mail sent", json_pack("{s:s}", "mail_id", d.id));
            else if (d.attempts + 1 >= (long)gk_app.config.mail_tries)
                gk_log("error", "mail failed after its last try",
                       json_pack("{s:s, s:I, s:s}", "mail_id", d.id, "attempts",
                                 (json_int_t)(d.attempts + 1), "error", d.error));
            else
                gk_log("warn", "mail not sent, will retry",
                       json_pack("{s:s, s:I, s:s}", "mail_id", d.id, "attempts",
                                 (json_int_t)(d.attempts + 1), "error", d.error));
            continue; /* maybe more are due */
        }
        if (pause_ms(gk_app.config.mail_poll_ms)) break;
    }
    return NULL;
}

int gk_mail_worker_start(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return -1;
    stopping = false;
    if (pthread_create(&thread, NULL, run, NULL)) return -1;
    running = true;
    return 0;
}

void gk_mail_worker_stop(void)
{
    if (!running) return;
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    running = false;
    curl_global_cleanup();
}
