/* The mark, the QR code and the PDFs (render/mark.h, render/qr.h, render/pdf.h): the QR code
 * decodes back to the URL (zbarimg, Debian zbar-tools, reads the PNG), the SVGs are
 * well-formed XML with hostile text escaped, and the PDFs are PDFs whose text pdftotext
 * (Debian poppler-utils) reads back, Japanese included, whatever the length of the text.
 * Without zbarimg or pdftotext those checks are skipped, saying so. */
/* cmocka.h needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/mark.h"
#include "render/pdf.h"
#include "render/qr.h"

static const char URL[] = "https://giteki.example.jp:8443/e/D26-0001001";

static bool tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

static char *write_temp(const void *data, size_t len, const char *suffix)
{
    char *path = NULL;
    assert_true(asprintf(&path, "/tmp/gk_test_mark_%d%s", (int)getpid(), suffix) > 0);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

/* The whole output of a command, NUL-terminated (malloc'd). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 4096, n = 0;
    char *out = malloc(cap);
    size_t got;
    while ((got = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 2) out = realloc(out, cap *= 2);
    }
    out[n] = '\0';
    pclose(p);
    return out;
}

static void assert_well_formed(const char *xml, size_t len)
{
    xmlDocPtr doc =
        xmlReadMemory(xml, (int)len, "x.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    assert_non_null(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "svg");
    xmlFreeDoc(doc);
}

static void test_qr_matrix(void **state)
{
    (void)state;
    gk_qr q;
    assert_true(gk_qr_encode(URL, &q));
    assert_true(q.width >= 21 && (q.width - 17) % 4 == 0); /* a QR version's size */
    /* The three finder patterns: dark corners. */
    assert_true(gk_qr_dark(&q, 0, 0) && gk_qr_dark(&q, q.width - 1, 0) &&
                gk_qr_dark(&q, 0, q.width - 1));
    assert_false(gk_qr_dark(&q, -1, 0));
    gk_qr_free(&q);
    assert_false(gk_qr_encode("", &q));
    char *huge = malloc(8000);
    memset(huge, 'x', 7999);
    huge[7999] = '\0';
    assert_false(gk_qr_encode(huge, &q)); /* too long for any QR code */
    free(huge);
}

static void test_qr_png_decodes_to_url(void **state)
{
    (void)state;
    gk_qr q;
    assert_true(gk_qr_encode(URL, &q));
    unsigned char *png = NULL;
    size_t len = 0;
    assert_true(gk_qr_png(&q, 4, &png, &len));
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    free(png);
    assert_false(gk_qr_png(&q, 0, &png, &len)); /* scale out of range */
    gk_qr_free(&q);
    if (!tool("zbarimg")) skip(); /* zbar-tools is not installed */
    assert_true(gk_qr_encode(URL, &q));
    assert_true(gk_qr_png(&q, 4, &png, &len));
    gk_qr_free(&q);
    char *path = write_temp(png, len, ".png");
    free(png);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "zbarimg --quiet --raw %s 2>/dev/null", path);
    char *out = run(cmd);
    unlink(path);
    free(path);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    assert_string_equal(out, URL);
    free(out);
}

static void test_qr_svg_well_formed(void **state)
{
    (void)state;
    gk_qr q;
    assert_true(gk_qr_encode(URL, &q));
    gk_buf b = GK_BUF_INIT;
    assert_true(gk_qr_svg(&q, "QR <for> \"D26\" & 'x' 確認", &b));
    assert_well_formed(b.data, b.len);
    assert_non_null(strstr(b.data, "&lt;for&gt;"));
    gk_buf_free(&b);
    gk_qr_free(&q);
}

static void test_mark_svg_well_formed(void **state)
{
    (void)state;
    gk_buf b = GK_BUF_INIT;
    assert_true(gk_mark_svg("D26-0001001", "技適マーク T D26-0001001", &b));
    assert_well_formed(b.data, b.len);
    assert_non_null(strstr(b.data, ">D26-0001001</text>"));
    assert_non_null(strstr(b.data, "<circle"));
    gk_buf_reset(&b);
    /* Whatever reaches it is escaped, never markup. */
    assert_true(gk_mark_svg("</text><script>x</script>&", "\"><svg onload=1>", &b));
    assert_well_formed(b.data, b.len);
    assert_null(strstr(b.data, "<script"));
    assert_null(strstr(b.data, "<svg onload"));
    gk_buf_free(&b);
    assert_true(gk_mark_width(11) > GK_MARK_TEXT_X);
}

static char *pdf_text(const gk_buf *pdf)
{
    char *path = write_temp(pdf->data, pdf->len, ".pdf");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
    char *out = run(cmd);
    unlink(path);
    free(path);
    return out;
}

static void test_certificate_pdf(void **state)
{
    (void)state;
    /* A model name far longer than a page's line, and a holder name in Japanese. */
    size_t long_n = 20000;
    char *longname = malloc(long_n + 1);
    for (size_t i = 0; i < long_n; i++)
        longname[i] = "ABCDEFGH "[i % 9];
    longname[long_n] = '\0';
    gk_pdf_row rows[] = {
        {"認定番号", "Certificate number", "D26-0001001", false},
        {"認定を受けた者", "Holder", "株式会社テスト電機", false},
        {"機器の名称", "Model name", "見守りカメラ Z-100", false},
        {"型式", "Type", longname, false},
        {"電子署名", "Signature",
         "aBcD_-0123456789aBcD_-0123456789aBcD_-0123456789aBcD_-0123456789aBcD_-0123456789", true},
    };
    gk_qr q;
    assert_true(gk_qr_encode(URL, &q));
    gk_pdf_certificate c = {"技術基準適合認定書",
                            "Certificate of conformity",
                            "証明します。\nThis certifies.",
                            "D26-0001001",
                            rows,
                            sizeof rows / sizeof *rows,
                            &q,
                            URL,
                            "footer",
                            "Certificate D26-0001001"};
    gk_buf b = GK_BUF_INIT;
    assert_true(gk_pdf_certificate_render(&c, &b));
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "%PDF-", 5);
    gk_pdf_labels l = {"D26-0001001", "見守りカメラ Z-100\n株式会社テスト電機", "3 mm", &q,
                       "labels"};
    gk_buf lb = GK_BUF_INIT;
    assert_true(gk_pdf_labels_render(&l, &lb));
    assert_memory_equal(lb.data, "%PDF-", 5);
    gk_qr_free(&q);
    free(longname);
    if (!tool("pdftotext")) {
        gk_buf_free(&b);
        gk_buf_free(&lb);
        skip(); /* poppler-utils is not installed */
    }
    char *text = pdf_text(&b);
    assert_non_null(strstr(text, "D26-0001001"));
    assert_non_null(strstr(text, "株式会社テスト電機"));
    assert_non_null(strstr(text, "見守りカメラ Z-100"));
    assert_non_null(strstr(text, "Certificate of conformity"));
    free(text);
    text = pdf_text(&lb);
    assert_non_null(strstr(text, "D26-0001001"));
    free(text);
    gk_buf_free(&b);
    gk_buf_free(&lb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr_matrix),          cmocka_unit_test(test_qr_png_decodes_to_url),
        cmocka_unit_test(test_qr_svg_well_formed), cmocka_unit_test(test_mark_svg_well_formed),
        cmocka_unit_test(test_certificate_pdf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
