/* SVG bar charts (see svg_chart.h). */
#include "render/svg_chart.h"

#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define W 760.0
#define H 320.0
#define LEFT 64.0
#define RIGHT 16.0
#define TOP 40.0
#define BOTTOM 72.0
#define TICKS 5

double gk_svg_nice_max(double v)
{
    if (!(v > 0)) return 1;
    double p = pow(10, floor(log10(v)));
    for (int i = 0; i < 4; i++) {
        static const double steps[] = {1, 2, 5, 10};
        if (steps[i] * p >= v) return steps[i] * p;
    }
    return 10 * p;
}

static int attr_num(xmlTextWriterPtr w, const char *name, double v)
{
    char b[32];
    snprintf(b, sizeof b, "%.1f", v);
    return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST b) < 0;
}

static int text_at(xmlTextWriterPtr w, double x, double y, const char *anchor,
                   const char *transform, const char *text)
{
    int rc = xmlTextWriterStartElement(w, BAD_CAST "text") < 0;
    rc |= attr_num(w, "x", x) | attr_num(w, "y", y);
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "text-anchor", BAD_CAST anchor) < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "font-size", BAD_CAST "12") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "font-family", BAD_CAST "sans-serif") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "fill", BAD_CAST "#222") < 0;
    if (transform)
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "transform", BAD_CAST transform) < 0;
    rc |= xmlTextWriterWriteString(w, BAD_CAST text) < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    return rc;
}

static void fmt_value(char *b, size_t n, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(b, n, "%.0f", v);
    else
        snprintf(b, n, "%.1f", v);
}

static int draw(xmlTextWriterPtr w, const char *title, const char *desc, const gk_svg_bar *bars,
                size_t n)
{
    int rc = 0;
    double maxv = 0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].value > maxv) maxv = bars[i].value;
    double top = gk_svg_nice_max(maxv), plot_w = W - LEFT - RIGHT, plot_h = H - TOP - BOTTOM;
    char b[64], vb[64];
    rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
    rc |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "svg",
                                      BAD_CAST "http://www.w3.org/2000/svg") < 0;
    snprintf(vb, sizeof vb, "0 0 %.0f %.0f", W, H);
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "viewBox", BAD_CAST vb) < 0;
    rc |= attr_num(w, "width", W) | attr_num(w, "height", H);
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "role", BAD_CAST "img") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "aria-labelledby",
                                      BAD_CAST "chart-title chart-desc") < 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "title") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST "chart-title") < 0;
    rc |= xmlTextWriterWriteString(w, BAD_CAST title) < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "desc") < 0;
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST "chart-desc") < 0;
    rc |= xmlTextWriterWriteString(w, BAD_CAST desc) < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    /* background and heading */
    rc |= xmlTextWriterStartElement(w, BAD_CAST "rect") < 0;
    rc |= attr_num(w, "x", 0) | attr_num(w, "y", 0) | attr_num(w, "width", W) |
          attr_num(w, "height", H);
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "fill", BAD_CAST "#ffffff") < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    rc |= text_at(w, LEFT, 24, "start", NULL, title);
    /* grid and y labels */
    for (int t = 0; t <= TICKS; t++) {
        double v = top * t / TICKS, y = TOP + plot_h - plot_h * t / TICKS;
        rc |= xmlTextWriterStartElement(w, BAD_CAST "line") < 0;
        rc |= attr_num(w, "x1", LEFT) | attr_num(w, "x2", W - RIGHT) | attr_num(w, "y1", y) |
              attr_num(w, "y2", y);
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "stroke",
                                          BAD_CAST(t ? "#dddddd" : "#444444")) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
        fmt_value(b, sizeof b, v);
        rc |= text_at(w, LEFT - 6, y + 4, "end", NULL, b);
    }
    /* bars */
    double slot = n ? plot_w / (double)n : plot_w, bw = slot * 0.8;
    size_t every = n > 24 ? (n + 23) / 24 : 1;
    for (size_t i = 0; i < n && !rc; i++) {
        double v = bars[i].value > 0 ? bars[i].value : 0, h = plot_h * v / top;
        double x = LEFT + slot * (double)i + (slot - bw) / 2, y = TOP + plot_h - h;
        rc |= xmlTextWriterStartElement(w, BAD_CAST "rect") < 0;
        rc |= attr_num(w, "x", x) | attr_num(w, "y", y) | attr_num(w, "width", bw) |
              attr_num(w, "height", h);
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "fill", BAD_CAST "#1f5fa8") < 0;
        rc |= xmlTextWriterStartElement(w, BAD_CAST "title") < 0;
        fmt_value(b, sizeof b, bars[i].value);
        rc |=
            xmlTextWriterWriteFormatString(w, "%s: %s", bars[i].label ? bars[i].label : "", b) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
        if (i % every == 0) {
            double lx = x + bw / 2, ly = TOP + plot_h + 14;
            char tr[96];
            snprintf(tr, sizeof tr, "rotate(-45 %.1f %.1f)", lx, ly);
            rc |= text_at(w, lx, ly, "end", n > 8 ? tr : NULL, bars[i].label ? bars[i].label : "");
        }
    }
    rc |= xmlTextWriterEndDocument(w) < 0;
    return rc;
}

int gk_svg_bar_chart(gk_buf *out, const char *title, const char *desc, const gk_svg_bar *bars,
                     size_t n)
{
    size_t start = out->len;
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
    int rc = w ? draw(w, title ? title : "", desc ? desc : "", bars, n) : -1;
    if (w) xmlFreeTextWriter(w);
    if (!rc) rc = gk_buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    if (xb) xmlBufferFree(xb);
    if (rc) gk_buf_truncate(out, start);
    return rc ? -1 : 0;
}
