/* The mail composer (server/mail/compose.c): encoded-word subjects decode back to the text,
 * words stay within 75 characters and never cut a character, headers are there and a line
 * break in a header value is refused. */
#include "crypto/base64.h"
#include "mail/compose.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Decodes a header value made of encoded words (or plain text) back to UTF-8: the words are
 * joined without the folding white space between them (RFC 2047 section 6.2). */
static char *decode_words(const char *v)
{
    size_t cap = strlen(v) + 1, o = 0;
    char *out = calloc(1, cap);
    assert_non_null(out);
    const char *p = v;
    if (strncmp(p, "=?", 2)) {
        strcpy(out, v);
        return out;
    }
    while (*p) {
        while (*p == '\r' || *p == '\n' || *p == ' ')
            p++;
        if (!*p) break;
        assert_memory_equal(p, "=?UTF-8?B?", 10);
        p += 10;
        const char *end = strstr(p, "?=");
        assert_non_null(end);
        size_t n = 0;
        assert_true(gk_base64_decode(p, (size_t)(end - p), GK_B64_STD, (unsigned char *)out + o,
                                     cap - o, &n));
        o += n;
        p = end + 2;
    }
    out[o] = '\0';
    return out;
}

/* Every encoded word is at most 75 characters and holds whole UTF-8 characters. */
static void check_words(const char *v)
{
    const char *p = v;
    while (*p) {
        while (*p == '\r' || *p == '\n' || *p == ' ')
            p++;
        if (!*p) break;
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        assert_true(end + 2 - p <= 75);
        unsigned char raw[64];
        size_t n = 0;
        assert_true(
            gk_base64_decode(p + 10, (size_t)(end - p - 10), GK_B64_STD, raw, sizeof raw, &n));
        assert_true(n > 0);
        assert_true((raw[0] & 0xC0) != 0x80); /* does not start inside a character */
        /* ends on a whole character: the last lead byte's sequence fits */
        size_t last = n - 1;
        while (last > 0 && (raw[last] & 0xC0) == 0x80)
            last--;
        size_t need = raw[last] < 0x80 ? 1 : raw[last] >= 0xF0 ? 4 : raw[last] >= 0xE0 ? 3 : 2;
        assert_int_equal(n - last, need);
        p = end + 2;
    }
}

static void test_subject_round_trip(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "Hello",
        "【giteki】メールアドレスの確認",
        "情報提供の依頼が届きました: 申請 A-2026-000123 の無線ルーター（5GHz帯）について確認してください",
        "Ünïcödé and 日本語 mixed with ASCII words that go on and on and on beyond one line",
        "An ASCII subject that is rather long, longer than the seventy-eight characters of a line",
        "Looks like =?UTF-8?B?x?= but is plain",
        "絵文字 😀 を含む件名 😀😀😀😀😀😀😀😀😀😀😀😀😀",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *enc = gk_mail_encode_header(cases[i], strlen("Subject"));
        assert_non_null(enc);
        if (!strncmp(enc, "=?", 2)) check_words(enc);
        for (const char *p = enc; *p; p++) /* 7-bit */
            assert_true((unsigned char)*p < 0x80);
        char *dec = decode_words(enc);
        assert_string_equal(dec, cases[i]);
        free(dec);
        free(enc);
    }
    assert_null(gk_mail_encode_header("two\r\nBcc: x@evil.example", 7));
    assert_null(gk_mail_encode_header("bad \xE3\x81 utf-8", 7));
}

static void test_date(void **state)
{
    (void)state;
    char buf[40];
    assert_true(gk_mail_date((time_t)1796318400, buf, sizeof buf)); /* 2026-12-03 17:20:00 UTC */
    assert_string_equal(buf, "Thu, 03 Dec 2026 17:20:00 +0000");
}

static void test_compose_headers(void **state)
{
    (void)state;
    gk_mail_msg m = {.from = "noreply@giteki.test",
                     .to = "maker@acme.test",
                     .subject = "【giteki】確認",
                     .text = "こんにちは\nhttps://giteki.test/verify-email?token=abc\n",
                     .html = "<!DOCTYPE html><html><body><p>こんにちは</p></body></html>",
                     .date = (time_t)1796318400,
                     .message_id = "42.abc@giteki.test",
                     .kind = "signup.verify"};
    char *msg = gk_mail_compose(&m);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "Date: Thu, 03 Dec 2026 17:20:00 +0000\r\n"));
    assert_non_null(strstr(msg, "Message-ID: <42.abc@giteki.test>\r\n"));
    assert_non_null(strstr(msg, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(msg, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "Content-Type: multipart/alternative; boundary="));
    assert_non_null(strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(msg, "Content-Type: text/html; charset=UTF-8\r\n"));
    assert_null(strstr(msg, "List-Unsubscribe"));
    for (const char *p = msg; *p; p++) { /* 7-bit, every line ends in CRLF */
        assert_true((unsigned char)*p < 0x80);
        if (*p == '\n') assert_true(p > msg && p[-1] == '\r');
    }
    /* the text part decodes back, with CRLF line ends */
    const char *t = strstr(msg, "Content-Transfer-Encoding: base64\r\n\r\n");
    assert_non_null(t);
    t += strlen("Content-Transfer-Encoding: base64\r\n\r\n");
    const char *e = strstr(t, "\r\n--");
    char joined[512];
    size_t j = 0;
    for (const char *p = t; p < e; p++)
        if (*p != '\r' && *p != '\n') joined[j++] = *p;
    unsigned char raw[256];
    size_t n = 0;
    assert_true(gk_base64_decode(joined, j, GK_B64_STD, raw, sizeof raw, &n));
    raw[n] = 0;
    assert_string_equal((char *)raw,
                        "こんにちは\r\nhttps://giteki.test/verify-email?token=abc\r\n");
    free(msg);

    m.list_unsubscribe = "https://giteki.test/unsubscribe?token=xyz";
    msg = gk_mail_compose(&m);
    assert_non_null(msg);
    assert_non_null(
        strstr(msg, "List-Unsubscribe: <https://giteki.test/unsubscribe?token=xyz>\r\n"));
    assert_non_null(strstr(msg, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
    free(msg);

    m.to = "a@b.test\r\nBcc: everyone@evil.example";
    assert_null(gk_mail_compose(&m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subject_round_trip),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_compose_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
