/* Dates and times in Japan time, one format per language (issue 20 item 4), and the
 * template engine's <time g:datetime> / g:date that every page uses. */
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
#include <unistd.h>

#include "render/datetime.h"
#include "render/template.h"

static const struct {
    const char *iso, *lang; /* "ja": the catalogue's Japanese formats */
    bool with_time;
    const char *text, *machine; /* NULL: refused */
} CASES[] = {
    {"2026-12-03T13:13:00+00:00", "ja", true, "2026年12月3日 22:13", "2026-12-03T22:13+09:00"},
    {"2026-12-03T13:13:00+00:00", "en", true, "3 Dec 2026, 22:13 JST", "2026-12-03T22:13+09:00"},
    {"2026-12-03T13:13:59.123456Z", "en", true, "3 Dec 2026, 22:13 JST", "2026-12-03T22:13+09:00"},
    {"2026-12-03 22:13:00+09", "ja", true, "2026年12月3日 22:13", "2026-12-03T22:13+09:00"},
    /* the day changes in Japan before it does in UTC; year ends too */
    {"2026-12-31T15:30:00Z", "ja", true, "2027年1月1日 00:30", "2027-01-01T00:30+09:00"},
    {"2026-12-31T15:30:00Z", "en", false, "1 Jan 2027", "2027-01-01"},
    {"2024-02-28T20:00:00-05:00", "en", true, "29 Feb 2024, 10:00 JST", "2024-02-29T10:00+09:00"},
    {"2026-12-03T13:13", "en", true, "3 Dec 2026, 22:13 JST", "2026-12-03T22:13+09:00"},
    /* a calendar date stays the date it is */
    {"2026-12-03", "ja", false, "2026年12月3日", "2026-12-03"},
    {"2026-12-03", "en", true, "3 Dec 2026", "2026-12-03"},
    {"2026-01-09", "en", false, "9 Jan 2026", "2026-01-09"},
    {"", "ja", true, NULL, NULL},
    {"yesterday", "en", true, NULL, NULL},
    {"2026-13-01", "en", false, NULL, NULL},
    {"2026-12-03T25:00:00Z", "en", true, NULL, NULL},
    {"2026-12-03T10:00:00Zjunk", "en", true, NULL, NULL},
};

/* templates/messages/ja/ux.json: ux.time.date, ux.time.datetime */
#define JA_DATE "%Y\xe5\xb9\xb4%m\xe6\x9c\x88%d\xe6\x97\xa5"
#define JA_DATETIME JA_DATE " %H:%M"

static void test_formats(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        char text[GK_DT_TEXT] = "", machine[GK_DT_TEXT] = "";
        bool ja = !strcmp(CASES[i].lang, "ja");
        bool ok = gk_datetime_format(CASES[i].iso, strlen(CASES[i].iso), ja ? JA_DATE : NULL,
                                     ja ? JA_DATETIME : NULL, CASES[i].with_time, text, machine);
        if (!CASES[i].text) {
            if (ok) fail_msg("case %zu (%s): accepted as %s", i, CASES[i].iso, text);
            continue;
        }
        if (!ok) fail_msg("case %zu (%s): refused", i, CASES[i].iso);
        assert_string_equal(text, CASES[i].text);
        assert_string_equal(machine, CASES[i].machine);
    }
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static char *render(const char *body, const char *model_json, const char *lang)
{
    char tmpl[] = "/tmp/gk_dt_XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char path[256];
    snprintf(path, sizeof path, "%s/t.xhtml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "<div xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:g=\"urn:giteki:template\">%s</div>",
            body);
    fclose(f);
    char *err = NULL;
    gk_templates *t = gk_templates_load(dir, &err);
    nftw(dir, rm_entry, 4, FTW_DEPTH | FTW_PHYS);
    if (!t) {
        char *e = err;
        return e ? e : strdup("load failed");
    }
    json_t *m = json_loads(model_json, 0, NULL);
    gk_buf out = GK_BUF_INIT;
    gk_messages *msgs = gk_messages_load("templates/messages", &err); /* run from the source */
    assert_non_null(msgs);
    assert_int_equal(gk_template_render(t, "t", m, msgs, lang, &out), GK_RENDER_OK);
    gk_messages_free(msgs);
    json_decref(m);
    gk_templates_free(t);
    size_t n;
    return gk_buf_steal(&out, &n);
}

static void test_template(void **state)
{
    (void)state;
    /* not a date: the text without a <time>; missing: nothing at all */
    const char *m = "{\"at\":\"2026-12-03T13:13:00+00:00\",\"d\":\"2026-12-03\",\"x\":\"<b>\"}";
    char *s = render("<time g:datetime=\"at\">x</time>|<time g:date=\"d\"/>|<time "
                     "class=\"c\" g:datetime=\"x\"/>|<time g:date=\"none\"/>",
                     m, "ja");
    assert_string_equal(s, "<div><time datetime=\"2026-12-03T22:13+09:00\">2026年12月3日 "
                           "22:13</time>|<time datetime=\"2026-12-03\">2026年12月3日</time>|"
                           "&lt;b&gt;|</div>");
    free(s);
    s = render("<time g:datetime=\"at\"/>", m, "en");
    assert_string_equal(s, "<div><time datetime=\"2026-12-03T22:13+09:00\">3 Dec 2026, 22:13 "
                           "JST</time></div>");
    free(s);
    /* only on <time>, and never with g:text */
    s = render("<span g:datetime=\"at\"/>", m, "en");
    assert_non_null(strstr(s, "belongs on a <time> element"));
    free(s);
    s = render("<time g:datetime=\"at\" g:text=\"at\"/>", m, "en");
    assert_non_null(strstr(s, "cannot be combined"));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
