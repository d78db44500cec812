/* Dates and times as people read them (issue 20): Japan time (JST, UTC+9, no daylight
 * saving), one format per language, and the machine-readable value for <time datetime>.
 *   ja: 2026年12月3日 22:13      en: 3 Dec 2026, 22:13 JST
 *   ja: 2026年12月3日            en: 3 Dec 2026            (dates without a time)
 * The template engine's g:datetime / g:date directives (render/template.h) call this with
 * the formats of the catalogues (ux.time.date, ux.time.datetime), so every page shows one
 * format per language. */
#ifndef GK_RENDER_DATETIME_H
#define GK_RENDER_DATETIME_H

#include <stdbool.h>
#include <stddef.h>

#define GK_DT_TEXT 64

/* The English formats, used when no catalogue gives one. Fields: %Y, %m and %d (numbers
 * without leading zeros), %H and %M (two digits), %b (Jan..Dec). */
#define GK_DT_DATE_EN "%d %b %Y"
#define GK_DT_DATETIME_EN "%d %b %Y, %H:%M JST"

/* `iso`: "YYYY-MM-DD", or a timestamp "YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z|±HH[:MM]]" (no
 * offset: UTC). with_time false shows the date only (a timestamp's date in Japan time); a
 * calendar date never shows a time. Writes the text by fmt_date / fmt_datetime (NULL: the
 * English ones) and the value for the datetime attribute ("2026-12-03T22:13+09:00" or
 * "2026-12-03"). False when `iso` is not such a value (the caller shows it as it is). */
bool gk_datetime_format(const char *iso, size_t len, const char *fmt_date, const char *fmt_datetime,
                        bool with_time, char text[GK_DT_TEXT], char machine[GK_DT_TEXT]);

#endif
