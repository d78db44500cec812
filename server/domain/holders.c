#include "domain/holders.h"

#include <string.h>

int gk_holder_check_digit(const char *base12)
{
    if (!base12 || strlen(base12) != 12) return -1;
    unsigned sum = 0;
    for (unsigned n = 1; n <= 12; n++) {
        char c = base12[12 - n];
        if (c < '0' || c > '9') return -1;
        sum += (unsigned)(c - '0') * (n % 2 ? 1u : 2u);
    }
    return (int)(9u - sum % 9u);
}

bool gk_holder_corporate_number_valid(const char *s)
{
    if (!s || strlen(s) != 13 || s[0] < '0' || s[0] > '9') return false;
    int check = gk_holder_check_digit(s + 1);
    return check >= 0 && check == s[0] - '0';
}

/* The holder record's fields, in the order of gk_holder_values. */
static const gk_holder_field fields[GK_HOLDER_NFIELDS] = {
    {"name", true, false},
    {"name_ja", true, false},
    {"name_en", false, false},
    {"corporate_number", true, false}, /* Japanese holders only: see gk_holder_missing */
    {"address_ja", true, false},
    {"address_en", false, true},
    {"country", true, false},
    {"representative", true, false},
    {"representative_title", true, false},
    {"contact.name", true, false},
    {"contact.phone", true, false},
    {"contact.email", true, false},
    {"agent.name", false, false},
    {"agent.address", false, false},
};

const gk_holder_field *gk_holder_fields(size_t *n)
{
    *n = GK_HOLDER_NFIELDS;
    return fields;
}

static bool blank(const char *s)
{
    return !s || !*s;
}

size_t gk_holder_missing(const gk_holder_values *h, const char **missing, size_t max)
{
    const char *country = h->v[6];
    bool japanese = !blank(country) && !strcmp(country, "JP");
    bool foreign = !blank(country) && !japanese;
    size_t k = 0;
    for (size_t i = 0; i < GK_HOLDER_NFIELDS; i++) {
        bool needed = fields[i].required || (fields[i].foreign_only && foreign);
        if (!strcmp(fields[i].field, "corporate_number")) needed = japanese;
        /* A foreign maker has no Japanese name of its own: its English name stands in. */
        if (!strcmp(fields[i].field, "name_ja") && foreign) needed = false;
        if (!strcmp(fields[i].field, "name_en") && foreign) needed = true;
        if (!strcmp(fields[i].field, "address_ja") && foreign) needed = false;
        if (needed && blank(h->v[i])) {
            if (k < max) missing[k] = fields[i].field;
            k++;
        }
    }
    return k;
}

static const char *const kind_names[GK_CHANGE__COUNT] = {"partial_change", "name_addition",
                                                         "holder_change"};

bool gk_change_kind_parse(const char *name, gk_change_kind *out)
{
    for (int i = 0; name && i < GK_CHANGE__COUNT; i++) {
        if (!strcmp(name, kind_names[i])) {
            *out = (gk_change_kind)i;
            return true;
        }
    }
    return false;
}

const char *gk_change_kind_name(gk_change_kind k)
{
    return k >= 0 && k < GK_CHANGE__COUNT ? kind_names[k] : NULL;
}

/* Per kind: the documents required at submission, and whether it starts as a draft. */
static const struct {
    const char *documents[2];
    bool draft;
} CHANGE_RULES[GK_CHANGE__COUNT] = {
    [GK_CHANGE_PARTIAL] = {{NULL}, false},
    [GK_CHANGE_NAME_ADDITION] = {{NULL}, false},
    [GK_CHANGE_HOLDER] = {{"other", NULL}, true},
};

size_t gk_change_required_documents(gk_change_kind k, const char **out, size_t max)
{
    size_t n = 0;
    if (k < 0 || k >= GK_CHANGE__COUNT) return 0;
    for (size_t i = 0; i < 2 && CHANGE_RULES[k].documents[i]; i++) {
        if (n < max) out[n] = CHANGE_RULES[k].documents[i];
        n++;
    }
    return n;
}

bool gk_change_filed_as_draft(gk_change_kind k)
{
    return k >= 0 && k < GK_CHANGE__COUNT && CHANGE_RULES[k].draft;
}

bool gk_change_allowed_on(const char *certificate_status)
{
    return certificate_status && !strcmp(certificate_status, "granted");
}
