/* See view.h. The rules are the domain's; this file only maps them to JSON. */
#include "cc/view.h"

#include "domain/cc_recognition.h"

#include <string.h>

static const char *pick(const char *lang, const char *en, const char *ja)
{
    return lang && !strcmp(lang, "ja") ? ja : en;
}

json_t *gk_cc_view(json_t *row, gk_date on, const char *lang)
{
    gk_date certified, until = GK_DATE_NONE;
    const char *cs = json_string_value(json_object_get(row, "certified_on"));
    const char *us = json_string_value(json_object_get(row, "valid_until"));
    if (!cs || !gk_date_parse(cs, &certified)) return NULL;
    if (us && !gk_date_parse(us, &until)) return NULL;
    bool archived = !strcmp(json_string_value(json_object_get(row, "status")) ?: "", "archived");

    /* The PP cell is rebuilt from the stored list: names never contain ';', so joining with
     * it gives back the same list to the domain's parser. */
    char pps[GK_CC_MAX_PPS * GK_CC_PP_NAME_LEN + GK_CC_MAX_PPS] = "";
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(row, "protection_profiles"), i, p)
    {
        const char *s = json_string_value(p);
        if (!s || strlen(pps) + strlen(s) + 2 > sizeof pps) continue;
        if (*pps) strcat(pps, ";");
        strcat(pps, s);
    }
    gk_cc_recognition rec;
    gk_cc_recognise(json_string_value(json_object_get(row, "assurance_level")) ?: "", pps, &rec);
    json_object_set_new(row, "ccra_recognised", json_boolean(rec.recognised));
    json_object_set_new(row, "ccra_reason", json_string(rec.reason_code));
    json_object_set_new(row, "ccra_reason_text",
                        json_string(pick(lang, rec.reason_en, rec.reason_ja)));
    json_object_set_new(row, "ccra_reason_en", json_string(rec.reason_en));
    json_object_set_new(row, "ccra_reason_ja", json_string(rec.reason_ja));
    json_object_set_new(row, "ccra_level", json_string(rec.level));

    gk_cc_validity v = gk_cc_valid_on(certified, until, archived, on);
    char d[GK_DATE_BUF], e[GK_DATE_BUF];
    json_object_set_new(row, "on", json_string(gk_date_format(on, d)));
    json_object_set_new(row, "valid_on_date", json_boolean(v == GK_CC_VALID));
    json_object_set_new(row, "validity", json_string(gk_cc_validity_name(v)));
    json_object_set_new(row, "validity_reason",
                        json_string(pick(lang, gk_cc_validity_reason_en(v),
                                         gk_cc_validity_reason_ja(v))));
    json_object_set_new(row, "validity_reason_en", json_string(gk_cc_validity_reason_en(v)));
    json_object_set_new(row, "validity_reason_ja", json_string(gk_cc_validity_reason_ja(v)));
    json_object_set_new(row, "end_date",
                        json_string(gk_date_format(gk_cc_end_date(certified, until), e)));
    return row;
}
