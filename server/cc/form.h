/* multipart/form-data (RFC 7578) bodies already held in memory, for the web upload of a CC
 * Portal CSV. (Document uploads stream through http/multipart.h instead; moving this import
 * onto that streaming parser would leave one multipart reader: a known follow-up.)
 *
 * Why our own parser rather than libmicrohttpd's MHD_PostProcessor: the dispatcher already
 * accumulates the body (capped by the route) before the handler runs, and the PostProcessor
 * is built for incremental input inside the access handler and copies every value through
 * callbacks. Over a complete body, locating the parts is a few memmem calls that return
 * pointers into the body (no copy of a 20 MiB upload), and it stays pure and unit-tested.
 *
 * Pure: no allocation, no I/O. Parts point into the caller's body. */
#ifndef GK_CC_FORM_H
#define GK_CC_FORM_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char name[64];      /* the form field name (truncated names do not match) */
    char filename[256]; /* "" when the part is not a file */
    bool has_filename;
    const char *data; /* the part's bytes, inside the body */
    size_t len;
} gk_cc_form_part;

/* The boundary of a Content-Type "multipart/form-data; boundary=..." (quoted or not) into
 * out (71 bytes: RFC 2046 allows 70). False when the type is not multipart/form-data or the
 * boundary is missing or invalid. */
bool gk_cc_form_boundary(const char *content_type, char out[71]);

/* Split body into at most max parts. Returns the number of parts (>= 0), or -1 when the
 * body is not a well-formed multipart body for that boundary (no first delimiter, a part
 * without its header block, no closing delimiter, more than max parts). */
int gk_cc_form_parse(const char *boundary, const char *body, size_t len, gk_cc_form_part *parts,
                     size_t max);

/* The first part called name, or NULL. */
const gk_cc_form_part *gk_cc_form_find(const gk_cc_form_part *parts, int n, const char *name);

#endif
