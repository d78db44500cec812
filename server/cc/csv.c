/* The CC Portal CSV as a byte-at-a-time state machine (see csv.h for what it accepts).
 *
 * Memory: one raw record (rec, GK_CC_MAX_RECORD plus a NUL per field), its decoded copy
 * (dec, three times that: windows-1252 grows to at most 3 bytes per byte in UTF-8) and the
 * current certificate group (gbuf: the base row and up to GK_CC_MAX_MAINTENANCE maintenance
 * rows). Nothing else grows with the input. */
#include "cc/csv.h"

#include "util/utf8.h"
#include "domain/cc_recognition.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const GK_CC_COLUMNS[GK_CC_NCOLUMNS] = {
    "Category",
    "Name",
    "Manufacturer",
    "Scheme",
    "Assurance Level",
    "Protection Profile(s)",
    "Certification Date",
    "Archived Date",
    "Certification Report URL",
    "Security Target URL",
    "Maintenance Date",
    "Maintenance Title",
    "Maintenance Report",
    "Maintenance ST",
};

enum {
    C_CATEGORY,
    C_NAME,
    C_MANUFACTURER,
    C_SCHEME,
    C_ASSURANCE,
    C_PPS,
    C_CERT_DATE,
    C_ARCH_DATE,
    C_REPORT,
    C_ST,
    C_M_DATE,
    C_M_TITLE,
    C_M_REPORT,
    C_M_ST
};

#define MAXF 32 /* fields stored per record; more are counted (and the record rejected) */
#define REC_CAP (GK_CC_MAX_RECORD + MAXF + 1)
#define DEC_CAP (3 * GK_CC_MAX_RECORD + MAXF + 1)
#define NONE SIZE_MAX
#define LABEL_MAX_CHARS 300   /* gk_label in the schema */
#define PROSE_MAX_CHARS 20000 /* gk_prose in the schema */

enum { ST_FIELD_START, ST_UNQUOTED, ST_QUOTED, ST_QUOTE_IN_QUOTED };

typedef struct {
    unsigned long line;
    gk_date date;
    size_t title, report, st; /* offsets in gbuf, NONE for absent */
} maint_rec;

struct gk_cc_parser {
    bool archived;
    gk_cc_cert_fn on_cert;
    gk_cc_reject_fn on_reject;
    void *ctx;
    gk_cc_status status;

    /* BOM detection on the first bytes */
    unsigned bom_n;
    bool bom_done;

    /* tokenizer */
    int state;
    bool in_record, skip_lf, q_prev_cr;
    unsigned long line, rec_line;
    char *rec;
    size_t rec_len;
    size_t fstart[MAXF];
    size_t nfields;
    bool too_long, nul, after_quote;

    /* header */
    bool have_header;
    int colmap[GK_CC_NCOLUMNS]; /* file position of each canonical column */
    gk_cc_header_problem header;

    /* the decoded record */
    char *dec;
    char *field[MAXF];

    /* the open certificate group */
    bool grp_open;
    unsigned long grp_line;
    char *gbuf;
    size_t glen, gcap;
    size_t g_off[GK_CC_NCOLUMNS]; /* base fields (NONE: empty) */
    size_t g_pp[GK_CC_MAX_PPS_OUT];
    size_t g_npp;
    gk_date g_cert, g_valid;
    maint_rec *gm;
    size_t ngm;
    gk_cc_maintenance *out_m; /* GK_CC_MAX_MAINTENANCE, filled on emission */

    gk_cc_pp_list pps; /* scratch for parsing a row's PP cell */
};

/* ---- small text helpers ------------------------------------------------------------- */

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* windows-1252 0x80..0x9F; 0 marks the five undefined bytes. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

size_t gk_cc_cp1252_to_utf8(const unsigned char *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = in[i];
        uint32_t cp = b;
        if (b >= 0x80 && b < 0xA0) cp = cp1252_high[b - 0x80] ? cp1252_high[b - 0x80] : 0xFFFD;
        o += put_utf8(out + o, cp);
    }
    out[o] = 0;
    return o;
}

/* The raw record holds a NUL after each field, which gk_utf8_valid refuses: hence this walk
 * with the shared decoder over the whole record. */
static bool valid_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = gk_utf8_next(s + i, len - i, &cp);
        if (!n) return false;
        i += n;
    }
    return true;
}

static const struct {
    const char *name;
    uint32_t cp;
} entities[] = {
    {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},     {"reg", 0xAE},     {"trade", 0x2122}, {"copy", 0xA9},    {"eacute", 0xE9},
    {"Eacute", 0xC9},   {"egrave", 0xE8},  {"Egrave", 0xC8},  {"ecirc", 0xEA},   {"euml", 0xEB},
    {"aacute", 0xE1},   {"Aacute", 0xC1},  {"agrave", 0xE0},  {"acirc", 0xE2},   {"auml", 0xE4},
    {"Auml", 0xC4},     {"aring", 0xE5},   {"Aring", 0xC5},   {"atilde", 0xE3},  {"iacute", 0xED},
    {"igrave", 0xEC},   {"icirc", 0xEE},   {"iuml", 0xEF},    {"oacute", 0xF3},  {"Oacute", 0xD3},
    {"ograve", 0xF2},   {"ocirc", 0xF4},   {"ouml", 0xF6},    {"Ouml", 0xD6},    {"otilde", 0xF5},
    {"oslash", 0xF8},   {"Oslash", 0xD8},  {"uacute", 0xFA},  {"Uacute", 0xDA},  {"ugrave", 0xF9},
    {"ucirc", 0xFB},    {"uuml", 0xFC},    {"Uuml", 0xDC},    {"ccedil", 0xE7},  {"Ccedil", 0xC7},
    {"ntilde", 0xF1},   {"Ntilde", 0xD1},  {"szlig", 0xDF},   {"yacute", 0xFD},  {"ndash", 0x2013},
    {"mdash", 0x2014},  {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},
    {"hellip", 0x2026}, {"bull", 0x2022},  {"middot", 0xB7},  {"deg", 0xB0},     {"micro", 0xB5},
    {"times", 0xD7},    {"plusmn", 0xB1},  {"sup2", 0xB2},    {"sup3", 0xB3},    {"frac12", 0xBD},
    {"euro", 0x20AC},   {"laquo", 0xAB},   {"raquo", 0xBB},
};

/* Characters a numeric reference may not produce: controls other than tab/newline, the C1
 * range, surrogates, and what is not Unicode. Such a reference stays as written. */
static bool cp_allowed(uint32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r') return true;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    return cp <= 0x10FFFF;
}

/* At s[0] == '&': the code point of a known entity and its length, or 0. */
static size_t entity_at(const char *s, uint32_t *cp)
{
    if (s[1] == '#') {
        bool hex = s[2] == 'x' || s[2] == 'X';
        size_t i = hex ? 3 : 2, digits = 0;
        uint32_t v = 0;
        for (; digits < 8; i++, digits++) {
            char c = s[i];
            int d = c >= '0' && c <= '9'          ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
            if (d < 0) break;
            v = v * (hex ? 16u : 10u) + (uint32_t)d;
        }
        if (!digits || s[i] != ';' || !cp_allowed(v)) return 0;
        *cp = v;
        return i + 1;
    }
    for (size_t k = 0; k < sizeof entities / sizeof *entities; k++) {
        size_t n = strlen(entities[k].name);
        if (!strncmp(s + 1, entities[k].name, n) && s[1 + n] == ';') {
            *cp = entities[k].cp;
            return n + 2;
        }
    }
    return 0;
}

void gk_cc_decode_entities(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        uint32_t cp;
        size_t n = *r == '&' ? entity_at(r, &cp) : 0;
        if (n) {
            char tmp[4];
            size_t k = put_utf8(tmp, cp);
            if (k <= n) { /* always true for the table above; guards the in-place write */
                memcpy(w, tmp, k);
                w += k;
                r += n;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *trim(char *s)
{
    while (is_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_blank(s[n - 1]))
        s[--n] = 0;
    return s;
}

/* Single-line cells (category, assurance level): tabs and line breaks become one space. */
static void squash_ws(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == '\t' || *r == '\r' || *r == '\n' || *r == ' ') {
            if (w > s && w[-1] == ' ') continue;
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F) return true;
    return false;
}

/* Header names compare case-insensitively with runs of blanks as one space. */
static bool header_eq(const char *a, const char *b)
{
    for (;;) {
        if (is_blank(*a) && is_blank(*b)) {
            while (is_blank(*a))
                a++;
            while (is_blank(*b))
                b++;
            continue;
        }
        if (!*a || !*b) return !*a && !*b;
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y) return false;
        a++, b++;
    }
}

static void appendf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    int want = vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
    if (want < 0 || (size_t)want < cap - n) return;
    /* Truncated: never leave half a UTF-8 character at the end (found by fuzz_cc_csv). */
    size_t end = strlen(buf), i = end;
    while (i > 0 && end - i < 4 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0) return;
    unsigned char lead = (unsigned char)buf[i - 1];
    size_t len = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
    if (i - 1 + len > end) buf[i - 1] = 0;
}

/* A column name from the file, shortened at a character boundary for messages. */
static void short_name(const char *s, char out[64])
{
    size_t n = gk_utf8_prefix(s, 60);
    if (!n) {
        snprintf(out, 64, "(empty)");
        return;
    }
    snprintf(out, 64, "%.*s%s", (int)n, s, n < strlen(s) ? "..." : "");
}

/* ---- rejections ----------------------------------------------------------------------- */

static void reject(gk_cc_parser *p, unsigned long line, const char *code, const char *column)
{
    if (p->status != GK_CC_OK) return;
    gk_cc_reject r = {.line = line, .code = code, .column = column};
    if (!strcmp(code, "field_count")) {
        r.found = p->nfields;
        r.limit = GK_CC_NCOLUMNS;
    } else if (!strcmp(code, "too_long")) {
        r.limit = GK_CC_MAX_RECORD;
    } else if (!strcmp(code, "bad_protection_profiles")) {
        r.limit = GK_CC_MAX_PPS;
        r.name_limit = GK_CC_PP_NAME_LEN - 1;
    } else if (!strcmp(code, "too_many_maintenance")) {
        r.limit = GK_CC_MAX_MAINTENANCE;
    }
    if (p->on_reject && p->on_reject(p->ctx, &r)) p->status = GK_CC_STOPPED;
}

/* ---- the certificate group ---------------------------------------------------------- */

static size_t gput(gk_cc_parser *p, const char *s)
{
    if (!s || !*s) return NONE;
    size_t n = strlen(s) + 1;
    if (p->glen + n > p->gcap) {
        size_t cap = p->gcap ? p->gcap : 4096;
        while (cap < p->glen + n)
            cap *= 2;
        char *nb = realloc(p->gbuf, cap);
        if (!nb) {
            p->status = GK_CC_NOMEM;
            return NONE;
        }
        p->gbuf = nb;
        p->gcap = cap;
    }
    memcpy(p->gbuf + p->glen, s, n);
    size_t off = p->glen;
    p->glen += n;
    return off;
}

static const char *gstr(const gk_cc_parser *p, size_t off)
{
    return off == NONE ? NULL : p->gbuf + off;
}

static void hash_field(EVP_MD_CTX *h, const char *s)
{
    EVP_DigestUpdate(h, s ? s : "", s ? strlen(s) : 0);
    EVP_DigestUpdate(h, "\x1f", 1);
}

static void emit(gk_cc_parser *p)
{
    if (!p->grp_open) return;
    p->grp_open = false;
    if (p->status != GK_CC_OK) return;
    gk_cc_cert c;
    memset(&c, 0, sizeof c);
    c.line = p->grp_line;
    c.category = gstr(p, p->g_off[C_CATEGORY]);
    c.name = gstr(p, p->g_off[C_NAME]);
    c.manufacturer = gstr(p, p->g_off[C_MANUFACTURER]);
    c.scheme = gstr(p, p->g_off[C_SCHEME]);
    c.assurance_level = gstr(p, p->g_off[C_ASSURANCE]);
    for (size_t i = 0; i < p->g_npp; i++)
        c.protection_profiles[i] = gstr(p, p->g_pp[i]);
    c.n_protection_profiles = p->g_npp;
    c.certified_on = p->g_cert;
    c.valid_until = p->g_valid;
    c.archived = p->archived;
    c.report_url = gstr(p, p->g_off[C_REPORT]);
    c.st_url = gstr(p, p->g_off[C_ST]);
    for (size_t i = 0; i < p->ngm; i++) {
        p->out_m[i] = (gk_cc_maintenance){p->gm[i].line, p->gm[i].date, gstr(p, p->gm[i].title),
                                          gstr(p, p->gm[i].report), gstr(p, p->gm[i].st)};
    }
    c.maintenance = p->out_m;
    c.n_maintenance = p->ngm;

    EVP_MD_CTX *h = EVP_MD_CTX_new();
    if (!h || !EVP_DigestInit_ex(h, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(h);
        p->status = GK_CC_NOMEM;
        return;
    }
    char d1[GK_DATE_BUF], d2[GK_DATE_BUF] = "";
    gk_date_format(c.certified_on, d1);
    if (c.valid_until != GK_DATE_NONE) gk_date_format(c.valid_until, d2);
    hash_field(h, "cc-row-v1");
    hash_field(h, c.category);
    hash_field(h, c.name);
    hash_field(h, c.manufacturer);
    hash_field(h, c.scheme);
    hash_field(h, c.assurance_level);
    for (size_t i = 0; i < c.n_protection_profiles; i++) {
        EVP_DigestUpdate(h, c.protection_profiles[i], strlen(c.protection_profiles[i]));
        EVP_DigestUpdate(h, "\x1e", 1);
    }
    hash_field(h, "");
    hash_field(h, d1);
    hash_field(h, d2);
    hash_field(h, c.archived ? "archived" : "active");
    hash_field(h, c.report_url);
    hash_field(h, c.st_url);
    unsigned int hl = 0;
    EVP_DigestFinal_ex(h, c.hash, &hl);
    EVP_MD_CTX_free(h);

    if (p->on_cert && p->on_cert(p->ctx, &c)) p->status = GK_CC_STOPPED;
}

/* ---- one record ------------------------------------------------------------------------ */

/* Decode the fields of the record into p->field[] (UTF-8 or windows-1252, then entities,
 * then trimmed). */
static void decode_fields(gk_cc_parser *p)
{
    size_t n = p->nfields < MAXF ? p->nfields : MAXF;
    bool utf8 = valid_utf8((const unsigned char *)p->rec, p->rec_len);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *src = p->rec + p->fstart[i];
        size_t len = strlen(src);
        char *dst = p->dec + o;
        if (utf8) {
            memcpy(dst, src, len + 1);
            o += len + 1;
        } else {
            o += gk_cc_cp1252_to_utf8((const unsigned char *)src, len, dst) + 1;
        }
        gk_cc_decode_entities(dst);
        p->field[i] = trim(dst);
    }
}

static void header_record(gk_cc_parser *p)
{
    p->have_header = true;
    decode_fields(p);
    size_t n = p->nfields < MAXF ? p->nfields : MAXF;
    bool seen[MAXF] = {false};
    char missing[1024] = "", unexpected[1024] = "", dup[512] = "";
    for (int c = 0; c < GK_CC_NCOLUMNS; c++) {
        p->colmap[c] = -1;
        for (size_t i = 0; i < n; i++) {
            if (!header_eq(p->field[i], GK_CC_COLUMNS[c])) continue;
            if (p->colmap[c] >= 0) {
                appendf(dup, sizeof dup, "%s%s", *dup ? ", " : "", GK_CC_COLUMNS[c]);
            } else {
                p->colmap[c] = (int)i;
            }
            seen[i] = true;
        }
        if (p->colmap[c] < 0)
            appendf(missing, sizeof missing, "%s%s", *missing ? ", " : "", GK_CC_COLUMNS[c]);
    }
    for (size_t i = 0; i < n; i++) {
        if (seen[i]) continue;
        char s[64];
        short_name(p->field[i], s);
        appendf(unexpected, sizeof unexpected, "%s%s", *unexpected ? ", " : "", s);
    }
    if (p->nfields > MAXF) appendf(unexpected, sizeof unexpected, "%s...", *unexpected ? ", " : "");
    if (!*missing && !*unexpected && !*dup) return;
    p->header.code = "mismatch";
    snprintf(p->header.missing, sizeof p->header.missing, "%s", missing);
    snprintf(p->header.unexpected, sizeof p->header.unexpected, "%s", unexpected);
    snprintf(p->header.repeated, sizeof p->header.repeated, "%s", dup);
    p->status = GK_CC_BAD_HEADER;
}

static bool url_ok(const char *s)
{
    return !*s ||
           ((!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8)) && !has_control(s));
}

static void data_record(gk_cc_parser *p)
{
    unsigned long line = p->rec_line;
    if (p->too_long) return reject(p, line, "too_long", NULL);
    if (p->nul) return reject(p, line, "nul_byte", NULL);
    if (p->after_quote) return reject(p, line, "text_after_quote", NULL);
    if (p->nfields != GK_CC_NCOLUMNS) return reject(p, line, "field_count", NULL);
    decode_fields(p);
    char *v[GK_CC_NCOLUMNS];
    for (int c = 0; c < GK_CC_NCOLUMNS; c++)
        v[c] = p->field[p->colmap[c]];
    squash_ws(v[C_CATEGORY]);
    squash_ws(v[C_ASSURANCE]);
#define COL(c) GK_CC_COLUMNS[c]
    static const int required[] = {C_CATEGORY, C_NAME, C_MANUFACTURER, C_SCHEME, C_CERT_DATE};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!*v[required[i]]) return reject(p, line, "required", COL(required[i]));
    if (has_control(v[C_CATEGORY]) || gk_utf8_chars(v[C_CATEGORY]) > LABEL_MAX_CHARS)
        return reject(p, line, "bad_text", COL(C_CATEGORY));
    if (gk_utf8_chars(v[C_NAME]) > PROSE_MAX_CHARS) return reject(p, line, "bad_text", COL(C_NAME));
    if (gk_utf8_chars(v[C_MANUFACTURER]) > PROSE_MAX_CHARS)
        return reject(p, line, "bad_text", COL(C_MANUFACTURER));
    if (gk_utf8_chars(v[C_ASSURANCE]) > LABEL_MAX_CHARS || has_control(v[C_ASSURANCE]))
        return reject(p, line, "bad_text", COL(C_ASSURANCE));
    size_t sl = strlen(v[C_SCHEME]);
    if (sl < 2 || sl > 3) return reject(p, line, "bad_scheme", COL(C_SCHEME));
    for (size_t i = 0; i < sl; i++) {
        char ch = v[C_SCHEME][i];
        if (ch >= 'a' && ch <= 'z') v[C_SCHEME][i] = ch = (char)(ch - 32);
        if (ch < 'A' || ch > 'Z') return reject(p, line, "bad_scheme", COL(C_SCHEME));
    }
    gk_date cert, valid = GK_DATE_NONE, mdate = GK_DATE_NONE;
    if (!gk_date_parse_us(v[C_CERT_DATE], &cert))
        return reject(p, line, "bad_date", COL(C_CERT_DATE));
    if (*v[C_ARCH_DATE] && !gk_date_parse_us(v[C_ARCH_DATE], &valid))
        return reject(p, line, "bad_date", COL(C_ARCH_DATE));
    if (valid != GK_DATE_NONE && valid < cert)
        return reject(p, line, "end_before_start", COL(C_ARCH_DATE));
    static const int urls[] = {C_REPORT, C_ST, C_M_REPORT, C_M_ST};
    for (size_t i = 0; i < 4; i++)
        if (!url_ok(v[urls[i]])) return reject(p, line, "bad_url", COL(urls[i]));
    bool has_m = *v[C_M_DATE] || *v[C_M_TITLE] || *v[C_M_REPORT] || *v[C_M_ST];
    if (has_m && (!*v[C_M_DATE] || !*v[C_M_TITLE]))
        return reject(p, line, "maintenance_incomplete", NULL);
    if (has_m && !gk_date_parse_us(v[C_M_DATE], &mdate))
        return reject(p, line, "bad_date", COL(C_M_DATE));
    if (has_m && gk_utf8_chars(v[C_M_TITLE]) > PROSE_MAX_CHARS)
        return reject(p, line, "bad_text", COL(C_M_TITLE));

    bool same = p->grp_open && p->g_cert == cert && !strcmp(gstr(p, p->g_off[C_NAME]), v[C_NAME]) &&
                !strcmp(gstr(p, p->g_off[C_MANUFACTURER]), v[C_MANUFACTURER]) &&
                !strcmp(gstr(p, p->g_off[C_SCHEME]), v[C_SCHEME]);
    if (!same) {
        if (gk_cc_pp_list_parse(v[C_PPS], &p->pps) != GK_ERR_OK)
            return reject(p, line, "bad_protection_profiles", COL(C_PPS));
        emit(p);
        if (p->status != GK_CC_OK) return;
        p->glen = 0;
        p->ngm = 0;
        p->grp_open = true;
        p->grp_line = line;
        for (int c = 0; c < GK_CC_NCOLUMNS; c++)
            p->g_off[c] = (c == C_PPS || c == C_CERT_DATE || c == C_ARCH_DATE || c >= C_M_DATE)
                              ? NONE
                              : gput(p, v[c]);
        p->g_npp = p->pps.n;
        for (size_t i = 0; i < p->pps.n; i++)
            p->g_pp[i] = gput(p, p->pps.items[i].name);
        p->g_cert = cert;
        p->g_valid = valid;
    }
    if (!has_m || p->status != GK_CC_OK) return;
    for (size_t i = 0; i < p->ngm; i++)
        if (p->gm[i].date == mdate && !strcmp(gstr(p, p->gm[i].title), v[C_M_TITLE]))
            return; /* the same update listed twice */
    if (p->ngm == GK_CC_MAX_MAINTENANCE) return reject(p, line, "too_many_maintenance", NULL);
    maint_rec m = {line, mdate, gput(p, v[C_M_TITLE]), gput(p, v[C_M_REPORT]), gput(p, v[C_M_ST])};
    p->gm[p->ngm++] = m;
#undef COL
}

static void end_record(gk_cc_parser *p)
{
    if (p->have_header)
        data_record(p);
    else
        header_record(p);
    p->rec_len = 0;
    p->nfields = 0;
    p->too_long = p->nul = p->after_quote = false;
    p->in_record = false;
    p->state = ST_FIELD_START;
}

/* ---- the tokenizer --------------------------------------------------------------------- */

static void begin_field(gk_cc_parser *p)
{
    if (p->nfields < MAXF) p->fstart[p->nfields] = p->rec_len;
    p->nfields++;
}

static void end_field(gk_cc_parser *p)
{
    if (p->nfields <= MAXF) p->rec[p->rec_len++] = 0; /* room reserved in REC_CAP */
}

static void put(gk_cc_parser *p, unsigned char b)
{
    if (b == 0) {
        p->nul = true;
        return;
    }
    if (p->nfields > MAXF) return; /* the record is rejected for its field count anyway */
    if (p->rec_len >= GK_CC_MAX_RECORD + p->nfields - 1) {
        p->too_long = true;
        return;
    }
    p->rec[p->rec_len++] = (char)b;
}

static void end_line(gk_cc_parser *p, unsigned char b)
{
    end_field(p);
    end_record(p);
    p->line++;
    p->skip_lf = b == '\r';
}

/* Outside quotes, a comma ends the field and CR or LF the line: true when b did. */
static bool at_separator(gk_cc_parser *p, unsigned char b)
{
    if (b == ',') {
        end_field(p);
        begin_field(p);
        p->state = ST_FIELD_START;
    } else if (b == '\r' || b == '\n') {
        end_line(p, b);
    } else {
        return false;
    }
    return true;
}

static void on_byte(gk_cc_parser *p, unsigned char b)
{
    if (p->skip_lf) {
        p->skip_lf = false;
        if (b == '\n') return; /* the LF of a CRLF; the line was counted at the CR */
    }
    if (!p->in_record) {
        if (b == '\r' || b == '\n') { /* a blank line */
            p->line++;
            p->skip_lf = b == '\r';
            return;
        }
        p->in_record = true;
        p->rec_line = p->line;
        p->state = ST_FIELD_START;
        begin_field(p);
    }
    switch (p->state) {
    case ST_FIELD_START:
        if (b == '"') {
            p->state = ST_QUOTED;
            p->q_prev_cr = false;
            return;
        }
        p->state = ST_UNQUOTED;
        /* fall through */
    case ST_UNQUOTED:
        if (!at_separator(p, b)) put(p, b);
        return;
    case ST_QUOTED:
        if (b == '"') {
            p->state = ST_QUOTE_IN_QUOTED;
            return;
        }
        if (b == '\r' || (b == '\n' && !p->q_prev_cr)) p->line++;
        p->q_prev_cr = b == '\r';
        put(p, b);
        return;
    case ST_QUOTE_IN_QUOTED:
        if (b == '"') {
            put(p, '"');
            p->q_prev_cr = false;
            p->state = ST_QUOTED;
        } else if (!at_separator(p, b)) {
            p->after_quote = true;
            p->state = ST_UNQUOTED;
            put(p, b);
        }
        return;
    }
}

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

gk_cc_status gk_cc_parser_feed(gk_cc_parser *p, const void *data, size_t len)
{
    const unsigned char *s = data;
    for (size_t i = 0; i < len && p->status == GK_CC_OK; i++) {
        if (!p->bom_done) {
            if (s[i] == bom[p->bom_n]) {
                if (++p->bom_n == 3) p->bom_done = true;
                continue;
            }
            p->bom_done = true;
            for (unsigned k = 0; k < p->bom_n; k++)
                on_byte(p, bom[k]);
        }
        on_byte(p, s[i]);
    }
    return p->status;
}

gk_cc_status gk_cc_parser_finish(gk_cc_parser *p)
{
    if (p->status != GK_CC_OK) return p->status;
    if (!p->bom_done) {
        p->bom_done = true;
        for (unsigned k = 0; k < p->bom_n && p->status == GK_CC_OK; k++)
            on_byte(p, bom[k]);
    }
    if (p->in_record && p->status == GK_CC_OK) {
        if (p->state == ST_QUOTED) {
            if (p->have_header) reject(p, p->rec_line, "unclosed_quote", NULL);
            p->in_record = false;
            if (!p->have_header) {
                p->have_header = true;
                p->header.code = "unclosed_quote";
                p->status = GK_CC_BAD_HEADER;
            }
        } else {
            end_field(p);
            end_record(p);
        }
    }
    if (p->status == GK_CC_OK && !p->have_header) {
        p->header.code = "empty";
        p->status = GK_CC_BAD_HEADER;
    }
    if (p->status == GK_CC_OK) emit(p);
    return p->status;
}

gk_cc_parser *gk_cc_parser_new(bool archived, gk_cc_cert_fn on_cert, gk_cc_reject_fn on_reject,
                               void *ctx)
{
    gk_cc_parser *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->archived = archived;
    p->on_cert = on_cert;
    p->on_reject = on_reject;
    p->ctx = ctx;
    p->line = 1;
    p->rec = malloc(REC_CAP);
    p->dec = malloc(DEC_CAP);
    p->gm = calloc(GK_CC_MAX_MAINTENANCE, sizeof *p->gm);
    p->out_m = calloc(GK_CC_MAX_MAINTENANCE, sizeof *p->out_m);
    if (!p->rec || !p->dec || !p->gm || !p->out_m) {
        gk_cc_parser_free(p);
        return NULL;
    }
    return p;
}

const gk_cc_header_problem *gk_cc_parser_header_problem(const gk_cc_parser *p)
{
    return p->status == GK_CC_BAD_HEADER && p->header.code ? &p->header : NULL;
}

unsigned long gk_cc_parser_lines(const gk_cc_parser *p)
{
    return p->line;
}

void gk_cc_parser_free(gk_cc_parser *p)
{
    if (!p) return;
    free(p->rec);
    free(p->dec);
    free(p->gbuf);
    free(p->gm);
    free(p->out_m);
    free(p);
}
