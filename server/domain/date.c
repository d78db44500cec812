#include "domain/date.h"

#include "util/str.h"

#include <string.h>
#include <time.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool gk_date_is_valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Counting from 1 March makes the leap day the last day of the counted year, so the day of
 * the year follows from the month by one linear formula (the months from March have the
 * lengths 31,30,31,30,31 repeating: 153 days per five months). */
static int32_t days_from_civil(int y, int m, int d)
{
    int ym = m <= 2 ? y - 1 : y;               /* year counted from March */
    int era = (ym >= 0 ? ym : ym - 399) / 400; /* 400-year cycles of 146097 days */
    int yoe = ym - era * 400;
    int mp = m > 2 ? m - 3 : m + 9; /* March = 0 */
    int doy = (153 * mp + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468); /* 719468 = days 0000-03-01..1970-01-01 */
}

static void civil_from_days(int32_t z, int *py, int *pm, int *pd)
{
    int32_t zz = z + 719468;
    int era = (zz >= 0 ? zz : zz - 146096) / 146097;
    int doe = (int)(zz - era * 146097);
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    int y = yoe + era * 400 + (m <= 2);
    if (py) *py = y;
    if (pm) *pm = m;
    if (pd) *pd = d;
}

bool gk_date_from_ymd(int y, int m, int d, gk_date *out)
{
    if (!gk_date_is_valid_ymd(y, m, d)) return false;
    *out = days_from_civil(y, m, d);
    return true;
}

void gk_date_to_ymd(gk_date date, int *y, int *m, int *d)
{
    civil_from_days(date, y, m, d);
}

int gk_date_year(gk_date date)
{
    int y;
    civil_from_days(date, &y, NULL, NULL);
    return y;
}

bool gk_date_parse(const char *s, gk_date *out)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    if (!gk_digits(s, 4, &y) || !gk_digits(s + 5, 2, &m) || !gk_digits(s + 8, 2, &d)) return false;
    return gk_date_from_ymd(y, m, d, out);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads one to max_digits digits; returns the number of characters used (0 on failure). */
static int read_some_digits(const char *s, int max_digits, int *out)
{
    int n = 0, v = 0;
    while (n < max_digits && s[n] >= '0' && s[n] <= '9')
        v = v * 10 + (s[n++] - '0');
    if (n == 0 || (s[n] >= '0' && s[n] <= '9')) return 0; /* none, or too many */
    *out = v;
    return n;
}

bool gk_date_parse_us(const char *s, gk_date *out)
{
    int m, d, y, n;
    if (!s) return false;
    while (is_blank(*s))
        s++;
    if (!(n = read_some_digits(s, 2, &m)) || s[n] != '/') return false;
    s += n + 1;
    if (!(n = read_some_digits(s, 2, &d)) || s[n] != '/') return false;
    s += n + 1;
    if (read_some_digits(s, 4, &y) != 4) return false;
    s += 4;
    while (is_blank(*s))
        s++;
    if (*s) return false;
    return gk_date_from_ymd(y, m, d, out);
}

char *gk_date_format(gk_date date, char buf[GK_DATE_BUF])
{
    int y, m, d;
    civil_from_days(date, &y, &m, &d);
    /* Years outside 0001-9999 cannot come from this module; clamp so the text stays 10 chars. */
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    /* Written digit by digit: the parts are in range, and this needs no format checks. */
    const int parts[3] = {y, m, d}, widths[3] = {4, 2, 2};
    char *p = buf;
    for (int i = 0; i < 3; i++) {
        if (i) *p++ = '-';
        for (int k = widths[i] - 1, v = parts[i]; k >= 0; k--, v /= 10)
            p[k] = (char)('0' + v % 10);
        p += widths[i];
    }
    *p = '\0';
    return buf;
}

bool gk_date_add_years(gk_date date, int years, gk_date *out)
{
    int y, m, d;
    civil_from_days(date, &y, &m, &d);
    if (years > 9999 || years < -9999) return false;
    y += years;
    if (y < 1 || y > 9999) return false;
    if (m == 2 && d == 29 && !is_leap(y)) {
        m = 3;
        d = 1;
    }
    return gk_date_from_ymd(y, m, d, out);
}

gk_date gk_date_today_utc(void)
{
    time_t now = time(NULL);
    /* Floor division: days since the epoch, correct for instants before 1970 too. */
    int64_t days = (int64_t)now / 86400;
    if ((int64_t)now % 86400 < 0) days--;
    return (gk_date)days;
}
