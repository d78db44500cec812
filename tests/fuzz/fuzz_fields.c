/* The form decoder (gk_form_get) and the declarative field reader (gk_spec_read), on a fake
 * request: the input is the body, read once as an HTML form and, when it parses, once as a
 * JSON body, through one table that uses every field type.
 *
 * The request has no libmicrohttpd connection: this program defines its own
 * MHD_lookup_connection_value (the executable's definition wins over the shared library's),
 * which answers the Content-Type header of the mode being tested and nothing else.
 *
 * Oracles: the count returned equals the errors listed; every accepted string is valid UTF-8,
 * within its cap and (for enums) one of the choices; booleans are -1/0/1; dates format and
 * parse back; decoded form values never outgrow the body. */
#include "fuzz_common.h"

#include "util/utf8.h"
#include "http/fields.h"
#include "http/request.h"

#include <jansson.h>
#include <microhttpd.h>

void gk_req_arena_free(gk_request *r); /* request.c: the dispatcher frees the arena with it */

static const char *fake_content_type;

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                        const char *key)
{
    (void)connection;
    if (kind == MHD_HEADER_KIND && key && !strcasecmp(key, MHD_HTTP_HEADER_CONTENT_TYPE))
        return fake_content_type;
    return NULL;
}

static const char *const kinds[] = {"router", "camera", "other", NULL};

typedef struct {
    const char *name, *model, *kind, *empty_ok;
    int agree, flag;
    gk_date date;
    long long count;
} values;

static const gk_field fields[] = {
    {"name", GK_F_STRING, true, 40, NULL, GK_AT(values, name), false},
    {"device.model_name", GK_F_STRING, false, 0, NULL, GK_AT(values, model), true},
    {"kind", GK_F_ENUM, false, 0, kinds, GK_AT(values, kind), true},
    {"note", GK_F_STRING, false, 8, NULL, GK_AT(values, empty_ok), false},
    {"agree", GK_F_BOOL, true, 0, NULL, GK_AT(values, agree), false},
    {"device.flag", GK_F_BOOL, false, 0, NULL, GK_AT(values, flag), true},
    {"filing_date", GK_F_DATE, false, 0, NULL, GK_AT(values, date), true},
    {"count", GK_F_INT, false, 0, NULL, GK_AT(values, count), false},
};
static const gk_spec spec_all = GK_SPEC(fields);

static bool utf8_ok(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = gk_utf8_next((const unsigned char *)s + i, len - i, &cp);
        if (!n) return false;
        i += n;
    }
    return true;
}

static void check_read(gk_request *r, size_t body_len)
{
    values v;
    memset(&v, 0, sizeof v);
    v.date = GK_DATE_NONE;
    const gk_spec *spec = &spec_all;
    size_t n = spec->n;
    json_t *errors = NULL;
    int bad = gk_spec_read(r, spec, &v, &errors);
    FZ_CHECK(bad >= 0 && (size_t)bad <= n);
    FZ_CHECK((size_t)bad == (errors ? json_array_size(errors) : 0));
    bool failed[8] = {0};
    for (size_t i = 0; errors && i < json_array_size(errors); i++) {
        json_t *e = json_array_get(errors, i);
        const char *field = json_string_value(json_object_get(e, "field"));
        FZ_CHECK(field && json_is_string(json_object_get(e, "message")));
        for (size_t k = 0; k < n; k++)
            if (!strcmp(field, spec->fields[k].path)) failed[k] = true;
    }
    const char *strs[] = {v.name, v.model, v.kind, v.empty_ok};
    const size_t caps[] = {40, 1000, 1000, 8};
    for (size_t k = 0; k < 4; k++) {
        if (!strs[k]) continue;
        FZ_CHECK(!failed[k]);
        FZ_CHECK(utf8_ok(strs[k]));
        FZ_CHECK(strlen(strs[k]) <= caps[k]);
        if (gk_req_is_form(r)) FZ_CHECK(strlen(strs[k]) <= body_len);
    }
    if (!failed[0]) FZ_CHECK(v.name && v.name[0]); /* required and accepted: non-empty */
    if (v.kind) {
        bool known = false;
        for (const char *const *c = kinds; *c; c++)
            known |= !strcmp(*c, v.kind);
        FZ_CHECK(known);
    }
    if (!failed[4]) FZ_CHECK(v.agree == 0 || v.agree == 1); /* required */
    FZ_CHECK(v.flag >= -1 && v.flag <= 1);
    if (v.date != GK_DATE_NONE) {
        char buf[GK_DATE_BUF];
        gk_date back;
        FZ_CHECK(gk_date_parse(gk_date_format(v.date, buf), &back) && back == v.date);
    }
    json_decref(errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = fz_cstr(data, size);
    const char *langs[] = {"en", "ja"};

    /* As an HTML form. */
    gk_request r;
    memset(&r, 0, sizeof r);
    r.lang = langs[size & 1];
    r.body = body;
    r.body_len = size;
    fake_content_type = "application/x-www-form-urlencoded; charset=utf-8";
    const char *names[] = {"name", "kind", "a", "", "device.model_name", "x y", "é"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *val = gk_form_get(&r, names[i]);
        if (val) FZ_CHECK(strlen(val) <= size);
    }
    check_read(&r, size);
    gk_req_arena_free(&r);

    /* As a JSON body, when it is one (what the dispatcher would have parsed). */
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (j && json_is_object(j)) {
        memset(&r, 0, sizeof r);
        r.lang = langs[size & 1];
        r.body = body;
        r.body_len = size;
        r.json = j;
        fake_content_type = "application/json";
        check_read(&r, size);
        FZ_CHECK(gk_json_path(j, "") == j);
        gk_json_path(j, "device.model_name.x.y");
        gk_req_arena_free(&r);
    }
    json_decref(j);
    free(body);
    return 0;
}
