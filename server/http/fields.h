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
    size_t max_len;              /* strings: max bytes (0 = 1000); must be valid UTF-8 */
    const char *const *choices;  /* GK_F_ENUM */
    void *out;     /* where the value goes; read with gk_fields_read_into, the offset of a
                      member of the input struct instead (GK_AT) */
    bool nullable; /* JSON null accepted as absent */
} gk_field;

/* `out` of a static spec entry: member m of the input struct T (gk_fields_read_into). */
#define GK_AT(T, m) ((void *)offsetof(T, m))

/* Read the fields from r->json (JSON) or the form body. Appends errors to *errors (created
 * when needed) and returns the number of bad fields (0 = all good). Messages are in the
 * request's language. */
int gk_fields_read(gk_request *r, const gk_field *spec, size_t n, json_t **errors);
/* The same for a static spec whose entries say where in `base` (a service's input struct)
 * each value goes (`out` = GK_AT(T, member)). One spec per operation serves the JSON API and the HTML form. */
int gk_fields_read_into(gk_request *r, const gk_field *spec, size_t n, void *base,
                        json_t **errors);

/* Form bodies (application/x-www-form-urlencoded): the decoded value of a field, or NULL.
 * Decoding happens once per request; values live with the request. */
const char *gk_form_get(gk_request *r, const char *name);

/* Whether the request body is a form (as opposed to JSON). */
bool gk_req_is_form(gk_request *r);

/* Look up a dotted path in a JSON object; NULL when absent. */
json_t *gk_json_path(json_t *root, const char *path);

#endif
