/* The listener of certificate changes (schema/0024_fast_reads.sql): a thread with a
 * connection of its own that LISTENs on the channel gk_certificates, where a trigger NOTIFYs
 * the number of every certificate whose record or history changed ("*": anything may have
 * changed, e.g. a category's title or a bulk import). The cache of public certificates
 * (service/certificates.c) is invalidated from here, so several server instances in front of
 * one database stay correct.
 *
 * on_state(true) is called once LISTEN is in place (after every reconnection),
 * on_state(false) when the connection is lost: notifications may have been missed, so the
 * caller drops what it cached and stops caching until the next on_state(true). */
#ifndef GK_DB_NOTIFY_H
#define GK_DB_NOTIFY_H

#include <stdbool.h>

typedef struct {
    void (*on_notify)(const char *payload, void *ctx);
    void (*on_state)(bool listening, void *ctx);
    void *ctx;
} gk_db_listener;

/* Start the listener thread on the primary (conninfo copied). 0, or -1 when the thread could
 * not be started. Reconnects on its own (every second at most) until the process ends. */
int gk_db_listen_start(const char *conninfo, const gk_db_listener *l);

#endif
