/* HTTP validators and caching of public resources (issue 21): ETag / Last-Modified, the 304
 * answer to If-None-Match / If-Modified-Since (RFC 9110 section 13), and Cache-Control for
 * shared caches (nginx in scripts/cluster, a CDN): public, max-age, stale-while-revalidate.
 * Only for answers that are the same for everyone (the public projection): anything shown to
 * a signed-in user keeps the dispatcher's default "no-store". */
#ifndef GK_HTTP_VALIDATORS_H
#define GK_HTTP_VALIDATORS_H

#include "http/request.h"

#include <stdbool.h>
#include <time.h>

/* Seconds a shared cache may serve a public certificate, the feed or an export without
 * asking, and how long after that it may serve a stale copy while it revalidates. The
 * database NOTIFY keeps our own cache exact; a shared cache may lag a status change by
 * max-age at most. */
#define GK_PUBLIC_MAX_AGE 60
#define GK_PUBLIC_SWR 300

/* Whether the request's conditions say the client's copy is current: If-None-Match lists
 * etag (weak comparison, or "*"), or, without If-None-Match, If-Modified-Since is not before
 * modified (0 = unknown: never). etag may be NULL. */
bool gk_http_not_modified(gk_request *r, const char *etag, time_t modified);

/* Add ETag (when etag), Last-Modified (when modified > 0), Cache-Control public with these
 * ages and Vary: Cookie, Authorization to the reply already built (a page adds
 * Accept-Language itself). */
void gk_http_public_cache(gk_request *r, const char *etag, time_t modified, unsigned max_age,
                          unsigned swr);

/* Answer 304 Not Modified with the same validators and caching headers. */
void gk_reply_not_modified(gk_request *r, const char *etag, time_t modified, unsigned max_age,
                           unsigned swr);

#endif
