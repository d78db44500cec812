#include "render/datetime.h"

#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm), and back. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long long)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *p, const char *end, int n, int *out)
{
    if (end - p < n) return false;
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The format with %Y %m %d %H %M %b replaced (other text as it is). */
static void fill(const char *fmt, int y, unsigned m, unsigned d, unsigned h, unsigned mi, char *out)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = fmt; *p && n + 1 < GK_DT_TEXT;) {
        char v[16] = "";
        size_t skip = 0;
        if (!strncmp(p, "%Y", 2))
            snprintf(v, sizeof v, "%d", y), skip = 2;
        else if (!strncmp(p, "%m", 2))
            snprintf(v, sizeof v, "%u", m), skip = 2;
        else if (!strncmp(p, "%d", 2))
            snprintf(v, sizeof v, "%u", d), skip = 2;
        else if (!strncmp(p, "%H", 2))
            snprintf(v, sizeof v, "%02u", h), skip = 2;
        else if (!strncmp(p, "%M", 2))
            snprintf(v, sizeof v, "%02u", mi), skip = 2;
        else if (!strncmp(p, "%b", 2))
            snprintf(v, sizeof v, "%s", MONTHS[m - 1]), skip = 2;
        if (skip) {
            size_t l = strlen(v);
            if (n + l >= GK_DT_TEXT) break;
            memcpy(out + n, v, l);
            n += l;
            p += skip;
        } else {
            out[n++] = *p++;
        }
        out[n] = '\0';
    }
    /* never end inside a UTF-8 sequence */
    while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0x80 && n + 1 >= GK_DT_TEXT)
        out[--n] = '\0';
}

bool gk_datetime_format(const char *iso, size_t len, const char *fmt_date, const char *fmt_datetime,
                        bool with_time, char text[GK_DT_TEXT], char machine[GK_DT_TEXT])
{
    const char *p = iso, *end = iso + len;
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (!fmt_date) fmt_date = GK_DT_DATE_EN;
    if (!fmt_datetime) fmt_datetime = GK_DT_DATETIME_EN;
    if (!iso || !digits(p, end, 4, &y) || p + 4 >= end || p[4] != '-' ||
        !digits(p + 5, end, 2, &mo) || p + 7 >= end || p[7] != '-' || !digits(p + 8, end, 2, &d) ||
        mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    p += 10;
    if (p == end) { /* a calendar date: no time zone to convert */
        fill(fmt_date, y, (unsigned)mo, (unsigned)d, 0, 0, text);
        snprintf(machine, GK_DT_TEXT, "%04d-%02d-%02d", y, mo, d);
        return true;
    }
    if ((*p != 'T' && *p != ' ') || !digits(p + 1, end, 2, &h) || p + 3 >= end || p[3] != ':' ||
        !digits(p + 4, end, 2, &mi) || h > 23 || mi > 59)
        return false;
    p += 6;
    if (p < end && *p == ':') {
        if (!digits(p + 1, end, 2, &s) || s > 60) return false;
        p += 3;
        if (p < end && *p == '.') {
            p++;
            while (p < end && *p >= '0' && *p <= '9')
                p++;
        }
    }
    long offset = 0; /* seconds east of UTC */
    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        int oh, om = 0;
        int sign = *p == '-' ? -1 : 1;
        if (!digits(p + 1, end, 2, &oh)) return false;
        p += 3;
        if (p < end && *p == ':') p++;
        if (p < end) {
            if (!digits(p, end, 2, &om)) return false;
            p += 2;
        }
        offset = sign * (oh * 3600L + om * 60L);
    }
    if (p != end) return false;
    long long t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600LL + mi * 60LL +
                  s - offset + 9 * 3600LL; /* Japan time */
    long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    long long sec = t - days * 86400;
    long long jy;
    unsigned jm, jd;
    civil_from_days(days, &jy, &jm, &jd);
    unsigned jh = (unsigned)(sec / 3600), jmi = (unsigned)(sec % 3600 / 60);
    int yy = (int)jy; /* from a four-digit year: it fits */
    if (!with_time) {
        fill(fmt_date, yy, jm, jd, 0, 0, text);
        snprintf(machine, GK_DT_TEXT, "%04d-%02u-%02u", yy, jm, jd);
    } else {
        fill(fmt_datetime, yy, jm, jd, jh, jmi, text);
        snprintf(machine, GK_DT_TEXT, "%04d-%02u-%02uT%02u:%02u+09:00", yy, jm, jd, jh, jmi);
    }
    return true;
}
