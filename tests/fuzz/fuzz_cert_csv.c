/* The certificate CSV importer (POST /api/v1/certificates/import, `giteki
 * import-certificates`): its record reader, gk_csv_record_next and gk_csv_trim
 * (domain/csv_record.h), over whole inputs the way the import loops. The row checks that
 * follow (gk_cert_number_parse, gk_date_parse) are fuzzed by fuzz_cert_number and fuzz_date.
 *
 * Input: the CSV, as the import sees it (a leading UTF-8 BOM is skipped the same way).
 * Oracles: every call either ends the input (0, position at the end) or consumes at least
 * one byte; line numbers only grow, and the record's start line is the line before it was
 * read; fields (at most NCOLS + 1 kept) are NUL-terminated inside the store, in order, and
 * the store never overflows; a record without quotes or CR splits exactly like a plain split
 * at commas (when it fits); trim leaves no blank or tab at either end. */
#include "fuzz_common.h"

#include "domain/csv_record.h"
#include "service/certificates.h"

#include <stdlib.h>
#include <string.h>

#define NCOLS GK_CERT_IMPORT_NCOLS
#define MAX_FIELD GK_CERT_IMPORT_MAX_FIELD

static void check_plain(const char *rec, size_t len, int n, char **f)
{
    /* a quote-free, CR-free record of short fields: fields are the comma-separated pieces */
    if (memchr(rec, '"', len) || memchr(rec, '\r', len) || memchr(rec, 0, len)) return;
    int pieces = 1;
    for (size_t i = 0; i < len; i++)
        pieces += rec[i] == ',';
    FZ_CHECK(n == pieces);
    const char *p = rec;
    for (int i = 0; i < n && i < NCOLS + 1; i++) {
        const char *comma = memchr(p, ',', len - (size_t)(p - rec));
        size_t k = comma ? (size_t)(comma - p) : len - (size_t)(p - rec);
        FZ_CHECK(strlen(f[i]) == k && !memcmp(f[i], p, k));
        p += k + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t cap = NCOLS * MAX_FIELD;
    char *store = malloc(cap + 64);
    if (!store) abort();
    memset(store + cap, 0xA5, 64); /* guard bytes: the reader must stay within cap */
    size_t pos = 0;
    if (size >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) pos = 3;
    unsigned long line = 1, start = 1;
    char *f[NCOLS + 1];
    for (int guard = 0;; guard++) {
        FZ_CHECK(guard <= (int)size + 1);
        size_t before = pos;
        unsigned long line_before = line;
        int n = gk_csv_record_next(s, size, &pos, &line, &start, store, cap, f, NCOLS + 1);
        for (int i = 0; i < 64; i++)
            FZ_CHECK((unsigned char)store[cap + i] == 0xA5);
        FZ_CHECK(pos <= size);
        if (n == 0) {
            FZ_CHECK(pos == size);
            for (size_t i = before; i < size; i++)
                FZ_CHECK(s[i] == '\n' || s[i] == '\r');
            break;
        }
        FZ_CHECK(pos > before);
        FZ_CHECK(line > line_before && start >= line_before && start < line);
        if (n > 0) {
            int kept = n < NCOLS + 1 ? n : NCOLS + 1;
            for (int i = 0; i < kept; i++) {
                FZ_CHECK(f[i] >= store && f[i] < store + cap);
                FZ_CHECK(memchr(f[i], 0, (size_t)(store + cap - f[i])) != NULL);
                if (i) FZ_CHECK(f[i] > f[i - 1]);
            }
            /* the record's own bytes: from the first non-newline byte to the end of line */
            size_t b = before;
            while (b < size && (s[b] == '\n' || s[b] == '\r'))
                b++;
            size_t e = b;
            while (e < size && s[e] != '\n' && s[e] != '\r')
                e++;
            if (e - b < MAX_FIELD) check_plain(s + b, e - b, n, f);
            for (int i = 0; i < kept; i++) {
                char *t = gk_csv_trim(f[i]);
                size_t k = strlen(t);
                FZ_CHECK(!k ||
                         (t[0] != ' ' && t[0] != '\t' && t[k - 1] != ' ' && t[k - 1] != '\t'));
            }
        } else {
            FZ_CHECK(n == -1);
        }
    }
    free(store);
    return 0;
}
