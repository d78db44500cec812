/* Every request handler, named gk_h_<resource>_<action>, listed in the route table
 * (http/routes.c). Handlers are thin: parse, authorise the object, call the domain and the
 * database, render. Each module's gk_*_register() adds its prepared statements. */
#ifndef GK_API_HANDLERS_H
#define GK_API_HANDLERS_H

#include "http/request.h"

/* api/health.c */
void gk_health_register(void);
void gk_h_healthz(gk_request *r);
void gk_h_readyz(gk_request *r);
void gk_h_metrics(gk_request *r);

/* web/static.c */
void gk_h_static(gk_request *r);

/* web/pages.c */
void gk_h_home(gk_request *r);

/* ---- rules (api/determinations.c, web/determination.c) ---- */
void gk_determinations_register(void);
void gk_h_determinations_create(gk_request *r);
void gk_h_rule_sets_list(gk_request *r);
void gk_h_rule_sets_get(gk_request *r);
void gk_h_categories_list(gk_request *r);
void gk_h_categories_get(gk_request *r);
void gk_h_determination_page(gk_request *r);

/* ---- accounts (api/accounts.c, web/account.c) ---- */

#endif
