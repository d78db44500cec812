/* Prometheus metrics kept in lock-free counters: requests by route and status, a latency
 * histogram per route, and the database layer's reconnects and transaction retries. */
#ifndef GK_HTTP_METRICS_H
#define GK_HTTP_METRICS_H

#include <stdio.h>

/* route_index: index in gk_routes, or -1 for unmatched requests. */
void gk_metrics_observe(int route_index, unsigned status, double seconds);
/* Write the text exposition format (version 0.0.4). */
void gk_metrics_write(FILE *out);

#endif
