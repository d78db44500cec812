/* Certificate numbers `<class letters><yy>-<nnnn><bbb>` (e.g. "D20-0123001") and the class
 * letters of device categories (docs/rules.md "Certificate numbers and the mark").
 *
 * The number's parts: 1-3 upper-case class letters (A-Z) for the kind of line, the two-digit
 * year of grant, a four-digit serial 0001-9999 (gap-free per year and body: the DB counter
 * hands them out), and the three-digit code of the certification body 001-999 (JATE = 001).
 * The display form adds the technical conformity mark: "T D20-0123001".
 *
 * Everything works on caller buffers; nothing is allocated. */
#ifndef GK_DOMAIN_CERTIFICATE_NUMBER_H
#define GK_DOMAIN_CERTIFICATE_NUMBER_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/date.h"
#include "errors.h"

#define GK_CERT_LETTERS_MAX 3
#define GK_CERT_SERIAL_MAX 9999
#define GK_CERT_BODY_MAX 999
/* "ABC20-0123001" plus NUL; the display form adds "T ". */
#define GK_CERT_NUMBER_BUF 14
#define GK_CERT_DISPLAY_BUF 16

typedef struct {
    char letters[GK_CERT_LETTERS_MAX + 1]; /* "D", "AD" */
    int yy;                                /* 0-99 */
    int serial;                            /* 1-9999 */
    int body;                              /* 1-999 */
} gk_cert_number;

/* True when every part is within its range (letters 1-3 of A-Z). */
bool gk_cert_number_is_valid(const gk_cert_number *n);

/* Builds the number of a grant: yy from the year of granted_on. GK_ERR_VALIDATION when the
 * letters, serial or body code are out of range (serial 0 or 10000 is a counter bug, not a
 * number: the year's numbers are exhausted). */
gk_error gk_cert_number_make(const char *letters, gk_date granted_on, int serial, int body,
                             gk_cert_number *out);

/* Strict parse of the bare form "D20-0123001": no blanks, no lower case, no mark.
 * GK_ERR_VALIDATION on any deviation (*out untouched). */
gk_error gk_cert_number_parse(const char *s, gk_cert_number *out);

/* Parse as typed by a person verifying a label: blanks around are ignored and the mark may
 * precede the number as "T " (T and a space) or as "Ⓣ" (U+24C9, with or without a space).
 * The number itself must still be exact (upper case). */
gk_error gk_cert_number_parse_display(const char *s, gk_cert_number *out);

/* "D20-0123001" into buf (GK_CERT_NUMBER_BUF bytes); returns buf, or NULL (buf = "") when
 * the number is not valid. */
char *gk_cert_number_format(const gk_cert_number *n, char buf[GK_CERT_NUMBER_BUF]);

/* "T D20-0123001" into buf (GK_CERT_DISPLAY_BUF bytes); NULL as above. */
char *gk_cert_number_display(const gk_cert_number *n, char buf[GK_CERT_DISPLAY_BUF]);

/* Device category -> class letters, as configuration data (the official table is in
 * 端末機器の技術基準適合認定等に関する規則 様式第7号; a certification body corrects it in the
 * database, without code). */
typedef struct {
    const char *category; /* "router" */
    const char *letters;  /* "D" */
} gk_class_letters_entry;

/* The built-in defaults: "A" for telephone (analog telephone terminal), "B" for smartphone
 * (mobile terminal), "D" for the data-transmission categories (router, gateway, onu_modem,
 * camera, recorder, nas, set_top_box, iot_device, pc, other). Static, immutable. */
const gk_class_letters_entry *gk_class_letters_defaults(size_t *n);

/* Looks a category up in `table` (the DB's overrides, may be NULL/0), then in the defaults;
 * a category in neither gets "D" (the data-transmission default, as docs/rules.md says).
 * Returns a string owned by the table or static. */
const char *gk_class_letters_lookup(const gk_class_letters_entry *table, size_t n,
                                    const char *category);

/* gk_class_letters_lookup with no overrides. */
const char *gk_class_letters_default(const char *category);

/* True for 1-3 upper-case ASCII letters: what an admin may store as class letters. */
bool gk_class_letters_valid(const char *letters);

#endif
