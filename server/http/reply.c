#include "http/reply.h"
#include "util/utf8.h"

#include "log.h"

#include <stdio.h>
#include <stdbool.h>
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

void gk_reply_take(gk_request *r, unsigned status, const char *content_type, void *data, size_t len)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
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

void gk_reply_static(gk_request *r, unsigned status, const char *content_type, const void *data,
                     size_t len)
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

/* A JSON string from text that may hold client bytes: invalid UTF-8 sequences become U+FFFD,
 * so a refusal that quotes the client (a bad Content-Type, say) is still a refusal and never
 * a 500 (found by tests/fuzz/fuzz_http.c). */
static json_t *text_json(const char *s)
{
    json_t *j = json_string(s);
    if (j || !s) return j;
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1);
    if (!out) return NULL;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = gk_utf8_next((const unsigned char *)s + i, n - i, &cp);
        bool ok = len > 0;
        if (ok) {
            memcpy(out + w, s + i, len);
            w += len;
            i += len;
        } else {
            memcpy(out + w, "\xEF\xBF\xBD", 3);
            w += 3;
            i++;
        }
    }
    out[w] = 0;
    j = json_string(out);
    free(out);
    return j;
}

void gk_reply_problem(gk_request *r, gk_error e, const char *detail, json_t *errors)
{
    unsigned status = gk_error_status(e);
    json_t *p = json_pack("{s:s, s:s, s:i, s:o, s:s}", "type", "about:blank", "title",
                          gk_error_title(e, r->lang), "status", (int)status, "detail",
                          text_json(detail ? detail : gk_error_title(e, r->lang)), "code",
                          gk_error_code(e));
    if (p) {
        /* A type URI per code, resolvable to docs/errors.md on the server. */
        char type[128];
        snprintf(type, sizeof type, "/errors#%s", gk_error_code(e));
        json_object_set_new(p, "type", json_string(type));
        json_object_set_new(p, "errors", errors ? errors : json_array());
        json_decref(r->error_fields);
        r->error_fields = json_incref(json_object_get(p, "errors"));
        r->error_detail = gk_req_strdup(r, json_string_value(json_object_get(p, "detail")));
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
    if (*arr)
        json_array_append_new(*arr, json_pack("{s:o, s:o}", "field", text_json(field), "message",
                                              text_json(message)));
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
