/* Unit tests of cc/csv: the CC Portal certified-products CSV read as a stream, on fixtures in
 * the portal's format (tests/fixtures/cc/): quoting, entities, maintenance rows, broken
 * lines in the middle, windows-1252, a BOM, a wrong header, and every chunk boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/csv.h"

/* ---- helpers ------------------------------------------------------------------------- */

typedef struct {
    char *data;
    size_t len;
} file;

static file slurp(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/cc/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    file r = {malloc(1 << 20), 0};
    assert_non_null(r.data);
    r.len = fread(r.data, 1, 1 << 20, f);
    fclose(f);
    return r;
}

/* Everything the parser reports, as text, so two runs can be compared and expectations read
 * as lines. */
typedef struct {
    char *out;
    size_t len, cap;
    int stop_after; /* > 0: ask the parser to stop after this many certificates */
    int certs;
} sink;

__attribute__((format(printf, 2, 3))) static void sink_add(sink *s, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof buf);
    if (s->len + (size_t)n + 1 > s->cap) {
        s->cap = (s->len + (size_t)n + 1) * 2;
        s->out = realloc(s->out, s->cap);
        assert_non_null(s->out);
    }
    memcpy(s->out + s->len, buf, (size_t)n + 1);
    s->len += (size_t)n;
}

static int on_cert(void *ctx, const gk_cc_cert *c)
{
    sink *s = ctx;
    char d1[GK_DATE_BUF], d2[GK_DATE_BUF] = "-";
    gk_date_format(c->certified_on, d1);
    if (c->valid_until != GK_DATE_NONE) gk_date_format(c->valid_until, d2);
    sink_add(s, "C%lu|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|pp=", c->line, c->category, c->name,
             c->manufacturer, c->scheme, c->assurance_level ? c->assurance_level : "-", d1, d2,
             c->archived ? "archived" : "active", c->report_url ? c->report_url : "-",
             c->st_url ? c->st_url : "-", "");
    for (size_t i = 0; i < c->n_protection_profiles; i++)
        sink_add(s, "[%s]", c->protection_profiles[i]);
    for (size_t i = 0; i < c->n_maintenance; i++) {
        char md[GK_DATE_BUF];
        gk_date_format(c->maintenance[i].date, md);
        sink_add(s, "|M%lu %s %s %s %s", c->maintenance[i].line, md, c->maintenance[i].title,
                 c->maintenance[i].report_url ? c->maintenance[i].report_url : "-",
                 c->maintenance[i].st_url ? c->maintenance[i].st_url : "-");
    }
    sink_add(s, "|h=");
    for (int i = 0; i < 4; i++)
        sink_add(s, "%02x", c->hash[i]);
    sink_add(s, "\n");
    return s->stop_after && ++s->certs >= s->stop_after;
}

static int on_reject(void *ctx, const gk_cc_reject *r)
{
    sink *s = ctx;
    assert_non_null(r->code);
    /* The numbers its message needs, and nothing for codes without any. */
    if (!strcmp(r->code, "field_count")) {
        assert_int_equal(r->limit, GK_CC_NCOLUMNS);
        assert_int_not_equal(r->found, GK_CC_NCOLUMNS);
    } else if (!strcmp(r->code, "too_long")) {
        assert_int_equal(r->limit, GK_CC_MAX_RECORD);
    } else if (strcmp(r->code, "bad_protection_profiles") &&
               strcmp(r->code, "too_many_maintenance")) {
        assert_int_equal(r->limit + r->found + r->name_limit, 0);
    }
    sink_add(s, "R%lu|%s|%s\n", r->line, r->code, r->column ? r->column : "-");
    return 0;
}

/* Parse data fed in pieces of `chunk` bytes (0: all at once), or split once at `split`
 * when split > 0. Returns the status; the report is in s->out. */
static gk_cc_status parse(const char *data, size_t len, size_t chunk, size_t split, bool archived,
                          sink *s)
{
    gk_cc_parser *p = gk_cc_parser_new(archived, on_cert, on_reject, s);
    assert_non_null(p);
    gk_cc_status st = GK_CC_OK;
    if (split) {
        st = gk_cc_parser_feed(p, data, split);
        if (st == GK_CC_OK) st = gk_cc_parser_feed(p, data + split, len - split);
    } else if (chunk) {
        for (size_t i = 0; i < len && st == GK_CC_OK; i += chunk)
            st = gk_cc_parser_feed(p, data + i, len - i < chunk ? len - i : chunk);
    } else {
        st = gk_cc_parser_feed(p, data, len);
    }
    if (st == GK_CC_OK) st = gk_cc_parser_finish(p);
    const gk_cc_header_problem *h = gk_cc_parser_header_problem(p);
    if (st == GK_CC_BAD_HEADER) {
        assert_non_null(h);
        sink_add(s, "H|%s|missing=%s|unexpected=%s|repeated=%s|\n", h->code, h->missing,
                 h->unexpected, h->repeated);
    } else {
        assert_null(h);
    }
    gk_cc_parser_free(p);
    return st;
}

static char *report_of(const char *data, size_t len, size_t chunk, size_t split)
{
    sink s = {0};
    sink_add(&s, "%s", ""); /* allocates: out is "" rather than NULL */
    parse(data, len, chunk, split, false, &s);
    return s.out;
}

static const char *find_line(const char *report, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *l = report; l && *l;) {
        if (!strncmp(l, prefix, n)) return l;
        l = strchr(l, '\n');
        if (l) l++;
    }
    return NULL;
}

static void assert_has(const char *report, const char *prefix, const char *contains)
{
    const char *l = find_line(report, prefix);
    if (!l) fail_msg("no line starting %s in:\n%s", prefix, report);
    const char *end = strchr(l, '\n');
    size_t n = end ? (size_t)(end - l) : strlen(l);
    char line[8192];
    snprintf(line, sizeof line, "%.*s", (int)n, l);
    if (contains && !strstr(line, contains)) fail_msg("line %s lacks \"%s\"", line, contains);
}

static size_t count_lines(const char *report, char kind)
{
    size_t n = 0;
    for (const char *l = report; l && *l;) {
        n += *l == kind;
        l = strchr(l, '\n');
        if (l) l++;
    }
    return n;
}

/* ---- the certified-products fixture ----------------------------------------------------- */

static void certified_file_certificates(void **state)
{
    file f = slurp("certified.csv");
    char *rep = report_of(f.data, f.len, 0, 0);
    /* Four certificates; the three rows of the Cisco switches are one certificate. */
    assert_int_equal(count_lines(rep, 'C'), 4);
    static const struct {
        const char *prefix, *contains;
    } want[] = {
        /* quoted comma in name and manufacturer; maintenance history from repeated rows */
        {"C2|",
         "|Cisco Catalyst 9300, 9400 Series Switches running IOS-XE 17.3|Cisco Systems, Inc.|US|PP Compliant|2022-03-15|2027-03-15|active|"},
        {"C2|",
         "pp=[collaborative Protection Profile for Network Devices, Version 2.2e]|M3 2022-09-01 Cisco Catalyst 9300 & 9400 IOS-XE 17.6 Maintenance Update https://www.commoncriteriaportal.org/files/epfiles/st_vid11212-add1.pdf -|M4 2023-02-06 IOS-XE 17.9 Assurance Continuity"},
        /* entities decoded (named, decimal, hex), unquoted fields, M/D/YYYY */
        {"C5|",
         "|SecureChip\u00ae SLE78 with Crypto\u2122 Library v2.3 'Rev B' \u2122|Infineon Technologies AG|DE|EAL6+ ALC_FLR.1|2020-07-09|2025-07-09|active|"},
        {"C5|", "pp=|h="}, /* "None" means no PP */
        /* a PP cell spanning two lines; &lt; &gt; &quot;; empty assurance and end date */
        {"C6|",
         "|imageRUNNER ADVANCE DX C5800 Series <2600> with \"HCD\" Kit|Canon Inc.|JP|-|2021-11-30|-|active|"},
        {"C6|", "pp=[Protection Profile for Hardcopy Devices, Version 1.0][HCD-PP Errata #1]"},
        /* doubled quotes, a comma in the category */
        {"C11|",
         "|ICs, Smart Cards and Smart Card-Related Devices and Systems|FeliCa \"Secure\" IC RC-SA24/1|Sony Corporation|JP|EAL4+ ALC_FLR.2, AVA_VAN.5|2022-12-20|2027-12-20|"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_has(rep, want[i].prefix, want[i].contains);
    free(rep);
    free(f.data);
}

static void certified_file_rejections(void **state)
{
    file f = slurp("certified.csv");
    char *rep = report_of(f.data, f.len, 0, 0);
    /* Each broken line is reported with its number and reason; the lines after it import
     * (C11 above). Line numbers count the physical lines: the PP cell of line 6 spans two. */
    static const char *want[] = {
        "R8|bad_date|Certification Date\n",
        "R9|field_count|-\n",
        "R10|text_after_quote|-\n",
        "R12|maintenance_incomplete|-\n",
        "R13|bad_url|Certification Report URL\n",
        "R14|bad_scheme|Scheme\n",
        "R15|end_before_start|Archived Date\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(rep, want[i])) fail_msg("missing %s in:\n%s", want[i], rep);
    assert_int_equal(count_lines(rep, 'R'), sizeof want / sizeof *want);
    free(rep);
    free(f.data);
}

/* Any split of the input gives the same report: at every byte position (inside quotes,
 * between CR and LF, inside a UTF-8 sequence, inside an entity) and one byte at a time. */
static void every_chunk_boundary(void **state)
{
    static const char *files[] = {"certified.csv", "certified-1252.csv", "certified-bom.csv",
                                  "bad-header.csv", "archived.csv"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        file f = slurp(files[k]);
        char *whole = report_of(f.data, f.len, 0, 0);
        for (size_t split = 1; split < f.len; split++) {
            char *rep = report_of(f.data, f.len, 0, split);
            if (strcmp(whole, rep))
                fail_msg("%s split at %zu:\n%s\nwhole:\n%s", files[k], split, rep, whole);
            free(rep);
        }
        static const size_t chunks[] = {1, 2, 3, 7, 64};
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
            char *rep = report_of(f.data, f.len, chunks[c], 0);
            if (strcmp(whole, rep)) fail_msg("%s in chunks of %zu differs", files[k], chunks[c]);
            free(rep);
        }
        free(whole);
        free(f.data);
    }
}

/* ---- encodings --------------------------------------------------------------------------- */

static void windows_1252_and_bom(void **state)
{
    file a = slurp("certified-1252.csv"), b = slurp("certified-bom.csv");
    /* The 1252 file really is not UTF-8 (0xE9 alone), and the BOM file starts with one. */
    assert_non_null(memchr(a.data, 0xE9, a.len));
    assert_memory_equal(b.data, "\xEF\xBB\xBF\"Category\"", 13);
    char *ra = report_of(a.data, a.len, 0, 0), *rb = report_of(b.data, b.len, 0, 0);
    assert_has(
        ra, "C2|",
        "|Carte S\u00e9curis\u00e9e\u2122 IDeal Citiz v2.17 \u2019J\u2019|IDEMIA France SAS|FR|");
    assert_has(
        ra, "C3|",
        "|Kassensystem \u20ac-Modul M\u00fcnchen|Kassen & Co KG|DE|EAL2|2020-01-02|2025-01-02|");
    /* Same content, other encoding and line ends: the same certificates, the same hashes. */
    assert_string_equal(ra, rb);
    assert_int_equal(count_lines(ra, 'R'), 0);
    free(ra);
    free(rb);
    free(a.data);
    free(b.data);
}

static void cp1252_table(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"caf\xE9", "caf\u00e9"},
        {"\x80 \x99 \x92 \x93x\x94", "\u20ac \u2122 \u2019 \u201cx\u201d"},
        {"\x8A\x9A\x8C\x9C\x9F", "\u0160\u0161\u0152\u0153\u0178"},
        {"\x81\x8D\x8F\x90\x9D", "\ufffd\ufffd\ufffd\ufffd\ufffd"}, /* undefined in 1252 */
        {"\xA0\xFF", "\u00a0\u00ff"},
        {"ASCII stays", "ASCII stays"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[64];
        size_t n =
            gk_cc_cp1252_to_utf8((const unsigned char *)cases[i].in, strlen(cases[i].in), out);
        assert_int_equal(n, strlen(cases[i].out));
        assert_string_equal(out, cases[i].out);
    }
}

static void entities(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"AT&amp;T", "AT&T"},
        {"&lt;b&gt; &quot;x&quot; &#39;y&#39; &apos;z&apos;", "<b> \"x\" 'y' 'z'"},
        {"Crypto&reg; Lib&trade; &copy;", "Crypto\u00ae Lib\u2122 \u00a9"},
        {"S&eacute;curit&eacute; M&uuml;nchen na&iuml;ve",
         "S\u00e9curit\u00e9 M\u00fcnchen na\u00efve"},
        {"&#233;&#xE9;&#XE9;&#x2122;&#128512;", "\u00e9\u00e9\u00e9\u2122\U0001F600"},
        {"a&nbsp;b &ndash; c&mdash;d", "a\u00a0b \u2013 c\u2014d"},
        {"&amp;amp; once", "&amp; once"},             /* decoded once, not recursively */
        {"R&D &unknown; &amp", "R&D &unknown; &amp"}, /* unknown or unterminated: kept */
        {"&#0; &#7; &#x80; &#xD800; &#x110000; &#;", "&#0; &#7; &#x80; &#xD800; &#x110000; &#;"},
        {"&#123456789;", "&#123456789;"}, /* too many digits: kept */
        {"&#10;", "\n"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", cases[i].in);
        gk_cc_decode_entities(buf);
        if (strcmp(buf, cases[i].out))
            fail_msg("%s -> %s, want %s", cases[i].in, buf, cases[i].out);
    }
}

/* ---- the header ------------------------------------------------------------------------- */

static void header_mismatch(void **state)
{
    file f = slurp("bad-header.csv");
    sink s = {0};
    sink_add(&s, "%s", "");
    assert_int_equal(parse(f.data, f.len, 0, 0, false, &s), GK_CC_BAD_HEADER);
    assert_non_null(strstr(s.out, "H|mismatch|missing=Manufacturer, Maintenance Report|"));
    assert_non_null(strstr(s.out, "|unexpected=Vendor|"));
    assert_int_equal(count_lines(s.out, 'C') + count_lines(s.out, 'R'), 0); /* nothing read */
    free(s.out);
    free(f.data);
}

/* A header problem listing many long Japanese column names is cut to fit its buffer, never in
 * the middle of a UTF-8 character (found by tests/fuzz/fuzz_cc_csv.c). */
static void header_error_is_utf8_when_cut(void **state)
{
    char csv[8192] = "";
    for (int i = 0; i < 60; i++)
        strcat(csv, "\"認定製品の名称（とても長い列名の例です）\",");
    strcat(csv, "x\r\n");
    gk_cc_parser *p = gk_cc_parser_new(false, NULL, NULL, NULL);
    assert_non_null(p);
    gk_cc_status st = gk_cc_parser_feed(p, csv, strlen(csv));
    if (st == GK_CC_OK) st = gk_cc_parser_finish(p);
    assert_int_equal(st, GK_CC_BAD_HEADER);
    const gk_cc_header_problem *h = gk_cc_parser_header_problem(p);
    assert_non_null(h);
    assert_string_equal(h->code, "mismatch");
    assert_true(strlen(h->unexpected) > 900); /* long enough to have been cut */
    for (int l = 0; l < 3; l++) {
        const unsigned char *m = (const unsigned char *)(l == 0   ? h->missing
                                                         : l == 1 ? h->unexpected
                                                                  : h->repeated);
        for (size_t i = 0; m[i];) { /* every character complete */
            size_t len = m[i] < 0x80             ? 1
                         : (m[i] & 0xE0) == 0xC0 ? 2
                         : (m[i] & 0xF0) == 0xE0 ? 3
                                                 : 4;
            for (size_t k = 1; k < len; k++)
                assert_int_equal(m[i + k] & 0xC0, 0x80);
            i += len;
        }
    }
    gk_cc_parser_free(p);
}

static void header_cases(void **state)
{
    static const char good[] =
        "Category,Name,Manufacturer,Scheme,Assurance Level,Protection Profile(s),Certification "
        "Date,Archived Date,Certification Report URL,Security Target URL,Maintenance "
        "Date,Maintenance Title,Maintenance Report,Maintenance ST";
    static const struct {
        const char *csv;
        gk_cc_status want;
        const char *msg; /* in the error, or NULL */
    } cases[] = {
        {"", GK_CC_BAD_HEADER, "H|empty|"},
        {"\xEF\xBB\xBF", GK_CC_BAD_HEADER, "H|empty|"},
        {"\r\n\r\n", GK_CC_BAD_HEADER, "H|empty|"},
        {good, GK_CC_OK, NULL},
        /* other order, other case, extra blanks: still the portal's columns */
        {" maintenance st ,NAME,Manufacturer,Scheme,Assurance  Level,Protection Profile(s),"
         "Certification Date,Archived Date,Certification Report URL,Security Target URL,"
         "Maintenance Date,Maintenance Title,Maintenance Report,Category\n",
         GK_CC_OK, NULL},
        {"Name,Manufacturer\n", GK_CC_BAD_HEADER,
         "missing=Category, Scheme, Assurance Level, Protection Profile(s), "
         "Certification Date, Archived Date, Certification Report URL, Security Target URL, "
         "Maintenance Date, Maintenance Title, Maintenance Report, Maintenance ST|"},
        {"Category,Category,Name,Manufacturer,Scheme,Assurance Level,Protection Profile(s),"
         "Certification Date,Archived Date,Certification Report URL,Security Target URL,"
         "Maintenance Date,Maintenance Title,Maintenance Report,Maintenance ST\n",
         GK_CC_BAD_HEADER, "|repeated=Category|"},
        {"\"Category,Name", GK_CC_BAD_HEADER, "H|unclosed_quote|"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sink s = {0};
        sink_add(&s, "%s", "");
        gk_cc_status st = parse(cases[i].csv, strlen(cases[i].csv), 0, 0, false, &s);
        if (st != cases[i].want)
            fail_msg("case %zu: status %d, want %d: %s", i, st, cases[i].want, s.out);
        if (cases[i].msg && !strstr(s.out, cases[i].msg))
            fail_msg("case %zu: %s lacks %s", i, s.out, cases[i].msg);
        free(s.out);
    }
}

/* ---- rows ------------------------------------------------------------------------------- */

#define HDR                                                                                        \
    "Category,Name,Manufacturer,Scheme,Assurance Level,Protection Profile(s),Certification "       \
    "Date,Archived Date,Certification Report URL,Security Target URL,Maintenance "                 \
    "Date,Maintenance Title,Maintenance Report,Maintenance ST\n"
#define ROW(name, date, arch, mdate, mtitle)                                                       \
    "Network Devices," name ",Acme,JP,EAL2,," date "," arch ",,," mdate "," mtitle ",,\n"

static void row_cases(void **state)
{
    static const struct {
        const char *rows;
        const char *want; /* exact report */
    } cases[] = {
        /* blank lines are skipped but counted */
        {"\n" ROW("A", "01/02/2020", "", "", "") "\n\n",
         "C3|Network Devices|A|Acme|JP|EAL2|2020-01-02|-|active|-|-||pp=|h="},
        /* repeated base rows group; a duplicate maintenance row is dropped */
        {ROW("A", "01/02/2020", "", "", "") ROW("A", "01/02/2020", "", "02/02/2021", "A 1.1")
             ROW("A", "01/02/2020", "", "02/02/2021", "A 1.1")
                 ROW("A", "01/02/2020", "", "03/03/2022", "A 1.2"),
         "C2|Network Devices|A|Acme|JP|EAL2|2020-01-02|-|active|-|-||pp=|M3 2021-02-02 A 1.1 - -|M5 "
         "2022-03-03 A 1.2 - -|h="},
        /* the same name certified on another day is another certificate */
        {ROW("A", "01/02/2020", "", "", "") ROW("A", "01/02/2023", "", "", ""),
         "C2|Network Devices|A|Acme|JP|EAL2|2020-01-02|-|active|-|-||pp=|h="},
        /* a quoted field without its closing quote at the end of the file */
        {ROW("A", "01/02/2020", "", "", "") "Network Devices,\"B,Acme\n", "R3|unclosed_quote|-"},
        /* required cells */
        {ROW("", "01/02/2020", "", "", ""), "R2|required|Name"},
        {ROW("A", "", "", "", ""), "R2|required|Certification Date"},
        {ROW("A", "2020-01-02", "", "", ""), "R2|bad_date|Certification Date"},
        {ROW("A", "01/02/2020", "02/30/2025", "", ""), "R2|bad_date|Archived Date"},
        {ROW("A", "01/02/2020", "", "1/1/2021", ""), "R2|maintenance_incomplete|-"},
        {ROW("A", "01/02/2020", "", "31/1/2021", "T"), "R2|bad_date|Maintenance Date"},
        {"Network Devices,A,Acme,jp,EAL2,,1/2/2020,,,,,,,\n",
         "C2|Network Devices|A|Acme|JP|EAL2|2020-01-02|-|active|-|-||pp=|h="},
        {"Net\x01work,A,Acme,JP,EAL2,,1/2/2020,,,,,,,\n", "R2|bad_text|Category"},
        {"Network Devices,A\0B,Acme,JP,EAL2,,1/2/2020,,,,,,,\n", "R2|nul_byte|-"},
        {"Network Devices,A,Acme,JP,EAL2,,1/2/2020,,javascript:alert(1),,,,,\n",
         "R2|bad_url|Certification Report URL"},
        /* a multi-line quoted assurance cell becomes one line */
        {"Network Devices,A,Acme,JP,\"EAL2+\r\nALC_FLR.2\",,1/2/2020,,,,,,,\nX,B,Acme,JP,,,1/3/2020,,,,,,,\n",
         "C2|Network Devices|A|Acme|JP|EAL2+ ALC_FLR.2|2020-01-02|-|active|-|-||pp=|h="},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char csv[4096];
        size_t hl = strlen(HDR);
        memcpy(csv, HDR, hl);
        /* the NUL case needs its real length: rows are written without NULs elsewhere */
        size_t rl = strlen(cases[i].rows);
        memcpy(csv + hl, cases[i].rows, rl);
        if (strstr(cases[i].want, "nul_byte")) {
            static const char nulrow[] = "Network Devices,A\0B,Acme,JP,EAL2,,1/2/2020,,,,,,,\n";
            memcpy(csv + hl, nulrow, sizeof nulrow - 1);
            rl = sizeof nulrow - 1;
        }
        char *rep = report_of(csv, hl + rl, 0, 0);
        if (!strstr(rep, cases[i].want))
            fail_msg("case %zu: want %s in:\n%s", i, cases[i].want, rep);
        free(rep);
    }
}

static void too_long_record_is_rejected_and_the_next_one_read(void **state)
{
    size_t n = GK_CC_MAX_RECORD + 100;
    char *csv = malloc(strlen(HDR) + n + 200);
    assert_non_null(csv);
    strcpy(csv, HDR "Network Devices,\"");
    size_t l = strlen(csv);
    memset(csv + l, 'x', n);
    strcpy(csv + l + n, "\",Acme,JP,EAL2,,1/2/2020,,,,,,,\n" ROW("B", "01/02/2020", "", "", ""));
    char *rep = report_of(csv, strlen(csv), 4096, 0);
    assert_has(rep, "R2|too_long", NULL);
    assert_has(rep, "C3|", "|B|Acme|");
    free(rep);
    free(csv);
}

static void hash_identifies_the_base_row(void **state)
{
    static const char *const rows[] = {
        ROW("A", "01/02/2020", "01/02/2025", "", ""),
        ROW("A", "01/02/2020", "01/02/2025", "", ""), /* same row again */
        ROW("A", "01/02/2020", "01/02/2026", "", ""), /* another end date */
        ROW("A ", "1/2/2020", "1/2/2025", "", ""),    /* same after trimming and dates */
        ROW("A", "01/02/2020", "01/02/2025", "03/03/2021", "A 1.1"), /* maintenance only */
    };
    char hashes[5][16];
    for (size_t i = 0; i < 5; i++) {
        char csv[1024];
        snprintf(csv, sizeof csv, "%s%s", HDR, rows[i]);
        char *rep = report_of(csv, strlen(csv), 0, 0);
        const char *h = strstr(rep, "|h=");
        assert_non_null(h);
        snprintf(hashes[i], sizeof hashes[i], "%.8s", h + 3);
        free(rep);
    }
    assert_string_equal(hashes[0], hashes[1]);
    assert_string_not_equal(hashes[0], hashes[2]);
    assert_string_equal(hashes[0], hashes[3]);
    assert_string_equal(hashes[0], hashes[4]); /* maintenance is not part of the base row */
    /* The archived list gives another status, hence another hash. */
    char csv[1024];
    snprintf(csv, sizeof csv, "%s%s", HDR, rows[0]);
    sink s = {0};
    sink_add(&s, "%s", "");
    parse(csv, strlen(csv), 0, 0, true, &s);
    assert_non_null(strstr(s.out, "|archived|"));
    assert_null(strstr(s.out, hashes[0]));
    free(s.out);
}

static void archived_list(void **state)
{
    file f = slurp("archived.csv");
    sink s = {0};
    sink_add(&s, "%s", "");
    assert_int_equal(parse(f.data, f.len, 0, 0, true, &s), GK_CC_OK);
    assert_has(
        s.out, "C2|",
        "|Juniper EX4300 Junos OS 18.2R1|Juniper Networks, Inc.|US|PP Compliant|2018-08-24|2023-08-24|archived|");
    assert_has(
        s.out, "C3|",
        "|Windows 10 (Creators Update)|Microsoft Corporation|US|PP Compliant|2017-10-01|2022-09-30|archived|");
    free(s.out);
    free(f.data);
}

static void a_callback_can_stop_the_parse(void **state)
{
    file f = slurp("certified.csv");
    sink s = {.stop_after = 1};
    sink_add(&s, "%s", "");
    gk_cc_parser *p = gk_cc_parser_new(false, on_cert, on_reject, &s);
    assert_int_equal(gk_cc_parser_feed(p, f.data, f.len), GK_CC_STOPPED);
    assert_int_equal(gk_cc_parser_finish(p), GK_CC_STOPPED);
    assert_int_equal(gk_cc_parser_feed(p, "x", 1), GK_CC_STOPPED);
    assert_int_equal(count_lines(s.out, 'C'), 1);
    gk_cc_parser_free(p);
    free(s.out);
    free(f.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(certified_file_certificates),
        cmocka_unit_test(certified_file_rejections),
        cmocka_unit_test(every_chunk_boundary),
        cmocka_unit_test(windows_1252_and_bom),
        cmocka_unit_test(cp1252_table),
        cmocka_unit_test(entities),
        cmocka_unit_test(header_mismatch),
        cmocka_unit_test(header_cases),
        cmocka_unit_test(header_error_is_utf8_when_cut),
        cmocka_unit_test(row_cases),
        cmocka_unit_test(too_long_record_is_rejected_and_the_next_one_read),
        cmocka_unit_test(hash_identifies_the_base_row),
        cmocka_unit_test(archived_list),
        cmocka_unit_test(a_callback_can_stop_the_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
