/* The XHTML template engine: libxml2 parses each template once at start-up, a compiler turns
 * the document into a small read-only tree (static markup pre-escaped, directives parsed and
 * checked), and rendering walks that tree writing HTML5 straight into a gk_buf. No libxml2
 * call happens while rendering, so concurrent renders share nothing mutable. */
#include "render/template.h"
#include "render/datetime.h"

#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_EXPR 256    /* longest path or message key */
#define MAX_DIR_DEPTH 8 /* template sub-folders; guards against symlink loops */

/* ------------------------------------------------------------------ arena */

/* Everything compiled lives in one arena owned by gk_templates: freed at once. */
typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block;

typedef struct {
    arena_block *head;
} arena;

static void *arena_alloc(arena *a, size_t n)
{
    if (n > SIZE_MAX - 64) return NULL;
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        arena_block *b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = (unsigned char *)a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

static char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void arena_free(arena *a)
{
    while (a->head) {
        arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* ------------------------------------------------------------------ compiled tree */

enum { N_TEXT, N_ELEM };
enum { C_CHILDREN, C_TEXT, C_MSG, C_DATETIME, C_DATE };
enum { OP_TRUTHY, OP_EQ, OP_NE };
enum { L_STR, L_NUM, L_TRUE, L_FALSE, L_NULL };

typedef struct {
    const char *path;
    int op;
    bool negate; /* g:unless */
    int lit_kind;
    const char *lit_str;
    size_t lit_len;
    double lit_num;
} cond;

typedef struct {
    const char *name;
    const char *expr; /* a path, an interpolated string, or a message key */
    bool interp;      /* expr holds {path} parts */
    bool msg;         /* from g:msg-attr: expr is a message key */
    bool url;         /* href/src/...: URL policy applies */
    bool boolean;     /* checked/disabled/...: JSON true writes the bare name */
} dattr;

typedef struct tnode {
    int kind;
    unsigned line;
    const char *text; /* N_TEXT: escaped HTML, ready to write */
    size_t text_len;
    const char *name;  /* element name; NULL for <g:block> (children only) */
    const char *attrs; /* static attributes, escaped: ` a="b" c="d"` */
    size_t attrs_len;
    bool is_void, is_html;
    dattr *dattrs;
    size_t n_dattrs;
    const char *repeat_var, *repeat_path;
    size_t repeat_var_len;
    cond conds[2];
    size_t n_conds;
    int content;
    const char *content_expr;
    bool content_interp;
    const char *slot;   /* g:slot name */
    const char *layout; /* g:layout (root only) */
    struct tnode **kids;
    size_t n_kids;
} tnode;

typedef struct tmpl {
    const char *name;
    const char *file;
    tnode *root;
    const struct tmpl *layout;
} tmpl;

struct gk_templates {
    arena a;
    tmpl *items;
    size_t n;
};

/* ------------------------------------------------------------------ small predicates */

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcasecmp(s, *list) == 0) return true;
    return false;
}

static const char *const void_elements[] = {"area",   "base",  "br",    "col",  "embed",
                                            "hr",     "img",   "input", "link", "meta",
                                            "source", "track", "wbr",   NULL};
static const char *const url_attrs[] = {"href",       "src",    "action",   "formaction",
                                        "poster",     "cite",   "data",     "background",
                                        "longdesc",   "usemap", "manifest", "codebase",
                                        "xlink:href", NULL};
static const char *const bool_attrs[] = {
    "allowfullscreen", "async",     "autofocus",   "autoplay",       "checked",  "controls",
    "default",         "defer",     "disabled",    "formnovalidate", "hidden",   "inert",
    "ismap",           "itemscope", "loop",        "multiple",       "muted",    "nomodule",
    "novalidate",      "open",      "playsinline", "readonly",       "required", "reversed",
    "selected",        NULL};
/* Attributes whose values hold several URLs or are themselves documents: never dynamic. */
static const char *const no_dynamic_attrs[] = {"srcset", "ping", "http-equiv", "content", NULL};

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_ident(const char *s, size_t n)
{
    if (n == 0 || n > MAX_EXPR || !is_ident_start(s[0])) return false;
    for (size_t i = 1; i < n; i++)
        if (!is_ident_char(s[i])) return false;
    return true;
}

/* name(.segment)* where name is an identifier and a segment an identifier or an index. */
static bool is_path(const char *s, size_t n)
{
    if (n == 0 || n > MAX_EXPR || !is_ident_start(s[0])) return false;
    size_t seg = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (seg == 0) return false;
            seg = 0;
        } else if (is_ident_char(s[i])) {
            seg++;
        } else {
            return false;
        }
    }
    return seg > 0;
}

static bool is_msg_key(const char *s, size_t n)
{
    if (n == 0 || n > MAX_EXPR) return false;
    for (size_t i = 0; i < n; i++)
        if (!is_ident_char(s[i]) && s[i] != '.') return false;
    return true;
}

/* An interpolated string: literal text with {path} parts, every brace closed. */
static bool is_interp(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '}') return false;
        if (*p != '{') continue;
        const char *close = strchr(p + 1, '}');
        if (!close || !is_path(p + 1, (size_t)(close - p - 1))) return false;
        p = close;
    }
    return true;
}

static bool is_attr_name(const char *s)
{
    if (!is_ident_start(*s)) return false;
    for (s++; *s; s++)
        if (!is_ident_char(*s) && *s != ':' && *s != '.') return false;
    return true;
}

bool gk_url_is_safe(const char *u, size_t n)
{
    if (!u || n == 0) return false;
    /* Browsers drop tabs and newlines inside URLs ("/\t/evil" is "//evil"): refuse all
     * control characters rather than guess how they are read. */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)u[i] < 0x20 || u[i] == 0x7f) return false;
    if (u[0] == '/') return n == 1 || (u[1] != '/' && u[1] != '\\');
    if (u[0] == '?' || u[0] == '#') return true;
    return (n >= 5 && strncasecmp(u, "http:", 5) == 0) ||
           (n >= 6 && strncasecmp(u, "https:", 6) == 0);
}

/* ------------------------------------------------------------------ compiler */

typedef struct {
    arena *a;
    const char *file;
    char **err;
    bool failed;
} loader;

static void lerr(loader *l, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void lerr(loader *l, long line, const char *fmt, ...)
{
    if (l->failed) return; /* keep the first, most precise reason */
    l->failed = true;
    if (!l->err) return;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
    va_end(ap);
    if (!msg || asprintf(l->err, "%s:%ld: %s", l->file, line, msg) < 0) *l->err = NULL;
    free(msg);
}

static bool oom(loader *l, long line)
{
    lerr(l, line, "out of memory");
    return false;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_ws(**s))
        (*s)++;
    while (*e > *s && is_ws((*e)[-1]))
        (*e)--;
}

static bool set_content(loader *l, tnode *n, int kind, const char *v, bool interp)
{
    if (n->content != C_CHILDREN) {
        lerr(l, n->line, "g:text, g:msg, g:datetime and g:date cannot be combined on one element");
        return false;
    }
    n->content = kind;
    n->content_expr = arena_strndup(l->a, v, strlen(v));
    n->content_interp = interp;
    return n->content_expr || oom(l, n->line);
}

static bool check_msg_key(loader *l, tnode *n, const char *d, const char *v, bool *interp)
{
    *interp = strchr(v, '{') != NULL;
    if (*interp ? is_interp(v) : is_msg_key(v, strlen(v))) return true;
    lerr(l, n->line,
         "g:%s=\"%s\": a message key is letters, digits, '_', '-', '.' and {path} parts", d, v);
    return false;
}

static bool add_dattr(loader *l, tnode *n, const char *d, const char *name, size_t name_len,
                      const char *expr, size_t expr_len)
{
    char *nm = arena_strndup(l->a, name, name_len);
    char *ex = arena_strndup(l->a, expr, expr_len);
    dattr *arr = arena_alloc(l->a, (n->n_dattrs + 1) * sizeof *arr);
    if (!nm || !ex || !arr) return oom(l, n->line);
    if (!is_attr_name(nm)) {
        lerr(l, n->line, "g:%s: \"%s\" is not an attribute name", d, nm);
        return false;
    }
    /* A fixed catalogue key is text we wrote, like the template: a <meta name="description">
     * may take its content from one (never from the model, never through a {path} key). */
    bool fixed_msg = strcmp(d, "msg-attr") == 0 && !memchr(expr, '{', expr_len);
    if (strncasecmp(nm, "on", 2) == 0 || strcasecmp(nm, "style") == 0 ||
        strcasecmp(nm, "srcdoc") == 0 ||
        (in_list(nm, no_dynamic_attrs) && !(fixed_msg && strcasecmp(nm, "content") == 0))) {
        lerr(l, n->line, "g:%s: attribute \"%s\" may not be set from data", d, nm);
        return false;
    }
    for (size_t i = 0; i < n->n_dattrs; i++) {
        if (strcasecmp(n->dattrs[i].name, nm) == 0) {
            lerr(l, n->line, "g:%s: attribute \"%s\" is set twice", d, nm);
            return false;
        }
    }
    dattr da = {
        .name = nm, .expr = ex, .url = in_list(nm, url_attrs), .boolean = in_list(nm, bool_attrs)};
    if (strcmp(d, "msg-attr") == 0) {
        da.msg = true;
        if (!check_msg_key(l, n, d, ex, &da.interp)) return false;
    } else {
        da.interp = strchr(ex, '{') != NULL;
        if (da.interp ? !is_interp(ex) : !is_path(ex, expr_len)) {
            lerr(l, n->line, "g:%s: \"%s\" is neither a path nor a string with {path} parts", d,
                 ex);
            return false;
        }
    }
    if (n->n_dattrs) memcpy(arr, n->dattrs, n->n_dattrs * sizeof *arr);
    arr[n->n_dattrs++] = da;
    n->dattrs = arr;
    return true;
}

/* "name expr; name expr" */
static bool parse_attr_list(loader *l, tnode *n, const char *d, const char *v)
{
    const char *p = v;
    for (;;) {
        const char *e = strchr(p, ';');
        if (!e) e = p + strlen(p);
        const char *s = p, *end = e;
        trim(&s, &end);
        if (s < end) {
            const char *sp = s;
            while (sp < end && !is_ws(*sp))
                sp++;
            const char *xs = sp, *xe = end;
            trim(&xs, &xe);
            if (xs == xe) {
                lerr(l, n->line, "g:%s: \"%.*s\" needs an attribute name and a value", d,
                     (int)(end - s), s);
                return false;
            }
            if (!add_dattr(l, n, d, s, (size_t)(sp - s), xs, (size_t)(xe - xs))) return false;
        }
        if (!*e) return true;
        p = e + 1;
    }
}

static bool parse_repeat(loader *l, tnode *n, const char *v)
{
    const char *s = v, *e = v + strlen(v);
    trim(&s, &e);
    const char *var_end = s;
    while (var_end < e && !is_ws(*var_end))
        var_end++;
    const char *p = var_end;
    while (p < e && is_ws(*p))
        p++;
    bool ok =
        is_ident(s, (size_t)(var_end - s)) && e - p > 3 && strncmp(p, "in", 2) == 0 && is_ws(p[2]);
    const char *path = p + 2;
    if (ok) {
        while (path < e && is_ws(*path))
            path++;
        ok = is_path(path, (size_t)(e - path));
    }
    if (!ok) {
        lerr(l, n->line, "g:repeat=\"%s\": expected \"name in path\"", v);
        return false;
    }
    size_t vl = (size_t)(var_end - s);
    if ((vl == 4 && strncmp(s, "loop", 4) == 0) || (vl == 4 && strncmp(s, "lang", 4) == 0)) {
        lerr(l, n->line, "g:repeat: \"%.*s\" is a reserved name", (int)vl, s);
        return false;
    }
    n->repeat_var = arena_strndup(l->a, s, vl);
    n->repeat_var_len = vl;
    n->repeat_path = arena_strndup(l->a, path, (size_t)(e - path));
    return (n->repeat_var && n->repeat_path) || oom(l, n->line);
}

/* "path", "path == literal" or "path != literal"; literal: 'text', number, true/false/null */
static bool parse_cond(loader *l, tnode *n, const char *d, const char *v)
{
    cond c = {.negate = strcmp(d, "unless") == 0};
    const char *s = v, *e = v + strlen(v);
    trim(&s, &e);
    const char *pe = s;
    while (pe < e && (is_ident_char(*pe) || *pe == '.'))
        pe++;
    bool ok = is_path(s, (size_t)(pe - s));
    const char *p = pe;
    while (p < e && is_ws(*p))
        p++;
    if (ok && p < e) {
        if (e - p >= 2 && (p[0] == '=' || p[0] == '!') && p[1] == '=') {
            c.op = p[0] == '=' ? OP_EQ : OP_NE;
            p += 2;
            while (p < e && is_ws(*p))
                p++;
            size_t ll = (size_t)(e - p);
            char *endnum = NULL;
            if (ll >= 2 && p[0] == '\'' && e[-1] == '\'' && !memchr(p + 1, '\'', ll - 2)) {
                c.lit_kind = L_STR;
                c.lit_str = arena_strndup(l->a, p + 1, ll - 2);
                c.lit_len = ll - 2;
                if (!c.lit_str) return oom(l, n->line);
            } else if (ll == 4 && strncmp(p, "true", 4) == 0) {
                c.lit_kind = L_TRUE;
            } else if (ll == 5 && strncmp(p, "false", 5) == 0) {
                c.lit_kind = L_FALSE;
            } else if (ll == 4 && strncmp(p, "null", 4) == 0) {
                c.lit_kind = L_NULL;
            } else if (ll > 0 && ll < 32 && (p[0] == '-' || (p[0] >= '0' && p[0] <= '9'))) {
                char tmp[32];
                memcpy(tmp, p, ll);
                tmp[ll] = '\0';
                c.lit_kind = L_NUM;
                c.lit_num = strtod(tmp, &endnum);
                ok = *endnum == '\0';
            } else {
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    if (!ok) {
        lerr(l, n->line,
             "g:%s=\"%s\": expected \"path\", \"path == literal\" or \"path != literal\" "
             "(literal: 'text', a number, true, false, null)",
             d, v);
        return false;
    }
    if (n->n_conds == 2 || (n->n_conds == 1 && n->conds[0].negate == c.negate)) {
        lerr(l, n->line, "g:%s given twice", d);
        return false;
    }
    c.path = arena_strndup(l->a, s, (size_t)(pe - s));
    if (!c.path) return oom(l, n->line);
    n->conds[n->n_conds++] = c;
    return true;
}

static bool directive(loader *l, tnode *n, const char *d, const char *v, bool is_root)
{
    bool interp = false;
    if (strcmp(d, "text") == 0) {
        if (is_path(v, strlen(v))) return set_content(l, n, C_TEXT, v, false);
        lerr(l, n->line, "g:text=\"%s\": expected a path like item.name", v);
        return false;
    }
    if (strcmp(d, "datetime") == 0 || strcmp(d, "date") == 0) {
        /* a date or time in Japan time, one format per language (render/datetime.h) */
        if (!n->name || strcmp(n->name, "time") != 0) {
            lerr(l, n->line, "g:%s belongs on a <time> element", d);
            return false;
        }
        if (is_path(v, strlen(v)))
            return set_content(l, n, strcmp(d, "date") == 0 ? C_DATE : C_DATETIME, v, false);
        lerr(l, n->line, "g:%s=\"%s\": expected a path like item.created_at", d, v);
        return false;
    }
    if (strcmp(d, "msg") == 0)
        return check_msg_key(l, n, d, v, &interp) && set_content(l, n, C_MSG, v, interp);
    if (strcmp(d, "attr") == 0 || strcmp(d, "msg-attr") == 0) return parse_attr_list(l, n, d, v);
    if (strcmp(d, "repeat") == 0) return parse_repeat(l, n, v);
    if (strcmp(d, "if") == 0 || strcmp(d, "unless") == 0) return parse_cond(l, n, d, v);
    if (strcmp(d, "slot") == 0) {
        if (!is_ident(v, strlen(v))) {
            lerr(l, n->line, "g:slot=\"%s\": a slot name is an identifier", v);
            return false;
        }
        n->slot = arena_strndup(l->a, v, strlen(v));
        return n->slot || oom(l, n->line);
    }
    if (strcmp(d, "layout") == 0) {
        if (!is_root) {
            lerr(l, n->line, "g:layout belongs on the root element");
            return false;
        }
        size_t len = strlen(v);
        bool ok = len > 0 && len <= MAX_EXPR;
        for (size_t i = 0; ok && i < len; i++)
            ok = is_ident_char(v[i]) || v[i] == '/';
        if (!ok) {
            lerr(l, n->line, "g:layout=\"%s\": expected a template name", v);
            return false;
        }
        n->layout = arena_strndup(l->a, v, len);
        return n->layout || oom(l, n->line);
    }
    lerr(l, n->line,
         "unknown directive g:%s (known: text, attr, msg, msg-attr, repeat, if, "
         "unless, slot, layout, datetime, date)",
         d);
    return false;
}

static bool is_g_ns(const xmlNs *ns)
{
    return ns && ns->href && strcmp((const char *)ns->href, GK_TEMPLATE_NS) == 0;
}

static bool all_ws(const char *s)
{
    for (; *s; s++)
        if (!is_ws(*s)) return false;
    return true;
}

/* Writes the static attributes, pre-escaped, skipping those a directive sets. */
static bool compile_static_attrs(loader *l, tnode *n, xmlNode *x)
{
    gk_buf sb = GK_BUF_INIT;
    char qname[256];
    for (xmlAttr *a = x->properties; a; a = a->next) {
        if (is_g_ns(a->ns)) continue;
        const char *local = (const char *)a->name;
        if (a->ns && a->ns->prefix)
            snprintf(qname, sizeof qname, "%s:%s", (const char *)a->ns->prefix, local);
        else
            snprintf(qname, sizeof qname, "%s", local);
        const char *why = NULL;
        if (!a->ns && strchr(local, ':'))
            why = "has an undeclared namespace prefix";
        else if (strncasecmp(local, "on", 2) == 0)
            why = "is an event handler: inline script is forbidden (CSP)";
        else if (strcasecmp(local, "style") == 0)
            why = "is an inline style, forbidden (CSP): use a class from giteki.css";
        if (why) {
            lerr(l, n->line, "attribute %s %s", qname, why);
            gk_buf_free(&sb);
            return false;
        }
        if (n->is_html && (strcmp(qname, "lang") == 0 || strcmp(qname, "xml:lang") == 0))
            continue; /* written from the request's language */
        bool overridden = false;
        for (size_t i = 0; i < n->n_dattrs; i++)
            overridden |= strcasecmp(n->dattrs[i].name, qname) == 0;
        if (overridden) continue;
        xmlChar *v = xmlNodeGetContent((xmlNode *)a);
        if (!v) {
            gk_buf_free(&sb);
            return oom(l, n->line);
        }
        const char *vs = (const char *)v;
        if (in_list(qname, url_attrs) && !gk_url_is_safe(vs, strlen(vs)))
            why = "is not a relative path (/x, ?x, #x) or an http(s) URL";
        else if (strcasecmp(qname, "http-equiv") == 0 && strcasecmp(vs, "refresh") == 0)
            why = "(a refresh) is not allowed";
        if (why) {
            lerr(l, n->line, "%s=\"%s\" %s", qname, vs, why);
            xmlFree(v);
            gk_buf_free(&sb);
            return false;
        }
        gk_buf_appendf(&sb, " %s=\"", qname);
        gk_buf_append_html(&sb, vs, strlen(vs));
        gk_buf_putc(&sb, '"');
        xmlFree(v);
    }
    if (sb.failed) return oom(l, n->line);
    n->attrs = sb.len ? arena_strndup(l->a, sb.data, sb.len) : "";
    n->attrs_len = sb.len;
    gk_buf_free(&sb);
    return n->attrs || oom(l, n->line);
}

static tnode *compile_elem(loader *l, xmlNode *x, bool is_root);

static tnode *compile_text(loader *l, const char *s, unsigned line)
{
    tnode *t = arena_alloc(l->a, sizeof *t);
    gk_buf b = GK_BUF_INIT;
    gk_buf_append_html(&b, s, strlen(s));
    if (t && !b.failed) {
        t->kind = N_TEXT;
        t->line = line;
        t->text_len = b.len;
        t->text = b.len ? arena_strndup(l->a, b.data, b.len) : "";
    }
    gk_buf_free(&b);
    if (!t || !t->text) {
        oom(l, line);
        return NULL;
    }
    return t;
}

static bool compile_children(loader *l, tnode *n, xmlNode *x)
{
    bool raw_text = n->name && (strcmp(n->name, "script") == 0 || strcmp(n->name, "style") == 0);
    size_t count = 0;
    for (xmlNode *c = x->children; c; c = c->next) {
        if (c->type == XML_ENTITY_REF_NODE) {
            lerr(l, xmlGetLineNo(c) > 0 ? xmlGetLineNo(c) : n->line,
                 "entity reference &%s; is not allowed: write the character itself or &#NNN;",
                 (const char *)c->name);
            return false;
        }
        bool text = c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE;
        if (c->type != XML_ELEMENT_NODE && !text) continue;
        if (text && (n->is_void || raw_text) && all_ws((const char *)c->content)) continue;
        if (n->is_void || raw_text) {
            lerr(l, n->line, "<%s> must be empty%s", n->name,
                 raw_text ? ": inline script and style are forbidden (CSP)" : "");
            return false;
        }
        count++;
    }
    if (!count) return true;
    n->kids = arena_alloc(l->a, count * sizeof *n->kids);
    if (!n->kids) return oom(l, n->line);
    for (xmlNode *c = x->children; c; c = c->next) {
        tnode *k = NULL;
        if (c->type == XML_ELEMENT_NODE)
            k = compile_elem(l, c, false);
        else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            k = compile_text(l, (const char *)c->content, n->line);
        else
            continue;
        if (!k) return false;
        n->kids[n->n_kids++] = k;
    }
    return true;
}

static tnode *compile_elem(loader *l, xmlNode *x, bool is_root)
{
    tnode *n = arena_alloc(l->a, sizeof *n);
    if (!n) {
        oom(l, xmlGetLineNo(x));
        return NULL;
    }
    n->kind = N_ELEM;
    long line = xmlGetLineNo(x);
    n->line = line > 0 ? (unsigned)line : 0;
    const char *local = (const char *)x->name;
    if (is_g_ns(x->ns)) {
        if (strcmp(local, "block") != 0) {
            lerr(l, n->line, "unknown element g:%s (only g:block exists)", local);
            return NULL;
        }
    } else {
        n->name = arena_strndup(l->a, local, strlen(local));
        if (!n->name) {
            oom(l, n->line);
            return NULL;
        }
        n->is_void = in_list(local, void_elements);
        n->is_html = is_root && strcmp(local, "html") == 0;
    }
    for (xmlAttr *a = x->properties; a; a = a->next) {
        if (!is_g_ns(a->ns)) continue;
        xmlChar *v = xmlNodeGetContent((xmlNode *)a);
        if (!v) {
            oom(l, n->line);
            return NULL;
        }
        bool ok = directive(l, n, (const char *)a->name, (const char *)v, is_root);
        xmlFree(v);
        if (!ok) return NULL;
    }
    if (!compile_static_attrs(l, n, x)) return NULL;
    if (!n->name && n->n_dattrs) {
        lerr(l, n->line, "g:block has no tag to carry g:attr / g:msg-attr");
        return NULL;
    }
    if (n->is_void && n->content != C_CHILDREN) {
        lerr(l, n->line, "<%s> is a void element and cannot take g:text or g:msg", n->name);
        return NULL;
    }
    if (n->content == C_CHILDREN && !compile_children(l, n, x)) return NULL;
    if (n->content != C_CHILDREN && n->name &&
        (strcmp(n->name, "script") == 0 || strcmp(n->name, "style") == 0)) {
        lerr(l, n->line, "<%s> cannot take text: inline script and style are forbidden (CSP)",
             n->name);
        return NULL;
    }
    return n;
}

/* A page that names a layout: the root holds only slot fillers, each a g:slot element
 * whose content (children, g:text or g:msg) replaces the layout's slot content. */
static bool check_page(loader *l, const tnode *root)
{
    if (root->n_dattrs || root->n_conds || root->repeat_var || root->slot ||
        root->content != C_CHILDREN) {
        lerr(l, root->line, "the root of a page with g:layout takes no other directive");
        return false;
    }
    for (size_t i = 0; i < root->n_kids; i++) {
        const tnode *k = root->kids[i];
        if (k->kind == N_TEXT) {
            if (all_ws(k->text)) continue;
            lerr(l, root->line, "text outside a g:slot element in a page with g:layout");
            return false;
        }
        if (!k->slot) {
            lerr(l, k->line, "<%s> is outside a g:slot element in a page with g:layout",
                 k->name ? k->name : "g:block");
            return false;
        }
        if (k->n_dattrs || k->n_conds || k->repeat_var) {
            lerr(l, k->line, "a slot filler takes only g:slot plus g:text or g:msg");
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (root->kids[j]->kind == N_ELEM && strcmp(root->kids[j]->slot, k->slot) == 0) {
                lerr(l, k->line, "slot \"%s\" filled twice", k->slot);
                return false;
            }
        }
    }
    return true;
}

static bool has_slot(const tnode *n, const char *name)
{
    if (n->kind != N_ELEM) return false;
    if (n->slot && strcmp(n->slot, name) == 0) return true;
    for (size_t i = 0; i < n->n_kids; i++)
        if (has_slot(n->kids[i], name)) return true;
    return false;
}

static xmlDoc *parse_file(loader *l, const char *path)
{
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        oom(l, 0);
        return NULL;
    }
    /* No network, no DTD loading, no entity substitution (XML_PARSE_NOENT/DTDLOAD absent):
     * a template cannot pull in another file. Errors are collected, not printed. */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    xmlDoc *doc = xmlCtxtReadFile(ctxt, path, NULL, opts);
    if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        const char *m = e && e->message ? e->message : "parse error";
        size_t ml = strlen(m);
        while (ml && is_ws(m[ml - 1]))
            ml--;
        lerr(l, e ? e->line : 0, "not well-formed XML: %.*s", (int)ml, m);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* ------------------------------------------------------------------ loading */

typedef struct {
    char **v;
    size_t n, cap;
} strlist;

static void strlist_free(strlist *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static int strlist_add(strlist *s, char *str)
{
    if (!str) return -1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            free(str);
            return -1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = str;
    return 0;
}

/* Collects "<rel>.xhtml" paths relative to root. -1 with *why on error. */
static int collect(const char *root, const char *rel, int depth, strlist *out, const char **why)
{
    char *dirpath = NULL;
    if (asprintf(&dirpath, "%s%s%s", root, *rel ? "/" : "", rel) < 0) {
        *why = "out of memory";
        return -1;
    }
    DIR *d = opendir(dirpath);
    if (!d) {
        free(dirpath);
        *why = "cannot open the template folder";
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char *full = NULL, *sub = NULL;
        if (asprintf(&full, "%s/%s", dirpath, de->d_name) < 0) full = NULL;
        if (asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0) sub = NULL;
        struct stat st;
        if (!full || !sub) {
            *why = "out of memory";
            rc = -1;
        } else if (stat(full, &st) != 0) {
            /* a dangling link: not a template */
        } else if (S_ISDIR(st.st_mode) && depth < MAX_DIR_DEPTH) {
            rc = collect(root, sub, depth + 1, out, why);
        } else if (S_ISREG(st.st_mode) && strlen(sub) > 6 &&
                   strcmp(sub + strlen(sub) - 6, ".xhtml") == 0) {
            rc = strlist_add(out, sub);
            sub = NULL;
            if (rc) *why = "out of memory";
        }
        free(full);
        free(sub);
    }
    closedir(d);
    free(dirpath);
    return rc;
}

static int cmp_tmpl(const void *a, const void *b)
{
    return strcmp(((const tmpl *)a)->name, ((const tmpl *)b)->name);
}

static const tmpl *find_tmpl(const gk_templates *t, const char *name)
{
    if (!t || !name) return NULL;
    tmpl key = {.name = name};
    return bsearch(&key, t->items, t->n, sizeof *t->items, cmp_tmpl);
}

void gk_templates_free(gk_templates *t)
{
    if (!t) return;
    arena_free(&t->a);
    free(t);
}

static bool compile_file(loader *l, tmpl *out, const char *dir, const char *rel)
{
    size_t rl = strlen(rel);
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, rel) < 0) return oom(l, 0);
    out->file = arena_strndup(l->a, path, strlen(path));
    out->name = arena_strndup(l->a, rel, rl - 6);
    l->file = out->file ? out->file : rel;
    if (!out->file || !out->name) {
        free(path);
        return oom(l, 0);
    }
    xmlDoc *doc = parse_file(l, path);
    free(path);
    if (!doc) return false;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (root)
        out->root = compile_elem(l, root, true);
    else
        lerr(l, 1, "no root element");
    xmlFreeDoc(doc);
    if (!out->root) return false;
    return !out->root->layout || check_page(l, out->root);
}

static bool link_layouts(loader *l, gk_templates *t)
{
    for (size_t i = 0; i < t->n; i++) {
        tmpl *p = &t->items[i];
        if (!p->root->layout) continue;
        l->file = p->file;
        const tmpl *lay = find_tmpl(t, p->root->layout);
        if (!lay || lay->root->layout) {
            lerr(l, p->root->line, "g:layout=\"%s\": %s", p->root->layout,
                 lay ? "a layout cannot itself use a layout" : "no such template");
            return false;
        }
        for (size_t k = 0; k < p->root->n_kids; k++) {
            const tnode *f = p->root->kids[k];
            if (f->kind == N_ELEM && !has_slot(lay->root, f->slot)) {
                lerr(l, f->line, "layout \"%s\" has no slot \"%s\"", lay->name, f->slot);
                return false;
            }
        }
        p->layout = lay;
    }
    return true;
}

gk_templates *gk_templates_load(const char *dir, char **err)
{
    if (err) *err = NULL;
    xmlInitParser();
    gk_templates *t = calloc(1, sizeof *t);
    strlist files = {0};
    const char *why = NULL;
    loader l = {.file = dir, .err = err};
    if (!t) {
        lerr(&l, 0, "out of memory");
        return NULL;
    }
    l.a = &t->a;
    if (collect(dir, "", 0, &files, &why) != 0) {
        lerr(&l, 0, "%s", why);
        goto fail;
    }
    if (files.n == 0) {
        lerr(&l, 0, "no *.xhtml templates found");
        goto fail;
    }
    t->items = arena_alloc(&t->a, files.n * sizeof *t->items);
    if (!t->items) {
        lerr(&l, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < files.n; i++) {
        if (!compile_file(&l, &t->items[i], dir, files.v[i])) goto fail;
        t->n++;
    }
    qsort(t->items, t->n, sizeof *t->items, cmp_tmpl);
    if (!link_layouts(&l, t)) goto fail;
    strlist_free(&files);
    return t;
fail:
    strlist_free(&files);
    gk_templates_free(t);
    return NULL;
}

bool gk_templates_has(const gk_templates *t, const char *name)
{
    return find_tmpl(t, name) != NULL;
}

static bool check_node_messages(loader *l, const tnode *n, const gk_messages *msgs)
{
    if (n->kind != N_ELEM) return true;
    if (n->content == C_MSG && !n->content_interp && !gk_messages_has(msgs, n->content_expr)) {
        lerr(l, n->line, "message key '%s' is not in the catalogue", n->content_expr);
        return false;
    }
    for (size_t i = 0; i < n->n_dattrs; i++) {
        const dattr *d = &n->dattrs[i];
        if (d->msg && !d->interp && !gk_messages_has(msgs, d->expr)) {
            lerr(l, n->line, "message key '%s' is not in the catalogue", d->expr);
            return false;
        }
    }
    for (size_t i = 0; i < n->n_kids; i++)
        if (!check_node_messages(l, n->kids[i], msgs)) return false;
    return true;
}

int gk_templates_check_messages(const gk_templates *t, const gk_messages *msgs, char **err)
{
    if (err) *err = NULL;
    loader l = {.err = err};
    for (size_t i = 0; t && i < t->n; i++) {
        l.file = t->items[i].file;
        if (!check_node_messages(&l, t->items[i].root, msgs)) return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ rendering */

typedef struct scope {
    const char *var;
    size_t var_len;
    const json_t *item;
    size_t index, count;
    const struct scope *up;
} scope;

typedef struct {
    gk_buf *out;
    const json_t *model;
    const gk_messages *msgs;
    const char *lang;
    const tnode *page; /* the page whose slot fillers the layout being rendered takes */
    gk_buf key, val;   /* scratch: a built message key, an attribute value */
    bool nomem;
} rctx;

enum { V_NONE, V_JSON, V_INT, V_BOOL, V_STR };
typedef struct {
    int kind;
    const json_t *j;
    long long i;
    const char *s;
} val;

static val resolve_loop(const scope *s, const char *p, const char *end)
{
    val v = {.kind = V_NONE};
    if (!s || p >= end || *p != '.') return v;
    p++;
    size_t n = (size_t)(end - p);
#define IS(w) (n == sizeof(w) - 1 && memcmp(p, w, n) == 0)
    if (IS("index"))
        v = (val){V_INT, NULL, (long long)s->index, NULL};
    else if (IS("number"))
        v = (val){V_INT, NULL, (long long)s->index + 1, NULL};
    else if (IS("length"))
        v = (val){V_INT, NULL, (long long)s->count, NULL};
    else if (IS("first"))
        v = (val){V_BOOL, NULL, s->index == 0, NULL};
    else if (IS("last"))
        v = (val){V_BOOL, NULL, s->index + 1 == s->count, NULL};
#undef IS
    return v;
}

static val resolve(const rctx *c, const scope *s, const char *path, size_t len)
{
    const char *p = path, *end = path + len;
    const char *dot = memchr(p, '.', len);
    const char *seg_end = dot ? dot : end;
    size_t l1 = (size_t)(seg_end - p);
    const json_t *cur = NULL;
    const scope *sc;
    for (sc = s; sc; sc = sc->up)
        if (sc->var_len == l1 && memcmp(sc->var, p, l1) == 0) break;
    if (sc) {
        cur = sc->item;
    } else if (l1 == 4 && memcmp(p, "loop", 4) == 0) {
        return resolve_loop(s, seg_end, end);
    } else if (l1 == 4 && memcmp(p, "lang", 4) == 0) {
        return dot ? (val){.kind = V_NONE} : (val){V_STR, NULL, 0, c->lang};
    } else if (json_is_object(c->model)) {
        cur = json_object_getn(c->model, p, l1);
    }
    for (p = seg_end; cur && p < end; p = seg_end) {
        p++;
        seg_end = memchr(p, '.', (size_t)(end - p));
        if (!seg_end) seg_end = end;
        size_t sl = (size_t)(seg_end - p);
        if (json_is_object(cur)) {
            cur = json_object_getn(cur, p, sl);
        } else if (json_is_array(cur) && sl <= 9) {
            size_t idx = 0;
            for (size_t i = 0; i < sl && cur; i++) {
                if (p[i] < '0' || p[i] > '9') cur = NULL;
                idx = idx * 10 + (size_t)(p[i] - '0');
            }
            if (cur) cur = json_array_get(cur, idx);
        } else {
            cur = NULL;
        }
    }
    return cur ? (val){V_JSON, cur, 0, NULL} : (val){.kind = V_NONE};
}

/* The text of a scalar; false for nothing (missing, null, arrays, objects). */
static bool value_text(val v, char tmp[64], const char **s, size_t *n)
{
    const json_t *j = v.j;
    switch (v.kind) {
    case V_STR:
        *s = v.s;
        *n = strlen(v.s);
        return true;
    case V_INT:
        *n = (size_t)snprintf(tmp, 64, "%lld", v.i);
        *s = tmp;
        return true;
    case V_BOOL:
        *s = v.i ? "true" : "false";
        *n = strlen(*s);
        return true;
    case V_JSON:
        break;
    default:
        return false;
    }
    if (json_is_string(j)) {
        *s = json_string_value(j);
        *n = json_string_length(j);
        /* an embedded NUL would end the text in a C consumer; stop there too */
        *n = strnlen(*s, *n);
    } else if (json_is_integer(j)) {
        *n = (size_t)snprintf(tmp, 64, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        *s = tmp;
    } else if (json_is_real(j)) {
        *n = (size_t)snprintf(tmp, 64, "%.15g", json_real_value(j));
        *s = tmp;
    } else if (json_is_boolean(j)) {
        *s = json_is_true(j) ? "true" : "false";
        *n = strlen(*s);
    } else {
        return false;
    }
    return true;
}

static bool truthy(val v)
{
    switch (v.kind) {
    case V_INT:
    case V_BOOL:
        return v.i != 0;
    case V_STR:
        return v.s[0] != '\0';
    case V_JSON:
        break;
    default:
        return false;
    }
    const json_t *j = v.j;
    switch (json_typeof(j)) {
    case JSON_TRUE:
        return true;
    case JSON_STRING:
        return json_string_length(j) > 0;
    case JSON_INTEGER:
        return json_integer_value(j) != 0;
    case JSON_REAL:
        return json_real_value(j) != 0.0;
    case JSON_ARRAY:
        return json_array_size(j) > 0;
    case JSON_OBJECT:
        return true;
    default:
        return false;
    }
}

static bool equals(val v, const cond *c)
{
    const json_t *j = v.kind == V_JSON ? v.j : NULL;
    switch (c->lit_kind) {
    case L_NULL:
        return v.kind == V_NONE || json_is_null(j);
    case L_TRUE:
    case L_FALSE: {
        bool want = c->lit_kind == L_TRUE;
        if (v.kind == V_BOOL) return (v.i != 0) == want;
        return json_is_boolean(j) && json_is_true(j) == want;
    }
    case L_NUM:
        if (v.kind == V_INT) return (double)v.i == c->lit_num;
        return json_is_number(j) && json_number_value(j) == c->lit_num;
    default:
        if (v.kind == V_STR)
            return strlen(v.s) == c->lit_len && !memcmp(v.s, c->lit_str, c->lit_len);
        return json_is_string(j) && json_string_length(j) == c->lit_len &&
               memcmp(json_string_value(j), c->lit_str, c->lit_len) == 0;
    }
}

static bool cond_holds(const rctx *c, const scope *s, const cond *k)
{
    val v = resolve(c, s, k->path, strlen(k->path));
    bool r = k->op == OP_TRUTHY ? truthy(v) : (equals(v, k) == (k->op == OP_EQ));
    return k->negate ? !r : r;
}

enum { ENC_RAW, ENC_HTML, ENC_PCT };

static void put_enc(gk_buf *b, const char *s, size_t n, int enc)
{
    if (enc == ENC_RAW) {
        gk_buf_append(b, s, n);
    } else if (enc == ENC_HTML) {
        gk_buf_append_html(b, s, n);
    } else {
        static const char hex[] = "0123456789ABCDEF";
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (is_ident_char((char)ch) || ch == '.' || ch == '~') {
                gk_buf_putc(b, (char)ch);
            } else {
                char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
                gk_buf_append(b, e, 3);
            }
        }
    }
}

static bool put_value(gk_buf *b, val v, int enc)
{
    char tmp[64];
    const char *s;
    size_t n;
    if (!value_text(v, tmp, &s, &n)) return false;
    put_enc(b, s, n, enc);
    return true;
}

/* Literal text with {path} parts; a brace that does not open a valid path is literal (only
 * message texts can hold one: template strings were checked at load). */
static void emit_interp(const rctx *c, const scope *s, const char *str, gk_buf *b, int lit_enc,
                        int val_enc)
{
    size_t len = strlen(str), start = 0, i = 0;
    while (i < len) {
        if (str[i] == '{') {
            const char *close = memchr(str + i + 1, '}', len - i - 1);
            size_t pl = close ? (size_t)(close - (str + i + 1)) : 0;
            if (close && is_path(str + i + 1, pl)) {
                put_enc(b, str + start, i - start, lit_enc);
                put_value(b, resolve(c, s, str + i + 1, pl), val_enc);
                i = start = (size_t)(close - str) + 1;
                continue;
            }
        }
        i++;
    }
    put_enc(b, str + start, len - start, lit_enc);
}

/* The message text for a key that may be built from the model; NULL on OOM. */
static const char *message(rctx *c, const scope *s, const char *key, bool interp)
{
    if (interp) {
        gk_buf_reset(&c->key);
        emit_interp(c, s, key, &c->key, ENC_RAW, ENC_RAW);
        if (c->key.failed) {
            c->nomem = true;
            return NULL;
        }
        key = gk_buf_cstr(&c->key);
    }
    return gk_messages_get(c->msgs, c->lang, key);
}

static void render_dattr(rctx *c, const dattr *d, const scope *s)
{
    gk_buf *v = &c->val;
    gk_buf_reset(v);
    if (d->msg) {
        const char *t = message(c, s, d->expr, d->interp);
        if (!t) return;
        emit_interp(c, s, t, v, ENC_RAW, ENC_RAW);
    } else if (d->interp) {
        emit_interp(c, s, d->expr, v, ENC_RAW, d->url ? ENC_PCT : ENC_RAW);
    } else {
        val x = resolve(c, s, d->expr, strlen(d->expr));
        bool is_bool = x.kind == V_BOOL || (x.kind == V_JSON && json_is_boolean(x.j));
        if (is_bool && d->boolean) {
            if (truthy(x)) gk_buf_appendf(c->out, " %s", d->name);
            return;
        }
        if (!put_value(v, x, ENC_RAW)) return; /* null or missing: no attribute */
    }
    if (v->failed) {
        c->nomem = true;
        return;
    }
    const char *s_val = gk_buf_cstr(v);
    size_t n = v->len;
    if (d->url && !gk_url_is_safe(s_val, n)) {
        s_val = "#";
        n = 1;
    }
    gk_buf_appendf(c->out, " %s=\"", d->name);
    gk_buf_append_html(c->out, s_val, n);
    gk_buf_putc(c->out, '"');
}

static void render_node(rctx *c, const tnode *n, const scope *s);

static void render_content(rctx *c, const tnode *n, const scope *s)
{
    if (n->content == C_TEXT) {
        put_value(c->out, resolve(c, s, n->content_expr, strlen(n->content_expr)), ENC_HTML);
    } else if (n->content == C_MSG) {
        const char *t = message(c, s, n->content_expr, n->content_interp);
        if (t) emit_interp(c, s, t, c->out, ENC_HTML, ENC_HTML);
    } else {
        for (size_t i = 0; i < n->n_kids; i++)
            render_node(c, n->kids[i], s);
    }
}

/* <time g:datetime="path"> / g:date: the element with its attributes and the datetime
 * attribute, the text in Japan time for the request's language (render/datetime.h); a value
 * that is no date is written as plain text (no <time> to mislead), a missing one not at all. */
static void render_time(rctx *c, const tnode *n, const scope *s)
{
    char tmp[64], text[GK_DT_TEXT], machine[GK_DT_TEXT];
    const char *v;
    size_t len;
    val x = resolve(c, s, n->content_expr, strlen(n->content_expr));
    if (!value_text(x, tmp, &v, &len) || len == 0) return;
    /* the formats are the catalogue's (ux.time.*); without a catalogue, the English ones */
    const char *fd = c->msgs ? gk_messages_get(c->msgs, c->lang, "ux.time.date") : NULL;
    const char *ft = c->msgs ? gk_messages_get(c->msgs, c->lang, "ux.time.datetime") : NULL;
    if (fd && !strchr(fd, '%')) fd = NULL; /* the key itself: no catalogue entry */
    if (ft && !strchr(ft, '%')) ft = NULL;
    if (!gk_datetime_format(v, len, fd, ft, n->content == C_DATETIME, text, machine)) {
        gk_buf_append_html(c->out, v, len);
        return;
    }
    gk_buf_puts(c->out, "<time");
    gk_buf_append(c->out, n->attrs, n->attrs_len);
    for (size_t i = 0; i < n->n_dattrs; i++)
        render_dattr(c, &n->dattrs[i], s);
    gk_buf_appendf(c->out, " datetime=\"%s\">", machine);
    gk_buf_append_html(c->out, text, strlen(text));
    gk_buf_puts(c->out, "</time>");
}

static const tnode *find_filler(const tnode *page, const char *slot)
{
    for (size_t i = 0; i < page->n_kids; i++) {
        const tnode *k = page->kids[i];
        if (k->kind == N_ELEM && strcmp(k->slot, slot) == 0) return k;
    }
    return NULL;
}

static void render_once(rctx *c, const tnode *n, const scope *s)
{
    for (size_t i = 0; i < n->n_conds; i++)
        if (!cond_holds(c, s, &n->conds[i])) return;
    if (n->content == C_DATETIME || n->content == C_DATE) {
        render_time(c, n, s);
        return;
    }
    if (n->name) {
        gk_buf_putc(c->out, '<');
        gk_buf_puts(c->out, n->name);
        gk_buf_append(c->out, n->attrs, n->attrs_len);
        if (n->is_html) {
            gk_buf_puts(c->out, " lang=\"");
            gk_buf_append_html(c->out, c->lang, strlen(c->lang));
            gk_buf_putc(c->out, '"');
        }
        for (size_t i = 0; i < n->n_dattrs; i++)
            render_dattr(c, &n->dattrs[i], s);
        gk_buf_putc(c->out, '>');
        if (n->is_void) return;
    }
    const tnode *filler = n->slot && c->page ? find_filler(c->page, n->slot) : NULL;
    if (filler) {
        /* The page's content is rendered at the page's top level, and cannot reach back
         * into the page's slots (no recursion through a slot name used twice). */
        const tnode *page = c->page;
        c->page = NULL;
        render_content(c, filler, NULL);
        c->page = page;
    } else {
        render_content(c, n, s);
    }
    if (n->name) {
        gk_buf_puts(c->out, "</");
        gk_buf_puts(c->out, n->name);
        gk_buf_putc(c->out, '>');
    }
}

static void render_node(rctx *c, const tnode *n, const scope *s)
{
    if (n->kind == N_TEXT) {
        gk_buf_append(c->out, n->text, n->text_len);
        return;
    }
    if (!n->repeat_var) {
        render_once(c, n, s);
        return;
    }
    val v = resolve(c, s, n->repeat_path, strlen(n->repeat_path));
    if (v.kind != V_JSON || !json_is_array(v.j)) return;
    size_t count = json_array_size(v.j);
    for (size_t i = 0; i < count; i++) {
        scope sc = {n->repeat_var, n->repeat_var_len, json_array_get(v.j, i), i, count, s};
        render_once(c, n, &sc);
    }
}

int gk_template_render(const gk_templates *t, const char *name, const json_t *model,
                       const gk_messages *msgs, const char *lang, gk_buf *out)
{
    const tmpl *tp = find_tmpl(t, name);
    if (!tp) return GK_RENDER_NOT_FOUND;
    if (out->failed) return GK_RENDER_NOMEM;
    size_t start = out->len;
    rctx c = {.out = out, .model = model, .msgs = msgs, .lang = lang ? lang : GK_LANG_DEFAULT};
    gk_buf_init(&c.key);
    gk_buf_init(&c.val);
    const tnode *root = tp->root;
    if (tp->layout) {
        c.page = tp->root;
        root = tp->layout->root;
    }
    if (root->name && strcmp(root->name, "html") == 0) gk_buf_puts(out, "<!DOCTYPE html>\n");
    render_node(&c, root, NULL);
    if (root->name && strcmp(root->name, "html") == 0) gk_buf_putc(out, '\n');
    gk_buf_free(&c.key);
    gk_buf_free(&c.val);
    if (out->failed || c.nomem) {
        out->failed = false;
        gk_buf_truncate(out, start);
        return GK_RENDER_NOMEM;
    }
    return GK_RENDER_OK;
}
