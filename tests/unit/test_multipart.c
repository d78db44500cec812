/* The pure parts of the upload parser (http/multipart.h): content sniffing, file-name
 * sanitising, Content-Disposition, and the part events as the post processor reports them
 * (caps, one file, the sniff window), driven without a connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "http/multipart.h"

#include <stdio.h>
#include <string.h>

static void sniff_table(void **state)
{
    static const struct {
        const char *bytes;
        size_t n;
        const char *declared;
        bool complete;
        const char *want; /* NULL: refused */
    } cases[] = {
        {"%PDF-1.7\n", 9, NULL, true, "application/pdf"},
        {"%PDF-1.7\n", 9, "image/png", true, "application/pdf"}, /* content wins */
        {"\x89PNG\r\n\x1a\n\0\0", 10, NULL, true, "image/png"},
        {"\xff\xd8\xff\xe0", 4, NULL, true, "image/jpeg"},
        {"PK\x03\x04rest", 8, NULL, true, "application/zip"},
        {"PK\x03\x04rest", 8,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document", true,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"PK\x03\x04rest", 8, "text/html", true, "application/zip"},
        {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "application/msword", true, "application/msword"},
        {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, NULL, true, "application/x-ole-storage"},
        {"plain notes\r\n\tok", 16, NULL, true, "text/plain; charset=utf-8"},
        {"\xef\xbb\xbf\xe8\xa9\xa6\xe9\xa8\x93", 9, NULL, true, "text/plain; charset=utf-8"},
        {"ab\xe8\xa9", 4, NULL, false, "text/plain; charset=utf-8"}, /* cut by the window */
        {"ab\xe8\xa9", 4, NULL, true, NULL},                         /* cut at the end */
        {"MZ\x90\x00", 4, NULL, true, NULL},                         /* a Windows program */
        {"\x7f"
         "ELF",
         4, NULL, true, NULL},
        {"<html>\x01", 7, NULL, true, NULL},
        {"\xc0\xaf", 2, NULL, true, NULL}, /* overlong UTF-8 */
        {"", 0, NULL, true, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = gk_multipart_sniff((const unsigned char *)cases[i].bytes, cases[i].n,
                                             cases[i].declared, cases[i].complete);
        if (!cases[i].want) {
            if (got) fail_msg("case %zu: expected refusal, got %s", i, got);
        } else {
            if (!got || strcmp(got, cases[i].want))
                fail_msg("case %zu: expected %s, got %s", i, cases[i].want, got ? got : "NULL");
        }
    }
}

static void filename_table(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"report.pdf", "report.pdf"},
        {"../../etc/passwd", "passwd"},
        {"C:\\Users\\me\\試験報告.pdf", "試験報告.pdf"},
        {"..", "document"},
        {"", "document"},
        {NULL, "document"},
        {" . name. ", "name"},
        {"a\nb\x01"
         "c.txt",
         "a_b_c.txt"},
        {"bad\xff"
         "utf8.pdf",
         "bad_utf8.pdf"},
        {"dir/", "document"},
    };
    char out[GK_MP_FILENAME_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gk_multipart_sanitize_filename(cases[i].in, out, sizeof out);
        if (strcmp(out, cases[i].want))
            fail_msg("case %zu: expected \"%s\", got \"%s\"", i, cases[i].want, out);
    }
    /* At most 255 characters, cut on a character boundary. */
    char long_name[1200] = "";
    for (int i = 0; i < 300; i++)
        strcat(long_name, "あ");
    gk_multipart_sanitize_filename(long_name, out, sizeof out);
    assert_int_equal(strlen(out), 255 * 3);
}

static void disposition(void **state)
{
    char out[512];
    assert_true(gk_multipart_content_disposition("試験 \"1\".pdf", out, sizeof out));
    assert_string_equal(out, "attachment; filename=\"__ _1_.pdf\"; "
                             "filename*=UTF-8''%E8%A9%A6%E9%A8%93%20%221%22.pdf");
    assert_true(gk_multipart_content_disposition("a;b\\c.txt", out, sizeof out));
    assert_string_equal(out, "attachment; filename=\"a;b_c.txt\"; filename*=UTF-8''a%3Bb%5Cc.txt");
    char tiny[20];
    assert_false(gk_multipart_content_disposition("report.pdf", tiny, sizeof tiny));
}

typedef struct {
    char data[4096];
    size_t n;
    int calls;
    bool fail;
} sink_buf;

static bool collect(void *ctx, const char *d, size_t n)
{
    sink_buf *s = ctx;
    s->calls++;
    if (s->fail) return false;
    memcpy(s->data + s->n, d, n);
    s->n += n;
    return true;
}

static void parts_in_order(void **state)
{
    gk_multipart mp;
    sink_buf s = {0};
    gk_multipart_init(&mp, "file", collect, &s);
    assert_true(gk_multipart_part(&mp, "kind", NULL, NULL, "out", 0, 3));
    assert_true(gk_multipart_part(&mp, "kind", NULL, NULL, "line", 3, 4)); /* continued */
    assert_true(gk_multipart_part(&mp, "file", "../a.pdf", "application/pdf", "%PDF-1", 0, 6));
    assert_true(gk_multipart_part(&mp, "file", "../a.pdf", "application/pdf", ".7 x", 6, 4));
    assert_int_equal(s.calls, 0); /* held back until the type is known */
    assert_true(gk_multipart_part(&mp, "confidentiality", NULL, NULL, "public", 0, 6));
    assert_true(gk_multipart_finish(&mp));
    assert_string_equal(gk_multipart_field(&mp, "kind"), "outline");
    assert_string_equal(gk_multipart_field(&mp, "confidentiality"), "public");
    assert_null(gk_multipart_field(&mp, "other"));
    assert_string_equal(mp.filename, "a.pdf");
    assert_string_equal(mp.content_type, "application/pdf");
    assert_int_equal(mp.file_size, 10);
    assert_int_equal(s.n, 10);
    assert_memory_equal(s.data, "%PDF-1.7 x", 10);
}

static void large_file_streams_after_window(void **state)
{
    gk_multipart mp;
    sink_buf s = {0};
    gk_multipart_init(&mp, "file", collect, &s);
    char block[1000];
    memset(block, 'a', sizeof block);
    assert_true(gk_multipart_part(&mp, "file", "t.txt", NULL, block, 0, 300));
    assert_int_equal(s.calls, 0);
    assert_true(gk_multipart_part(&mp, "file", "t.txt", NULL, block, 300, 1000));
    assert_true(s.calls >= 1); /* the window filled: decided and flushed */
    assert_int_equal(s.n, 1300);
    assert_true(gk_multipart_finish(&mp));
    assert_string_equal(mp.content_type, "text/plain; charset=utf-8");
}

static void refusals(void **state)
{
    static const struct {
        const char *name;
        int steps;
        const char *keys[10];
        const char *fname[10];
        const char *data[10];
        gk_error want;
        const char *field;
    } cases[] = {
        {"a program", 1, {"file"}, {"x.pdf"}, {"MZ\x90"}, GK_ERR_UNSUPPORTED_MEDIA_TYPE, "file"},
        {"two files",
         2,
         {"file", "file"},
         {"a.pdf", "b.pdf"},
         {"%PDF-", "%PDF-"},
         GK_ERR_VALIDATION,
         "file"},
        {"a file field without a file name",
         1,
         {"file"},
         {NULL},
         {"%PDF-"},
         GK_ERR_VALIDATION,
         "file"},
        {"a repeated field",
         2,
         {"kind", "kind"},
         {NULL, NULL},
         {"a", "b"},
         GK_ERR_VALIDATION,
         "body"},
        {"too many parts",
         9,
         {"a", "b", "c", "d", "e", "f", "g", "h", "i"},
         {0},
         {"1", "1", "1", "1", "1", "1", "1", "1", "1"},
         GK_ERR_VALIDATION,
         "body"},
        {"no file at all", 1, {"kind"}, {NULL}, {"outline"}, GK_ERR_VALIDATION, "file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gk_multipart mp;
        sink_buf s = {0};
        gk_multipart_init(&mp, "file", collect, &s);
        bool ok = true;
        for (int k = 0; k < cases[i].steps && ok; k++)
            ok = gk_multipart_part(&mp, cases[i].keys[k], cases[i].fname[k], NULL, cases[i].data[k],
                                   0, strlen(cases[i].data[k]));
        if (ok) ok = gk_multipart_finish(&mp);
        if (ok) fail_msg("%s: accepted", cases[i].name);
        if (mp.error != cases[i].want || !mp.error_field || strcmp(mp.error_field, cases[i].field))
            fail_msg("%s: error %d field %s", cases[i].name, mp.error,
                     mp.error_field ? mp.error_field : "-");
        assert_int_equal(s.n, 0); /* nothing reached storage */
        /* Once stopped, nothing more is taken. */
        assert_false(gk_multipart_part(&mp, "kind", NULL, NULL, "x", 0, 1));
    }
}

static void field_cap(void **state)
{
    gk_multipart mp;
    gk_multipart_init(&mp, "file", collect, NULL);
    char big[GK_MP_FIELD_MAX + 1];
    memset(big, 'x', sizeof big);
    assert_true(gk_multipart_part(&mp, "kind", NULL, NULL, big, 0, GK_MP_FIELD_MAX));
    assert_false(gk_multipart_part(&mp, "kind", NULL, NULL, big, GK_MP_FIELD_MAX, 1));
    assert_int_equal(mp.error, GK_ERR_VALIDATION);
}

static void empty_file(void **state)
{
    gk_multipart mp;
    sink_buf s = {0};
    gk_multipart_init(&mp, "file", collect, &s);
    assert_true(gk_multipart_part(&mp, "file", "e.pdf", NULL, "", 0, 0));
    assert_false(gk_multipart_finish(&mp));
    assert_string_equal(mp.error_field, "file");
}

static void sink_failure_stops(void **state)
{
    gk_multipart mp;
    sink_buf s = {.fail = true};
    gk_multipart_init(&mp, "file", collect, &s);
    assert_true(gk_multipart_part(&mp, "file", "a.pdf", NULL, "%PDF-1.7", 0, 8));
    assert_false(gk_multipart_finish(&mp)); /* the flush at the end fails */
    assert_int_equal(mp.error, GK_ERR_INTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sniff_table),
        cmocka_unit_test(filename_table),
        cmocka_unit_test(disposition),
        cmocka_unit_test(parts_in_order),
        cmocka_unit_test(large_file_streams_after_window),
        cmocka_unit_test(refusals),
        cmocka_unit_test(field_cap),
        cmocka_unit_test(empty_file),
        cmocka_unit_test(sink_failure_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
