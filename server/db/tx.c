#include "db/tx.h"

#include "db/db.h"
#include "db/run.h"
#include "log.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

static atomic_ulong retries;

unsigned long gk_tx_retries(void)
{
    return atomic_load(&retries);
}

gk_tx_status gk_tx_check(const PGresult *r, const char *what)
{
    return gk_db_classify(r, what, NULL, NULL);
}

static gk_tx_status simple(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    gk_tx_status s;
    if (!r || PQstatus(c) != CONNECTION_OK) {
        gk_db_conn_failed(c);
        s = GK_TX_UNAVAILABLE;
    } else {
        s = gk_tx_check(r, sql);
    }
    if (r) PQclear(r);
    return s;
}

static void backoff(int attempt)
{
    /* 1, 2, 4, 8 ms plus a little jitter from the clock so retries of two clashing
     * transactions do not meet again. */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ns = (1L << attempt) * 1000000L + now.tv_nsec % 1000000L;
    struct timespec d = {0, ns};
    nanosleep(&d, NULL);
}

gk_tx_status gk_tx_run(gk_tx_isolation iso, gk_tx_fn fn, void *ctx)
{
    static const char *begin[] = {
        "BEGIN ISOLATION LEVEL READ COMMITTED",
        "BEGIN ISOLATION LEVEL REPEATABLE READ",
        "BEGIN ISOLATION LEVEL SERIALIZABLE",
    };
    bool reopened = false;
    for (int attempt = 0;; attempt++) {
        PGconn *c = gk_db_conn();
        if (!c) return GK_TX_UNAVAILABLE;
        gk_tx_status s = simple(c, begin[iso]);
        if (s == GK_TX_UNAVAILABLE && !reopened) {
            reopened = true; /* stale connection from before a database restart */
            attempt--;
            continue;
        }
        if (s != GK_TX_OK) return s;
        s = fn(c, ctx);
        if (s == GK_TX_OK) {
            s = simple(c, "COMMIT");
            if (s == GK_TX_OK) return GK_TX_OK;
        } else if (s != GK_TX_UNAVAILABLE) {
            gk_tx_status rb = simple(c, "ROLLBACK");
            if (rb == GK_TX_UNAVAILABLE) return GK_TX_UNAVAILABLE;
        }
        if (s != GK_TX_SOFT || attempt >= 5) return s;
        atomic_fetch_add(&retries, 1);
        backoff(attempt);
    }
}

gk_error gk_tx_error(gk_tx_status s)
{
    return s == GK_TX_UNAVAILABLE ? GK_ERR_UNAVAILABLE : GK_ERR_INTERNAL;
}
