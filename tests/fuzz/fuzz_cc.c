/* The CC Portal cells: gk_cc_assurance_parse ("EAL4+ ALC_FLR.2, AVA_VAN.5") and
 * gk_cc_pp_list_parse ("Protection Profile(s)"), then gk_cc_recognise on both. The input is
 * "<assurance cell>\t<protection profile cell>" (no tab: the PP cell is absent).
 *
 * Oracles: on success every field is within its bounds and NUL-terminated; on refusal the
 * output is emptied as documented; recognition agrees with the parsed cells and is
 * deterministic; recognised results carry a level, others none. */
#include "fuzz_common.h"

#include "domain/cc_recognition.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *acell, *pcell;
    fz_split(data, size, "\t", &acell, &pcell);

    gk_cc_assurance a;
    memset(&a, 0x5A, sizeof a);
    gk_error ea = gk_cc_assurance_parse(acell, &a);
    if (ea == GK_ERR_OK) {
        FZ_CHECK(a.eal >= 0 && a.eal <= 7);
        FZ_CHECK(a.n_components <= GK_CC_MAX_COMPONENTS);
        FZ_CHECK(a.alc_flr >= 0);
        for (size_t i = 0; i < a.n_components; i++) {
            FZ_CHECK(memchr(a.components[i], 0, GK_CC_COMPONENT_LEN) != NULL);
            FZ_CHECK(a.components[i][0] != 0);
        }
        if (a.n_components) FZ_CHECK(a.augmented);
    } else {
        FZ_CHECK(ea == GK_ERR_VALIDATION);
        FZ_CHECK(a.eal == 0 && a.n_components == 0); /* zeroed, as documented */
    }

    gk_cc_pp_list pps;
    memset(&pps, 0x5A, sizeof pps);
    gk_error ep = pcell ? gk_cc_pp_list_parse(pcell, &pps) : GK_ERR_OK;
    if (pcell && ep == GK_ERR_OK) {
        FZ_CHECK(pps.n <= GK_CC_MAX_PPS);
        bool any = false;
        for (size_t i = 0; i < pps.n; i++) {
            FZ_CHECK(memchr(pps.items[i].name, 0, GK_CC_PP_NAME_LEN) != NULL);
            FZ_CHECK(pps.items[i].name[0] != 0);
            FZ_CHECK(pps.items[i].collaborative == gk_cc_pp_is_collaborative(pps.items[i].name));
            any |= pps.items[i].collaborative;
        }
        FZ_CHECK(any == pps.any_collaborative);
    } else if (pcell) {
        FZ_CHECK(ep == GK_ERR_VALIDATION && pps.n == 0);
    }

    gk_cc_recognition rec, rec2;
    gk_error er = gk_cc_recognise(acell, pcell, &rec);
    FZ_CHECK(er == ((ea == GK_ERR_OK && ep == GK_ERR_OK) ? GK_ERR_OK : GK_ERR_VALIDATION));
    FZ_CHECK(rec.reason >= 0 && rec.reason < GK_CC_REASON__COUNT);
    FZ_CHECK(rec.reason_code && rec.reason_code[0]);
    FZ_CHECK(memchr(rec.level, 0, sizeof rec.level) != NULL);
    FZ_CHECK(rec.recognised == (rec.level[0] != 0));
    if (er == GK_ERR_OK) {
        gk_cc_recognise_parsed(&a, pcell ? &pps : NULL, &rec2);
        FZ_CHECK(rec2.recognised == rec.recognised && rec2.reason == rec.reason &&
                 !strcmp(rec2.level, rec.level));
    } else {
        FZ_CHECK(!rec.recognised && rec.reason == GK_CC_REASON_UNPARSEABLE);
    }
    free(acell);
    free(pcell);
    return 0;
}
