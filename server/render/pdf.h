/* PDF documents drawn with cairo and pango: the certificate (A4, one page) and the label
 * sheet (A4, the mark with number and QR code at several sizes). Text is laid out by pango
 * (Noto Sans CJK JP for Japanese, any script fontconfig can find) and written as real text
 * with its fonts embedded as subsets, so the PDF is searchable and copyable. All strings are
 * UTF-8 of any length: values wrap, and a value longer than a few lines is cut with an
 * ellipsis rather than running off the page. Thread-safe: documents are drawn one at a
 * time on one render thread with one font map (fonts loaded once, memory kept once). */
#ifndef GK_RENDER_PDF_H
#define GK_RENDER_PDF_H

#include "render/buf.h"
#include "render/qr.h"

#include <stdbool.h>
#include <stddef.h>

/* One line of the certificate: a label in both languages and its value. */
typedef struct {
    const char *label_ja, *label_en;
    const char *value;
    bool mono; /* identifiers and signatures: a monospaced face, broken anywhere */
} gk_pdf_row;

typedef struct {
    const char *title_ja, *title_en; /* the heading */
    const char *statement;           /* the sentence under the heading (both languages) */
    const char *number;              /* shown with the mark */
    const gk_pdf_row *rows;
    size_t n_rows;
    const gk_qr *qr;        /* the verification URL's code, or NULL */
    const char *qr_caption; /* under the code: the URL itself */
    const char *footer;     /* small print at the bottom */
    const char *pdf_title;  /* document metadata */
} gk_pdf_certificate;

/* Appends the PDF to out; false on failure (cairo or memory). */
bool gk_pdf_certificate_render(const gk_pdf_certificate *c, gk_buf *out);

typedef struct {
    const char *number;
    const char *heading; /* e.g. the model and holder */
    const char *note;    /* how to use the sheet (minimum size) */
    const gk_qr *qr;     /* may be NULL: no codes */
    const char *pdf_title;
} gk_pdf_labels;

bool gk_pdf_labels_render(const gk_pdf_labels *l, gk_buf *out);

#endif
