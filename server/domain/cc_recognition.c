#include "domain/cc_recognition.h"

#include <stdio.h>
#include <string.h>

/* ---- small ASCII helpers (locale-independent on purpose) -------------------------------- */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Case-insensitive: does the token of length n equal the NUL-terminated word? */
static bool token_is(const char *t, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n && word[i]; i++)
        if (lower(t[i]) != word[i]) return false;
    return i == n && word[i] == '\0';
}

/* Case-insensitive prefix test. */
static bool starts_with_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (lower(*s) != *prefix) return false;
    return true;
}

static bool contains_ci(const char *s, const char *needle)
{
    for (; *s; s++)
        if (starts_with_ci(s, needle)) return true;
    return false;
}

/* ---- assurance level ---------------------------------------------------------------- */

/* Separators between the words of an assurance cell. '+' marks augmentation as well. */
static bool is_assurance_separator(char c)
{
    return is_blank(c) || c == ',' || c == ';' || c == '+' || c == '(' || c == ')' || c == '-' ||
           c == '/';
}

/* "FAM_FAM.n": three letters, '_', three letters, '.', one or two digits. */
static bool is_component(const char *t, size_t n)
{
    if (n < 9 || n > 10) return false;
    for (size_t i = 0; i < 3; i++)
        if (!is_alpha(t[i]) || !is_alpha(t[4 + i])) return false;
    if (t[3] != '_' || t[7] != '.') return false;
    for (size_t i = 8; i < n; i++)
        if (!is_digit(t[i])) return false;
    return true;
}

static int component_level(const char *t, size_t n)
{
    int v = 0;
    for (size_t i = 8; i < n; i++)
        v = v * 10 + (t[i] - '0');
    return v;
}

/* Parses "EALn" (one token) into n, or returns 0. */
static int eal_of_token(const char *t, size_t n)
{
    if (n == 4 && token_is(t, 3, "eal") && is_digit(t[3])) return t[3] - '0';
    return 0;
}

static gk_error add_component(gk_cc_assurance *a, const char *t, size_t n)
{
    char c[GK_CC_COMPONENT_LEN];
    for (size_t i = 0; i < n; i++)
        c[i] = upper(t[i]);
    c[n] = '\0';
    if (strncmp(c, "ALC_FLR.", 8) == 0) {
        int level = component_level(t, n);
        if (level > a->alc_flr) a->alc_flr = level;
    }
    for (size_t i = 0; i < a->n_components; i++)
        if (strcmp(a->components[i], c) == 0) return GK_ERR_OK; /* listed twice */
    if (a->n_components == GK_CC_MAX_COMPONENTS) return GK_ERR_VALIDATION;
    memcpy(a->components[a->n_components++], c, n + 1);
    a->augmented = true;
    return GK_ERR_OK;
}

static gk_error set_eal(gk_cc_assurance *a, int eal)
{
    if (a->eal != 0 || eal < 1 || eal > 7) return GK_ERR_VALIDATION;
    a->eal = eal;
    return GK_ERR_OK;
}

static gk_error parse_assurance(const char *s, gk_cc_assurance *a)
{
    bool none = false, pp = false, expect_eal_digit = false, expect_pp_word = false;
    for (const char *p = s; *p;) {
        if (is_assurance_separator(*p)) {
            if (*p == '+') a->augmented = true;
            p++;
            continue;
        }
        const char *t = p;
        while (*p && !is_assurance_separator(*p))
            p++;
        size_t n = (size_t)(p - t);
        gk_error e = GK_ERR_OK;

        if (expect_eal_digit) { /* "EAL 4" */
            expect_eal_digit = false;
            if (n != 1 || !is_digit(t[0])) return GK_ERR_VALIDATION;
            e = set_eal(a, t[0] - '0');
        } else if (expect_pp_word) { /* "PP Compliant" */
            expect_pp_word = false;
            if (!token_is(t, n, "compliant") && !token_is(t, n, "conformant") &&
                !token_is(t, n, "compliance") && !token_is(t, n, "conformance"))
                return GK_ERR_VALIDATION;
            a->pp_compliant = pp = true;
        } else if (token_is(t, n, "eal")) {
            expect_eal_digit = true;
        } else if (eal_of_token(t, n)) {
            e = set_eal(a, eal_of_token(t, n));
        } else if (token_is(t, n, "pp")) {
            expect_pp_word = true;
        } else if (is_component(t, n)) {
            e = add_component(a, t, n);
        } else if (token_is(t, n, "augmented")) {
            a->augmented = true;
        } else if (token_is(t, n, "with") || token_is(t, n, "by") || token_is(t, n, "and")) {
            /* filler words of "augmented with/by ... and ..." */
        } else if (token_is(t, n, "none")) {
            none = true;
        } else {
            return GK_ERR_VALIDATION;
        }
        if (e != GK_ERR_OK) return e;
    }
    if (expect_eal_digit || expect_pp_word) return GK_ERR_VALIDATION;
    /* "None" must stand alone; "EAL4 None" is not a level. */
    if (none && (a->eal || a->n_components || a->augmented || pp)) return GK_ERR_VALIDATION;
    /* A bare "+" with nothing to augment is noise, not a level. */
    if (a->augmented && !a->eal && !a->n_components) return GK_ERR_VALIDATION;
    return GK_ERR_OK;
}

gk_error gk_cc_assurance_parse(const char *s, gk_cc_assurance *out)
{
    memset(out, 0, sizeof *out);
    if (!s) return GK_ERR_OK;
    gk_error e = parse_assurance(s, out);
    if (e != GK_ERR_OK) memset(out, 0, sizeof *out);
    return e;
}

/* ---- protection profiles ------------------------------------------------------------ */

bool gk_cc_pp_is_collaborative(const char *name)
{
    if (!name) return false;
    if (starts_with_ci(name, "cpp_") || strstr(name, "cPP") ||
        contains_ci(name, "collaborative protection profile"))
        return true;
    /* A word "cpp" in any case ("Network Device CPP v2.2"). */
    for (const char *p = name; *p;) {
        while (*p && !is_alpha(*p) && !is_digit(*p))
            p++;
        const char *w = p;
        while (*p && (is_alpha(*p) || is_digit(*p)))
            p++;
        if (token_is(w, (size_t)(p - w), "cpp")) return true;
    }
    return false;
}

/* After a comma: does the text continue the previous PP name with its version? */
static bool is_version_continuation(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (starts_with_ci(s, "version") || starts_with_ci(s, "ver.") || starts_with_ci(s, "release") ||
        starts_with_ci(s, "rev"))
        return true;
    if (lower(s[0]) == 'v' && (is_digit(s[1]) || (s[1] == ' ' && is_digit(s[2])))) return true;
    return is_digit(s[0]);
}

static bool is_pp_separator(const char *p)
{
    if (*p == ';' || *p == '\n' || *p == '\r') return true;
    return *p == ',' && !is_version_continuation(p + 1);
}

static gk_error add_pp(gk_cc_pp_list *out, const char *b, const char *e)
{
    while (b < e && is_blank(*b))
        b++;
    while (e > b && is_blank(e[-1]))
        e--;
    size_t n = (size_t)(e - b);
    if (n == 0 || token_is(b, n, "none")) return GK_ERR_OK;
    if (n >= GK_CC_PP_NAME_LEN || out->n == GK_CC_MAX_PPS) return GK_ERR_VALIDATION;
    gk_cc_pp *pp = &out->items[out->n++];
    memcpy(pp->name, b, n);
    pp->name[n] = '\0';
    pp->collaborative = gk_cc_pp_is_collaborative(pp->name);
    if (pp->collaborative) out->any_collaborative = true;
    return GK_ERR_OK;
}

gk_error gk_cc_pp_list_parse(const char *s, gk_cc_pp_list *out)
{
    memset(out, 0, sizeof *out);
    if (!s) return GK_ERR_OK;
    const char *start = s;
    for (const char *p = s;; p++) {
        if (*p == '\0' || is_pp_separator(p)) {
            if (add_pp(out, start, p) != GK_ERR_OK) {
                memset(out, 0, sizeof *out);
                return GK_ERR_VALIDATION;
            }
            if (*p == '\0') break;
            start = p + 1;
        }
    }
    return GK_ERR_OK;
}

/* ---- recognition -------------------------------------------------------------------- */

static const char *const reason_codes[GK_CC_REASON__COUNT] = {
    [GK_CC_REASON_CPP] = "cpp",
    [GK_CC_REASON_EAL1_2] = "eal1_2",
    [GK_CC_REASON_CAPPED_TO_EAL2] = "capped_to_eal2",
    [GK_CC_REASON_NO_EAL_NO_CPP] = "no_eal_no_cpp",
    [GK_CC_REASON_UNPARSEABLE] = "unparseable_assurance_level",
};

static void set_reason(gk_cc_recognition *out, gk_cc_reason r, bool recognised)
{
    out->recognised = recognised;
    out->reason = r;
    out->reason_code = reason_codes[r];
}

static bool has_other_than_flr(const gk_cc_assurance *a)
{
    for (size_t i = 0; i < a->n_components; i++)
        if (strncmp(a->components[i], "ALC_FLR.", 8) != 0) return true;
    return false;
}

/* Appends "<prefix>EAL<n>" or "+ALC_FLR.<n>" to the level (always fits: one-digit EALs,
 * small component levels, a 64-byte buffer). */
static void level_append_eal(gk_cc_recognition *out, const char *prefix, int eal)
{
    size_t used = strlen(out->level);
    snprintf(out->level + used, sizeof out->level - used, "%sEAL%d", prefix, eal);
}

static void level_append_flr(gk_cc_recognition *out, int flr)
{
    size_t used = strlen(out->level);
    snprintf(out->level + used, sizeof out->level - used, "+ALC_FLR.%d", flr);
}

void gk_cc_recognise_parsed(const gk_cc_assurance *a, const gk_cc_pp_list *pps,
                            gk_cc_recognition *out)
{
    memset(out, 0, sizeof *out);
    if (pps && pps->any_collaborative) {
        set_reason(out, GK_CC_REASON_CPP, true);
        strcpy(out->level, "cPP");
        if (a->eal) level_append_eal(out, ", ", a->eal > 4 ? 4 : a->eal);
    } else if (a->eal) {
        bool capped = a->eal > 2 || has_other_than_flr(a);
        set_reason(out, capped ? GK_CC_REASON_CAPPED_TO_EAL2 : GK_CC_REASON_EAL1_2, true);
        level_append_eal(out, "", a->eal > 2 ? 2 : a->eal);
    } else {
        set_reason(out, GK_CC_REASON_NO_EAL_NO_CPP, false);
        return;
    }
    if (a->alc_flr) level_append_flr(out, a->alc_flr);
}

gk_error gk_cc_recognise(const char *assurance_cell, const char *pp_cell, gk_cc_recognition *out)
{
    gk_cc_assurance a;
    gk_cc_pp_list pps;
    if (gk_cc_assurance_parse(assurance_cell, &a) != GK_ERR_OK ||
        gk_cc_pp_list_parse(pp_cell, &pps) != GK_ERR_OK) {
        memset(out, 0, sizeof *out);
        set_reason(out, GK_CC_REASON_UNPARSEABLE, false);
        return GK_ERR_VALIDATION;
    }
    gk_cc_recognise_parsed(&a, &pps, out);
    return GK_ERR_OK;
}

/* ---- validity ----------------------------------------------------------------------- */

static const char *const validity_names[GK_CC_VALIDITY__COUNT] = {
    [GK_CC_VALID] = "valid",
    [GK_CC_NOT_YET_CERTIFIED] = "not_yet_certified",
    [GK_CC_ARCHIVED] = "archived",
    [GK_CC_PAST_END_DATE] = "past_end_date",
};

const char *gk_cc_validity_name(gk_cc_validity v)
{
    return (unsigned)v < GK_CC_VALIDITY__COUNT ? validity_names[v] : "unknown";
}

gk_date gk_cc_end_date(gk_date certified_on, gk_date valid_until)
{
    gk_date end;
    if (valid_until != GK_DATE_NONE) return valid_until;
    if (!gk_date_add_years(certified_on, GK_CC_DEFAULT_VALIDITY_YEARS, &end)) return INT32_MAX;
    return end;
}

gk_cc_validity gk_cc_valid_on(gk_date certified_on, gk_date valid_until, bool archived,
                              gk_date date)
{
    if (date < certified_on) return GK_CC_NOT_YET_CERTIFIED;
    if (archived && (valid_until == GK_DATE_NONE || date >= valid_until)) return GK_CC_ARCHIVED;
    if (date >= gk_cc_end_date(certified_on, valid_until)) return GK_CC_PAST_END_DATE;
    return GK_CC_VALID;
}
