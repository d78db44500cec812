/* Building the reply of a request. A handler calls exactly one gk_reply_* (a second call
 * replaces the first); the dispatcher adds the common headers (security, request id) and
 * queues it after the handler returns. */
#ifndef GK_HTTP_REPLY_H
#define GK_HTTP_REPLY_H

#include "errors.h"
#include "http/request.h"

#include <jansson.h>

/* JSON body; steals `body`. */
void gk_reply_json(gk_request *r, unsigned status, json_t *body);

/* application/problem+json from the catalogue. detail may be NULL; errors (stolen, may be
 * NULL) is an array of {"field","message"}. */
void gk_reply_problem(gk_request *r, gk_error e, const char *detail, json_t *errors);

/* Shorthand for a 422 (or other) naming one field. */
void gk_reply_field_error(gk_request *r, gk_error e, const char *field, const char *message);

/* Bytes copied into the response. */
void gk_reply_bytes(gk_request *r, unsigned status, const char *content_type, const void *data,
                    size_t len);
/* Bytes the caller keeps alive for the life of the process (static files). */
void gk_reply_static(gk_request *r, unsigned status, const char *content_type, const void *data,
                     size_t len);
/* Takes ownership of malloc'd data. */
void gk_reply_take(gk_request *r, unsigned status, const char *content_type, void *data,
                   size_t len);

void gk_reply_redirect(gk_request *r, unsigned status, const char *location);

/* A streamed body: `reader` is MHD's content reader (return MHD_CONTENT_READER_END_OF_STREAM
 * at the end); `free_cb` frees `cls` when the response is destroyed. */
void gk_reply_stream(gk_request *r, unsigned status, const char *content_type,
                     MHD_ContentReaderCallback reader, void *cls,
                     MHD_ContentReaderFreeCallback free_cb);

/* Add a header to the reply already built (call after gk_reply_*). */
void gk_reply_header(gk_request *r, const char *name, const char *value);

/* Field-error list helper: append {"field","message"} to *arr (created when NULL). */
void gk_field_error_add(json_t **arr, const char *field, const char *message);

#endif
