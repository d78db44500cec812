/* Streaming multipart/form-data for uploads: one file part and a few short text fields,
 * read through libmicrohttpd's post processor as the body arrives, with bounded memory.
 *
 * What this module guarantees to the upload handler (api/documents.c):
 *   - at most GK_MP_MAX_PARTS parts, text fields of at most GK_MP_FIELD_MAX bytes, exactly
 *     one file part (the field named by `file_field`); anything else stops the parse with an
 *     error naming the field;
 *   - the file's type is decided from its first bytes (PDF, PNG, JPEG, ZIP / Office Open
 *     XML, OLE2 Office, UTF-8 plain text), never from the client's word; other content is
 *     refused (415 naming `file`) before a byte of it reaches the sink;
 *   - the client's file name is kept only as sanitised metadata (no directory part, no
 *     control characters, valid UTF-8, at most 255 characters): it is never a path.
 *
 * The parse is split in two: gk_multipart_part() takes the post processor's callbacks (pure,
 * unit-tested without a connection), and gk_multipart_begin/feed wire it to MHD.
 * Memory: the struct is the caller's (zero it, or use gk_multipart_begin); gk_multipart_end
 * releases what it holds; text values live in the struct. */
#ifndef GK_HTTP_MULTIPART_H
#define GK_HTTP_MULTIPART_H

#include "errors.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GK_MP_MAX_PARTS 8
#define GK_MP_FIELD_MAX 256
#define GK_MP_NAME_MAX 64
#define GK_MP_SNIFF_BYTES 512   /* bytes held back to decide the type */
#define GK_MP_FILENAME_MAX 1024 /* bytes of the sanitised name (255 characters at most) */

/* Receives the file's bytes in order, after the type check passed. Return false to stop
 * (the sink's own failure: the parse ends with GK_ERR_INTERNAL unless the sink set one). */
typedef bool (*gk_mp_sink)(void *ctx, const char *data, size_t n);

typedef struct {
    char name[GK_MP_NAME_MAX];
    char value[GK_MP_FIELD_MAX + 1];
    size_t len;
} gk_mp_field;

typedef struct gk_multipart {
    const char *file_field; /* "file" */
    gk_mp_sink sink;
    void *sink_ctx;
    struct MHD_PostProcessor *pp;

    gk_mp_field fields[GK_MP_MAX_PARTS];
    size_t n_fields;
    size_t n_parts;
    char current[GK_MP_NAME_MAX]; /* name of the part being read */
    uint64_t current_bytes;       /* bytes of it seen so far */

    bool file_seen, file_decided;
    char filename[GK_MP_FILENAME_MAX]; /* sanitised */
    char declared_type[128];           /* what the client said (only refines ZIP/OLE) */
    unsigned char head[GK_MP_SNIFF_BYTES];
    size_t head_len;
    const char *content_type; /* decided type, static text */
    uint64_t file_size;

    /* The first failure: the parse stops; the caller replies with these. */
    gk_error error;
    const char *error_field; /* static text */
    const char *error_key; /* catalogue key of the refusal (templates/messages/<lang>/http.json) */
} gk_multipart;

/* ---- pure parts ---- */

/* Initialise without libmicrohttpd (tests; gk_multipart_begin calls it). */
void gk_multipart_init(gk_multipart *mp, const char *file_field, gk_mp_sink sink, void *ctx);

/* One callback of the post processor: part `key`, optional `filename` and `content_type`,
 * `size` bytes at offset `off` of that part. Returns false once the parse must stop
 * (mp->error says why). */
bool gk_multipart_part(gk_multipart *mp, const char *key, const char *filename,
                       const char *content_type, const char *data, uint64_t off, size_t size);

/* The body is complete: decides the type of a file shorter than the sniff window and hands
 * the held-back bytes to the sink. False on error (no file, empty file, refused type ...). */
bool gk_multipart_finish(gk_multipart *mp);

/* The value of a text field, or NULL when absent. */
const char *gk_multipart_field(const gk_multipart *mp, const char *name);

/* The content type of a file starting with these bytes (n may be short), given what the
 * client declared (may be NULL; used only to name an Office format inside ZIP/OLE). NULL when
 * the content is not one we accept. `complete` says the bytes are the whole file (a text
 * file may then end anywhere; otherwise a UTF-8 sequence cut at the end is allowed). */
const char *gk_multipart_sniff(const unsigned char *p, size_t n, const char *declared,
                               bool complete);

/* The client's file name as metadata: the last path segment, control characters and
 * invalid UTF-8 replaced by '_', blanks and dots trimmed at both ends, at most 255
 * characters; "document" when nothing is left. Writes at most out_size bytes (>= 8). */
void gk_multipart_sanitize_filename(const char *in, char *out, size_t out_size);

/* Content-Disposition for a download (RFC 6266): attachment; filename="<ASCII fallback>";
 * filename*=UTF-8''<percent-encoded>. False when out is too small. */
bool gk_multipart_content_disposition(const char *filename, char *out, size_t out_size);

/* ---- with libmicrohttpd ---- */

/* Create the post processor for the connection's body. False when the request is not
 * multipart/form-data with a boundary (mp->error set: 400) or out of memory. */
bool gk_multipart_begin(gk_multipart *mp, struct MHD_Connection *conn, const char *file_field,
                        gk_mp_sink sink, void *ctx);
/* Feed body bytes; false when the parse stopped (mp->error set). */
bool gk_multipart_feed(gk_multipart *mp, const char *data, size_t n);
/* Release the post processor (idempotent). */
void gk_multipart_end(gk_multipart *mp);

/* Whether a file's name agrees with the type its content was sniffed as (issue 20): a name
 * ending in .pdf must hold a PDF, .png a PNG, .jpg/.jpeg a JPEG (case-insensitive); other
 * names are not judged. So "evil.pdf" holding text is refused, naming the file field. */
bool gk_multipart_name_matches(const char *filename, const char *content_type);

#endif
