#include "render/pdf.h"

#include "render/mark.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdlib.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define A4_W 595.28
#define A4_H 841.89
#define MM (72.0 / 25.4)
#define MARGIN (20 * MM)

/* Latin text in DejaVu, the rest (Japanese) falls back to Noto Sans CJK JP: cairo's CFF
 * subsetter embeds some Latin glyphs of the CJK face ("I") with about 850 KB of the font,
 * which made a PDF 1 MB and its render five times slower. */
#define FONT_SANS "DejaVu Sans, Noto Sans CJK JP"
#define FONT_MONO "DejaVu Sans Mono"
#define FONT_NUMBER "DejaVu Sans"

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int n)
{
    return gk_buf_append(closure, data, n) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

typedef struct {
    cairo_t *cr;
    PangoLayout *lay;
} pen;

/* One font map for the process, so the fonts (the CJK faces are large) are loaded and kept
 * once. A pango font map is not thread-safe, and subsetting a CJK face reads its whole CFF
 * table (about 16 MB) into malloc'd memory that glibc keeps in the arena of the thread that
 * freed it (8 workers kept 200 MiB). So every document is drawn by one render thread, one
 * at a time (a few tens of milliseconds each): one font map, one arena. */
static PangoFontMap *font_map;

/* At exit (after the last document: the server has stopped its workers), give the fonts
 * and fontconfig's caches back, so a leak checker sees only our own leaks. */
static void release_fonts(void)
{
    if (font_map) g_object_unref(font_map);
    font_map = NULL;
    cairo_debug_reset_static_data();
    FcFini();
}

static bool pen_open(pen *p, cairo_surface_t *s)
{
    if (!font_map) {
        font_map = pango_cairo_font_map_new();
        atexit(release_fonts);
    }
    p->cr = cairo_create(s);
    PangoContext *ctx = font_map ? pango_font_map_create_context(font_map) : NULL;
    if (!ctx) return false;
    /* Points are the surface's units: lay text out at 72 dpi so "10" means 10 pt. */
    pango_cairo_context_set_resolution(ctx, 72);
    pango_cairo_update_context(p->cr, ctx);
    p->lay = pango_layout_new(ctx);
    g_object_unref(ctx);
    return p->lay && cairo_status(p->cr) == CAIRO_STATUS_SUCCESS;
}

static void pen_close(pen *p)
{
    if (p->lay) g_object_unref(p->lay);
    if (p->cr) cairo_destroy(p->cr);
}

/* Lays out `s` in `font` at (x, y) within `width` (0: no wrapping), at most `lines` lines
 * (cut with an ellipsis), in grey `g`. Returns the height used, in points. */
static double text(pen *p, const char *s, const char *family, double size, bool bold, double x,
                   double y, double width, int lines, bool anywhere, double g)
{
    if (!s || !*s) return 0;
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(p->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(p->lay, width > 0 ? (int)(width * PANGO_SCALE) : -1);
    pango_layout_set_wrap(p->lay, anywhere ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
    pango_layout_set_height(p->lay, lines > 0 ? -lines : -1);
    pango_layout_set_ellipsize(p->lay,
                               width > 0 && lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_text(p->lay, s, -1);
    cairo_set_source_rgb(p->cr, g, g, g);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->lay);
    int w, h;
    pango_layout_get_size(p->lay, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* The display of the mark, `height` points high, its top left at (x, y). */
static void draw_mark(pen *p, const char *number, double x, double y, double height)
{
    double k = height / GK_MARK_HEIGHT;
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t i = 0; i < gk_mark_shapes_n; i++) {
        const gk_shape *s = &gk_mark_shapes[i];
        cairo_new_path(cr);
        switch (s->kind) {
        case GK_SHAPE_RING:
            cairo_arc(cr, x + s->x * k, y + s->y * k, s->w * k, 0, 2 * M_PI);
            cairo_set_line_width(cr, s->h * k);
            cairo_stroke(cr);
            break;
        case GK_SHAPE_BOX:
            cairo_rectangle(cr, x + s->x * k, y + s->y * k, s->w * k, s->h * k);
            cairo_fill(cr);
            break;
        case GK_SHAPE_FRAME:
            cairo_rectangle(cr, x + (s->x + s->h / 2) * k, y + (s->y + s->h / 2) * k,
                            (s->w - s->h) * k, (s->w - s->h) * k);
            cairo_set_line_width(cr, s->h * k);
            cairo_stroke(cr);
            break;
        }
    }
    cairo_restore(cr);
    /* The number on the mark's baseline, as real text. */
    PangoFontDescription *fd = pango_font_description_from_string(FONT_NUMBER);
    pango_font_description_set_absolute_size(fd, GK_MARK_TEXT_SIZE * k * PANGO_SCALE);
    pango_layout_set_font_description(p->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(p->lay, -1);
    pango_layout_set_height(p->lay, -1);
    pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
    pango_layout_set_text(p->lay, number, -1);
    double base = (double)pango_layout_get_baseline(p->lay) / PANGO_SCALE;
    int tw, th;
    pango_layout_get_size(p->lay, &tw, &th);
    /* Fit the width the shapes reserve, as the SVG's textLength does. */
    double want = (double)strlen(number) * GK_MARK_CHAR_W * k;
    double sx = tw > 0 ? want / ((double)tw / PANGO_SCALE) : 1;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_translate(cr, x + GK_MARK_TEXT_X * k, y + GK_MARK_TEXT_BASE * k - base);
    cairo_scale(cr, sx, 1);
    cairo_move_to(cr, 0, 0);
    pango_cairo_show_layout(cr, p->lay);
    cairo_restore(cr);
}

/* The QR code `size` points square (quiet zone included), top left at (x, y). */
static void draw_qr(pen *p, const gk_qr *q, double x, double y, double size)
{
    double m = size / (q->width + 2 * GK_QR_QUIET);
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < q->width; r++)
        for (int c = 0; c < q->width;) {
            if (!gk_qr_dark(q, c, r)) {
                c++;
                continue;
            }
            int run = 1;
            while (gk_qr_dark(q, c + run, r))
                run++;
            cairo_rectangle(cr, x + (c + GK_QR_QUIET) * m, y + (r + GK_QR_QUIET) * m, run * m, m);
            c += run;
        }
    cairo_fill(cr);
    cairo_restore(cr);
}

static cairo_surface_t *open_pdf(gk_buf *out, const char *title)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_buf, out, A4_W, A4_H);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) return s;
    if (title) cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "giteki");
    return s;
}

static bool close_pdf(cairo_surface_t *s, pen *p, gk_buf *out)
{
    bool ok = p->cr && cairo_status(p->cr) == CAIRO_STATUS_SUCCESS;
    pen_close(p);
    cairo_surface_finish(s);
    ok = ok && cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    return ok && !out->failed;
}

static bool certificate_locked(const gk_pdf_certificate *c, gk_buf *out)
{
    cairo_surface_t *s = open_pdf(out, c->pdf_title);
    pen p = {0};
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || !pen_open(&p, s))
        return close_pdf(s, &p, out), false;

    double right = A4_W - MARGIN, width = right - MARGIN;
    double qr_size = 30 * MM;
    double y = MARGIN;
    double head_w = width - (c->qr ? qr_size + 6 * MM : 0);
    y += text(&p, c->title_ja, FONT_SANS, 19, true, MARGIN, y, head_w, 2, false, 0);
    y += text(&p, c->title_en, FONT_SANS, 12, false, MARGIN, y + 2, head_w, 2, false, 0.2) + 10;
    draw_mark(&p, c->number, MARGIN, y, 12 * MM);
    y += 12 * MM + 10;
    if (c->qr) {
        draw_qr(&p, c->qr, right - qr_size, MARGIN, qr_size);
        double cy = MARGIN + qr_size + 2;
        text(&p, c->qr_caption, FONT_MONO, 6, false, right - qr_size, cy, qr_size, 3, true, 0.3);
        y = fmax(y, cy + 3 * 8);
    }
    y += text(&p, c->statement, FONT_SANS, 9.5, false, MARGIN, y, width, 6, false, 0) + 12;

    double label_w = 52 * MM, value_x = MARGIN + label_w + 4 * MM;
    double value_w = right - value_x, bottom = A4_H - MARGIN - 14 * MM;
    for (size_t i = 0; i < c->n_rows; i++) {
        const gk_pdf_row *r = &c->rows[i];
        /* Measure first (drawn off the page), so a row never splits across pages. */
        cairo_save(p.cr);
        cairo_translate(p.cr, 0, -10 * A4_H);
        double hl = text(&p, r->label_ja, FONT_SANS, 9, true, MARGIN, 0, label_w, 2, false, 0);
        hl += text(&p, r->label_en, FONT_SANS, 7.5, false, MARGIN, hl, label_w, 2, false, 0);
        double hv = text(&p, r->value, r->mono ? FONT_MONO : FONT_SANS, r->mono ? 8 : 10.5, false,
                         value_x, 0, value_w, r->mono ? 4 : 5, r->mono, 0);
        cairo_restore(p.cr);
        double h = fmax(hl, hv) + 8;
        if (y + h > bottom) {
            cairo_show_page(p.cr);
            y = MARGIN;
        }
        cairo_set_source_rgb(p.cr, 0.75, 0.75, 0.75);
        cairo_set_line_width(p.cr, 0.5);
        cairo_move_to(p.cr, MARGIN, y);
        cairo_line_to(p.cr, right, y);
        cairo_stroke(p.cr);
        double ly = y + 4;
        ly += text(&p, r->label_ja, FONT_SANS, 9, true, MARGIN, ly, label_w, 2, false, 0);
        text(&p, r->label_en, FONT_SANS, 7.5, false, MARGIN, ly, label_w, 2, false, 0.35);
        text(&p, r->value, r->mono ? FONT_MONO : FONT_SANS, r->mono ? 8 : 10.5, false, value_x,
             y + 4, value_w, r->mono ? 4 : 5, r->mono, 0);
        y += h;
    }
    text(&p, c->footer, FONT_SANS, 7.5, false, MARGIN, A4_H - MARGIN - 10 * MM, width, 3, false,
         0.35);
    return close_pdf(s, &p, out);
}

static bool labels_locked(const gk_pdf_labels *l, gk_buf *out)
{
    cairo_surface_t *s = open_pdf(out, l->pdf_title);
    pen p = {0};
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || !pen_open(&p, s))
        return close_pdf(s, &p, out), false;

    /* Mark heights from the smallest allowed; codes from the smallest a phone reads well
     * (about 0.3 mm a module) up. */
    static const double mark_mm[] = {3, 5, 8, 12, 16};
    static const double qr_mm[] = {12, 14, 16, 18, 20};
    double width = A4_W - 2 * MARGIN, y = MARGIN;
    y += text(&p, l->heading, FONT_SANS, 13, true, MARGIN, y, width, 3, false, 0) + 4;
    y += text(&p, l->note, FONT_SANS, 9, false, MARGIN, y, width, 6, false, 0.2) + 10;
    size_t chars = strlen(l->number);
    for (size_t i = 0; i < sizeof mark_mm / sizeof *mark_mm; i++) {
        double h = mark_mm[i] * MM, qs = l->qr ? qr_mm[i] * MM : 0;
        char cap[32];
        snprintf(cap, sizeof cap, "%g mm", mark_mm[i]);
        cairo_set_source_rgb(p.cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(p.cr, 0.4);
        cairo_move_to(p.cr, MARGIN, y);
        cairo_line_to(p.cr, A4_W - MARGIN, y);
        cairo_stroke(p.cr);
        text(&p, cap, FONT_SANS, 7, false, MARGIN, y + 2, 0, 1, false, 0.4);
        /* The code right-aligned beside the mark, or under it when they would touch. */
        double mark_right = MARGIN + gk_mark_width(chars) * h / GK_MARK_HEIGHT;
        double qx = A4_W - MARGIN - qs;
        bool beside = mark_right + 5 * MM <= qx;
        double row_h = beside ? fmax(h, qs) : h + 4 * MM + qs;
        double top = y + 12;
        draw_mark(&p, l->number, MARGIN, top + (beside ? (row_h - h) / 2 : 0), h);
        if (l->qr) draw_qr(&p, l->qr, beside ? qx : MARGIN, beside ? top : top + h + 4 * MM, qs);
        if (top + row_h + 8 > A4_H - MARGIN && i + 1 < sizeof mark_mm / sizeof *mark_mm) {
            cairo_show_page(p.cr);
            y = MARGIN;
            continue;
        }
        y = top + row_h + 8;
    }
    return close_pdf(s, &p, out);
}

/* ---- the render thread -------------------------------------------------------------- */

typedef struct {
    bool (*fn)(const void *arg, gk_buf *out);
    const void *arg;
    gk_buf *out;
    bool ok, done;
} job;

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static job *pending;
static enum { NOT_STARTED, RUNNING, NO_THREAD } render_thread;

static void *render_loop(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&job_lock);
    for (;;) {
        while (!pending || pending->done)
            pthread_cond_wait(&job_cond, &job_lock);
        job *j = pending;
        pthread_mutex_unlock(&job_lock);
        bool ok = j->fn(j->arg, j->out);
        pthread_mutex_lock(&job_lock);
        j->ok = ok;
        j->done = true;
        pthread_cond_broadcast(&job_cond);
    }
    return NULL;
}

/* Runs fn on the render thread and waits for it; inline (still one at a time) when the
 * thread cannot be started. */
static bool run_job(bool (*fn)(const void *, gk_buf *), const void *arg, gk_buf *out)
{
    job j = {fn, arg, out, false, false};
    pthread_mutex_lock(&job_lock);
    if (render_thread == NOT_STARTED) {
        pthread_t t;
        pthread_attr_t a;
        bool made = !pthread_attr_init(&a) &&
                    !pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED) &&
                    !pthread_create(&t, &a, render_loop, NULL);
        pthread_attr_destroy(&a);
        render_thread = made ? RUNNING : NO_THREAD;
    }
    while (pending && !pending->done)
        pthread_cond_wait(&job_cond, &job_lock);
    if (render_thread == NO_THREAD) {
        j.ok = fn(arg, out); /* under job_lock: one at a time */
        pthread_mutex_unlock(&job_lock);
        return j.ok;
    }
    pending = &j;
    pthread_cond_broadcast(&job_cond);
    while (!j.done)
        pthread_cond_wait(&job_cond, &job_lock);
    pending = NULL;
    pthread_cond_broadcast(&job_cond);
    pthread_mutex_unlock(&job_lock);
    return j.ok;
}

static bool certificate_job(const void *arg, gk_buf *out)
{
    return certificate_locked(arg, out);
}

static bool labels_job(const void *arg, gk_buf *out)
{
    return labels_locked(arg, out);
}

bool gk_pdf_certificate_render(const gk_pdf_certificate *c, gk_buf *out)
{
    return run_job(certificate_job, c, out);
}

bool gk_pdf_labels_render(const gk_pdf_labels *l, gk_buf *out)
{
    return run_job(labels_job, l, out);
}
