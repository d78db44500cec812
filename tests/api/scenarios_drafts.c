/* Draft visibility: a draft is the applicant's own until it is submitted. An examiner gets
 * 404 for the draft itself, its documents (list and download), its history and its requests
 * for information, and does not find it in the list of applications; once it is submitted,
 * the same reads answer 200 and the list shows it, as the examination endpoints do.
 *
 * Fixtures: the admin made by scripts/test; the examiner and the manufacturer are created
 * here with addresses of their own. */
#include "bodies.h"
#include "harness.h"
#include "mail_steps.h"
#include "steps.h"

#define JSON_T "application/json"
#define PW "drafts passphrase 1"
#define APPS "/api/v1/applications"
#define BOUNDARY "gk-drafts-boundary-5e1a"
#define MP_T "multipart/form-data; boundary=" BOUNDARY
#define UPLOAD_BODY(kind)                                                                          \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n" kind "\r\n"          \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"confidentiality\"\r\n\r\n"           \
    "confidential\r\n"                                                                             \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" kind            \
    ".pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n% " kind "\n%%EOF\n\r\n"             \
    "--" BOUNDARY "--\r\n"
#define UPLOAD(kind)                                                                               \
    {                                                                                              \
        .name = "maker uploads the " kind, .actor = "maker", .method = "POST",                     \
        .path = APPS "/{{app}}/documents", .content_type = MP_T, .body = UPLOAD_BODY(kind),        \
        .expect_status = 201                                                                       \
    }
#define EXAMINER_READS(what, path_, status_)                                                       \
    {                                                                                              \
        .name = "the examiner reads " what ": " #status_, .actor = "examiner", .method = "GET",    \
        .path = path_, .expect_status = status_                                                    \
    }

static const ht_step draft_is_private[] = {
    {.name = "admin signs in",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = "{\"email\": \"admin@api.test\", \"password\": \"admin-passphrase-for-api-tests\"}",
     .expect_status = 200},
    {.name = "admin creates an examiner",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/users",
     .content_type = JSON_T,
     .body = "{\"email\": \"ex-drafts@cb.test\", \"password\": \"" PW "\", \"name\": \"Examiner"
             " D\", \"role\": \"examiner\"}",
     .expect_status = 201},
    {.name = "the examiner signs in",
     .actor = "examiner",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = "{\"email\": \"ex-drafts@cb.test\", \"password\": \"" PW "\"}",
     .expect_status = 200},
    {.name = "a manufacturer signs up",
     .method = "POST",
     .path = "/api/v1/signup",
     .content_type = JSON_T,
     .body = "{\"organization\": {\"name\": \"Drafts Maker\", \"representative\": \"山田 太郎\"},"
             " \"user\": {\"email\": \"maker-drafts@mk.test\", \"password\": \"" PW "\","
             " \"name\": \"M\"}}",
     .expect_status = 202},
    VERIFY_MAIL("maker-drafts@mk.test"),
    HOLDER_COMPLETE("Drafts Maker", "maker-drafts@mk.test", PW),
    {.name = "the manufacturer signs in",
     .actor = "maker",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = "{\"email\": \"maker-drafts@mk.test\", \"password\": \"" PW "\"}",
     .expect_status = 200},
    {.name = "the manufacturer files a draft",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"Private Router 1\","
             " \"type_name\": \"PR-1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD "},"
             " \"declarations\": {\"SR-1\": {\"description\": \"A password is asked.\"},"
             " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Per unit.\"},"
             " \"SR-3\": {\"description\": \"Signed updates.\"},"
             " \"SR-4\": {\"description\": \"Kept in flash.\"}}}",
     .expect_status = 201,
     .checks = {JSON_STR("status", "draft")},
     .captures = {CAPTURE_JSON("app", "id")}},
    UPLOAD("outline"),
    {.name = "the manufacturer lists the draft's documents",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}/documents",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1)},
     .captures = {CAPTURE_JSON("doc", "items[0].id")}},
    {.name = "the examiner reads the draft: 404",
     .actor = "examiner",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 404,
     .expect_code = "resource.not_found"},
    {.name = "the examiner lists the draft's documents: 404",
     .actor = "examiner",
     .method = "GET",
     .path = APPS "/{{app}}/documents",
     .expect_status = 404,
     .expect_code = "resource.not_found"},
    EXAMINER_READS("a document of the draft", APPS "/{{app}}/documents/{{doc}}", 404),
    EXAMINER_READS("the draft's history", APPS "/{{app}}/history", 404),
    EXAMINER_READS("the draft's requests for information", APPS "/{{app}}/info-requests", 404),
    {.name = "the draft is not in the examiner's list",
     .actor = "examiner",
     .method = "GET",
     .path = APPS "?limit=500",
     .expect_status = 200,
     .checks = {BODY_LACKS("{{app}}")}},
    {.name = "nor when asked for drafts",
     .actor = "examiner",
     .method = "GET",
     .path = APPS "?status=draft&limit=500",
     .expect_status = 200,
     .checks = {BODY_LACKS("{{app}}")}},
    {.name = "the examiner cannot upload to the draft: 404",
     .actor = "examiner",
     .method = "POST",
     .path = APPS "/{{app}}/documents",
     .content_type = MP_T,
     .body = UPLOAD_BODY("evidence"),
     .expect_status = 404},
    UPLOAD("test_report"),
    UPLOAD("external_view"),
    UPLOAD("connection_diagram"),
    UPLOAD("block_diagram"),
    UPLOAD("manual"),
    {.name = "the manufacturer submits",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "submitted")}},
    {.name = "the examiner reads the submitted case: 200",
     .actor = "examiner",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_STR("id", "{{app}}"), JSON_STR("status", "submitted")}},
    {.name = "and its documents: 200",
     .actor = "examiner",
     .method = "GET",
     .path = APPS "/{{app}}/documents",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 6)}},
    EXAMINER_READS("a document of the case", APPS "/{{app}}/documents/{{doc}}", 200),
    EXAMINER_READS("the case's history", APPS "/{{app}}/history", 200),
    {.name = "the case is in the examiner's list",
     .actor = "examiner",
     .method = "GET",
     .path = APPS "?limit=500",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "id=\"{{app}}\"", "status=\"submitted\"")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("a draft is the applicant's own until submitted", draft_is_private),
};

const ht_group ht_group_drafts = {"drafts", scenarios, HT_COUNT(scenarios)};
