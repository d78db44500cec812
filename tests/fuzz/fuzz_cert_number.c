/* Certificate numbers: gk_cert_number_parse (strict "D20-0123001", from URLs and CSV) and
 * gk_cert_number_parse_display (what a person types from a label: "T D20-0123001", "Ⓣ...").
 *
 * Oracles: a strictly parsed number is valid and formats back to exactly the input; a
 * display-parsed number is valid, and its bare form occurs in the input and parses strictly
 * to the same number. */
#include "fuzz_common.h"

#include "domain/certificate_number.h"

static bool same(const gk_cert_number *a, const gk_cert_number *b)
{
    return !strcmp(a->letters, b->letters) && a->yy == b->yy && a->serial == b->serial &&
           a->body == b->body;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fz_cstr(data, size);
    gk_cert_number n, m;
    char buf[GK_CERT_NUMBER_BUF], disp[GK_CERT_DISPLAY_BUF];
    if (gk_cert_number_parse(s, &n) == GK_ERR_OK) {
        FZ_CHECK(gk_cert_number_is_valid(&n));
        FZ_CHECK(gk_cert_number_format(&n, buf) && !strcmp(buf, s));
        FZ_CHECK(gk_cert_number_display(&n, disp) && !strcmp(disp + 2, s));
        FZ_CHECK(gk_class_letters_valid(n.letters));
    }
    if (gk_cert_number_parse_display(s, &n) == GK_ERR_OK) {
        FZ_CHECK(gk_cert_number_is_valid(&n));
        FZ_CHECK(gk_cert_number_format(&n, buf));
        FZ_CHECK(strstr(s, buf) != NULL);
        FZ_CHECK(gk_cert_number_parse(buf, &m) == GK_ERR_OK && same(&n, &m));
    }
    /* The class-letter lookup takes category names from the database and URLs. */
    const char *letters = gk_class_letters_default(s);
    FZ_CHECK(letters && gk_class_letters_valid(letters));
    free(s);
    return 0;
}
