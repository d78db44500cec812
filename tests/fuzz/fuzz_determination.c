/* JSON body validation of POST /api/v1/determinations: gk_svc_determination_read on the object
 * the dispatcher would have parsed from the input (JSON_REJECT_DUPLICATES, objects only), and
 * on the query/form path (lines "name=value") when the input is not a JSON object.
 *
 * Oracles: the count returned equals the errors listed, each naming a field and a message;
 * with no errors every fact is set (JSON) or unset/true/false (form), the filing date formats
 * and parses back, and opt_in is NULL or a non-empty string. */
#include "fuzz_common.h"

#include "domain/date.h"
#include "service/determinations.h"

#include <jansson.h>

typedef struct {
    char *text;
} lines;

/* "name=value" lines; the first line of that name wins. */
static const char *get_line(void *ctx, const char *name)
{
    lines *l = ctx;
    size_t n = strlen(name);
    for (char *p = l->text; p && *p;) {
        char *end = strchr(p, '\n');
        if (!strncmp(p, name, n) && p[n] == '=') {
            if (end) *end = 0; /* values are cut at their line (kept cut: first wins) */
            return p + n + 1;
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

static void check(int bad, json_t *errors, const gk_facts *facts, gk_date filing,
                  const char *opt_in, bool json)
{
    FZ_CHECK(bad >= 0);
    FZ_CHECK((size_t)bad == (errors ? json_array_size(errors) : 0));
    for (size_t i = 0; errors && i < json_array_size(errors); i++) {
        json_t *e = json_array_get(errors, i);
        FZ_CHECK(json_is_string(json_object_get(e, "field")));
        FZ_CHECK(json_is_string(json_object_get(e, "message")));
    }
    for (int i = 0; i < GK_FACT__COUNT; i++) {
        FZ_CHECK(facts->v[i] == GK_TRI_UNSET || facts->v[i] == GK_TRI_TRUE ||
                 facts->v[i] == GK_TRI_FALSE);
        /* A complete JSON answer sets every fact but the direct connection, which may come
         * as directly_connectable or as its two parts (issue 15): determining, not reading,
         * names what is missing there. */
        bool connection_part = i == GK_FACT_DIRECTLY_CONNECTABLE ||
                               i == GK_FACT_CONNECTABLE_TO_CARRIER_LINE ||
                               i == GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT;
        if (json && bad == 0 && !connection_part) FZ_CHECK(facts->v[i] != GK_TRI_UNSET);
    }
    char buf[GK_DATE_BUF];
    gk_date back;
    if (bad == 0) FZ_CHECK(gk_date_parse(gk_date_format(filing, buf), &back) && back == filing);
    if (opt_in) FZ_CHECK(opt_in[0] != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gk_arena arena = {0};
    gk_call call = {.lang = size & 1 ? "ja" : "en", .arena = &arena};
    gk_determination_in in;
    json_t *errors = NULL;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (body && json_is_object(body)) {
        int bad = gk_svc_determination_read(&call, body, NULL, NULL, &in, &errors);
        check(bad, errors, &in.facts, in.filing_date, in.opt_in_rule_set, true);
    } else {
        lines l = {fz_cstr(data, size)};
        int bad = gk_svc_determination_read(&call, NULL, get_line, &l, &in, &errors);
        check(bad, errors, &in.facts, in.filing_date, in.opt_in_rule_set, false);
        free(l.text);
    }
    json_decref(errors);
    json_decref(body);
    gk_arena_free(&arena);
    return 0;
}
