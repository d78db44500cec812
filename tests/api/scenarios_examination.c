/* Examination and certificates, as api.md and domain.md state them: a manufacturer files, an
 * examiner assigns the case, records evidence (with the documents' SHA-256) and verdicts,
 * asks for information and gets the answer, proposes; the proposer cannot review their own
 * proposal (403), a second examiner approves and the certificate is issued with a gap-free
 * number and an Ed25519 signature the server checks against GET /signing-keys. Also: a grant
 * refused while a verdict is missing (422 naming it), CC equivalence accepted and refused
 * (unknown or expired certificate: 422), the reject path, a proposal sent back, the
 * certificate life cycle (suspend, reinstate, revoke) and the bulk import with a bad line.
 *
 * Fixtures: the admin made by scripts/test (admin@api.test); everything else is created here
 * with e-mail addresses of its own, so the file assumes a fresh database. The two grants of
 * the first scenario follow each other, so the second's previous_number is the first's
 * number (consecutive serials). */
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
#define CREATE(var, model, cc)                                                                     \
    {                                                                                              \
        .name = "maker creates " model, .actor = "maker", .method = "POST", .path = APPS,          \
        .content_type = JSON_T,                                                                    \
        .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"" model "\","          \
                " \"type_name\": \"T-1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD    \
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
    UPLOAD(var, "outline"), UPLOAD(var, "external_view"), UPLOAD(var, "connection_diagram"),       \
        UPLOAD(var, "block_diagram"), UPLOAD(var, "manual"),                                       \
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

/* A CC Portal file: one certificate valid far ahead, one whose validity ended in 2020. */
#define CC_HEADER                                                                                  \
    "Category,Name,Manufacturer,Scheme,Assurance Level,Protection Profile(s),Certification "       \
    "Date,Archived Date,Certification Report URL,Security Target URL,Maintenance Date,"            \
    "Maintenance Title,Maintenance Report,Maintenance ST\n"
#define CC_CSV                                                                                     \
    CC_HEADER                                                                                      \
    "Network Devices,ExamRouter OS 7,Exam Networks,JP,EAL2+ ALC_FLR.1,None,04/01/2024,"            \
    "04/01/2099,https://example.org/r.pdf,https://example.org/st.pdf,,,,\n"                        \
    "Network Devices,ExamRouter OS 5,Exam Networks,JP,EAL2,None,01/10/2015,01/10/2020,"            \
    "https://example.org/r5.pdf,https://example.org/st5.pdf,,,,\n"

/* ---- grants: tested evidence with an information request, then CC equivalence -------------- */

static const ht_step grants[] = {
    STAFF("grant"),
    CREATE("app", "Exam Router 100", ""),
    UPLOAD("app", "test_report"),
    {.name = "the test report's id and SHA-256 as listed",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}/documents",
     .expect_status = 200,
     .captures = {CAPTURE_JSON("doc", "items[0].id"), CAPTURE_JSON("sha", "items[0].sha256")}},
    SUBMIT("app"),
    {.name = "the queue shows the unassigned submitted case",
     .actor = "ex1",
     .method = "GET",
     .path = "/api/v1/examination/queue?status=submitted&assignee=none",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "id=\"{{app}}\"", "status=\"submitted\""),
                JSON_EQ("next", "null")}},
    {.name = "a manufacturer may not assign",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/assign",
     .content_type = JSON_T,
     .body = "{\"examiner_id\": \"{{ex1}}\"}",
     .expect_status = 403,
     .expect_code = "auth.forbidden"},
    {.name = "assigning a manufacturer as examiner: 422 examiner_id",
     .actor = "admin",
     .method = "POST",
     .path = APPS "/{{app}}/assign",
     .content_type = JSON_T,
     .body = "{\"examiner_id\": \"00000000-0000-4000-8000-000000000000\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "examiner_id")}},
    ASSIGN("app"),
    {.name = "the queue filtered by assignee=me shows it in review",
     .actor = "ex1",
     .method = "GET",
     .path = "/api/v1/examination/queue?assignee=me",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "id=\"{{app}}\"", "status=\"in_review\"")}},
    {.name = "evidence on SR-1 with the test report: its SHA-256 is copied",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/requirements/SR-1/evidence",
     .content_type = JSON_T,
     .body = "{\"procedure\": \"Connect over telnet and the web UI without credentials.\","
             " \"result\": \"Both ask for a password first.\", \"document_ids\": [\"{{doc}}\"]}",
     .expect_status = 201,
     .checks = {JSON_STR("requirement_id", "SR-1"), JSON_STR("documents[0].id", "{{doc}}"),
                JSON_STR("documents[0].sha256", "{{sha}}"), JSON_STR("recorded_by", "{{ex1}}")}},
    {.name = "evidence naming a document that is not the case's: 422 document_ids",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/requirements/SR-1/evidence",
     .content_type = JSON_T,
     .body = "{\"procedure\": \"p\", \"result\": \"r\","
             " \"document_ids\": [\"00000000-0000-4000-8000-000000000000\"]}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "document_ids")}},
    {.name = "evidence on a requirement the rule set does not have: 404",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/requirements/SR-9/evidence",
     .content_type = JSON_T,
     .body = "{\"procedure\": \"p\", \"result\": \"r\"}",
     .expect_status = 404},
    VERDICT("app", "SR-1", "pass"),
    VERDICT("app", "SR-2", "pass"),
    {.name = "not_applicable without a reason: 422 reason",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-3/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"not_applicable\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "reason")}},
    {.name = "met_by_equivalence without an accepted equivalence: 422",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-3/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"met_by_equivalence\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "verdict")}},
    VERDICT("app", "SR-3", "pass"),
    {.name = "a grant while SR-4 has no verdict: 422 naming SR-4 only",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"All met.\"}",
     .expect_status = 422,
     .expect_code = "proposal.requirements_missing",
     .checks = {JSON_LEN("errors", 1), JSON_STR("errors[0].field", "requirements.SR-4.verdict")}},
    {.name = "ex1 asks for information: info_requested",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/info-requests",
     .content_type = JSON_T,
     .body = "{\"message\": \"Please send the power-cycle test log for SR-4.\"}",
     .expect_status = 201,
     .checks = {JSON_STR("application_status", "info_requested")},
     .captures = {CAPTURE_JSON("rid", "id")}},
    {.name = "a proposal while waiting for the answer: 409",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"reject\", \"reason\": \"r\"}",
     .expect_status = 409},
    {.name = "the manufacturer answers: back in review",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/info-requests/{{rid}}/response",
     .content_type = JSON_T,
     .body = "{\"message\": \"Attached: settings survive 20 power cycles.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "in_review")}},
    VERDICT("app", "SR-4", "pass"),
    PROPOSE("app", "grant"),
    {.name = "evidence is frozen while proposed: 409 (even for its examiner)",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-4/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"fail\"}",
     .expect_status = 409},
    {.name = "the proposer reviewing their own proposal: 403",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true}",
     .expect_status = 403,
     .expect_code = "review.own_proposal"},
    {.name = "a second examiner approves: granted with a certificate number",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Checked the record.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted"), JSON_TYPE("certificate_number", "string"),
                JSON_LEN("certificate_number", 11), BODY_HAS("\"certificate_number\":\"D")},
     .captures = {CAPTURE_JSON("num", "certificate_number")}},
    {.name = "the certificate (staff's view): signed, verified by the server, history",
     .actor = "ex2",
     .method = "GET",
     .path = "/api/v1/certificates/{{num}}",
     .expect_status = 200,
     .checks = {JSON_STR("number", "{{num}}"), JSON_STR("display_number", "T {{num}}"),
                JSON_STR("status", "granted"), JSON_STR("basis", "tested"),
                JSON_STR("application_id", "{{app}}"), JSON_EQ("grandfathered", "false"),
                JSON_TYPE("signature", "string"), JSON_EQ("verified", "true"),
                JSON_FIND("events", "event=\"grant\"", "actor_id=\"{{ex2}}\""),
                JSON_TYPE("signed_payload", "string")},
     .captures = {CAPTURE_JSON("key", "key_id")}},
    {.name = "the public's view: no internal ids, and a v2 payload without them (issue 18)",
     .method = "GET",
     .path = "/api/v1/certificates/{{num}}",
     .expect_status = 200,
     .checks = {JSON_STR("number", "{{num}}"), JSON_EQ("verified", "true"),
                JSON_ABSENT("application_id"), JSON_ABSENT("organization_id"),
                JSON_ABSENT("events[0].actor_id"), BODY_LACKS("{{app}}"), BODY_LACKS("{{ex2}}"),
                BODY_HAS("giteki.certificate.v2")}},
    {.name = "the display form with the mark finds it too",
     .method = "GET",
     .path = "/api/v1/certificates/T%20{{num}}",
     .expect_status = 200,
     .checks = {JSON_STR("number", "{{num}}")}},
    {.name = "the signing key is published",
     .method = "GET",
     .path = "/api/v1/signing-keys",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "key_id=\"{{key}}\"", "algorithm=\"Ed25519\""),
                JSON_FIND("items", "key_id=\"{{key}}\"", "public_key")}},
    {.name = "the application history shows the whole journey",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}/history",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "to_status=\"info_requested\"", NULL),
                JSON_FIND("items", "to_status=\"granted\"", "actor_id=\"{{ex2}}\"")}},

    /* The second grant, through CC equivalence: the next serial. */
    {.name = "examiner imports CC certificates",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/cc-certificates/import",
     .content_type = CSV_T,
     .body = CC_CSV,
     .expect_status = 200},
    {.name = "find the valid CC certificate",
     .method = "GET",
     .path = "/api/v1/cc-certificates?q=ExamRouter%20OS%207",
     .expect_status = 200,
     .captures = {CAPTURE_JSON("cc", "items[0].id")}},
    {.name = "find the expired CC certificate",
     .method = "GET",
     .path = "/api/v1/cc-certificates?q=ExamRouter%20OS%205",
     .expect_status = 200,
     .captures = {CAPTURE_JSON("ccold", "items[0].id")}},
    CREATE("appb", "Exam Router 200", ", \"cc_certificate_id\": \"{{cc}}\""),
    UPLOAD("appb", "test_report"),
    SUBMIT("appb"),
    ASSIGN("appb"),
    {.name = "accepting an unknown CC certificate: 422",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{appb}}/equivalence",
     .content_type = JSON_T,
     .body = "{\"cc_certificate_id\": \"00000000-0000-4000-8000-000000000000\","
             " \"accepted\": true, \"rationale\": \"TOE matches.\"}",
     .expect_status = 422,
     .expect_code = "equivalence.cc_not_valid",
     .checks = {JSON_STR("errors[0].field", "cc_certificate_id")}},
    {.name = "accepting a CC certificate past its validity: 422",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{appb}}/equivalence",
     .content_type = JSON_T,
     .body = "{\"cc_certificate_id\": \"{{ccold}}\", \"accepted\": true,"
             " \"rationale\": \"TOE matches.\"}",
     .expect_status = 422,
     .expect_code = "equivalence.cc_not_valid"},
    {.name = "refusing it is recorded",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{appb}}/equivalence",
     .content_type = JSON_T,
     .body = "{\"cc_certificate_id\": \"{{ccold}}\", \"accepted\": false,"
             " \"rationale\": \"Expired in 2020.\"}",
     .expect_status = 201,
     .checks = {JSON_EQ("accepted", "false"), JSON_STR("validity", "past_end_date")}},
    {.name = "accepting the valid one for every requirement sets each to met_by_equivalence",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{appb}}/equivalence",
     .content_type = JSON_T,
     .body = "{\"cc_certificate_id\": \"{{cc}}\", \"accepted\": true,"
             " \"rationale\": \"Manufacturer, product and version match the TOE.\","
             " \"requirements\": {\"SR-1\": \"FIA_UAU.2\", \"SR-2\": \"FIA_SOS.1\","
             " \"SR-3\": \"FPT_TUD_EXT.1\", \"SR-4\": \"FPT_STM, FCS_STG\"}}",
     .expect_status = 201,
     .checks = {JSON_EQ("accepted", "true"), JSON_STR("validity", "valid"),
                JSON_EQ("verdicts_set", "[\"SR-1\", \"SR-2\", \"SR-3\", \"SR-4\"]")}},
    {.name = "the examination record shows the verdicts",
     .actor = "ex2",
     .method = "GET",
     .path = APPS "/{{appb}}/examination",
     .expect_status = 200,
     .checks = {JSON_STR("examination.requirements[3].verdict.verdict", "met_by_equivalence"),
                JSON_LEN("examination.equivalence", 2)}},
    PROPOSE("appb", "grant"),
    {.name = "a second examiner approves the CC-based grant",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{appb}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted")},
     .captures = {CAPTURE_JSON("numb", "certificate_number")}},
    {.name = "its number follows the first one (gap-free serial), basis cc_equivalence",
     .method = "GET",
     .path = "/api/v1/certificates/{{numb}}",
     .expect_status = 200,
     .checks = {JSON_STR("previous_number", "{{num}}"), JSON_STR("basis", "cc_equivalence"),
                JSON_EQ("verified", "true")}},

    /* The life cycle of the first certificate. */
    {.name = "the manufacturer may not suspend",
     .actor = "maker",
     .method = "POST",
     .path = "/api/v1/certificates/{{num}}/suspend",
     .content_type = JSON_T,
     .body = "{\"reason\": \"r\"}",
     .expect_status = 403},
    {.name = "suspend without a reason: 422",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/certificates/{{num}}/suspend",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "reason")}},
    {.name = "reinstating a certificate that is not suspended: 409",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/certificates/{{num}}/reinstate",
     .content_type = JSON_T,
     .body = "{\"reason\": \"r\"}",
     .expect_status = 409},
    {.name = "suspend with an order reference",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/certificates/{{num}}/suspend",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Market surveillance found default passwords.\","
             " \"order_reference\": \"総基端第42号\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "suspended"),
                JSON_FIND("events", "event=\"suspend\"", "order_reference=\"総基端第42号\"")}},
    {.name = "reinstate",
     .actor = "ex2",
     .method = "POST",
     .path = "/api/v1/certificates/{{num}}/reinstate",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Firmware 1.2 fixes it.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted")}},
    {.name = "revoke",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/certificates/{{num}}/revoke",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Regulator's order.\", \"order_reference\": \"総基端第43号\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "revoked"), JSON_STR("number", "{{num}}"),
                JSON_LEN("events", 4)}},
    {.name = "revoked is final",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/certificates/{{num}}/reinstate",
     .content_type = JSON_T,
     .body = "{\"reason\": \"r\"}",
     .expect_status = 409},
    {.name = "the certificate page says the signature is valid",
     .method = "GET",
     .path = "/certificates/{{numb}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("<strong>T D"), BODY_HAS("The signature is valid")}},
};

/* ---- reject, and a proposal sent back ----------------------------------------------------- */

static const ht_step reject_path[] = {
    STAFF("reject"),
    CREATE("app", "Exam Camera 1", ""),
    UPLOAD("app", "test_report"),
    SUBMIT("app"),
    ASSIGN("app"),
    VERDICT("app", "SR-1", "fail"),
    {.name = "a grant with a failed SR-1 and no other verdicts: 422 naming all four",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"r\"}",
     .expect_status = 422,
     .expect_code = "proposal.requirements_missing",
     .checks = {JSON_LEN("errors", 4), JSON_STR("errors[0].field", "requirements.SR-1.verdict")}},
    PROPOSE("app", "reject"),
    {.name = "sending back without a comment: 422",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": false}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "comment")}},
    {.name = "the reviewer sends it back: in_review",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": false, \"comment\": \"Record the SR-1 test procedure first.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "in_review")}},
    {.name = "evidence for the failure",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/requirements/SR-1/evidence",
     .content_type = JSON_T,
     .body = "{\"procedure\": \"Web UI opened without credentials.\","
             " \"result\": \"Settings changed without a password.\"}",
     .expect_status = 201},
    PROPOSE("app", "reject"),
    {.name = "approved by the second examiner: rejected, no certificate",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"SR-1 fails.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "rejected"), JSON_EQ("certificate_number", "null")}},
    {.name = "a decided case cannot be reviewed again: 409",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true}",
     .expect_status = 409},
    {.name = "the examination record keeps both proposals",
     .actor = "ex1",
     .method = "GET",
     .path = APPS "/{{app}}/examination",
     .expect_status = 200,
     .checks = {JSON_LEN("examination.proposals", 2),
                JSON_STR("examination.proposals[0].reviewed_by", "{{ex2}}"),
                JSON_EQ("examination.proposals[0].approve", "false")}},
};

/* ---- bulk import of pre-existing certificates ------------------------------------------- */

#define IMPORT_CSV                                                                                 \
    "number,route,category,manufacturer,model_name,type_name,granted_on\n"                         \
    "D18-0420001,conformity,router,Old Routers Inc.,OR-1,OR1A,2018-06-01\n"                        \
    "\"D21-0777001\",design,camera,\"Cams, Ltd.\",C-9,,2021-02-03\n"                               \
    "D19-12X4001,conformity,router,Bad Number Co.,X,,2019-01-01\n"                                 \
    "D19-0500001,conformity,toaster,Unknown Kind Co.,Y,,2019-01-01\n"

static const ht_step import[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    EXAMINER("ex-import@cb.test", "ex1"),
    SIGNIN("ex1", "ex-import@cb.test", PW),
    SIGNUP("Import Maker", "maker-import@mk.test"),
    SIGNIN("maker", "maker-import@mk.test", PW),
    {.name = "a manufacturer may not import",
     .actor = "maker",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = CSV_T,
     .body = IMPORT_CSV,
     .expect_status = 403},
    {.name = "a wrong header: 422, nothing imported",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = CSV_T,
     .body = "number,route\nD18-0420001,conformity\n",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "header")}},
    {.name = "two good lines imported, two bad lines reported with line and reason",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = CSV_T,
     .body = IMPORT_CSV,
     .expect_status = 200,
     .checks = {JSON_EQ("imported", "2"), JSON_LEN("rejected", 2), JSON_EQ("rejected[0].line", "4"),
                JSON_EQ("rejected[1].line", "5"), JSON_TYPE("rejected[0].reason", "string")}},
    {.name = "importing the same file again adds nothing",
     .actor = "ex1",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = CSV_T,
     .body = IMPORT_CSV,
     .expect_status = 200,
     .checks = {JSON_EQ("imported", "0"), JSON_EQ("unchanged", "2"), JSON_LEN("rejected", 2)}},
    {.name = "a pre-2020 certificate is grandfathered, without security basis",
     .method = "GET",
     .path = "/api/v1/certificates/D18-0420001",
     .expect_status = 200,
     .checks = {JSON_EQ("grandfathered", "true"), JSON_STR("rule_set", "pre-2020"),
                JSON_STR("basis", "not_applicable"), JSON_EQ("imported", "true"),
                JSON_EQ("signature", "null"), JSON_FIND("events", "event=\"import\"", NULL)}},
    {.name = "a 2021 certificate is under 2020-04 and not grandfathered",
     .method = "GET",
     .path = "/api/v1/certificates/D21-0777001",
     .expect_status = 200,
     .checks = {JSON_EQ("grandfathered", "false"), JSON_STR("rule_set", "2020-04"),
                JSON_STR("manufacturer", "Cams, Ltd."), JSON_EQ("type_name", "null"),
                JSON_STR("route", "design")}},
    {.name = "an unknown number: 404",
     .method = "GET",
     .path = "/api/v1/certificates/D18-0420999",
     .expect_status = 404},
};

/* ---- a draft is the applicant's own until submitted ------------------------------------- */

static const ht_step drafts[] = {
    STAFF("draft"),
    CREATE("draft", "DRAFTONLY-1", ""),
    {.name = "the examiner does not find the draft's case",
     .actor = "ex1",
     .method = "GET",
     .path = APPS "/{{draft}}/examination",
     .expect_status = 404},
    {.name = "nor does the admin",
     .actor = "admin",
     .method = "GET",
     .path = APPS "/{{draft}}/examination",
     .expect_status = 404},
    {.name = "nor the examiner page (HEAD: the page's status without the HTML)",
     .actor = "ex1",
     .method = "HEAD",
     .path = "/examination/{{draft}}",
     .expect_status = 404},
    {.name = "the queue does not list the draft",
     .actor = "ex1",
     .method = "GET",
     .path = "/api/v1/examination/queue?limit=500",
     .expect_status = 200,
     .checks = {BODY_LACKS("DRAFTONLY-1")}},
    {.name = "the queue cannot be asked for drafts",
     .actor = "ex1",
     .method = "GET",
     .path = "/api/v1/examination/queue?status=draft",
     .expect_status = 400},
    {.name = "a draft cannot be assigned: 404",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{draft}}/assign",
     .content_type = JSON_T,
     .body = "{\"examiner_id\": \"{{ex1}}\"}",
     .expect_status = 404},
    {.name = "nor given a verdict: 404",
     .actor = "ex1",
     .method = "PUT",
     .path = APPS "/{{draft}}/requirements/SR-1/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"pass\"}",
     .expect_status = 404},
    UPLOAD("draft", "test_report"),
    SUBMIT("draft"),
    {.name = "once submitted the queue lists it",
     .actor = "ex1",
     .method = "GET",
     .path = "/api/v1/examination/queue?limit=500",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "id=\"{{draft}}\"", NULL)}},
    {.name = "and the examiner reads the case",
     .actor = "ex1",
     .method = "GET",
     .path = APPS "/{{draft}}/examination",
     .expect_status = 200,
     .checks = {JSON_STR("application.status", "submitted")}},
};

/* ---- long names (issue 18 item 13) ---------------------------------------------------------- */

/* 300 characters (the most gk_label allows), 900 bytes of UTF-8: accepted on filing, so the
 * grant must issue its certificate (a 512-byte buffer once cut it mid-character: 500). */
#define A10 "ああああああああああ"
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define LONG_MODEL A100 A100 A100

static const ht_step long_names[] = {
    STAFF("long"),
    CREATE("app", LONG_MODEL, ""),
    UPLOAD("app", "test_report"),
    SUBMIT("app"),
    ASSIGN("app"),
    VERDICT("app", "SR-1", "pass"),
    VERDICT("app", "SR-2", "pass"),
    VERDICT("app", "SR-3", "pass"),
    VERDICT("app", "SR-4", "pass"),
    PROPOSE("app", "grant"),
    {.name = "a second examiner approves the 900-byte model name: granted",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted"), JSON_TYPE("certificate_number", "string")},
     .captures = {CAPTURE_JSON("num", "certificate_number")}},
    {.name = "the certificate carries the whole name, signed and verified",
     .method = "GET",
     .path = "/api/v1/certificates/{{num}}",
     .expect_status = 200,
     .checks = {JSON_STR("model_name", LONG_MODEL), JSON_EQ("verified", "true")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("grants: tested, info request, four eyes, CC equivalence, life cycle", grants),
    HT_SCENARIO("reject path and a proposal sent back", reject_path),
    HT_SCENARIO("import of pre-existing certificates", import),
    HT_SCENARIO("drafts are not examinable, nor listed in the queue", drafts),
    HT_SCENARIO("a 900-byte model name is granted", long_names),
};

const ht_group ht_group_examination = {"examination", scenarios, HT_COUNT(scenarios)};
