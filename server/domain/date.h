/* Calendar dates as plain integers: days since 1970-01-01 in the proleptic Gregorian
 * calendar. A date is a value (no time zone, no allocation), so comparisons are `<` and the
 * difference of two dates is a number of days. Supported years: 0001-9999, the range the
 * four-digit text form can carry. */
#ifndef GK_DOMAIN_DATE_H
#define GK_DOMAIN_DATE_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t gk_date;

/* "No date" for optional date fields (e.g. a CC certificate without an end date). Never a
 * valid result of the functions below. */
#define GK_DATE_NONE INT32_MIN

/* Buffer size for gk_date_format: "YYYY-MM-DD" plus the terminating NUL. */
#define GK_DATE_BUF 11

/* True when y-m-d names a real day (1 <= y <= 9999, month 1-12, day within the month). */
bool gk_date_is_valid_ymd(int y, int m, int d);

/* Builds a date; false (and *out untouched) when y-m-d is not a real day. */
bool gk_date_from_ymd(int y, int m, int d, gk_date *out);

/* Splits a date into year, month, day (any pointer may be NULL). The date must come from
 * this module (a value in the supported range). */
void gk_date_to_ymd(gk_date date, int *y, int *m, int *d);

/* Year of a date, e.g. 2020. */
int gk_date_year(gk_date date);

/* Strict ISO 8601 calendar date "YYYY-MM-DD" and nothing else: exactly ten characters,
 * no sign, no spaces, no time part, a real day (2021-02-30 is refused). False on any
 * deviation, *out untouched. */
bool gk_date_parse(const char *s, gk_date *out);

/* US form used by the Common Criteria Portal CSV: "MM/DD/YYYY" or "M/D/YYYY" (month and day
 * of one or two digits, four-digit year). Leading and trailing ASCII blanks are ignored,
 * because the portal's files carry them; anything else is refused. */
bool gk_date_parse_us(const char *s, gk_date *out);

/* Writes "YYYY-MM-DD" into buf (GK_DATE_BUF bytes) and returns buf. */
char *gk_date_format(gk_date date, char buf[GK_DATE_BUF]);

/* The same calendar day n years later (n may be negative). A period counted in years ends on
 * the corresponding day; 29 February in a year without one becomes 1 March, as the Japanese
 * Civil Code (Art. 143) counts periods. False when the result is outside 0001-9999. */
bool gk_date_add_years(gk_date date, int years, gk_date *out);

/* Today's date in UTC from the system clock: the one impure function of the domain, kept
 * here so callers pass "today" into the pure functions explicitly. */
gk_date gk_date_today_utc(void);

#endif
