/* Operations endpoints: liveness, readiness (the primary answers; the replica's state is
 * reported but does not decide), Prometheus metrics. */
#include "http/handlers.h"
#include "db/db.h"
#include "db/run.h"
#include "http/metrics.h"
#include "app.h"
#include "http/reply.h"
#include "http/request.h"

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
    if (fclose(f) != 0) {
        free(buf);
        return;
    }
    gk_reply_take(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}
