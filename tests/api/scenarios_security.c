/* Issue 18 items 3 and 5 (docs/security.md).
 *
 * Item 3, four eyes: the record of a case (evidence, verdicts, equivalence) and its proposal
 * are written by the examiner it is assigned to, or by a lead examiner; nobody else
 * reassigns it; the reviewer who approves is neither the proposer nor anyone who took part
 * in the record. The database refuses a write that bypasses the service
 * (schema/0018_four_eyes.sql): ht_security_checks runs SQL on the cases the "db-bypass"
 * scenario leaves (htx_sql, --database-url).
 *
 * Item 5, anonymous forms: /signin and /signup posts carry the token of a pre-session cookie
 * (giteki_pre) that the form's page set; without it they are refused 403 auth.csrf, whatever
 * Origin and Sec-Fetch-Site say. JSON clients without cookies are not asked.
 *
 * Fixtures: the admin made by scripts/test (admin@api.test); everything else is created here
 * with addresses of its own (…@sec.test), so the file assumes a fresh database. */
#include "bodies.h"
#include "harness.h"
#include "harness_ext.h"
#include "steps.h"

#include <stdio.h>
#include <string.h>

#define JSON_T "application/json"
#define FORM_T "application/x-www-form-urlencoded"
#define PW "security passphrase 1"
#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define APPS "/api/v1/applications"

/* An examiner made a lead examiner by the admin (issue 18 item 3). */
#define LEAD(email, var)                                                                           \
    {                                                                                              \
        .name = "admin creates the lead examiner " email, .actor = "admin", .method = "POST",      \
        .path = "/api/v1/users", .content_type = JSON_T,                                           \
        .body = "{\"email\": \"" email "\", \"password\": \"" PW "\", \"name\": \"Lead " var       \
                "\", \"role\": \"examiner\", \"lead_examiner\": true}",                            \
        .expect_status = 201, .checks = {JSON_EQ("lead_examiner", "true")}, .captures = {          \
            CAPTURE_JSON(var, "id")                                                                \
        }                                                                                          \
    }

/* Admin, three examiners, a lead examiner and a manufacturer, signed in. */
#define STAFF(tag)                                                                                 \
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD), EXAMINER("ex1-" tag "@sec.test", "ex1"),         \
        EXAMINER("ex2-" tag "@sec.test", "ex2"), EXAMINER("ex3-" tag "@sec.test", "ex3"),          \
        LEAD("lead-" tag "@sec.test", "lead"), SIGNIN("ex1", "ex1-" tag "@sec.test", PW),          \
        SIGNIN("ex2", "ex2-" tag "@sec.test", PW), SIGNIN("ex3", "ex3-" tag "@sec.test", PW),      \
        SIGNIN("lead", "lead-" tag "@sec.test", PW),                                               \
        SIGNUP("Secure Maker " tag, "maker-" tag "@sec.test"),                                     \
        SIGNIN("maker", "maker-" tag "@sec.test", PW)

#define DECLS                                                                                      \
    "{\"SR-1\": {\"description\": \"A password is asked before any remote setting.\"},"            \
    " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Printed per unit.\"},"     \
    " \"SR-3\": {\"description\": \"Signed firmware updates.\"},"                                  \
    " \"SR-4\": {\"description\": \"Kept in flash.\"}}"
#define CREATE(var, model)                                                                         \
    {                                                                                              \
        .name = "maker creates " model, .actor = "maker", .method = "POST", .path = APPS,          \
        .content_type = JSON_T,                                                                    \
        .body = "{\"route\": \"conformity\", \"device\": {\"model_name\": \"" model "\","          \
                " \"type_name\": \"T-1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD    \
                "}, \"declarations\": " DECLS "}",                                                 \
        .expect_status = 201, .captures = {                                                        \
            CAPTURE_JSON(var, "id")                                                                \
        }                                                                                          \
    }

#define BOUNDARY "gk-sec-boundary-5d1e"
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
        UPLOAD(var, "block_diagram"), UPLOAD(var, "manual"), UPLOAD(var, "test_report"),           \
    {                                                                                              \
        .name = "maker submits", .actor = "maker", .method = "POST",                               \
        .path = APPS "/{{" var "}}/submit", .content_type = JSON_T, .body = "{}",                  \
        .expect_status = 200, .checks = {                                                          \
            JSON_STR("status", "submitted")                                                        \
        }                                                                                          \
    }
#define ASSIGN(who, var, to)                                                                       \
    {                                                                                              \
        .name = who " assigns the case to " to, .actor = who, .method = "POST",                    \
        .path = APPS "/{{" var "}}/assign", .content_type = JSON_T,                                \
        .body = "{\"examiner_id\": \"{{" to "}}\"}", .expect_status = 200, .checks = {             \
            JSON_STR("assigned_examiner_id", "{{" to "}}")                                         \
        }                                                                                          \
    }
#define VERDICT(who, var, req, v)                                                                  \
    {                                                                                              \
        .name = who ": " req " " v, .actor = who, .method = "PUT",                                 \
        .path = APPS "/{{" var "}}/requirements/" req "/verdict", .content_type = JSON_T,          \
        .body = "{\"verdict\": \"" v "\"}", .expect_status = 200, .checks = {                      \
            JSON_STR("verdict", v),                                                                \
            JSON_STR("decided_by", "{{" who "}}")                                                  \
        }                                                                                          \
    }
#define VERDICTS(who, var)                                                                         \
    VERDICT(who, var, "SR-1", "pass"), VERDICT(who, var, "SR-2", "pass"),                          \
        VERDICT(who, var, "SR-3", "pass"), VERDICT(who, var, "SR-4", "pass")
#define PROPOSE(who, var)                                                                          \
    {                                                                                              \
        .name = who " proposes the grant", .actor = who, .method = "POST",                         \
        .path = APPS "/{{" var "}}/proposal", .content_type = JSON_T,                              \
        .body = "{\"decision\": \"grant\", \"reason\": \"The record supports it.\"}",              \
        .expect_status = 201, .checks = {                                                          \
            JSON_STR("status", "proposed"),                                                        \
            JSON_STR("proposal.proposed_by", "{{" who "}}")                                        \
        }                                                                                          \
    }
#define APPROVE(who, var)                                                                          \
    {                                                                                              \
        .name = who " approves: granted", .actor = who, .method = "POST",                          \
        .path = APPS "/{{" var "}}/review", .content_type = JSON_T,                                \
        .body = "{\"approve\": true, \"comment\": \"Checked the record.\"}", .expect_status = 200, \
        .checks = {                                                                                \
            JSON_STR("status", "granted"),                                                         \
            JSON_TYPE("certificate_number", "string")                                              \
        }                                                                                          \
    }
/* Someone who may not do it: 403 with the code. */
#define REFUSED(who, what, method_, path_, body_, code)                                            \
    {                                                                                              \
        .name = who " " what ": 403 " code, .actor = who, .method = method_, .path = path_,        \
        .content_type = JSON_T, .body = body_, .expect_status = 403, .expect_code = code           \
    }
/* The same, for an examiner who is not the case's. */
#define NOT_THEIRS(who, what, method_, path_, body_)                                               \
    {                                                                                              \
        .name = who " (not assigned) " what ": 403 case.not_assigned", .actor = who,               \
        .method = method_, .path = path_, .content_type = JSON_T, .body = body_,                   \
        .expect_status = 403, .expect_code = "case.not_assigned"                                   \
    }

/* ---- item 3: the bypass the tester found, closed ----------------------------------------- */

static const ht_step four_eyes[] = {
    STAFF("fe"),
    CREATE("app", "Four Eyes Router"),
    SUBMIT("app"),
    ASSIGN("ex1", "app", "ex1"),
    {.name = "ex1 records evidence on SR-1",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/requirements/SR-1/evidence",
     .content_type = JSON_T,
     .body = "{\"procedure\": \"Telnet and the web UI without credentials.\","
             " \"result\": \"Both ask for a password first.\"}",
     .expect_status = 201,
     .checks = {JSON_STR("recorded_by", "{{ex1}}")}},
    VERDICTS("ex1", "app"),
    NOT_THEIRS("ex2", "records evidence", "POST", APPS "/{{app}}/requirements/SR-1/evidence",
               "{\"procedure\": \"p\", \"result\": \"r\"}"),
    {.name = "ex2 (not assigned) records a verdict: 403 case.not_assigned, nothing changed",
     .actor = "ex2",
     .method = "PUT",
     .path = APPS "/{{app}}/requirements/SR-1/verdict",
     .content_type = JSON_T,
     .body = "{\"verdict\": \"fail\"}",
     .expect_status = 403,
     .expect_code = "case.not_assigned"},
    NOT_THEIRS("ex2", "proposes the grant", "POST", APPS "/{{app}}/proposal",
               "{\"decision\": \"grant\", \"reason\": \"Looks fine.\"}"),
    NOT_THEIRS("ex2", "takes the case", "POST", APPS "/{{app}}/assign",
               "{\"examiner_id\": \"{{ex2}}\"}"),
    {.name = "the case is still ex1's, in review, SR-1 passed; ex1 took part, ex2 did not",
     .actor = "ex2",
     .method = "GET",
     .path = APPS "/{{app}}/examination",
     .expect_status = 200,
     .checks = {JSON_STR("application.status", "in_review"),
                JSON_STR("application.assigned_examiner_id", "{{ex1}}"),
                JSON_EQ("you", "{\"lead_examiner\": false, \"took_part\": false}"),
                JSON_FIND("examination.requirements", "id=\"SR-1\"", "verdict")}},
    ASSIGN("ex1", "app", "ex2"),
    {.name = "ex2, assigned now, proposes the grant",
     .actor = "ex2",
     .method = "POST",
     .path = APPS "/{{app}}/proposal",
     .content_type = JSON_T,
     .body = "{\"decision\": \"grant\", \"reason\": \"ex1's record supports it.\"}",
     .expect_status = 201,
     .checks = {JSON_STR("status", "proposed"), JSON_STR("proposal.proposed_by", "{{ex2}}")}},
    REFUSED("ex2", "approves their own proposal", "POST", APPS "/{{app}}/review",
            "{\"approve\": true}", "review.own_proposal"),
    {.name = "ex1, who examined the case, approves: 403 review.took_part",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true, \"comment\": \"Fine by me.\"}",
     .expect_status = 403,
     .expect_code = "review.took_part",
     .checks = {JSON_TYPE("detail", "string")}},
    {.name = "ex1's case page offers no review",
     .actor = "ex1",
     .method = "GET",
     .path = APPS "/{{app}}/examination",
     .expect_status = 200,
     .checks = {JSON_STR("application.status", "proposed"), JSON_EQ("you.took_part", "true")}},
    APPROVE("ex3", "app"),
    {.name = "the history names ex3 as the one who granted",
     .actor = "maker",
     .method = "GET",
     .path = APPS "/{{app}}/history",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "to_status=\"granted\"", "actor_id=\"{{ex3}}\"")}},
};

/* ---- item 3: the lead examiner ------------------------------------------------------------ */

static const ht_step lead_examiner[] = {
    STAFF("le"),
    {.name = "the user list says who is a lead examiner",
     .actor = "admin",
     .method = "GET",
     .path = "/api/v1/users?limit=500",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "id=\"{{lead}}\"", "lead_examiner=true"),
                JSON_FIND("items", "id=\"{{ex1}}\"", "lead_examiner=false")}},
    {.name = "the admin's user page marks the lead examiner and offers the box",
     .actor = "admin",
     .method = "GET",
     .path = "/admin/users?lang=en",
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("name=\"lead_examiner\""), BODY_HAS("Lead examiner")}},
    {.name = "a regulator cannot be a lead examiner: 422 lead_examiner",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/users",
     .content_type = JSON_T,
     .body = "{\"email\": \"reg-le@sec.test\", \"password\": \"" PW "\", \"name\": \"Reg\","
             " \"role\": \"regulator\", \"lead_examiner\": true}",
     .expect_status = 422,
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[].field", "lead_examiner")}},
    CREATE("app", "Lead Router"),
    SUBMIT("app"),
    ASSIGN("ex1", "app", "ex1"),
    VERDICT("lead", "app", "SR-1", "pass"),
    ASSIGN("lead", "app", "ex2"),
    NOT_THEIRS("ex1", "records a verdict", "PUT", APPS "/{{app}}/requirements/SR-2/verdict",
               "{\"verdict\": \"pass\"}"),
    VERDICT("ex2", "app", "SR-2", "pass"),
    VERDICT("ex2", "app", "SR-3", "pass"),
    VERDICT("ex2", "app", "SR-4", "pass"),
    PROPOSE("ex2", "app"),
    {.name = "the lead, who recorded SR-1, approves: 403 review.took_part",
     .actor = "lead",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": true}",
     .expect_status = 403,
     .expect_code = "review.took_part"},
    {.name = "ex1 took no part in the record and may send the proposal back",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{app}}/review",
     .content_type = JSON_T,
     .body = "{\"approve\": false, \"comment\": \"Please cite the test report.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "in_review")}},
    PROPOSE("ex2", "app"),
    APPROVE("ex3", "app"),
};

/* ---- item 3: what the database refuses (ht_security_checks runs the SQL) ----------------- */

/* Case "Bypass Case A": in review, ex1's, with ex1's evidence. Case "Bypass Case B": ex1's
 * verdicts, then ex2's: ex2 proposed the grant; ex1 took part. */
static const ht_step db_bypass[] = {
    STAFF("db"),
    CREATE("a", "Bypass Case A"),
    SUBMIT("a"),
    ASSIGN("ex1", "a", "ex1"),
    {.name = "ex1 records evidence on A",
     .actor = "ex1",
     .method = "POST",
     .path = APPS "/{{a}}/requirements/SR-1/evidence",
     .content_type = JSON_T,
     .body = "{\"procedure\": \"p\", \"result\": \"r\"}",
     .expect_status = 201},
    CREATE("b", "Bypass Case B"),
    SUBMIT("b"),
    ASSIGN("ex1", "b", "ex1"),
    VERDICTS("ex1", "b"),
    ASSIGN("ex1", "b", "ex2"),
    PROPOSE("ex2", "b"),
};

/* ---- item 5: anonymous forms carry a pre-session token ------------------------------------ */

static const ht_step anonymous_forms[] = {
    SIGNUP("Secure Maker forms", "forms@sec.test"),
    {.name = "a same-origin /signin post without the form's token: 403 auth.csrf",
     .actor = "no_page",
     .method = "POST",
     .path = "/signin",
     .content_type = FORM_T,
     .body = "email=forms%40sec.test&password=security+passphrase+1",
     .headers = {"Sec-Fetch-Site: same-origin"},
     .expect_status = 403,
     .expect_code = "auth.csrf",
     .checks = {HEADER_ABSENT("Set-Cookie")}},
    {.name = "a /signup post without the form's token: 403 auth.csrf",
     .actor = "no_page",
     .method = "POST",
     .path = "/signup",
     .content_type = FORM_T,
     .body = "organization.name=Evil&organization.representative=Eve"
             "&user.email=eve%40sec.test&user.password=correct+horse+battery+staple"
             "&user.name=Eve",
     .expect_status = 403,
     .expect_code = "auth.csrf"},
    {.name = "a stale pre-session cookie with a made-up token: 403",
     .actor = "no_page",
     .method = "POST",
     .path = "/signin",
     .content_type = FORM_T,
     .body = "email=forms%40sec.test&password=security+passphrase+1"
             "&csrf_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
     .headers = {"Cookie: giteki_pre=1000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
     .expect_status = 403,
     .expect_code = "auth.csrf"},
    {.name = "the sign-in page sets the pre-session cookie and puts its token in the form",
     .actor = "browser",
     .method = "GET",
     .path = "/signin",
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {HEADER_HAS("Set-Cookie", "giteki_pre="), HEADER_HAS("Set-Cookie", "HttpOnly"),
                HEADER_HAS("Set-Cookie", "SameSite=Lax"), HEADER_HAS("Set-Cookie", "Max-Age=3600"),
                BODY_HAS("name=\"csrf_token\" value=\"")}},
    {.name = "the sign-up page keeps the same pre-session (no new cookie)",
     .actor = "browser",
     .method = "GET",
     .path = "/signup",
     .expect_status = 200,
     .checks = {HEADER_ABSENT("Set-Cookie"), BODY_HAS("name=\"csrf_token\" value=\"")}},
    {.name = "the form with a wrong token: 403 auth.csrf",
     .actor = "browser",
     .method = "POST",
     .path = "/signin",
     .content_type = FORM_T,
     .body = "email=forms%40sec.test&password=security+passphrase+1",
     .headers = {"X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
     .expect_status = 403,
     .expect_code = "auth.csrf"},
    {.name = "the form with its token (as the page gave it) signs in",
     .actor = "browser",
     .method = "POST",
     .path = "/signin",
     .content_type = FORM_T,
     .body = "email=forms%40sec.test&password=security+passphrase+1",
     .expect_status = 303,
     .checks = {HEADER_HAS("Set-Cookie", "giteki_session=")}},
    {.name = "the token does not make a cross-site post acceptable",
     .actor = "browser2",
     .method = "GET",
     .path = "/signin",
     .expect_status = 200},
    {.name = "cross-site, even with the token: 403 auth.csrf",
     .actor = "browser2",
     .method = "POST",
     .path = "/signin",
     .content_type = FORM_T,
     .body = "email=forms%40sec.test&password=security+passphrase+1",
     .headers = {"Sec-Fetch-Site: cross-site"},
     .expect_status = 403,
     .expect_code = "auth.csrf"},
    {.name = "a JSON client without cookies signs in as before",
     .actor = "json_client",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = "{\"email\": \"forms@sec.test\", \"password\": \"" PW "\"}",
     .expect_status = 200,
     .checks = {JSON_TYPE("csrf_token", "string")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("four-eyes", four_eyes),
    HT_SCENARIO("lead-examiner", lead_examiner),
    HT_SCENARIO("db-bypass", db_bypass),
    HT_SCENARIO("anonymous-forms", anonymous_forms),
};

const ht_group ht_group_security = {"security", scenarios, HT_COUNT(scenarios)};

/* ---- procedural: the database refuses what the service would ------------------------------ */

static int failures;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL security/db-refusals: ");                                                 \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Runs `stmt` in a savepoint that is always rolled back; out: "accepted" or the name of the
 * constraint that refused it (else the error message). */
static bool try_sql(const ht_options *opts, const char *stmt, char *out, size_t size)
{
    char sql[4096];
    snprintf(sql, sizeof sql,
             "CREATE FUNCTION pg_temp.gk_try(q text) RETURNS text LANGUAGE plpgsql AS $f$"
             " DECLARE c text; m text;"
             " BEGIN EXECUTE q; RAISE EXCEPTION 'gk_try_accepted';"
             " EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME,"
             " m = MESSAGE_TEXT;"
             " RETURN CASE WHEN m = 'gk_try_accepted' THEN 'accepted'"
             " ELSE coalesce(nullif(c, ''), m) END; END $f$;"
             " SELECT pg_temp.gk_try($q$%s$q$)",
             stmt);
    if (htx_sql(opts->database_url, sql, out, size) != 0) return false;
    out[strcspn(out, "\r\n")] = 0;
    return true;
}

#define APP(model) "(SELECT id FROM applications WHERE model_name = '" model "')"
#define USER(email) "(SELECT id FROM users WHERE email = '" email "')"

int ht_security_checks(const ht_options *opts)
{
    failures = 0;
    if (!opts->database_url) {
        printf("FAIL security/db-refusals: needs --database-url\n");
        return 1;
    }
    static const struct {
        const char *what, *stmt, *want;
    } cases[] = {
        {"a verdict by an examiner not assigned to the case",
         "INSERT INTO verdicts (application_id, requirement_id, verdict, decided_by)"
         " VALUES (" APP("Bypass Case A") ", 'SR-2', 'fail', " USER("ex2-db@sec.test") ")",
         "verdicts_decided_by_case_examiner"},
        {"the assigned examiner's verdict (control)",
         "INSERT INTO verdicts (application_id, requirement_id, verdict, decided_by)"
         " VALUES (" APP("Bypass Case A") ", 'SR-2', 'fail', " USER("ex1-db@sec.test") ")",
         "accepted"},
        {"a lead examiner's verdict (control)",
         "INSERT INTO verdicts (application_id, requirement_id, verdict, decided_by)"
         " VALUES (" APP("Bypass Case A") ", 'SR-2', 'fail', " USER("lead-db@sec.test") ")",
         "accepted"},
        {"evidence by an examiner not assigned to the case",
         "INSERT INTO evidence (application_id, requirement_id, procedure, result, recorded_by)"
         " VALUES (" APP("Bypass Case A") ", 'SR-1', 'p', 'r', " USER("ex3-db@sec.test") ")",
         "evidence_recorded_by_case_examiner"},
        {"a proposal by an examiner not assigned to the case",
         "INSERT INTO proposals (application_id, decision, reason, proposed_by)"
         " VALUES (" APP("Bypass Case A") ", 'reject', 'r', " USER("ex2-db@sec.test") ")",
         "proposals_proposed_by_case_examiner"},
        {"an approval by the examiner who recorded the verdicts",
         "UPDATE proposals SET reviewed_by = " USER(
             "ex1-db@sec.test") ", reviewed_at = now(),"
                                " approve = true WHERE application_id = " APP(
                                    "Bypass Case B") " AND reviewed_at IS NULL",
         "proposals_reviewer_took_part"},
        {"an approval by the proposer",
         "UPDATE proposals SET reviewed_by = " USER(
             "ex2-db@sec.test") ", reviewed_at = now(),"
                                " approve = true WHERE application_id = " APP(
                                    "Bypass Case B") " AND reviewed_at IS NULL",
         "proposals_four_eyes"},
        {"an approval by an examiner who took no part (control)",
         "UPDATE proposals SET reviewed_by = " USER(
             "ex3-db@sec.test") ", reviewed_at = now(),"
                                " approve = true WHERE application_id = " APP(
                                    "Bypass Case B") " AND reviewed_at IS NULL",
         "accepted"},
        {"the record of who took part cannot be edited",
         "DELETE FROM case_examiners WHERE application_id = " APP("Bypass Case B"),
         "case_examiners_append_only"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[512] = "";
        if (!try_sql(opts, cases[i].stmt, out, sizeof out)) {
            EXPECT(false, "%s: psql failed", cases[i].what);
            continue;
        }
        EXPECT(!strcmp(out, cases[i].want), "%s: expected %s, got %s", cases[i].what, cases[i].want,
               out);
    }
    char out[64] = "";
    EXPECT(htx_sql(opts->database_url,
                   "SELECT count(*) FROM proposals WHERE application_id = " APP(
                       "Bypass Case B") " AND reviewed_at IS NULL",
                   out, sizeof out) == 0 &&
               !strcmp(out, "1"),
           "the open proposal of case B is not as it was (%s)", out);
    if (failures == 0)
        printf("ok   security/db-refusals (%zu statements)\n", sizeof cases / sizeof *cases);
    return failures ? 1 : 0;
}
