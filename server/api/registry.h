/* Shared by the registry's API handlers and pages (api/certificate_search.c, exports.c,
 * feed.c, stats.c, web/registry.c): reading the filters, one page of the list, the stats. */
#ifndef GK_API_REGISTRY_H
#define GK_API_REGISTRY_H

#include "db/certificate_search.h"
#include "http/request.h"

#include <jansson.h>
#include <stdbool.h>

/* Regulators, examiners and admins see every field (and the audit trail is theirs). */
bool gk_registry_is_staff(const gk_request *r);

/* Read the filters from the query string; on a bad value replies 400 request.bad_query
 * naming each bad parameter and returns -1. */
int gk_registry_query(gk_request *r, gk_cert_query *q);

/* One page {"items", "next"} (new reference), or NULL with *err (UNAVAILABLE, INTERNAL). */
json_t *gk_registry_page(gk_request *r, const gk_cert_query *q, gk_error *err);

/* The statistics object of GET /api/v1/stats for these filters (sort/page ignored), or NULL
 * with *err. */
json_t *gk_registry_stats(const gk_cert_query *q, gk_error *err);

#endif
