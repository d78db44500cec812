#include "domain/certificate_number.h"

#include "util/str.h"

#include <stdio.h>
#include <string.h>

bool gk_class_letters_valid(const char *letters)
{
    if (!letters) return false;
    size_t n = 0;
    for (; letters[n]; n++)
        if (n >= GK_CERT_LETTERS_MAX || letters[n] < 'A' || letters[n] > 'Z') return false;
    return n >= 1;
}

bool gk_cert_number_is_valid(const gk_cert_number *n)
{
    return gk_class_letters_valid(n->letters) && n->yy >= 0 && n->yy <= 99 && n->serial >= 1 &&
           n->serial <= GK_CERT_SERIAL_MAX && n->body >= 1 && n->body <= GK_CERT_BODY_MAX;
}

gk_error gk_cert_number_make(const char *letters, gk_date granted_on, int serial, int body,
                             gk_cert_number *out)
{
    gk_cert_number n = {.yy = gk_date_year(granted_on) % 100, .serial = serial, .body = body};
    if (!gk_class_letters_valid(letters)) return GK_ERR_VALIDATION;
    strcpy(n.letters, letters); /* fits: checked to be 1-3 characters */
    if (!gk_cert_number_is_valid(&n)) return GK_ERR_VALIDATION;
    *out = n;
    return GK_ERR_OK;
}

gk_error gk_cert_number_parse(const char *s, gk_cert_number *out)
{
    gk_cert_number n = {{0}, 0, 0, 0};
    size_t k = 0;
    if (!s) return GK_ERR_VALIDATION;
    while (s[k] >= 'A' && s[k] <= 'Z') {
        if (k == GK_CERT_LETTERS_MAX) return GK_ERR_VALIDATION;
        n.letters[k] = s[k];
        k++;
    }
    if (k == 0) return GK_ERR_VALIDATION;
    const char *p = s + k;
    /* yy "-" nnnn bbb, then the end: exactly 2 + 1 + 7 characters. */
    if (strlen(p) != 10 || p[2] != '-') return GK_ERR_VALIDATION;
    if (!gk_digits(p, 2, &n.yy) || !gk_digits(p + 3, 4, &n.serial) || !gk_digits(p + 7, 3, &n.body))
        return GK_ERR_VALIDATION;
    if (!gk_cert_number_is_valid(&n)) return GK_ERR_VALIDATION;
    *out = n;
    return GK_ERR_OK;
}

gk_error gk_cert_number_parse_display(const char *s, gk_cert_number *out)
{
    static const char circled_t[] = "\xE2\x93\x89"; /* U+24C9 CIRCLED LATIN CAPITAL LETTER T */
    char buf[GK_CERT_NUMBER_BUF];
    if (!s) return GK_ERR_VALIDATION;
    while (*s == ' ' || *s == '\t')
        s++;
    if (strncmp(s, circled_t, 3) == 0) {
        s += 3;
        if (*s == ' ') s++;
    } else if (s[0] == 'T' && s[1] == ' ') {
        s += 2;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= sizeof buf) return GK_ERR_VALIDATION;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return gk_cert_number_parse(buf, out);
}

char *gk_cert_number_format(const gk_cert_number *n, char buf[GK_CERT_NUMBER_BUF])
{
    if (!gk_cert_number_is_valid(n)) {
        buf[0] = '\0';
        return NULL;
    }
    snprintf(buf, GK_CERT_NUMBER_BUF, "%s%02d-%04d%03d", n->letters, n->yy, n->serial, n->body);
    return buf;
}

char *gk_cert_number_display(const gk_cert_number *n, char buf[GK_CERT_DISPLAY_BUF])
{
    char bare[GK_CERT_NUMBER_BUF];
    if (!gk_cert_number_format(n, bare)) {
        buf[0] = '\0';
        return NULL;
    }
    snprintf(buf, GK_CERT_DISPLAY_BUF, "T %s", bare);
    return buf;
}

/* ---- class letters ------------------------------------------------------------------ */

static const gk_class_letters_entry default_letters[] = {
    {"router", "D"},    {"gateway", "D"}, {"onu_modem", "D"},   {"camera", "D"},
    {"recorder", "D"},  {"nas", "D"},     {"set_top_box", "D"}, {"iot_device", "D"},
    {"telephone", "A"}, {"pc", "D"},      {"smartphone", "B"},  {"other", "D"},
};

#define DATA_TERMINAL_LETTERS "D"

const gk_class_letters_entry *gk_class_letters_defaults(size_t *n)
{
    *n = sizeof default_letters / sizeof default_letters[0];
    return default_letters;
}

static const char *find_letters(const gk_class_letters_entry *table, size_t n, const char *cat)
{
    for (size_t i = 0; table && i < n; i++)
        if (table[i].category && strcmp(table[i].category, cat) == 0) return table[i].letters;
    return NULL;
}

const char *gk_class_letters_lookup(const gk_class_letters_entry *table, size_t n,
                                    const char *category)
{
    const char *letters;
    if (!category) return DATA_TERMINAL_LETTERS;
    if ((letters = find_letters(table, n, category))) return letters;
    if ((letters = find_letters(default_letters, sizeof default_letters / sizeof default_letters[0],
                                category)))
        return letters;
    return DATA_TERMINAL_LETTERS;
}

const char *gk_class_letters_default(const char *category)
{
    return gk_class_letters_lookup(NULL, 0, category);
}
