/* Mail (issue 19; issue 18 item 8): sign-up -> mail -> verify -> sign in; a sign-up with a
 * taken address answers as a new one and the owner gets a notice; a reused, expired or made-up
 * token is refused; a password reset by mail ends every other session and token and is
 * audited; a request for information puts a mail in the applicant's box; the admin's outbox
 * page. Mails are read from the test mail box (steps of
 * method MAIL, harness.h); SQL steps let a token expire and look at the outbox.
 *
 * Fixtures: the admin made by scripts/test (admin@api.test); addresses of their own. */
#include "bodies.h"
#include "harness.h"
#include "steps.h"

#define JSON_T "application/json"
#define FORM_T "application/x-www-form-urlencoded"
#define PW "mail passphrase one 1"
#define NEW_PW "another mail passphrase 2"
#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define APPS "/api/v1/applications"
#define TOKEN_RE "token=([A-Za-z0-9_-]+)"

#define SIGNUP_BODY(org, email, lang_name)                                                         \
    "{\"organization\": {\"name\": \"" org "\", \"representative\": \"山田 太郎\"},"           \
    " \"user\": {\"email\": \"" email "\", \"password\": \"" PW "\", \"name\": \"" lang_name       \
    "\"}}"
#define CREDS(email, pw) "{\"email\": \"" email "\", \"password\": \"" pw "\"}"

/* ---- sign-up, mail, verify, sign in ---------------------------------------------------------- */

static const ht_step signup_verify[] = {
    {.name = "a Japanese sign-up: 202",
     .method = "POST",
     .path = "/api/v1/signup",
     .content_type = JSON_T,
     .headers = {"Accept-Language: ja"},
     .body = SIGNUP_BODY("メール機器", "verify@mail.test", "佐藤 花子"),
     .expect_status = 202,
     .checks = {JSON_STR("email", "verify@mail.test"), JSON_STR("status", "verification_sent"),
                JSON_ABSENT("user")}},
    {.name = "signing in before the link: 403 auth.email_unverified",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = CREDS("verify@mail.test", PW),
     .expect_status = 403,
     .expect_code = "auth.email_unverified"},
    {.name = "the mail: MIME multipart, dated, an encoded Japanese subject, the link",
     .method = "MAIL",
     .path = "verify@mail.test",
     .body = "signup.verify",
     .expect_status = 200,
     .checks = {HEADER_HAS("Subject", "=?UTF-8?B?"),
                HEADER_HAS("Content-Type", "multipart/alternative"), HEADER_PRESENT("Date"),
                HEADER_HAS("Message-ID", "@api.test>"), HEADER_HAS("From", "noreply@api.test"),
                HEADER_ABSENT("List-Unsubscribe"), BODY_HAS("佐藤 花子"), BODY_HAS("メール機器"),
                BODY_HAS("/verify-email?token="), BODY_HAS("<a href=\"http"), BODY_HAS("<html")},
     .captures = {CAPTURE_RE("token", TOKEN_RE)}},
    {.name = "the link's page asks to confirm with a POST (a link scanner confirms nothing)",
     .method = "GET",
     .path = "/verify-email?token={{token}}",
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("action=\"/verify-email\""), BODY_HAS("value=\"{{token}}\"")}},
    {.name = "still unverified after the GET",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = CREDS("verify@mail.test", PW),
     .expect_status = 403,
     .expect_code = "auth.email_unverified"},
    {.name = "the token is stored hashed, never as sent",
     .method = "SQL",
     .path = "SELECT count(*) FROM email_tokens t JOIN users u ON u.id = t.user_id"
             " WHERE u.email = 'verify@mail.test'"
             " AND t.token_hash = sha256(convert_to('{{token}}', 'UTF8'))",
     .expect_status = 200,
     .checks = {BODY_MATCH("^1$")}},
    {.name = "the sent mail's link is no longer in the outbox",
     .method = "SQL",
     .path = "SELECT count(*) FROM mail_outbox WHERE recipient = 'verify@mail.test'"
             " AND status = 'sent' AND message IS NULL",
     .expect_status = 200,
     .checks = {BODY_MATCH("^1$")}},
    {.name = "the page's form confirms",
     .actor = "browser",
     .method = "POST",
     .path = "/verify-email",
     .content_type = FORM_T,
     .body = "token={{token}}",
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("href=\"/signin\""), BODY_LACKS("role=\"alert\"")}},
    {.name = "now the account signs in",
     .actor = "maker",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = CREDS("verify@mail.test", PW),
     .expect_status = 200,
     .checks = {JSON_STR("user.email", "verify@mail.test")}},
    {.name = "the verification is in the audit log",
     .method = "SQL",
     .path = "SELECT count(*) FROM audit_log WHERE action = 'account.verify_email'"
             " AND object = 'user:' || (SELECT id FROM users WHERE email = 'verify@mail.test')",
     .expect_status = 200,
     .checks = {BODY_MATCH("^1$")}},
    {.name = "the token again (single use): 422 on token",
     .method = "POST",
     .path = "/api/v1/signup/verify",
     .content_type = JSON_T,
     .body = "{\"token\": \"{{token}}\"}",
     .expect_status = 422,
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[0].field", "token")}},
};

/* ---- a taken address: the same answer, a notice to the owner -------------------------------- */

static const ht_step signup_taken[] = {
    SIGNUP("Taken Devices", "taken@mail.test"),
    {.name = "the same address again: the same status and body shape as a new one",
     .method = "POST",
     .path = "/api/v1/signup",
     .content_type = JSON_T,
     .headers = {"Accept-Language: en"},
     .body = SIGNUP_BODY("Someone Else", "Taken@Mail.test", "Mallory"),
     .expect_status = 202,
     .checks = {JSON_STR("email", "taken@mail.test"), JSON_STR("status", "verification_sent"),
                JSON_ABSENT("user"), JSON_ABSENT("organization"), BODY_LACKS("already")}},
    {.name = "a new address from the same client: the same answer",
     .method = "POST",
     .path = "/api/v1/signup",
     .content_type = JSON_T,
     .headers = {"Accept-Language: en"},
     .body = SIGNUP_BODY("Fresh Devices", "fresh@mail.test", "Fresh"),
     .expect_status = 202,
     .checks = {JSON_STR("status", "verification_sent")}},
    {.name = "the owner's notice (in the owner's language, no token)",
     .method = "MAIL",
     .path = "taken@mail.test",
     .body = "signup.exists",
     .expect_status = 200,
     .checks = {HEADER_HAS("Subject", "=?UTF-8?B?"), BODY_HAS("/password-reset"),
                BODY_LACKS("token="), BODY_LACKS("Mallory")}},
    {.name = "no organisation was made for the second sign-up",
     .method = "SQL",
     .path = "SELECT count(*) FROM organizations WHERE name = 'Someone Else'",
     .expect_status = 200,
     .checks = {BODY_MATCH("^0$")}},
    {.name = "the owner's password still works",
     .actor = "owner",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = CREDS("taken@mail.test", PW),
     .expect_status = 200},
};

/* ---- tokens refused: expired, made up ------------------------------------------------------- */

static const ht_step tokens_refused[] = {
    {.name = "sign up",
     .method = "POST",
     .path = "/api/v1/signup",
     .content_type = JSON_T,
     .body = SIGNUP_BODY("Late Devices", "late@mail.test", "Late"),
     .expect_status = 202},
    {.name = "the mail",
     .method = "MAIL",
     .path = "late@mail.test",
     .body = "signup.verify",
     .expect_status = 200,
     .captures = {CAPTURE_RE("token", TOKEN_RE)}},
    {.name = "25 hours pass",
     .method = "SQL",
     .path = "UPDATE email_tokens SET created_at = now() - interval '25 hours',"
             " expires_at = now() - interval '1 hour'"
             " WHERE user_id = (SELECT id FROM users WHERE email = 'late@mail.test')",
     .expect_status = 200},
    {.name = "an expired token: 422 on token",
     .method = "POST",
     .path = "/api/v1/signup/verify",
     .content_type = JSON_T,
     .headers = {"Accept-Language: en"},
     .body = "{\"token\": \"{{token}}\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "token"), BODY_HAS("24 hours")}},
    {.name = "the account stays unverified",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = CREDS("late@mail.test", PW),
     .expect_status = 403,
     .expect_code = "auth.email_unverified"},
    {.name = "a made-up token of the right length: 422",
     .method = "POST",
     .path = "/api/v1/signup/verify",
     .content_type = JSON_T,
     .body = "{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "token")}},
    {.name = "no token: 422",
     .method = "POST",
     .path = "/api/v1/signup/verify",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "token")}},
    {.name = "the expired link's page says so after the POST",
     .method = "POST",
     .path = "/verify-email",
     .content_type = FORM_T,
     .body = "token={{token}}",
     .expect_status = 200,
     .checks = {BODY_HAS("role=\"alert\"")}},
};

/* ---- password reset ------------------------------------------------------------------------- */

static const ht_step password_reset[] = {
    SIGNUP("Reset Devices", "reset@mail.test"),
    SIGNIN("laptop", "reset@mail.test", PW),
    SIGNIN("phone", "reset@mail.test", PW),
    {.name = "a token before the reset",
     .actor = "laptop",
     .method = "POST",
     .path = "/api/v1/tokens",
     .content_type = JSON_T,
     .body = "{\"name\": \"ci\"}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("api_token", "token")}},
    {.name = "a reset for an address nobody has: 202",
     .method = "POST",
     .path = "/api/v1/password-reset",
     .content_type = JSON_T,
     .body = "{\"email\": \"nobody@mail.test\"}",
     .expect_status = 202,
     .checks = {JSON_STR("status", "reset_sent"), JSON_STR("email", "nobody@mail.test")}},
    {.name = "and no mail to it",
     .method = "MAIL",
     .path = "nobody@mail.test",
     .expect_status = 404},
    {.name = "the reset asked for the account: the same answer",
     .method = "POST",
     .path = "/api/v1/password-reset",
     .content_type = JSON_T,
     .body = "{\"email\": \"RESET@mail.test\"}",
     .expect_status = 202,
     .checks = {JSON_STR("status", "reset_sent"), JSON_STR("email", "reset@mail.test")}},
    {.name = "the mail with the reset link",
     .method = "MAIL",
     .path = "reset@mail.test",
     .body = "password.reset",
     .expect_status = 200,
     .checks = {BODY_HAS("/reset-password?token=")},
     .captures = {CAPTURE_RE("token", TOKEN_RE)}},
    {.name = "the link's page: the new-password form",
     .method = "GET",
     .path = "/reset-password?token={{token}}",
     .expect_status = 200,
     .checks = {BODY_HAS("action=\"/reset-password\""), BODY_HAS("name=\"password\"")}},
    {.name = "a weak new password: 422 on password, the token not used up",
     .method = "POST",
     .path = "/api/v1/password-reset/confirm",
     .content_type = JSON_T,
     .body = "{\"token\": \"{{token}}\", \"password\": \"password1234\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "password")}},
    {.name = "the new password",
     .method = "POST",
     .path = "/api/v1/password-reset/confirm",
     .content_type = JSON_T,
     .body = "{\"token\": \"{{token}}\", \"password\": \"" NEW_PW "\"}",
     .expect_status = 200,
     .checks = {JSON_EQ("tokens_revoked", "1")}},
    {.name = "the laptop's session ended",
     .actor = "laptop",
     .method = "GET",
     .path = "/api/v1/session",
     .expect_status = 401},
    {.name = "the phone's too",
     .actor = "phone",
     .method = "GET",
     .path = "/api/v1/session",
     .expect_status = 401},
    {.name = "the API token is revoked",
     .actor = "script",
     .method = "GET",
     .path = "/api/v1/tokens",
     .headers = {"Authorization: Bearer {{api_token}}"},
     .expect_status = 401},
    {.name = "the reset token again: 422",
     .method = "POST",
     .path = "/api/v1/password-reset/confirm",
     .content_type = JSON_T,
     .body = "{\"token\": \"{{token}}\", \"password\": \"yet another passphrase 3\"}",
     .expect_status = 422,
     .checks = {JSON_STR("errors[0].field", "token")}},
    {.name = "the old password no longer works",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = CREDS("reset@mail.test", PW),
     .expect_status = 401},
    SIGNIN("laptop", "reset@mail.test", NEW_PW),
    {.name = "the reset is in the audit log",
     .method = "SQL",
     .path = "SELECT count(*) FROM audit_log WHERE action = 'account.password_reset'"
             " AND object = 'user:' || (SELECT id FROM users WHERE email = 'reset@mail.test')",
     .expect_status = 200,
     .checks = {BODY_MATCH("^1$")}},
    {.name = "the reset pages: ask for the mail",
     .method = "POST",
     .path = "/password-reset",
     .content_type = FORM_T,
     .body = "email=reset%40mail.test",
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("role=\"status\"")}},
    {.name = "the page's mail",
     .method = "MAIL",
     .path = "reset@mail.test",
     .body = "password.reset",
     .expect_status = 200,
     .captures = {CAPTURE_RE("token2", TOKEN_RE)}},
    {.name = "the page's form sets the password",
     .method = "POST",
     .path = "/reset-password",
     .content_type = FORM_T,
     .body = "token={{token2}}&password=a+third+mail+passphrase+4",
     .expect_status = 200,
     .checks = {BODY_HAS("href=\"/signin\""), BODY_LACKS("third mail")}},
    SIGNIN("desk", "reset@mail.test", "a third mail passphrase 4"),
};

/* ---- notifications: a request for information, the answer ------------------------------------ */

#define DECLS                                                                                      \
    "{\"SR-1\": {\"description\": \"A password is asked before any remote setting.\"},"            \
    " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Printed per unit.\"},"     \
    " \"SR-3\": {\"description\": \"Signed firmware updates.\"},"                                  \
    " \"SR-4\": {\"description\": \"Kept in flash.\"}}"
#define BOUNDARY "gk-mail-boundary-19"
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

static const ht_step info_request[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    EXAMINER("ex-mail@cb.test", "ex1"),
    SIGNIN("ex1", "ex-mail@cb.test", PW),
    SIGNUP("Info Devices", "info@mail.test"),
    SIGNIN("maker", "info@mail.test", PW),
    {.name = "maker files",
     .actor = "maker",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"Mail Router\","
             " \"type_name\": \"T-1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD
             "}, \"declarations\": " DECLS "}",
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
    {.name = "ex1 asks for information",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/info-requests",
     .content_type = JSON_T,
     .body = "{\"message\": \"Please send the power-cycle test log for SR-4.\"}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("rid", "id")}},
    {.name = "the request is in the applicant's box, with the question and the case's page",
     .method = "MAIL",
     .path = "info@mail.test",
     .body = "info_request",
     .expect_status = 200,
     .checks = {BODY_HAS("power-cycle test log"), BODY_HAS("/applications/{{app}}"),
                BODY_HAS("{{app}}"), HEADER_HAS("Subject", "=?UTF-8?B?")}},
    {.name = "the mail was written in the request's transaction (one outbox row)",
     .method = "SQL",
     .path = "SELECT count(*) FROM mail_outbox WHERE kind = 'info_request'"
             " AND recipient = 'info@mail.test'",
     .expect_status = 200,
     .checks = {BODY_MATCH("^1$")}},
    {.name = "the account page shows the notification choices, all on",
     .actor = "maker",
     .method = "GET",
     .path = "/account",
     .expect_status = 200,
     .checks = {BODY_HAS("action=\"/account/notifications\""),
                BODY_HAS("name=\"info_request\" type=\"checkbox\" value=\"1\" checked")}},
};

/* ---- the admin's outbox ---------------------------------------------------------------------- */

static const ht_step outbox[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "the outbox page lists the mail sent",
     .actor = "admin",
     .method = "GET",
     .path = "/admin/outbox?status=sent&lang=en",
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("Outbox"), BODY_HAS("signup.verify")}},
    {.name = "in Japanese",
     .actor = "admin",
     .method = "GET",
     .path = "/admin/outbox?lang=ja",
     .expect_status = 200,
     .checks = {BODY_HAS("送信メール")}},
    {.name = "anonymous: 401", .method = "GET", .path = "/admin/outbox", .expect_status = 401},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("signup_verify_signin", signup_verify),
    HT_SCENARIO("signup_taken_address", signup_taken),
    HT_SCENARIO("tokens_refused", tokens_refused),
    HT_SCENARIO("password_reset", password_reset),
    HT_SCENARIO("info_request_mail", info_request),
    HT_SCENARIO("outbox_page", outbox),
};

const ht_group ht_group_mail = {"mail", scenarios, HT_COUNT(scenarios)};
