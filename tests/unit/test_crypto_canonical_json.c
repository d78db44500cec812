/* Canonical JSON (RFC 8785 / JCS) of jansson values: exact output for a table of inputs. */
#include "crypto/canonical_json.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
    if (!v) fail_msg("test input does not parse: %s: %s", text, error.text);
    return v;
}

static const struct {
    const char *in;
    const char *out;
} cases[] = {
    /* literals and whitespace */
    {"null", "null"},
    {"true", "true"},
    {" [ null , true , false ] ", "[null,true,false]"},
    {"{}", "{}"},
    {"[]", "[]"},
    {"{ \"a\" :\n [ 1 ,\t2 ] }", "{\"a\":[1,2]}"},
    /* member order: sorted, recursively; arrays keep their order */
    {"{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}"},
    {"{\"z\":{\"y\":[3,{\"b\":true,\"a\":null}],\"x\":false},\"a\":[]}",
     "{\"a\":[],\"z\":{\"x\":false,\"y\":[3,{\"a\":null,\"b\":true}]}}"},
    {"[{\"b\":0,\"a\":0},{\"d\":0,\"c\":0}]", "[{\"a\":0,\"b\":0},{\"c\":0,\"d\":0}]"},
    {"{\"ab\":1,\"a\":2,\"\":3,\"B\":4}", "{\"\":3,\"B\":4,\"a\":2,\"ab\":1}"},
    {"{\"10\":1,\"9\":2,\"1\":3}", "{\"1\":3,\"10\":1,\"9\":2}"}, /* strings, not numbers */
    /* RFC 8785 section 3.2.3: UTF-16 order; U+1F600 (D83D DE00) sorts before U+FB33, the
     * opposite of UTF-8 byte order */
    {"{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet "
     "With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":"
     "\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}",
     "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\",\"\xc3\xb6\":\"Latin "
     "Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: "
     "Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}"},
    {"{\"\\uffff\":1,\"\\ud800\\udc00\":2,\"\\ue000\":3}",
     "{\"\xf0\x90\x80\x80\":2,\"\xee\x80\x80\":3,\"\xef\xbf\xbf\":1}"},
    /* RFC 8785 section 3.2.2 example, without its floating-point numbers */
    {"{\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
     "\"literals\": [null, true, false]}",
     "{\"literals\":[null,true,false],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"},
    /* strings: only " \ and control characters are escaped */
    {"\"\\u0000\\u0001\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u001f \\u007f\"",
     "\"\\u0000\\u0001\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u001f \x7f\""},
    {"\"\\/ slash stays plain, \\\" and \\\\ escaped\"",
     "\"/ slash stays plain, \\\" and \\\\ escaped\""},
    {"\"\\u65e5\\u672c\\u8a9e \\u2028\\u2029 \\ud83d\\ude00\"",
     "\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe2\x80\xa8\xe2\x80\xa9 \xf0\x9f\x98\x80\""},
    {"\"\xe7\xab\xaf\xe6\x9c\xab\xe8\xa8\xad\xe5\x82\x99\"",
     "\"\xe7\xab\xaf\xe6\x9c\xab\xe8\xa8\xad\xe5\x82\x99\""},
    {"[\"x\\u0000y\"]", "[\"x\\u0000y\"]"},
    {"{\"\\n\":1,\"\\u0001\":2}", "{\"\\u0001\":2,\"\\n\":1}"},
    /* numbers: integers in decimal, integral reals as integers (as JCS does) */
    {"[0,-0,1,-1,42,1234567890]", "[0,0,1,-1,42,1234567890]"},
    {"[9007199254740991,-9007199254740991]", "[9007199254740991,-9007199254740991]"},
    {"[1.0,-0.0,1e2,2.5e1,-7E0,100e-2]", "[1,0,100,25,-7,1]"},
    {"9007199254740991.0", "9007199254740991"},
    /* a certificate-like record */
    {"{\"number\":\"001-240001\",\"granted_on\":\"2024-04-01\",\"manufacturer\":\"株式会社テスト\","
     "\"grandfathered\":false,\"serial\":1,\"basis\":\"tested\"}",
     "{\"basis\":\"tested\",\"grandfathered\":false,\"granted_on\":\"2024-04-01\","
     "\"manufacturer\":\"株式会社テスト\",\"number\":\"001-240001\",\"serial\":1}"},
};

static bool has_real(const json_t *v)
{
    if (json_is_real(v)) return true;
    for (size_t i = 0; i < json_array_size(v); i++)
        if (has_real(json_array_get(v, i))) return true;
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m)
    {
        if (has_real(m)) return true;
    }
    return false;
}

static void test_table(void **state)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *v = parse(cases[i].in);
        char *out = gk_canonical_json(v);
        if (!out) fail_msg("case %zu refused: %s", i, cases[i].in);
        if (strcmp(out, cases[i].out) != 0)
            fail_msg("case %zu:\n  in:   %s\n  want: %s\n  got:  %s", i, cases[i].in, cases[i].out,
                     out);
        /* Canonical output is JSON meaning the same thing, and canonical again. */
        json_t *back = parse(out);
        if (!has_real(v)) /* 1.0 comes back as the integer 1, which json_equal tells apart */
            assert_true(json_equal(v, back));
        char *again = gk_canonical_json(back);
        assert_non_null(again);
        assert_string_equal(again, out);
        free(again);
        json_decref(back);
        free(out);
        json_decref(v);
    }
}

static void test_refused_numbers(void **state)
{
    static const char *refused[] = {
        "1.5",
        "[0.1]",
        "-0.5",
        "{\"a\":1e-7}",
        "9007199254740992", /* 2^53: beyond what a double keeps exactly */
        "-9007199254740992",
        "9223372036854775807",
        "1e30",
        "9007199254740992.0",
        "{\"ok\":1,\"nested\":[true,{\"x\":3.25}]}",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        json_t *v = parse(refused[i]);
        char *out = gk_canonical_json(v);
        if (out) fail_msg("accepted %s as %s", refused[i], out);
        json_decref(v);
    }
}

static void test_invalid_utf8_refused(void **state)
{
    /* jansson's *_nocheck setters can smuggle invalid UTF-8 into a value. */
    json_t *s = json_stringn_nocheck("ab\xff", 3);
    assert_null(gk_canonical_json(s));
    json_decref(s);
    s = json_stringn_nocheck("\xed\xa0\x80", 3); /* encoded surrogate */
    assert_null(gk_canonical_json(s));
    json_decref(s);

    json_t *o = json_object();
    json_object_set_new_nocheck(o, "ok", json_true());
    json_object_setn_new_nocheck(o, "\xc0\xaf", 2, json_true()); /* overlong */
    assert_null(gk_canonical_json(o));
    json_decref(o);
}

static void test_nul_in_member_name(void **state)
{
    /* jansson's parser refuses NUL in names, but json_object_setn accepts it. */
    json_t *o = json_object();
    json_object_setn_new(o, "a\0b", 3, json_string("v"));
    json_object_setn_new(o, "a", 1, json_true());
    char *out = gk_canonical_json(o);
    assert_non_null(out);
    assert_string_equal(out, "{\"a\":true,\"a\\u0000b\":\"v\"}");
    free(out);
    json_decref(o);
}

static void test_depth_limit(void **state)
{
    /* Deep but allowed nesting works; deeper is refused rather than recursing without end. */
    static const size_t depths[] = {GK_CANONICAL_JSON_MAX_DEPTH, GK_CANONICAL_JSON_MAX_DEPTH + 1};
    for (size_t d = 0; d < 2; d++) {
        json_t *v = json_integer(7);
        for (size_t i = 0; i < depths[d]; i++) {
            json_t *wrap = (i % 2) ? json_array() : json_object();
            if (json_is_array(wrap))
                json_array_append_new(wrap, v);
            else
                json_object_set_new(wrap, "k", v);
            v = wrap;
        }
        char *out = gk_canonical_json(v);
        if (d == 0) {
            assert_non_null(out);
            assert_non_null(strstr(out, "7"));
            size_t want = 1; /* the 7 */
            for (size_t i = 0; i < depths[0]; i++)
                want += (i % 2) ? strlen("[]") : strlen("{\"k\":}");
            assert_int_equal(strlen(out), want);
        } else {
            assert_null(out);
        }
        free(out);
        json_decref(v);
    }
    assert_null(gk_canonical_json(NULL));
}

static void test_large_values(void **state)
{
    /* Many members and long strings: ordering and the growing buffer at scale. */
    json_t *o = json_object();
    char key[16];
    for (int i = 999; i >= 0; i--) {
        snprintf(key, sizeof key, "k%04d", i);
        json_object_set_new(o, key, json_integer(i));
    }
    char *long_text = malloc(100001);
    memset(long_text, 'x', 100000);
    long_text[100000] = '\0';
    json_object_set_new(o, "z", json_string(long_text));
    char *out = gk_canonical_json(o);
    assert_non_null(out);
    assert_int_equal(strncmp(out, "{\"k0000\":0,\"k0001\":1,", 21), 0);
    const char *tail = strstr(out, "\"k0999\":999,\"z\":\"xxx");
    assert_non_null(tail);
    size_t want = 1; /* { */
    for (int i = 0; i < 1000; i++)
        want += strlen("\"k0000\":,") + (i < 10 ? 1 : i < 100 ? 2 : 3);
    want += strlen("\"z\":\"\"}") + 100000;
    assert_int_equal(strlen(out), want);
    free(out);
    free(long_text);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_refused_numbers),
        cmocka_unit_test(test_invalid_utf8_refused),
        cmocka_unit_test(test_nul_in_member_name),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_large_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
