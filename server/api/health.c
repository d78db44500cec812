/* Operations endpoints: liveness, readiness (the primary answers; the replica's state is
 * reported but does not decide), Prometheus metrics. */
#include "http/handlers.h"
#include "db/db.h"
#include "db/run.h"
#include "http/metrics.h"
#include "app.h"
#include "http/reply.h"
#include "http/request.h"
#include "service/certificates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_health_register(void)
{
    gk_db_run_register();
}

void gk_h_healthz(gk_request *r)
{
    gk_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static bool ping(PGconn *c)
{
    return gk_db_ping(c);
}

/* The replica, when configured, is pinged through the read path itself: if it went away the
 * ping is re-run on the primary and the replica is marked unavailable, which is what we
 * report. While it is marked unavailable it is not retried more often than the read path
 * retries it (GK_DB_REPLICA_RETRY_SECONDS), whatever the probe rate of the balancer. */
static const char *replica_status(void)
{
    if (gk_db_replica_state() != GK_DB_REPLICA_NOT_CONFIGURED) {
        PGconn *c = gk_db_read_conn();
        if (gk_db_is_replica(c)) ping(c);
    }
    return gk_db_replica_state_name(gk_db_replica_state());
}

/* Ready = the primary answers. A replica that is down does not make the instance unready:
 * reads fall back to the primary, so the instance still serves everything (the body says
 * "replica": "unavailable" and the metrics count the fallbacks). */
void gk_h_readyz(gk_request *r)
{
    if (!ping(gk_db_conn())) {
        gk_reply_problem(r, GK_ERR_UNAVAILABLE, gk_req_msg(r, "http.db_down"), NULL);
        return;
    }
    gk_reply_json(r, 200,
                  json_pack("{s:s, s:s, s:s}", "status", "ready", "database", "ok", "replica",
                            replica_status()));
}

/* GITEKI_METRICS_ALLOW: the addresses, separated by commas, that may read /metrics; unset,
 * everyone. Others get 404, as if there were nothing. */
static bool metrics_allowed(gk_request *r)
{
    const char *list = gk_app.config.metrics_allow, *addr = gk_req_client_addr(r);
    if (!list) return true;
    size_t n = strlen(addr);
    for (const char *p = list; *p;) {
        p += strspn(p, " ,");
        size_t len = strcspn(p, " ,");
        if (len == n && !strncmp(p, addr, n)) return true;
        p += len;
    }
    return false;
}

/* The public certificate cache of this instance (issue 21). */
static void cert_cache_metrics(FILE *f)
{
    gk_scache_stats st;
    gk_cert_cache_invalidations inv;
    gk_svc_cert_cache_stats(&st);
    gk_svc_cert_cache_invalidations(&inv);
    fprintf(f,
            "# HELP giteki_cert_cache_hits_total Public certificate reads answered from the"
            " cache.\n"
            "# TYPE giteki_cert_cache_hits_total counter\n"
            "giteki_cert_cache_hits_total %llu\n"
            "# HELP giteki_cert_cache_misses_total Public certificate reads the cache did not"
            " hold.\n"
            "# TYPE giteki_cert_cache_misses_total counter\n"
            "giteki_cert_cache_misses_total %llu\n"
            "# HELP giteki_cert_cache_entries Certificates held in the cache.\n"
            "# TYPE giteki_cert_cache_entries gauge\n"
            "giteki_cert_cache_entries %zu\n"
            "# HELP giteki_cert_cache_bytes Bytes held in the cache (as the entries state"
            " them).\n"
            "# TYPE giteki_cert_cache_bytes gauge\n"
            "giteki_cert_cache_bytes %zu\n"
            "# HELP giteki_cert_cache_evictions_total Entries pushed out by the cache's bound.\n"
            "# TYPE giteki_cert_cache_evictions_total counter\n"
            "giteki_cert_cache_evictions_total %llu\n"
            "# HELP giteki_cert_cache_invalidations_total Entries dropped because the"
            " certificate changed (kind=\"entry\"), whole cache drops (kind=\"all\": a NOTIFY"
            " of many, the listener reconnecting).\n"
            "# TYPE giteki_cert_cache_invalidations_total counter\n"
            "giteki_cert_cache_invalidations_total{kind=\"entry\"} %llu\n"
            "giteki_cert_cache_invalidations_total{kind=\"all\"} %llu\n",
            (unsigned long long)st.hits, (unsigned long long)st.misses, st.entries, st.bytes,
            (unsigned long long)st.evictions, inv.entries, inv.drops);
}

void gk_h_metrics(gk_request *r)
{
    if (!metrics_allowed(r)) {
        gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return; /* the dispatcher answers 500 */
    gk_metrics_write(f);
    cert_cache_metrics(f);
    if (fclose(f) != 0) {
        free(buf);
        return;
    }
    gk_reply_take(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}
