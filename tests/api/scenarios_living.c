/* The certificate as a living record (issue 16): holder records with the 法人番号 check
 * digit, change applications (name addition, partial change, holder change) examined and
 * reviewed by two examiners, each approval a new signed version of the same number, the
 * reports to the Minister, and public exhibits.
 *
 * ht_living_checks() then verifies a version's signature with `openssl pkeyutl -verify`
 * against the published key, as the certificate page tells anyone to. Assumes a fresh
 * database (scripts/test makes one): organisation names and addresses are this file's own. */
#include "bodies.h"
#include "harness.h"
#include "harness_ext.h"
#include "steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JSON_T "application/json"
#define PW "living scenario passphrase"
#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define APPS "/api/v1/applications"
#define APPS_PAGE "/applications"
#define CERT "/api/v1/certificates/{{num}}"
#define ME "/api/v1/organizations/me"

/* A complete holder record of a Japanese company at `addr`. */
#define HOLDER_BODY(name, addr, cn)                                                                \
    "{\"name\": \"" name "\", \"name_ja\": \"" name "\", \"name_en\": \"" name " K.K.\","          \
    " \"corporate_number\": \"" cn "\", \"address_ja\": \"" addr "\","                             \
    " \"address_en\": \"1-1 Chiyoda, Tokyo\", \"country\": \"JP\","                                \
    " \"representative\": \"山田 太郎\", \"representative_title\": \"代表取締役\","       \
    " \"contact\": {\"name\": \"佐藤 花子\", \"phone\": \"03-1234-5678\","                     \
    " \"email\": \"contact@living.test\"}}"

/* A sign-up that leaves the holder record as sign-up makes it (name and representative only),
 * with {{org}} its organisation: the scenario that completes the record itself. */
#define SIGNUP_ORG(org, email)                                                                     \
    {.name = "sign up " email,                                                                     \
     .method = "POST",                                                                             \
     .path = "/api/v1/signup",                                                                     \
     .content_type = JSON_T,                                                                       \
     .body = "{\"organization\": {\"name\": \"" org "\", \"representative\": \"山田 太郎\"},"  \
             " \"user\": {\"email\": \"" email "\", \"password\": \"" PW "\", \"name\": \"M\"}}",  \
     .expect_status = 202},                                                                        \
        VERIFY_MAIL(email), ORG_ID(email)
/* {{org}}: the organisation of the account `email` (signed in as an actor of its own). */
#define ORG_ID(email)                                                                              \
    {.name = "sign in " email " to read its organisation",                                         \
     .actor = "org:" email,                                                                        \
     .method = "POST",                                                                             \
     .path = "/api/v1/session",                                                                    \
     .content_type = JSON_T,                                                                       \
     .body = "{\"email\": \"" email "\", \"password\": \"" PW "\"}",                               \
     .expect_status = 200},                                                                        \
    {                                                                                              \
        .name = "the organisation of " email, .actor = "org:" email, .method = "GET", .path = ME,  \
        .expect_status = 200, .captures = {                                                        \
            CAPTURE_JSON("org", "id")                                                              \
        }                                                                                          \
    }

#define HOLDER_PUT(nm, addr, cn)                                                                   \
    {                                                                                              \
        .name = "maker completes its holder record", .actor = "maker", .method = "PUT",            \
        .path = ME, .content_type = JSON_T, .body = HOLDER_BODY(nm, addr, cn),                     \
        .expect_status = 200, .checks = {                                                          \
            JSON_EQ("complete", "true"),                                                           \
            JSON_LEN("missing", 0)                                                                 \
        }                                                                                          \
    }

#define VERDICT(ex, req)                                                                           \
    {                                                                                              \
        .name = ex ": " req " pass", .actor = ex, .method = "PUT",                                 \
        .path = APPS "/{{app}}/requirements/" req "/verdict", .content_type = JSON_T,              \
        .body = "{\"verdict\": \"pass\"}", .expect_status = 200                                    \
    }

#define BOUNDARY "gk-living-boundary-7a3c"
#define UPLOAD_AS(kind, conf, fname)                                                               \
    {                                                                                              \
        .name = "maker uploads " fname " (" conf ")", .actor = "maker", .method = "POST",          \
        .path = APPS "/{{app}}/documents",                                                         \
        .content_type = "multipart/form-data; boundary=" BOUNDARY,                                 \
        .body = "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n" kind     \
                "\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"confidentiality\""   \
                "\r\n\r\n" conf "\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; "           \
                "name=\"file\"; filename=\"" fname "\"\r\nContent-Type: application/pdf\r\n\r\n"   \
                "%PDF-1.7\n% " fname "\n%%EOF\n\r\n--" BOUNDARY "--\r\n",                          \
        .expect_status = 201                                                                       \
    }
#define UPLOAD(kind) UPLOAD_AS(kind, "confidential", kind ".pdf")

/* Two examiners, a maker whose organisation is `org`, and a router of `model` granted to it:
 * {{num}} is the certificate, {{app}} its application, {{ex1}} {{ex2}} the examiners. */
#define PEOPLE(tag, org)                                                                           \
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD), EXAMINER("ex1-" tag "@cb.test", "ex1"),          \
        EXAMINER("ex2-" tag "@cb.test", "ex2"), SIGNIN("ex1", "ex1-" tag "@cb.test", PW),          \
        SIGNIN("ex2", "ex2-" tag "@cb.test", PW), SIGNUP(org, "maker-" tag "@living.test"),        \
        ORG_ID("maker-" tag "@living.test"), SIGNIN("maker", "maker-" tag "@living.test", PW)
#define FILE_APP(model) FILE_APP_WITH(model, "")
#define FILE_APP_WITH(model, extra) FILE_APP_FULL(model, "conformity", extra)
#define FILE_APP_FULL(model, route, extra)                                                         \
    {.name = "maker files " model,                                                                 \
     .actor = "maker",                                                                             \
     .method = "POST",                                                                             \
     .path = APPS,                                                                                 \
     .content_type = JSON_T,                                                                       \
     .body = "{\"route\": \"" route "\", \"device\": {\"model_name\": \"" model "\","              \
             " \"type_name\": \"LV-1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD      \
             "}, \"declarations\": {\"SR-1\": {\"description\": \"Password first.\"},"             \
             " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Per unit.\"},"    \
             " \"SR-3\": {\"description\": \"Signed updates.\"},"                                  \
             " \"SR-4\": {\"description\": \"Kept in flash.\"}}" extra "}",                        \
     .expect_status = 201,                                                                         \
     .captures = {CAPTURE_JSON("app", "id")}},                                                     \
        UPLOAD("test_report"), UPLOAD("outline"), UPLOAD("external_view"),                         \
        UPLOAD("connection_diagram"), UPLOAD("block_diagram"), UPLOAD("manual")
#define EXAMINE_AND_GRANT(what)                                                                    \
    {.name = "maker submits " what,                                                                \
     .actor = "maker",                                                                             \
     .method = "POST",                                                                             \
     .path = APPS "/{{app}}/submit",                                                               \
     .content_type = JSON_T,                                                                       \
     .body = "{}",                                                                                 \
     .expect_status = 200},                                                                        \
        ASSIGN(what), VERDICT("ex1", "SR-1"), VERDICT("ex1", "SR-2"), VERDICT("ex1", "SR-3"),      \
        VERDICT("ex1", "SR-4"), PROPOSE(what), APPROVE(what)
#define ASSIGN(what)                                                                               \
    {                                                                                              \
        .name = "ex1 takes " what, .actor = "ex1", .method = "POST",                               \
        .path = APPS "/{{app}}/assign", .content_type = JSON_T,                                    \
        .body = "{\"examiner_id\": \"{{ex1}}\"}", .expect_status = 200                             \
    }
#define PROPOSE(what)                                                                              \
    {                                                                                              \
        .name = "ex1 proposes to grant " what, .actor = "ex1", .method = "POST",                   \
        .path = APPS "/{{app}}/proposal", .content_type = JSON_T,                                  \
        .body = "{\"decision\": \"grant\", \"reason\": \"All met.\"}", .expect_status = 201        \
    }
#define APPROVE(what)                                                                              \
    {                                                                                              \
        .name = "ex2 approves " what, .actor = "ex2", .method = "POST",                            \
        .path = APPS "/{{app}}/review", .content_type = JSON_T,                                    \
        .body = "{\"approve\": true, \"comment\": \"Checked.\"}", .expect_status = 200,            \
        .checks = {JSON_STR("status", "granted")}, .captures = {                                   \
            CAPTURE_JSON("num", "certificate_number")                                              \
        }                                                                                          \
    }
#define GRANTED(tag, org, model)                                                                   \
    PEOPLE(tag, org), FILE_APP(model), EXAMINE_AND_GRANT("the first application")

/* ---- holder records ------------------------------------------------------------------------ */

static const ht_step holder_record[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    EXAMINER("ex1-holder@cb.test", "ex1"),
    SIGNIN("ex1", "ex1-holder@cb.test", PW),
    SIGNUP_ORG("Holder Record Maker", "maker-holder@living.test"),
    SIGNIN("maker", "maker-holder@living.test", PW),
    SIGNUP("Other Holder Maker", "other-holder@living.test"),
    SIGNIN("other", "other-holder@living.test", PW),
    {.name = "an organisation from sign-up: the record lists what a filing still needs",
     .actor = "maker",
     .method = "GET",
     .path = ME,
     .expect_status = 200,
     .checks = {JSON_STR("name", "Holder Record Maker"), JSON_STR("representative", "山田 太郎"),
                JSON_EQ("complete", "false"), JSON_HAS("missing", "\"address_ja\""),
                JSON_HAS("missing", "\"contact.email\""), JSON_HAS("missing", "\"country\"")}},
    {.name = "the maker starts a draft",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"HR-1\","
             " \"category\": \"router\"}}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("draft", "id")}},
    {.name = "the draft's page asks for the missing holder fields",
     .actor = "maker",
     .method = "GET",
     .path = APPS_PAGE "/{{draft}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_HAS("<li>Address (Japanese)</li>"),
                BODY_HAS("href=\"/account/organization\"")}},
    {.name = "submitting it is refused: 409 holder.incomplete naming each missing field",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{draft}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 409,
     .expect_code = "holder.incomplete",
     .checks = {JSON_STR("errors[].field", "holder.address_ja"),
                JSON_STR("errors[].field", "holder.country"),
                JSON_STR("errors[].field", "holder.contact.email"),
                JSON_STR("errors[].field", "holder.representative_title")}},
    {.name = "the draft is still a draft",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{draft}}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "draft")}},
    {.name = "a 法人番号 whose check digit is wrong: 422 naming corporate_number",
     .actor = "maker",
     .method = "PUT",
     .path = ME,
     .content_type = JSON_T,
     .body = "{\"name\": \"Holder Record Maker\", \"representative\": \"山田 太郎\","
             " \"corporate_number\": \"8000012050002\", \"country\": \"JP\"}",
     .expect_status = 422,
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[0].field", "corporate_number"), JSON_LEN("errors", 1)}},
    {.name = "12 digits: 422 naming corporate_number",
     .actor = "maker",
     .method = "PUT",
     .path = ME,
     .content_type = JSON_T,
     .body = "{\"name\": \"Holder Record Maker\", \"representative\": \"山田 太郎\","
             " \"corporate_number\": \"700001205000\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[].field", "corporate_number")}},
    {.name = "a country that is not two capital letters: 422 naming country",
     .actor = "maker",
     .method = "PUT",
     .path = ME,
     .content_type = JSON_T,
     .body = "{\"name\": \"Holder Record Maker\", \"representative\": \"山田 太郎\","
             " \"country\": \"Japan\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[].field", "country")}},
    {.name = "the complete record with a valid 法人番号",
     .actor = "maker",
     .method = "PUT",
     .path = ME,
     .content_type = JSON_T,
     .body =
         "{\"name\": \"Holder Record Maker\", \"name_ja\": \"ホルダー記録電機株式会社\","
         " \"corporate_number\": \"5160000000005\", \"address_ja\": \"東京都千代田区霞が関1-1\","
         " \"country\": \"JP\", \"representative\": \"山田 太郎\","
         " \"representative_title\": \"代表取締役\", \"contact\": {\"name\": \"佐藤 花子\","
         " \"phone\": \"03-1234-5678\", \"email\": \"sato@holder.test\"}}",
     .expect_status = 200,
     .checks = {JSON_EQ("complete", "true"), JSON_LEN("missing", 0),
                JSON_STR("corporate_number", "5160000000005"),
                JSON_STR("contact.email", "sato@holder.test"),
                JSON_STR("address_ja", "東京都千代田区霞が関1-1")}},
    {.name = "then the draft's page asks for nothing more",
     .actor = "maker",
     .method = "GET",
     .path = APPS_PAGE "/{{draft}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_LACKS("<li>Address (Japanese)</li>")}},
    {.name = "and its submission no longer stops at the holder record (the draft lacks the rest)",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{draft}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 422,
     .checks = {BODY_LACKS("holder.")}},
    {.name = "another organisation cannot take the same 法人番号: 409",
     .actor = "other",
     .method = "PUT",
     .path = ME,
     .content_type = JSON_T,
     .body = "{\"name\": \"Other Holder Maker\", \"representative\": \"R\","
             " \"corporate_number\": \"5160000000005\"}",
     .expect_status = 409,
     .expect_code = "resource.already_exists",
     .checks = {JSON_STR("errors[0].field", "corporate_number")}},
    {.name = "another maker does not see the record: 404",
     .actor = "other",
     .method = "GET",
     .path = "/api/v1/organizations/{{org}}",
     .expect_status = 404},
    {.name = "the holder sees its own by id",
     .actor = "maker",
     .method = "GET",
     .path = "/api/v1/organizations/{{org}}",
     .expect_status = 200,
     .checks = {JSON_STR("corporate_number", "5160000000005")}},
    {.name = "an examiner reads it",
     .actor = "ex1",
     .method = "GET",
     .path = "/api/v1/organizations/{{org}}",
     .expect_status = 200,
     .checks = {JSON_STR("contact.name", "佐藤 花子"), JSON_EQ("complete", "true")}},
    {.name = "the staff have no organisation of their own: /me is the makers'",
     .actor = "ex1",
     .method = "GET",
     .path = ME,
     .expect_status = 403},
};

/* ---- a name addition: two examiners, the same number, a second signed version ------------- */

#define NA_MODEL "LV-NA Router"
#define NA_OEM "OEM-NA Homegate"
static const ht_step name_addition[] = {
    GRANTED("na", "Name Addition Maker", NA_MODEL),
    {.name = "the certificate starts with one version: the grant",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {JSON_LEN("versions", 1), JSON_STR("versions[0].kind", "grant"),
                JSON_EQ("current_version", "1"), JSON_EQ("model_names", "[\"" NA_MODEL "\"]"),
                JSON_EQ("verified", "true")}},
    {.name = "the maker turns its record into a Japanese company's, without address and phone",
     .actor = "maker",
     .method = "PUT",
     .path = ME,
     .content_type = JSON_T,
     .body = "{\"name\": \"Name Addition Maker\", \"name_ja\": \"名前追加電機株式会社\","
             " \"corporate_number\": \"9160000000001\", \"country\": \"JP\","
             " \"representative\": \"山田 太郎\", \"representative_title\": \"代表取締役\","
             " \"contact\": {\"name\": \"佐藤 花子\", \"email\": \"c@living.test\"}}",
     .expect_status = 200,
     .checks = {JSON_EQ("complete", "false")}},
    {.name = "the holder record is incomplete: the change is refused naming what is missing",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"name_addition\", \"summary\": \"OEM name.\","
             " \"model_name\": \"" NA_OEM "\"}",
     .expect_status = 409,
     .expect_code = "holder.incomplete",
     .checks = {JSON_STR("errors[].field", "holder.address_ja"),
                JSON_STR("errors[].field", "holder.contact.phone")}},
    HOLDER_PUT("名前追加電機株式会社", "大阪府大阪市北区1-2-3", "9160000000001"),
    {.name = "a name addition without the name: 422",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"name_addition\", \"summary\": \"OEM name.\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "model_name")}},
    {.name = "a model name the certificate already has: 422",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"name_addition\", \"summary\": \"x\", \"model_name\": \"" NA_MODEL "\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "model_name")}},
    {.name = "an examiner cannot file a change: 403",
     .actor = "ex1",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"name_addition\", \"summary\": \"x\", \"model_name\": \"x\"}",
     .expect_status = 403},
    {.name = "the holder files the name addition: a submitted change application",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"name_addition\", \"summary\": \"OEM name for the same design.\","
             " \"model_name\": \"" NA_OEM "\"}",
     .expect_status = 201,
     .checks = {JSON_STR("status", "submitted"), JSON_STR("kind", "name_addition"),
                JSON_STR("certificate_number", "{{num}}"), JSON_STR("change.model_name", NA_OEM),
                JSON_STR("device.model_name", NA_MODEL), HEADER_PRESENT("Location")},
     .captures = {CAPTURE_JSON("app", "id")}},
    {.name = "a second change while one is open: 409",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"name_addition\", \"summary\": \"again\", \"model_name\": \"X\"}",
     .expect_status = 409,
     .expect_code = "state.conflict"},
    ASSIGN("the name addition"),
    {.name = "every verdict is carried over from the grant",
     .actor = "ex1",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_LEN("change.carried_over", 4),
                JSON_FIND("change.carried_over", "requirement_id=\"SR-3\"", "verdict=\"pass\"")}},
    PROPOSE("the name addition"),
    {.name = "the proposer cannot approve it: four eyes",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Self.\"}",
     .expect_status = 403,
     .expect_code = "review.own_proposal"},
    {.name = "ex2 approves: granted, on the same number",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Same design.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted"), JSON_STR("certificate_number", "{{num}}"),
                JSON_EQ("change.version", "2")}},
    {.name = "the certificate has a second signed version with both model names",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {JSON_LEN("versions", 2), JSON_EQ("current_version", "2"),
                JSON_STR("versions[1].kind", "name_addition"),
                JSON_EQ("versions[1].model_names", "[\"" NA_MODEL "\", \"" NA_OEM "\"]"),
                JSON_TYPE("versions[1].signature", "string"),
                JSON_TYPE("versions[1].signed_payload", "string"),
                JSON_STR("versions[1].summary", "OEM name for the same design."),
                JSON_STR("model_name", NA_MODEL), JSON_EQ("verified", "true"),
                JSON_HAS("model_names", "\"" NA_OEM "\""),
                JSON_STR("holder.address_ja", "大阪府大阪市北区1-2-3")}},
    {.name = "the public search finds the certificate by the added model name",
     .method = "GET",
     .path = "/api/v1/certificates?q=OEM-NA%20Home",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].number", "{{num}}")}},
    {.name = "the certificate page shows the current record and both versions (English)",
     .method = "GET",
     .path = "/certificates/{{num}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("Current record"), BODY_HAS(NA_OEM), BODY_HAS("Added model name"),
                BODY_HAS("OEM name for the same design."), BODY_HAS("大阪府大阪市北区1-2-3"),
                BODY_LACKS("changes/new")}},
    {.name = "the holder's page offers a change",
     .actor = "maker",
     .method = "GET",
     .path = "/certificates/{{num}}?lang=ja",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_HAS("追加型式"),
                BODY_MATCH("href=\"/certificates/D[0-9]{2}-[0-9]{7}/changes/new\"")}},
    {.name = "the public record shows no contact person",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {BODY_LACKS("contact@living.test"), BODY_LACKS("佐藤 花子")}},
};

/* ---- a partial change: only the affected requirement is examined again ------------------- */

static const ht_step partial_change[] = {
    GRANTED("pc", "Partial Change Maker", "LV-PC Router"),
    HOLDER_PUT("部分変更電機株式会社", "福岡県福岡市中央区4-5-6", "8160000000002"),
    {.name = "a requirement the rule set does not have: 422",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"partial_change\", \"summary\": \"New firmware.\","
             " \"affected_requirements\": \"SR-9\", \"firmware_versions\": \"2.0.0\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "affected_requirements")}},
    {.name = "the holder files a firmware change affecting SR-3",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"partial_change\", \"summary\": \"Firmware 2.0: new update client.\","
             " \"affected_requirements\": \"SR-3\", \"hardware_version\": \"rev B\","
             " \"firmware_versions\": \"2.0.0\", \"update_method\": \"signed OTA\","
             " \"security_support_until\": \"2031-03-31\"}",
     .expect_status = 201,
     .checks = {JSON_EQ("change.affected_requirements", "[\"SR-3\"]"),
                JSON_STR("examined.firmware_versions", "2.0.0")},
     .captures = {CAPTURE_JSON("app", "id")}},
    ASSIGN("the partial change"),
    {.name = "SR-1, SR-2, SR-4 are carried over with a reference; SR-3 is not",
     .actor = "ex1",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_LEN("change.carried_over", 3),
                JSON_FIND("change.carried_over", "requirement_id=\"SR-1\"", "carried_from"),
                JSON_FIND("change.carried_over", "requirement_id=\"SR-4\"", "verdict=\"pass\""),
                BODY_LACKS("\"requirement_id\": \"SR-3\"")}},
    {.name = "the examiner's case page shows the change and what was carried over",
     .actor = "ex1",
     .method = "GET",
     .path = "/examination/{{app}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("Change of certificate"), BODY_HAS("Partial change"),
                BODY_HAS("Firmware 2.0: new update client."), BODY_HAS("Verdicts carried over")}},
    {.name = "a grant is not yet possible: SR-3 has no verdict",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"x\"}",
     .expect_status = 422,
     .expect_code = "proposal.requirements_missing",
     .checks = {JSON_STR("errors[].field", "requirements.SR-3.verdict"), JSON_LEN("errors", 1)}},
    VERDICT("ex1", "SR-3"),
    PROPOSE("the partial change"),
    APPROVE("the partial change"),
    {.name = "version 2 carries what was examined; version 1 keeps the grant",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {JSON_LEN("versions", 2), JSON_STR("versions[1].kind", "partial_change"),
                JSON_STR("examined.firmware_versions", "2.0.0"),
                JSON_STR("examined.hardware_version", "rev B"),
                JSON_STR("examined.security_support_until", "2031-03-31"),
                JSON_STR("versions[0].kind", "grant")}},
};

/* ---- a holder change: the public holder changes, the history stays ------------------------ */

static const ht_step holder_change[] = {
    GRANTED("hc", "Holder Change Maker", "LV-HC Router"),
    HOLDER_PUT("旧社名電機株式会社", "京都府京都市下京区7-8-9", "7160000000003"),
    {.name = "a holder change without the new name: 422",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"holder_change\", \"summary\": \"Merger.\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "holder.name")}},
    {.name = "the holder files the change of name after a merger",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"holder_change\", \"summary\": \"Merger: new company name.\","
             " \"holder\": {\"name\": \"New Name Denki\", \"name_ja\": \"新社名電機株式会社\","
             " \"address_ja\": \"京都府京都市中京区10-11\"}}",
     .expect_status = 201,
     .checks = {JSON_STR("change.holder.name_ja", "新社名電機株式会社"),
                JSON_STR("status", "draft")},
     .captures = {CAPTURE_JSON("app", "id")}},
    {.name = "it cannot be submitted without its supporting document",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[].field", "documents.other"), JSON_LEN("errors", 1)}},
    UPLOAD_AS("other", "confidential", "merger-registration.pdf"),
    {.name = "with the document the holder submits the change",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "submitted"), JSON_STR("kind", "holder_change")}},
    ASSIGN("the holder change"),
    PROPOSE("the holder change"),
    APPROVE("the holder change"),
    {.name = "the public record names the new holder; version 1 keeps the old one",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {JSON_STR("holder.name_ja", "新社名電機株式会社"),
                JSON_STR("holder.address_ja", "京都府京都市中京区10-11"),
                JSON_STR("versions[1].holder.name", "New Name Denki"),
                JSON_STR("versions[1].kind", "holder_change"),
                JSON_STR("manufacturer", "Holder Change Maker"),
                JSON_STR("versions[0].kind", "grant"), JSON_EQ("verified", "true"),
                BODY_LACKS("merger-registration.pdf")}},
    {.name = "the old holder's English name is not carried onto the new holder",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {JSON_ABSENT("holder.name_en"), JSON_STR("versions[0].kind", "grant")}},
    {.name = "the search finds the certificate by the new holder's name",
     .method = "GET",
     .path = "/api/v1/certificates?q=%E6%96%B0%E7%A4%BE%E5%90%8D%E9%9B%BB%E6%A9%9F",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].number", "{{num}}")}},
};

/* ---- the report to the Minister ----------------------------------------------------------- */

#define REPORT "/api/v1/reports/certifications?from=2000-01-01&to=2099-12-31"
static const ht_step report[] = {
    GRANTED("rp", "Report Maker", "LV-RP Router"),
    HOLDER_PUT("報告電機株式会社", "北海道札幌市中央区12-13", "6160000000004"),
    {.name = "admin creates a regulator",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/users",
     .content_type = JSON_T,
     .body = "{\"email\": \"reg-rp@mic.test\", \"password\": \"" PW "\", \"name\": \"MIC\","
             " \"role\": \"regulator\"}",
     .expect_status = 201},
    SIGNIN("regulator", "reg-rp@mic.test", PW),
    {.name = "the holder files a name addition",
     .actor = "maker",
     .method = "POST",
     .path = CERT "/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"name_addition\", \"summary\": \"OEM.\", \"model_name\": \"RP-OEM\"}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("app", "id")}},
    ASSIGN("the name addition"),
    PROPOSE("the name addition"),
    APPROVE("the name addition"),
    {.name = "the examiner suspends the certificate",
     .actor = "ex1",
     .method = "POST",
     .path = CERT "/suspend",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Vulnerability under investigation.\"}",
     .expect_status = 200},
    {.name = "a maker may not read reports: 403",
     .actor = "maker",
     .method = "GET",
     .path = REPORT,
     .expect_status = 403},
    {.name = "dates that are not dates: 422",
     .actor = "admin",
     .method = "GET",
     .path = "/api/v1/reports/certifications?from=2026-13-01&to=x",
     .expect_status = 422,
     .checks = {JSON_STR("errors[].field", "from"), JSON_STR("errors[].field", "to")}},
    {.name = "the report lists the grant, the change and the suspension with the address",
     .actor = "admin",
     .method = "GET",
     .path = REPORT,
     .expect_status = 200,
     .checks = {JSON_FIND("rows", "event=\"grant\"", "holder_address=\"北海道札幌市中央区12-13\""),
                JSON_FIND("rows", "event=\"change:name_addition\"",
                          "holder_address=\"北海道札幌市中央区12-13\""),
                JSON_FIND("rows", "event=\"suspension\"",
                          "holder_address=\"北海道札幌市中央区12-13\""),
                JSON_FIND("rows", "model_names=\"LV-RP Router; RP-OEM\"", "event"),
                JSON_FIND("rows", "holder_name=\"報告電機株式会社\"", "representative"),
                JSON_EQ("submitted", "null")}},
    {.name = "the same rows as CSV",
     .actor = "admin",
     .method = "GET",
     .path = REPORT "&format=csv",
     .expect_status = 200,
     .expect_content_type = "text/csv",
     .checks = {BODY_MATCH("^number,event,event_date,holder_name,holder_address,"),
                BODY_HAS("\"change:name_addition\""), BODY_HAS("\"北海道札幌市中央区12-13\"")}},
    {.name = "and as XML",
     .actor = "admin",
     .method = "GET",
     .path = REPORT "&format=xml",
     .expect_status = 200,
     .expect_content_type = "application/xml",
     .checks = {BODY_HAS("<certification-report from=\"2000-01-01\" to=\"2099-12-31\">"),
                BODY_HAS("<event>suspension</event>")}},
    {.name = "the printable report page lists the events",
     .actor = "admin",
     .method = "GET",
     .path = "/reports/certifications?from=2000-01-01&to=2099-12-31&lang=ja",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("総務大臣 殿"), BODY_HAS("北海道札幌市中央区12-13"),
                BODY_HAS("suspension"), BODY_HAS("change:name_addition")}},
    {.name = "a maker may not open it",
     .actor = "maker",
     .method = "GET",
     .path = "/reports/certifications",
     .expect_status = 403},
    {.name = "the regulator marks the report submitted",
     .actor = "regulator",
     .method = "POST",
     .path = "/api/v1/reports/certifications/submissions",
     .content_type = JSON_T,
     .body = "{\"from\": \"2000-01-01\", \"to\": \"2099-12-31\", \"reference\": \"総基電第99号\"}",
     .expect_status = 201,
     .checks = {JSON_STR("reference", "総基電第99号"), JSON_PRESENT("submitted_at"),
                JSON_PRESENT("submitted_by_name")}},
    {.name = "the submissions are listed",
     .actor = "admin",
     .method = "GET",
     .path = "/api/v1/reports/certifications/submissions",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "reference=\"総基電第99号\"", "row_count")}},
    {.name = "the examiner reinstates the certificate after the submission",
     .actor = "ex1",
     .method = "POST",
     .path = CERT "/reinstate",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Fixed by firmware 1.0.1.\"}",
     .expect_status = 200},
    {.name = "a re-run of the submitted period shows what changed since",
     .actor = "admin",
     .method = "GET",
     .path = REPORT,
     .expect_status = 200,
     .checks = {JSON_STR("submitted.reference", "総基電第99号"),
                JSON_FIND("changed_since_submission.added", "event=\"reinstatement\"",
                          "holder_address=\"北海道札幌市中央区12-13\""),
                JSON_LEN("changed_since_submission.removed", 0)}},
};

/* ---- a foreign maker's agent in Japan and its power of attorney (委任状) ----------------- */

#define AGENT                                                                                       \
    ", \"agent\": {\"name\": \"Agent Japan K.K.\", \"address\": \"東京都港区芝公園4-2-8\"," \
    " \"contact\": \"03-5555-0101\"}"
static const ht_step agent[] = {
    PEOPLE("ag", "Foreign Agent Maker GmbH"),
    {.name = "an agent without its address: 422 naming agent.address",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"LV-AG X\","
             " \"category\": \"router\"}, \"agent\": {\"name\": \"Agent Japan K.K.\"}}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "agent.address"), JSON_LEN("errors", 1)}},
    FILE_APP_WITH("LV-AG Router", AGENT),
    {.name = "the application records the agent",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_STR("agent.name", "Agent Japan K.K."),
                JSON_STR("agent.address", "東京都港区芝公園4-2-8"),
                JSON_STR("agent.contact", "03-5555-0101")}},
    {.name = "the draft's page names the agent and asks for the power of attorney",
     .actor = "maker",
     .method = "GET",
     .path = APPS_PAGE "/{{app}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_HAS("Agent Japan K.K."), BODY_HAS("Power of attorney of the agent in Japan"),
                BODY_HAS("value=\"power_of_attorney\"")}},
    {.name = "submitted without the power of attorney: 422 naming it",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "documents.power_of_attorney"), JSON_LEN("errors", 1)}},
    UPLOAD("power_of_attorney"),
    {.name = "with it: submitted",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "submitted"), JSON_STR("agent.name", "Agent Japan K.K.")}},
    {.name = "the agent is fixed at submission",
     .method = "SQL",
     .path = "UPDATE applications SET agent_name = 'Other' WHERE id = '{{app}}'",
     .expect_status = 500},
    {.name = "the examiner finds the power of attorney among the documents",
     .actor = "ex1",
     .method = "GET",
     .path = APPS "/{{app}}/documents",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "kind=\"power_of_attorney\"",
                          "confidentiality=\"confidential\"")}},
};

/* ---- public exhibits ------------------------------------------------------------------------ */

static const ht_step exhibits[] = {
    PEOPLE("ex", "Exhibit Maker"),
    {.name = "a security-update period that is not a date: 422 naming it",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"X\","
             " \"category\": \"router\"}, \"examined\": {\"security_support_until\": \"soon\"}}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "examined.security_support_until")}},
    FILE_APP_WITH("LV-EX Router",
                  ", \"examined\": {\"hardware_version\": \"HW 3\", \"firmware_versions\":"
                  " \"1.4.2, bootloader 0.9\", \"update_method\": \"automatic, signed\","
                  " \"security_support_until\": \"2030-12-31\"}"),
    {.name = "the application records what is examined",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_STR("examined.hardware_version", "HW 3"), JSON_STR("kind", "new"),
                JSON_EQ("change", "null")}},
    UPLOAD_AS("external_view", "public", "photo-public.pdf"),
    UPLOAD_AS("other", "confidential_until:2020-01-01", "summary-past.pdf"),
    UPLOAD_AS("other", "confidential_until:2099-01-01", "summary-future.pdf"),
    EXAMINE_AND_GRANT("the application with exhibits"),
    {.name = "public and past confidential_until exhibits are published with SHA-256; the "
             "future one and the confidential ones are not",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {JSON_FIND("exhibits", "filename=\"photo-public.pdf\"", "sha256"),
                JSON_FIND("exhibits", "filename=\"summary-past.pdf\"",
                          "confidentiality=\"confidential_until\""),
                JSON_LEN("exhibits", 2), BODY_LACKS("summary-future.pdf"),
                BODY_LACKS("test_report.pdf"), BODY_MATCH("\"sha256\": ?\"[0-9a-f]{64}\"")}},
    {.name = "the public exhibit's address",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .captures = {CAPTURE_JSON("photo", "exhibits[0].url"),
                  CAPTURE_JSON("sha", "exhibits[0].sha256")}},
    {.name = "anyone downloads the public exhibit; its ETag is its SHA-256",
     .method = "GET",
     .path = "{{photo}}",
     .expect_status = 200,
     .expect_content_type = "application/pdf",
     .checks = {BODY_HAS("% photo-public.pdf"), HEADER_EQ("ETag", "\"{{sha}}\""),
                HEADER_HAS("Content-Disposition", "photo-public.pdf")}},
    {.name = "the holder's documents, oldest first",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}/documents",
     .expect_status = 200,
     .checks = {JSON_STR("items[8].filename", "summary-future.pdf"),
                JSON_STR("items[0].filename", "test_report.pdf")},
     .captures = {CAPTURE_JSON("future", "items[8].id"), CAPTURE_JSON("secret", "items[0].id")}},
    {.name = "a document whose date has not come is not downloadable: 404",
     .method = "GET",
     .path = CERT "/exhibits/{{future}}",
     .expect_status = 404},
    {.name = "nor a confidential one: 404",
     .method = "GET",
     .path = CERT "/exhibits/{{secret}}",
     .expect_status = 404},
    {.name = "what was examined is public on the certificate",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {JSON_STR("examined.hardware_version", "HW 3"),
                JSON_STR("examined.firmware_versions", "1.4.2, bootloader 0.9"),
                JSON_STR("examined.update_method", "automatic, signed"),
                JSON_STR("examined.security_support_until", "2030-12-31")}},
};

/* ---- design-holder inspection records (設計合致義務) --------------------------------------- */

#define INSPECT(actor_, body_, status_)                                                            \
    .actor = actor_, .method = "POST", .path = CERT "/inspections", .content_type = JSON_T,        \
    .body = body_, .expect_status = status_
static const ht_step inspections[] = {
    PEOPLE("in", "Inspection Maker"),
    FILE_APP_FULL("LV-IN Design Router", "design", ""),
    UPLOAD("conformity_method"),
    EXAMINE_AND_GRANT("the design certification"),
    SIGNUP("Other Inspection Maker", "other-in@living.test"),
    SIGNIN("other", "other-in@living.test", PW),
    {.name = "the holder records an inspection of a produced lot",
     INSPECT("maker",
             "{\"inspected_on\": \"2026-11-30\", \"lot\": \"LOT-2026-11-A\", \"quantity\": 500,"
             " \"result\": \"conforming\", \"inspector\": \"品質保証部 鈴木\"}",
             201),
     .checks = {JSON_STR("lot", "LOT-2026-11-A"), JSON_EQ("quantity", "500"),
                JSON_STR("result", "conforming"), JSON_STR("certificate_number", "{{num}}")}},
    {.name = "a nonconforming lot needs notes: 422",
     INSPECT("maker",
             "{\"inspected_on\": \"2026-12-01\", \"lot\": \"LOT-B\", \"quantity\": 10,"
             " \"result\": \"nonconforming\", \"inspector\": \"S\"}",
             422),
     .checks = {JSON_STR("errors[0].field", "notes")}},
    {.name = "a date that is not one: 422",
     INSPECT("maker",
             "{\"inspected_on\": \"2026-02-30\", \"lot\": \"L\", \"quantity\": 1,"
             " \"result\": \"conforming\", \"inspector\": \"S\"}",
             422),
     .checks = {JSON_STR("errors[0].field", "inspected_on")}},
    {.name = "another maker cannot record one: 404",
     INSPECT("other",
             "{\"inspected_on\": \"2026-12-01\", \"lot\": \"L\", \"quantity\": 1,"
             " \"result\": \"conforming\", \"inspector\": \"S\"}",
             404)},
    {.name = "an examiner reads the records",
     .actor = "ex1",
     .method = "GET",
     .path = CERT "/inspections",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].inspector", "品質保証部 鈴木")}},
    {.name = "another maker does not: 404",
     .actor = "other",
     .method = "GET",
     .path = CERT "/inspections",
     .expect_status = 404},
    {.name = "the public does not: 401",
     .method = "GET",
     .path = CERT "/inspections",
     .expect_status = 401},
    {.name = "the holder's certificate page links its inspection records",
     .actor = "maker",
     .method = "GET",
     .path = "/certificates/{{num}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_MATCH("href=\"/certificates/D[0-9]{2}-[0-9]{7}/inspections\"")}},
    {.name = "the public page does not",
     .method = "GET",
     .path = "/certificates/{{num}}?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_LACKS("/inspections\"")}},
    {.name = "the holder records a nonconforming lot through the form",
     .actor = "maker",
     .method = "POST",
     .path = "/certificates/{{num}}/inspections",
     .content_type = "application/x-www-form-urlencoded",
     .headers = {"Accept: text/html"},
     .body = "inspected_on=2026-12-02&lot=LOT-C&quantity=20&result=nonconforming"
             "&inspector=QA+Kato&notes=Two+units+with+the+debug+port+open",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "/inspections?done=recorded")}},
    {.name = "the examiner's page lists both inspections",
     .actor = "ex1",
     .method = "GET",
     .path = "/certificates/{{num}}/inspections?lang=ja",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("LOT-2026-11-A"), BODY_HAS("LOT-C"), BODY_HAS("不適合"),
                BODY_HAS("Two units with the debug port open"), BODY_LACKS("name=\"lot\"")}},
};

static const ht_step inspections_conformity_only[] = {
    GRANTED("ic", "Conformity Inspection Maker", "LV-IC Router"),
    {.name = "a conformity certification has no inspection records: 409",
     INSPECT("maker",
             "{\"inspected_on\": \"2026-11-30\", \"lot\": \"L\", \"quantity\": 1,"
             " \"result\": \"conforming\", \"inspector\": \"S\"}",
             409),
     .expect_code = "state.conflict"},
};

/* ---- the manufacturer's web forms: holder record, then a name addition ------------------ */

#define FORM_T "application/x-www-form-urlencoded"
static const ht_step web_forms[] = {
    GRANTED("wf", "Web Form Maker", "LV-WF Router"),
    {.name = "maker signs in again for its CSRF token",
     .actor = "maker",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = "{\"email\": \"maker-wf@living.test\", \"password\": \"" PW "\"}",
     .expect_status = 200,
     .captures = {CAPTURE_JSON("csrf", "csrf_token")}},
    {.name = "the maker's record turns Japanese, still without the address and the contact",
     .actor = "maker",
     .method = "PUT",
     .path = ME,
     .content_type = JSON_T,
     .body = "{\"name\": \"Web Form Maker\", \"representative\": \"R Sato\","
             " \"country\": \"JP\"}",
     .expect_status = 200,
     .checks = {JSON_EQ("complete", "false")}},
    {.name = "the holder page lists what is missing",
     .actor = "maker",
     .method = "GET",
     .path = "/account/organization?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("Still needed before your next filing"),
                BODY_HAS("<li>Address (Japanese)</li>"), BODY_HAS("name=\"contact.email\"")}},
    {.name = "a wrong check digit through the form: the form again with the error",
     .actor = "maker",
     .method = "POST",
     .path = "/account/organization?lang=en",
     .content_type = FORM_T,
     .headers = {"Accept: text/html"},
     .body = "csrf_token={{csrf}}&name=Web+Form+Maker&representative=R+Sato"
             "&corporate_number=8000012050002",
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("check digit"), BODY_HAS("value=\"8000012050002\"")}},
    {.name = "the complete holder record through the form",
     .actor = "maker",
     .method = "POST",
     .path = "/account/organization",
     .content_type = FORM_T,
     .headers = {"Accept: text/html"},
     .body = "csrf_token={{csrf}}&name=Web+Form+Maker&name_ja=Web+Form+Maker+KK"
             "&corporate_number=4160000000006&address_ja=Tokyo+Minato+2-2-2&country=JP"
             "&representative=R+Sato&representative_title=CEO&contact.name=C+Ito"
             "&contact.phone=03-9999-0000&contact.email=ito%40wf.test",
     .expect_status = 303,
     .checks = {HEADER_EQ("Location", "/account/organization?done=saved")}},
    {.name = "the change form of the certificate",
     .actor = "maker",
     .method = "GET",
     .path = "/certificates/{{num}}/changes/new?lang=ja",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("name=\"model_name\""), BODY_HAS("追加型式"), BODY_HAS("LV-WF Router")}},
    {.name = "a name addition without the name: the form again naming it",
     .actor = "maker",
     .method = "POST",
     .path = "/certificates/{{num}}/changes?lang=en",
     .content_type = FORM_T,
     .headers = {"Accept: text/html"},
     .body = "csrf_token={{csrf}}&kind=name_addition&summary=OEM",
     .expect_status = 200,
     .checks = {BODY_HAS("A name addition names the further model name")}},
    {.name = "the name addition through the form: to the change's case page",
     .actor = "maker",
     .method = "POST",
     .path = "/certificates/{{num}}/changes",
     .content_type = FORM_T,
     .headers = {"Accept: text/html"},
     .body = "csrf_token={{csrf}}&kind=name_addition&summary=OEM+name+WF&model_name=WF-OEM+Box",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "/applications/"),
                HEADER_HAS("Location", "?done=submitted")},
     .captures = {CAPTURE_HEADER("case", "Location")}},
    {.name = "the case page shows the change",
     .actor = "maker",
     .method = "GET",
     .path = "{{case}}&lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_HAS("Change of certificate"), BODY_HAS("WF-OEM Box"),
                BODY_HAS("Added model name")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("holder-record", holder_record),
    HT_SCENARIO("name-addition", name_addition),
    HT_SCENARIO("partial-change", partial_change),
    HT_SCENARIO("holder-change", holder_change),
    HT_SCENARIO("report", report),
    HT_SCENARIO("exhibits", exhibits),
    HT_SCENARIO("agent", agent),
    HT_SCENARIO("web-forms", web_forms),
    HT_SCENARIO("inspections", inspections),
    HT_SCENARIO("inspections-design-only", inspections_conformity_only),
};

const ht_group ht_group_living = {"living", scenarios, HT_COUNT(scenarios)};

/* ---- procedural check: openssl verifies a version's signature ------------------------------ */

static int failures;
#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL living/procedural: ");                                                    \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static bool get(ht_client *c, const char *path, ht_response *r)
{
    ht_request req = {.method = "GET", .path = path};
    memset(r, 0, sizeof *r);
    if (ht_send(c, "anon", &req, r) != 0 || r->status != 200) {
        EXPECT(false, "GET %s: %ld", path, r->status);
        return false;
    }
    return true;
}

/* base64url without padding -> bytes; returns the length or -1. */
static int b64url_decode(const char *in, unsigned char *out, int max)
{
    int n = 0, bits = 0;
    unsigned acc = 0;
    for (; *in; in++) {
        int v = *in >= 'A' && *in <= 'Z'   ? *in - 'A'
                : *in >= 'a' && *in <= 'z' ? *in - 'a' + 26
                : *in >= '0' && *in <= '9' ? *in - '0' + 52
                : *in == '-'               ? 62
                : *in == '_'               ? 63
                                           : -1;
        if (v < 0) return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= max) return -1;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

int ht_living_checks(const ht_options *opts)
{
    failures = 0;
    if (system("command -v openssl >/dev/null 2>&1") != 0) {
        printf("skip living/procedural: openssl not installed\n");
        return 0;
    }
    ht_client *c = ht_client_new(opts->base_url);
    if (!c) return 1;
    ht_response r;
    char number[32] = "";
    /* The name-addition scenario's certificate: the only one of its model. */
    if (get(c, "/api/v1/certificates?q=LV-NA", &r)) {
        const char *n = json_string_value(
            json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "number"));
        if (n) snprintf(number, sizeof number, "%s", n);
    }
    ht_response_free(&r);
    EXPECT(*number, "no certificate of LV-NA Router found");
    if (*number) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/certificates/%s", number);
        if (get(c, path, &r)) {
            json_t *v = json_array_get(json_object_get(r.json, "versions"), 1);
            const char *payload = json_string_value(json_object_get(v, "signed_payload"));
            const char *sig = json_string_value(json_object_get(v, "signature"));
            const char *key_id = json_string_value(json_object_get(v, "key_id"));
            EXPECT(payload && sig && key_id, "version 2 of %s has no signature", number);
            ht_response k;
            if (payload && sig && key_id && get(c, "/api/v1/signing-keys", &k)) {
                const char *pub = NULL;
                size_t i;
                json_t *item;
                json_array_foreach(json_object_get(k.json, "items"), i, item)
                {
                    const char *id = json_string_value(json_object_get(item, "key_id"));
                    if (id && !strcmp(id, key_id))
                        pub = json_string_value(json_object_get(item, "public_key"));
                }
                EXPECT(pub, "key %s is not published", key_id);
                /* SubjectPublicKeyInfo of an Ed25519 key: a fixed prefix and the 32 bytes. */
                unsigned char der[44] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                         0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
                unsigned char raw_sig[80];
                int sig_len = b64url_decode(sig, raw_sig, sizeof raw_sig);
                bool key_ok = pub && b64url_decode(pub, der + 12, 32) == 32;
                char base[64], cmd[512], file[96];
                snprintf(base, sizeof base, "/tmp/gk_api_living_%d", (int)getpid());
                bool written = key_ok && sig_len == 64;
                snprintf(file, sizeof file, "%s.key.der", base);
                written = written && write_file(file, der, sizeof der);
                snprintf(file, sizeof file, "%s.sig", base);
                written = written && write_file(file, raw_sig, (size_t)sig_len);
                snprintf(file, sizeof file, "%s.payload", base);
                written = written && write_file(file, payload, strlen(payload));
                EXPECT(written, "cannot write the key, signature and payload of %s", number);
                if (written) {
                    snprintf(cmd, sizeof cmd,
                             "openssl pkeyutl -verify -pubin -keyform DER -inkey %s.key.der "
                             "-rawin -in %s.payload -sigfile %s.sig >/dev/null 2>&1",
                             base, base, base);
                    EXPECT(system(cmd) == 0, "openssl does not verify version 2 of %s", number);
                    /* and a changed payload does not verify */
                    char *bad = strdup(payload);
                    char *at = bad ? strstr(bad, "OEM-NA") : NULL;
                    if (at) *at = 'X';
                    EXPECT(at && write_file(file, bad, strlen(bad)) && system(cmd) != 0,
                           "openssl verifies a changed payload of %s", number);
                    free(bad);
                }
                snprintf(cmd, sizeof cmd, "rm -f %s.key.der %s.sig %s.payload", base, base, base);
                if (system(cmd) != 0) printf("note: could not remove %s.*\n", base);
                ht_response_free(&k);
            }
        }
        ht_response_free(&r);
    }
    ht_client_free(c);
    printf("%s living/procedural (openssl pkeyutl verifies a version's signature)\n",
           failures ? "FAIL" : "ok  ");
    return failures ? 1 : 0;
}
