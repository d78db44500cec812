#include "domain/rule_set.h"

#include <string.h>

/* ---- checks ------------------------------------------------------------------------- */

static gk_error problem(const char **out, const char *text)
{
    if (out) *out = text;
    return GK_ERR_VALIDATION;
}

static gk_error check_catalogue(const gk_rule_set *s, const char **out)
{
    if (s->n_requirements > GK_RULE_SET_MAX_REQUIREMENTS)
        return problem(out, "too many requirements in a rule set");
    if (s->n_requirements > 0 && !s->requirements)
        return problem(out, "requirement count without requirements");
    for (size_t i = 0; i < s->n_requirements; i++) {
        const gk_requirement *r = &s->requirements[i];
        if (!r->id || !*r->id) return problem(out, "requirement without id");
        if (r->kind != GK_REQ_KIND_REQUIREMENT && r->kind != GK_REQ_KIND_EQUIVALENCE)
            return problem(out, "requirement of unknown kind");
        if (r->n_measures > GK_RULE_SET_MAX_MEASURES || (r->n_measures > 0 && !r->measures))
            return problem(out, "requirement measures malformed");
        for (size_t k = 0; k < r->n_measures; k++)
            if (!r->measures[k] || !*r->measures[k]) return problem(out, "empty measure");
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->requirements[j].id, r->id) == 0)
                return problem(out, "duplicate requirement id in a rule set");
    }
    return GK_ERR_OK;
}

gk_error gk_rule_set_check(const gk_rule_set *sets, size_t n, const char **out)
{
    if (n > 0 && !sets) return problem(out, "rule set count without rule sets");
    for (size_t i = 0; i < n; i++) {
        const gk_rule_set *s = &sets[i];
        if (!s->id || !*s->id) return problem(out, "rule set without id");
        if (s->promulgated_on == GK_DATE_NONE || s->effective_on == GK_DATE_NONE)
            return problem(out, "rule set without dates");
        if (s->promulgated_on > s->effective_on)
            return problem(out, "rule set effective before it is promulgated");
        for (size_t j = 0; j < i; j++) {
            if (strcmp(sets[j].id, s->id) == 0) return problem(out, "duplicate rule set id");
            if (sets[j].effective_on == s->effective_on)
                return problem(out, "two rule sets take effect on the same day");
        }
        gk_error e = check_catalogue(s, out);
        if (e != GK_ERR_OK) return e;
    }
    if (out) *out = NULL;
    return GK_ERR_OK;
}

/* ---- selection ---------------------------------------------------------------------- */

/* Total order "a is older than b": by effective date; the id only breaks ties in data that
 * gk_rule_set_check would refuse, so results stay deterministic even then. */
static bool older(const gk_rule_set *a, const gk_rule_set *b)
{
    if (a->effective_on != b->effective_on) return a->effective_on < b->effective_on;
    return strcmp(a->id, b->id) < 0;
}

const gk_rule_set *gk_rule_set_find(const gk_rule_set *sets, size_t n, const char *id)
{
    if (!id) return NULL;
    for (size_t i = 0; i < n; i++)
        if (sets[i].id && strcmp(sets[i].id, id) == 0) return &sets[i];
    return NULL;
}

const gk_rule_set *gk_rule_set_in_force(const gk_rule_set *sets, size_t n, gk_date date)
{
    const gk_rule_set *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (sets[i].effective_on > date) continue;
        if (!best || older(best, &sets[i])) best = &sets[i];
    }
    return best;
}

gk_error gk_rule_set_select(const gk_rule_set *sets, size_t n, gk_date filing_date,
                            const char *opt_in_id, const gk_rule_set **out)
{
    const gk_rule_set *current = gk_rule_set_in_force(sets, n, filing_date);
    const gk_rule_set *chosen = current;
    if (opt_in_id) {
        chosen = gk_rule_set_find(sets, n, opt_in_id);
        if (!chosen) return GK_ERR_RULE_SET_UNKNOWN;
        if (chosen != current) {
            if (current && older(chosen, current)) return GK_ERR_RULE_SET_OLDER;
            /* Newer than the one in force (or nothing in force yet): it must exist in law. */
            if (chosen->promulgated_on > filing_date) return GK_ERR_RULE_SET_NOT_PROMULGATED;
        }
    }
    if (!chosen) return GK_ERR_RULE_SET_UNKNOWN;
    *out = chosen;
    return GK_ERR_OK;
}

int gk_rule_set_grace_days(const gk_rule_set *set)
{
    return (int)(set->effective_on - set->promulgated_on);
}

gk_rule_set_status gk_rule_set_status_on(const gk_rule_set *sets, size_t n, const gk_rule_set *set,
                                         gk_date today)
{
    if (set->promulgated_on > today) return GK_RULE_SET_DRAFT;
    if (set->effective_on > today) return GK_RULE_SET_PROMULGATED;
    return gk_rule_set_in_force(sets, n, today) == set ? GK_RULE_SET_IN_FORCE
                                                       : GK_RULE_SET_SUPERSEDED;
}

const char *gk_rule_set_status_name(gk_rule_set_status status)
{
    switch (status) {
    case GK_RULE_SET_DRAFT:
        return "draft";
    case GK_RULE_SET_PROMULGATED:
        return "promulgated";
    case GK_RULE_SET_IN_FORCE:
        return "in_force";
    case GK_RULE_SET_SUPERSEDED:
        return "superseded";
    }
    return "unknown";
}

/* ---- catalogue ---------------------------------------------------------------------- */

bool gk_rule_set_has_security_requirements(const gk_rule_set *set)
{
    for (size_t i = 0; i < set->n_requirements; i++)
        if (set->requirements[i].kind == GK_REQ_KIND_REQUIREMENT) return true;
    return false;
}

const gk_requirement *gk_rule_set_requirement(const gk_rule_set *set, const char *req_id)
{
    if (!req_id) return NULL;
    for (size_t i = 0; i < set->n_requirements; i++)
        if (strcmp(set->requirements[i].id, req_id) == 0) return &set->requirements[i];
    return NULL;
}

bool gk_requirement_has_measure(const gk_requirement *req, const char *measure)
{
    if (!measure) return false;
    for (size_t i = 0; i < req->n_measures; i++)
        if (strcmp(req->measures[i], measure) == 0) return true;
    return false;
}

const char *gk_requirement_kind_name(gk_requirement_kind kind)
{
    return kind == GK_REQ_KIND_EQUIVALENCE ? "equivalence" : "requirement";
}

/* ---- grandfathering ----------------------------------------------------------------- */

bool gk_rule_set_is_grandfathered(const gk_rule_set *sets, size_t n, gk_date granted_on,
                                  gk_date today)
{
    const gk_rule_set *current = gk_rule_set_in_force(sets, n, today);
    return current && current->effective_on > granted_on;
}

bool gk_rule_set_is_superseded(const gk_rule_set *sets, size_t n, const char *rule_set_id,
                               gk_date today)
{
    const gk_rule_set *current = gk_rule_set_in_force(sets, n, today);
    const gk_rule_set *set = gk_rule_set_find(sets, n, rule_set_id);
    return current && set && set != current && older(set, current);
}
