#include "http/multipart.h"
#include "util/utf8.h"

#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PP_BUFFER (16 * 1024)

void gk_multipart_init(gk_multipart *mp, const char *file_field, gk_mp_sink sink, void *ctx)
{
    memset(mp, 0, sizeof *mp);
    mp->file_field = file_field;
    mp->sink = sink;
    mp->sink_ctx = ctx;
    mp->error = GK_ERR_OK;
}

static bool stop(gk_multipart *mp, gk_error e, const char *field, const char *key)
{
    if (mp->error == GK_ERR_OK) {
        mp->error = e;
        mp->error_field = field;
        mp->error_key = key;
    }
    return false;
}

/* ---- content sniffing ---- */

static bool starts(const unsigned char *p, size_t n, const char *magic, size_t m)
{
    return n >= m && memcmp(p, magic, m) == 0;
}

static bool declared_is(const char *declared, const char *prefix)
{
    return declared && strncmp(declared, prefix, strlen(prefix)) == 0;
}

/* Length of the UTF-8 sequence at p (1..4), 0 when invalid, -1 when a valid start is cut
 * off by the end of the n bytes we have (the rest comes with the next chunk). */
static int utf8_seq(const unsigned char *p, size_t n)
{
    uint32_t cp;
    size_t len = gk_utf8_next(p, n, &cp);
    if (len) return (int)len;
    size_t want = p[0] >= 0xf5 ? 0 : p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (!want || want <= n) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80) return 0;
    return -1;
}

static bool plain_text(const unsigned char *p, size_t n, bool complete)
{
    size_t i = 0;
    if (starts(p, n, "\xef\xbb\xbf", 3)) i = 3; /* BOM */
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') return false;
        if (c == 0x7f) return false;
        int len = utf8_seq(p + i, n - i);
        if (len == 0) return false;
        if (len < 0) return !complete; /* a character cut by the sniff window */
        i += (size_t)len;
    }
    return true;
}

const char *gk_multipart_sniff(const unsigned char *p, size_t n, const char *declared,
                               bool complete)
{
    if (n == 0) return NULL;
    if (starts(p, n, "%PDF-", 5)) return "application/pdf";
    if (starts(p, n, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    if (starts(p, n, "\xff\xd8\xff", 3)) return "image/jpeg";
    if (starts(p, n, "PK\x03\x04", 4)) {
        /* Office Open XML files are ZIP archives; which one only the name tells. */
        if (declared_is(declared,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        if (declared_is(declared,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        if (declared_is(
                declared,
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"))
            return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
        return "application/zip";
    }
    if (starts(p, n, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) {
        if (declared_is(declared, "application/msword")) return "application/msword";
        if (declared_is(declared, "application/vnd.ms-excel")) return "application/vnd.ms-excel";
        if (declared_is(declared, "application/vnd.ms-powerpoint"))
            return "application/vnd.ms-powerpoint";
        return "application/x-ole-storage";
    }
    if (plain_text(p, n, complete)) return "text/plain; charset=utf-8";
    return NULL;
}

bool gk_multipart_name_matches(const char *filename, const char *content_type)
{
    static const struct {
        const char *ext, *type;
    } EXT[] = {{".pdf", "application/pdf"},
               {".png", "image/png"},
               {".jpg", "image/jpeg"},
               {".jpeg", "image/jpeg"}};
    size_t n = filename ? strlen(filename) : 0;
    for (size_t i = 0; i < sizeof EXT / sizeof *EXT; i++) {
        size_t el = strlen(EXT[i].ext);
        if (n > el && strcasecmp(filename + n - el, EXT[i].ext) == 0)
            return content_type && strcmp(content_type, EXT[i].type) == 0;
    }
    return true;
}

/* ---- file names ---- */

void gk_multipart_sanitize_filename(const char *in, char *out, size_t out_size)
{
    const char *base = in ? in : "";
    for (const char *s = base; *s; s++)
        if (*s == '/' || *s == '\\') base = s + 1;
    size_t o = 0, chars = 0;
    const unsigned char *p = (const unsigned char *)base;
    size_t n = strlen(base);
    for (size_t i = 0; i < n && chars < 255;) {
        int len = utf8_seq(p + i, n - i);
        if (len <= 0 || p[i] < 0x20 || p[i] == 0x7f) {
            if (o + 1 >= out_size) break;
            out[o++] = '_';
            i += len > 0 ? (size_t)len : 1;
        } else {
            if (o + (size_t)len >= out_size) break;
            memcpy(out + o, p + i, (size_t)len);
            o += (size_t)len;
            i += (size_t)len;
        }
        chars++;
    }
    out[o] = 0;
    /* Trim blanks and dots at both ends: "..", " x " and "name." are not names to keep. */
    size_t start = 0;
    while (out[start] == ' ' || out[start] == '.')
        start++;
    size_t end = strlen(out);
    while (end > start && (out[end - 1] == ' ' || out[end - 1] == '.'))
        end--;
    memmove(out, out + start, end - start);
    out[end - start] = 0;
    if (!out[0]) snprintf(out, out_size, "document");
}

bool gk_multipart_content_disposition(const char *filename, char *out, size_t out_size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    int w = snprintf(out, out_size, "attachment; filename=\"");
    if (w < 0 || (size_t)w >= out_size) return false;
    o = (size_t)w;
    for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
        /* ASCII fallback: printable characters except the quote and backslash. */
        char c = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? (char)*p : '_';
        if (*p >= 0x80 && (*p & 0xc0) == 0x80) continue; /* one '_' per non-ASCII char */
        if (o + 1 >= out_size) return false;
        out[o++] = c;
    }
    const char *mid = "\"; filename*=UTF-8''";
    size_t ml = strlen(mid);
    if (o + ml >= out_size) return false;
    memcpy(out + o, mid, ml);
    o += ml;
    for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
        /* attr-char of RFC 8187; everything else percent-encoded. */
        bool keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p);
        if (keep && *p) {
            if (o + 1 >= out_size) return false;
            out[o++] = (char)*p;
        } else {
            if (o + 3 >= out_size) return false;
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = 0;
    return true;
}

/* ---- the part events ---- */

static bool flush_head(gk_multipart *mp)
{
    if (mp->head_len && mp->sink && !mp->sink(mp->sink_ctx, (const char *)mp->head, mp->head_len))
        return stop(mp, GK_ERR_INTERNAL, NULL, "upload.not_stored");
    mp->head_len = 0;
    return true;
}

static bool decide(gk_multipart *mp, bool complete)
{
    mp->file_decided = true;
    mp->content_type =
        gk_multipart_sniff(mp->head, mp->head_len, mp->declared_type[0] ? mp->declared_type : NULL,
                           complete);
    if (!mp->content_type)
        return stop(mp, GK_ERR_UNSUPPORTED_MEDIA_TYPE, mp->file_field, "upload.types");
    return flush_head(mp);
}

static bool file_data(gk_multipart *mp, const char *data, size_t size)
{
    mp->file_size += size;
    if (!mp->file_decided) {
        gk_fill(mp->head, &mp->head_len, GK_MP_SNIFF_BYTES, &data, &size);
        if (mp->head_len < GK_MP_SNIFF_BYTES) return true;
        if (!decide(mp, false)) return false;
    }
    if (size && mp->sink && !mp->sink(mp->sink_ctx, data, size))
        return stop(mp, GK_ERR_INTERNAL, NULL, "upload.not_stored");
    return true;
}

bool gk_multipart_part(gk_multipart *mp, const char *key, const char *filename,
                       const char *content_type, const char *data, uint64_t off, size_t size)
{
    if (mp->error != GK_ERR_OK) return false;
    if (!key) key = "";
    bool is_file = strcmp(key, mp->file_field) == 0;
    /* The post processor reports each part from offset 0; a part of the same name right
     * after another one also starts at 0, told apart by the bytes the first one had. */
    bool new_part = off == 0 && (strncmp(mp->current, key, sizeof mp->current) != 0 ||
                                 mp->current_bytes > 0 || !mp->n_parts);
    if (new_part) {
        mp->current_bytes = 0;
        if (++mp->n_parts > GK_MP_MAX_PARTS)
            return stop(mp, GK_ERR_VALIDATION, "body", "upload.too_many_fields");
        if (strlen(key) >= sizeof mp->current)
            return stop(mp, GK_ERR_VALIDATION, "body", "upload.field_name_too_long");
        snprintf(mp->current, sizeof mp->current, "%s", key);
        if (is_file) {
            if (mp->file_seen)
                return stop(mp, GK_ERR_VALIDATION, mp->file_field, "upload.one_file");
            if (!filename) return stop(mp, GK_ERR_VALIDATION, mp->file_field, "upload.file_part");
            mp->file_seen = true;
            gk_multipart_sanitize_filename(filename, mp->filename, sizeof mp->filename);
            snprintf(mp->declared_type, sizeof mp->declared_type, "%s",
                     content_type ? content_type : "");
        } else {
            for (size_t i = 0; i < mp->n_fields; i++)
                if (!strcmp(mp->fields[i].name, key))
                    return stop(mp, GK_ERR_VALIDATION, "body", "upload.field_repeated");
            gk_mp_field *f = &mp->fields[mp->n_fields++];
            snprintf(f->name, sizeof f->name, "%s", key);
            f->len = 0;
            f->value[0] = 0;
        }
    }
    mp->current_bytes += size;
    if (is_file) return file_data(mp, data, size);
    gk_mp_field *f = NULL;
    for (size_t i = 0; i < mp->n_fields; i++)
        if (!strcmp(mp->fields[i].name, key)) f = &mp->fields[i];
    if (!f) return stop(mp, GK_ERR_VALIDATION, "body", "upload.malformed_form");
    if (f->len + size > GK_MP_FIELD_MAX)
        return stop(mp, GK_ERR_VALIDATION, "body", "upload.field_too_long");
    memcpy(f->value + f->len, data, size);
    f->len += size;
    f->value[f->len] = 0;
    return true;
}

bool gk_multipart_finish(gk_multipart *mp)
{
    if (mp->error != GK_ERR_OK) return false;
    if (!mp->file_seen) return stop(mp, GK_ERR_VALIDATION, mp->file_field, "upload.file_required");
    if (mp->file_size == 0) return stop(mp, GK_ERR_VALIDATION, mp->file_field, "upload.empty");
    if (!mp->file_decided) return decide(mp, true);
    return true;
}

const char *gk_multipart_field(const gk_multipart *mp, const char *name)
{
    for (size_t i = 0; i < mp->n_fields; i++)
        if (!strcmp(mp->fields[i].name, name)) return mp->fields[i].value;
    return NULL;
}

/* ---- libmicrohttpd ---- */

static enum MHD_Result iterate(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    return gk_multipart_part(cls, key, filename, content_type, data, off, size) ? MHD_YES : MHD_NO;
}

bool gk_multipart_begin(gk_multipart *mp, struct MHD_Connection *conn, const char *file_field,
                        gk_mp_sink sink, void *ctx)
{
    gk_multipart_init(mp, file_field, sink, ctx);
    mp->pp = MHD_create_post_processor(conn, PP_BUFFER, iterate, mp);
    if (!mp->pp) return stop(mp, GK_ERR_BAD_REQUEST, "body", "upload.not_multipart");
    return true;
}

bool gk_multipart_feed(gk_multipart *mp, const char *data, size_t n)
{
    if (mp->error != GK_ERR_OK) return false;
    if (!mp->pp) return stop(mp, GK_ERR_INTERNAL, NULL, "upload.not_stored");
    if (MHD_post_process(mp->pp, data, n) != MHD_YES)
        return stop(mp, GK_ERR_BAD_REQUEST, "body", "upload.malformed");
    return mp->error == GK_ERR_OK;
}

void gk_multipart_end(gk_multipart *mp)
{
    if (mp->pp) {
        MHD_destroy_post_processor(mp->pp);
        mp->pp = NULL;
    }
}
