#include "domain/documents.h"

#include <string.h>

static const gk_doc_kind KINDS[] = {
    {"outline", "app.kind.outline"},
    {"test_report", "app.kind.test_report"},
    {"external_view", "app.kind.external_view"},
    {"connection_diagram", "app.kind.connection_diagram"},
    {"block_diagram", "app.kind.block_diagram"},
    {"manual", "app.kind.manual"},
    {"conformity_method", "app.kind.conformity_method"},
    {"cc_certificate", "app.kind.cc_certificate"},
    {"evidence", "app.kind.evidence"},
    {"other", "app.kind.other"},
    {GK_DOC_POWER_OF_ATTORNEY, "app.kind.power_of_attorney"}, /* issue 16: schema/0027_gaps.sql */
};
#define N_KINDS (sizeof KINDS / sizeof *KINDS)

/* Required documents per route (JATE's list): the design route adds the method by which
 * conformity of each unit is confirmed. */
static const struct {
    const char *kind;
    bool route[GK_ROUTE__COUNT];
} REQUIRED[] = {
    {"outline", {true, true}},
    {"test_report", {true, true}},
    {"external_view", {true, true}},
    {"connection_diagram", {true, true}},
    {"block_diagram", {true, true}},
    {"manual", {true, true}},
    {"conformity_method", {false, true}},
};

static const char *const ROUTES[GK_ROUTE__COUNT] = {"conformity", "design"};

/* Who may add documents in which state: [state] = {applicant, staff}. */
static const struct {
    gk_lifecycle_state state;
    bool applicant, staff;
} UPLOADS[] = {
    {GK_LC_DRAFT, true, false},
    {GK_LC_IN_REVIEW, false, true},
    {GK_LC_INFO_REQUESTED, true, true},
};

static const char *const CLASSES[] = {"public", "confidential_until", "confidential"};

const gk_doc_kind *gk_doc_kinds(size_t *n)
{
    *n = N_KINDS;
    return KINDS;
}

const gk_doc_kind *gk_doc_kind_find(const char *name)
{
    for (size_t i = 0; name && i < N_KINDS; i++)
        if (!strcmp(KINDS[i].name, name)) return &KINDS[i];
    return NULL;
}

bool gk_route_parse(const char *name, gk_route *out)
{
    for (int i = 0; name && i < GK_ROUTE__COUNT; i++)
        if (!strcmp(ROUTES[i], name)) {
            *out = (gk_route)i;
            return true;
        }
    return false;
}

const char *gk_route_name(gk_route route)
{
    return route >= 0 && route < GK_ROUTE__COUNT ? ROUTES[route] : NULL;
}

size_t gk_doc_required(gk_route route, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0;
         route >= 0 && route < GK_ROUTE__COUNT && i < sizeof REQUIRED / sizeof *REQUIRED; i++) {
        if (!REQUIRED[i].route[route]) continue;
        if (n < max) out[n] = REQUIRED[i].kind;
        n++;
    }
    return n;
}

bool gk_doc_upload_allowed(gk_lifecycle_role role, gk_lifecycle_state state)
{
    for (size_t i = 0; i < sizeof UPLOADS / sizeof *UPLOADS; i++)
        if (UPLOADS[i].state == state)
            return role == GK_LC_ROLE_MANUFACTURER ? UPLOADS[i].applicant : UPLOADS[i].staff;
    return false;
}

const char *const *gk_doc_confidentiality_classes(size_t *n)
{
    *n = sizeof CLASSES / sizeof *CLASSES;
    return CLASSES;
}

bool gk_doc_confidentiality_parse(const char *value, const char **cls, gk_date *until,
                                  bool *has_until)
{
    *has_until = false;
    if (!value) return false;
    if (!strcmp(value, "public") || !strcmp(value, "confidential")) {
        *cls = !strcmp(value, "public") ? CLASSES[0] : CLASSES[2];
        return true;
    }
    static const char pre[] = "confidential_until:";
    if (strncmp(value, pre, sizeof pre - 1) || !gk_date_parse(value + sizeof pre - 1, until))
        return false;
    *cls = CLASSES[1];
    *has_until = true;
    return true;
}
