/* Language negotiation, message catalogues, and the real templates/ folder rendered in both
 * languages. Runs with the repository root as the working directory. */
/* cmocka.h needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "render/i18n.h"
#include "render/template.h"

static const struct {
    const char *query, *cookie, *accept, *want;
} choose_cases[] = {
    {NULL, NULL, NULL, "ja"}, /* nothing named: the default */
    {NULL, NULL, "", "ja"},
    {NULL, NULL, "en", "en"},
    {NULL, NULL, "ja-JP", "ja"},
    {NULL, NULL, "en-US,en;q=0.9", "en"},
    {NULL, NULL, "EN-gb", "en"},
    {NULL, NULL, "en-US;q=0.8, ja;q=0.9", "ja"},
    {NULL, NULL, "ja;q=0.5, en-US;q=0.8", "en"},
    {NULL, NULL, "  en-US ; q=0.7 ,ja;q=0.6", "en"},
    {NULL, NULL, "fr-FR, en;q=0.1", "en"},
    {NULL, NULL, "fr-FR, de", "ja"},
    {NULL, NULL, "en;q=0", "ja"}, /* q=0: not acceptable */
    {NULL, NULL, "en;q=0, fr", "ja"},
    {NULL, NULL, "en;q=abc", "ja"}, /* malformed q: entry ignored */
    {NULL, NULL, "en;q=1.5", "ja"},
    {NULL, NULL, "en;q=0.1234", "ja"},
    {NULL, NULL, "en;q=0.001", "en"},
    {NULL, NULL, "en;q=1.000", "en"},
    {NULL, NULL, "en, ja", "en"}, /* tie: the earlier entry */
    {NULL, NULL, "ja, en", "ja"},
    {NULL, NULL, "*", "ja"},
    {NULL, NULL, "english", "ja"},
    {NULL, NULL, "garbage;;;,,,", "ja"},
    {NULL, NULL, "e", "ja"},
    {NULL, NULL, "en-", "ja"},
    {NULL, NULL, "en_US", "ja"},
    {NULL, NULL, ";q=1,,en;", "en"},
    {"en", NULL, NULL, "en"},
    {"en", "ja", "ja", "en"}, /* the query wins */
    {"ja", "en", "en", "ja"},
    {"xx", "en", "ja", "en"},  /* an unusable query: the cookie */
    {NULL, "en", "ja", "en"},  /* the cookie over the header */
    {NULL, "jap", "en", "en"}, /* an unusable cookie: the header */
    {"", "", "en", "en"},
    {"en-US", NULL, "ja", "en"},
    {"<script>", "'; drop", "<>", "ja"},
};

static void test_lang_choose(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof choose_cases / sizeof *choose_cases; i++) {
        const char *got =
            gk_lang_choose(choose_cases[i].query, choose_cases[i].cookie, choose_cases[i].accept);
        if (strcmp(got, choose_cases[i].want) != 0)
            fail_msg("query=%s cookie=%s accept=%s: got %s, want %s",
                     choose_cases[i].query ? choose_cases[i].query : "(null)",
                     choose_cases[i].cookie ? choose_cases[i].cookie : "(null)",
                     choose_cases[i].accept ? choose_cases[i].accept : "(null)", got,
                     choose_cases[i].want);
    }
}

static void test_lang_from_tag(void **state)
{
    (void)state;
    static const struct {
        const char *tag, *want;
    } cases[] = {{"ja", "ja"},    {"JA", "ja"},
                 {"ja-JP", "ja"}, {"ja-Jpan-JP", "ja"},
                 {"en", "en"},    {"en-US", "en"},
                 {"fr", NULL},    {"jp", NULL},
                 {"j", NULL},     {"", NULL},
                 {"ja-", NULL},   {"ja JP", NULL},
                 {"jav", NULL},   {"en-US-x-a-very-long-private-use-tag-beyond-35", NULL}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = gk_lang_from_tag(cases[i].tag, strlen(cases[i].tag));
        if (!(got == cases[i].want || (got && cases[i].want && !strcmp(got, cases[i].want))))
            fail_msg("tag \"%s\": got %s", cases[i].tag, got ? got : "(null)");
    }
}

/* Reads a catalogue with jansson directly, so the check does not trust the loader. */
static json_t *read_catalogue(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) fail_msg("%s:%d: %s", path, je.line, je.text);
    assert_true(json_is_object(j));
    return j;
}

static void test_real_catalogues_have_same_keys(void **state)
{
    (void)state;
    json_t *ja = read_catalogue("templates/messages/ja.json");
    json_t *en = read_catalogue("templates/messages/en.json");
    assert_true(json_object_size(ja) > 10);
    assert_int_equal(json_object_size(ja), json_object_size(en));
    const char *key;
    json_t *v;
    json_object_foreach(ja, key, v)
    {
        if (!json_object_get(en, key)) fail_msg("en.json lacks %s", key);
        assert_true(json_is_string(v));
    }
    json_decref(ja);
    json_decref(en);

    char *err = NULL;
    gk_messages *m = gk_messages_load("templates/messages", &err);
    if (!m) fail_msg("load: %s", err);
    assert_null(err);
    assert_string_equal(gk_messages_get(m, "ja", "nav.home"), "ホーム");
    assert_string_equal(gk_messages_get(m, "en", "nav.home"), "Home");
    assert_string_equal(gk_messages_get(m, "fr", "nav.home"), "Home");
    assert_string_equal(gk_messages_get(m, NULL, "nav.home"), "Home");
    assert_string_equal(gk_messages_get(m, "ja", "no.such.key"), "no.such.key");
    assert_string_equal(gk_messages_get(NULL, "ja", "nav.home"), "nav.home");
    assert_null(gk_messages_get(m, "ja", NULL));
    assert_true(gk_messages_has(m, "nav.home"));
    assert_false(gk_messages_has(m, "no.such.key"));
    gk_messages_free(m);
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static void write_file(const char *dir, const char *name, const char *content)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void test_catalogue_load_failures(void **state)
{
    (void)state;
    static const struct {
        const char *ja, *en, *expect1, *expect2;
    } cases[] = {
        {"{\"a\": \"x\", \"b\": \"y\"}", "{\"a\": \"x\"}", "en.json", "\"b\""},
        {"{\"a\": \"x\"}", "{\"a\": \"x\", \"c\": \"y\"}", "ja.json", "\"c\""},
        {"{\"a\": \"x\",}", "{\"a\": \"x\"}", "ja.json:1:", ""},
        {"{\"a\": 1}", "{\"a\": \"x\"}", "ja.json", "non-empty string"},
        {"{\"a\": \"x\"}", "{\"a\": \"\"}", "en.json", "non-empty string"},
        {"[\"a\"]", "{\"a\": \"x\"}", "ja.json", "object"},
        {"{\"a\": \"x\", \"a\": \"y\"}", "{\"a\": \"x\"}", "ja.json", "duplicate"},
        {"{\"a\": \"x\"}", NULL, "en.json", ""},
        {"{\"a\": \"{n} 件\"}", "{\"a\": \"{count} items\"}", "en.json", "{n}"},
        {"{\"a\": \"{n} 件\"}", "{\"a\": \"{n} items of {total}\"}", "ja.json", "{total}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char tmpl[] = "/tmp/gk_i18n_XXXXXX";
        char *dir = mkdtemp(tmpl);
        assert_non_null(dir);
        write_file(dir, "ja.json", cases[i].ja);
        if (cases[i].en) write_file(dir, "en.json", cases[i].en);
        char *err = NULL;
        gk_messages *m = gk_messages_load(dir, &err);
        if (m) fail_msg("case %zu loaded", i);
        if (!err || !strstr(err, cases[i].expect1) || !strstr(err, cases[i].expect2))
            fail_msg("case %zu: error \"%s\"", i, err ? err : "(null)");
        free(err);
        nftw(dir, rm_entry, 4, FTW_DEPTH | FTW_PHYS);
    }
}

static char *render_real(const gk_templates *t, const gk_messages *m, const char *name,
                         const char *model_json, const char *lang)
{
    json_t *model = json_loads(model_json, 0, NULL);
    assert_non_null(model);
    gk_buf b = GK_BUF_INIT;
    assert_int_equal(gk_template_render(t, name, model, m, lang, &b), GK_RENDER_OK);
    json_decref(model);
    return gk_buf_steal(&b, NULL);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("\"%s\" not in the output:\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle)) fail_msg("\"%s\" unexpectedly in the output", needle);
}

static void test_real_templates(void **state)
{
    (void)state;
    char *err = NULL;
    gk_messages *m = gk_messages_load("templates/messages", &err);
    if (!m) fail_msg("messages: %s", err);
    gk_templates *t = gk_templates_load("templates", &err);
    if (!t) fail_msg("templates: %s", err);
    if (gk_templates_check_messages(t, m, &err) != 0) fail_msg("%s", err);
    assert_true(gk_templates_has(t, "layout"));
    assert_true(gk_templates_has(t, "home"));
    assert_true(gk_templates_has(t, "error"));

    static const struct {
        const char *lang, *heading, *nav, *other_heading, *current_lang, *switch_link;
    } langs[] = {
        {"ja", "端末機器の認定を、申請から公表まで", ">認定機器の検索</a>",
         "Terminal equipment certification, from application", "<strong lang=\"ja\"",
         "href=\"/?q=x&amp;lang=en\">English</a>"},
        {"en", "Terminal equipment certification, from application to publication",
         ">Certificates search</a>", "端末機器の認定を、申請から公表まで", "<strong lang=\"en\"",
         "href=\"/?q=x&amp;lang=ja\">日本語</a>"},
    };
    for (size_t i = 0; i < 2; i++) {
        char *out = render_real(t, m, "home",
                                "{\"nav\": {\"home\": \"page\"}, \"lang_href\": {\"ja\": "
                                "\"/?q=x&lang=ja\", \"en\": \"/?q=x&lang=en\"}}",
                                langs[i].lang);
        char html_tag[32];
        snprintf(html_tag, sizeof html_tag, "<html lang=\"%s\">", langs[i].lang);
        assert_true(strncmp(out, "<!DOCTYPE html>\n", 16) == 0);
        assert_contains(out, html_tag);
        assert_contains(out, langs[i].heading);
        assert_contains(out, langs[i].nav);
        assert_lacks(out, langs[i].other_heading);
        assert_contains(out, langs[i].current_lang);
        assert_contains(out, langs[i].switch_link);
        assert_contains(out, "端末機器認定 giteki");
        assert_contains(out, "<a href=\"/\" aria-current=\"page\">");
        assert_contains(out, "href=\"/determination\"");
        assert_contains(out, "href=\"/certificates\"");
        assert_contains(out, "<main id=\"main\"");
        assert_contains(out, "class=\"skip-link\" href=\"#main\"");
        assert_contains(out, "href=\"/static/css/giteki.css\"");
        assert_contains(out, "<meta charset=\"utf-8\">");
        assert_contains(out, "href=\"/signin\"");
        assert_lacks(out, "g:");
        assert_lacks(out, "xmlns");
        assert_lacks(out, "<script>"); /* scripts only from /static (CSP) */
        assert_contains(out, "<script src=\"/static/js/giteki.js\" defer=\"defer\"></script>");
        assert_lacks(out, "style=");
        assert_lacks(out, "/>");
        free(out);
    }

    /* Signed in: the name (escaped) and a sign-out form with the CSRF token. */
    char *out =
        render_real(t, m, "home",
                    "{\"user\": {\"name\": \"<Sato & Co>\"}, \"csrf_token\": \"tok\\\"\"}", "en");
    assert_contains(out, "&lt;Sato &amp; Co&gt;");
    assert_contains(out, "name=\"csrf_token\" value=\"tok&quot;\"");
    assert_lacks(out, "href=\"/signin\"");
    free(out);

    out = render_real(
        t, m, "error",
        "{\"status\": 404, \"title\": \"見つかりません\", \"detail\": \"<b>x</b>\","
        " \"code\": \"resource.not_found\", \"errors\": [{\"field\": \"device.model_name\","
        " \"message\": \"required\"}]}",
        "ja");
    assert_contains(out, "<title>404 見つかりません — 端末機器認定 giteki</title>");
    assert_contains(out, "<h1>見つかりません</h1>");
    assert_contains(out, "&lt;b&gt;x&lt;/b&gt;");
    assert_contains(out, "<code>resource.not_found</code>");
    assert_contains(out, "<code>device.model_name</code>: <span>required</span>");
    assert_contains(out, "ホームへ戻る");
    free(out);

    gk_templates_free(t);
    gk_messages_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lang_choose),
        cmocka_unit_test(test_lang_from_tag),
        cmocka_unit_test(test_real_catalogues_have_same_keys),
        cmocka_unit_test(test_catalogue_load_failures),
        cmocka_unit_test(test_real_templates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
