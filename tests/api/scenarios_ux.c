/* Issue 20 part A: one error pattern, uploads, the language switch, dates and titles, seen
 * through the pages and the API as a browser and a client see them.
 *
 *   uploads   a 19-byte text named evil.pdf is refused naming the file field; the case page
 *             states the limit and the accepted types, shows confidentiality as radio
 *             buttons, sizes in KB, no CSRF token in the form's action; the page's upload
 *             carries its token as a field (none: 403); a file over the limit is answered
 *             INSIDE the case page (413, the summary naming the file field and the limit,
 *             the user still signed in, "Error:" in the title); a draft's document is
 *             deleted through the API and the page; once submitted, deletion is refused.
 *   pages     the error summary (role=alert, linked to the field, the title prefixed) on a
 *             refused form; the language switch keeps the path and the query; dates in
 *             <time datetime> in Japan time; the case page's title names the model.
 *
 * Every step here fails on the code before issue 20 (evil.pdf was stored, the 413 was a bare
 * error page, the action carried ?csrf_token=, no DELETE route, ?lang= links lost the query). */
#include "bodies.h"
#include "harness.h"
#include "steps.h"

#define JSON_T "application/json"
#define FORM_T "application/x-www-form-urlencoded"
#define HTML_T "text/html"
#define PW "ux-passphrase-for-tests"
#define APPS "/api/v1/applications"
#define APP APPS "/{{app}}"

#define BOUNDARY "gk-ux-boundary-7c2e"
#define MP_T "multipart/form-data; boundary=" BOUNDARY
#define PART(name, value)                                                                          \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\n" value "\r\n"
#define FILE_PART(fname, ctype, content)                                                           \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" fname           \
    "\"\r\nContent-Type: " ctype "\r\n\r\n" content "\r\n"
#define MP_END "--" BOUNDARY "--\r\n"
#define PDF "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
#define BIG (21u * 1024 * 1024) /* over the default 20 MiB cap */

#define DECLS                                                                                      \
    "{\"SR-1\": {\"description\": \"A password is asked before any remote setting.\"},"            \
    " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Printed per unit.\"},"     \
    " \"SR-3\": {\"description\": \"Signed firmware updates.\"},"                                  \
    " \"SR-4\": {\"description\": \"Kept in flash.\"}}"
#define APP_BODY(model)                                                                            \
    "{\"route\": \"conformity\", \"device\": {\"model_name\": \"" model "\","                      \
    " \"type_name\": \"UX-1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD "},"          \
    " \"declarations\": " DECLS "}"

/* Sign in through the API, keeping the session's CSRF token for the pages' form fields. */
#define SIGNIN_CSRF(actor_, email)                                                                 \
    {                                                                                              \
        .name = "sign in " email, .actor = actor_, .method = "POST", .path = "/api/v1/session",    \
        .content_type = JSON_T, .body = "{\"email\": \"" email "\", \"password\": \"" PW "\"}",    \
        .expect_status = 200, .captures = {                                                        \
            CAPTURE_JSON("csrf", "csrf_token")                                                     \
        }                                                                                          \
    }

static const ht_step uploads[] = {
    SIGNUP("UX Devices", "ux@maker.test"),
    SIGNIN_CSRF("maker", "ux@maker.test"),
    {.name = "create a draft",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = APP_BODY("UX Router 20"),
     .expect_status = 201,
     .captures = {CAPTURE_JSON("app", "id")}},
    {.name = "19 bytes of text named evil.pdf: 422 naming the file field, nothing stored",
     .actor = "maker",
     .method = "POST",
     .path = APP "/documents",
     .content_type = MP_T,
     .body = PART("kind", "outline") PART("confidentiality", "public")
         FILE_PART("evil.pdf", "application/pdf", "this is not a pdf!\n") MP_END,
     .expect_status = 422,
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[0].field", "file")}},
    {.name = "no document was kept",
     .actor = "maker",
     .method = "GET",
     .path = APP "/documents",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 0)}},
    {.name = "a real PDF is accepted",
     .actor = "maker",
     .method = "POST",
     .path = APP "/documents",
     .content_type = MP_T,
     .body = PART("kind", "outline") PART("confidentiality", "public")
         FILE_PART("outline.pdf", "application/pdf", PDF) MP_END,
     .expect_status = 201,
     .captures = {CAPTURE_JSON("doc", "id")}},
    {.name = "the case page: title names the model, limits stated, radios, size in bytes/KB, "
             "no token in the action",
     .actor = "maker",
     .method = "GET",
     .path = "/applications/{{app}}?lang=en",
     .expect_status = 200,
     .expect_content_type = HTML_T,
     .checks = {BODY_MATCH("<title>UX Router 20 — "),
                BODY_MATCH("action=\"/applications/[0-9a-f-]{36}/documents\""),
                BODY_LACKS("documents?csrf_token="), BODY_HAS("type=\"radio\""),
                BODY_HAS("name=\"confidentiality\" value=\"public\""),
                BODY_MATCH("Accepted types: PDF, PNG, JPEG"), BODY_HAS("up to 20.0 MB"),
                BODY_MATCH("<data value=\"[0-9]+\">[0-9]+ bytes</data>"),
                BODY_MATCH("/applications/[0-9a-f-]{36}/documents/[0-9a-f-]{36}/delete"),
                BODY_HAS("class=\"upload-status\"")}},
    {.name = "the page's upload with its token as a field (no header): 303 back to the case",
     .actor = "maker",
     .method = "POST",
     .path = "/applications/{{app}}/documents",
     .content_type = MP_T,
     .headers = {"X-CSRF-Token:"},
     .body = PART("csrf_token", "{{csrf}}") PART("kind", "external_view")
         PART("confidentiality", "confidential_until") PART("confidential_until", "2027-01-31")
             FILE_PART("front.png", "image/png", "\x89PNG\r\n\x1a\n0000") MP_END,
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "/applications/{{app}}?done=uploaded"),
                HEADER_NE("Location", "")}},
    {.name = "the radio's date made confidential_until:2027-01-31",
     .actor = "maker",
     .method = "GET",
     .path = APP "/documents",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2),
                JSON_FIND("items", "confidentiality=\"confidential_until:2027-01-31\"", NULL)}},
    {.name = "the page's upload without any token: 403, nothing stored",
     .actor = "maker",
     .method = "POST",
     .path = "/applications/{{app}}/documents",
     .content_type = MP_T,
     .headers = {"X-CSRF-Token:"},
     .body = PART("kind", "outline") PART("confidentiality", "public")
         FILE_PART("again.pdf", "application/pdf", PDF) MP_END,
     .expect_status = 403,
     .expect_code = "auth.csrf"},
    {.name = "still two documents",
     .actor = "maker",
     .method = "GET",
     .path = APP "/documents",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2)}},
    {.name = "over the limit on the page: 413 inside the case page, signed in, summary names "
             "the file and the limit",
     .actor = "maker",
     .method = "POST",
     .path = "/applications/{{app}}/documents?lang=en",
     .content_type = MP_T,
     .headers = {"Accept: text/html"},
     .body = PART("kind", "outline") PART("confidentiality", "public")
         FILE_PART("big.pdf", "application/pdf", "%PDF-1.7\n"),
     .pad_to = BIG,
     .expect_status = 413,
     .expect_content_type = HTML_T,
     .checks = {BODY_HAS("id=\"error-summary\""), BODY_HAS("role=\"alert\""),
                BODY_HAS("tabindex=\"-1\""), BODY_MATCH("<title>Error: UX Router 20"),
                BODY_HAS("href=\"#file\""), BODY_HAS("20.0 MB"), BODY_HAS("Sign out"),
                BODY_HAS("id=\"file-error\""),
                BODY_MATCH("action=\"/applications/[0-9a-f-]{36}/documents\"")}},
    {.name = "over the limit through the API: still 413 problem+json on the headers",
     .actor = "maker",
     .method = "POST",
     .path = APP "/documents",
     .content_type = MP_T,
     .body = PART("kind", "outline") FILE_PART("big.pdf", "application/pdf", "%PDF-1.7\n"),
     .pad_to = BIG,
     .send = HT_SEND_EXPECT_100,
     .expect_status = 413,
     .expect_code = "request.too_large"},
    {.name = "delete the outline through the API",
     .actor = "maker",
     .method = "DELETE",
     .path = APP "/documents/{{doc}}",
     .expect_status = 200,
     .expect_content_type = JSON_T,
     .checks = {JSON_STR("id", "{{doc}}"), JSON_EQ("deleted", "true")}},
    {.name = "it is gone",
     .actor = "maker",
     .method = "GET",
     .path = APP "/documents/{{doc}}",
     .expect_status = 404},
    {.name = "deleting it again: 404",
     .actor = "maker",
     .method = "DELETE",
     .path = APP "/documents/{{doc}}",
     .expect_status = 404},
    {.name = "the deletion is in the audit trail",
     .method = "SQL",
     .path = "SELECT count(*) FROM audit_log WHERE action = 'document.delete'"
             " AND object = 'application:{{app}}'",
     .expect_status = 200,
     .checks = {BODY_HAS("1")}},
    {.name = "the other document, through the page's delete button: 303",
     .actor = "maker",
     .method = "GET",
     .path = APP "/documents",
     .expect_status = 200,
     .captures = {CAPTURE_JSON("png", "items[0].id")}},
    {.name = "delete it with the page's form",
     .actor = "maker",
     .method = "POST",
     .path = "/applications/{{app}}/documents/{{png}}/delete",
     .content_type = FORM_T,
     .body = "csrf_token={{csrf}}",
     .expect_status = 303,
     .checks = {HEADER_HAS("Location", "done=deleted")}},
    {.name = "the case says so",
     .actor = "maker",
     .method = "GET",
     .path = "/applications/{{app}}?done=deleted&lang=en",
     .expect_status = 200,
     .checks = {BODY_HAS("The document was deleted"), BODY_LACKS("app.done.deleted")}},
    {.name = "nobody signed in cannot delete: 401",
     .method = "DELETE",
     .path = APP "/documents/{{png}}",
     .expect_status = 401},
};

/* Once the application leaves the draft, its documents stay. */
static const ht_step after_draft[] = {
    SIGNUP("UX Locked", "ux-locked@maker.test"),
    SIGNIN_CSRF("maker", "ux-locked@maker.test"),
    {.name = "create a draft",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = APP_BODY("UX Locked Router"),
     .expect_status = 201,
     .captures = {CAPTURE_JSON("app", "id")}},
    {.name = "upload the outline",
     .actor = "maker",
     .method = "POST",
     .path = APP "/documents",
     .content_type = MP_T,
     .body = PART("kind", "outline") PART("confidentiality", "confidential")
         FILE_PART("outline.pdf", "application/pdf", PDF) MP_END,
     .expect_status = 201,
     .captures = {CAPTURE_JSON("doc", "id")}},
    {.name = "the maker withdraws the draft (its documents are locked with it)",
     .actor = "maker",
     .method = "POST",
     .path = APP "/withdraw",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Not going ahead\"}",
     .expect_status = 200},
    {.name = "deleting now: 409 saying only drafts",
     .actor = "maker",
     .method = "DELETE",
     .path = APP "/documents/{{doc}}",
     .expect_status = 409,
     .expect_code = "state.conflict"},
    SIGNUP("UX Stranger", "ux-stranger@maker.test"),
    SIGNIN("stranger", "ux-stranger@maker.test", PW),
    {.name = "another organisation's maker does not see it: 404",
     .actor = "stranger",
     .method = "DELETE",
     .path = APP "/documents/{{doc}}",
     .expect_status = 404},
    {.name = "the document is still there",
     .actor = "maker",
     .method = "GET",
     .path = APP "/documents/{{doc}}",
     .expect_status = 200},
};

static const ht_step pages[] = {
    SIGNUP("UX Pages", "ux-pages@maker.test"),
    SIGNIN_CSRF("maker", "ux-pages@maker.test"),
    {.name = "a refused application form: one summary that links to the field, title prefixed, "
             "input kept",
     .actor = "maker",
     .method = "POST",
     .path = "/applications?lang=en",
     .content_type = FORM_T,
     .body = "csrf_token={{csrf}}&route=conformity&model_name=&type_name=Kept+Type+9",
     .expect_status = 422,
     .expect_content_type = HTML_T,
     .checks = {BODY_HAS("id=\"error-summary\""),
                BODY_HAS("aria-labelledby=\"error-summary-title\""), BODY_MATCH("<title>Error: "),
                BODY_HAS("href=\"#model_name\""), BODY_HAS("value=\"Kept Type 9\""),
                BODY_HAS("aria-invalid=\"true\"")}},
    {.name = "the same in Japanese: エラー: in the title",
     .actor = "maker",
     .method = "POST",
     .path = "/applications?lang=ja",
     .content_type = FORM_T,
     .body = "csrf_token={{csrf}}&route=conformity&model_name=&type_name=x",
     .expect_status = 422,
     .expect_content_type = HTML_T,
     .checks = {BODY_MATCH("<title>エラー: ")}},
    {.name = "the language switch keeps the path and the search's filters",
     .method = "GET",
     .path = "/certificates?q=Router&status=granted&lang=ja",
     .expect_status = 200,
     .expect_content_type = HTML_T,
     .checks = {BODY_HAS("href=\"?q=Router&amp;status=granted&amp;lang=en\""),
                BODY_LACKS("href=\"?lang=en\"")}},
    {.name = "an error page's switch names nothing of the refused address",
     .method = "GET",
     .path = "/certificates/NO-SUCH-NUMBER-42?x=secretish&lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 404,
     .expect_content_type = HTML_T,
     .checks = {BODY_HAS("href=\"?lang=ja\""), BODY_LACKS("secretish")}},
    {.name = "a query value with spaces and Japanese survives the switch, percent-encoded",
     .method = "GET",
     .path = "/certificates?q=%E3%83%AB%E3%83%BC%E3%82%BF%20x&lang=en",
     .expect_status = 200,
     .checks = {BODY_HAS("href=\"?q=%E3%83%AB%E3%83%BC%E3%82%BF%20x&amp;lang=ja\"")}},
    {.name = "a draft for the dates",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = APP_BODY("UX Dated Router"),
     .expect_status = 201,
     .captures = {CAPTURE_JSON("app", "id")}},
    {.name = "my applications: the time in Japan time, machine-readable",
     .actor = "maker",
     .method = "GET",
     .path = "/applications?lang=ja",
     .expect_status = 200,
     .checks = {BODY_MATCH("<time datetime=\"20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}\\+09:"
                           "00\">20[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日 [0-9]{2}:[0-9]{2}</time>")}},
    {.name = "in English: 3 Dec 2026, 22:13 JST",
     .actor = "maker",
     .method = "GET",
     .path = "/applications?lang=en",
     .expect_status = 200,
     .checks = {BODY_MATCH(">[0-9]{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                           "20[0-9]{2}, [0-9]{2}:[0-9]{2} JST</time>")}},
    {.name = "every page loads the one script (focus on the summary, uploading state)",
     .method = "GET",
     .path = "/static/js/giteki.js",
     .expect_status = 200,
     .checks = {BODY_HAS("error-summary"), BODY_HAS("aria-busy")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("uploads inside the form, by content, deleted while a draft", uploads),
    HT_SCENARIO("a document stays once the application left the draft", after_draft),
    HT_SCENARIO("one error summary, the language switch, dates in Japan time", pages),
};

const ht_group ht_group_ux = {"ux", scenarios, HT_COUNT(scenarios)};
