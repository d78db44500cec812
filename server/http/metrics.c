#include "http/metrics.h"

#include "db/db.h"
#include "db/tx.h"
#include "http/router.h"
#include "national/puller.h"

#include <stdatomic.h>

#define MAX_ROUTES 256
static const unsigned statuses[] = {200, 201, 204, 303, 304, 400, 401, 403, 404, 405, 409,
                                    412, 413, 414, 415, 422, 428, 429, 500, 503, 0};
#define NSTATUS (sizeof statuses / sizeof *statuses) /* last slot: any other status */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,   0.25,   0.5,   1,    2.5,   5};
#define NBUCKETS (sizeof buckets / sizeof *buckets)

typedef struct {
    atomic_ulong by_status[NSTATUS];
    atomic_ulong bucket[NBUCKETS];
    atomic_ulong count;
    atomic_ullong sum_us;
} route_metrics;

static route_metrics m[MAX_ROUTES + 1]; /* slot 0: unmatched */

void gk_metrics_observe(int idx, unsigned status, double seconds)
{
    if (idx >= MAX_ROUTES) idx = -1;
    route_metrics *rm = &m[idx + 1];
    size_t s = 0;
    while (s < NSTATUS - 1 && statuses[s] != status)
        s++;
    atomic_fetch_add_explicit(&rm->by_status[s], 1, memory_order_relaxed);
    for (size_t b = 0; b < NBUCKETS; b++)
        if (seconds <= buckets[b]) {
            atomic_fetch_add_explicit(&rm->bucket[b], 1, memory_order_relaxed);
            break; /* cumulated when written */
        }
    atomic_fetch_add_explicit(&rm->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&rm->sum_us, (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
}

void gk_metrics_write(FILE *out)
{
    fputs("# HELP giteki_http_requests_total HTTP requests by route and status.\n"
          "# TYPE giteki_http_requests_total counter\n",
          out);
    size_t n = gk_routes_count < MAX_ROUTES ? gk_routes_count : MAX_ROUTES;
    for (size_t i = 0; i <= n; i++) {
        const char *name = i == 0 ? "unmatched" : gk_routes[i - 1].name;
        for (size_t s = 0; s < NSTATUS; s++) {
            unsigned long v = atomic_load(&m[i].by_status[s]);
            if (!v) continue;
            if (statuses[s])
                fprintf(out, "giteki_http_requests_total{route=\"%s\",status=\"%u\"} %lu\n", name,
                        statuses[s], v);
            else
                fprintf(out, "giteki_http_requests_total{route=\"%s\",status=\"other\"} %lu\n",
                        name, v);
        }
    }
    fputs("# HELP giteki_http_request_duration_seconds Request latency by route.\n"
          "# TYPE giteki_http_request_duration_seconds histogram\n",
          out);
    for (size_t i = 0; i <= n; i++) {
        unsigned long count = atomic_load(&m[i].count);
        if (!count) continue;
        const char *name = i == 0 ? "unmatched" : gk_routes[i - 1].name;
        unsigned long cum = 0;
        for (size_t b = 0; b < NBUCKETS; b++) {
            cum += atomic_load(&m[i].bucket[b]);
            fprintf(out,
                    "giteki_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
                    name, buckets[b], cum);
        }
        fprintf(out,
                "giteki_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n"
                "giteki_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                "giteki_http_request_duration_seconds_count{route=\"%s\"} %lu\n",
                name, count, name, (double)atomic_load(&m[i].sum_us) / 1e6, name, count);
    }
    fprintf(out,
            "# HELP giteki_db_reconnects_total Database connections re-opened after a failure.\n"
            "# TYPE giteki_db_reconnects_total counter\n"
            "giteki_db_reconnects_total %lu\n"
            "# HELP giteki_db_connect_failures_total Failed attempts to connect.\n"
            "# TYPE giteki_db_connect_failures_total counter\n"
            "giteki_db_connect_failures_total %lu\n"
            "# HELP giteki_db_transaction_retries_total Transactions retried (40001, 40P01).\n"
            "# TYPE giteki_db_transaction_retries_total counter\n"
            "giteki_db_transaction_retries_total %lu\n",
            gk_db_reconnects(), gk_db_connect_failures(), gk_tx_retries());
    /* Only with a replica configured: an absent series says "no replica", a 0 says "down". */
    if (gk_db_replica_state() != GK_DB_REPLICA_NOT_CONFIGURED)
        fprintf(out,
                "# HELP giteki_db_replica_up Whether the read replica is in use (0: reads go to the"
                " primary).\n"
                "# TYPE giteki_db_replica_up gauge\n"
                "giteki_db_replica_up %d\n"
                "# HELP giteki_db_replica_fallbacks_total Reads served by the primary because the"
                " replica was unavailable.\n"
                "# TYPE giteki_db_replica_fallbacks_total counter\n"
                "giteki_db_replica_fallbacks_total %lu\n",
                gk_db_replica_state() == GK_DB_REPLICA_OK, gk_db_replica_fallbacks());
    /* Only on an aggregator (GITEKI_AGGREGATE): each body's pulls, accepted and refused entries. */
    gk_national_metrics_write(out);
}
