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

    /* ---- rules: determinations, rule sets (api/determinations.c, web/determination.c) -- */
    {"POST", "/api/v1/determinations", gk_h_determinations_create, ALL, GK_BODY_JSON, 64 * 1024,
     GK_ROUTE_DB, "determinations.create"},
    {"GET", "/api/v1/rule-sets", gk_h_rule_sets_list, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "rule_sets.list"},
    {"GET", "/api/v1/rule-sets/{id}", gk_h_rule_sets_get, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "rule_sets.get"},
    {"GET", "/api/v1/categories", gk_h_categories_list, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "categories.list"},
    {"GET", "/api/v1/categories/{id}", gk_h_categories_get, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "categories.get"},
    {"GET", "/determination", gk_h_determination_page, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB | GK_ROUTE_PAGE, "page.determination"},

    /* ---- accounts: signup, session, users, tokens (api/accounts.c, web/account.c) ----- */

};

const size_t gk_routes_count = sizeof gk_routes / sizeof *gk_routes;
