/* The route table: every endpoint of the server, in one place, as data. Who may call each
 * route is decided here (roles); the authorisation test walks this table. HEAD is served by
 * every GET route. Add a route: add its row here, its handler in api/ or web/, its
 * description in docs/openapi.yaml and its row in the authorisation test. */
#include "api/handlers.h"
#include "http/router.h"

#define ALL GK_ROLES_ALL

const gk_route gk_routes[] = {
    /* method  pattern              handler        roles  body          cap flags  name */
    {"GET", "/healthz", gk_h_healthz, ALL, GK_BODY_NONE, 0, 0, "healthz"},
    {"GET", "/readyz", gk_h_readyz, ALL, GK_BODY_NONE, 0, 0, "readyz"},
    {"GET", "/metrics", gk_h_metrics, ALL, GK_BODY_NONE, 0, 0, "metrics"},
    {"GET", "/static/{*path}", gk_h_static, ALL, GK_BODY_NONE, 0, 0, "static"},
    {"GET", "/", gk_h_home, ALL, GK_BODY_NONE, 0, GK_ROUTE_PAGE, "page.home"},
};

const size_t gk_routes_count = sizeof gk_routes / sizeof *gk_routes;
