/* The HTTP daemon: libmicrohttpd in internal thread-pool mode with epoll, the dispatcher that
 * turns each request into route → authenticate → authorise → body → handler → reply, and
 * graceful shutdown. */
#ifndef GK_HTTP_SERVER_H
#define GK_HTTP_SERVER_H

#include "config.h"
#include "http/request.h"

#include <stdbool.h>

typedef struct gk_server gk_server;

/* Start listening. Returns NULL with a malloc'd message on failure. */
gk_server *gk_server_start(const gk_config *c, char **err);

/* Stop accepting, wait up to grace_s seconds for in-flight requests, then stop. */
void gk_server_stop(gk_server *s, unsigned grace_s);

/* Hooks set by the modules that own them (accounts, pages). May stay NULL. */
typedef void (*gk_authenticate_fn)(gk_request *r);
/* Returns true when it replied (the request was refused, e.g. CSRF). */
typedef bool (*gk_guard_fn)(gk_request *r);
extern gk_authenticate_fn gk_server_authenticate;
extern gk_guard_fn gk_server_csrf_guard;
/* Re-renders a refusal (r->error, error_detail, error_fields) as an HTML page for a browser;
 * set by web/pages.c. */
typedef void (*gk_error_page_fn)(gk_request *r);
extern gk_error_page_fn gk_server_error_page;

#endif
