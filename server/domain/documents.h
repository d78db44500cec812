/* The rules about an application's documents, as data: the kinds of document (with the
 * catalogue key of their title), the documents each route requires before submission, the
 * statuses in which each side may add documents, and the confidentiality classes. Pure: no
 * I/O. The schema's CHECKs on documents.kind and documents.confidentiality list the same
 * names (a unit test compares them). */
#ifndef GK_DOMAIN_DOCUMENTS_H
#define GK_DOMAIN_DOCUMENTS_H

#include "domain/date.h"
#include "domain/lifecycle.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name;      /* the value of documents.kind */
    const char *title_key; /* message catalogue key of its title */
} gk_doc_kind;

/* Every kind, in the order a form offers them. */
/* The power of attorney (委任状) of a foreign maker's agent in Japan: required when the
 * application names an agent (issue 16). */
#define GK_DOC_POWER_OF_ATTORNEY "power_of_attorney"

const gk_doc_kind *gk_doc_kinds(size_t *n);
/* The kind called `name`, or NULL. */
const gk_doc_kind *gk_doc_kind_find(const char *name);

/* The filing routes (applications.route). */
typedef enum { GK_ROUTE_CONFORMITY, GK_ROUTE_DESIGN, GK_ROUTE__COUNT } gk_route;
bool gk_route_parse(const char *name, gk_route *out);
const char *gk_route_name(gk_route route);

/* The kinds a route requires before submission, in table order: up to `max` names into
 * out; returns how many the route requires. (No requirement depends on the determination's
 * outcome today; it would be one more column of the table.) */
size_t gk_doc_required(gk_route route, const char **out, size_t max);

/* Whether a caller in `role` may add a document to a case in `state`: the applicant to a
 * draft or to answer a request for information; staff while the case is examined. Every
 * document added after submission is locked at once (the schema). */
bool gk_doc_upload_allowed(gk_lifecycle_role role, gk_lifecycle_state state);

/* The confidentiality classes of documents.confidentiality, in order. */
const char *const *gk_doc_confidentiality_classes(size_t *n);
/* "public" | "confidential" | "confidential_until:YYYY-MM-DD" -> the class (static) and,
 * for the last, the date (*has_until). False for anything else. */
bool gk_doc_confidentiality_parse(const char *value, const char **cls, gk_date *until,
                                  bool *has_until);

#endif
