/* The texts of the domain's codes, as the service renders them from the message catalogues:
 * every reason of the determination, CCRA recognition, CC validity and the CC Portal CSV
 * importer, in both languages, is exactly the text the domain held in C before the texts
 * moved to the catalogues (the API answers the same). Also: every code has its key in both
 * catalogues, and the determination input is read alike from JSON and from a query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cc/csv.h"
#include "render/i18n.h"
#include "rule_set_fixture.h"
#include "service/cc.h"
#include "service/determinations.h"

// clang-format off
static const struct {
    const char *code, *en, *ja;
} det_texts[] = {
    {"direct_connection.fails",
     "The equipment is always connected through already certified equipment and never directly to a carrier's line, so it is outside certification.",
     "恒常的に既認定機器を介して接続し、電気通信事業者の電気通信回線設備に直接接続されない機器であるため、技術基準適合認定等の対象外となる。"},
    {"direct_connection.holds",
     "The equipment can be connected physically and technically directly to a carrier's line facility, so it needs technical conformity certification.",
     "電気通信事業者の電気通信回線設備に物理的かつ技術的に直接接続可能な端末機器であり、技術基準適合認定等の対象となる。"},
    {"data_transmission_facility.fails",
     "It does not connect to a digital data transmission facility, so Article 34-10 does not apply.",
     "デジタルデータ伝送用設備に接続される端末ではないため、第34条の10は適用されない。"},
    {"data_transmission_facility.holds",
     "It connects to a carrier's digital data transmission facility (Art. 34-10: terminal of a dedicated line facility etc.).",
     "デジタルデータ伝送用設備に接続される専用通信回線設備等端末である（第34条の10）。"},
    {"internet_protocol.fails",
     "It does not use Internet Protocol on that connection, so Article 34-10 does not apply.",
     "インターネットプロトコルを使用しないため、第34条の10は適用されない。"},
    {"internet_protocol.holds",
     "It uses Internet Protocol on that connection.",
     "当該接続においてインターネットプロトコルを使用する。"},
    {"remote_configuration.fails",
     "The settings of its send/receive functions cannot be changed via the line, so Article 34-10 does not apply.",
     "電気通信回線設備を介して電気通信の送受信に係る機能を変更できないため、第34条の10は適用されない。"},
    {"remote_configuration.holds",
     "The settings of its send/receive functions can be changed via the line.",
     "電気通信回線設備を介して接続することにより、電気通信の送受信に係る機能の設定を変更できる。"},
    {"not_user_securable.fails",
     "Its user can, at will, at any time and easily, take the necessary measures with arbitrary software (like a PC or smartphone): exempt under the proviso (ただし書) of Article 34-10.",
     "利用者が任意のソフトウェアにより随時かつ容易に必要な対策を行うことができる機器（PC、スマートフォン等）であり、第34条の10ただし書により適用除外となる。"},
    {"not_user_securable.holds",
     "Its user cannot take the necessary measures at will with arbitrary software, so the proviso (ただし書) of Article 34-10 does not exempt it.",
     "利用者が任意のソフトウェアにより随時かつ容易に必要な対策を行うことができる機器ではなく、第34条の10ただし書の適用除外に該当しない。"},
    {"rule_set_security_requirements.fails",
     "The governing rule set has no security requirements (the application is judged under the rules before Article 34-10 took effect).",
     "適用される規則にはセキュリティ要件が含まれない（第34条の10施行前の規則による審査）。"},
    {"rule_set_security_requirements.holds",
     "The governing rule set contains the security requirements of Article 34-10.",
     "適用される規則に第34条の10のセキュリティ要件が含まれる。"},
};
static const struct {
    const char *code, *en, *ja;
} ccra_texts[] = {
    {"eal1_2",
     "Recognised under the CCRA: EAL1 or EAL2 (with ALC_FLR where claimed).",
     "CCRAにより相互承認される：EAL1又はEAL2（ALC_FLRを含む）。"},
    {"capped_to_eal2",
     "Recognised under the CCRA only up to EAL2 (+ALC_FLR): assurance beyond that without a collaborative Protection Profile is recognised only by the issuing scheme.",
     "CCRAによる相互承認はEAL2（+ALC_FLR）まで：cPPに適合しない上位の保証は認証を発行した国の制度でのみ承認される。"},
    {"no_eal_no_cpp",
     "Not recognised under the CCRA: neither an EAL nor conformance to a collaborative Protection Profile is claimed.",
     "CCRAによる相互承認の対象外：EALの主張もcPPへの適合もない。"},
    {"cpp",
     "Recognised under the CCRA: conformant to a collaborative Protection Profile (recognised up to EAL4 + ALC_FLR).",
     "CCRAにより相互承認される：協調保護プロファイル（cPP）に適合（EAL4+ALC_FLRまで承認）。"},
    {"unparseable_assurance_level",
     "Not recognised: the assurance level or protection profile list could not be read.",
     "相互承認を判断できない：保証レベル又は保護プロファイルを解釈できない。"},
};
static const struct {
    const char *code, *en, *ja;
} validity_texts[] = {
    {"valid",
     "The certificate is valid on that date.",
     "当該日において認証は有効である。"},
    {"not_yet_certified",
     "The product was not yet certified on that date.",
     "当該日にはまだ認証されていない。"},
    {"archived",
     "The certificate is archived on the Common Criteria Portal.",
     "認証はCommon Criteria Portalでアーカイブされている。"},
    {"past_end_date",
     "The certificate's validity ended before that date.",
     "当該日には認証の有効期間が終了している。"},
};

static const struct {
    const char *csv, *en, *ja;
} header_texts[] = {
    {"",
     "The file is empty: the header line of the Common Criteria Portal CSV is missing.",
     "ファイルが空です。Common Criteria Portal の CSV のヘッダー行がありません。"},
    {"\"Category,Name\n",
     "Line 1: the header has a quoted column that is never closed.",
     "1 行目: ヘッダーの引用符が閉じられていません。"},
    {"Category,Name,Scheme,Foo,Name\n",
     "Line 1: the header does not match the Common Criteria Portal CSV. Missing columns: Manufacturer, Assurance Level, Protection Profile(s), Certification Date, Archived Date, Certification Report URL, Security Target URL, Maintenance Date, Maintenance Title, Maintenance Report, Maintenance ST. Unexpected columns: Foo. Repeated columns: Name.",
     "1 行目: ヘッダーが Common Criteria Portal の CSV と一致しません。不足している列: Manufacturer, Assurance Level, Protection Profile(s), Certification Date, Archived Date, Certification Report URL, Security Target URL, Maintenance Date, Maintenance Title, Maintenance Report, Maintenance ST。想定外の列: Foo。重複している列: Name。"},
};
// clang-format on

/* The rejection texts as the parser wrote them before (its format strings), for column "Name"
 * and 3 fields found. */
static void old_rejection(const char *code, char *en, char *ja, size_t n)
{
    const char *c = "Name";
    size_t found = 3;
    if (!strcmp(code, "field_count")) {
        snprintf(en, n, "Expected %d fields, found %zu", GK_CC_NCOLUMNS, found);
        snprintf(ja, n, "項目数が %zu です（%d 項目のはずです）", found, GK_CC_NCOLUMNS);
    } else if (!strcmp(code, "unclosed_quote")) {
        snprintf(en, n, "A quoted field is not closed before the end of the file");
        snprintf(ja, n, "引用符で始まる項目が閉じられないままファイルが終わっています");
    } else if (!strcmp(code, "text_after_quote")) {
        snprintf(en, n, "Text follows a closing quote (a quote inside a field must be doubled)");
        snprintf(ja, n, "閉じ引用符の後に文字があります（項目内の引用符は二重にしてください）");
    } else if (!strcmp(code, "too_long")) {
        snprintf(en, n, "The record is longer than %d bytes", GK_CC_MAX_RECORD);
        snprintf(ja, n, "行が %d バイトを超えています", GK_CC_MAX_RECORD);
    } else if (!strcmp(code, "nul_byte")) {
        snprintf(en, n, "The record contains a NUL byte");
        snprintf(ja, n, "行に NUL バイトが含まれています");
    } else if (!strcmp(code, "required")) {
        snprintf(en, n, "%s is empty", c);
        snprintf(ja, n, "%s が空です", c);
    } else if (!strcmp(code, "bad_date")) {
        snprintf(en, n, "%s is not a date in the form MM/DD/YYYY", c);
        snprintf(ja, n, "%s が MM/DD/YYYY 形式の日付ではありません", c);
    } else if (!strcmp(code, "bad_scheme")) {
        snprintf(en, n, "%s must be a country code of 2 or 3 letters", c);
        snprintf(ja, n, "%s は 2〜3 文字の国コードにしてください", c);
    } else if (!strcmp(code, "bad_text")) {
        snprintf(en, n, "%s contains control characters or is too long", c);
        snprintf(ja, n, "%s に制御文字が含まれているか、長すぎます", c);
    } else if (!strcmp(code, "end_before_start")) {
        snprintf(en, n, "Archived Date is before Certification Date");
        snprintf(ja, n, "Archived Date が Certification Date より前です");
    } else if (!strcmp(code, "bad_url")) {
        snprintf(en, n, "%s must start with http:// or https://", c);
        snprintf(ja, n, "%s は http:// か https:// で始まる URL にしてください", c);
    } else if (!strcmp(code, "bad_protection_profiles")) {
        snprintf(en, n, "%s: more than %d profiles, or a name longer than %d bytes", c,
                 GK_CC_MAX_PPS, GK_CC_PP_NAME_LEN - 1);
        snprintf(
            ja, n,
            "%s: プロテクションプロファイルが %d 件を超えているか、名前が %d バイトを超えています",
            c, GK_CC_MAX_PPS, GK_CC_PP_NAME_LEN - 1);
    } else if (!strcmp(code, "maintenance_incomplete")) {
        snprintf(en, n, "Maintenance Date and Maintenance Title must be given together");
        snprintf(ja, n, "Maintenance Date と Maintenance Title は両方を記入してください");
    } else {
        snprintf(en, n, "More than %d maintenance updates for one certificate",
                 GK_CC_MAX_MAINTENANCE);
        snprintf(ja, n, "1 件の認証に対する保守更新が %d 件を超えています", GK_CC_MAX_MAINTENANCE);
    }
}

static const char *const reject_codes[] = {"field_count",
                                           "unclosed_quote",
                                           "text_after_quote",
                                           "too_long",
                                           "nul_byte",
                                           "required",
                                           "bad_date",
                                           "bad_scheme",
                                           "bad_text",
                                           "end_before_start",
                                           "bad_url",
                                           "bad_protection_profiles",
                                           "maintenance_incomplete",
                                           "too_many_maintenance"};

static gk_arena arena;
static gk_call call_en, call_ja;

static int setup(void **state)
{
    char *err = NULL;
    gk_app.messages = gk_messages_load("templates/messages", &err);
    if (!gk_app.messages) fail_msg("catalogues: %s", err ? err : "?");
    call_en = (gk_call){.lang = "en", .arena = &arena};
    call_ja = (gk_call){.lang = "ja", .arena = &arena};
    return 0;
}

static int teardown(void **state)
{
    gk_messages_free(gk_app.messages);
    gk_app.messages = NULL;
    gk_arena_free(&arena);
    return 0;
}

static const char *msg(const char *lang, const char *key)
{
    assert_true(gk_messages_has(gk_app.messages, key));
    return gk_messages_get(gk_app.messages, lang, key);
}

/* Every rationale of every combination of facts under both rule sets, through the view the
 * API returns. */
static void determination_reasons_unchanged(void **state)
{
    size_t n, seen = 0;
    const gk_rule_set *sets = gk_rule_set_builtin(&n);
    for (size_t s = 0; s < n; s++) {
        for (int bits = 0; bits < 32; bits++) {
            gk_facts f = {{0}}; /* the five facts of a filing before the two parts */
            for (int k = 0; k <= GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE; k++)
                f.v[k] = (bits >> k) & 1 ? GK_TRI_TRUE : GK_TRI_FALSE;
            gk_determination d;
            assert_int_equal(gk_determination_run(&f, &sets[s], &d), GK_ERR_OK);
            for (int l = 0; l < 2; l++) {
                json_t *v = gk_view_determination(&d, l ? "ja" : "en");
                assert_non_null(v);
                for (size_t k = 0; k < d.n_rationale; k++) {
                    json_t *e = json_array_get(json_object_get(v, "rationale"), k);
                    char code[96];
                    snprintf(code, sizeof code, "%s.%s", d.rationale[k].name,
                             d.rationale[k].holds ? "holds" : "fails");
                    bool found = false;
                    for (size_t t = 0; t < sizeof det_texts / sizeof det_texts[0]; t++) {
                        if (strcmp(det_texts[t].code, code)) continue;
                        found = true;
                        assert_string_equal(json_string_value(json_object_get(e, "reason_en")),
                                            det_texts[t].en);
                        assert_string_equal(json_string_value(json_object_get(e, "reason_ja")),
                                            det_texts[t].ja);
                        assert_string_equal(json_string_value(json_object_get(e, "reason")),
                                            l ? det_texts[t].ja : det_texts[t].en);
                    }
                    if (!found) fail_msg("no expected text for %s", code);
                    seen++;
                }
                json_decref(v);
            }
        }
    }
    assert_int_equal(seen, 2 * 32 * 2 * GK_TEST__COUNT);
    /* Each of the twelve reasons has its key. */
    for (size_t t = 0; t < sizeof det_texts / sizeof det_texts[0]; t++) {
        char key[128];
        snprintf(key, sizeof key, "determination.reason.%s", det_texts[t].code);
        assert_string_equal(msg("en", key), det_texts[t].en);
        assert_string_equal(msg("ja", key), det_texts[t].ja);
    }
    assert_int_equal(sizeof det_texts / sizeof det_texts[0], 2 * GK_TEST__COUNT);
}

static void cc_reasons_unchanged(void **state)
{
    assert_int_equal(sizeof ccra_texts / sizeof ccra_texts[0], GK_CC_REASON__COUNT);
    for (size_t i = 0; i < sizeof ccra_texts / sizeof ccra_texts[0]; i++) {
        assert_string_equal(gk_cc_ccra_text("en", ccra_texts[i].code), ccra_texts[i].en);
        assert_string_equal(gk_cc_ccra_text("ja", ccra_texts[i].code), ccra_texts[i].ja);
    }
    assert_int_equal(sizeof validity_texts / sizeof validity_texts[0], GK_CC_VALIDITY__COUNT);
    for (int v = 0; v < GK_CC_VALIDITY__COUNT; v++) {
        assert_string_equal(gk_cc_validity_name(v), validity_texts[v].code);
        assert_string_equal(gk_cc_validity_text("en", v), validity_texts[v].en);
        assert_string_equal(gk_cc_validity_text("ja", v), validity_texts[v].ja);
    }
}

static void csv_rejections_unchanged(void **state)
{
    for (size_t i = 0; i < sizeof reject_codes / sizeof reject_codes[0]; i++) {
        const char *code = reject_codes[i];
        gk_cc_rejection rj = {.line = 2, .code = code, .column = "Name"};
        /* the numbers as the parser gives them (see csv.h) */
        if (!strcmp(code, "field_count")) rj.found = 3, rj.limit = GK_CC_NCOLUMNS;
        if (!strcmp(code, "too_long")) rj.limit = GK_CC_MAX_RECORD;
        if (!strcmp(code, "bad_protection_profiles"))
            rj.limit = GK_CC_MAX_PPS, rj.name_limit = GK_CC_PP_NAME_LEN - 1;
        if (!strcmp(code, "too_many_maintenance")) rj.limit = GK_CC_MAX_MAINTENANCE;
        char en[512], ja[512];
        old_rejection(code, en, ja, sizeof en);
        assert_string_equal(gk_cc_rejection_text(&call_en, &rj), en);
        assert_string_equal(gk_cc_rejection_text(&call_ja, &rj), ja);
    }
}

static int ignore_cert(void *ctx, const gk_cc_cert *c)
{
    return 0;
}

static void csv_header_texts_unchanged(void **state)
{
    for (size_t i = 0; i < sizeof header_texts / sizeof header_texts[0]; i++) {
        gk_cc_parser *p = gk_cc_parser_new(false, ignore_cert, NULL, NULL);
        assert_non_null(p);
        gk_cc_status st = gk_cc_parser_feed(p, header_texts[i].csv, strlen(header_texts[i].csv));
        if (st == GK_CC_OK) st = gk_cc_parser_finish(p);
        assert_int_equal(st, GK_CC_BAD_HEADER);
        const gk_cc_header_problem *h = gk_cc_parser_header_problem(p);
        assert_non_null(h);
        assert_string_equal(gk_cc_header_text(&call_en, h), header_texts[i].en);
        assert_string_equal(gk_cc_header_text(&call_ja, h), header_texts[i].ja);
        gk_cc_parser_free(p);
    }
}

/* ---- the determination input ---------------------------------------------------------- */

static const char *pairs_get(void *ctx, const char *name)
{
    for (const char *const *p = ctx; *p; p += 2)
        if (!strcmp(*p, name)) return p[1];
    return NULL;
}

static const char *fields_of(json_t *errors, char *buf, size_t n)
{
    buf[0] = 0;
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, "%s%s", used ? "," : "",
                 json_string_value(json_object_get(e, "field")));
    }
    return buf;
}

static void determination_input_json(void **state)
{
    static const struct {
        const char *body;
        int bad;
        const char *fields;
    } cases[] = {
        {"{\"facts\": {\"directly_connectable\": true, \"data_transmission_facility\": true,"
         " \"uses_ip\": false, \"remotely_configurable\": true,"
         " \"user_installable_security_software\": false}, \"filing_date\": \"2021-06-01\","
         " \"opt_in_rule_set\": null}",
         0, ""},
        {"{}", 1, "facts"},
        {"{\"facts\": []}", 1, "facts"},
        {"{\"facts\": {\"uses_ip\": 1, \"x\": true}, \"filing_date\": \"June\","
         " \"opt_in_rule_set\": 7}",
         7,
         "facts.data_transmission_facility,facts.uses_ip,"
         "facts.remotely_configurable,facts.user_installable_security_software,facts.x,"
         "filing_date,opt_in_rule_set"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *body = json_loads(cases[i].body, 0, NULL);
        assert_non_null(body);
        json_t *errors = NULL;
        gk_determination_in in;
        int bad = gk_svc_determination_read(&call_en, body, NULL, NULL, &in, &errors);
        char buf[1024];
        if (strcmp(fields_of(errors, buf, sizeof buf), cases[i].fields))
            fail_msg("case %zu: fields %s", i, buf);
        assert_int_equal(bad, cases[i].bad);
        assert_int_equal(bad, (int)json_array_size(errors));
        if (i == 0) {
            assert_int_equal(in.facts.v[GK_FACT_USES_IP], GK_TRI_FALSE);
            assert_int_equal(in.facts.v[GK_FACT_DIRECTLY_CONNECTABLE], GK_TRI_TRUE);
            char d[GK_DATE_BUF];
            assert_string_equal(gk_date_format(in.filing_date, d), "2021-06-01");
            assert_null(in.opt_in_rule_set);
        }
        json_decref(errors);
        json_decref(body);
    }
}

static void determination_input_query(void **state)
{
    const char *ok[] = {
        "directly_connectable", "yes", "uses_ip", "false", "opt_in_rule_set", "2020-04",
        "filing_date",          "",    NULL};
    json_t *errors = NULL;
    gk_determination_in in;
    assert_int_equal(gk_svc_determination_read(&call_ja, NULL, pairs_get, ok, &in, &errors), 0);
    assert_null(errors);
    assert_int_equal(in.facts.v[GK_FACT_DIRECTLY_CONNECTABLE], GK_TRI_TRUE);
    assert_int_equal(in.facts.v[GK_FACT_USES_IP], GK_TRI_FALSE);
    assert_int_equal(in.facts.v[GK_FACT_REMOTELY_CONFIGURABLE], GK_TRI_UNSET);
    assert_string_equal(in.opt_in_rule_set, "2020-04");
    assert_int_equal(in.filing_date, gk_date_today_utc());

    const char *bad[] = {"uses_ip", "maybe", "filing_date", "2021-13-01", NULL};
    assert_int_equal(gk_svc_determination_read(&call_ja, NULL, pairs_get, bad, &in, &errors), 2);
    char buf[256];
    assert_string_equal(fields_of(errors, buf, sizeof buf), "facts.uses_ip,filing_date");
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "message")),
                        "はい か いいえ を選んでください");
    json_decref(errors);
}

/* The spec's fact paths are the domain's field names, in the domain's order. */
static void determination_spec_matches_domain(void **state)
{
    assert_int_equal(gk_determination_spec.n, GK_FACT__COUNT + 2);
    for (int i = 0; i < GK_FACT__COUNT; i++)
        assert_string_equal(gk_determination_spec.fields[i].path, gk_determination_fact_fields[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(determination_reasons_unchanged),
        cmocka_unit_test(cc_reasons_unchanged),
        cmocka_unit_test(csv_rejections_unchanged),
        cmocka_unit_test(csv_header_texts_unchanged),
        cmocka_unit_test(determination_input_json),
        cmocka_unit_test(determination_input_query),
        cmocka_unit_test(determination_spec_matches_domain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
