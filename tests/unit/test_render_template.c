/* The template engine: escaping, directives, URL policy, layouts, serialisation and load
 * failures. Templates are written into a mkdtemp folder under /tmp and removed afterwards. */
/* cmocka.h needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/template.h"

#define NS "xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:g=\"urn:giteki:template\""

/* ------------------------------------------------------------------ scratch folders */

static char *make_dir(void)
{
    char tmpl[] = "/tmp/gk_render_XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void write_file(const char *dir, const char *name, const char *content)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    if (slash && slash > path + strlen(dir)) {
        *slash = '\0';
        mkdir(path, 0700);
        *slash = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static void remove_dir(char *dir)
{
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* A fragment template: <div> with the namespaces, holding `body`. */
static void write_fragment(const char *dir, const char *name, const char *body)
{
    char *src = NULL;
    assert_true(asprintf(&src, "<div " NS ">%s</div>", body) > 0);
    write_file(dir, name, src);
    free(src);
}

static char *render(const gk_templates *t, const char *name, const char *model_json,
                    const gk_messages *msgs, const char *lang)
{
    json_error_t je;
    json_t *model = json_loads(model_json, 0, &je);
    if (!model) fail_msg("bad test model %s: %s", model_json, je.text);
    gk_buf b = GK_BUF_INIT;
    int rc = gk_template_render(t, name, model, msgs, lang, &b);
    json_decref(model);
    assert_int_equal(rc, GK_RENDER_OK);
    return gk_buf_steal(&b, NULL);
}

/* ------------------------------------------------------------------ render cases */

static const char *const EN_JSON =
    "{\"greet\": \"Hello\", \"count\": \"{n} items <b> & {missing}{not a path}\","
    " \"status.granted\": \"Granted\", \"ph\": \"Search \\\"{q}\\\"\"}";
static const char *const JA_JSON = "{\"greet\": \"こんにちは\", \"count\": \"{n} 件{missing}\","
                                   " \"status.granted\": \"認定\", \"ph\": \"「{q}」を検索\"}";

static const struct render_case {
    const char *what, *body, *model, *lang, *expect;
} render_cases[] = {
    {"text is escaped", "<p g:text=\"s\">placeholder</p>",
     "{\"s\": \"<script>alert(1)</script> & \\\"q\\\" 'a'\"}", "en",
     "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;</p>"},
    {"attribute values are escaped", "<a href=\"/x?a=1&amp;b=2\" g:attr=\"title t\"/>",
     "{\"t\": \"a\\\"b<c>&'\"}", "en",
     "<a href=\"/x?a=1&amp;b=2\" title=\"a&quot;b&lt;c&gt;&amp;&#39;\"></a>"},
    {"static text is escaped", "<p>1 &lt; 2 &amp;&amp; &#233; &#x3042;</p>", "{}", "en",
     "<p>1 &lt; 2 &amp;&amp; é あ</p>"},
    {"numbers, bools, null",
     "<b g:text=\"i\"/><b g:text=\"r\"/><b g:text=\"t\"/>"
     "<b g:text=\"f\"/><b g:text=\"n\"/><b g:text=\"o\"/>",
     "{\"i\": -42, \"r\": 1.5, \"t\": true, \"f\": false, \"n\": null, \"o\": {\"a\": 1}}", "en",
     "<b>-42</b><b>1.5</b><b>true</b><b>false</b><b></b><b></b>"},
    {"missing paths render empty",
     "<p g:text=\"a.b.c\">x</p><p g:text=\"s.deeper\"/>"
     "<a g:attr=\"title nope.x\"/><i g:repeat=\"x in nope\">r</i><b g:text=\"arr.7\"/>",
     "{\"s\": \"str\", \"arr\": [1]}", "en",
     "<p></p><p></p><a></a>"
     "<b></b>"},
    {"array index in a path", "<b g:text=\"arr.1.n\"/>", "{\"arr\": [{\"n\": 1}, {\"n\": 2}]}",
     "en", "<b>2</b>"},
    {"repeat sees item, outer names and loop",
     "<ul><li g:repeat=\"it in items\"><span g:text=\"loop.number\"/>:<span g:text=\"it.name\"/>"
     "/<span g:text=\"owner\"/>/<span g:text=\"loop.index\"/><b g:if=\"loop.last\">.</b></li></ul>",
     "{\"items\": [{\"name\": \"a\"}, {\"name\": \"<b>\"}], \"owner\": \"o\"}", "en",
     "<ul><li><span>1</span>:<span>a</span>/<span>o</span>/<span>0</span></li>"
     "<li><span>2</span>:<span>&lt;b&gt;</span>/<span>o</span>/<span>1</span><b>.</b></li></ul>"},
    {"nested repeat and g:block",
     "<g:block g:repeat=\"r in rows\"><i g:repeat=\"c in r.cells\""
     " g:text=\"c\"/>;</g:block>",
     "{\"rows\": [{\"cells\": [1, 2]}, {\"cells\": []}, {\"cells\": [\"x\"]}]}", "en",
     "<i>1</i><i>2</i>;;<i>x</i>;"},
    {"repeat over a non-array renders nothing",
     "<i g:repeat=\"x in o\">o</i><i g:repeat=\"x in s\""
     ">s</i>",
     "{\"o\": {\"a\": 1}, \"s\": \"abc\"}", "en", ""},
    {"inner repeat name shadows the outer one",
     "<g:block g:repeat=\"x in a\"><g:block g:repeat=\"x in x.b\" g:text=\"x\"/></g:block>",
     "{\"a\": [{\"b\": [\"p\", \"q\"]}]}", "en", "pq"},
    {"a model name as long as the repeat name is still the model's",
     "<g:block g:repeat=\"it in xs\"><b g:text=\"it\"/><b g:text=\"zz\"/></g:block>",
     "{\"xs\": [\"1\"], \"zz\": \"Z\"}", "en", "<b>1</b><b>Z</b>"},
    {"truthiness of if/unless",
     "<g:block g:repeat=\"v in vals\"><b g:if=\"v\">T</b><i g:unless=\"v\">F</i></g:block>"
     "<u g:if=\"missing\">M</u><u g:unless=\"missing\">m</u>",
     "{\"vals\": [null, false, \"\", 0, 0.0, [], \"x\", 1, true, {}, [0], -1]}", "en",
     "<i>F</i><i>F</i><i>F</i><i>F</i><i>F</i><i>F</i><b>T</b><b>T</b><b>T</b><b>T</b><b>T</b>"
     "<b>T</b><u>m</u>"},
    {"equality conditions",
     "<b g:if=\"s == 'granted'\">G</b><b g:if=\"s != 'granted'\">N</b><b g:if=\"n == 3\">3</b>"
     "<b g:if=\"n == 4\">4</b><b g:if=\"f == false\">F</b><b g:if=\"z == null\">Z</b>"
     "<b g:unless=\"s == 'rejected'\">U</b><b g:if=\"lang == 'en'\">E</b>",
     "{\"s\": \"granted\", \"n\": 3, \"f\": false}", "en",
     "<b>G</b><b>3</b><b>F</b><b>Z</b><b>U</b><b>E</b>"},
    {"if and unless together",
     "<b g:if=\"a\" g:unless=\"b\">x</b><b g:if=\"a\" g:unless=\"a\">y"
     "</b>",
     "{\"a\": 1, \"b\": 0}", "en", "<b>x</b>"},
    {"repeat filters per item with if", "<li g:repeat=\"x in xs\" g:if=\"x.on\" g:text=\"x.n\"/>",
     "{\"xs\": [{\"n\": 1, \"on\": true}, {\"n\": 2}, {\"n\": 3, \"on\": 1}]}", "en",
     "<li>1</li><li>3</li>"},
    {"interpolated attributes, URL parts percent-encoded",
     "<a g:attr=\"href /certificates/{c.number}?q={q}; class badge badge-{st}\">n</a>",
     "{\"c\": {\"number\": \"D20-0123001\"}, \"q\": \"a b&c/d\\\"\", \"st\": \"granted\"}", "en",
     "<a href=\"/certificates/D20-0123001?q=a%20b%26c%2Fd%22\" class=\"badge "
     "badge-granted\">n</a>"},
    {"boolean attributes",
     "<input type=\"checkbox\" g:attr=\"checked on; disabled off; "
     "aria-expanded on; data-x off\"/>",
     "{\"on\": true, \"off\": false}", "en",
     "<input type=\"checkbox\" checked aria-expanded=\"true\" data-x=\"false\">"},
    {"a directive replaces a static attribute; missing drops it",
     "<a href=\"/static\" g:attr=\"href u\"/><a href=\"/static\" title=\"t\" g:attr=\"href v\"/>",
     "{\"u\": \"/dyn\"}", "en", "<a href=\"/dyn\"></a><a title=\"t\"></a>"},
    {"void and raw-text elements",
     "<p>a<br/>b<img src=\"/i.png\" alt=\"\"/><hr/></p><textarea name=\"t\"/>"
     "<script src=\"/s.js\"/><div/><meta charset=\"utf-8\"/><input g:attr=\"value v\"/>",
     "{\"v\": 7}", "en",
     "<p>a<br>b<img src=\"/i.png\" alt=\"\"><hr></p><textarea name=\"t\"></textarea>"
     "<script src=\"/s.js\"></script><div></div><meta charset=\"utf-8\"><input value=\"7\">"},
    {"comments dropped, lang builtin", "<!-- secret --><p g:text=\"lang\"/><?pi x?>", "{}", "ja",
     "<p>ja</p>"},
    {"CDATA is text", "<p><![CDATA[<b>&]]></p>", "{}", "en", "<p>&lt;b&gt;&amp;</p>"},
    {"msg in the request language", "<p g:msg=\"greet\">x</p>", "{}", "ja", "<p>こんにちは</p>"},
    {"msg falls back to English for another language", "<p g:msg=\"greet\"/>", "{}", "fr",
     "<p>Hello</p>"},
    {"msg falls back to the key", "<p g:msg=\"no.such.key\"/>", "{}", "ja", "<p>no.such.key</p>"},
    {"msg placeholders are escaped, bad braces literal", "<p g:msg=\"count\"/>", "{\"n\": \"<3>\"}",
     "en", "<p>&lt;3&gt; items &lt;b&gt; &amp; {not a path}</p>"},
    {"msg key built from the model", "<span g:repeat=\"s in sts\" g:msg=\"status.{s}\"/>",
     "{\"sts\": [\"granted\", \"weird\"]}", "ja", "<span>認定</span><span>status.weird</span>"},
    {"msg-attr", "<input type=\"search\" g:msg-attr=\"placeholder ph; title greet\"/>",
     "{\"q\": \"a\\\"b\"}", "ja",
     "<input type=\"search\" placeholder=\"「a&quot;b」を検索\" title=\"こんにちは\">"},
};

static void test_render_cases(void **state)
{
    (void)state;
    char *dir = make_dir();
    char name[32];
    for (size_t i = 0; i < sizeof render_cases / sizeof *render_cases; i++) {
        snprintf(name, sizeof name, "c%02zu.xhtml", i);
        write_fragment(dir, name, render_cases[i].body);
    }
    write_file(dir, "messages/en.json", EN_JSON);
    write_file(dir, "messages/ja.json", JA_JSON);
    char msgdir[512], *err = NULL;
    snprintf(msgdir, sizeof msgdir, "%s/messages", dir);
    gk_messages *msgs = gk_messages_load(msgdir, &err);
    if (!msgs) fail_msg("messages: %s", err);
    gk_templates *t = gk_templates_load(dir, &err);
    if (!t) fail_msg("load: %s", err);
    for (size_t i = 0; i < sizeof render_cases / sizeof *render_cases; i++) {
        const struct render_case *c = &render_cases[i];
        snprintf(name, sizeof name, "c%02zu", i);
        char *out = render(t, name, c->model, msgs, c->lang);
        char *want = NULL;
        assert_true(asprintf(&want, "<div>%s</div>", c->expect) > 0);
        if (strcmp(out, want) != 0)
            fail_msg("case \"%s\"\n  got:  %s\n  want: %s", c->what, out, want);
        free(want);
        free(out);
    }
    gk_templates_free(t);
    gk_messages_free(msgs);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ URL policy */

static const struct {
    const char *url;
    bool safe;
} url_cases[] = {
    {"/ok", true},
    {"/", true},
    {"/certificates?q=a&b=c", true},
    {"?page=2", true},
    {"#top", true},
    {"https://ok.example/x", true},
    {"http://ok.example", true},
    {"HTTPS://OK.EXAMPLE", true},
    {"javascript:alert(1)", false},
    {"JAVASCRIPT:alert(1)", false},
    {"JaVaScRiPt:alert(1)", false},
    {" javascript:alert(1)", false},
    {"\tjavascript:alert(1)", false},
    {"java\nscript:alert(1)", false},
    {"data:text/html,<script>alert(1)</script>", false},
    {"vbscript:x", false},
    {"//evil.example", false},
    {"/\\evil.example", false},
    {"/\t/evil.example", false},
    {"relative/path", false},
    {"mailto:x@example.com", false},
    {"", false},
    {"https", false},
};

static void test_url_policy(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof url_cases / sizeof *url_cases; i++) {
        const char *u = url_cases[i].url;
        if (gk_url_is_safe(u, strlen(u)) != url_cases[i].safe)
            fail_msg("gk_url_is_safe(\"%s\") should be %d", u, url_cases[i].safe);
    }
}

/* The same table through the renderer, in href, src and action. */
static void test_url_policy_rendered(void **state)
{
    (void)state;
    char *dir = make_dir();
    write_fragment(dir, "u.xhtml",
                   "<a g:attr=\"href u\">x</a><img alt=\"\" g:attr=\"src u\"/>"
                   "<form g:attr=\"action u\"></form><a g:attr=\"href {u}\">i</a>");
    char *err = NULL;
    gk_templates *t = gk_templates_load(dir, &err);
    if (!t) fail_msg("load: %s", err);
    for (size_t i = 0; i < sizeof url_cases / sizeof *url_cases; i++) {
        json_t *m = json_pack("{s:s}", "u", url_cases[i].url);
        gk_buf b = GK_BUF_INIT, esc = GK_BUF_INIT;
        assert_int_equal(gk_template_render(t, "u", m, NULL, "en", &b), GK_RENDER_OK);
        const char *w = url_cases[i].safe ? url_cases[i].url : "#";
        gk_buf_append_html(&esc, w, strlen(w));
        char *want = NULL;
        /* A whole URL written through {u} is percent-encoded ("/" too), so it can never
         * start like a relative path or a scheme: always "#". */
        assert_true(asprintf(&want,
                             "<div><a href=\"%s\">x</a><img alt=\"\" src=\"%s\">"
                             "<form action=\"%s\"></form><a href=\"",
                             esc.data, esc.data, esc.data) > 0);
        if (strncmp(b.data, want, strlen(want)) != 0)
            fail_msg("url \"%s\"\n  got:  %s\n  want: %s...", url_cases[i].url, b.data, want);
        assert_string_equal(b.data + strlen(want), "#\">i</a></div>");
        assert_null(strstr(b.data, "javascript:"));
        assert_null(strstr(b.data, "JAVASCRIPT:"));
        assert_null(strstr(b.data, "data:"));
        free(want);
        gk_buf_free(&b);
        gk_buf_free(&esc);
        json_decref(m);
    }
    gk_templates_free(t);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ layouts */

static void test_layout_and_slots(void **state)
{
    (void)state;
    char *dir = make_dir();
    write_file(dir, "base.xhtml",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<html lang=\"en\" " NS "><head><title g:slot=\"title\">Default</title>"
               "<link rel=\"stylesheet\" href=\"/static/css/giteki.css\"/></head>"
               "<body><main id=\"main\" g:slot=\"content\"><p>default content</p></main>"
               "<aside g:slot=\"side\"><p>side default</p></aside>"
               "<footer g:text=\"foot\"/></body></html>");
    write_file(dir, "pages/page.xhtml",
               "<g:block " NS " g:layout=\"base\">\n"
               "  <g:block g:slot=\"title\" g:text=\"t\"/>\n"
               "  <div g:slot=\"content\"><h1 g:text=\"h\"/><p g:slot=\"side\">not a fill</p>"
               "</div>\n  <g:block g:slot=\"side\">S</g:block>\n</g:block>");
    char *err = NULL;
    gk_templates *t = gk_templates_load(dir, &err);
    if (!t) fail_msg("load: %s", err);
    assert_true(gk_templates_has(t, "pages/page"));
    assert_true(gk_templates_has(t, "base"));
    assert_false(gk_templates_has(t, "page"));

    char *out =
        render(t, "pages/page", "{\"t\": \"T<\", \"h\": \"H\", \"foot\": \"F\"}", NULL, "ja");
    assert_string_equal(out, "<!DOCTYPE html>\n"
                             "<html lang=\"ja\"><head><title>T&lt;</title>"
                             "<link rel=\"stylesheet\" href=\"/static/css/giteki.css\"></head>"
                             "<body><main id=\"main\"><h1>H</h1><p>not a fill</p></main>"
                             "<aside>S</aside><footer>F</footer></body></html>\n");
    free(out);
    /* The layout alone renders its defaults. */
    out = render(t, "base", "{}", NULL, "en");
    assert_non_null(strstr(out, "<title>Default</title>"));
    assert_non_null(strstr(out, "<main id=\"main\"><p>default content</p></main>"));
    free(out);

    gk_buf b = GK_BUF_INIT;
    gk_buf_puts(&b, "keep");
    assert_int_equal(gk_template_render(t, "nope", NULL, NULL, "en", &b), GK_RENDER_NOT_FOUND);
    assert_string_equal(gk_buf_cstr(&b), "keep");
    /* NULL model and NULL lang: empty model, default language. */
    assert_int_equal(gk_template_render(t, "pages/page", NULL, NULL, NULL, &b), GK_RENDER_OK);
    assert_non_null(strstr(b.data, "keep<!DOCTYPE html>\n<html lang=\"ja\">"));
    gk_buf_free(&b);
    gk_templates_free(t);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ load failures */

static const struct load_case {
    const char *what, *source, *expect1, *expect2;
} load_cases[] = {
    {"malformed XML", "<div " NS ">\n<p>\n</div>", "bad.xhtml:3:", "not well-formed"},
    {"unknown directive", "<div " NS ">\n<p g:txt=\"x\"/></div>",
     "bad.xhtml:2:", "unknown directive g:txt"},
    {"unknown g element", "<div " NS ">\n\n<g:loop/></div>", "bad.xhtml:3:", "g:loop"},
    {"bad path", "<div " NS "><p g:text=\"a..b\"/></div>", "bad.xhtml:1:", "g:text"},
    {"bad path chars", "<div " NS "><p g:text=\"a + b\"/></div>", "bad.xhtml:1:", "g:text"},
    {"bad repeat", "<div " NS "><p g:repeat=\"x of xs\"/></div>", "bad.xhtml:1:", "g:repeat"},
    {"reserved repeat name", "<div " NS "><p g:repeat=\"loop in xs\"/></div>",
     "bad.xhtml:1:", "reserved"},
    {"bad condition", "<div " NS "><p g:if=\"a = 'b'\"/></div>", "bad.xhtml:1:", "g:if"},
    {"unclosed interpolation", "<div " NS "><a g:attr=\"href /x/{id\"/></div>",
     "bad.xhtml:1:", "g:attr"},
    {"text and msg together", "<div " NS "><p g:text=\"a\" g:msg=\"b\"/></div>",
     "bad.xhtml:1:", "cannot be combined"},
    {"event handler attribute", "<div " NS ">\n<button onclick=\"x()\">b</button></div>",
     "bad.xhtml:2:", "event handler"},
    {"event handler from data", "<div " NS "><p g:attr=\"onclick x\"/></div>",
     "bad.xhtml:1:", "may not be set"},
    {"meta content from data",
     "<div " NS "><meta name=\"description\" g:attr=\"content x\"/></div>",
     "bad.xhtml:1:", "may not be set"},
    {"meta content from a data-chosen message",
     "<div " NS "><meta name=\"description\" g:msg-attr=\"content m.{x}\"/></div>",
     "bad.xhtml:1:", "may not be set"},
    {"inline style", "<div " NS "><p style=\"color:red\"/></div>", "bad.xhtml:1:", "inline style"},
    {"inline script", "<div " NS ">\n<script>alert(1)</script></div>", "bad.xhtml:2:", "forbidden"},
    {"static javascript URL", "<div " NS "><a href=\"javascript:x()\">a</a></div>",
     "bad.xhtml:1:", "not a relative path"},
    {"content in a void element", "<div " NS "><br>x</br></div>", "bad.xhtml:1:", "empty"},
    {"undeclared prefix", "<div " NS "><p x:y=\"1\"/></div>", "bad.xhtml:1:", "not well-formed"},
    {"undeclared entity", "<div " NS "><p>a&nbsp;b</p></div>", "bad.xhtml:1:", "not well-formed"},
    {"internal entity", "<!DOCTYPE div [<!ENTITY e \"boo\">]>\n<div " NS "><p>&e;</p></div>",
     "bad.xhtml:2:", "entity reference"},
    {"external entity",
     "<!DOCTYPE div [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<div " NS ">&e;</div>",
     "bad.xhtml:2:", "entity reference"},
    {"missing layout",
     "<g:block " NS " g:layout=\"nolayout\">\n<p g:slot=\"content\"/>"
     "</g:block>",
     "bad.xhtml:1:", "no such template"},
    {"content outside a slot", "<g:block " NS " g:layout=\"good\">\n<p>stray</p></g:block>",
     "bad.xhtml:2:", "outside a g:slot"},
    {"slot the layout lacks",
     "<g:block " NS " g:layout=\"good\">\n<p g:slot=\"nav\"/>"
     "</g:block>",
     "bad.xhtml:2:", "no slot \"nav\""},
    {"layout not on the root", "<div " NS "><p g:layout=\"good\"/></div>", "bad.xhtml:1:", "root"},
};

static void test_load_failures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof load_cases / sizeof *load_cases; i++) {
        const struct load_case *c = &load_cases[i];
        char *dir = make_dir();
        write_file(dir, "good.xhtml", "<html " NS "><body g:slot=\"content\"/></html>");
        write_file(dir, "bad.xhtml", c->source);
        char *err = NULL;
        gk_templates *t = gk_templates_load(dir, &err);
        if (t) fail_msg("case \"%s\" loaded", c->what);
        if (!err || !strstr(err, c->expect1) || !strstr(err, c->expect2))
            fail_msg("case \"%s\": error \"%s\" lacks \"%s\" / \"%s\"", c->what,
                     err ? err : "(null)", c->expect1, c->expect2);
        free(err);
        remove_dir(dir);
    }
    char *err = NULL;
    assert_null(gk_templates_load("/nonexistent/giteki/templates", &err));
    assert_non_null(err);
    free(err);
}

static void test_check_messages(void **state)
{
    (void)state;
    char *dir = make_dir();
    write_fragment(dir, "a.xhtml", "<p g:msg=\"greet\"/><p g:msg=\"status.{s}\"/>");
    write_fragment(dir, "b.xhtml", "\n<input g:msg-attr=\"placeholder nope\"/>");
    write_file(dir, "messages/en.json", EN_JSON);
    write_file(dir, "messages/ja.json", JA_JSON);
    char path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/messages", dir);
    gk_messages *m = gk_messages_load(path, &err);
    gk_templates *t = gk_templates_load(dir, &err);
    assert_non_null(m);
    assert_non_null(t);
    assert_int_equal(gk_templates_check_messages(t, m, &err), -1);
    assert_non_null(err);
    assert_non_null(strstr(err, "b.xhtml:2:"));
    assert_non_null(strstr(err, "'nope'"));
    free(err);
    gk_templates_free(t);
    snprintf(path, sizeof path, "%s/b.xhtml", dir);
    remove(path);
    t = gk_templates_load(dir, &err);
    assert_non_null(t);
    assert_int_equal(gk_templates_check_messages(t, m, &err), 0);
    assert_null(err);
    gk_templates_free(t);
    gk_messages_free(m);
    remove_dir(dir);
}

/* ------------------------------------------------------------------ concurrency */

struct thread_arg {
    const gk_templates *t;
    const json_t *model;
    const char *want;
    int mismatches;
};

static void *render_many(void *p)
{
    struct thread_arg *a = p;
    for (int i = 0; i < 200; i++) {
        gk_buf b = GK_BUF_INIT;
        if (gk_template_render(a->t, "r", a->model, NULL, "en", &b) != GK_RENDER_OK ||
            strcmp(b.data, a->want) != 0)
            a->mismatches++;
        gk_buf_free(&b);
    }
    return NULL;
}

static void test_concurrent_renders(void **state)
{
    (void)state;
    char *dir = make_dir();
    write_fragment(dir, "r.xhtml", "<i g:repeat=\"x in xs\" g:attr=\"title x\" g:text=\"x\"/>");
    char *err = NULL;
    gk_templates *t = gk_templates_load(dir, &err);
    assert_non_null(t);
    json_t *model = json_pack("{s:[s,s,s]}", "xs", "a", "b&", "c");
    const char *want = "<div><i title=\"a\">a</i><i title=\"b&amp;\">b&amp;</i>"
                       "<i title=\"c\">c</i></div>";
    struct thread_arg args[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (struct thread_arg){t, model, want, 0};
        assert_int_equal(pthread_create(&th[i], NULL, render_many, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].mismatches, 0);
    }
    json_decref(model);
    gk_templates_free(t);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_cases),        cmocka_unit_test(test_url_policy),
        cmocka_unit_test(test_url_policy_rendered), cmocka_unit_test(test_layout_and_slots),
        cmocka_unit_test(test_load_failures),       cmocka_unit_test(test_check_messages),
        cmocka_unit_test(test_concurrent_renders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
