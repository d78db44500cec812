/* The law read closer (issue 15), as an examiner would try it: equipment the determination puts
 * outside certification is closed as "certification not required" with no certificate (a
 * grant is refused), and `not_applicable` is a verdict only on SR-2 (the report makes SR-1,
 * SR-3 and SR-4 mandatory).
 *
 * Fixtures: the admin made by scripts/test; everything else is created here with addresses of
 * its own. */
#include "bodies.h"
#include "harness.h"
#include "steps.h"

#define JSON_T "application/json"
#define CSV_T "text/csv"
#define PW "examination passphrase 1"
#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define APPS "/api/v1/applications"

/* Admin, two examiners and a manufacturer, signed in. */
#define STAFF(tag)                                                                                 \
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD), EXAMINER("ex1-" tag "@cb.test", "ex1"),          \
        EXAMINER("ex2-" tag "@cb.test", "ex2"), SIGNIN("ex1", "ex1-" tag "@cb.test", PW),          \
        SIGNIN("ex2", "ex2-" tag "@cb.test", PW), SIGNUP("Maker " tag, "maker-" tag "@mk.test"),   \
        SIGNIN("maker", "maker-" tag "@mk.test", PW)

#define DECLS                                                                                      \
    "{\"SR-1\": {\"description\": \"A password is asked before any remote setting.\"},"            \
    " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Printed per unit.\"},"     \
    " \"SR-3\": {\"description\": \"Signed firmware updates.\"},"                                  \
    " \"SR-4\": {\"description\": \"Kept in flash.\"}}"
#define CREATE(var, model, cc) CREATE_WITH(var, model, "router", FACTS_ALL_HOLD, cc)
#define CREATE_WITH(var, model, category, facts, cc)                                               \
    {                                                                                              \
        .name = "maker creates " model, .actor = "maker", .method = "POST", .path = APPS,          \
        .content_type = JSON_T,                                                                    \
        .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"" model "\","          \
                " \"type_name\": \"T-1\", \"category\": \"" category "\", \"facts\": " facts       \
                "}, \"declarations\": " DECLS cc "}",                                              \
        .expect_status = 201, .captures = {                                                        \
            CAPTURE_JSON(var, "id")                                                                \
        }                                                                                          \
    }

#define BOUNDARY "gk-exam-boundary-71c2"
#define MP_T "multipart/form-data; boundary=" BOUNDARY
#define UPLOAD_BODY(kind)                                                                          \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n" kind "\r\n"          \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"confidentiality\"\r\n\r\n"           \
    "confidential\r\n"                                                                             \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" kind            \
    ".pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n% " kind "\n%%EOF\n\r\n"             \
    "--" BOUNDARY "--\r\n"
#define UPLOAD(var, kind)                                                                          \
    {                                                                                              \
        .name = "maker uploads the " kind, .actor = "maker", .method = "POST",                     \
        .path = APPS "/{{" var "}}/documents", .content_type = MP_T, .body = UPLOAD_BODY(kind),    \
        .expect_status = 201                                                                       \
    }
#define SUBMIT(var)                                                                                \
    UPLOAD(var, "test_report"), UPLOAD(var, "outline"), UPLOAD(var, "external_view"),              \
        UPLOAD(var, "connection_diagram"), UPLOAD(var, "block_diagram"), UPLOAD(var, "manual"),    \
    {                                                                                              \
        .name = "maker submits", .actor = "maker", .method = "POST",                               \
        .path = APPS "/{{" var "}}/submit", .content_type = JSON_T, .body = "{}",                  \
        .expect_status = 200, .checks = {                                                          \
            JSON_STR("status", "submitted")                                                        \
        }                                                                                          \
    }
#define ASSIGN(var)                                                                                \
    {                                                                                              \
        .name = "ex1 assigns the case to self: in_review", .actor = "ex1", .method = "POST",       \
        .path = APPS "/{{" var "}}/assign", .content_type = JSON_T,                                \
        .body = "{\"examiner_id\": \"{{ex1}}\"}", .expect_status = 200, .checks = {                \
            JSON_STR("status", "in_review"),                                                       \
            JSON_STR("assigned_examiner_id", "{{ex1}}")                                            \
        }                                                                                          \
    }
#define VERDICT(var, req, v)                                                                       \
    {                                                                                              \
        .name = "ex1: " req " " v, .actor = "ex1", .method = "PUT",                                \
        .path = APPS "/{{" var "}}/requirements/" req "/verdict", .content_type = JSON_T,          \
        .body = "{\"verdict\": \"" v "\"}", .expect_status = 200, .checks = {                      \
            JSON_STR("requirement_id", req),                                                       \
            JSON_STR("verdict", v)                                                                 \
        }                                                                                          \
    }
#define PROPOSE(var, decision)                                                                     \
    {                                                                                              \
        .name = "ex1 proposes to " decision, .actor = "ex1", .method = "POST",                     \
        .path = APPS "/{{" var "}}/proposal", .content_type = JSON_T,                              \
        .body = "{\"decision\": \"" decision "\", \"reason\": \"The record supports it.\"}",       \
        .expect_status = 201, .checks = {                                                          \
            JSON_STR("status", "proposed"),                                                        \
            JSON_STR("proposal.decision", decision),                                               \
            JSON_STR("proposal.proposed_by", "{{ex1}}")                                            \
        }                                                                                          \
    }

/* Large white goods with an Ethernet port, always behind the home router and never taken
 * outside: outside certification (report (4)). */
#define FACTS_NOT_SUBJECT                                                                          \
    "{\"directly_connectable\": false, \"data_transmission_facility\": true,"                      \
    " \"uses_ip\": true, \"remotely_configurable\": true,"                                         \
    " \"user_installable_security_software\": false}"

#define NA(var, req, expect)                                                                       \
    {                                                                                              \
        .name = "ex1: " req " not_applicable with a reason: " #expect, .actor = "ex1",             \
        .method = "PUT", .path = APPS "/{{" var "}}/requirements/" req "/verdict",                 \
        .content_type = JSON_T,                                                                    \
        .body = "{\"verdict\": \"not_applicable\", \"reason\": \"No remote login.\"}",             \
        .expect_status = expect                                                                    \
    }

/* ---- 1. not_subject: no grant, closed as not required ------------------------------------ */

static const ht_step not_subject[] = {
    STAFF("law-ns"),
    CREATE_WITH("app", "LAW Fridge 1", "other", FACTS_NOT_SUBJECT, ""),
    SUBMIT("app"),
    ASSIGN("app"),
    {.name = "the case's determination is not_subject",
     .actor = "ex1",
     .method = "GET",
     .path = APPS "/{{app}}/examination",
     .expect_status = 200,
     .checks = {JSON_STR("application.determination.outcome", "not_subject")}},
    {.name = "a grant proposal: 409 case.not_certifiable naming the determination",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"Manual states it.\"}",
     .expect_status = 409,
     .expect_code = "case.not_certifiable",
     .checks = {JSON_STR("errors[0].field", "determination.outcome")}},
    PROPOSE("app", "not_required"),
    {.name = "the proposer cannot close it alone: 403",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true}",
     .expect_status = 403,
     .expect_code = "review.own_proposal"},
    {.name = "the second examiner approves: closed_not_required, no certificate",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Always behind the router.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "closed_not_required"),
                BODY_LACKS("\"certificate_number\":\"")}},
    {.name = "the applicant sees the closed case and its determination",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "closed_not_required"),
                JSON_STR("determination.outcome", "not_subject"),
                JSON_TYPE("determination.rationale", "array"),
                JSON_STR("determination.obligation_statements[0].id",
                         "connect_through_certified_equipment"),
                JSON_STR("determination.obligation_statements[1].id",
                         "carrier_inspection_for_direct_connection")}},
    {.name = "the applicant's case page says why, with the two manual statements (2020 rule set)",
     .actor = "maker",
     .method = "GET",
     .path = "/applications/{{app}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_HAS("id=\"not-required\""),
                BODY_HAS("Certification is not required for this equipment"),
                BODY_HAS("and never directly to a carrier"),
                BODY_HAS("connected through already certified equipment (such as a router)"),
                BODY_HAS("connecting the equipment directly to a carrier"),
                BODY_HAS("requires the carrier")}},
    {.name = "and in Japanese",
     .actor = "maker",
     .method = "GET",
     .path = "/applications/{{app}}?lang=ja",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_HAS("class=\"manual-statements\""),
                BODY_HAS("この機器は技術基準適合認定を要しません")}},
    {.name = "nothing more can be proposed on it: 409",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"r\"}",
     .expect_status = 409},
};

/* not_required is no way around an examination of equipment inside certification. */
static const ht_step not_required_needs_not_subject[] = {
    STAFF("law-nr"),
    CREATE("app", "LAW Router NR", ""),
    SUBMIT("app"),
    ASSIGN("app"),
    {.name = "not_required for a router inside certification: 422 decision",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"not_required\", \"reason\": \"r\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "decision")}},
};

/* ---- 3. not_applicable only on SR-2, and only with a reason ------------------------------- */

static const ht_step verdicts[] = {
    STAFF("law-na"),
    CREATE("app", "LAW Router NA", ""),
    SUBMIT("app"),
    ASSIGN("app"),
    NA("app", "SR-1", 422),
    NA("app", "SR-3", 422),
    NA("app", "SR-4", 422),
    {.name = "the refusal names the verdict",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-1/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"not_applicable\", \"reason\": \"No remote login.\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "verdict")}},
    {.name = "SR-2 not_applicable without a reason: 422 reason",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-2/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"not_applicable\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "reason")}},
    {.name = "SR-2 not_applicable with a reason (button pairing, no identification code)",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-2/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"not_applicable\", \"reason\": \"Access control pairs by a physical"
             " button; no identification code is used.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("verdict", "not_applicable")}},
    VERDICT("app", "SR-1", "pass"),
    VERDICT("app", "SR-3", "pass"),
    VERDICT("app", "SR-4", "pass"),
    PROPOSE("app", "grant"),
    {.name = "a second examiner approves: granted, basis tested",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Checked.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted")},
     .captures = {CAPTURE_JSON("num", "certificate_number")}},
    {.name = "the certificate's basis is tested",
     .method = "GET",
     .path = "/api/v1/certificates/{{num}}",
     .expect_status = 200,
     .checks = {JSON_STR("basis", "tested")}},
};

/* ---- 2. the two-part direct-connection test ----------------------------------------------- */

#define DET "/api/v1/determinations"
#define ROUTER_REST                                                                                \
    " \"data_transmission_facility\": true, \"uses_ip\": true, \"remotely_configurable\": true,"   \
    " \"user_installable_security_software\": false"
#define PARTS(c, a)                                                                                \
    "{\"connectable_to_carrier_line\": " c ", \"always_via_certified_equipment\": " a              \
    "," ROUTER_REST "}"
#define DETERMINE(name_, facts, outcome)                                                           \
    {                                                                                              \
        .name = name_, .method = "POST", .path = DET, .content_type = JSON_T,                      \
        .body = "{\"facts\": " facts ", \"filing_date\": \"2021-06-01\"}", .expect_status = 200,   \
        .checks = {                                                                                \
            JSON_STR("outcome", outcome)                                                           \
        }                                                                                          \
    }

static const ht_step connection[] = {
    /* A portable Wi-Fi device lives behind the home router but can join public Wi-Fi: it is
     * expected to be used directly, so it is certified (today's single question let it answer
     * "No" and escape). */
    DETERMINE("a portable Wi-Fi device: subject_with_security", PARTS("true", "false"),
              "subject_with_security"),
    {.name = "white goods with an Ethernet port, always behind the router and never taken "
             "outside: not_subject, decided by that answer",
     .method = "POST",
     .path = DET,
     .content_type = JSON_T,
     .body = "{\"facts\": " PARTS("true", "true") ", \"filing_date\": \"2021-06-01\"}",
     .expect_status = 200,
     .headers = {"Accept-Language: en"},
     .checks = {JSON_STR("outcome", "not_subject"),
                JSON_STR("rationale[0].test", "direct_connection"),
                JSON_EQ("rationale[0].decisive", "true"),
                JSON_STR("rationale[0].reason_en",
                         "Decided by your answer \"always through certified equipment\": the "
                         "equipment is constantly connected through already certified equipment "
                         "and is not at all expected to be used connected directly to a "
                         "carrier's line (the report's example: large white goods), so it is "
                         "outside certification.")}},
    DETERMINE("not physically and technically connectable: not_subject", PARTS("false", "false"),
              "not_subject"),
    DETERMINE("the shorthand directly_connectable still answers",
              "{\"directly_connectable\": true," ROUTER_REST "}", "subject_with_security"),
    {.name = "neither the parts nor the shorthand: 422 naming both parts",
     .method = "POST",
     .path = DET,
     .content_type = JSON_T,
     .body = "{\"facts\": {" ROUTER_REST "}, \"filing_date\": \"2021-06-01\"}",
     .expect_status = 422,
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[0].field", "facts.connectable_to_carrier_line"),
                JSON_STR("errors[1].field", "facts.always_via_certified_equipment")}},
    /* Filed: the parts are recorded, the shorthand is their conclusion. */
    STAFF("law-conn"),
    CREATE_WITH("app", "LAW Washer 1", "other", PARTS("true", "true"), ""),
    {.name = "the draft records both parts and the shorthand derived from them",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_EQ("device.facts.connectable_to_carrier_line", "true"),
                JSON_EQ("device.facts.always_via_certified_equipment", "true"),
                JSON_EQ("device.facts.directly_connectable", "false")}},
    SUBMIT("app"),
    {.name = "the filed case is not_subject",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_STR("determination.outcome", "not_subject")}},
};

/* ---- item 7: what an imported certificate claims ---------------------------------------- */

#define IMPORT_BASIS_CSV                                                                           \
    "number,route,category,manufacturer,model_name,type_name,granted_on,basis\n"                   \
    "D21-0001957,conformity,router,Basis Law Co.,BL-R1,,2021-05-01,\n"                             \
    "D21-0002957,conformity,router,Basis Law Co.,BL-R2,,2021-05-02,cc_equivalence\n"               \
    "D22-0001957,conformity,camera,Basis Law Co.,BL-C1,,2022-01-10,self_declared\n"                \
    "D19-0003957,conformity,router,Basis Law Co.,BL-R0,,2019-03-03,tested\n"

static const ht_step import_basis[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "the old seven-column file still imports; its rows state no basis",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = CSV_T,
     .body = "number,route,category,manufacturer,model_name,type_name,granted_on\n"
             "D21-0003957,conformity,router,Basis Law Co.,BL-R3,,2021-07-07\n"
             "A19-0004957,conformity,telephone,Basis Law Co.,BL-T1,,2019-06-01\n"
             "D19-0005957,conformity,gateway,Basis Law Co.,BL-G1,,2019-06-02\n"
             "D19-0006957,conformity,pc,Basis Law Co.,BL-P1,,2019-06-03\n",
     .expect_status = 200,
     .checks = {JSON_EQ("imported", "4"), JSON_LEN("rejected", 0)}},
    {.name = "imported without a basis: unstated, never tested",
     .method = "GET",
     .path = "/api/v1/certificates/D21-0003957",
     .expect_status = 200,
     .checks = {JSON_STR("rule_set", "2020-04"), JSON_STR("basis", "unstated"),
                JSON_EQ("grandfathered", "false")}},
    {.name = "a telephone granted in 2019 is not grandfathered (Art. 34-10 never covers it)",
     .method = "GET",
     .path = "/api/v1/certificates/A19-0004957",
     .expect_status = 200,
     .checks = {JSON_EQ("grandfathered", "false"), JSON_STR("rule_set", "pre-2020"),
                JSON_STR("basis", "not_applicable")}},
    {.name = "nor is a PC (exempt by the proviso)",
     .method = "GET",
     .path = "/api/v1/certificates/D19-0006957",
     .expect_status = 200,
     .checks = {JSON_EQ("grandfathered", "false")}},
    {.name = "a gateway granted in 2019 is grandfathered",
     .method = "GET",
     .path = "/api/v1/certificates/D19-0005957",
     .expect_status = 200,
     .checks = {JSON_EQ("grandfathered", "true"), JSON_STR("basis", "not_applicable")}},
    {.name = "with the basis column: an empty cell and cc_equivalence import; an unknown basis and "
             "a security basis under the pre-2020 rules are refused with their lines",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = CSV_T,
     .body = IMPORT_BASIS_CSV,
     .expect_status = 200,
     .checks = {JSON_EQ("imported", "2"), JSON_LEN("rejected", 2), JSON_EQ("rejected[0].line", "4"),
                JSON_EQ("rejected[1].line", "5")}},
    {.name = "an empty basis cell: unstated",
     .method = "GET",
     .path = "/api/v1/certificates/D21-0001957",
     .expect_status = 200,
     .checks = {JSON_STR("basis", "unstated")}},
    {.name = "basis cc_equivalence is kept",
     .method = "GET",
     .path = "/api/v1/certificates/D21-0002957",
     .expect_status = 200,
     .checks = {JSON_STR("basis", "cc_equivalence")}},
    {.name = "the registry filters on unstated",
     .method = "GET",
     .path = "/api/v1/certificates?q=basis&basis=unstated&limit=500",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2), JSON_STR("items[].number", "D21-0003957"),
                JSON_STR("items[].number", "D21-0001957")}},
};

/* ---- item 4: equivalence per requirement ------------------------------------------------- */

#define CC_LAW_CSV                                                                                 \
    "Category,Name,Manufacturer,Scheme,Assurance Level,Protection Profile(s),Certification Date,"  \
    "Archived Date,Certification Report URL,Security Target URL,Maintenance Date,"                 \
    "Maintenance Title,Maintenance Report,Maintenance ST\n"                                        \
    "Network Devices,LawRouter OS 9,Law Networks,JP,EAL2+ ALC_FLR.1,None,04/01/2024,"              \
    "04/01/2099,https://example.org/lr.pdf,https://example.org/lst.pdf,,,,\n"
#define EQUIV(var, body_, status)                                                                  \
    .actor = "ex1", .method = "POST", .path = APPS "/{{" var "}}/equivalence",                     \
    .content_type = JSON_T, .body = body_, .expect_status = status
#define CC_ACCEPT                                                                                  \
    "{\"cc_certificate_id\": \"{{cc}}\", \"accepted\": true, \"rationale\": \"TOE matches.\""
#define EVIDENCE(var, req, extra, status)                                                          \
    .actor = "ex1", .method = "POST", .path = APPS "/{{" var "}}/requirements/" req "/evidence",   \
    .content_type = JSON_T,                                                                        \
    .body =                                                                                        \
        "{\"procedure\": \"Read the label and the firmware.\", \"result\": \"Observed.\"" extra    \
        "}",                                                                                       \
    .expect_status = status

static const ht_step equivalence[] = {
    STAFF("law-eq"),
    {.name = "ex1 imports a CC certificate valid until 2099",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/cc-certificates/import",
     .content_type = CSV_T,
     .body = CC_LAW_CSV,
     .expect_status = 200},
    {.name = "find it",
     .method = "GET",
     .path = "/api/v1/cc-certificates?q=LawRouter%20OS%209",
     .expect_status = 200,
     .captures = {CAPTURE_JSON("cc", "items[0].id")}},
    CREATE("app", "LAW Router EQ", ", \"cc_certificate_id\": \"{{cc}}\""),
    SUBMIT("app"),
    ASSIGN("app"),
    VERDICT("app", "SR-1", "pass"),
    {.name = "accepting without requirements: 422 naming requirements",
     EQUIV("app", CC_ACCEPT "}", 422),
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[0].field", "requirements")}},
    {.name = "an empty requirements object: 422 naming requirements",
     EQUIV("app", CC_ACCEPT ", \"requirements\": {}}", 422),
     .checks = {JSON_STR("errors[0].field", "requirements")}},
    {.name = "an unknown requirement code: 422 naming it",
     EQUIV("app", CC_ACCEPT ", \"requirements\": {\"SR-9\": \"FIA_UAU.2\"}}", 422),
     .checks = {JSON_STR("errors[0].field", "requirements.SR-9")}},
    {.name = "the equivalence item is no requirement: 422",
     EQUIV("app", CC_ACCEPT ", \"requirements\": {\"EQ\": \"everything\"}}", 422),
     .checks = {JSON_STR("errors[0].field", "requirements.EQ")}},
    {.name = "a requirement without its justification: 422",
     EQUIV("app", CC_ACCEPT ", \"requirements\": {\"SR-1\": \"\"}}", 422),
     .checks = {JSON_STR("errors[0].field", "requirements.SR-1")}},
    {.name = "accepted for SR-1 and SR-3 only: only those become met_by_equivalence, and the "
             "replaced SR-1 pass is reported",
     EQUIV("app",
           CC_ACCEPT ", \"requirements\": {\"SR-1\": \"FIA_UAU.2 and FIA_UID.2: authentication "
                     "before any administrative action\", \"SR-3\": \"FPT_TUD_EXT.1: trusted "
                     "update\"}}",
           201),
     .checks = {JSON_EQ("accepted", "true"), JSON_STR("scheme", "cc"),
                JSON_EQ("verdicts_set", "[\"SR-1\", \"SR-3\"]"), JSON_LEN("mappings", 2),
                JSON_STR("mappings[0].requirement_id", "SR-1"),
                JSON_STR("mappings[1].justification", "FPT_TUD_EXT.1: trusted update"),
                JSON_LEN("verdicts_replaced", 1),
                JSON_STR("verdicts_replaced[0].requirement_id", "SR-1"),
                JSON_STR("verdicts_replaced[0].verdict", "pass")}},
    {.name = "the reviewing examiner sees every mapping, the untouched requirements and the "
             "earlier verdict",
     .actor = "ex2",
     .method = "GET",
     .path = APPS "/{{app}}/examination",
     .expect_status = 200,
     .checks = {JSON_STR("examination.requirements[0].verdict.verdict", "met_by_equivalence"),
                JSON_STR("examination.requirements[0].equivalence.justification",
                         "FIA_UAU.2 and FIA_UID.2: authentication before any administrative "
                         "action"),
                JSON_STR("examination.requirements[0].verdict_history[0].verdict", "pass"),
                JSON_STR("examination.requirements[0].verdict_history[0].replaced_by_verdict",
                         "met_by_equivalence"),
                JSON_EQ("examination.requirements[1].verdict", "null"),
                JSON_STR("examination.requirements[2].verdict.verdict", "met_by_equivalence"),
                JSON_EQ("examination.requirements[3].verdict", "null"),
                JSON_LEN("examination.equivalence[0].mappings", 2)}},
    {.name = "a grant now: 422 naming SR-2 and SR-4, still to examine",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"r\"}",
     .expect_status = 422,
     .checks = {JSON_LEN("errors", 2), JSON_STR("errors[0].field", "requirements.SR-2.verdict"),
                JSON_STR("errors[1].field", "requirements.SR-4.verdict")}},
    /* item 6: SR-2 asks whether per-device values are derivable */
    {.name = "SR-2 evidence without the derivability answer (declared unique_per_device): 422",
     EVIDENCE("app", "SR-2", "", 422),
     .checks = {JSON_STR("errors[0].field", "derivable_from_identifiers")}},
    {.name = "SR-2 evidence: the password is derived from the MAC address",
     EVIDENCE("app", "SR-2", ", \"derivable_from_identifiers\": true", 201),
     .checks = {JSON_EQ("findings.derivable_from_identifiers", "true")}},
    {.name = "SR-2 cannot pass on a derivable password: 422 naming verdict",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-2/verdict",
     .content_type = JSON_T,
     .headers = {"Accept-Language: en"},
     .body = "{\"verdict\": \"pass\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "verdict"), BODY_HAS("MAC address")}},
    {.name = "after a firmware fix the values are random per unit",
     EVIDENCE("app", "SR-2", ", \"derivable_from_identifiers\": false", 201)},
    VERDICT("app", "SR-2", "pass"),
    VERDICT("app", "SR-4", "pass"),
    {.name = "a later inspection finds the value derived from the serial number",
     EVIDENCE("app", "SR-2", ", \"derivable_from_identifiers\": true", 201)},
    {.name = "the grant is refused on SR-2 although its verdict is pass",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"r\"}",
     .expect_status = 422,
     .expect_code = "proposal.requirements_missing",
     .checks = {JSON_LEN("errors", 1), JSON_STR("errors[0].field", "requirements.SR-2.verdict")}},
    {.name = "the fixed firmware is checked again: not derivable",
     EVIDENCE("app", "SR-2", ", \"derivable_from_identifiers\": false", 201)},
    PROPOSE("app", "grant"),
    {.name = "the second examiner approves: granted",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Mappings checked.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted")},
     .captures = {CAPTURE_JSON("num", "certificate_number")}},
    {.name = "basis cc_equivalence",
     .method = "GET",
     .path = "/api/v1/certificates/{{num}}",
     .expect_status = 200,
     .checks = {JSON_STR("basis", "cc_equivalence")}},
};

/* Item 6: SR-2's text keeps the report's purpose; EQ is per requirement. */
static const ht_step requirement_texts[] = {
    {.name = "SR-2 says why: so that others cannot easily guess them, not derivable from the MAC",
     .method = "GET",
     .path = "/api/v1/rule-sets/2020-04",
     .expect_status = 200,
     .checks = {BODY_HAS("so that they are set to values others cannot easily guess"),
                BODY_HAS("such as the MAC address or serial number"),
                BODY_HAS("他人から容易に推測できないものとして設定されることを目的として"),
                BODY_HAS("Decided per requirement")}},
};

/* An equivalent function without any certificate, and certificates of other schemes. */
static const ht_step equivalent_function[] = {
    STAFF("law-ef"),
    {.name = "the recognised schemes are data: CC, IEC 62443-4-2, EN 303 645-based",
     .method = "GET",
     .path = "/api/v1/recognised-schemes",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "id=\"cc\"", "in_registry=true"),
                JSON_FIND("items", "id=\"iec_62443_4_2\"", "standard=\"IEC 62443-4-2\""),
                JSON_FIND("items", "id=\"etsi_en_303_645\"", NULL)}},
    CREATE("app", "LAW Router EF", ""),
    SUBMIT("app"),
    ASSIGN("app"),
    {.name = "met_by_equivalence with nothing to rest on: 422 naming verdict",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-4/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"met_by_equivalence\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "verdict")}},
    {.name = "an equivalent function without any certificate, with its justification",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-4/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"met_by_equivalence\", \"reason\": \"Settings and firmware live on "
             "a read-only image re-verified at boot: better than retention across power loss.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("verdict", "met_by_equivalence"), JSON_PRESENT("equivalence_decision_id"),
                JSON_EQ("previous", "null")}},
    {.name = "the case shows it as an equivalent function",
     .actor = "ex2",
     .method = "GET",
     .path = APPS "/{{app}}/examination",
     .expect_status = 200,
     .checks = {JSON_STR("examination.requirements[3].equivalence.basis", "equivalent_function"),
                JSON_EQ("examination.requirements[3].equivalence.scheme", "null"),
                JSON_LEN("examination.requirements[3].equivalence.mappings", 1)}},
    {.name = "an unknown scheme: 422 naming scheme",
     EQUIV("app",
           "{\"scheme\": \"astrology\", \"certificate_ref\": \"X-1\", \"accepted\": true,"
           " \"rationale\": \"r\", \"requirements\": {\"SR-1\": \"x\"}}",
           422),
     .checks = {JSON_STR("errors[0].field", "scheme")}},
    {.name = "another scheme's certificate without its reference: 422",
     EQUIV("app",
           "{\"scheme\": \"iec_62443_4_2\", \"accepted\": true, \"rationale\": \"r\","
           " \"requirements\": {\"SR-1\": \"x\"}}",
           422),
     .checks = {JSON_STR("errors[0].field", "certificate_ref")}},
    {.name = "an IEC 62443-4-2 certificate past its validity: 422",
     EQUIV("app",
           "{\"scheme\": \"iec_62443_4_2\", \"certificate_ref\": \"IECEE-62443-LAW-1\","
           " \"certificate_valid_until\": \"2020-01-01\", \"accepted\": true,"
           " \"rationale\": \"r\", \"requirements\": {\"SR-1\": \"CR 1.1\"}}",
           422),
     .expect_code = "equivalence.cc_not_valid"},
    {.name = "an IEC 62443-4-2 certificate covering SR-1 with the same per-requirement mapping",
     EQUIV("app",
           "{\"scheme\": \"iec_62443_4_2\", \"certificate_ref\": \"IECEE-62443-LAW-1\","
           " \"certificate_valid_until\": \"2099-01-01\", \"accepted\": true,"
           " \"rationale\": \"Component and version match.\","
           " \"requirements\": {\"SR-1\": \"CR 1.1 and CR 1.7 at SL 2\"}}",
           201),
     .checks = {JSON_STR("scheme", "iec_62443_4_2"),
                JSON_STR("certificate_ref", "IECEE-62443-LAW-1"),
                JSON_EQ("verdicts_set", "[\"SR-1\"]"), JSON_LEN("verdicts_replaced", 0)}},
    {.name = "refusing that certificate later removes the verdict it carried",
     EQUIV("app",
           "{\"scheme\": \"iec_62443_4_2\", \"certificate_ref\": \"IECEE-62443-LAW-1\","
           " \"accepted\": false, \"rationale\": \"Covers another hardware revision.\"}",
           201),
     .checks = {JSON_EQ("verdicts_removed", "[\"SR-1\"]")}},
    {.name = "SR-1 has no verdict again, and its history keeps the removed one; SR-4 stays",
     .actor = "ex2",
     .method = "GET",
     .path = APPS "/{{app}}/examination",
     .expect_status = 200,
     .checks = {JSON_EQ("examination.requirements[0].verdict", "null"),
                JSON_STR("examination.requirements[0].verdict_history[0].verdict",
                         "met_by_equivalence"),
                JSON_EQ("examination.requirements[0].verdict_history[0].replaced_by_verdict",
                        "null"),
                JSON_STR("examination.requirements[3].verdict.verdict", "met_by_equivalence")}},
    /* item 6: SR-3 records whether updates are secure and automatic, and how */
    {.name = "SR-3 evidence without the update findings: 422 naming each",
     EVIDENCE("app", "SR-3", "", 422),
     .checks = {JSON_LEN("errors", 3), JSON_STR("errors[0].field", "update_secure"),
                JSON_STR("errors[1].field", "update_automatic"),
                JSON_STR("errors[2].field", "update_method")}},
    {.name = "SR-3 evidence: signed but manual updates (recommended, not required)",
     EVIDENCE("app", "SR-3",
              ", \"update_secure\": true, \"update_automatic\": false, \"update_method\": "
              "\"Signed image uploaded through the web console\"",
              201),
     .checks = {JSON_EQ("findings.update_secure", "true"),
                JSON_EQ("findings.update_automatic", "false")}},
    VERDICT("app", "SR-3", "pass"),
    {.name = "the page form replaces the SR-3 verdict: the redirect names what changed",
     .actor = "ex1",
     .method = "POST",
     .path = "/examination/{{app}}/verdict",
     .content_type = "application/x-www-form-urlencoded",
     .body = "requirement=SR-3&verdict=fail&reason=Unsigned+images+accepted",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "changed=SR-3")}},
    {.name = "the case page says so and keeps the earlier verdict",
     .actor = "ex1",
     .method = "GET",
     .path = "/examination/{{app}}?done=verdict&changed=SR-3&lang=en",
     .headers = {"Accept: text/html", "Accept-Language: en"},
     .expect_status = 200,
     .checks = {BODY_HAS("Earlier verdicts replaced"), BODY_HAS("Earlier verdicts</h4>"),
                BODY_HAS("Unsigned images accepted")}},
};

/* ---- item 5: the manual statements, under the 2020 rule set only --------------------------- */

static const ht_step manual_statements[] = {
    {.name = "white goods filed in 2019 (pre-2020): not_subject, no manual obligation",
     .method = "POST",
     .path = DET,
     .content_type = JSON_T,
     .body = "{\"facts\": " PARTS("true", "true") ", \"filing_date\": \"2019-06-01\"}",
     .expect_status = 200,
     .checks = {JSON_STR("outcome", "not_subject"), JSON_LEN("obligations", 0),
                JSON_LEN("obligation_statements", 0)}},
    {.name = "filed in 2021: the obligation carries both of the report's statements",
     .method = "POST",
     .path = DET,
     .content_type = JSON_T,
     .headers = {"Accept-Language: en"},
     .body = "{\"facts\": " PARTS("true", "true") ", \"filing_date\": \"2021-06-01\"}",
     .expect_status = 200,
     .checks = {JSON_EQ("obligations", "[\"manual_no_direct_connection_statement\"]"),
                JSON_LEN("obligation_statements", 2),
                JSON_STR("obligation_statements[0].id", "connect_through_certified_equipment"),
                JSON_STR("obligation_statements[1].id", "carrier_inspection_for_direct_connection"),
                JSON_PRESENT("obligation_statements[1].text_ja"), BODY_HAS("inspection")}},
    {.name = "the determination page lists both statements (2021)",
     .method = "GET",
     .path = "/determination?lang=en&connectable_to_carrier_line=true"
             "&always_via_certified_equipment=true&data_transmission_facility=true&uses_ip=true"
             "&remotely_configurable=true&user_installable_security_software=false"
             "&filing_date=2021-06-01",
     .headers = {"Accept: text/html", "Accept-Language: en"},
     .expect_status = 200,
     .checks = {BODY_HAS("must be connected through already certified equipment"),
                BODY_HAS("requires the carrier")}},
    {.name = "and none under the pre-2020 rules",
     .method = "GET",
     .path = "/determination?lang=en&connectable_to_carrier_line=true"
             "&always_via_certified_equipment=true&data_transmission_facility=true&uses_ip=true"
             "&remotely_configurable=true&user_installable_security_software=false"
             "&filing_date=2019-06-01",
     .headers = {"Accept: text/html", "Accept-Language: en"},
     .expect_status = 200,
     .checks = {BODY_LACKS("must be connected through already certified equipment")}},
    STAFF("law-ms"),
    CREATE_WITH("app", "LAW Fridge 2", "other", FACTS_NOT_SUBJECT, ""),
    SUBMIT("app"),
    {.name = "the applicant sees both statements with the determination",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_STR("determination.outcome", "not_subject"),
                JSON_LEN("determination.obligation_statements", 2)}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("not-subject-closed-not-required", not_subject),
    HT_SCENARIO("not-required-needs-not-subject", not_required_needs_not_subject),
    HT_SCENARIO("not-applicable-only-sr2", verdicts),
    HT_SCENARIO("connection-two-parts", connection),
    HT_SCENARIO("import-basis", import_basis),
    HT_SCENARIO("equivalence-per-requirement", equivalence),
    HT_SCENARIO("equivalent-function-and-schemes", equivalent_function),
    HT_SCENARIO("manual-statements-2020-only", manual_statements),
    HT_SCENARIO("requirement-texts-follow-the-report", requirement_texts),
};

const ht_group ht_group_law = {"law", scenarios, HT_COUNT(scenarios)};
