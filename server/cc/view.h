/* The JSON view of a CC certificate shared by the API and the pages: the stored row
 * (db/cc.h) plus what the domain decides about it (domain/cc_recognition.h): CCRA
 * recognition with its reason, and validity on a date. */
#ifndef GK_CC_VIEW_H
#define GK_CC_VIEW_H

#include "domain/date.h"

#include <jansson.h>

/* Adds to `row` (a certificate object from gk_cc_list/gk_cc_get; modified in place):
 *   ccra_recognised (bool), ccra_reason (code: cpp, eal1_2, capped_to_eal2, no_eal_no_cpp,
 *   unparseable_assurance_level), ccra_reason_text (in `lang`), ccra_reason_en/_ja,
 *   ccra_level ("EAL2+ALC_FLR.2", "cPP", ...; "" when not recognised),
 *   on (YYYY-MM-DD), valid_on_date (bool), validity (valid, not_yet_certified, archived,
 *   past_end_date), validity_reason (in `lang`), validity_reason_en/_ja, end_date (the first
 *   day it is no longer valid: valid_until, else certified_on + 5 years).
 * Returns row (borrowed), or NULL when the row lacks its dates (a bug). */
json_t *gk_cc_view(json_t *row, gk_date on, const char *lang);

#endif
