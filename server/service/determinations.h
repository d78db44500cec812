/* The scope determination and the rules it reads: the stateless determination (POST
 * /api/v1/determinations and the GET form of /determination), the rule sets and the device
 * categories. The domain (domain/determination.h) decides with codes; this layer reads the
 * input, loads the rule sets, and renders the domain's reasons from the message catalogues. */
#ifndef GK_SERVICE_DETERMINATIONS_H
#define GK_SERVICE_DETERMINATIONS_H

#include "db/rule_sets.h"
#include "domain/determination.h"
#include "http/fields.h"
#include "service/service.h"

#include <jansson.h>

/* The input of a determination. */
typedef struct {
    gk_facts facts;              /* a fact not given stays GK_TRI_UNSET */
    gk_date filing_date;         /* today (UTC) when not given */
    const char *opt_in_rule_set; /* NULL: no opt-in */
} gk_determination_in;

/* The fields of a determination, read alike from a JSON body ("facts.uses_ip": true) and
 * from a query or form ("uses_ip=yes"): GK_F_BOOL into a gk_tristate (forms: yes/no or
 * true/false), GK_F_DATE, GK_F_STRING (nullable). */
extern const gk_spec gk_determination_spec;

/* Text values of a query or form by name (NULL when absent). */
typedef const char *(*gk_text_getter)(void *ctx, const char *name);

/* Read the input from a JSON object (body not NULL: every fact required, unknown facts
 * refused) or from text values (body NULL: get(ctx, name) with the bare names; an absent
 * fact stays unset). Appends one {field, message} per bad field to *errors (messages in the
 * call's language); returns their count. Strings borrow from body / the getter. */
int gk_svc_determination_read(const gk_call *call, json_t *body, gk_text_getter get, void *ctx,
                              gk_determination_in *in, json_t **errors);

/* Determine under the rule set that governs the input. On success out->view is the
 * determination object of docs/openapi.yaml (gk_view_determination) plus filing_date and
 * opt_in_rule_set. Refusals:
 * GK_ERR_VALIDATION (a fact unset: one error per fact, message key `missing_key`, NULL for
 * "determination.fact.required"), the rule-set errors of gk_rule_set_select on
 * opt_in_rule_set (or filing_date when there is no opt-in). The rule sets live in the call's
 * arena. */
void gk_svc_determine(const gk_call *call, const gk_determination_in *in, const char *missing_key,
                      gk_outcome *out);

/* {"items": [rule set], "in_force": id or null}: every rule set with its catalogue and status
 * today (gk_view_rule_set). */
void gk_svc_rule_sets_list(const gk_call *call, gk_outcome *out);
/* One rule set; GK_ERR_NOT_FOUND when unknown. */
void gk_svc_rule_sets_get(const gk_call *call, const char *id, gk_outcome *out);

/* {"items": [{id, title_en, title_ja, class_letters}], "next": null}. */
void gk_svc_categories_list(const gk_call *call, gk_outcome *out);
/* One category; GK_ERR_NOT_FOUND when unknown. */
void gk_svc_categories_get(const gk_call *call, const char *id, gk_outcome *out);

/* ---- views shared by the operations that show a determination ---- */

/* The determination object of docs/openapi.yaml: outcome, rule_set, requirements, obligations and the
 * rationale, each reason rendered from the catalogue in `lang` ("reason") and in both
 * languages ("reason_en", "reason_ja"). New reference. */
json_t *gk_view_determination(const gk_determination *d, const char *lang);

/* A rule set with its catalogue and its status on `today`. New reference. */
json_t *gk_view_rule_set(const gk_rule_catalog *cat, size_t i, gk_date today);

/* Load the rule sets into the call's arena (the loader of db/rule_sets.h). */
gk_error gk_svc_rule_catalog(const gk_call *call, gk_rule_catalog *cat);

#endif
