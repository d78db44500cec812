/* The Common Criteria Portal's certified-products / archived-products CSV, read as a stream.
 *
 * Pure: no I/O, no database. The caller feeds bytes in chunks of any size (a chunk may end in
 * the middle of a quoted field, a CRLF, a BOM or a UTF-8 sequence) and receives, through two
 * callbacks, one certificate per group of rows or one rejection per bad record. Memory is
 * bounded by GK_CC_MAX_RECORD and GK_CC_MAX_MAINTENANCE, never by the file size.
 *
 * What the parser understands (docs/rules.md "Common Criteria equivalence"):
 *  - RFC 4180: fields in double quotes may hold commas, CR/LF and doubled quotes; records end
 *    at CRLF, LF or a lone CR; blank lines are skipped; a UTF-8 BOM at the start is skipped.
 *  - The header must name exactly the 14 columns of GK_CC_COLUMNS (any order, any case,
 *    surrounding blanks ignored); otherwise the whole file is refused (GK_CC_BAD_HEADER)
 *    naming the missing and unexpected columns.
 *  - Encoding is decided per record: bytes that are valid UTF-8 are UTF-8, otherwise the
 *    record is windows-1252 and is converted (real 1252 text practically never forms valid
 *    UTF-8 sequences, so whole-1252 files and mixed files both come out right).
 *  - HTML entities in every text cell are decoded (&amp; &lt; &gt; &quot; &#39; &apos;
 *    &#NNN; &#xHH; and the common named ones: &reg; &trade; &copy; &eacute; ...). An entity
 *    the table does not know, or a numeric one naming a control character, stays as written.
 *  - Dates are MM/DD/YYYY (gk_date_parse_us). "Archived Date" is the validity end in the
 *    active list and the archiving date in the archived list.
 *  - Maintenance updates repeat the base row with the four Maintenance columns filled in.
 *    Consecutive rows with the same natural key (Name, Manufacturer, Certification Date,
 *    Scheme) form one certificate whose first row gives the base fields; each row's
 *    maintenance cells become one entry of its history (duplicates dropped).
 *
 * Line numbers are physical lines of the file, 1 = the header; a record's number is the line
 * where it starts (a quoted field with newlines spans several lines). */
#ifndef GK_CC_CSV_H
#define GK_CC_CSV_H

#include "domain/date.h"

#include <stdbool.h>
#include <stddef.h>

#define GK_CC_NCOLUMNS 14
/* The header of the portal's CSV, in the portal's order. */
extern const char *const GK_CC_COLUMNS[GK_CC_NCOLUMNS];

#define GK_CC_MAX_RECORD (64 * 1024) /* bytes of one raw record; longer ones are rejected */
#define GK_CC_MAX_MAINTENANCE 200    /* maintenance updates kept for one certificate */
#define GK_CC_MAX_PPS_OUT 16         /* = GK_CC_MAX_PPS of domain/cc_recognition.h */

typedef struct {
    unsigned long line; /* the row it came from */
    gk_date date;
    const char *title;
    const char *report_url, *st_url; /* NULL when empty */
} gk_cc_maintenance;

/* One certificate. Every pointer points into the parser and is valid only during the
 * callback; strings are UTF-8, entity-decoded and trimmed. */
typedef struct {
    unsigned long line; /* the line of its first row */
    const char *category, *name, *manufacturer, *scheme;
    const char *assurance_level; /* NULL when the cell is empty */
    const char *protection_profiles[GK_CC_MAX_PPS_OUT];
    size_t n_protection_profiles;
    gk_date certified_on;
    gk_date valid_until;             /* the "Archived Date", GK_DATE_NONE when empty */
    bool archived;                   /* the parser was told it reads the archived-products list */
    const char *report_url, *st_url; /* NULL when empty */
    const gk_cc_maintenance *maintenance;
    size_t n_maintenance;
    /* SHA-256 of the normalised base row (every field above except line and maintenance),
     * so an unchanged row can be recognised on re-import. */
    unsigned char hash[32];
} gk_cc_cert;

/* Why a record was rejected: a stable code, the column concerned (a header name, or NULL),
 * and the numbers its message needs. No text: the caller renders the message of the code
 * (message key "cc.csv.reject.<code>" with {column}, {found}, {limit}, {name_limit}).
 * Valid during the callback only. */
typedef struct {
    unsigned long line;
    const char *code; /* field_count, unclosed_quote, text_after_quote, too_long, nul_byte,
                         required, bad_date, bad_scheme, bad_text, end_before_start, bad_url,
                         bad_protection_profiles, maintenance_incomplete, too_many_maintenance */
    const char *column;
    size_t found;      /* field_count: the fields the record has */
    size_t limit;      /* field_count: GK_CC_NCOLUMNS; too_long: GK_CC_MAX_RECORD;
                          bad_protection_profiles: GK_CC_MAX_PPS; too_many_maintenance:
                          GK_CC_MAX_MAINTENANCE; else 0 */
    size_t name_limit; /* bad_protection_profiles: the longest PP name in bytes; else 0 */
} gk_cc_reject;

/* Why the whole file was refused (GK_CC_BAD_HEADER), as a code and the column lists its
 * message names ("cc.csv.header.<code>", plus one sentence per non-empty list). */
typedef struct {
    const char *code; /* "empty" (no header line), "unclosed_quote", "mismatch", or NULL */
    /* For "mismatch": the columns, comma-separated, "" when none. */
    char missing[1024], unexpected[1024], repeated[512];
} gk_cc_header_problem;

/* Callbacks return 0 to go on; anything else stops the parse (GK_CC_STOPPED). */
typedef int (*gk_cc_cert_fn)(void *ctx, const gk_cc_cert *cert);
typedef int (*gk_cc_reject_fn)(void *ctx, const gk_cc_reject *rej);

typedef enum {
    GK_CC_OK,
    GK_CC_BAD_HEADER, /* the header is missing or wrong: nothing imported (gk_cc_parser_error) */
    GK_CC_STOPPED,    /* a callback returned non-zero */
    GK_CC_NOMEM,
} gk_cc_status;

typedef struct gk_cc_parser gk_cc_parser;

/* archived: the input is the archived-products list (status archived). NULL on out of
 * memory. The parser owns all its memory; free it with gk_cc_parser_free. */
gk_cc_parser *gk_cc_parser_new(bool archived, gk_cc_cert_fn on_cert, gk_cc_reject_fn on_reject,
                               void *ctx);

/* Feed the next len bytes. Once a call has returned something other than GK_CC_OK, later
 * calls return the same status and do nothing. */
gk_cc_status gk_cc_parser_feed(gk_cc_parser *p, const void *data, size_t len);

/* End of input: completes the last record and emits the last certificate. An input
 * without a header line is GK_CC_BAD_HEADER. */
gk_cc_status gk_cc_parser_finish(gk_cc_parser *p);

/* Why the header was refused, once a call returned GK_CC_BAD_HEADER; NULL otherwise. */
const gk_cc_header_problem *gk_cc_parser_header_problem(const gk_cc_parser *p);

/* Physical lines read so far (for progress reports). */
unsigned long gk_cc_parser_lines(const gk_cc_parser *p);

void gk_cc_parser_free(gk_cc_parser *p);

/* Decode HTML entities of s in place (the result is never longer). Exposed for tests and
 * for the importer of other portal files. */
void gk_cc_decode_entities(char *s);

/* Convert len bytes of windows-1252 into UTF-8 at out (room for 3 * len + 1 bytes); returns
 * the length written (NUL-terminated). Undefined 1252 bytes become U+FFFD. */
size_t gk_cc_cp1252_to_utf8(const unsigned char *in, size_t len, char *out);

#endif
