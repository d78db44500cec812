/* Loading the rule sets (versions of the technical standard, with their requirement
 * catalogues) from the database into the domain's structs. Rule sets are data: a new
 * amendment is a migration that inserts rows, and the next request sees it (no cache). */
#ifndef GK_DB_RULE_SETS_H
#define GK_DB_RULE_SETS_H

#include "domain/rule_set.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>

/* What the database holds beyond the domain's view, index-parallel to the arrays. */
typedef struct {
    const char *description_en, *description_ja;
    const char *const *measure_titles_en, *const *measure_titles_ja;
} gk_requirement_text;

typedef struct {
    const char *ordinance_en, *ordinance_ja;
    const gk_requirement_text *requirement_texts; /* n_requirements entries */
} gk_rule_set_text;

typedef struct {
    gk_rule_set *sets;
    gk_rule_set_text *texts; /* parallel to sets */
    size_t n;
} gk_rule_catalog;

/* Registers the statements of rule sets and device categories. */
void gk_rule_sets_register(void);

/* Load every rule set, ordered by effective date. Memory comes from alloc(ctx, n) (the
 * request arena) and lives as long as it. Returns GK_ERR_OK, GK_ERR_UNAVAILABLE or
 * GK_ERR_INTERNAL (also when the loaded data fails gk_rule_set_check: logged as a bug). */
gk_error gk_rule_sets_load(PGconn *c, void *(*alloc)(void *, size_t), void *ctx,
                           gk_rule_catalog *out);

/* The device categories, in display order: *items = [{id, title_en, title_ja,
 * class_letters}] (new reference). GK_ERR_UNAVAILABLE / GK_ERR_INTERNAL for the database. */
gk_error gk_categories_list(PGconn *c, json_t **items);
/* One category by id, the same object; GK_ERR_NOT_FOUND when there is none. */
gk_error gk_category_get(PGconn *c, const char *id, json_t **out);

#endif
