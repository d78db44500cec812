/* Market surveillance (issue 17). A certificate is granted through the API to an organisation
 * of this file's own, then:
 *   - "order suspends": the regulator opens a case, records a sample purchase, an examiner a
 *     failed test, the finding goes to the holder (who did not see the case before it), the
 *     holder answers, an examiner may not order, the regulator issues a 表示の禁止 order that
 *     suspends the certificate in the same transaction; the public record says suspended
 *     with the public reason; the audit trail names the actors and lists every step;
 *   - "holder isolation": another organisation's maker gets 404 for the case, its steps and
 *     its list; a holder never sees internal notes or staff names;
 *   - "note never public": a suspension and a revocation with an internal note; every public
 *     surface (certificate JSON, page, Atom feed, CSV/XML/JSON exports, PDF) lacks the note
 *     and the staff's names; the staff's audit trail shows them;
 *   - corrective action and closing, a case on a claimed number, refusals, the pages
 *     (list, case, status change with its confirmation step) in both languages.
 * ht_surveillance_checks() reads the PDF with pdftotext when it is installed. Assumes a fresh
 * database (scripts/test makes one). */
#include "bodies.h"
#include "harness.h"
#include "harness_ext.h"
#include "steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JSON_T "application/json"
#define FORM_T "application/x-www-form-urlencoded"
#define PW "surveillance scenario passphrase"
#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define APPS "/api/v1/applications"
#define SV "/api/v1/surveillance-cases"
#define HOLDER "株式会社監視電機"
#define MODEL "見守りカメラ SV-3"
#define REG_NAME "Regulator Shizuka Kansa"
#define EX_NAME "Examiner ex1"
/* Texts that must never be public. */
#define NOTE_ORDER "INTERNAL-NOTE-order-5c1f: informant is a competitor"
#define NOTE_SUSPEND "INTERNAL-NOTE-suspend-8e2a: lab invoice 4471"
#define NOTE_REVOKE "INTERNAL-NOTE-revoke-93b0: legal review pending"
#define NOTE_FINDING "INTERNAL-NOTE-finding-11d7"

#define BOUNDARY "gk-sv-boundary-77aa"
#define UPLOAD(kind)                                                                               \
    {                                                                                              \
        .name = "maker uploads the " kind, .actor = "maker", .method = "POST",                     \
        .path = APPS "/{{app}}/documents",                                                         \
        .content_type = "multipart/form-data; boundary=" BOUNDARY,                                 \
        .body =                                                                                    \
            "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n" kind         \
            "\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"confidentiality\""       \
            "\r\n\r\nconfidential\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; "           \
            "name=\"file\"; filename=\"" kind ".pdf\"\r\nContent-Type: application/pdf\r\n\r\n"    \
            "%PDF-1.7\n% " kind "\n%%EOF\n\r\n--" BOUNDARY "--\r\n",                               \
        .expect_status = 201                                                                       \
    }
#define VERDICT(req)                                                                               \
    {                                                                                              \
        .name = "ex1: " req " pass", .actor = "ex1", .method = "PUT",                              \
        .path = APPS "/{{app}}/requirements/" req "/verdict", .content_type = JSON_T,              \
        .body = "{\"verdict\": \"pass\"}", .expect_status = 200                                    \
    }
#define POST(actor_, what, path_, body_, status)                                                   \
    .name = what, .actor = actor_, .method = "POST", .path = path_, .content_type = JSON_T,        \
    .body = body_, .expect_status = status
#define GET(actor_, what, path_, status)                                                           \
    .name = what, .actor = actor_, .method = "GET", .path = path_, .expect_status = status
#define PAGE(actor_, what, path_, status)                                                          \
    GET(actor_, what, path_, status), .headers = {"Accept: text/html"},                            \
                                      .expect_content_type = "text/html"

/* A granted certificate {{num}} of HOLDER (maker), a second organisation (other), two
 * examiners (ex1 named EX_NAME) and the regulator (reg, named REG_NAME). */
#define GRANTED_CERTIFICATE(tag)                                                                   \
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD), EXAMINER("ex1-sv" tag "@cb.test", "ex1"),        \
        EXAMINER("ex2-sv" tag "@cb.test", "ex2"),                                                  \
        {.name = "admin creates the regulator",                                                    \
         .actor = "admin",                                                                         \
         .method = "POST",                                                                         \
         .path = "/api/v1/users",                                                                  \
         .content_type = JSON_T,                                                                   \
         .body = "{\"email\": \"reg-sv" tag "@mic.test\", \"password\": \"" PW "\","               \
                 " \"name\": \"" REG_NAME "\", \"role\": \"regulator\"}",                          \
         .expect_status = 201},                                                                    \
        SIGNIN("ex1", "ex1-sv" tag "@cb.test", PW), SIGNIN("ex2", "ex2-sv" tag "@cb.test", PW),    \
        SIGNIN("reg", "reg-sv" tag "@mic.test", PW), SIGNUP(HOLDER tag, "maker-sv" tag "@m.test"), \
        SIGNIN("maker", "maker-sv" tag "@m.test", PW),                                             \
        SIGNUP("Other Surveillance Maker " tag, "other-sv" tag "@m.test"),                         \
        SIGNIN("other", "other-sv" tag "@m.test", PW),                                             \
        {.name = "maker creates " MODEL,                                                           \
         .actor = "maker",                                                                         \
         .method = "POST",                                                                         \
         .path = APPS,                                                                             \
         .content_type = JSON_T,                                                                   \
         .body =                                                                                   \
             "{\"route\": \"conformity\", \"device\": {\"model_name\": \"" MODEL tag "\","         \
             " \"type_name\": \"SV3-A\", \"category\": \"camera\", \"facts\": " FACTS_ALL_HOLD     \
             "}, \"declarations\": {\"SR-1\": {\"description\": \"Password first.\"},"             \
             " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Per unit.\"},"    \
             " \"SR-3\": {\"description\": \"Signed updates.\"},"                                  \
             " \"SR-4\": {\"description\": \"Kept in flash.\"}}}",                                 \
         .expect_status = 201,                                                                     \
         .captures = {CAPTURE_JSON("app", "id")}},                                                 \
        UPLOAD("test_report"), UPLOAD("outline"), UPLOAD("external_view"),                         \
        UPLOAD("connection_diagram"), UPLOAD("block_diagram"), UPLOAD("manual"),                   \
        {POST("maker", "maker submits", APPS "/{{app}}/submit", "{}", 200)},                       \
        {POST("ex1", "ex1 takes the case", APPS "/{{app}}/assign",                                 \
              "{\"examiner_id\": \"{{ex1}}\"}", 200)},                                             \
        VERDICT("SR-1"), VERDICT("SR-2"), VERDICT("SR-3"), VERDICT("SR-4"),                        \
        {POST("ex1", "ex1 proposes a grant", APPS "/{{app}}/proposal",                             \
              "{\"decision\": \"grant\", \"reason\": \"All met.\"}", 201)},                        \
    {                                                                                              \
        POST("ex2", "ex2 approves: granted", APPS "/{{app}}/review",                               \
             "{\"approve\": true, \"comment\": \"Checked.\"}", 200),                               \
            .checks = {JSON_STR("status", "granted")}, .captures = {                               \
                CAPTURE_JSON("num", "certificate_number")                                          \
            }                                                                                      \
    }

/* ---- the whole case, to an order that suspends the certificate --------------------------- */

static const ht_step order_suspends[] = {
    GRANTED_CERTIFICATE("a"),
    {POST("reg", "the regulator opens a case on the certificate", SV,
          "{\"certificate_number\": \"{{num}}\", \"product\": \"" MODEL " bought online\","
          " \"summary\": \"A report says the default password is shared by every unit.\"}",
          201),
     .expect_content_type = JSON_T,
     .checks = {JSON_STR("status", "open"), JSON_STR("certificate_number", "{{num}}"),
                JSON_STR("certificate_status", "granted"), JSON_STR("steps[0].event", "open"),
                JSON_STR("steps[0].actor_name", REG_NAME), HEADER_PRESENT("Location"),
                JSON_HAS("actions", "\"record_purchase\""), JSON_HAS("actions", "\"issue_order\"")},
     .captures = {CAPTURE_JSON("case", "id")}},
    {GET("maker", "before a finding the holder does not see the case (404)", SV "/{{case}}", 404),
     .expect_code = "resource.not_found"},
    {GET("maker", "nor in its list", SV, 200), .checks = {JSON_LEN("items", 0)}},
    {POST("reg", "the regulator records the sample purchase", SV "/{{case}}/purchases",
          "{\"place\": \"Akihabara, shop 3F\", \"purchased_on\": \"2026-11-20\","
          " \"serial\": \"SN-0042\", \"firmware_version\": \"1.0.3\"}",
          200),
     .checks = {JSON_STR("status", "open"), JSON_STR("steps[1].event", "record_purchase"),
                JSON_STR("steps[1].firmware_version", "1.0.3"),
                JSON_STR("steps[1].purchased_on", "2026-11-20")}},
    {POST("reg", "a purchase in the future is refused (422 naming purchased_on)",
          SV "/{{case}}/purchases", "{\"place\": \"x\", \"purchased_on\": \"2999-01-01\"}", 422),
     .checks = {JSON_STR("errors[0].field", "purchased_on")}},
    {.name = "an examiner uploads the lab report as an evidence file",
     .actor = "ex1",
     .method = "POST",
     .path = SV "/{{case}}/evidence",
     .content_type = "multipart/form-data; boundary=" BOUNDARY,
     .body = "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"L-77"
             " report.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n% lab report"
             " L-77\n%%EOF\n\r\n--" BOUNDARY "--\r\n",
     .expect_status = 201,
     .checks = {JSON_STR("media_type", "application/pdf"), JSON_STR("filename", "L-77 report.pdf"),
                JSON_TYPE("sha256", "string"), HEADER_PRESENT("Location")},
     .captures = {CAPTURE_JSON("ev", "id")}},
    {.name = "a file that is not an accepted type is refused (415)",
     .actor = "ex1",
     .method = "POST",
     .path = SV "/{{case}}/evidence",
     .content_type = "multipart/form-data; boundary=" BOUNDARY,
     .body = "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\""
             "\r\n\r\n\x01\x02\x03\x04binary\r\n--" BOUNDARY "--\r\n",
     .expect_status = 415},
    {.name = "the holder cannot upload evidence (403)",
     .actor = "maker",
     .method = "POST",
     .path = SV "/{{case}}/evidence",
     .content_type = "multipart/form-data; boundary=" BOUNDARY,
     .body = "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\""
             "\r\n\r\nhello\r\n--" BOUNDARY "--\r\n",
     .expect_status = 403},
    {POST("ex1", "a test cannot cite a file that is not the case's (422)", SV "/{{case}}/tests",
          "{\"requirement\": \"SR-1\", \"verdict\": \"fail\", \"evidence\": \"x\","
          " \"evidence_ids\": [\"00000000-0000-4000-8000-000000000000\"]}",
          422),
     .checks = {JSON_STR("errors[0].field", "evidence_ids")}},
    {POST("ex1", "an examiner records a failed test of SR-1, citing the file", SV "/{{case}}/tests",
          "{\"requirement\": \"SR-1\", \"verdict\": \"fail\", \"evidence\": \"Logged in with"
          " admin/admin on SN-0042; photo sv-0042-1.jpg, lab report L-77.\","
          " \"evidence_ids\": [\"{{ev}}\"]}",
          200),
     .checks = {JSON_STR("steps[2].verdict", "fail"), JSON_STR("steps[2].actor_name", EX_NAME),
                JSON_STR("steps[2].evidence_ids[0]", "{{ev}}"),
                JSON_STR("evidence_files[0].id", "{{ev}}")}},
    {GET("reg", "the evidence file downloads with its type", SV "/{{case}}/evidence/{{ev}}", 200),
     .expect_content_type = "application/pdf",
     .checks = {BODY_MATCH("^%PDF-1\\.7"), HEADER_HAS("Content-Disposition", "attachment")}},
    {GET("other", "another organisation cannot download it (404)", SV "/{{case}}/evidence/{{ev}}",
         404)},
    {POST("ex1", "a verdict that is not pass or fail is refused", SV "/{{case}}/tests",
          "{\"requirement\": \"SR-1\", \"verdict\": \"maybe\", \"evidence\": \"x\"}", 422),
     .checks = {JSON_STR("errors[0].field", "verdict")}},
    {POST("maker", "the holder cannot send a finding (403)", SV "/{{case}}/findings",
          "{\"message\": \"x\"}", 403)},
    {POST(
         "reg", "the finding goes to the holder", SV "/{{case}}/findings",
         "{\"message\": \"SR-1 fails: a shared default password.\", \"internal_note\": \"" NOTE_FINDING
         "\"}",
         200),
     .checks = {JSON_STR("status", "awaiting_response"),
                JSON_STR("steps[3].internal_note", NOTE_FINDING)}},
    {GET("maker", "now the holder sees the case, without notes or staff names", SV "/{{case}}",
         200),
     .checks = {JSON_STR("status", "awaiting_response"), JSON_STR("steps[2].verdict", "fail"),
                JSON_STR("steps[3].actor_role", "regulator"), BODY_LACKS(NOTE_FINDING),
                BODY_LACKS(REG_NAME), BODY_LACKS(EX_NAME), JSON_ABSENT("opened_by_name"),
                JSON_ABSENT("organization_id"), JSON_HAS("actions", "\"respond\"")}},
    {GET("maker", "and in its list", SV, 200),
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].id", "{{case}}")}},
    {POST("maker", "the holder responds", SV "/{{case}}/response",
          "{\"message\": \"Firmware 1.0.4 forces a password change; units in stock are updated.\"}",
          200),
     .checks = {JSON_STR("status", "responded"), JSON_STR("steps[4].event", "respond")}},
    {POST("maker", "a second response is out of turn (409)", SV "/{{case}}/response",
          "{\"message\": \"again\"}", 409),
     .expect_code = "state.conflict"},
    {POST("ex1", "an examiner cannot issue a regulatory order (403)", SV "/{{case}}/order",
          "{\"kind\": \"display_prohibition\", \"reference\": \"x\", \"certificate_action\":"
          " \"suspend\", \"reason\": \"x\"}",
          403)},
    {POST("reg", "an order on a certificate says suspend or revoke (422)", SV "/{{case}}/order",
          "{\"kind\": \"display_prohibition\", \"reference\": \"総基電第17号\", \"reason\": \"x\"}",
          422),
     .checks = {JSON_STR("errors[0].field", "certificate_action")}},
    {GET(NULL, "the certificate is still granted", "/api/v1/certificates/{{num}}", 200),
     .checks = {JSON_STR("status", "granted")}},
    {POST("reg", "the regulator orders 表示の禁止: the certificate is suspended with the case",
          SV "/{{case}}/order",
          "{\"kind\": \"display_prohibition\", \"reference\": \"総基電第17号\","
          " \"certificate_action\": \"suspend\", \"reason\": \"Market surveillance found SR-1"
          " not met (shared default password).\", \"internal_note\": \"" NOTE_ORDER "\"}",
          200),
     .checks = {JSON_STR("status", "closed_order"), JSON_STR("order_kind", "display_prohibition"),
                JSON_STR("order_reference", "総基電第17号"),
                JSON_STR("certificate_action", "suspend"),
                JSON_STR("certificate_status", "suspended"), JSON_PRESENT("closed_at"),
                JSON_LEN("actions", 0)}},
    {POST("reg", "a closed case takes no more steps (409)", SV "/{{case}}/findings",
          "{\"message\": \"x\"}", 409)},
    {GET(NULL, "the public record: suspended, the public reason and order, no note",
         "/api/v1/certificates/{{num}}", 200),
     .checks = {JSON_STR("status", "suspended"),
                JSON_FIND("events", "event=\"suspend\"", "order_reference=\"総基電第17号\""),
                BODY_HAS("shared default password"), BODY_LACKS(NOTE_ORDER),
                BODY_LACKS("internal_note"), BODY_LACKS(NOTE_FINDING)}},
    {PAGE(NULL, "the public page says suspended, without the note", "/certificates/{{num}}?lang=en",
          200),
     .checks = {BODY_HAS("badge-suspended"), BODY_LACKS(NOTE_ORDER), BODY_LACKS(REG_NAME)}},
    {PAGE("reg", "the audit trail lists every step, by name, with readable details",
          "/certificates/{{num}}/audit?lang=en", 200),
     .checks = {BODY_HAS("surveillance.open"), BODY_HAS("surveillance.record_purchase"),
                BODY_HAS("surveillance.record_test"), BODY_HAS("surveillance.respond"),
                BODY_HAS("surveillance.issue_order"), BODY_HAS("certificate.suspend"),
                BODY_HAS(REG_NAME), BODY_HAS(EX_NAME),
                BODY_HAS("<span>order_reference</span>: <span>総基電第17号</span>"),
                BODY_HAS(NOTE_ORDER), BODY_LACKS("<td>user:")}},
    {GET("reg", "the list filters by status", SV "?status=closed_order", 200),
     .checks = {JSON_FIND("items", "id=\"{{case}}\"", "status=\"closed_order\"")}},
    {GET("reg", "an unknown status is a bad query", SV "?status=nonsense", 400)},
};

/* ---- holder isolation -------------------------------------------------------------------- */

static const ht_step isolation[] = {
    GRANTED_CERTIFICATE("b"),
    {POST("ex1", "an examiner opens a case", SV,
          "{\"certificate_number\": \"T {{num}}\", \"product\": \"SV-3 from a reseller\","
          " \"summary\": \"Routine market check.\"}",
          201),
     .checks = {JSON_STR("certificate_number", "{{num}}")},
     .captures = {CAPTURE_JSON("case", "id")}},
    {POST("ex1", "and sends a finding", SV "/{{case}}/findings",
          "{\"message\": \"Please describe the update mechanism.\"}", 200)},
    {GET("other", "another organisation's maker: 404", SV "/{{case}}", 404),
     .expect_code = "resource.not_found"},
    {GET("other", "not in its list either", SV, 200), .checks = {JSON_LEN("items", 0)}},
    {POST("other", "and it cannot respond (404)", SV "/{{case}}/response", "{\"message\": \"x\"}",
          404)},
    {GET("other", "the page is 404 too", "/surveillance/{{case}}", 404),
     .expect_code = "resource.not_found"},
    {GET("maker", "the holder sees it", SV "/{{case}}", 200),
     .checks = {JSON_STR("status", "awaiting_response")}},
    {PAGE("maker", "the holder's case page offers the response form, no staff form",
          "/surveillance/{{case}}?lang=en", 200),
     .checks = {BODY_HAS("Respond to the finding"), BODY_LACKS("Record a test"),
                BODY_LACKS("Issue a regulatory order"), BODY_LACKS("Internal note")}},
    {.name = "the holder answers through the web form",
     .actor = "maker",
     .method = "POST",
     .path = "/surveillance/{{case}}/response",
     .content_type = FORM_T,
     .body = "message=Updates+are+signed+and+checked+at+boot.",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "?done=response")}},
    {GET("ex1", "the staff see the answer", SV "/{{case}}", 200),
     .checks = {JSON_STR("status", "responded"),
                JSON_STR("steps[2].body", "Updates are signed and checked at boot.")}},
    {GET("maker", "a malformed id is 404", SV "/not-a-uuid", 404)},
    {GET("admin", "admins take no part in cases (403)", SV, 403)},
    {GET(NULL, "nor does the public (401)", SV, 401)},
    {POST("maker", "a maker cannot open a case (403)", SV,
          "{\"certificate_number\": \"{{num}}\", \"product\": \"x\", \"summary\": \"x\"}", 403)},
};

/* ---- the internal note on every public surface -------------------------------------------- */

static const ht_step note_never_public[] = {
    GRANTED_CERTIFICATE("c"),
    {POST("reg", "suspend with a public reason and an internal note",
          "/api/v1/certificates/{{num}}/suspend",
          "{\"reason\": \"Suspended pending a market check.\", \"order_reference\": \"MIC-88\","
          " \"internal_note\": \"" NOTE_SUSPEND "\"}",
          200),
     .checks = {JSON_STR("status", "suspended"), BODY_LACKS(NOTE_SUSPEND)}},
    {POST("reg", "revoke with the note as shared/docs/api.md names it (note)",
          "/api/v1/certificates/{{num}}/revoke",
          "{\"reason\": \"Nonconformity confirmed.\", \"note\": \"" NOTE_REVOKE "\"}", 200),
     .checks = {JSON_STR("status", "revoked"), BODY_LACKS(NOTE_REVOKE)}},
    {GET(NULL, "certificate JSON (anonymous)", "/api/v1/certificates/{{num}}", 200),
     .checks = {JSON_STR("status", "revoked"), BODY_HAS("Nonconformity confirmed."),
                BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE), BODY_LACKS("internal_note"),
                BODY_LACKS("\"note\""), BODY_LACKS(REG_NAME), BODY_LACKS("actor_id")}},
    {PAGE(NULL, "certificate page, Japanese", "/certificates/{{num}}?lang=ja", 200),
     .checks = {BODY_HAS("Nonconformity confirmed."), BODY_LACKS(NOTE_SUSPEND),
                BODY_LACKS(NOTE_REVOKE), BODY_LACKS(REG_NAME)}},
    {PAGE(NULL, "certificate page, English", "/certificates/{{num}}?lang=en", 200),
     .checks = {BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE), BODY_LACKS(REG_NAME)}},
    {PAGE(NULL, "electronic label", "/e/{{num}}", 200),
     .checks = {BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE), BODY_LACKS(REG_NAME)}},
    {GET(NULL, "Atom feed", "/api/v1/feed.atom?limit=500", 200),
     .checks = {BODY_HAS("SV-3c"), BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE),
                BODY_LACKS(REG_NAME)}},
    {GET(NULL, "CSV export", "/api/v1/certificates/export?format=csv&q=SV-3", 200),
     .checks = {BODY_HAS("revoked"), BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE),
                BODY_LACKS(REG_NAME)}},
    {GET(NULL, "XML export", "/api/v1/certificates/export?format=xml&q=SV-3", 200),
     .checks = {BODY_HAS("revoked"), BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE),
                BODY_LACKS(REG_NAME)}},
    {GET(NULL, "JSON export", "/api/v1/certificates/export?format=json&q=SV-3", 200),
     .checks = {BODY_HAS("revoked"), BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE),
                BODY_LACKS(REG_NAME)}},
    {GET(NULL, "search list", "/api/v1/certificates?q=SV-3", 200),
     .checks = {BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE), BODY_LACKS(REG_NAME)}},
    {GET(NULL, "the PDF (bytes; its text is read by pdftotext after the run)",
         "/api/v1/certificates/{{num}}/certificate.pdf", 200),
     .checks = {BODY_MATCH("^%PDF-"), BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE)}},
    {GET("maker", "the holder's own view has no note either", "/api/v1/certificates/{{num}}", 200),
     .checks = {BODY_LACKS(NOTE_SUSPEND), BODY_LACKS(NOTE_REVOKE)}},
    {PAGE("reg", "the staff's audit trail keeps both notes", "/certificates/{{num}}/audit", 200),
     .checks = {BODY_HAS(NOTE_SUSPEND), BODY_HAS(NOTE_REVOKE), BODY_HAS(REG_NAME)}},
};

/* ---- Idempotency-Key on opening a case (issue 17) ----------------------------------------- */

#define IDEM_BODY(product)                                                                         \
    "{\"claimed_number\": \"D99-0000777\", \"product\": \"" product "\","                          \
    " \"summary\": \"A camera on sale claims a number the register does not hold.\"}"
static const ht_step idempotent_open[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "admin creates the regulator",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/users",
     .content_type = JSON_T,
     .body = "{\"email\": \"reg-svidem@mic.test\", \"password\": \"" PW "\","
             " \"name\": \"Regulator Idem\", \"role\": \"regulator\"}",
     .expect_status = 201},
    SIGNIN("reg", "reg-svidem@mic.test", PW),
    {POST("reg", "open a case with an Idempotency-Key", SV, IDEM_BODY("Camera X on sale"), 201),
     .headers = {"Idempotency-Key: sv-open-once-1"},
     .checks = {JSON_STR("claimed_number", "D99-0000777"), HEADER_PRESENT("Location")},
     .captures = {CAPTURE_JSON("case", "id"), CAPTURE_HEADER("loc", "Location")}},
    {POST("reg", "the same key and body (a retry): the first response again, no second case", SV,
          IDEM_BODY("Camera X on sale"), 201),
     .headers = {"Idempotency-Key: sv-open-once-1"},
     .checks = {JSON_STR("id", "{{case}}"), HEADER_EQ("Location", "{{loc}}"),
                HEADER_EQ("Idempotent-Replayed", "true")}},
    {POST("reg", "the same key with another body: 422", SV, IDEM_BODY("Camera Y on sale"), 422),
     .headers = {"Idempotency-Key: sv-open-once-1"}, .expect_code = "request.idempotency_mismatch"},
    {.name = "one case was opened for the claimed number",
     .method = "SQL",
     .path = "SELECT 'cases=' || count(*) FROM surveillance_cases"
             " WHERE claimed_number = 'D99-0000777'",
     .expect_status = 200,
     .checks = {BODY_HAS("cases=1")}},
};

/* ---- the national view in the navigation (issue 17) ------------------------------------- */

static const ht_step national_nav[] = {
    {PAGE(NULL, "every page links the national register", "/?lang=en", 200),
     .checks = {BODY_HAS("<a href=\"/national\">National register</a>")}},
    {PAGE(NULL, "and the national page marks it current", "/national?lang=ja", 200),
     .checks = {BODY_HAS("<a href=\"/national\" aria-current=\"page\">")}},
};

/* ---- corrective action, closing, claimed numbers, refusals ---------------------------------- */

static const ht_step corrective[] = {
    GRANTED_CERTIFICATE("d"),
    {POST("ex1", "open", SV,
          "{\"certificate_number\": \"{{num}}\", \"product\": \"SV-3\", \"summary\": \"Check.\"}",
          201),
     .captures = {CAPTURE_JSON("case", "id")}},
    {POST("ex1", "finding", SV "/{{case}}/findings", "{\"message\": \"Manual lacks SR-3.\"}", 200)},
    {POST("maker", "response", SV "/{{case}}/response", "{\"message\": \"We will fix it.\"}", 200)},
    {POST("ex1", "corrective action required", SV "/{{case}}/corrective-action",
          "{\"message\": \"Reprint the manual with the update procedure.\"}", 200),
     .checks = {JSON_STR("status", "corrective_action")}},
    {POST("ex1", "closing without finding is out of turn now (409)", SV "/{{case}}/close",
          "{\"outcome\": \"no_finding\", \"reason\": \"x\"}", 409)},
    {POST("maker", "the holder reports the corrective action", SV "/{{case}}/response",
          "{\"message\": \"Manual v2 printed and shipped.\"}", 200),
     .checks = {JSON_STR("status", "corrective_action")}},
    {POST("ex1", "closed: corrective action done", SV "/{{case}}/close",
          "{\"outcome\": \"corrective_action_done\", \"reason\": \"Manual v2 checked.\"}", 200),
     .checks = {JSON_STR("status", "closed_corrective_action"),
                JSON_STR("certificate_status", "granted")}},
    {POST("reg", "another case, closed without finding", SV,
          "{\"certificate_number\": \"{{num}}\", \"product\": \"SV-3\", \"summary\": \"Again.\"}",
          201),
     .captures = {CAPTURE_JSON("case2", "id")}},
    {POST("reg", "no finding", SV "/{{case2}}/close",
          "{\"outcome\": \"no_finding\", \"reason\": \"All four requirements met.\"}", 200),
     .checks = {JSON_STR("status", "closed_no_finding")}},
    {POST("reg", "a product claiming a number nobody registered", SV,
          "{\"claimed_number\": \"D25-9999001\", \"product\": \"No-name camera\","
          " \"summary\": \"Label shows a number the register does not hold.\"}",
          201),
     .checks = {JSON_STR("claimed_number", "D25-9999001"), JSON_EQ("certificate_number", "null")},
     .captures = {CAPTURE_JSON("case3", "id")}},
    {POST("reg", "its order cannot suspend a certificate it has not (422)", SV "/{{case3}}/order",
          "{\"kind\": \"display_prohibition\", \"reference\": \"R-1\", \"certificate_action\":"
          " \"suspend\", \"reason\": \"x\"}",
          422),
     .checks = {JSON_STR("errors[0].field", "certificate_action")}},
    {POST(
         "reg", "an order without a certificate action closes it", SV "/{{case3}}/order",
         "{\"kind\": \"display_prohibition\", \"reference\": \"R-1\", \"reason\": \"False mark.\"}",
         200),
     .checks = {JSON_STR("status", "closed_order")}},
    {POST("reg", "an unknown certificate number is refused, naming it", SV,
          "{\"certificate_number\": \"D20-9999999\", \"product\": \"x\", \"summary\": \"x\"}", 422),
     .checks = {JSON_STR("errors[0].field", "certificate_number")}},
    {POST("reg", "a case needs a number", SV, "{\"product\": \"x\", \"summary\": \"x\"}", 422),
     .checks = {JSON_STR("errors[0].field", "certificate_number")}},
    {POST("reg", "product and summary are required", SV, "{\"claimed_number\": \"X\"}", 422),
     .checks = {JSON_STR("errors[].field", "product"), JSON_STR("errors[].field", "summary")}},
    {POST("reg", "steps on a case that does not exist: 404",
          SV "/00000000-0000-4000-8000-000000000000/findings", "{\"message\": \"x\"}", 404)},
};

/* ---- the pages ------------------------------------------------------------------------------- */

static const ht_step pages[] = {
    GRANTED_CERTIFICATE("e"),
    {PAGE("reg", "the case list with the open form (ja)", "/surveillance?lang=ja", 200),
     .checks = {BODY_HAS("市場調査"), BODY_HAS("name=\"certificate_number\""),
                BODY_HAS("action=\"/surveillance\"")}},
    {.name = "the regulator opens a case with the form",
     .actor = "reg",
     .method = "POST",
     .path = "/surveillance",
     .content_type = FORM_T,
     .body = "certificate_number={{num}}&product=SV-3+web&summary=Opened+from+the+page",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "/surveillance/")}},
    {.name = "a refused form (a script, not a browser): problem+json naming the field",
     .actor = "reg",
     .method = "POST",
     .path = "/surveillance",
     .content_type = FORM_T,
     .body = "certificate_number=D20-9999999&product=x&summary=y",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "certificate_number")}},
    {GET("reg", "find the case", SV "?certificate={{num}}", 200), .checks = {JSON_LEN("items", 1)},
     .captures = {CAPTURE_JSON("case", "items[0].id")}},
    {PAGE("reg", "the case page offers the regulator's forms (en)",
          "/surveillance/{{case}}?lang=en", 200),
     .checks = {BODY_HAS("Record a sample purchase"), BODY_HAS("Record a test"),
                BODY_HAS("Issue a regulatory order"), BODY_HAS(REG_NAME)}},
    {PAGE("reg", "the case page has the upload form (token in its action)",
          "/surveillance/{{case}}?lang=en", 200),
     .checks = {BODY_HAS("enctype=\"multipart/form-data\""), BODY_HAS("/evidence?csrf_token="),
                BODY_HAS("Upload an evidence file")}},
    {.name = "an evidence file from the page",
     .actor = "reg",
     .method = "POST",
     .path = "/surveillance/{{case}}/evidence",
     .content_type = "multipart/form-data; boundary=" BOUNDARY,
     .body =
         "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo"
         ".png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n0000\r\n--" BOUNDARY "--\r\n",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "?done=evidence")}},
    {GET("reg", "the file is the case's", SV "/{{case}}", 200),
     .checks = {JSON_STR("evidence_files[0].media_type", "image/png"),
                JSON_STR("evidence_files[0].filename", "photo.png")},
     .captures = {CAPTURE_JSON("evid", "evidence_files[0].id")}},
    {PAGE("reg", "the test form offers it to cite", "/surveillance/{{case}}", 200),
     .checks = {BODY_HAS("photo.png"), BODY_MATCH("name=\"ev_[0-9a-f-]{36}\"")}},
    {.name = "a failed test from the page, citing the file",
     .actor = "reg",
     .method = "POST",
     .path = "/surveillance/{{case}}/test",
     .content_type = FORM_T,
     .body = "requirement=SR-2&verdict=fail&evidence=Same+password+on+two+units&ev_{{evid}}=on",
     .expect_status = 303},
    {GET("reg", "the test cites the file", SV "/{{case}}", 200),
     .checks = {JSON_STR("steps[].evidence_ids[0]", "{{evid}}")}},
    {.name = "an order from the page",
     .actor = "reg",
     .method = "POST",
     .path = "/surveillance/{{case}}/order",
     .content_type = FORM_T,
     .body = "kind=display_prohibition&reference=R-web-1&certificate_action=suspend"
             "&reason=Page+order",
     .expect_status = 303},
    {GET(NULL, "the order suspended the certificate", "/api/v1/certificates/{{num}}", 200),
     .checks = {JSON_STR("status", "suspended")}},
    {.name = "an unknown step is 404",
     .actor = "reg",
     .method = "POST",
     .path = "/surveillance/{{case}}/nonsense",
     .content_type = FORM_T,
     .body = "x=y",
     .expect_status = 404},
    {PAGE("reg", "the status page offers reinstate and revoke",
          "/certificates/{{num}}/status?lang=en", 200),
     .checks = {BODY_HAS("value=\"reinstate\""), BODY_HAS("value=\"revoke\""),
                BODY_LACKS("value=\"suspend\"")}},
    {.name = "the first post only asks for confirmation",
     .actor = "reg",
     .method = "POST",
     .path = "/certificates/{{num}}/status?lang=en",
     .content_type = FORM_T,
     .headers = {"Accept: text/html"},
     .body = "action=reinstate&reason=Corrected+firmware+verified&internal_note=web-note-1",
     .expect_status = 200,
     .checks = {BODY_HAS("Confirm the change"), BODY_HAS("/status/reinstate"),
                BODY_HAS("name=\"confirm\" value=\"yes\"")}},
    {GET(NULL, "nothing changed yet", "/api/v1/certificates/{{num}}", 200),
     .checks = {JSON_STR("status", "suspended")}},
    {.name = "without the confirmation the change is refused",
     .actor = "reg",
     .method = "POST",
     .path = "/certificates/{{num}}/status/reinstate",
     .content_type = FORM_T,
     .body = "reason=x",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "confirm")}},
    {.name = "confirmed: reinstated",
     .actor = "reg",
     .method = "POST",
     .path = "/certificates/{{num}}/status/reinstate",
     .content_type = FORM_T,
     .body = "confirm=yes&reason=Corrected+firmware+verified&internal_note=web-note-1",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "/certificates/")}},
    {GET(NULL, "granted again, without the note", "/api/v1/certificates/{{num}}", 200),
     .checks = {JSON_STR("status", "granted"), BODY_LACKS("web-note-1")}},
    {.name = "a status change without an action is refused (422 naming action)",
     .actor = "reg",
     .method = "POST",
     .path = "/certificates/{{num}}/status",
     .content_type = FORM_T,
     .body = "reason=x",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "action")}},
    {PAGE("maker", "the holder's list shows the case once ordered", "/surveillance?lang=en", 200),
     .checks = {BODY_HAS("SV-3 web"), BODY_HAS("Closed by a regulatory order"),
                BODY_LACKS("Open a case")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("order suspends", order_suspends),
    HT_SCENARIO("holder isolation", isolation),
    HT_SCENARIO("note never public", note_never_public),
    HT_SCENARIO("corrective action and closing", corrective),
    HT_SCENARIO("idempotent open", idempotent_open),
    HT_SCENARIO("national in the navigation", national_nav),
    HT_SCENARIO("pages", pages),
};

const ht_group ht_group_surveillance = {"surveillance", scenarios, HT_COUNT(scenarios)};

/* ---- the PDF's text ------------------------------------------------------------------------ */

static int failures;
#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL surveillance/procedural: ");                                              \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static bool fetch(ht_client *c, const char *path, ht_response *r)
{
    ht_request req = {.method = "GET", .path = path};
    memset(r, 0, sizeof *r);
    if (ht_send(c, "anon", &req, r) != 0 || r->status != 200) {
        EXPECT(false, "GET %s: %ld", path, r->status);
        return false;
    }
    return true;
}

/* The revoked certificate of "note never public": its PDF, read with pdftotext (Debian
 * poppler-utils) when installed, names the certificate but neither internal note nor the
 * regulator's name. */
int ht_surveillance_checks(const ht_options *opts)
{
    ht_client *c = ht_client_new(opts->base_url);
    if (!c) return 1;
    failures = 0;
    ht_response r;
    char number[32] = "";
    if (fetch(c, "/api/v1/certificates?q=SV-3c", &r)) {
        const char *n = json_string_value(
            json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "number"));
        if (n) snprintf(number, sizeof number, "%s", n);
    }
    ht_response_free(&r);
    EXPECT(*number, "no certificate of model SV-3c found");
    bool have = system("command -v pdftotext >/dev/null 2>&1") == 0;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/certificates/%s/certificate.pdf", number);
    if (*number && have && fetch(c, path, &r)) {
        char file[64], cmd[160];
        snprintf(file, sizeof file, "/tmp/gk_api_sv_%d.pdf", (int)getpid());
        FILE *f = fopen(file, "wb");
        if (f) {
            fwrite(r.body, 1, r.body_len, f);
            fclose(f);
        }
        snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -q %s - 2>/dev/null", file);
        FILE *p = f ? popen(cmd, "r") : NULL;
        char *text = calloc(1, 1 << 16);
        if (p && text) text[fread(text, 1, (1 << 16) - 1, p)] = 0;
        if (p) pclose(p);
        unlink(file);
        EXPECT(text && strstr(text, number), "pdftotext: no number %s", number);
        EXPECT(text && !strstr(text, "INTERNAL-NOTE"), "pdftotext: an internal note is in the PDF");
        EXPECT(text && !strstr(text, REG_NAME), "pdftotext: the regulator's name is in the PDF");
        free(text);
        ht_response_free(&r);
    }
    if (!have) printf("skip surveillance/procedural: pdftotext is not installed\n");
    printf("%s surveillance/procedural (PDF text)\n", failures ? "FAIL" : "ok  ");
    ht_client_free(c);
    return failures ? 1 : 0;
}
