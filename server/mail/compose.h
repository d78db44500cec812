/* The mail composer: one message as RFC 5322 text, pure (no I/O, no clock, no randomness: the
 * caller gives the date and the Message-ID), so a unit test checks it byte by byte.
 *
 * - multipart/alternative with a text/plain and (when given) a text/html part, both UTF-8 in
 *   base64 (Japanese text needs 8 bits; base64 keeps every line short and 7-bit);
 * - Date (RFC 5322, in UTC), Message-ID, MIME-Version;
 * - the Subject as RFC 2047 encoded words (UTF-8, B encoding) when it is not plain ASCII, each
 *   word at most 75 characters and cut between characters, never inside one, on folded lines;
 * - List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 one-click) when an unsubscribe URL
 *   is given (subscriptions only). */
#ifndef GK_MAIL_COMPOSE_H
#define GK_MAIL_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct {
    const char *from;             /* an address, e.g. noreply@giteki.example */
    const char *to;               /* one address */
    const char *subject;          /* UTF-8 */
    const char *text;             /* UTF-8 plain text, lines ending in \n */
    const char *html;             /* UTF-8 HTML document, or NULL */
    time_t date;                  /* the Date header */
    const char *message_id;       /* without the angle brackets: unique@host */
    const char *kind;             /* X-Giteki-Kind (what the mail is about), or NULL */
    const char *list_unsubscribe; /* https URL of one-click unsubscribe, or NULL */
} gk_mail_msg;

/* The message with CRLF line ends, malloc'd (the caller frees); NULL when a header value
 * holds a line break or a control character (header injection), or out of memory. */
char *gk_mail_compose(const gk_mail_msg *m);

/* The value of an unstructured header (Subject) as it is written after "Name: ": as is when
 * it is printable ASCII of at most 998 - name_len characters, else encoded words of at most
 * 75 characters joined by CRLF + space. name_len: the length of "Subject" (the first line
 * holds "Subject: "). malloc'd; NULL when the value is not valid UTF-8 or holds a control
 * character. */
char *gk_mail_encode_header(const char *value, size_t name_len);

/* RFC 5322 date-time in UTC, e.g. "Thu, 03 Dec 2026 17:20:00 +0000", into buf (>= 32 bytes). */
bool gk_mail_date(time_t t, char *buf, size_t size);

#endif
