#include "http/reply.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set(gk_request *r, unsigned status, struct MHD_Response *resp)
{
    if (r->response) MHD_destroy_response(r->response);
    r->response = resp;
    r->status = status;
    if (!resp) {
        /* Out of memory building the reply: the dispatcher answers a bare 500. */
        r->status = 500;
        r->error = GK_ERR_INTERNAL;
    }
}

static void set_type(gk_request *r, const char *content_type)
{
    if (r->response && content_type)
        MHD_add_response_header(r->response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
}

void gk_reply_take(gk_request *r, unsigned status, const char *content_type, void *data,
                   size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) free(data);
    set(r, status, resp);
    set_type(r, content_type);
}

void gk_reply_bytes(gk_request *r, unsigned status, const char *content_type, const void *data,
                    size_t len)
{
    set(r, status, MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY));
    set_type(r, content_type);
}

void gk_reply_static(gk_request *r, unsigned status, const char *content_type,
                     const void *data, size_t len)
{
    set(r, status, MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT));
    set_type(r, content_type);
}

static void reply_json_type(gk_request *r, unsigned status, json_t *body, const char *type)
{
    char *s = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(body);
    if (!s) {
        set(r, 500, NULL);
        return;
    }
    gk_reply_take(r, status, type, s, strlen(s));
}

void gk_reply_json(gk_request *r, unsigned status, json_t *body)
{
    reply_json_type(r, status, body, "application/json");
}

void gk_reply_problem(gk_request *r, gk_error e, const char *detail, json_t *errors)
{
    unsigned status = gk_error_status(e);
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type",
                          "about:blank", "title", gk_error_title(e, r->lang), "status",
                          (int)status, "detail", detail ? detail : gk_error_title(e, r->lang),
                          "code", gk_error_code(e));
    if (p) {
        /* A type URI per code, resolvable to docs/errors.md on the server. */
        char type[128];
        snprintf(type, sizeof type, "/errors#%s", gk_error_code(e));
        json_object_set_new(p, "type", json_string(type));
        json_object_set_new(p, "errors", errors ? errors : json_array());
        json_object_set_new(p, "request_id", json_string(r->request_id));
    } else {
        json_decref(errors);
    }
    r->error = e;
    reply_json_type(r, status, p, "application/problem+json");
    r->error = e;
    if (status == 503) gk_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "2");
}

void gk_field_error_add(json_t **arr, const char *field, const char *message)
{
    if (!*arr) *arr = json_array();
    if (*arr) json_array_append_new(*arr, json_pack("{s:s, s:s}", "field", field, "message",
                                                    message));
}

void gk_reply_field_error(gk_request *r, gk_error e, const char *field, const char *message)
{
    json_t *errs = NULL;
    gk_field_error_add(&errs, field, message);
    gk_reply_problem(r, e, message, errs);
}

void gk_reply_redirect(gk_request *r, unsigned status, const char *location)
{
    set(r, status, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
    if (r->response) MHD_add_response_header(r->response, MHD_HTTP_HEADER_LOCATION, location);
}

void gk_reply_stream(gk_request *r, unsigned status, const char *content_type,
                     MHD_ContentReaderCallback reader, void *cls,
                     MHD_ContentReaderFreeCallback free_cb)
{
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, reader, cls, free_cb);
    if (!resp && free_cb) free_cb(cls);
    set(r, status, resp);
    set_type(r, content_type);
}

void gk_reply_header(gk_request *r, const char *name, const char *value)
{
    if (r->response) MHD_add_response_header(r->response, name, value);
}
