/* QR codes (libqrencode) as a module matrix, and that matrix as SVG and as PNG (libpng).
 * Level M, byte mode: the text is encoded as it is (UTF-8 bytes), so a URL comes back
 * unchanged from any reader. Drawings include the quiet zone of 4 modules the standard asks
 * for, so they can be placed on any background. Thread-safe (no shared state). */
#ifndef GK_RENDER_QR_H
#define GK_RENDER_QR_H

#include "render/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define GK_QR_QUIET 4 /* modules of white border on each side */

typedef struct {
    int width;              /* modules per side, without the quiet zone */
    unsigned char *modules; /* width * width bytes, row by row: 1 = dark */
} gk_qr;

/* Encodes `text` (NUL-terminated); false when it is empty, too long for a QR code (about
 * 2300 bytes at level M) or memory runs out. Free with gk_qr_free. */
bool gk_qr_encode(const char *text, gk_qr *out);
void gk_qr_free(gk_qr *q);
static inline bool gk_qr_dark(const gk_qr *q, int x, int y)
{
    return x >= 0 && y >= 0 && x < q->width && y < q->width && q->modules[y * q->width + x];
}

/* A standalone SVG document (one path, one unit per module, quiet zone included) that scales
 * to any size; `title` (may be NULL) becomes its accessible name, escaped. Appends to out;
 * false when the buffer failed. */
bool gk_qr_svg(const gk_qr *q, const char *title, gk_buf *out);

/* A 1-bit greyscale PNG, `scale` pixels per module (1-64), quiet zone included. *png is
 * malloc'd (free it); false on failure. */
bool gk_qr_png(const gk_qr *q, int scale, unsigned char **png, size_t *len);

#endif
