#include "domain/determination.h"

#include <string.h>

const char *const gk_determination_fact_names[GK_FACT__COUNT] = {
    [GK_FACT_DIRECTLY_CONNECTABLE] = "directly_connectable",
    [GK_FACT_DATA_TRANSMISSION_FACILITY] = "data_transmission_facility",
    [GK_FACT_USES_IP] = "uses_ip",
    [GK_FACT_REMOTELY_CONFIGURABLE] = "remotely_configurable",
    [GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE] = "user_installable_security_software",
};

const char *const gk_determination_fact_fields[GK_FACT__COUNT] = {
    [GK_FACT_DIRECTLY_CONNECTABLE] = "facts.directly_connectable",
    [GK_FACT_DATA_TRANSMISSION_FACILITY] = "facts.data_transmission_facility",
    [GK_FACT_USES_IP] = "facts.uses_ip",
    [GK_FACT_REMOTELY_CONFIGURABLE] = "facts.remotely_configurable",
    [GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE] = "facts.user_installable_security_software",
};

int gk_determination_fact_index(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < GK_FACT__COUNT; i++)
        if (strcmp(gk_determination_fact_names[i], name) == 0) return i;
    return -1;
}

static const char *const outcome_names[GK_OUTCOME__COUNT] = {
    [GK_OUTCOME_NOT_SUBJECT] = "not_subject",
    [GK_OUTCOME_SUBJECT_GENERAL_ONLY] = "subject_general_only",
    [GK_OUTCOME_SUBJECT_WITH_SECURITY] = "subject_with_security",
};

const char *gk_outcome_name(gk_outcome outcome)
{
    return (unsigned)outcome < GK_OUTCOME__COUNT ? outcome_names[outcome] : "unknown";
}

bool gk_outcome_from_name(const char *name, gk_outcome *out)
{
    for (int i = 0; name && i < GK_OUTCOME__COUNT; i++) {
        if (strcmp(outcome_names[i], name) == 0) {
            *out = (gk_outcome)i;
            return true;
        }
    }
    return false;
}

/* One row per test: its name, the fact it reads (-1: none) and which value makes it hold,
 * and the reasons when it holds and when it fails. */
static const struct {
    const char *name;
    int fact;
    gk_tristate holds_when;
    const char *holds_en, *holds_ja, *fails_en, *fails_ja;
} tests[GK_TEST__COUNT] = {
    [GK_TEST_DIRECT_CONNECTION] =
        {"direct_connection", GK_FACT_DIRECTLY_CONNECTABLE, GK_TRI_TRUE,
         "The equipment can be connected physically and technically directly to a carrier's "
         "line facility, so it needs technical conformity certification.",
         "電気通信事業者の電気通信回線設備に物理的かつ技術的に直接接続可能な端末機器であり、"
         "技術基準適合認定等の対象となる。",
         "The equipment is always connected through already certified equipment and never "
         "directly to a carrier's line, so it is outside certification; its manual must say "
         "that it cannot be connected directly (public wireless LAN included) and needs a "
         "router or similar.",
         "恒常的に既認定機器を介して接続し、電気通信事業者の電気通信回線設備に直接接続されない"
         "機器であるため、技術基準適合認定等の対象外となる。取扱説明書に、直接接続できないこと"
         "（公衆無線LANを含む）及びルータ等を介して接続する必要があることの記載が必要。"},
    [GK_TEST_DATA_TRANSMISSION_FACILITY] =
        {"data_transmission_facility", GK_FACT_DATA_TRANSMISSION_FACILITY, GK_TRI_TRUE,
         "It connects to a carrier's digital data transmission facility (Art. 34-10: terminal "
         "of a dedicated line facility etc.).",
         "デジタルデータ伝送用設備に接続される専用通信回線設備等端末である（第34条の10）。",
         "It does not connect to a digital data transmission facility, so Article 34-10 does "
         "not apply.",
         "デジタルデータ伝送用設備に接続される端末ではないため、第34条の10は適用されない。"},
    [GK_TEST_INTERNET_PROTOCOL] =
        {"internet_protocol", GK_FACT_USES_IP, GK_TRI_TRUE,
         "It uses Internet Protocol on that connection.",
         "当該接続においてインターネットプロトコルを使用する。",
         "It does not use Internet Protocol on that connection, so Article 34-10 does not "
         "apply.",
         "インターネットプロトコルを使用しないため、第34条の10は適用されない。"},
    [GK_TEST_REMOTE_CONFIGURATION] =
        {"remote_configuration", GK_FACT_REMOTELY_CONFIGURABLE, GK_TRI_TRUE,
         "The settings of its send/receive functions can be changed via the line.",
         "電気通信回線設備を介して接続することにより、電気通信の送受信に係る機能の設定を変更"
         "できる。",
         "The settings of its send/receive functions cannot be changed via the line, so "
         "Article 34-10 does not apply.",
         "電気通信回線設備を介して電気通信の送受信に係る機能を変更できないため、第34条の10は"
         "適用されない。"},
    [GK_TEST_NOT_USER_SECURABLE] =
        {"not_user_securable", GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE, GK_TRI_FALSE,
         "Its user cannot take the necessary measures at will with arbitrary software, so the "
         "proviso (ただし書) of Article 34-10 does not exempt it.",
         "利用者が任意のソフトウェアにより随時かつ容易に必要な対策を行うことができる機器では"
         "なく、第34条の10ただし書の適用除外に該当しない。",
         "Its user can, at will, at any time and easily, take the necessary measures with "
         "arbitrary software (like a PC or smartphone): exempt under the proviso (ただし書) of "
         "Article 34-10.",
         "利用者が任意のソフトウェアにより随時かつ容易に必要な対策を行うことができる機器"
         "（PC、スマートフォン等）であり、第34条の10ただし書により適用除外となる。"},
    [GK_TEST_RULE_SET_SECURITY_REQUIREMENTS] =
        {"rule_set_security_requirements", -1, GK_TRI_TRUE,
         "The governing rule set contains the security requirements of Article 34-10.",
         "適用される規則に第34条の10のセキュリティ要件が含まれる。",
         "The governing rule set has no security requirements (the application is judged "
         "under the rules before Article 34-10 took effect).",
         "適用される規則にはセキュリティ要件が含まれない（第34条の10施行前の規則による審査）。"},
};

const char *gk_test_name(gk_test test)
{
    return (unsigned)test < GK_TEST__COUNT ? tests[test].name : "unknown";
}

static size_t collect_missing(const gk_facts *facts, gk_determination *out)
{
    for (int i = 0; i < GK_FACT__COUNT; i++)
        if (facts->v[i] != GK_TRI_TRUE && facts->v[i] != GK_TRI_FALSE)
            out->missing[out->n_missing++] = gk_determination_fact_fields[i];
    return out->n_missing;
}

static void evaluate_tests(const gk_facts *facts, const gk_rule_set *rs, bool holds[])
{
    for (int t = 0; t < GK_TEST__COUNT; t++)
        holds[t] = tests[t].fact >= 0 ? facts->v[tests[t].fact] == tests[t].holds_when
                                      : gk_rule_set_has_security_requirements(rs);
}

/* Applies the outcome rules (see the header) and marks the deciding tests. */
static gk_outcome decide(const bool holds[], bool decisive[])
{
    memset(decisive, 0, GK_TEST__COUNT * sizeof decisive[0]);
    if (!holds[GK_TEST_DIRECT_CONNECTION]) {
        decisive[GK_TEST_DIRECT_CONNECTION] = true;
        return GK_OUTCOME_NOT_SUBJECT;
    }
    if (!holds[GK_TEST_RULE_SET_SECURITY_REQUIREMENTS]) {
        decisive[GK_TEST_RULE_SET_SECURITY_REQUIREMENTS] = true;
        return GK_OUTCOME_SUBJECT_GENERAL_ONLY;
    }
    bool any_fails = false;
    for (int t = GK_TEST_DATA_TRANSMISSION_FACILITY; t <= GK_TEST_NOT_USER_SECURABLE; t++)
        if (!holds[t]) any_fails = decisive[t] = true;
    if (any_fails) return GK_OUTCOME_SUBJECT_GENERAL_ONLY;
    for (int t = 0; t < GK_TEST__COUNT; t++)
        decisive[t] = true;
    return GK_OUTCOME_SUBJECT_WITH_SECURITY;
}

gk_error gk_determination_run(const gk_facts *facts, const gk_rule_set *rule_set,
                              gk_determination *out)
{
    memset(out, 0, sizeof *out);
    if (collect_missing(facts, out) > 0) return GK_ERR_VALIDATION;
    if (!rule_set) return GK_ERR_INTERNAL;

    bool holds[GK_TEST__COUNT], decisive[GK_TEST__COUNT];
    evaluate_tests(facts, rule_set, holds);
    out->outcome = decide(holds, decisive);
    out->rule_set = rule_set;

    for (int t = 0; t < GK_TEST__COUNT; t++) {
        gk_rationale_entry *e = &out->rationale[out->n_rationale++];
        e->test = (gk_test)t;
        e->name = tests[t].name;
        e->holds = holds[t];
        e->decisive = decisive[t];
        e->reason_en = holds[t] ? tests[t].holds_en : tests[t].fails_en;
        e->reason_ja = holds[t] ? tests[t].holds_ja : tests[t].fails_ja;
    }

    if (out->outcome == GK_OUTCOME_NOT_SUBJECT)
        out->obligations[out->n_obligations++] = GK_OBLIGATION_MANUAL_NO_DIRECT_CONNECTION;

    if (out->outcome == GK_OUTCOME_SUBJECT_WITH_SECURITY) {
        for (size_t i = 0; i < rule_set->n_requirements; i++) {
            if (rule_set->requirements[i].kind != GK_REQ_KIND_REQUIREMENT) continue;
            if (out->n_requirements == GK_RULE_SET_MAX_REQUIREMENTS) {
                /* gk_rule_set_check refuses such data at load time: a bug if reached. */
                memset(out, 0, sizeof *out);
                return GK_ERR_INTERNAL;
            }
            out->requirements[out->n_requirements++] = rule_set->requirements[i].id;
        }
    }
    return GK_ERR_OK;
}

gk_error gk_determination_on(const gk_rule_set *sets, size_t n, const gk_facts *facts,
                             gk_date filing_date, const char *opt_in_rule_set,
                             gk_determination *out)
{
    memset(out, 0, sizeof *out);
    if (collect_missing(facts, out) > 0) return GK_ERR_VALIDATION;
    const gk_rule_set *rs;
    gk_error e = gk_rule_set_select(sets, n, filing_date, opt_in_rule_set, &rs);
    if (e != GK_ERR_OK) return e;
    return gk_determination_run(facts, rs, out);
}
