/* Reading request input by declaration: a table of fields (JSON path or form name, type,
 * required, limits, where to store the value) read in one pass that collects an error per bad
 * field ({"field","message"}), so a client learns everything wrong at once. The same table
 * reads a JSON body or an HTML form, so pages and the API validate alike. */
#ifndef GK_HTTP_FIELDS_H
#define GK_HTTP_FIELDS_H

#include "domain/date.h"
#include "http/request.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    GK_F_STRING, /* out: const char ** (borrowed from the body; lives with the request) */
    GK_F_BOOL,   /* out: int * : -1 absent, 0 false, 1 true (forms: "true"/"false"/"on") */
    GK_F_DATE,   /* out: gk_date * ; absent leaves it unchanged; YYYY-MM-DD only */
    GK_F_INT,    /* out: long long * */
    GK_F_ENUM,   /* out: const char ** ; value must be one of `choices` (NULL-terminated) */
} gk_field_type;

typedef struct {
    const char *path; /* "device.model_name": dots walk JSON objects; the form field name */
    gk_field_type type;
    bool required;
    size_t max_len;             /* strings: max bytes (0 = 1000); must be valid UTF-8 */
    const char *const *choices; /* GK_F_ENUM */
    void *out;                  /* where the value goes: the offset of a member of the input struct
                      (GK_AT) */
    bool nullable;              /* JSON null accepted as absent */
} gk_field;

/* `out` of a spec entry: member m of the input struct T. */
#define GK_AT(T, m) ((void *)offsetof(T, m))

/* The field spec of one operation: its table of fields, declared beside the operation in
 * its service header as `extern const gk_spec gk_<op>_spec;` and read alike by the JSON API
 * and the HTML form. `op_checks`: the operation adds checks of its own to the field errors
 * and fails with all of them at once, so the adapter calls it even when a field is bad. */
typedef struct {
    const gk_field *fields;
    size_t n;
    bool op_checks;
} gk_spec;

/* The definition of a spec over a field table of the same file. */
#define GK_SPEC(table)                                                                             \
    {                                                                                              \
        (table), sizeof(table) / sizeof *(table), false                                            \
    }
#define GK_SPEC_OP_CHECKS(table)                                                                   \
    {                                                                                              \
        (table), sizeof(table) / sizeof *(table), true                                             \
    }

/* Read the fields of `spec` from r->json (JSON) or the form body into `in` (the operation's
 * input struct). Appends one {"field","message"} per bad field to *errors (created when
 * needed; messages in the request's language) and returns their count (0 = all good). */
int gk_spec_read(gk_request *r, const gk_spec *spec, void *in, json_t **errors);

/* Form bodies (application/x-www-form-urlencoded): the decoded value of a field, or NULL.
 * Decoding happens once per request; values live with the request. */
const char *gk_form_get(gk_request *r, const char *name);

/* Whether the request body is a form (as opposed to JSON). */
bool gk_req_is_form(gk_request *r);

/* Look up a dotted path in a JSON object; NULL when absent. */
json_t *gk_json_path(json_t *root, const char *path);

#endif
