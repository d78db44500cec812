/* The certificate-change listener (see notify.h). */
#include "db/notify.h"

#include "log.h"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char *conninfo;
    gk_db_listener l;
} listener;

static PGconn *connect_and_listen(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    PGresult *r = PQexec(c, "LISTEN gk_certificates");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

static void *run(void *arg)
{
    listener *x = arg;
    bool logged_down = false;
    for (;;) {
        PGconn *c = connect_and_listen(x->conninfo);
        if (!c) {
            if (!logged_down)
                gk_log("warn", "certificate listener: cannot connect; not caching", NULL);
            logged_down = true;
            sleep(1);
            continue;
        }
        logged_down = false;
        x->l.on_state(true, x->l.ctx);
        for (;;) {
            struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
            int n = p.fd >= 0 ? poll(&p, 1, 10000) : -1;
            if (n < 0 || !PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK) break;
            if (n == 0) {
                /* Quiet for a while: make sure the connection is still there. */
                PGresult *r = PQexec(c, "SELECT 1");
                bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
                PQclear(r);
                if (!ok) break;
            }
            PGnotify *nt;
            while ((nt = PQnotifies(c)) != NULL) {
                x->l.on_notify(nt->extra, x->l.ctx);
                PQfreemem(nt);
            }
        }
        x->l.on_state(false, x->l.ctx);
        gk_log("warn", "certificate listener: connection lost; cache dropped", NULL);
        PQfinish(c);
        sleep(1);
    }
    return NULL;
}

int gk_db_listen_start(const char *conninfo, const gk_db_listener *l)
{
    listener *x = calloc(1, sizeof *x);
    if (!x || !conninfo || !(x->conninfo = strdup(conninfo))) {
        free(x);
        return -1;
    }
    x->l = *l;
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &a, run, x);
    pthread_attr_destroy(&a);
    if (rc) {
        free(x->conninfo);
        free(x);
        return -1;
    }
    return 0;
}
