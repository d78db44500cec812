/* The display of a terminal-equipment certificate (認定規則 様式第7号 as docs/rules.md
 * describes it): the technical conformity mark (a pictogram in a circle), the symbol of
 * terminal-equipment certification (the letter T in a square), then the number. One set of
 * shapes in mark units (the circle's diameter is 10), drawn by the SVG writer here and by
 * the PDF renderer (render/pdf.h), so the two never differ. */
#ifndef GK_RENDER_MARK_H
#define GK_RENDER_MARK_H

#include "render/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define GK_MARK_HEIGHT 10.0   /* units: the circle's outer diameter */
#define GK_MARK_TEXT_X 21.5   /* where the number starts */
#define GK_MARK_TEXT_BASE 8.4 /* its baseline */
#define GK_MARK_TEXT_SIZE 8.8 /* its font size (cap height about 6.4) */
#define GK_MARK_CHAR_W 5.3    /* advance per character the layout reserves */
#define GK_MARK_MIN_MM 3      /* the smallest height the rules allow, in millimetres */

typedef enum {
    GK_SHAPE_RING, /* a circle stroked: centre x, y; radius w; stroke width h */
    GK_SHAPE_BOX,  /* a filled rectangle x, y, w, h */
    GK_SHAPE_FRAME /* a square outline x, y, side w; stroke width h */
} gk_shape_kind;

typedef struct {
    gk_shape_kind kind;
    double x, y, w, h;
} gk_shape;

extern const gk_shape gk_mark_shapes[];
extern const size_t gk_mark_shapes_n;

/* Width in mark units of the whole display for a number of `chars` characters. */
double gk_mark_width(size_t chars);

/* The display as a standalone SVG document: shapes as paths, the number as text (escaped),
 * sized `GK_MARK_HEIGHT` millimetres high by default and scalable. `title` (may be NULL) is
 * its accessible name. Appends to out; false when the buffer failed. */
bool gk_mark_svg(const char *number, const char *title, gk_buf *out);

#endif
