/* gk_date_parse (strict YYYY-MM-DD, from forms and JSON) and gk_date_parse_us (M/D/YYYY from
 * the CC Portal's CSV).
 *
 * Oracles: a date accepted by the strict parser formats back to exactly the input; one
 * accepted by the US parser formats to a date the strict parser reads back to the same day
 * and whose month/day/year are the numbers in the input; years 1..9999; adding 0 years is
 * the identity. */
#include "fuzz_common.h"

#include "domain/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fz_cstr(data, size);
    char buf[GK_DATE_BUF];
    gk_date d = 12345, back;
    if (gk_date_parse(s, &d)) {
        FZ_CHECK(strcmp(gk_date_format(d, buf), s) == 0);
        int y, m, dd;
        gk_date_to_ymd(d, &y, &m, &dd);
        FZ_CHECK(gk_date_is_valid_ymd(y, m, dd));
        FZ_CHECK(gk_date_add_years(d, 0, &back) && back == d);
    } else {
        FZ_CHECK(d == 12345); /* untouched on refusal */
    }
    d = 12345;
    if (gk_date_parse_us(s, &d)) {
        int y, m, dd;
        gk_date_to_ymd(d, &y, &m, &dd);
        FZ_CHECK(y >= 1 && y <= 9999);
        FZ_CHECK(gk_date_parse(gk_date_format(d, buf), &back) && back == d);
        int im, id, iy;
        FZ_CHECK(sscanf(s, " %d/%d/%d", &im, &id, &iy) == 3 && im == m && id == dd && iy == y);
    } else {
        FZ_CHECK(d == 12345);
    }
    free(s);
    return 0;
}
