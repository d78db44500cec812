/* Rendering an HTML page: the view model a handler builds plus what every page shows (the
 * language, the signed-in user, the CSRF token for forms), through the template engine. */
#ifndef GK_WEB_PAGE_H
#define GK_WEB_PAGE_H

#include "http/request.h"

#include <jansson.h>

/* Render template `name` with `model` (stolen; may be NULL) as text/html. */
void gk_page_render(gk_request *r, unsigned status, const char *name, json_t *model);

/* An error page for browsers (status and the catalogue title in the request's language). */
void gk_page_error(gk_request *r, gk_error e, const char *detail);

/* Install the dispatcher's HTML error-page hook (at start-up). */
void gk_pages_init(void);

/* Whether the client asked for HTML (a browser), judged from Accept. */
bool gk_page_wants_html(gk_request *r);

#endif
