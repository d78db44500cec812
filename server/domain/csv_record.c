#include "domain/csv_record.h"

#include <stdbool.h>
#include <string.h>

int gk_csv_record_next(const char *s, size_t len, size_t *pos, unsigned long *line,
                       unsigned long *start_line, char *store, size_t cap, char **f, int max)
{
    size_t p = *pos;
    while (p < len && (s[p] == '\n' || s[p] == '\r')) {
        if (s[p] == '\n' || (s[p] == '\r' && (p + 1 >= len || s[p + 1] != '\n'))) (*line)++;
        p++;
    }
    if (p >= len) {
        *pos = p;
        return 0;
    }
    *start_line = *line;
    int n = 0;
    size_t o = 0;
    bool bad = false;
    f[n++] = store;
    for (;;) {
        if (p < len && s[p] == '"') { /* quoted field */
            p++;
            for (;;) {
                if (p >= len) {
                    bad = true;
                    break;
                }
                if (s[p] == '"') {
                    if (p + 1 < len && s[p + 1] == '"') {
                        p++;
                    } else {
                        p++;
                        break;
                    }
                } else if (s[p] == '\n') {
                    (*line)++;
                }
                if (o + 1 < cap)
                    store[o++] = s[p];
                else
                    bad = true;
                p++;
            }
        }
        while (p < len && s[p] != ',' && s[p] != '\n' && s[p] != '\r') {
            if (o + 1 < cap)
                store[o++] = s[p];
            else
                bad = true;
            p++;
        }
        if (o >= cap) {
            bad = true;
            o = cap - 1;
        }
        store[o++] = 0;
        if (p < len && s[p] == ',') {
            p++;
            if (n < max) f[n] = store + o;
            n++;
            continue;
        }
        break; /* end of record */
    }
    if (p < len && s[p] == '\r') p++;
    if (p < len && s[p] == '\n') p++;
    (*line)++;
    *pos = p;
    return bad ? -1 : n;
}

char *gk_csv_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}
