/* Rendering an HTML page: the view model a handler builds plus what every page shows (the
 * language, the signed-in user, the CSRF token for forms), through the template engine. */
#ifndef GK_WEB_PAGE_H
#define GK_WEB_PAGE_H

#include "http/request.h"
#include "service/service.h"

#include <jansson.h>

/* Render template `name` with `model` (stolen; may be NULL) as text/html. */
void gk_page_render(gk_request *r, unsigned status, const char *name, json_t *model);

/* An error page for browsers (status and the catalogue title in the request's language). */
void gk_page_error(gk_request *r, gk_error e, const char *detail);

/* The view of an operation's outcome for a page: taken from a success (the caller owns it;
 * the outcome is cleared); after a failure the error page is answered and NULL returned. */
json_t *gk_page_view(gk_request *r, gk_outcome *o);

/* Shows a form again after a refusal (o: the refused outcome, its field errors to show). */
typedef void gk_page_again(gk_request *r, gk_outcome *o, const void *ctx);

/* The answer to a form post once its operation ran (post/redirect/get): success answers 303
 * to `done_url`; a refusal the form cannot help with (not found, unavailable, internal) is
 * the error page; any other is recorded in r->error and again(r, o, ctx) renders the form
 * with it (status of the error). Clears the outcome. */
void gk_page_form_done(gk_request *r, gk_outcome *o, const char *done_url, gk_page_again *again,
                       const void *ctx);

/* The key of a field in templates: "declarations.SR-2.measure" -> "declarations_SR_2_measure".
 * field and out may be the same buffer. */
void gk_page_field_key(const char *field, char *out, size_t n);
/* Field errors ([{field, message}]) by template key: {key: message}, the first message of
 * each field. New reference. */
json_t *gk_page_errors_by_key(json_t *errors);

/* The one error summary of a form page (issue 20): the layout shows it at the top of
 * <main> (role=alert, focused on load by static/js/giteki.js), links each message to its
 * field (#<template key of the field>) and prefixes the page title with "エラー: " /
 * "Error: ". `errors`: [{field, message}] or {key: message} (borrowed, may be NULL), the
 * field or key being the id of the control to link to, as it is;
 * `message`: one for the whole form (may be NULL). Adds to a summary already set.
 * gk_page_render builds it itself for a 4xx page from the model's errors, error_list,
 * error, problem and form_error when the handler did not. */
void gk_page_error_summary(json_t *model, json_t *errors, const char *message);

/* A size as people read it (issue 20): "812 bytes", "19.5 KB", "4.2 MB" (1 KB = 1024 bytes),
 * in the request's language; in the request's arena. */
const char *gk_page_size_text(gk_request *r, long long bytes);

/* Install the dispatcher's HTML error-page hook (at start-up). */
void gk_pages_init(void);

/* Whether the client asked for HTML (a browser), judged from Accept. */
bool gk_page_wants_html(gk_request *r);

#endif
