/* Bar charts as standalone SVG documents, drawn on the server with libxml2's xmlTextWriter
 * (every label is escaped by the writer). Readable without JavaScript or CSS: the chart has
 * role="img", a <title> and a <desc> (aria-labelledby both), axis labels as text, and every bar
 * a <title> "label: value" that screen readers and tooltips show. Pages also give the numbers
 * in a table; the chart only illustrates them. */
#ifndef GK_RENDER_SVG_CHART_H
#define GK_RENDER_SVG_CHART_H

#include "render/buf.h"

#include <stddef.h>

typedef struct {
    const char *label; /* x-axis label (UTF-8); borrowed */
    double value;      /* >= 0 */
} gk_svg_bar;

/* Appends an SVG document (<?xml?> + <svg>) to `out`: vertical bars in order, a y axis from 0
 * to a round maximum with grid lines, x labels (every k-th when there are many bars).
 * title and desc are required text. Returns 0, or -1 on out of memory / writer failure
 * (out is then truncated back to its length on entry). n may be 0 (an empty chart). */
int gk_svg_bar_chart(gk_buf *out, const char *title, const char *desc, const gk_svg_bar *bars,
                     size_t n);

/* The smallest "round" number (1, 2 or 5 times a power of ten) >= v; 1 for v <= 0. Exposed
 * for the tests. */
double gk_svg_nice_max(double v);

#endif
