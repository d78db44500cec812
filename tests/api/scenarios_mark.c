/* The mark, the QR code, the certificate PDF, the label sheet and the electronic label
 * (issue 23). Body checks match the number's shape (the harness expands {{vars}} only in
 * check values, not in body texts); headers name the number itself. A certificate is granted through the API to an organisation with a Japanese
 * name, then: the mark and the QR code are SVG/PNG for anyone, the PDF is a PDF for anyone,
 * the label sheet is the holder's and the staff's (401 anonymous, 403 another maker), the
 * certificate page offers the downloads (the label sheet only to those who may get it) and
 * no longer shows a circled T, the electronic label shows the record.
 *
 * ht_mark_checks() then does what a table cannot: pdftotext (Debian poppler-utils) finds the
 * number, the holder's Japanese name and the model name in the PDF; zbarimg (zbar-tools)
 * reads the PNG back as <base URL>/e/<number>; the electronic label is under 2 KB. Assumes a
 * fresh database (scripts/test makes one): the organisation name is this file's own. */
#include "bodies.h"
#include "harness.h"
#include "steps.h"
#include "harness_ext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JSON_T "application/json"
#define PW "mark scenario passphrase"
#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define APPS "/api/v1/applications"
#define HOLDER "株式会社マーク電機"
#define MODEL "見守りルーター MK-7"
#define CERTS "/api/v1/certificates/{{num}}"

#define BOUNDARY "gk-mark-boundary-5d1e"
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
#define GET(actor_, what, path_, status, type)                                                     \
    .name = what, .actor = actor_, .method = "GET", .path = path_, .expect_status = status,        \
    .expect_content_type = type

static const ht_step files[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    EXAMINER("ex1-mark@cb.test", "ex1"),
    EXAMINER("ex2-mark@cb.test", "ex2"),
    SIGNIN("ex1", "ex1-mark@cb.test", PW),
    SIGNIN("ex2", "ex2-mark@cb.test", PW),
    SIGNUP(HOLDER, "maker-mark@mk.test"),
    SIGNIN("maker", "maker-mark@mk.test", PW),
    SIGNUP("Other Mark Maker", "other-mark@mk.test"),
    SIGNIN("other", "other-mark@mk.test", PW),
    {.name = "maker creates " MODEL,
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"" MODEL "\","
             " \"type_name\": \"MK7-A\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD
             "}, \"declarations\": {\"SR-1\": {\"description\": \"Password first.\"},"
             " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Per unit.\"},"
             " \"SR-3\": {\"description\": \"Signed updates.\"},"
             " \"SR-4\": {\"description\": \"Kept in flash.\"}}}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("app", "id")}},
    UPLOAD("test_report"),
    UPLOAD("outline"),
    UPLOAD("external_view"),
    UPLOAD("connection_diagram"),
    UPLOAD("block_diagram"),
    UPLOAD("manual"),
    {.name = "maker submits",
     .actor = "maker",
     .method = "POST",
     .path = APPS "/{{app}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 200},
    {.name = "ex1 takes the case",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/assign",
     .content_type = JSON_T,
     .body = "{\"examiner_id\": \"{{ex1}}\"}",
     .expect_status = 200},
    VERDICT("SR-1"),
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
    {.name = "ex2 approves: granted",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Checked.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted")},
     .captures = {CAPTURE_JSON("num", "certificate_number")}},

    {GET(NULL, "the mark: SVG with the number as text", CERTS "/mark.svg", 200, "image/svg+xml"),
     .checks = {BODY_HAS("<svg xmlns=\"http://www.w3.org/2000/svg\""), BODY_HAS("<circle"),
                BODY_MATCH(">D[0-9]{2}-[0-9]{7}</text>"),
                HEADER_HAS("Content-Disposition", "inline"),
                HEADER_HAS("Content-Disposition", "{{num}}-mark.svg")}},
    {GET(NULL, "the display form of the number finds the mark too",
         "/api/v1/certificates/T%20{{num}}/mark.svg", 200, "image/svg+xml"),
     .checks = {BODY_MATCH(">D[0-9]{2}-[0-9]{7}</text>")}},
    {GET(NULL, "the QR code as SVG", CERTS "/qr.svg", 200, "image/svg+xml"),
     .checks = {BODY_HAS("<path fill=\"#000\" d=\"M"), BODY_MATCH("/e/D[0-9]{2}-[0-9]{7}")}},
    {GET(NULL, "the QR code as PNG", CERTS "/qr.png", 200, "image/png"),
     .checks = {BODY_MATCH("^.PNG")}},
    {GET(NULL, "the certificate PDF, for anyone", CERTS "/certificate.pdf", 200, "application/pdf"),
     .checks = {BODY_MATCH("^%PDF-1\\.[4-7]"),
                HEADER_EQ("Content-Disposition",
                          "attachment; filename=\"{{num}}-certificate.pdf\"")}},
    {GET(NULL, "the label sheet is not for the public: 401", CERTS "/labels.pdf", 401, NULL)},
    {GET("other", "nor for another organisation's maker: 403", CERTS "/labels.pdf", 403, NULL),
     .expect_code = "auth.forbidden"},
    {GET("maker", "the holder gets its label sheet", CERTS "/labels.pdf", 200, "application/pdf"),
     .checks = {BODY_MATCH("^%PDF-")}},
    {GET("ex1", "and so do the staff", CERTS "/labels.pdf", 200, "application/pdf")},
    {GET(NULL, "a number that names nothing: 404", "/api/v1/certificates/D20-9999999/mark.svg", 404,
         NULL),
     .expect_code = "resource.not_found"},
    {GET(NULL, "not a number: 404", "/api/v1/certificates/%3Cscript%3E/certificate.pdf", 404,
         NULL)},
    {GET(NULL, "the certificate page: the mark image and downloads, no circled T",
         "/certificates/{{num}}?lang=en", 200, "text/html"),
     .headers = {"Accept: text/html"},
     .checks = {BODY_MATCH("src=\"/api/v1/certificates/D[0-9]{2}-[0-9]{7}/mark\\.svg\""),
                BODY_MATCH("src=\"/api/v1/certificates/D[0-9]{2}-[0-9]{7}/qr\\.svg\""),
                BODY_MATCH("href=\"/api/v1/certificates/D[0-9]{2}-[0-9]{7}/certificate\\.pdf\""),
                BODY_HAS("at least 3 mm"), BODY_MATCH("<strong>T D[0-9]{2}-[0-9]{7}</strong>"),
                BODY_LACKS("\xe2\x93\x89"), BODY_LACKS("labels.pdf")}},
    {GET("maker", "the holder's page offers the label sheet", "/certificates/{{num}}?lang=ja", 200,
         "text/html"),
     .headers = {"Accept: text/html"},
     .checks = {BODY_MATCH("href=\"/api/v1/certificates/D[0-9]{2}-[0-9]{7}/labels\\.pdf\"")}},
    {GET("other", "another maker's page does not", "/certificates/{{num}}", 200, "text/html"),
     .headers = {"Accept: text/html"}, .checks = {BODY_LACKS("labels.pdf")}},
    {GET(NULL, "the electronic label", "/e/{{num}}?lang=ja", 200, "text/html"),
     .headers = {"Accept: text/html"},
     .checks = {BODY_MATCH("<strong>D[0-9]{2}-[0-9]{7}</strong>"), BODY_HAS(HOLDER),
                BODY_HAS(MODEL), BODY_HAS("badge badge-granted"), BODY_HAS("有効"),
                BODY_HAS("/static/css/giteki.css"),
                BODY_MATCH("/api/v1/certificates/D[0-9]{2}-[0-9]{7}/mark\\.svg")}},
    /* issue 16: a name addition makes version 2: the PDF (ht_mark_checks) shows the holder's
     * address, the current version with both model names and the history */
    {.name = "the holder files a name addition",
     .actor = "maker",
     .method = "POST",
     .path = "/api/v1/certificates/{{num}}/changes",
     .content_type = JSON_T,
     .body = "{\"kind\": \"name_addition\", \"summary\": \"OEM name MK7.\","
             " \"model_name\": \"" MODEL " OEM\"}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("change", "id")}},
    {.name = "ex1 takes the name addition",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{change}}/assign",
     .content_type = JSON_T,
     .body = "{\"examiner_id\": \"{{ex1}}\"}",
     .expect_status = 200},
    {.name = "ex1 proposes it",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{change}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"Same design.\"}",
     .expect_status = 201},
    {.name = "ex2 approves: version 2",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{change}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Checked.\"}",
     .expect_status = 200,
     .checks = {JSON_EQ("change.version", "2")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("files", files),
};

const ht_group ht_group_mark = {"mark", scenarios, HT_COUNT(scenarios)};

/* ---- procedural checks -------------------------------------------------------------------- */

static int failures;
#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL mark/procedural: ");                                                      \
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

/* Writes the body to a temporary file and returns the output of "cmd <file> tail"
 * (malloc'd). */
static char *pipe_through(const ht_response *r, const char *suffix, const char *cmd,
                          const char *tail)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/tmp/gk_api_mark_%d%s", (int)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    if (!f) return NULL;
    fwrite(r->body, 1, r->body_len, f);
    fclose(f);
    snprintf(line, sizeof line, "%s %s %s 2>/dev/null", cmd, path, tail);
    FILE *p = popen(line, "r");
    char *out = calloc(1, 1 << 16);
    if (p && out) {
        size_t n = fread(out, 1, (1 << 16) - 1, p);
        out[n] = '\0';
    }
    if (p) pclose(p);
    unlink(path);
    return out;
}

static bool have(const char *tool)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

int ht_mark_checks(const ht_options *opts)
{
    ht_client *c = ht_client_new(opts->base_url);
    if (!c) return 1;
    failures = 0;
    ht_response r;
    char number[32] = "";
    /* The number the table scenario granted: the only certificate of this holder. */
    if (get(c, "/api/v1/certificates?q=%E3%83%9E%E3%83%BC%E3%82%AF%E9%9B%BB%E6%A9%9F", &r)) {
        const char *n = json_string_value(
            json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "number"));
        if (n) snprintf(number, sizeof number, "%s", n);
    }
    ht_response_free(&r);
    EXPECT(*number, "no certificate of %s found", HOLDER);
    char path[128];
    /* The PDF names the body from its row: give it a name of this test's own for the fetch. */
    char sql_out[256];
    bool renamed = opts->database_url &&
                   htx_sql(opts->database_url,
                           "UPDATE certification_body SET name_ja = 'マーク試験認定センター',"
                           " name_en = 'Mark Test Certification Centre'",
                           sql_out, sizeof sql_out) == 0;
    if (*number) {
        snprintf(path, sizeof path, "/api/v1/certificates/%s/certificate.pdf", number);
        if (get(c, path, &r)) {
            EXPECT(r.body_len > 5 && !memcmp(r.body, "%PDF-", 5), "the PDF does not start %%PDF-");
            if (have("pdftotext")) {
                char *text = pipe_through(&r, ".pdf", "pdftotext -enc UTF-8 -q", "-");
                EXPECT(text && strstr(text, number), "pdftotext: no number %s", number);
                EXPECT(text && strstr(text, HOLDER), "pdftotext: no holder " HOLDER);
                EXPECT(text && strstr(text, MODEL), "pdftotext: no model " MODEL);
                EXPECT(text && strstr(text, "MK7-A"), "pdftotext: no type");
                /* issue 16: the holder's address, the current version and its model names, the
                 * version history */
                EXPECT(text && strstr(text, "Hauptstrasse 1"), "pdftotext: no holder address");
                EXPECT(text && strstr(text, MODEL " OEM"), "pdftotext: no added model name");
                EXPECT(text && strstr(text, "OEM name MK7."), "pdftotext: no version summary");
                EXPECT(text && strstr(text, "v1 ") && strstr(text, "v2 "),
                       "pdftotext: no version history");
                EXPECT(text && strstr(text, "Current version"), "pdftotext: no current version");
                EXPECT(!renamed || (text && strstr(text, "マーク試験認定センター") &&
                                    strstr(text, "Mark Test Certification Centre")),
                       "pdftotext: the body's name from its row is missing");
                free(text);
                text = pipe_through(&r, ".pdf", "pdffonts", "");
                /* every font embedded: the "emb" column says yes for each */
                EXPECT(text && strstr(text, "CID") && !strstr(text, " no  "),
                       "pdffonts: a font is not embedded:\n%s", text ? text : "");
                free(text);
            } else {
                printf("skip mark/procedural: pdftotext not installed (poppler-utils)\n");
            }
            if (renamed)
                EXPECT(htx_sql(opts->database_url,
                               "UPDATE certification_body SET name_ja = '登録認定機関',"
                               " name_en = 'Registered certification body'",
                               sql_out, sizeof sql_out) == 0,
                       "cannot restore the body's name");
        }
        ht_response_free(&r);
        snprintf(path, sizeof path, "/api/v1/certificates/%s/qr.png", number);
        if (get(c, path, &r) && have("zbarimg")) {
            char *url = pipe_through(&r, ".png", "zbarimg --quiet --raw", "");
            char want[256];
            snprintf(want, sizeof want, "%s/e/%s\n", opts->base_url, number);
            EXPECT(url && !strcmp(url, want), "QR code reads \"%s\", want \"%s\"", url ? url : "",
                   want);
            free(url);
        }
        ht_response_free(&r);
        snprintf(path, sizeof path, "/e/%s", number);
        if (get(c, path, &r))
            EXPECT(r.body_len < 2048, "the electronic label is %zu bytes of HTML", r.body_len);
        ht_response_free(&r);
    }
    ht_client_free(c);
    printf("%s mark/procedural (pdftotext, embedded fonts, QR decodes, label size)\n",
           failures ? "FAIL" : "ok  ");
    return failures ? 1 : 0;
}
