/* Operations endpoints: liveness, readiness (the database answers), Prometheus metrics. */
#include "api/handlers.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>

static const gk_stmt stmts[] = {
    {"health_ping", "SELECT 1"},
};

void gk_health_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

void gk_h_healthz(gk_request *r)
{
    gk_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void gk_h_readyz(gk_request *r)
{
    PGconn *c = gk_db_conn();
    PGresult *res = c ? gk_db_exec(c, "health_ping", 0, NULL) : NULL;
    bool ok = res && gk_db_ok(res);
    if (res) PQclear(res);
    if (!ok) {
        gk_reply_problem(r, GK_ERR_UNAVAILABLE, "The database does not answer", NULL);
        return;
    }
    gk_reply_json(r, 200, json_pack("{s:s, s:s}", "status", "ready", "database", "ok"));
}

void gk_h_metrics(gk_request *r)
{
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
