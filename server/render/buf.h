/* gk_buf: a growable byte buffer for building responses (HTML, JSON, CSV, XML).
 *
 * Failure is sticky: when an allocation fails (or the size would overflow), the buffer
 * remembers it in `failed`, every later append is a no-op returning -1, and the writer
 * checks once at the end. So a long chain of appends needs no error check per call.
 * `data` is always NUL-terminated when non-NULL (the NUL is not counted in `len`), so it
 * can be handed to C string functions. The buffer owns `data`; free it with gk_buf_free()
 * or take it with gk_buf_steal(). Not thread-safe: one buffer belongs to one writer. */
#ifndef GK_RENDER_BUF_H
#define GK_RENDER_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct gk_buf {
    char *data;  /* NULL until the first append */
    size_t len;  /* bytes written, excluding the trailing NUL */
    size_t cap;  /* bytes allocated */
    bool failed; /* an allocation failed; contents are incomplete */
} gk_buf;

#define GK_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

void gk_buf_init(gk_buf *b);
/* Frees the storage and returns the buffer to its initial (empty, not failed) state. */
void gk_buf_free(gk_buf *b);
/* Empties the buffer and clears `failed`, keeping the storage for reuse. */
void gk_buf_reset(gk_buf *b);
/* Shortens to `len` bytes (no-op if already shorter); does not clear `failed`. */
void gk_buf_truncate(gk_buf *b, size_t len);

/* Ensures room for `extra` more bytes. 0 on success, -1 (and `failed` set) otherwise. */
int gk_buf_reserve(gk_buf *b, size_t extra);
/* Appenders: 0 on success, -1 when the buffer has failed (now or before). */
int gk_buf_append(gk_buf *b, const void *data, size_t n);
int gk_buf_puts(gk_buf *b, const char *s);
int gk_buf_putc(gk_buf *b, char c);
int gk_buf_appendf(gk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int gk_buf_vappendf(gk_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends `n` bytes of text escaped for HTML/XML text and double- or single-quoted
 * attribute values: & < > " ' become character references; everything else is copied. */
int gk_buf_append_html(gk_buf *b, const char *s, size_t n);

/* Contents as a C string: "" when empty. Valid until the next append or free. */
const char *gk_buf_cstr(const gk_buf *b);
/* Hands the malloc'd, NUL-terminated contents to the caller (free() it) and empties the
 * buffer. Returns NULL if the buffer has failed (its storage is then freed). An empty
 * buffer yields a freshly allocated "" (or NULL if even that allocation fails). */
char *gk_buf_steal(gk_buf *b, size_t *len);

#endif
