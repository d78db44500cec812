#include "render/mark.h"

#include <string.h>

/* The pictogram: a ring holding the 〒-like figure of public depictions of the mark (two
 * bars and a stem); then the T in its square. Proportions are ours (docs/rules.md). */
const gk_shape gk_mark_shapes[] = {
    {GK_SHAPE_RING, 5.0, 5.0, 4.55, 0.9},  {GK_SHAPE_BOX, 2.3, 2.5, 5.4, 1.0},
    {GK_SHAPE_BOX, 2.3, 4.3, 5.4, 1.0},    {GK_SHAPE_BOX, 4.45, 4.3, 1.1, 3.9},
    {GK_SHAPE_FRAME, 11.6, 1.0, 8.0, 0.8}, {GK_SHAPE_BOX, 13.2, 2.5, 4.8, 1.1},
    {GK_SHAPE_BOX, 15.05, 2.5, 1.1, 5.3},
};
const size_t gk_mark_shapes_n = sizeof gk_mark_shapes / sizeof *gk_mark_shapes;

double gk_mark_width(size_t chars)
{
    return GK_MARK_TEXT_X + (double)chars * GK_MARK_CHAR_W + 0.5;
}

bool gk_mark_svg(const char *number, const char *title, gk_buf *out)
{
    size_t n = strlen(number);
    double w = gk_mark_width(n);
    gk_buf_appendf(out,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.2f %.1f\" "
                   "width=\"%.2fmm\" height=\"%.1fmm\" role=\"img\">",
                   w, GK_MARK_HEIGHT, w, GK_MARK_HEIGHT);
    if (title) {
        gk_buf_puts(out, "<title>");
        gk_buf_append_html(out, title, strlen(title));
        gk_buf_puts(out, "</title>");
    }
    gk_buf_puts(out, "<g fill=\"#000\" stroke=\"#000\">");
    for (size_t i = 0; i < gk_mark_shapes_n; i++) {
        const gk_shape *s = &gk_mark_shapes[i];
        switch (s->kind) {
        case GK_SHAPE_RING:
            gk_buf_appendf(out,
                           "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"none\" "
                           "stroke-width=\"%.2f\"/>",
                           s->x, s->y, s->w, s->h);
            break;
        case GK_SHAPE_BOX:
            gk_buf_appendf(out,
                           "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                           "stroke=\"none\"/>",
                           s->x, s->y, s->w, s->h);
            break;
        case GK_SHAPE_FRAME:
            gk_buf_appendf(out,
                           "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                           "fill=\"none\" stroke-width=\"%.2f\"/>",
                           s->x + s->h / 2, s->y + s->h / 2, s->w - s->h, s->w - s->h, s->h);
            break;
        }
    }
    /* textLength keeps the layout whatever font the viewer has. */
    gk_buf_appendf(out,
                   "<text x=\"%.2f\" y=\"%.2f\" font-family=\"DejaVu Sans, Noto Sans, Arial, "
                   "sans-serif\" font-size=\"%.2f\" textLength=\"%.2f\" "
                   "lengthAdjust=\"spacingAndGlyphs\" stroke=\"none\">",
                   GK_MARK_TEXT_X, GK_MARK_TEXT_BASE, GK_MARK_TEXT_SIZE,
                   (double)n * GK_MARK_CHAR_W);
    gk_buf_append_html(out, number, n);
    gk_buf_puts(out, "</text></g></svg>\n");
    return !out->failed;
}
