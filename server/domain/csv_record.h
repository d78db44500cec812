/* Reading a CSV one record at a time (RFC 4180 quoting), in caller-provided memory: the
 * reader of the certificate import. Pure: no allocation, no I/O. */
#ifndef GK_DOMAIN_CSV_RECORD_H
#define GK_DOMAIN_CSV_RECORD_H

#include <stddef.h>

/* One record from s[*pos..len): fields copied NUL-terminated into `store` (cap bytes), the
 * starts of the first `max` in f[]. *line advances by the physical lines consumed;
 * *start_line is the line the record starts on. Returns the number of fields (0 at the end
 * of input; -1 for a record that does not parse or is too long). Blank lines are skipped. */
int gk_csv_record_next(const char *s, size_t len, size_t *pos, unsigned long *line,
                       unsigned long *start_line, char *store, size_t cap, char **f, int max);

/* s without leading and trailing blanks and tabs (cut in place). */
char *gk_csv_trim(char *s);

#endif
