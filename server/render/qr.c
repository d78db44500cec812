#include "render/qr.h"

#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

bool gk_qr_encode(const char *text, gk_qr *out)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text) return false;
    QRcode *c = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!c) return false;
    size_t n = (size_t)c->width * (size_t)c->width;
    out->modules = malloc(n);
    if (out->modules) {
        out->width = c->width;
        for (size_t i = 0; i < n; i++)
            out->modules[i] = c->data[i] & 1;
    }
    QRcode_free(c);
    return out->modules != NULL;
}

void gk_qr_free(gk_qr *q)
{
    free(q->modules);
    q->modules = NULL;
    q->width = 0;
}

bool gk_qr_svg(const gk_qr *q, const char *title, gk_buf *out)
{
    int side = q->width + 2 * GK_QR_QUIET;
    gk_buf_appendf(out,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                   "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\" role=\"img\">",
                   side, side, side * 4, side * 4);
    if (title) {
        gk_buf_puts(out, "<title>");
        gk_buf_append_html(out, title, strlen(title));
        gk_buf_puts(out, "</title>");
    }
    gk_buf_appendf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                   side, side);
    /* One horizontal run of dark modules per subpath: a few hundred bytes for a URL. */
    for (int y = 0; y < q->width; y++)
        for (int x = 0; x < q->width;) {
            if (!gk_qr_dark(q, x, y)) {
                x++;
                continue;
            }
            int run = 1;
            while (gk_qr_dark(q, x + run, y))
                run++;
            gk_buf_appendf(out, "M%d %dh%dv1h-%dz", x + GK_QR_QUIET, y + GK_QR_QUIET, run, run);
            x += run;
        }
    gk_buf_puts(out, "\"/></svg>\n");
    return !out->failed;
}

static void png_write_buf(png_structp p, png_bytep data, png_size_t n)
{
    if (gk_buf_append(png_get_io_ptr(p), data, n)) png_error(p, "out of memory");
}

static void png_flush_none(png_structp p)
{
    (void)p;
}

/* The libpng part on its own, so nothing the longjmp crosses is a local that changes. */
static bool write_png(png_structp p, png_infop info, const gk_qr *q, int scale, unsigned char *row,
                      gk_buf *b)
{
    if (setjmp(png_jmpbuf(p))) return false;
    int side = (q->width + 2 * GK_QR_QUIET) * scale;
    png_set_write_fn(p, b, png_write_buf, png_flush_none);
    png_set_IHDR(p, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(p, info);
    size_t row_bytes = ((size_t)side + 7) / 8;
    for (int py = 0; py < side; py++) {
        memset(row, 0xff, row_bytes); /* 1 = white in a greyscale image */
        int my = py / scale - GK_QR_QUIET;
        for (int px = 0; px < side; px++)
            if (gk_qr_dark(q, px / scale - GK_QR_QUIET, my))
                row[px / 8] &= (unsigned char)~(0x80u >> (px % 8));
        png_write_row(p, row);
    }
    png_write_end(p, info);
    return true;
}

bool gk_qr_png(const gk_qr *q, int scale, unsigned char **png, size_t *len)
{
    *png = NULL;
    *len = 0;
    if (!q->modules || scale < 1 || scale > 64) return false;
    size_t side = (size_t)(q->width + 2 * GK_QR_QUIET) * (size_t)scale;
    unsigned char *row = malloc((side + 7) / 8);
    png_structp p = row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL) : NULL;
    png_infop info = p ? png_create_info_struct(p) : NULL;
    gk_buf b = GK_BUF_INIT;
    bool ok = info && write_png(p, info, q, scale, row, &b) && !b.failed;
    png_destroy_write_struct(p ? &p : NULL, info ? &info : NULL);
    free(row);
    if (ok) *png = (unsigned char *)gk_buf_steal(&b, len);
    gk_buf_free(&b);
    return ok && *png;
}
