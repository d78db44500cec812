/* Unit tests of domain/cc_recognition on cells written the way the Common Criteria Portal's
 * certified-products CSV writes them: assurance levels, protection-profile lists, CCRA
 * recognition, and validity on a date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain/cc_recognition.h"

static gk_date D(const char *s)
{
    gk_date d;
    if (!gk_date_parse(s, &d)) fail_msg("bad test date %s", s);
    return d;
}

/* ---- recognition on realistic rows -------------------------------------------------- */

static const struct {
    const char *assurance;
    const char *pps;
    gk_error err;
    bool recognised;
    const char *reason;
    const char *level;
} recognition_rows[] = {
    /* EAL1-2, optionally with flaw remediation: recognised as such */
    {"EAL2", "", GK_ERR_OK, true, "eal1_2", "EAL2"},
    {"EAL1", "", GK_ERR_OK, true, "eal1_2", "EAL1"},
    {"EAL2+ ALC_FLR.1", "", GK_ERR_OK, true, "eal1_2", "EAL2+ALC_FLR.1"},
    {"EAL2+, ALC_FLR.1", "", GK_ERR_OK, true, "eal1_2", "EAL2+ALC_FLR.1"},
    {"EAL2+ALC_FLR.3", "", GK_ERR_OK, true, "eal1_2", "EAL2+ALC_FLR.3"},
    {"EAL2 augmented with ALC_FLR.2", "", GK_ERR_OK, true, "eal1_2", "EAL2+ALC_FLR.2"},
    /* higher EAL or other components without a cPP: counts as EAL2 */
    {"EAL4+", "", GK_ERR_OK, true, "capped_to_eal2", "EAL2"},
    {"EAL 4+", "", GK_ERR_OK, true, "capped_to_eal2", "EAL2"},
    {"eal3", "", GK_ERR_OK, true, "capped_to_eal2", "EAL2"},
    {"EAL3+,ALC_FLR.2", "", GK_ERR_OK, true, "capped_to_eal2", "EAL2+ALC_FLR.2"},
    {"EAL4 augmented with ALC_FLR.3", "", GK_ERR_OK, true, "capped_to_eal2", "EAL2+ALC_FLR.3"},
    {"EAL4+ ALC_FLR.2, AVA_VAN.5", "", GK_ERR_OK, true, "capped_to_eal2", "EAL2+ALC_FLR.2"},
    {"EAL4+ (ALC_FLR.3)", "Protection Profile for Mobile Device Fundamentals, Version 3.1",
     GK_ERR_OK, true, "capped_to_eal2", "EAL2+ALC_FLR.3"},
    {"EAL2 augmented by ALC_FLR.2 and AVA_VAN.3", "", GK_ERR_OK, true, "capped_to_eal2",
     "EAL2+ALC_FLR.2"},
    {"EAL1+ ASE_SPD.1", "", GK_ERR_OK, true, "capped_to_eal2", "EAL1"},
    {"EAL2+ ADV_FSP.3 ALC_FLR.2", "", GK_ERR_OK, true, "capped_to_eal2", "EAL2+ALC_FLR.2"},
    {"EAL5+ ALC_DVS.2, AVA_VAN.5",
     "Security IC Platform Protection Profile with Augmentation Packages Version 1.0", GK_ERR_OK,
     true, "capped_to_eal2", "EAL2"},
    {"EAL7", "", GK_ERR_OK, true, "capped_to_eal2", "EAL2"},
    /* collaborative PPs: recognised up to EAL4+ALC_FLR */
    {"None", "collaborative Protection Profile for Network Devices v2.2e", GK_ERR_OK, true, "cpp",
     "cPP"},
    {"PP Compliant", "CPP_FW_V2.0E", GK_ERR_OK, true, "cpp", "cPP"},
    {"PP Compliant", "Network Device cPP v2.2e; PP-Module for VPN Gateways, Version 1.1", GK_ERR_OK,
     true, "cpp", "cPP"},
    {"None", "CPP_ND_V2.2E, PP-Module for Stateful Traffic Filter Firewalls v1.4 + Errata 20200625",
     GK_ERR_OK, true, "cpp", "cPP"},
    {"EAL4+ ALC_FLR.2", "collaborative Protection Profile for Hardcopy Devices v1.0", GK_ERR_OK,
     true, "cpp", "cPP, EAL4+ALC_FLR.2"},
    {"EAL4+ ALC_FLR.2, AVA_VAN.5", "FWcPP v1.4e", GK_ERR_OK, true, "cpp", "cPP, EAL4+ALC_FLR.2"},
    {"EAL6+", "Collaborative Protection Profile for Full Drive Encryption - Encryption Engine",
     GK_ERR_OK, true, "cpp", "cPP, EAL4"},
    {"PP Conformant", "collaborative Protection Profile for Dedicated Security Component",
     GK_ERR_OK, true, "cpp", "cPP"},
    /* no EAL and no cPP: not recognised */
    {"PP Compliant", "Protection Profile for Application Software Version 1.4", GK_ERR_OK, false,
     "no_eal_no_cpp", ""},
    {"PP Compliant",
     "Protection Profile for General Purpose Operating Systems, Version 4.2.1, Extended Package "
     "for Secure Shell (SSH), Version 1.0",
     GK_ERR_OK, false, "no_eal_no_cpp", ""},
    {"None", "", GK_ERR_OK, false, "no_eal_no_cpp", ""},
    {"", "", GK_ERR_OK, false, "no_eal_no_cpp", ""},
    {"  ", "None", GK_ERR_OK, false, "no_eal_no_cpp", ""},
    {NULL, NULL, GK_ERR_OK, false, "no_eal_no_cpp", ""},
    /* cells we cannot read */
    {"EAL8", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"EAL0", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"Medium", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"EAL2 EAL4", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"EAL", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"None EAL2", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"EAL4+ ALC_FLR", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"+", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"PP", "CPP_FW_V2.0E", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
    {"EAL42", "", GK_ERR_VALIDATION, false, "unparseable_assurance_level", ""},
};

static void test_cc_recognition_rows(void **state)
{
    for (size_t i = 0; i < sizeof recognition_rows / sizeof recognition_rows[0]; i++) {
        gk_cc_recognition r;
        gk_error e = gk_cc_recognise(recognition_rows[i].assurance, recognition_rows[i].pps, &r);
        const char *a = recognition_rows[i].assurance ? recognition_rows[i].assurance : "(null)";
        if (e != recognition_rows[i].err) fail_msg("row %zu \"%s\": %s", i, a, gk_error_code(e));
        if (r.recognised != recognition_rows[i].recognised ||
            strcmp(r.reason_code, recognition_rows[i].reason) != 0 ||
            strcmp(r.level, recognition_rows[i].level) != 0)
            fail_msg("row %zu \"%s\": recognised=%d reason=%s level=\"%s\"", i, a, r.recognised,
                     r.reason_code, r.level);
        assert_true((unsigned)r.reason < GK_CC_REASON__COUNT);
    }
}

/* ---- the assurance cell in detail --------------------------------------------------- */

static void test_cc_assurance_parse_details(void **state)
{
    static const struct {
        const char *cell;
        int eal;
        bool augmented, pp_compliant;
        int flr;
        const char *components; /* comma-joined */
    } cases[] = {
        {"EAL4+ ALC_FLR.2, AVA_VAN.5", 4, true, false, 2, "ALC_FLR.2,AVA_VAN.5"},
        {"eal2+ alc_flr.1", 2, true, false, 1, "ALC_FLR.1"},
        {"EAL4+", 4, true, false, 0, ""},
        {"EAL3", 3, false, false, 0, ""},
        {"EAL 5 augmented with AVA_VAN.5 and ALC_DVS.2", 5, true, false, 0, "AVA_VAN.5,ALC_DVS.2"},
        {"EAL2+ALC_FLR.1+ALC_FLR.3", 2, true, false, 3, "ALC_FLR.1,ALC_FLR.3"},
        {"EAL4+ AVA_VAN.5, AVA_VAN.5", 4, true, false, 0, "AVA_VAN.5"},
        {"PP Compliant", 0, false, true, 0, ""},
        {"PP-Compliant", 0, false, true, 0, ""},
        {"None", 0, false, false, 0, ""},
        {"EAL2;ALC_FLR.2", 2, true, false, 2, "ALC_FLR.2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_cc_assurance a;
        char joined[256] = "";
        if (gk_cc_assurance_parse(cases[i].cell, &a) != GK_ERR_OK)
            fail_msg("refused \"%s\"", cases[i].cell);
        assert_int_equal(a.eal, cases[i].eal);
        assert_int_equal(a.augmented, cases[i].augmented);
        assert_int_equal(a.pp_compliant, cases[i].pp_compliant);
        assert_int_equal(a.alc_flr, cases[i].flr);
        for (size_t k = 0; k < a.n_components; k++) {
            if (k) strcat(joined, ",");
            strcat(joined, a.components[k]);
        }
        assert_string_equal(joined, cases[i].components);
    }
    /* Too many components is refused and leaves the result empty. */
    char many[512] = "EAL4+";
    for (int i = 1; i <= GK_CC_MAX_COMPONENTS + 1; i++) {
        char c[16];
        snprintf(c, sizeof c, " A%c%c_XYZ.1", 'A' + i / 26, 'A' + i % 26); /* distinct */
        strcat(many, c);
    }
    gk_cc_assurance a;
    assert_int_equal(gk_cc_assurance_parse(many, &a), GK_ERR_VALIDATION);
    assert_int_equal(a.eal, 0);
    assert_int_equal(a.n_components, 0);
}

/* ---- protection profiles ------------------------------------------------------------ */

static void test_cc_pp_is_collaborative(void **state)
{
    static const struct {
        const char *name;
        bool cpp;
    } cases[] = {
        {"collaborative Protection Profile for Network Devices v2.2e", true},
        {"Collaborative Protection Profile for Full Drive Encryption - Encryption Engine v2.0 + "
         "Errata 20190201",
         true},
        {"COLLABORATIVE PROTECTION PROFILE FOR STATEFUL TRAFFIC FILTER FIREWALLS", true},
        {"CPP_FW_V2.0E", true},
        {"cpp_nd_v2.1", true},
        {"NDcPP v2.2e", true},
        {"Network Device CPP v2.0", true},
        {"Protection Profile for Application Software Version 1.4", false},
        {"PP-Module for VPN Gateways v1.1", false},
        {"Security IC Platform Protection Profile with Augmentation Packages", false},
        {"BSI-CC-PP-0084-2014", false},
        {"Protection Profile for Hardcopy Devices - IPA, Version 1.0", false},
        {"CPPX_FW", false},
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (gk_cc_pp_is_collaborative(cases[i].name) != cases[i].cpp)
            fail_msg("\"%s\"", cases[i].name ? cases[i].name : "(null)");
}

static void test_cc_pp_list_parse(void **state)
{
    static const struct {
        const char *cell;
        const char *names; /* joined with " | " */
        const char *cpp;   /* one '1'/'0' per item */
    } cases[] = {
        {"collaborative Protection Profile for Network Devices v2.2e",
         "collaborative Protection Profile for Network Devices v2.2e", "1"},
        {"CPP_ND_V2.2E, PP-Module for VPN Gateways v1.1",
         "CPP_ND_V2.2E | PP-Module for VPN Gateways v1.1", "10"},
        {"Protection Profile for General Purpose Operating Systems, Version 4.2.1; Extended "
         "Package "
         "for Secure Shell (SSH), Version 1.0",
         "Protection Profile for General Purpose Operating Systems, Version 4.2.1 | Extended "
         "Package for Secure Shell (SSH), Version 1.0",
         "00"},
        {"Protection Profile for Mobile Device Fundamentals, v3.1,PP-Module for Bluetooth, Ver. "
         "1.0",
         "Protection Profile for Mobile Device Fundamentals, v3.1 | PP-Module for Bluetooth, Ver. "
         "1.0",
         "00"},
        {"PP for Smart Meter Gateway, Release 1.3", "PP for Smart Meter Gateway, Release 1.3", "0"},
        {"  FWcPP v1.4e ;; NDcPP v2.2e \n", "FWcPP v1.4e | NDcPP v2.2e", "11"},
        {"None", "", ""},
        {"", "", ""},
        {" , ; ", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_cc_pp_list l;
        char names[1024] = "", flags[GK_CC_MAX_PPS + 1] = "";
        bool any = false;
        assert_int_equal(gk_cc_pp_list_parse(cases[i].cell, &l), GK_ERR_OK);
        for (size_t k = 0; k < l.n; k++) {
            if (k) strcat(names, " | ");
            strcat(names, l.items[k].name);
            flags[k] = l.items[k].collaborative ? '1' : '0';
            flags[k + 1] = '\0';
            any = any || l.items[k].collaborative;
        }
        if (strcmp(names, cases[i].names) != 0) fail_msg("case %zu: \"%s\"", i, names);
        assert_string_equal(flags, cases[i].cpp);
        assert_int_equal(l.any_collaborative, any);
    }

    /* Limits: too many items, too long a name. */
    char many[2048] = "";
    for (int i = 0; i <= GK_CC_MAX_PPS; i++)
        strcat(many, "PP A; ");
    gk_cc_pp_list l;
    assert_int_equal(gk_cc_pp_list_parse(many, &l), GK_ERR_VALIDATION);
    assert_int_equal(l.n, 0);
    char longname[GK_CC_PP_NAME_LEN + 2];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(gk_cc_pp_list_parse(longname, &l), GK_ERR_VALIDATION);
    longname[GK_CC_PP_NAME_LEN - 1] = '\0'; /* exactly the maximum length fits */
    assert_int_equal(gk_cc_pp_list_parse(longname, &l), GK_ERR_OK);
    assert_int_equal(l.n, 1);
    /* A cPP in the list makes an otherwise unrecognised certificate recognised. */
    gk_cc_recognition r;
    gk_cc_assurance a;
    assert_int_equal(gk_cc_assurance_parse("None", &a), GK_ERR_OK);
    assert_int_equal(gk_cc_pp_list_parse("PP-Module for VPN Gateways; CPP_ND_V2.2E", &l),
                     GK_ERR_OK);
    gk_cc_recognise_parsed(&a, &l, &r);
    assert_true(r.recognised);
    gk_cc_recognise_parsed(&a, NULL, &r);
    assert_false(r.recognised);
}

/* ---- validity ----------------------------------------------------------------------- */

static void test_cc_valid_on(void **state)
{
    static const struct {
        const char *certified, *until; /* until NULL: absent */
        bool archived;
        const char *date, *expect;
    } cases[] = {
        {"2020-01-15", NULL, false, "2020-01-14", "not_yet_certified"},
        {"2020-01-15", NULL, false, "2020-01-15", "valid"},
        {"2020-01-15", NULL, false, "2025-01-14", "valid"},
        {"2020-01-15", NULL, false, "2025-01-15", "past_end_date"}, /* listed five years */
        {"2020-02-29", NULL, false, "2025-02-28", "valid"},
        {"2020-02-29", NULL, false, "2025-03-01", "past_end_date"},
        {"2021-06-01", "2026-06-01", false, "2026-05-31", "valid"},
        {"2021-06-01", "2026-06-01", false, "2026-06-01", "past_end_date"},
        {"2021-06-01", "2023-12-31", false, "2024-01-01", "past_end_date"},
        {"2019-01-10", "2026-01-10", false, "2025-06-01", "valid"}, /* end date beats 5 years */
        {"2018-05-01", "2023-05-01", true, "2022-01-01", "valid"},  /* history before archival */
        {"2018-05-01", "2023-05-01", true, "2023-05-01", "archived"},
        {"2018-05-01", "2023-05-01", true, "2024-05-01", "archived"},
        {"2018-05-01", NULL, true, "2019-01-01", "archived"},
        {"2018-05-01", NULL, true, "2018-04-30", "not_yet_certified"},
        {"2022-03-03", "2021-01-01", false, "2022-03-03",
         "past_end_date"}, /* bad data: ends first */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_date until = cases[i].until ? D(cases[i].until) : GK_DATE_NONE;
        gk_cc_validity v =
            gk_cc_valid_on(D(cases[i].certified), until, cases[i].archived, D(cases[i].date));
        if (strcmp(gk_cc_validity_name(v), cases[i].expect) != 0)
            fail_msg("case %zu: %s, expected %s", i, gk_cc_validity_name(v), cases[i].expect);
    }
    assert_int_equal(gk_cc_end_date(D("2020-01-15"), GK_DATE_NONE), D("2025-01-15"));
    assert_int_equal(gk_cc_end_date(D("2020-01-15"), D("2022-02-02")), D("2022-02-02"));
    assert_string_equal(gk_cc_validity_name((gk_cc_validity)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cc_recognition_rows),
        cmocka_unit_test(test_cc_assurance_parse_details),
        cmocka_unit_test(test_cc_pp_is_collaborative),
        cmocka_unit_test(test_cc_pp_list_parse),
        cmocka_unit_test(test_cc_valid_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
