#include "web/page.h"
#include "render/i18n.h"

#include "http/handlers.h"
#include "app.h"
#include "auth/auth.h"
#include "http/reply.h"
#include "http/server.h"
#include "log.h"
#include "render/template.h"

#include <stdio.h>
#include <string.h>

static json_t *common_model(gk_request *r, json_t *model)
{
    if (!model) model = json_object();
    if (!model) return NULL;
    json_object_set_new(model, "lang", json_string(r->lang));
    json_object_set_new(model, "other_lang", json_string(gk_lang_is_ja(r->lang) ? "en" : "ja"));
    json_object_set_new(model, "path", json_string(r->path ? r->path : "/"));
    /* The navigation item of this page (aria-current), unless the handler chose one. */
    static const struct {
        const char *prefix, *nav;
        bool exact;
    } navs[] = {{"/", "home", true},
                {"/determination", "determination", false},
                {"/certificates", "certificates", false},
                {"/cc-certificates", "cc", false},
                {"/national", "national", false},
                {"/signin", "signin", false},
                {"/applications", "applications", false},
                {"/examination", "examination", false},
                {"/admin/users", "users", false},
                {"/stats", "stats", false},
                {"/account", "account", false}};
    if (!json_object_get(model, "nav") && r->path)
        for (size_t i = 0; i < sizeof navs / sizeof *navs; i++)
            if (navs[i].exact ? !strcmp(r->path, navs[i].prefix)
                              : !strncmp(r->path, navs[i].prefix, strlen(navs[i].prefix))) {
                json_object_set_new(model, "nav", json_pack("{s:s}", navs[i].nav, "page"));
                break;
            }
    if (r->user.csrf_token)
        json_object_set_new(model, "csrf_token", json_string(r->user.csrf_token));
    if (r->user.id)
        json_object_set_new(model, "user",
                            json_pack("{s:s?, s:s?, s:s}", "name", r->user.name, "email",
                                      r->user.email, "role",
                                      r->user.role == GK_ROLE_MANUFACTURER ? "manufacturer"
                                      : r->user.role == GK_ROLE_EXAMINER   ? "examiner"
                                      : r->user.role == GK_ROLE_REGULATOR  ? "regulator"
                                                                           : "admin"));
    return model;
}

void gk_page_render(gk_request *r, unsigned status, const char *name, json_t *model)
{
    model = common_model(r, model);
    gk_buf out = GK_BUF_INIT;
    int rc = model
                 ? gk_template_render(gk_app.templates, name, model, gk_app.messages, r->lang, &out)
                 : GK_RENDER_NOMEM;
    json_decref(model);
    if (rc != GK_RENDER_OK) {
        gk_buf_free(&out);
        if (rc == GK_RENDER_NOT_FOUND)
            gk_log("bug", "no such template", json_pack("{s:s}", "template", name));
        return; /* no reply: the dispatcher answers 500 */
    }
    size_t len = 0;
    char *html = gk_buf_steal(&out, &len);
    gk_reply_take(r, status, "text/html; charset=utf-8", html, len);
    gk_reply_header(r, "Content-Language", r->lang);
    /* A language chosen with ?lang= is remembered for the following pages. */
    const char *asked = gk_req_query(r, "lang");
    if (asked && gk_lang_from_tag(asked, strlen(asked)))
        gk_reply_header(r, MHD_HTTP_HEADER_SET_COOKIE,
                        gk_lang_is_ja(r->lang)
                            ? "giteki_lang=ja; Path=/; Max-Age=31536000; SameSite=Lax"
                            : "giteki_lang=en; Path=/; Max-Age=31536000; SameSite=Lax");
    gk_reply_header(r, MHD_HTTP_HEADER_VARY, "Accept-Language, Cookie");
    /* A page whose anonymous form began a pre-session sets its cookie (no-op otherwise): the
     * token in the form is only good with it (issue 18 item 5). */
    gk_auth_add_presession_cookie(r);
}

void gk_page_error(gk_request *r, gk_error e, const char *detail)
{
    json_t *m = json_pack("{s:i, s:s, s:s, s:s}", "status", (int)gk_error_status(e), "title",
                          gk_error_title(e, r->lang), "code", gk_error_code(e), "detail",
                          detail ? detail : "");
    gk_page_render(r, gk_error_status(e), "error", m);
    r->error = e;
}

json_t *gk_page_view(gk_request *r, gk_outcome *o)
{
    gk_error e = o->err;
    json_t *view = o->view;
    o->view = NULL;
    gk_outcome_clear(o);
    if (e == GK_ERR_OK) return view ? view : json_object();
    json_decref(view);
    gk_page_error(r, e, NULL);
    return NULL;
}

void gk_page_form_done(gk_request *r, gk_outcome *o, const char *done_url, gk_page_again *again,
                       const void *ctx)
{
    gk_error e = o->err;
    if (e == GK_ERR_OK)
        gk_reply_redirect(r, 303, done_url);
    else if (e == GK_ERR_NOT_FOUND || e == GK_ERR_UNAVAILABLE || e == GK_ERR_INTERNAL)
        gk_page_error(r, e, NULL);
    else {
        r->error = e;
        again(r, o, ctx);
    }
    gk_outcome_clear(o);
}

void gk_page_field_key(const char *field, char *out, size_t n)
{
    if (field != out) snprintf(out, n, "%s", field);
    for (char *p = out; *p; p++)
        if (*p == '.' || *p == '-') *p = '_';
}

json_t *gk_page_errors_by_key(json_t *errors)
{
    json_t *m = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        const char *f = json_string_value(json_object_get(e, "field"));
        const char *msg = json_string_value(json_object_get(e, "message"));
        if (!f || !msg) continue;
        char key[160];
        gk_page_field_key(f, key, sizeof key);
        if (!json_object_get(m, key)) json_object_set_new(m, key, json_string(msg));
    }
    return m;
}

/* The dispatcher's hook: the refusal already built as problem+json, as a page. */
static void error_page_hook(gk_request *r)
{
    gk_error e = r->error;
    json_t *m = json_pack("{s:i, s:s, s:s, s:s, s:s, s:O?}", "status", (int)gk_error_status(e),
                          "title", gk_error_title(e, r->lang), "code", gk_error_code(e), "detail",
                          r->error_detail ? r->error_detail : "", "request_id", r->request_id,
                          "errors", r->error_fields);
    gk_page_render(r, gk_error_status(e), "error", m);
    r->error = e;
}

void gk_pages_init(void)
{
    gk_server_error_page = error_page_hook;
}

bool gk_page_wants_html(gk_request *r)
{
    const char *accept = gk_req_header(r, MHD_HTTP_HEADER_ACCEPT);
    if (!accept || !strstr(accept, "text/html")) return false;
    return !r->path || strncmp(r->path, "/api/", 5) != 0;
}

void gk_h_home(gk_request *r)
{
    gk_page_render(r, 200, "home", NULL);
}
