/* The XHTML template engine (docs/architecture.md: "Templates are well-formed XHTML parsed by libxml2
 * at start-up"). templates/README.md documents the directives for template authors.
 *
 * Load: every `*.xhtml` under a folder (recursively) is parsed with libxml2 (no network, no
 * DTD loading, no entity expansion) and compiled into a read-only tree; the libxml2
 * documents are freed before gk_templates_load() returns. A template that is not
 * well-formed, uses an unknown directive, a bad expression, an inline script/style/event
 * handler, an unsafe static URL or a missing layout fails the whole load with
 * "file:line: reason", so a broken template stops the server from starting.
 *
 * Render: walks the compiled tree and writes HTML5 directly into a gk_buf (no copy of the
 * tree). Every value from the model is escaped, so text can never become markup; URLs
 * written into href/src/action/... must be relative ("/x" but not "//x", "?x", "#x") or
 * http(s), otherwise "#" is written. Rendering touches no shared mutable state: any number
 * of threads may render from one gk_templates at once. */
#ifndef GK_RENDER_TEMPLATE_H
#define GK_RENDER_TEMPLATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "render/buf.h"
#include "render/i18n.h"

/* The namespace of the directive attributes: xmlns:g="urn:giteki:template". */
#define GK_TEMPLATE_NS "urn:giteki:template"

typedef struct gk_templates gk_templates;

/* Template names are paths relative to `dir` without ".xhtml": "home", "web/cert_list".
 * Returns NULL on failure with *err set to a malloc'd message (caller frees; err may be
 * NULL). Not thread-safe (calls xmlInitParser): call once at start-up. */
gk_templates *gk_templates_load(const char *dir, char **err);
void gk_templates_free(gk_templates *t);

/* Start-up check that every constant message key used by g:msg / g:msg-attr exists in the
 * catalogue (keys built from the model, "status.{item.status}", cannot be checked).
 * 0 if all exist; -1 with *err = "file:line: message key 'x' ..." (malloc'd). */
int gk_templates_check_messages(const gk_templates *t, const gk_messages *msgs, char **err);

bool gk_templates_has(const gk_templates *t, const char *name);

enum {
    GK_RENDER_OK = 0,
    GK_RENDER_NOMEM = -1,     /* the output buffer failed to grow */
    GK_RENDER_NOT_FOUND = -2, /* no template of that name: a programming error */
};

/* Appends the rendered page to `out`. `model` is the view model (normally an object; NULL
 * renders as an empty model); missing values render as nothing. `msgs` may be NULL (message
 * keys are written instead); `lang` is "ja" or "en" (NULL means GK_LANG_DEFAULT) and is
 * written as <html lang>. On failure `out` is truncated back to its length on entry. */
int gk_template_render(const gk_templates *t, const char *name, const json_t *model,
                       const gk_messages *msgs, const char *lang, gk_buf *out);

/* The URL policy used for href/src/action...: true for "/path" (not "//" or "/\"), "?q",
 * "#frag", "http:..." and "https:..." (case-insensitive), with no control characters.
 * Exposed so other writers (Atom, XML) apply the same rule. */
bool gk_url_is_safe(const char *url, size_t len);

#endif
