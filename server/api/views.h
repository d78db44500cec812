/* JSON views of domain results, shared by the API and the pages (the pages render the same
 * view model the API returns). */
#ifndef GK_API_VIEWS_H
#define GK_API_VIEWS_H

#include "db/rule_sets.h"
#include "domain/determination.h"

#include <jansson.h>

/* The determination object of api.md; `lang` picks "reason" (both languages are also
 * given as reason_en / reason_ja). New reference. */
json_t *gk_view_determination(const gk_determination *d, const char *lang);

/* A rule set with its catalogue and its status on `today`. */
json_t *gk_view_rule_set(const gk_rule_catalog *cat, size_t i, gk_date today);

/* Read the determination request fields (facts, filing_date, opt_in_rule_set) from a JSON
 * object or from a form/query (get(ctx, name) returns the text value or NULL). Appends
 * field errors; returns their count. */
typedef const char *(*gk_text_getter)(void *ctx, const char *name);
int gk_determination_input(json_t *body, gk_text_getter get, void *ctx, gk_facts *facts,
                           gk_date *filing_date, const char **opt_in, json_t **errors,
                           const char *lang);

#endif
