/* Issue 20 part B: words, not codes (group words). The examiner's case page translates the
 * determination's tests and the SR-2 measure, names the assigned examiner, offers "assign to
 * me" instead of a user-id field, has no default verdict, and returns each form to its
 * section with a message naming what was done; the maker's draft page names the holder
 * fields still needed in words; the category titles follow docs/glossary.md (ルーター,
 * schema/0026_words.sql); the CSV export for people (the register page's link carries ?lang=) has
 * Japanese column titles and values in words, while the API's CSV keeps the field names and
 * codes (?header=en keeps the names, an unknown header is a 400 naming it).
 *
 * Fixture: its own organisation, examiner and two imported certificates (body code 952,
 * maker "Wordsmith Devices", which nothing else uses). Assumes a fresh database. */
#include "bodies.h"
#include "harness.h"
#include "steps.h"

#define JSON_T "application/json"
#define FORM_T "application/x-www-form-urlencoded"
#define PW "words scenario passphrase"
#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define APPS "/api/v1/applications"
#define CASE "/examination/{{app}}"
#define HTML "text/html"

#define BOUNDARY "gk-words-boundary-93af"
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
#define PAGE(actor_, what, path_)                                                                  \
    .name = what, .actor = actor_, .method = "GET", .path = path_,                                 \
    .headers = {"Accept: text/html"}, .expect_status = 200, .expect_content_type = HTML

/* ---- the examiner's case page and the maker's draft -------------------------------------- */

static const ht_step case_pages[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    EXAMINER("ex1-words@cb.test", "ex1"),
    SIGNIN("ex1", "ex1-words@cb.test", PW),
    EXAMINER("ex2-words@cb.test", "ex2"),
    SIGNIN("ex2", "ex2-words@cb.test", PW),
    SIGNUP_BARE("Wordsmith Makers", "maker-words@ws.test"),
    SIGNIN("maker", "maker-words@ws.test", PW),
    {.name = "maker creates a router",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"WS-Router 1\","
             " \"type_name\": \"WSR1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD
             "}, \"declarations\": {\"SR-1\": {\"description\": \"Password first.\"},"
             " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Per unit.\"},"
             " \"SR-3\": {\"description\": \"Signed updates.\"},"
             " \"SR-4\": {\"description\": \"Kept in flash.\"}}}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("app", "id")}},
    {PAGE("maker", "the draft names the holder fields still needed in words, not codes",
          "/applications/{{app}}?lang=ja"),
     .checks = {BODY_LACKS("<code>name_ja</code>"), BODY_LACKS("<code>corporate_number</code>"),
                BODY_HAS("組織名（日本語の正式名称）"), BODY_LACKS(">contact.phone<")}},
    {PAGE("maker", "six documents missing: each links to the upload, Submit is disabled with why",
          "/applications/{{app}}?lang=ja"),
     .checks = {BODY_MATCH("<a href=\"#h-docs\">[^<]+</a>"),
                BODY_MATCH("<button[^>]*disabled=\"disabled\"[^>]*>申請を提出</button>"),
                BODY_HAS("不足している書類をすべてアップロードすると提出できます。")}},
    {PAGE("maker", "the home page offers a signed-in manufacturer to start an application",
          "/?lang=en"),
     .checks = {BODY_HAS("href=\"/applications/new\"")}},
    {PAGE("ex1", "and an examiner the queue", "/?lang=en"),
     .checks = {BODY_HAS("Open the examination queue")}},
    UPLOAD("test_report"),
    UPLOAD("outline"),
    UPLOAD("external_view"),
    UPLOAD("connection_diagram"),
    UPLOAD("block_diagram"),
    UPLOAD("manual"),
    HOLDER_COMPLETE("Wordsmith Makers", "maker-words@ws.test", PW),
    {.name = "maker submits",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 200},
    {PAGE("maker", "submitted: the maker's page says what happens now",
          "/applications/{{app}}?lang=ja"),
     .checks = {BODY_HAS("id=\"h-next\""), BODY_HAS("申請を受け付けました。"),
                BODY_LACKS("disabled=\"disabled\"")}},
    {PAGE("ex1", "the unassigned case: assign to me, no user-id field, tests in words",
          CASE "?lang=ja"),
     .checks = {BODY_HAS("自分に割り当てる"), BODY_LACKS("id=\"examiner_id\""),
                BODY_LACKS("審査員のユーザーID"), BODY_HAS("事業者の回線に直接接続される"),
                BODY_LACKS(">direct_connection<"), BODY_LACKS(">not_user_securable<"),
                BODY_HAS("機器ごとに異なる初期値"), BODY_LACKS(">unique_per_device<"),
                BODY_HAS("機器の種類"), BODY_HAS("型番")}},
    {.name = "assign to me: back to the requirements",
     .actor = "ex1",
     .method = "POST",
     .path = CASE "/assign",
     .content_type = FORM_T,
     .body = "examiner_id={{ex1}}",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "?done=assign#h-req")}},
    {PAGE("ex1", "the examiner by name; the next step; no verdict chosen for them",
          CASE "?done=assign&lang=ja"),
     .checks = {BODY_HAS("Examiner ex1"), BODY_LACKS("<code>{{ex1}}</code>"),
                BODY_HAS("この案件をあなたに割り当てました。"), BODY_LACKS("保存しました。"),
                BODY_HAS("判定を選んでください"),
                BODY_MATCH("<select[^>]*name=\"verdict\"[^>]*>\\s*<option value=\"\">"),
                BODY_MATCH("<select[^>]*required=\"required\"[^>]*>\\s*<option value=\"\">"),
                BODY_HAS("id=\"req-SR-1\""), BODY_HAS("要件ごとの進み具合"),
                BODY_HAS("href=\"#req-SR-4\""), BODY_MATCH("id=\"h-eq\".*id=\"h-req\""),
                BODY_MATCH("name=\"confirm_replace\"[^>]*required")}},
    {.name = "a verdict: back to its requirement's card",
     .actor = "ex1",
     .method = "POST",
     .path = CASE "/verdict",
     .content_type = FORM_T,
     .body = "requirement=SR-1&verdict=pass&reason=",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "?done=verdict&req=SR-1#req-SR-1")}},
    {PAGE("ex1", "the message sits in that card", CASE "?done=verdict&req=SR-1&lang=en"),
     .checks = {BODY_MATCH("id=\"req-SR-1\">\\s*<h3>.*</h3>\\s*<p class=\"notice\" "
                           "role=\"status\">Verdict recorded\\.</p>"),
                BODY_LACKS("Saved.")}},
    {.name = "a request for information: back to its section",
     .actor = "ex1",
     .method = "POST",
     .path = CASE "/info-request",
     .content_type = FORM_T,
     .body = "message=Which+firmware+version+was+tested%3F",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "?done=info-request#h-info")}},
    {PAGE("ex1", "and says what was done", CASE "?done=info-request&lang=ja"),
     .checks = {BODY_HAS("照会を送りました。")}},
    {PAGE("maker", "the maker's page leads with the question and a link to the answer",
          "/applications/{{app}}?lang=en"),
     .checks = {BODY_MATCH("id=\"h-next\".*Answer it below.*Which firmware version was "
                           "tested\\?.*href=\"#answer-[0-9a-f-]+\".*id=\"h-ir\"")},
     .captures = {CAPTURE_RE("rid", "href=\"#answer-([0-9a-f-]+)\"")}},
    {.name = "the maker answers",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/info-requests/{{rid}}/response",
     .content_type = JSON_T,
     .body = "{\"message\": \"Firmware 1.0.3.\"}",
     .expect_status = 200},
    VERDICT("SR-2"),
    VERDICT("SR-3"),
    VERDICT("SR-4"),
    {.name = "ex1 proposes a grant",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"All met.\"}",
     .expect_status = 201},
    {PAGE("ex2", "awaiting my review: the second examiner sees the proposal",
          "/examination?assignee=review&lang=en"),
     .checks = {BODY_HAS("Awaiting my review"), BODY_HAS("WS-Router 1")}},
    {PAGE("ex1", "but not the examiner who proposed it", "/examination?assignee=review&lang=en"),
     .checks = {BODY_HAS("Awaiting my review"), BODY_LACKS("WS-Router 1")}},
    {.name = "the queue API knows the filter too",
     .actor = "ex2",
     .method = "GET",
     .path = "/api/v1/examination/queue?assignee=review",
     .expect_status = 200,
     .checks = {BODY_HAS("\"model_name\":\"WS-Router 1\"")}},
};

/* ---- words of the glossary: categories, the CSV for people --------------------------------- */

#define FIXTURE_CSV                                                                                \
    "number,route,category,manufacturer,model_name,type_name,granted_on\r\n"                       \
    "D19-0001952,conformity,router,Wordsmith Devices,WS-1,,2019-05-01\r\n"                         \
    "D21-0001952,design,camera,Wordsmith Devices,WS-CAM,WSC,2021-06-01\r\n"

#define CSV_EXPORT                                                                                 \
    "/api/v1/certificates/export?format=csv&manufacturer=wordsmith&sort=number&order=asc"
#define JA_HEADER                                                                                                                 \
    "\xEF\xBB\xBF認定番号,認定の種類,機器の種類,製造業者,型式名,型番,認定日,適用規則,経過措置," \
    "セキュリティ要件の根拠,状態,状態の変更日\r\n"

static const ht_step exports[] = {
    {.name = "the category titles follow the glossary (schema/0026_words.sql)",
     .method = "GET",
     .path = "/api/v1/categories",
     .expect_status = 200,
     .checks = {BODY_HAS("\"ルーター\""), BODY_LACKS("\"ルータ\""),
                BODY_HAS("\"パーソナルコンピューター\"")}},
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "import two certificates of Wordsmith Devices",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = "text/csv",
     .body = FIXTURE_CSV,
     .expect_status = 200,
     .checks = {JSON_EQ("imported", "2")}},
    {.name = "the API's CSV: field names and codes, as before",
     .method = "GET",
     .path = CSV_EXPORT,
     .expect_status = 200,
     .expect_content_type = "text/csv",
     .checks = {BODY_HAS("\xEF\xBB\xBFnumber,route,category,manufacturer,model_name,type_name,"
                         "granted_on,rule_set,grandfathered,basis,status,status_changed_on\r\n"),
                BODY_HAS("D19-0001952,conformity,router,Wordsmith Devices,WS-1,,2019-05-01,"
                         "pre-2020,"),
                BODY_LACKS("ルーター")}},
    {.name = "the CSV for a Japanese reader: Japanese column titles, values in words",
     .method = "GET",
     .path = CSV_EXPORT "&lang=ja",
     .expect_status = 200,
     .expect_content_type = "text/csv",
     .checks = {BODY_HAS(JA_HEADER),
                BODY_HAS("D19-0001952,技術基準適合認定,ルーター,Wordsmith Devices,WS-1,,"
                         "2019-05-01,pre-2020,"),
                BODY_HAS("D21-0001952,設計認証,ネットワークカメラ,Wordsmith Devices,WS-CAM,WSC,"),
                BODY_HAS(",有効,"), BODY_LACKS(",conformity,"), BODY_LACKS(",granted,")}},
    {.name = "?header=en keeps the field names, the values still in words",
     .method = "GET",
     .path = CSV_EXPORT "&lang=ja&header=en",
     .expect_status = 200,
     .checks = {BODY_HAS("\xEF\xBB\xBFnumber,route,category,"), BODY_HAS(",設計認証,")}},
    {.name = "?header=ja alone: Japanese titles over the codes",
     .method = "GET",
     .path = CSV_EXPORT "&header=ja",
     .expect_status = 200,
     .checks = {BODY_HAS(JA_HEADER), BODY_HAS("D21-0001952,design,camera,")}},
    {.name = "the CSV for an English reader: values in words",
     .method = "GET",
     .path = CSV_EXPORT "&lang=en",
     .expect_status = 200,
     .checks = {BODY_HAS("\xEF\xBB\xBFnumber,route,"),
                BODY_HAS("D21-0001952,Design certification,Network camera,Wordsmith Devices,"),
                BODY_HAS(",Valid,")}},
    {.name = "an unknown header is named",
     .method = "GET",
     .path = CSV_EXPORT "&header=fr",
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_STR("errors[0].field", "header")}},
    SIGNIN("ex1", "ex1-words@cb.test", PW),
    {PAGE("ex1", "the register page's CSV link carries the page's language",
          "/certificates?manufacturer=wordsmith&lang=ja"),
     .checks = {BODY_HAS("format=csv&amp;lang=ja")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("case pages speak words, not codes", case_pages),
    HT_SCENARIO("categories and the CSV for people", exports),
};

const ht_group ht_group_words = {"words", scenarios, HT_COUNT(scenarios)};
