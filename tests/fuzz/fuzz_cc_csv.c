/* The Common Criteria Portal CSV importer (cc/csv.h), a streaming parser: the input is fed
 * twice, once in one piece and once cut into chunks of pseudo-random sizes (chosen by the
 * first input byte, so a chunk may end inside a quoted field, a CRLF, the BOM or a UTF-8
 * sequence), and the second input byte's low bit says whether it is the archived list.
 *
 * Oracles besides the sanitizers: both runs report exactly the same certificates (line and
 * SHA-256 of the normalised row, maintenance count) and rejections (line and code), in the
 * same order, with the same final status (chunking must not change the result); every string
 * handed to a callback is valid UTF-8 (the parser converts windows-1252 records); counts within GK_CC_MAX_PPS_OUT and GK_CC_MAX_MAINTENANCE; lines
 * never go backwards and never beyond gk_cc_parser_lines(); a rejection code is one of the
 * documented ones; archived is what the parser was told. */
#include "fuzz_common.h"

#include "cc/csv.h"
#include "util/utf8.h"

#include <stdbool.h>

#define MAX_EVENTS 4096

typedef struct {
    unsigned long line;
    unsigned char hash[32];
    size_t n_maint;
    const char *code; /* static text of the parser, or NULL for a certificate */
} event;

typedef struct {
    event ev[MAX_EVENTS];
    size_t n;
    unsigned long last_line;
    bool archived;
    const gk_cc_parser *p;
} run;

static void check_text(const char *s)
{
    if (!s) return;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = gk_utf8_next((const unsigned char *)s + i, n - i, &cp);
        FZ_CHECK(k > 0);
        i += k;
    }
}

static void check_label(const char *s)
{
    check_text(s);
}

static int on_cert(void *ctx, const gk_cc_cert *c)
{
    run *r = ctx;
    FZ_CHECK(c->line >= r->last_line);
    r->last_line = c->line;
    FZ_CHECK(c->archived == r->archived);
    FZ_CHECK(c->name && c->manufacturer && c->scheme && c->category);
    check_label(c->category);
    check_label(c->name);
    check_label(c->manufacturer);
    check_label(c->scheme);
    check_label(c->assurance_level);
    check_label(c->report_url);
    check_label(c->st_url);
    FZ_CHECK(c->n_protection_profiles <= GK_CC_MAX_PPS_OUT);
    for (size_t i = 0; i < c->n_protection_profiles; i++) {
        FZ_CHECK(c->protection_profiles[i] && c->protection_profiles[i][0]);
        check_label(c->protection_profiles[i]);
    }
    FZ_CHECK(c->n_maintenance <= GK_CC_MAX_MAINTENANCE);
    FZ_CHECK(c->n_maintenance == 0 || c->maintenance);
    for (size_t i = 0; i < c->n_maintenance; i++) {
        FZ_CHECK(c->maintenance[i].line >= c->line);
        FZ_CHECK(c->maintenance[i].title);
        check_label(c->maintenance[i].title);
        check_label(c->maintenance[i].report_url);
        check_label(c->maintenance[i].st_url);
    }
    FZ_CHECK(c->line <= gk_cc_parser_lines(r->p));
    if (r->n < MAX_EVENTS) {
        event *e = &r->ev[r->n++];
        e->line = c->line;
        memcpy(e->hash, c->hash, 32);
        e->n_maint = c->n_maintenance;
        e->code = NULL;
    }
    return 0;
}

static const char *const CODES[] = {"field_count",
                                    "unclosed_quote",
                                    "text_after_quote",
                                    "too_long",
                                    "nul_byte",
                                    "required",
                                    "bad_date",
                                    "bad_scheme",
                                    "bad_text",
                                    "end_before_start",
                                    "bad_url",
                                    "bad_protection_profiles",
                                    "maintenance_incomplete",
                                    "too_many_maintenance"};

static int on_reject(void *ctx, const gk_cc_reject *rej)
{
    run *r = ctx;
    FZ_CHECK(rej->code);
    bool known = false;
    for (size_t i = 0; i < sizeof CODES / sizeof *CODES; i++)
        known |= !strcmp(rej->code, CODES[i]);
    if (!known) fprintf(stderr, "undocumented rejection code %s\n", rej->code);
    FZ_CHECK(known);
    check_text(rej->column);
    FZ_CHECK(rej->line <= gk_cc_parser_lines(r->p) + 1);
    if (r->n < MAX_EVENTS) {
        event *e = &r->ev[r->n++];
        memset(e, 0, sizeof *e);
        e->line = rej->line;
        e->code = rej->code;
    }
    return 0;
}

static gk_cc_status parse(run *r, const uint8_t *data, size_t size, unsigned chunk_seed)
{
    gk_cc_parser *p = gk_cc_parser_new(r->archived, on_cert, on_reject, r);
    if (!p) abort();
    r->p = p;
    gk_cc_status st = GK_CC_OK;
    size_t off = 0;
    unsigned x = chunk_seed * 2654435761u + 1;
    while (off < size && st == GK_CC_OK) {
        size_t n = size - off;
        if (chunk_seed) {
            x = x * 1103515245u + 12345u;
            size_t want = 1 + (x >> 16) % 7;
            if (want < n) n = want;
        }
        st = gk_cc_parser_feed(p, data + off, n);
        off += n;
    }
    if (st == GK_CC_OK) st = gk_cc_parser_finish(p);
    const gk_cc_header_problem *h = gk_cc_parser_header_problem(p);
    FZ_CHECK((st == GK_CC_BAD_HEADER) == (h != NULL));
    if (h) {
        FZ_CHECK(h->code && h->code[0]);
        if (!strcmp(h->code, "mismatch"))
            FZ_CHECK(h->missing[0] || h->unexpected[0] || h->repeated[0]);
        check_text(h->missing);
        check_text(h->unexpected);
        check_text(h->repeated);
    }
    FZ_CHECK(st == GK_CC_OK || st == GK_CC_BAD_HEADER);
    gk_cc_parser_free(p);
    return st;
}

static run a, b;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    unsigned seed = data[0] | 1u;
    bool archived = data[1] & 1;
    data += 2;
    size -= 2;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.archived = b.archived = archived;
    gk_cc_status sa = parse(&a, data, size, 0);
    gk_cc_status sb = parse(&b, data, size, seed);
    FZ_CHECK(sa == sb);
    FZ_CHECK(a.n == b.n);
    for (size_t i = 0; i < a.n; i++) {
        FZ_CHECK(a.ev[i].line == b.ev[i].line);
        FZ_CHECK((a.ev[i].code == NULL) == (b.ev[i].code == NULL));
        if (a.ev[i].code) {
            FZ_CHECK(!strcmp(a.ev[i].code, b.ev[i].code));
        } else {
            FZ_CHECK(!memcmp(a.ev[i].hash, b.ev[i].hash, 32));
            FZ_CHECK(a.ev[i].n_maint == b.ev[i].n_maint);
        }
    }
    return 0;
}
