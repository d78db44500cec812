/* The mail composer (see compose.h). */
#include "mail/compose.h"

#include "crypto/base64.h"
#include "render/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of text per encoded word: 45 bytes are 60 base64 characters, and with "=?UTF-8?B?"
 * and "?=" the word is 72 characters (RFC 2047 allows 75). */
#define WORD_BYTES 45

/* The length of the UTF-8 sequence starting at s (0 when it is not a valid one). */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    size_t n = (s[0] & 0xE0) == 0xC0   ? 2
               : (s[0] & 0xF0) == 0xE0 ? 3
               : (s[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
    if (!n || (n == 2 && s[0] < 0xC2)) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return n;
}

/* Whether v holds a control character (a line break would start a new header). */
static bool has_control(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return true;
    return false;
}

char *gk_mail_encode_header(const char *value, size_t name_len)
{
    if (!value || has_control(value)) return NULL;
    size_t len = strlen(value);
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)value[i] >= 0x80) ascii = false;
    /* "=?" in plain text would read as the start of an encoded word: encode it too. */
    if (ascii && len + name_len + 2 <= 78 && !strstr(value, "=?")) return strdup(value);
    gk_buf b;
    gk_buf_init(&b);
    const unsigned char *s = (const unsigned char *)value;
    size_t i = 0;
    bool first = true, ok = true;
    while (ok && i < len) {
        size_t n = 0; /* whole characters that fit in one word */
        while (i + n < len) {
            size_t c = utf8_len(s + i + n);
            if (!c) {
                ok = false;
                break;
            }
            if (n + c > WORD_BYTES) break;
            n += c;
        }
        if (!ok) break;
        char b64[64];
        if (!gk_base64_encode_to(s + i, n, GK_B64_STD, b64, sizeof b64)) ok = false;
        if (ok && gk_buf_appendf(&b, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64)) ok = false;
        first = false;
        i += n;
    }
    if (!ok) {
        gk_buf_free(&b);
        return NULL;
    }
    return gk_buf_steal(&b, NULL);
}

bool gk_mail_date(time_t t, char *buf, size_t size)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
        return false;
    int n =
        snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n > 0 && (size_t)n < size;
}

/* The body as base64 in lines of 76 characters, with \n turned into CRLF first (text parts
 * are canonical with CRLF line ends). */
static int append_base64(gk_buf *b, const char *text)
{
    gk_buf crlf;
    gk_buf_init(&crlf);
    for (const char *p = text; *p; p++) {
        if (*p == '\n' && (p == text || p[-1] != '\r') && gk_buf_putc(&crlf, '\r')) goto fail;
        if (gk_buf_putc(&crlf, *p)) goto fail;
    }
    size_t n = crlf.len;
    char *enc = n ? gk_base64_encode(gk_buf_cstr(&crlf), n, GK_B64_STD) : strdup("");
    gk_buf_free(&crlf);
    if (!enc) return -1;
    size_t len = strlen(enc);
    int rc = 0;
    for (size_t i = 0; !rc && i < len; i += 76) {
        size_t k = len - i < 76 ? len - i : 76;
        rc = gk_buf_append(b, enc + i, k) || gk_buf_puts(b, "\r\n");
    }
    free(enc);
    return rc;
fail:
    gk_buf_free(&crlf);
    return -1;
}

/* A boundary that no base64 line can contain ("=_" never occurs in base64 text). */
static void boundary_of(const char *message_id, char *out, size_t size)
{
    unsigned long h = 5381;
    for (const unsigned char *p = (const unsigned char *)message_id; *p; p++)
        h = h * 33 + *p;
    snprintf(out, size, "=_giteki_%016lx", h);
}

char *gk_mail_compose(const gk_mail_msg *m)
{
    if (!m->from || !m->to || !m->subject || !m->text || !m->message_id) return NULL;
    if (has_control(m->from) || has_control(m->to) || has_control(m->message_id) ||
        (m->kind && has_control(m->kind)) ||
        (m->list_unsubscribe && has_control(m->list_unsubscribe)))
        return NULL;
    char date[40], boundary[40];
    if (!gk_mail_date(m->date, date, sizeof date)) return NULL;
    char *subject = gk_mail_encode_header(m->subject, strlen("Subject"));
    if (!subject) return NULL;
    boundary_of(m->message_id, boundary, sizeof boundary);
    gk_buf b;
    gk_buf_init(&b);
    int rc = gk_buf_appendf(&b,
                            "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
                            "Message-ID: <%s>\r\nMIME-Version: 1.0\r\n",
                            date, m->from, m->to, subject, m->message_id);
    free(subject);
    if (!rc && m->kind) rc = gk_buf_appendf(&b, "X-Giteki-Kind: %s\r\n", m->kind);
    if (!rc && m->list_unsubscribe)
        rc = gk_buf_appendf(&b,
                            "List-Unsubscribe: <%s>\r\n"
                            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
                            m->list_unsubscribe);
    if (!rc)
        rc = gk_buf_appendf(&b,
                            "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
                            "This is a MIME message.\r\n",
                            boundary);
    const char *types[2] = {"text/plain", "text/html"};
    const char *parts[2] = {m->text, m->html};
    for (int i = 0; !rc && i < 2; i++) {
        if (!parts[i]) continue;
        rc = gk_buf_appendf(&b,
                            "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
                            "Content-Transfer-Encoding: base64\r\n\r\n",
                            boundary, types[i]) ||
             append_base64(&b, parts[i]);
    }
    if (!rc) rc = gk_buf_appendf(&b, "--%s--\r\n", boundary);
    if (rc) {
        gk_buf_free(&b);
        return NULL;
    }
    return gk_buf_steal(&b, NULL);
}
