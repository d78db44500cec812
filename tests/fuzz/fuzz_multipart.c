/* The upload parser of http/multipart.h, its pure layer: the sequence of part callbacks
 * libmicrohttpd's post processor would make (gk_multipart_part), then gk_multipart_finish;
 * plus gk_multipart_sanitize_filename and gk_multipart_content_disposition on the file name.
 * (libmicrohttpd's own multipart splitting needs a live connection: the whole-request harness
 * fuzz_http reaches it through the real daemon.)
 *
 * Input: records. Each starts with a control byte c: c & 3 picks the part name ("file",
 * "kind", "confidentiality", or a name read from the input), c & 4 a file name, c & 8 a
 * declared content type, c & 16 "continue the current part" (offset goes on) rather than a
 * new part (offset 0); then strings as <len byte><bytes> and a chunk <len byte><bytes>.
 *
 * Oracles: the sink sees exactly the file part's bytes, in order, and only after the type
 * was decided, and finish() succeeds only with a decided type equal to gk_multipart_sniff of
 * the file's first bytes; file_size counts every file byte; text fields stay within
 * GK_MP_FIELD_MAX, NUL-terminated, at most GK_MP_MAX_PARTS; the sanitised name is valid UTF-8
 * without '/', '\\' or control characters, at most 255 characters, not starting or ending in
 * a blank or dot, never empty; Content-Disposition has no CR, LF, NUL or '"' inside its
 * quoted ASCII name; after the first failure every later call fails and the error stays. */
#include "fuzz_common.h"

#include "util/utf8.h"
#include "http/multipart.h"

#include <stdbool.h>

typedef struct {
    unsigned char *got;
    size_t n, cap;
    bool decided_when_called;
    gk_multipart *mp;
} sink_state;

static bool sink(void *ctx, const char *data, size_t n)
{
    sink_state *s = ctx;
    FZ_CHECK(s->mp->file_decided && s->mp->content_type);
    if (s->n + n > s->cap) {
        s->cap = (s->n + n) * 2 + 64;
        s->got = realloc(s->got, s->cap);
        if (!s->got) abort();
    }
    memcpy(s->got + s->n, data, n);
    s->n += n;
    return true;
}

static void check_name(const char *s)
{
    size_t n = strlen(s), chars = 0;
    FZ_CHECK(n > 0);
    FZ_CHECK(s[0] != ' ' && s[0] != '.' && s[n - 1] != ' ' && s[n - 1] != '.');
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = gk_utf8_next((const unsigned char *)s + i, n - i, &cp);
        FZ_CHECK(k > 0);
        FZ_CHECK(cp >= 0x20 && cp != 0x7f && cp != '/' && cp != '\\');
        i += k;
        chars++;
    }
    FZ_CHECK(chars <= 255);
}

typedef struct {
    const uint8_t *p;
    size_t n;
} input;

static size_t take(input *in, char *out, size_t cap) /* <len><bytes>, NUL-terminated */
{
    size_t len = in->n ? in->p[0] : 0;
    if (in->n) {
        in->p++;
        in->n--;
    }
    if (len > in->n) len = in->n;
    size_t k = len < cap - 1 ? len : cap - 1;
    memcpy(out, in->p, k);
    out[k] = 0;
    in->p += len;
    in->n -= len;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"file", "kind", "confidentiality"};
    input in = {data, size};
    gk_multipart mp;
    sink_state s = {.mp = &mp};
    gk_multipart_init(&mp, "file", sink, &s);
    unsigned char *fed = NULL; /* every byte given to the file part */
    size_t fed_n = 0;
    char key[80], fname[300], ctype[160], chunk[256];
    uint64_t off = 0;
    bool ok = true, first_name_checked = false;
    while (in.n) {
        unsigned c = in.p[0];
        in.p++;
        in.n--;
        if ((c & 3) == 3)
            take(&in, key, sizeof key);
        else
            snprintf(key, sizeof key, "%s", names[c & 3]);
        if (c & 4) take(&in, fname, sizeof fname);
        if (c & 8) take(&in, ctype, sizeof ctype);
        size_t n = take(&in, chunk, sizeof chunk);
        off = (c & 16) ? off : 0;
        bool r = gk_multipart_part(&mp, key, (c & 4) ? fname : NULL, (c & 8) ? ctype : NULL, chunk,
                                   off, n);
        if (!ok) FZ_CHECK(!r); /* once failed, always failed */
        if (ok && r && !strcmp(key, "file")) {
            fed = realloc(fed, fed_n + n + 1);
            if (!fed) abort();
            memcpy(fed + fed_n, chunk, n);
            fed_n += n;
        }
        if (!r) FZ_CHECK(mp.error != GK_ERR_OK);
        ok = ok && r;
        off += n;
        if (c & 4 && !first_name_checked) {
            char clean[GK_MP_FILENAME_MAX], cd[4096];
            gk_multipart_sanitize_filename(fname, clean, sizeof clean);
            check_name(clean);
            if (gk_multipart_content_disposition(clean, cd, sizeof cd)) {
                FZ_CHECK(!strpbrk(cd, "\r\n"));
                const char *q1 = strchr(cd, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
                FZ_CHECK(q1 && q2 && !strncmp(q2, "\"; filename*=UTF-8''", 20));
                FZ_CHECK(!strchr(q2 + 20, '"') && !strchr(q2 + 20, ' '));
            }
            first_name_checked = true;
        }
    }
    FZ_CHECK(mp.n_fields <= GK_MP_MAX_PARTS && mp.n_parts <= GK_MP_MAX_PARTS + 1);
    for (size_t i = 0; i < mp.n_fields; i++) {
        FZ_CHECK(mp.fields[i].len <= GK_MP_FIELD_MAX);
        FZ_CHECK(strlen(mp.fields[i].value) <= mp.fields[i].len);
    }
    bool fin = gk_multipart_finish(&mp);
    if (!ok) FZ_CHECK(!fin);
    if (fin) {
        FZ_CHECK(mp.file_seen && mp.file_size > 0 && mp.file_size == fed_n);
        FZ_CHECK(mp.content_type);
        FZ_CHECK(s.n == fed_n && !memcmp(s.got, fed, fed_n));
        size_t head = fed_n < GK_MP_SNIFF_BYTES ? fed_n : GK_MP_SNIFF_BYTES;
        const char *t = gk_multipart_sniff(fed, head, mp.declared_type[0] ? mp.declared_type : NULL,
                                           fed_n < GK_MP_SNIFF_BYTES);
        FZ_CHECK(t && !strcmp(t, mp.content_type));
        check_name(mp.filename);
    } else {
        FZ_CHECK(mp.error != GK_ERR_OK);
        FZ_CHECK(s.n <= fed_n && (s.n == 0 || !memcmp(s.got, fed, s.n)));
    }
    FZ_CHECK(!gk_multipart_part(&mp, "kind", NULL, NULL, "x", 0, 1) || fin);
    free(fed);
    free(s.got);
    return 0;
}
