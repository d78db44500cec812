/* Common Criteria certificates as listed by the CC Portal: parsing of the "Assurance Level"
 * and "Protection Profile(s)" columns, CCRA (2014) mutual recognition, and validity on a date
 * (docs/rules.md "Common Criteria equivalence").
 *
 * Everything works on caller-provided structs of fixed size; nothing is allocated, and the
 * results hold copies (never pointers into the input), except the static reason codes. The
 * domain holds no text: reasons are codes the service renders ("cc.ccra_reason.<code>",
 * "cc.validity_reason.<name>"). */
#ifndef GK_DOMAIN_CC_RECOGNITION_H
#define GK_DOMAIN_CC_RECOGNITION_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/date.h"
#include "errors.h"

#define GK_CC_MAX_COMPONENTS 16 /* augmentation components on one certificate */
#define GK_CC_COMPONENT_LEN 16  /* "ALC_FLR.2" plus NUL, with room */
#define GK_CC_MAX_PPS 16        /* protection profiles claimed by one certificate */
#define GK_CC_PP_NAME_LEN 256   /* one PP name plus NUL */
#define GK_CC_LEVEL_LEN 64      /* the recognised level string */

/* A parsed "Assurance Level" cell. eal is 0 when no EAL is claimed ("None", "PP Compliant",
 * empty). Components are upper-cased "FAM_FAM.n" ("ALC_FLR.2", "AVA_VAN.5"). */
typedef struct {
    int eal;           /* 0, or 1..7 */
    bool augmented;    /* "+" or at least one component */
    bool pp_compliant; /* the cell said "PP Compliant"/"PP Conformant" */
    int alc_flr;       /* level of ALC_FLR.n when present, else 0 */
    char components[GK_CC_MAX_COMPONENTS][GK_CC_COMPONENT_LEN];
    size_t n_components;
} gk_cc_assurance;

/* Parses the cell. Accepted: "EAL2", "EAL4+", "EAL 4+", "eal3+", "EAL3+,ALC_FLR.2",
 * "EAL2+ ALC_FLR.1", "EAL4+ ALC_FLR.2, AVA_VAN.5", "EAL4 augmented with ALC_FLR.3"
 * ("augmented by", "and", parentheses, ';' '+' ',' and blanks as separators), "None",
 * "PP Compliant", "PP Conformant", "" and blanks. GK_ERR_VALIDATION on anything else (an
 * unknown word, EAL0/EAL8, a second EAL, too many components); *out is then zeroed. */
gk_error gk_cc_assurance_parse(const char *s, gk_cc_assurance *out);

typedef struct {
    char name[GK_CC_PP_NAME_LEN]; /* trimmed */
    bool collaborative;           /* a cPP */
} gk_cc_pp;

typedef struct {
    gk_cc_pp items[GK_CC_MAX_PPS];
    size_t n;
    bool any_collaborative;
} gk_cc_pp_list;

/* Splits a "Protection Profile(s)" cell at ';', newlines and ','. A comma followed by a
 * version continuation ("..., Version 4.2.1", "..., v1.1", "..., Release 2", "..., Rev. 3")
 * does not split, because PP names carry their version that way. Empty parts are skipped;
 * "None" alone means no PP. GK_ERR_VALIDATION when there are more than GK_CC_MAX_PPS parts
 * or one is longer than GK_CC_PP_NAME_LEN - 1 bytes (*out then holds nothing). */
gk_error gk_cc_pp_list_parse(const char *s, gk_cc_pp_list *out);

/* A collaborative Protection Profile: the name starts with "CPP_" (any case), contains
 * "collaborative Protection Profile" (any case), contains "cPP" as written (e.g. "NDcPP",
 * "FWcPP v1.4e", "cPP_ND_V2.2E"), or has a word "cpp" in any case. */
bool gk_cc_pp_is_collaborative(const char *name);

typedef enum {
    GK_CC_REASON_CPP,            /* recognised: conformant to a cPP (up to EAL4+ALC_FLR) */
    GK_CC_REASON_EAL1_2,         /* recognised: EAL1 or EAL2, optionally + ALC_FLR */
    GK_CC_REASON_CAPPED_TO_EAL2, /* recognised, but only up to EAL2 (+ALC_FLR): higher
                                    EAL or other augmentations without a cPP */
    GK_CC_REASON_NO_EAL_NO_CPP,  /* not recognised: no EAL and no cPP claimed */
    GK_CC_REASON_UNPARSEABLE,    /* not recognised: the assurance cell is not understood */
    GK_CC_REASON__COUNT
} gk_cc_reason;

typedef struct {
    bool recognised;
    gk_cc_reason reason;
    const char *reason_code; /* "cpp", "eal1_2", "capped_to_eal2", "no_eal_no_cpp",
                                "unparseable_assurance_level" */
    /* What the CCRA partners recognise, e.g. "EAL2", "EAL2+ALC_FLR.1", "cPP",
     * "cPP, EAL4+ALC_FLR.2"; empty when not recognised. */
    char level[GK_CC_LEVEL_LEN];
} gk_cc_recognition;

/* CCRA (2014) recognition from the two cells. Rules:
 *   a cPP is claimed        -> recognised (cpp); level "cPP" plus the EAL capped at 4 and
 *                              ALC_FLR.n when claimed
 *   EAL1/EAL2 [+ALC_FLR.n] and nothing else -> recognised (eal1_2)
 *   EAL3..7, or EAL1-2 with other components, no cPP
 *                           -> recognised as EAL2 (or EAL1) [+ALC_FLR.n] (capped_to_eal2)
 *   no EAL, no cPP          -> not recognised (no_eal_no_cpp)
 * Returns GK_ERR_OK, or GK_ERR_VALIDATION when a cell cannot be parsed; *out is filled in
 * every case (unparseable -> not recognised, reason unparseable_assurance_level), so an
 * importer may keep the row and show why. pp_cell may be NULL (no PP). */
gk_error gk_cc_recognise(const char *assurance_cell, const char *pp_cell, gk_cc_recognition *out);

/* The same from already parsed cells. */
void gk_cc_recognise_parsed(const gk_cc_assurance *a, const gk_cc_pp_list *pps,
                            gk_cc_recognition *out);

/* Validity of a certificate on a date. */
typedef enum {
    GK_CC_VALID,
    GK_CC_NOT_YET_CERTIFIED, /* date before certified_on */
    GK_CC_ARCHIVED,          /* the portal archived it (and the date is not known to precede
                                the archival) */
    GK_CC_PAST_END_DATE,     /* date on or after the end of validity */
    GK_CC_VALIDITY__COUNT
} gk_cc_validity;

/* "valid", "not_yet_certified", "archived", "past_end_date". */
const char *gk_cc_validity_name(gk_cc_validity v);

/* Years a certificate stays listed when the portal gives no end date. */
#define GK_CC_DEFAULT_VALIDITY_YEARS 5

/* The end of validity (exclusive: the first day it is no longer valid): valid_until when
 * given (the portal's "Archived Date"; in the active list it is the planned end), else
 * certified_on + 5 years. GK_DATE_NONE for valid_until means "absent". */
gk_date gk_cc_end_date(gk_date certified_on, gk_date valid_until);

/* Validity on `date`, checked in this order:
 *   date < certified_on                                  -> not_yet_certified
 *   archived and (no valid_until or date >= valid_until) -> archived
 *   date >= end date (gk_cc_end_date)                    -> past_end_date
 *   otherwise                                            -> valid
 * With archived set and valid_until given, valid_until is the archival date, so a date
 * before it is still valid (history queries); without it the archival date is unknown and
 * the certificate is treated as archived on every date from certification on. */
gk_cc_validity gk_cc_valid_on(gk_date certified_on, gk_date valid_until, bool archived,
                              gk_date date);

#endif
