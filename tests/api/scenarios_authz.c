/* Authorisation (issue 4, "What it must show"):
 *
 * 1. authz/route-walk: every row of tests/api/authz_expect.h (which test_route_roles proves
 *    equal to the route table) is called as anonymous and as each role, signed in with a
 *    cookie session (CSRF token sent) and with a Bearer token. A caller left out must get 401
 *    auth.required (anonymous) or 403 auth.forbidden (signed in), also to HEAD; a caller let
 *    in must get neither (nor 405/415/5xx: the walk must really reach the handler). Then
 *    every route under /api/v1/applications/{id} or /applications/{id} that manufacturers
 *    may call is called by a manufacturer of another organisation with the ids of a real
 *    case (its document, its open information request): 404, never 403; GET pages also as
 *    a browser (Accept: text/html): a 404 page that names nothing of the case.
 * 2. authz/cross-org (table): manufacturer A's case, document and information request; the
 *    manufacturer of organisation B gets 404 on every API endpoint that takes their ids
 *    (read, PATCH, submit, withdraw, upload, document list and download, history,
 *    information requests and the response), in the states where A could do each; A's
 *    document and request are not reachable under B's own case either, and nothing B tried
 *    changed A's case. The walk (1) adds every route with an application id, pages and
 *    their forms included, from the table, so a new case route is covered without a step
 *    here (pages answer their 404 as HTML, which table steps do not take).
 * 3. authz/session-idle-expiry, authz/session-absolute-expiry: time moves in the database
 *    (every timestamp of one session shifted back, as if the clock had run), the server
 *    decides: an idle session ends after the idle limit and use moves the limit forward; a
 *    session in constant use still ends at the absolute limit.
 * 4. Secrets in the log: harness_ext.c (--server-log).
 *
 * Fixture: the admin made by scripts/test. The route walk and the expiry checks make their
 * users with a per-run tag, so they also run against a server that ran them before; the
 * cross-org table uses fixed addresses like the other groups (a fresh database). No step
 * fails a sign-in: 20 failures from 127.0.0.1 in 15 minutes would lock every later one. */
#include "authz_expect.h"
#include "bodies.h"
#include "harness.h"
#include "steps.h"
#include "harness_ext.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define JSON_T "application/json"
#define FORM_T "application/x-www-form-urlencoded"
#define CSV_T "text/csv"
#define PW "authorisation passphrase 1"
#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define APPS "/api/v1/applications"
/* A well-formed UUID (version 4) that names nothing. */
#define NONE_UUID "7f3c1e2a-5b4d-4e6f-8a9b-0c1d2e3f4a5b"

#define DECLS                                                                                      \
    "{\"SR-1\": {\"description\": \"A password is asked before any remote setting.\"},"            \
    " \"SR-2\": {\"measure\": \"unique_per_device\", \"description\": \"Printed per unit.\"},"     \
    " \"SR-3\": {\"description\": \"Signed firmware updates.\"},"                                  \
    " \"SR-4\": {\"description\": \"Kept in flash.\"}}"
#define APP_BODY(model)                                                                            \
    "{\"route\": \"conformity\", \"device\": {\"model_name\": \"" model "\","                      \
    " \"type_name\": \"AZ-1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD "},"          \
    " \"declarations\": " DECLS "}"

#define BOUNDARY "gk-authz-boundary-3e9a"
#define MP_T "multipart/form-data; boundary=" BOUNDARY
#define UPLOAD_BODY(kind)                                                                          \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n" kind "\r\n"          \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"confidentiality\"\r\n\r\n"           \
    "confidential\r\n"                                                                             \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" kind            \
    ".pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n% secret-" kind "\n%%EOF\n\r\n"      \
    "--" BOUNDARY "--\r\n"
/* The six attachments a conformity application needs before it may be submitted. */
#define KINDS_FOR_SUBMIT                                                                           \
    {                                                                                              \
        "outline", "test_report", "external_view", "connection_diagram", "block_diagram", "manual" \
    }

/* =========================================================================================
 * 2. Cross-organisation: a table scenario
 * ========================================================================================= */

#define A_UPLOAD(kind)                                                                             \
    {                                                                                              \
        .name = "A uploads the " kind, .actor = "a", .method = "POST",                             \
        .path = APPS "/{{app}}/documents", .content_type = MP_T, .body = UPLOAD_BODY(kind),        \
        .expect_status = 201                                                                       \
    }
#define B_UPLOAD(kind)                                                                             \
    {                                                                                              \
        .name = "B uploads the " kind, .actor = "b", .method = "POST",                             \
        .path = APPS "/{{bapp}}/documents", .content_type = MP_T, .body = UPLOAD_BODY(kind),       \
        .expect_status = 201                                                                       \
    }
/* B's attempt on A's case: 404 resource.not_found, and the body names nothing of A's. */
#define B_404(label, method_, path_, ctype, body_)                                                 \
    {                                                                                              \
        .name = "B: " label " -> 404", .actor = "b", .method = method_, .path = path_,             \
        .content_type = ctype, .body = body_, .headers = {"If-Match: \"1\""},                      \
        .expect_status = 404, .expect_code = "resource.not_found", .checks = {                     \
            BODY_LACKS("Crossorg Router A"),                                                       \
            BODY_LACKS("{{app}}"),                                                                 \
            BODY_LACKS("secret-outline")                                                           \
        }                                                                                          \
    }

static const ht_step cross_org[] = {
    SIGNUP("Crossorg A", "xorg-a@authz.test"),
    SIGNUP("Crossorg B", "xorg-b@authz.test"),
    SIGNIN("a", "xorg-a@authz.test", PW),
    SIGNIN("b", "xorg-b@authz.test", PW),
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "admin creates an examiner",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/users",
     .content_type = JSON_T,
     .body = "{\"email\": \"xorg-ex@authz.test\", \"password\": \"" PW "\", \"name\": \"Ex\","
             " \"role\": \"examiner\"}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("ex", "id")}},
    SIGNIN("ex", "xorg-ex@authz.test", PW),
    {.name = "A files a draft",
     .actor = "a",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = APP_BODY("Crossorg Router A"),
     .expect_status = 201,
     .checks = {HEADER_EQ("ETag", "\"1\"")},
     .captures = {CAPTURE_JSON("app", "id")}},
    {.name = "A uploads the outline",
     .actor = "a",
     .method = "POST",
     .path = APPS "/{{app}}/documents",
     .content_type = MP_T,
     .body = UPLOAD_BODY("outline"),
     .expect_status = 201,
     .captures = {CAPTURE_JSON("doc", "id")}},
    {.name = "B files a draft of its own",
     .actor = "b",
     .method = "POST",
     .path = APPS,
     .content_type = JSON_T,
     .body = APP_BODY("Crossorg Router B"),
     .expect_status = 201,
     .captures = {CAPTURE_JSON("bapp", "id")}},

    /* While A's case is a draft every one of these would succeed for A. */
    B_404("read the case", "GET", APPS "/{{app}}", NULL, NULL),
    B_404("PATCH it with the right ETag", "PATCH", APPS "/{{app}}", JSON_T,
          "{\"device\": {\"model_name\": \"Hijacked\"}}"),
    B_404("submit it", "POST", APPS "/{{app}}/submit", JSON_T, "{}"),
    B_404("withdraw it", "POST", APPS "/{{app}}/withdraw", JSON_T, "{}"),
    B_404("upload to it", "POST", APPS "/{{app}}/documents", MP_T, UPLOAD_BODY("other")),
    B_404("list its documents", "GET", APPS "/{{app}}/documents", NULL, NULL),
    B_404("download its document", "GET", APPS "/{{app}}/documents/{{doc}}", NULL, NULL),
    B_404("download A's document under B's own case", "GET", APPS "/{{bapp}}/documents/{{doc}}",
          NULL, NULL),
    B_404("read its history", "GET", APPS "/{{app}}/history", NULL, NULL),
    B_404("list its information requests", "GET", APPS "/{{app}}/info-requests", NULL, NULL),
    {.name = "A's case is untouched: still a draft, ETag 1, its name",
     .actor = "a",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "draft"), HEADER_EQ("ETag", "\"1\""),
                JSON_STR("device.model_name", "Crossorg Router A")}},
    {.name = "A's documents: only its own outline",
     .actor = "a",
     .method = "GET",
     .path = APPS "/{{app}}/documents",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].id", "{{doc}}")}},
    {.name = "A downloads its document (the path B tried is right)",
     .actor = "a",
     .method = "GET",
     .path = APPS "/{{app}}/documents/{{doc}}",
     .expect_status = 200,
     .checks = {BODY_HAS("secret-outline")}},

    /* An information request on A's case. */
    A_UPLOAD("test_report"),
    A_UPLOAD("external_view"),
    A_UPLOAD("connection_diagram"),
    A_UPLOAD("block_diagram"),
    A_UPLOAD("manual"),
    {.name = "A submits",
     .actor = "a",
     .method = "POST",
     .path = APPS "/{{app}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "submitted")}},
    {.name = "the examiner takes the case",
     .actor = "ex",
     .method = "POST",
     .path = APPS "/{{app}}/assign",
     .content_type = JSON_T,
     .body = "{\"examiner_id\": \"{{ex}}\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "in_review")}},
    {.name = "the examiner asks A for information",
     .actor = "ex",
     .method = "POST",
     .path = APPS "/{{app}}/info-requests",
     .content_type = JSON_T,
     .body = "{\"message\": \"Please send the SR-4 power-cycle log.\"}",
     .expect_status = 201,
     .captures = {CAPTURE_JSON("rid", "id")}},
    B_404("list the information requests", "GET", APPS "/{{app}}/info-requests", NULL, NULL),
    B_404("answer the information request", "POST", APPS "/{{app}}/info-requests/{{rid}}/response",
          JSON_T, "{\"message\": \"Answered by somebody else.\"}"),
    /* B's own case waits for an answer as well: only the binding of A's request to A's
     * case stands between B and answering it under B's case id. */
    B_UPLOAD("outline"),
    B_UPLOAD("test_report"),
    B_UPLOAD("external_view"),
    B_UPLOAD("connection_diagram"),
    B_UPLOAD("block_diagram"),
    B_UPLOAD("manual"),
    {.name = "B submits its own case",
     .actor = "b",
     .method = "POST",
     .path = APPS "/{{bapp}}/submit",
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 200},
    {.name = "the examiner takes B's case",
     .actor = "ex",
     .method = "POST",
     .path = APPS "/{{bapp}}/assign",
     .content_type = JSON_T,
     .body = "{\"examiner_id\": \"{{ex}}\"}",
     .expect_status = 200},
    {.name = "the examiner asks B for information too",
     .actor = "ex",
     .method = "POST",
     .path = APPS "/{{bapp}}/info-requests",
     .content_type = JSON_T,
     .body = "{\"message\": \"B, please send the manual.\"}",
     .expect_status = 201,
     .checks = {JSON_STR("application_status", "info_requested")}},
    B_404("answer A's request under B's own waiting case", "POST",
          APPS "/{{bapp}}/info-requests/{{rid}}/response", JSON_T,
          "{\"message\": \"Answered by somebody else.\"}"),
    B_404("withdraw the case under examination", "POST", APPS "/{{app}}/withdraw", JSON_T, "{}"),
    B_404("read its history now", "GET", APPS "/{{app}}/history", NULL, NULL),
    B_404("read the case now", "GET", APPS "/{{app}}", NULL, NULL),
    {.name = "A's case still waits for A's answer",
     .actor = "a",
     .method = "GET",
     .path = APPS "/{{app}}/info-requests",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "id=\"{{rid}}\"", NULL), BODY_LACKS("somebody else")}},
    {.name = "A's status is info_requested",
     .actor = "a",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "info_requested")}},
    {.name = "A answers (the path B tried is right): back in review",
     .actor = "a",
     .method = "POST",
     .path = APPS "/{{app}}/info-requests/{{rid}}/response",
     .content_type = JSON_T,
     .body = "{\"message\": \"Attached.\"}",
     .expect_status = 200,
     .checks = {JSON_STR("status", "in_review")}},
    {.name = "the examiner, not bound to an organisation, reads the case",
     .actor = "ex",
     .method = "GET",
     .path = APPS "/{{app}}",
     .expect_status = 200},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("cross-org", cross_org),
};

const ht_group ht_group_authz = {"authz", scenarios, HT_COUNT(scenarios)};

/* =========================================================================================
 * Procedural checks: a small client with variables and failure reports
 * ========================================================================================= */

typedef struct {
    ht_client *client;
    const ht_options *opts;
    const char *where; /* "authz/route-walk" */
    unsigned requests, failures;
    char tag[32]; /* per run: e-mail addresses of this run's users */
    /* variables of the sample paths */
    char app[64], doc[64], rid[64], maker_id[64], exam_id[64];
    char tokens[8][128]; /* the route walk's Bearer tokens, by caller index */
    char csrf[8][128];   /* the CSRF tokens of the walk's cookie sessions, by caller index */
    char other_csrf[128];
} proc;

__attribute__((format(printf, 2, 3))) static void problem(proc *p, const char *fmt, ...)
{
    if (!p->failures++) printf("FAIL %s\n", p->where);
    va_list ap;
    va_start(ap, fmt);
    fputs("    ", stdout);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

/* One request; headers NULL-terminated or NULL. Returns false (and reports) when nothing
 * came back. */
static bool call_as(proc *p, const char *actor, const char *method, const char *path,
                    const char *ctype, const char *body, const char *const *headers, ht_response *r)
{
    ht_request req = {.method = method,
                      .path = path,
                      .headers = headers,
                      .body = body,
                      .body_len = body ? strlen(body) : 0,
                      .content_type = ctype};
    p->requests++;
    if (ht_send(p->client, actor, &req, r) != 0) {
        problem(p, "%s %s as %s: no response (%s)", method, path, actor,
                r->curl_error ? r->curl_error : "?");
        return false;
    }
    if (p->opts->verbose) printf("  %s %s as %s -> %ld\n", method, path, actor, r->status);
    return true;
}

/* A setup request that must answer `want`; copies the string at JSON key `key` (top level,
 * or "a.b") into out when key is given. */
static bool setup(proc *p, const char *actor, const char *method, const char *path,
                  const char *ctype, const char *body, long want, const char *key, char *out,
                  size_t out_size)
{
    ht_response r;
    bool ok = call_as(p, actor, method, path, ctype, body, NULL, &r);
    if (ok && r.status != want) {
        problem(p, "setup %s %s as %s: expected %ld, got %ld: %.300s", method, path, actor, want,
                r.status, r.body ? r.body : "");
        ok = false;
    }
    if (ok && key) {
        json_t *v = r.json;
        char k[64];
        snprintf(k, sizeof k, "%s", key);
        for (char *part = strtok(k, "."); part && v; part = strtok(NULL, "."))
            v = json_object_get(v, part);
        if (!json_is_string(v) || json_string_length(v) >= out_size) {
            problem(p, "setup %s %s: no string %s in %.300s", method, path, key,
                    r.body ? r.body : "");
            ok = false;
        } else {
            snprintf(out, out_size, "%s", json_string_value(v));
        }
    }
    ht_response_free(&r);
    return ok;
}

static bool sign_in(proc *p, const char *actor, const char *email, const char *password, char *csrf,
                    size_t csrf_size)
{
    char body[512], scratch[128];
    snprintf(body, sizeof body, "{\"email\": \"%s\", \"password\": \"%s\"}", email, password);
    return setup(p, actor, "POST", "/api/v1/session", JSON_T, body, 200, "csrf_token",
                 csrf ? csrf : scratch, csrf ? csrf_size : sizeof scratch);
}

static bool sign_up(proc *p, const char *email, char *user_id, size_t size)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"organization\": {\"name\": \"Authz %s\", \"representative\": \"山田 太郎\"},"
             " \"user\": {\"email\": \"%s\", \"password\": \"" PW "\", \"name\": \"M\"}}",
             email, email);
    if (!setup(p, "signup", "POST", "/api/v1/signup", JSON_T, body, 202, NULL, NULL, 0))
        return false;
    /* issue 19: the account works once the link of its mail is followed */
    ht_response mail;
    if (ht_mail_wait(p->opts->mail_dir, email, "signup.verify", 15.0, &mail) != 0 ||
        mail.status != 200) {
        problem(p, "setup: no sign-up mail to %s", email);
        ht_response_free(&mail);
        return false;
    }
    const char *t = mail.body ? strstr(mail.body, "verify-email?token=") : NULL;
    char token[64] = "";
    if (t) sscanf(t + strlen("verify-email?token="), "%63[A-Za-z0-9_-]", token);
    ht_response_free(&mail);
    snprintf(body, sizeof body, "{\"token\": \"%s\"}", token);
    if (!setup(p, "signup", "POST", "/api/v1/signup/verify", JSON_T, body, 200, NULL, NULL, 0))
        return false;
    char sql[1024];
    /* issue 16: a filing needs the complete holder record (a foreign maker's: no 法人番号) */
    snprintf(sql, sizeof sql,
             "UPDATE organizations SET name_en = name, address_en = 'Hauptstrasse 1, Berlin',"
             " country = 'DE', representative_title = 'CEO', contact_name = 'C',"
             " contact_phone = '+49 30 1', contact_email = 'c@authz.test'"
             " WHERE id = (SELECT organization_id FROM users WHERE email = '%s')",
             email);
    char scratch[64];
    if (htx_sql(p->opts->database_url, sql, scratch, sizeof scratch) != 0) {
        problem(p, "setup: cannot complete the holder record of %s", email);
        return false;
    }
    snprintf(sql, sizeof sql, "SELECT id FROM users WHERE email = '%s'", email);
    if (htx_sql(p->opts->database_url, sql, user_id, size) != 0 || !*user_id) {
        problem(p, "setup: no user id for %s", email);
        return false;
    }
    return true;
}

static bool make_staff(proc *p, const char *role, const char *email, char *id, size_t size)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"email\": \"%s\", \"password\": \"" PW "\", \"name\": \"Walk %s\","
             " \"role\": \"%s\"}",
             email, role, role);
    return setup(p, "admin", "POST", "/api/v1/users", JSON_T, body, 201, "id", id, size);
}

static void email_of(const proc *p, const char *who, char *out, size_t size)
{
    snprintf(out, size, "walk-%s-%s@authz.test", who, p->tag);
}

static void proc_init(proc *p, const ht_options *opts, const char *where)
{
    *p = (proc){.opts = opts, .where = where};
    snprintf(p->tag, sizeof p->tag, "%lx%x", (unsigned long)time(NULL), (unsigned)getpid());
    p->client = ht_client_new(opts->base_url);
}

/* Prints the ok line, adds to the totals; returns 0 when the check passed. */
static int proc_finish(proc *p, ht_totals *totals)
{
    int failed = p->failures || !p->client;
    if (!p->client)
        printf("FAIL %s: out of memory\n", p->where);
    else if (!failed)
        printf("ok   %s (%u requests)\n", p->where, p->requests);
    else
        printf("     %s: %u problem(s) in %u requests\n", p->where, p->failures, p->requests);
    fflush(stdout);
    totals->scenarios_run++;
    totals->steps_run += p->requests;
    if (failed) {
        totals->scenarios_failed++;
        totals->steps_failed += p->failures;
    }
    ht_client_free(p->client);
    return failed;
}

/* =========================================================================================
 * 1. The route walk
 * ========================================================================================= */

typedef struct {
    const char *name; /* also the actor name of its cookie session */
    unsigned bit;     /* AZ_* */
} caller;

static const caller callers[] = {
    {"anonymous", AZ_ANON}, {"manufacturer", AZ_MAKER}, {"examiner", AZ_EXAM},
    {"regulator", AZ_REG},  {"admin", AZ_ADMIN},
};
#define N_CALLERS (sizeof callers / sizeof callers[0])

/* What each body kind gets: the smallest body of an acceptable type. */
static void minimal_body(az_body kind, const char **ctype, const char **body)
{
    *ctype = NULL, *body = NULL; /* AZ_B_NONE (and no kind is left without a value) */
    switch (kind) {
    case AZ_B_NONE:
        return;
    case AZ_B_JSON:
    case AZ_B_JSON_OR_FORM:
        *ctype = JSON_T, *body = "{}";
        return;
    case AZ_B_FORM:
        *ctype = FORM_T, *body = "walk=1";
        return;
    case AZ_B_CSV:
        *ctype = CSV_T, *body = "walk\n";
        return;
    case AZ_B_MULTIPART:
        *ctype = MP_T, *body = UPLOAD_BODY("other");
        return;
    }
}

/* The sample path with the walk's variables. False when a variable is unknown. */
static bool expand_sample(const proc *p, const char *sample, char *out, size_t size)
{
    static const char *const names[] = {"app", "doc", "none"};
    const char *values[] = {p->app, p->doc, NONE_UUID};
    size_t o = 0;
    for (const char *s = sample; *s;) {
        if (s[0] == '{' && s[1] == '{') {
            const char *end = strstr(s, "}}");
            if (!end) return false;
            size_t n = (size_t)(end - s - 2);
            const char *v = NULL;
            for (size_t i = 0; i < sizeof names / sizeof *names; i++)
                if (strlen(names[i]) == n && !strncmp(s + 2, names[i], n)) v = values[i];
            if (!v || o + strlen(v) >= size) return false;
            memcpy(out + o, v, strlen(v));
            o += strlen(v);
            s = end + 2;
        } else {
            if (o + 1 >= size) return false;
            out[o++] = *s++;
        }
    }
    out[o] = '\0';
    return true;
}

static const char *code_of(const ht_response *r)
{
    const char *c = json_string_value(json_object_get(r->json, "code"));
    return c ? c : "none";
}

/* Did the answer match what the table says for this caller? */
static void judge(proc *p, const az_expect *e, const char *method, const char *path,
                  const char *who, const char *how, bool allowed, const ht_response *r)
{
    if (!allowed) {
        bool anon = !strcmp(who, "anonymous");
        long want = anon ? 401 : 403;
        const char *want_code = anon ? "auth.required" : "auth.forbidden";
        bool head = !strcmp(method, "HEAD");
        if (r->status != want || (!head && strcmp(code_of(r), want_code)))
            problem(p, "%s %s (%s) as %s%s: not allowed, expected %ld %s, got %ld %s", method, path,
                    e->pattern, who, how, want, want_code, r->status, head ? "" : code_of(r));
        return;
    }
    if (r->status == 401 || r->status == 403 || r->status == 405 || r->status == 415 ||
        r->status >= 500)
        problem(p,
                "%s %s (%s) as %s%s: allowed, expected neither 401/403 nor 405/415/5xx, "
                "got %ld %s",
                method, path, e->pattern, who, how, r->status, code_of(r));
}

/* The walk's world: users of every role signed in (cookie), a Bearer token each, a second
 * manufacturer of another organisation, and a submitted case with its documents and an open
 * information request. */
static bool walk_setup(proc *p)
{
    char email[128], id[64];
    /* Anonymous forms carry the token of their pre-session (issue 18 item 5): the anonymous
     * caller has seen the sign-in page, as a browser has before it posts the form. */
    ht_response pre;
    bool seen = call_as(p, "anonymous", "GET", "/signin", NULL, NULL, NULL, &pre);
    ht_response_free(&pre);
    if (!seen) return false;
    if (!sign_in(p, "admin", ADMIN_EMAIL, ADMIN_PASSWORD, p->csrf[4], sizeof p->csrf[4]))
        return false;
    email_of(p, "maker", email, sizeof email);
    if (!sign_up(p, email, p->maker_id, sizeof p->maker_id) ||
        !sign_in(p, "manufacturer", email, PW, p->csrf[1], sizeof p->csrf[1]))
        return false;
    email_of(p, "other-maker", email, sizeof email);
    if (!sign_up(p, email, id, sizeof id) ||
        !sign_in(p, "other-org", email, PW, p->other_csrf, sizeof p->other_csrf))
        return false;
    email_of(p, "examiner", email, sizeof email);
    if (!make_staff(p, "examiner", email, p->exam_id, sizeof p->exam_id) ||
        !sign_in(p, "examiner", email, PW, p->csrf[2], sizeof p->csrf[2]))
        return false;
    email_of(p, "regulator", email, sizeof email);
    if (!make_staff(p, "regulator", email, id, sizeof id) ||
        !sign_in(p, "regulator", email, PW, p->csrf[3], sizeof p->csrf[3]))
        return false;
    /* One Bearer token per role, made through the API as a client would, with the scopes
     * of its role (a token may do what its user may, within its scopes). */
    static const char *const token_bodies[] = {
        NULL,
        "{\"name\": \"route walk\", \"scopes\": \"read file\"}",
        "{\"name\": \"route walk\", \"scopes\": \"read examine\"}",
        "{\"name\": \"route walk\", \"scopes\": \"read regulate\"}",
        "{\"name\": \"route walk\", \"scopes\": \"read examine\"}",
    };
    for (size_t i = 1; i < N_CALLERS; i++)
        if (!setup(p, callers[i].name, "POST", "/api/v1/tokens", JSON_T, token_bodies[i], 201,
                   "token", p->tokens[i], sizeof p->tokens[i]))
            return false;
    /* A submitted case (readable by its manufacturer, examiners and admins) with an open
     * information request. */
    if (!setup(p, "manufacturer", "POST", APPS, JSON_T, APP_BODY("Walk Router"), 201, "id", p->app,
               sizeof p->app))
        return false;
    static const char *const kinds[] = KINDS_FOR_SUBMIT;
    char path[256], body[1024];
    snprintf(path, sizeof path, APPS "/%s/documents", p->app);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        snprintf(body, sizeof body,
                 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n%s\r\n"
                 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"confidentiality\""
                 "\r\n\r\nconfidential\r\n--" BOUNDARY "\r\nContent-Disposition: form-data;"
                 " name=\"file\"; filename=\"%s.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                 "%%PDF-1.7\n%% walk %s\n%%%%EOF\n\r\n--" BOUNDARY "--\r\n",
                 kinds[k], kinds[k], kinds[k]);
        if (!setup(p, "manufacturer", "POST", path, MP_T, body, 201, "id", k == 0 ? p->doc : id,
                   k == 0 ? sizeof p->doc : sizeof id))
            return false;
    }
    snprintf(path, sizeof path, APPS "/%s/submit", p->app);
    if (!setup(p, "manufacturer", "POST", path, JSON_T, "{}", 200, NULL, NULL, 0)) return false;
    snprintf(path, sizeof path, APPS "/%s/assign", p->app);
    snprintf(body, sizeof body, "{\"examiner_id\": \"%s\"}", p->exam_id);
    if (!setup(p, "examiner", "POST", path, JSON_T, body, 200, NULL, NULL, 0)) return false;
    snprintf(path, sizeof path, APPS "/%s/info-requests", p->app);
    return setup(p, "examiner", "POST", path, JSON_T, "{\"message\": \"Walk: the SR-4 log?\"}", 201,
                 "id", p->rid, sizeof p->rid);
}

/* The smallest acceptable request body for a route; multipart page forms carry the CSRF
 * token as a field, as the browser's form does (csrf may be NULL: not a cookie session). */
static void request_body(az_body kind, const char *csrf, const char **ctype, char *buf, size_t size,
                         const char **body)
{
    minimal_body(kind, ctype, body);
    if (kind == AZ_B_MULTIPART && csrf && csrf[0]) {
        snprintf(buf, size,
                 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                 "%s\r\n%s",
                 csrf, UPLOAD_BODY("other"));
        *body = buf;
    }
}

/* A route's pattern with ids: {id} the case, {doc_id} its document, {rid} its information
 * request (or `none` for all three: ids that name nothing), {req} SR-1, {action} assign. */
static bool case_path(const proc *p, const char *pattern, bool none, char *out, size_t size)
{
    static const char *const names[] = {"id", "doc_id", "rid", "req", "action"};
    const char *values[] = {none ? NONE_UUID : p->app, none ? NONE_UUID : p->doc,
                            none ? NONE_UUID : p->rid, "SR-1", "assign"};
    size_t o = 0;
    for (const char *s = pattern; *s;) {
        if (*s == '{') {
            const char *end = strchr(s, '}');
            if (!end) return false;
            size_t n = (size_t)(end - s - 1);
            const char *v = NULL;
            for (size_t i = 0; i < sizeof names / sizeof *names; i++)
                if (strlen(names[i]) == n && !strncmp(s + 1, names[i], n)) v = values[i];
            if (!v || o + strlen(v) >= size) return false;
            memcpy(out + o, v, strlen(v));
            o += strlen(v);
            s = end + 1;
        } else {
            if (o + 1 >= size) return false;
            out[o++] = *s++;
        }
    }
    out[o] = '\0';
    return true;
}

/* A manufacturer of another organisation on the walk's real case, for every route under a
 * case id that manufacturers may call. With the walk's minimal bodies a handler may refuse
 * the request itself first (422 for a missing field, 428 without the form's version): that
 * is allowed only when ids that name nothing get the very same answer, so the foreign id
 * reveals nothing. Never 403, never 2xx, nothing of the case in the answer; GET pages also
 * as a browser (a text/html 404 page). The strict 404 with well-formed bodies, state by
 * state, is the cross-org table scenario. */
static void other_organisation(proc *p, const az_expect *e)
{
    char path[512], none_path[512], buf[2048];
    if (!(e->allowed & AZ_MAKER) || (strncmp(e->pattern, "/api/v1/applications/{id}", 25) &&
                                     strncmp(e->pattern, "/applications/{id}", 18)))
        return;
    if (!case_path(p, e->pattern, false, path, sizeof path) ||
        !case_path(p, e->pattern, true, none_path, sizeof none_path)) {
        problem(p, "cannot fill in the parameters of %s", e->pattern);
        return;
    }
    const char *ctype, *body;
    request_body(e->body, p->other_csrf, &ctype, buf, sizeof buf, &body);
    static const char *const api[] = {"If-Match: \"1\"", NULL};
    static const char *const browser[] = {"If-Match: \"1\"", "Accept: text/html", NULL};
    bool page = strncmp(path, "/api/", 5) != 0;
    for (int html = 0; html <= (page && !strcmp(e->method, "GET")); html++) {
        ht_response r, unknown;
        const char *const *headers = html ? browser : api;
        if (!call_as(p, "other-org", e->method, path, ctype, body, headers, &r)) {
            ht_response_free(&r);
            continue;
        }
        if (!call_as(p, "other-org", e->method, none_path, ctype, body, headers, &unknown))
            unknown.status = 0;
        const char *ct = ht_response_header(&r, "Content-Type");
        const char *how = html ? " (browser)" : "";
        if (r.status == 403 || (r.status >= 200 && r.status < 300))
            problem(p,
                    "%s %s (%s) as a manufacturer of another organisation%s: expected 404, "
                    "got %ld %s",
                    e->method, path, e->pattern, how, r.status, code_of(&r));
        else if (r.status != 404 &&
                 (r.status != unknown.status || strcmp(code_of(&r), code_of(&unknown))))
            problem(p,
                    "%s %s (%s) as a manufacturer of another organisation%s: got %ld %s, "
                    "but %ld %s for ids that name nothing: the id reveals the case",
                    e->method, path, e->pattern, how, r.status, code_of(&r), unknown.status,
                    code_of(&unknown));
        else if (r.status == 404 && html && (!ct || strncmp(ct, "text/html", 9)))
            problem(p,
                    "%s %s as a browser of another organisation: expected a text/html 404 "
                    "page, got %s",
                    e->method, path, ct ? ct : "no Content-Type");
        if (r.body && (strstr(r.body, "Walk Router") || strstr(r.body, p->app) ||
                       strstr(r.body, "walk outline")))
            problem(p,
                    "%s %s as a manufacturer of another organisation: the answer names the "
                    "case",
                    e->method, path);
        ht_response_free(&r);
        ht_response_free(&unknown);
    }
}

static int route_walk(const ht_options *opts, ht_totals *totals)
{
    proc p;
    proc_init(&p, opts, "authz/route-walk");
    if (!p.client) return proc_finish(&p, totals);
    if (!walk_setup(&p)) return proc_finish(&p, totals);
    char spare_email[N_CALLERS][128];
    for (size_t i = 1; i < N_CALLERS; i++) {
        const char *who = callers[i].name;
        if (!strcmp(who, "admin"))
            snprintf(spare_email[i], sizeof spare_email[i], ADMIN_EMAIL);
        else
            email_of(&p, !strcmp(who, "manufacturer") ? "maker" : who, spare_email[i],
                     sizeof spare_email[i]);
    }
    for (size_t t = 0; t < AZ_TABLE_LEN; t++) {
        const az_expect *e = &az_table[t];
        char path[512], buf[2048];
        if (!expand_sample(&p, e->sample, path, sizeof path)) {
            problem(&p, "table: the sample %s of %s uses an unknown variable", e->sample,
                    e->pattern);
            continue;
        }
        for (size_t c = 0; c < N_CALLERS; c++) {
            const caller *who = &callers[c];
            bool allowed = (e->allowed & who->bit) != 0;
            const char *ctype, *body;
            ht_response r;
            /* Cookie session (or nobody). A call that signs the caller out gets a spare
             * session of the same user (another cookie jar), so the walk keeps its own. */
            const char *actor = who->name, *csrf = c ? p.csrf[c] : NULL;
            char spare_csrf[128];
            if (c > 0 && (e->flags & AZ_ENDS_SESSION) && allowed) {
                actor = "spare";
                csrf = spare_csrf;
                if (!sign_in(&p, actor, spare_email[c],
                             !strcmp(who->name, "admin") ? ADMIN_PASSWORD : PW, spare_csrf,
                             sizeof spare_csrf))
                    continue;
            }
            request_body(e->body, csrf, &ctype, buf, sizeof buf, &body);
            if (call_as(&p, actor, e->method, path, ctype, body, NULL, &r))
                judge(&p, e, e->method, path, who->name, c ? " (cookie)" : "", allowed, &r);
            ht_response_free(&r);
            /* Bearer token: no CSRF token anywhere */
            if (c > 0) {
                char auth[192], actor_b[64];
                snprintf(auth, sizeof auth, "Authorization: Bearer %s", p.tokens[c]);
                snprintf(actor_b, sizeof actor_b, "bearer-%s", who->name);
                const char *headers[] = {auth, NULL};
                request_body(e->body, NULL, &ctype, buf, sizeof buf, &body);
                /* A token never makes tokens (issue 18): 403 for every role. */
                bool mints = !strcmp(e->method, "POST") && !strcmp(e->pattern, "/api/v1/tokens");
                if (call_as(&p, actor_b, e->method, path, ctype, body, headers, &r)) {
                    if (mints && r.status != 403)
                        problem(&p, "POST /api/v1/tokens as %s (Bearer): %ld, expected 403",
                                who->name, r.status);
                    else if (!mints)
                        judge(&p, e, e->method, path, who->name, " (Bearer)", allowed, &r);
                }
                ht_response_free(&r);
            }
            /* HEAD is served by every GET route: the same refusal, without a body. */
            if (!strcmp(e->method, "GET") && !allowed) {
                if (call_as(&p, who->name, "HEAD", path, NULL, NULL, NULL, &r)) {
                    judge(&p, e, "HEAD", path, who->name, c ? " (cookie)" : "", false, &r);
                    if (r.body_len)
                        problem(&p, "HEAD %s as %s: a body of %zu bytes", path, who->name,
                                r.body_len);
                }
                ht_response_free(&r);
            }
        }
        other_organisation(&p, e);
    }
    return proc_finish(&p, totals);
}

/* =========================================================================================
 * 3. Session expiry: the clock moves in the database, the server decides
 * ========================================================================================= */

/* The giteki_session value the last sign-in of `actor` set (base64url, checked). */
static bool sign_in_token(proc *p, const char *actor, const char *email, char *token, size_t size)
{
    char body[512];
    snprintf(body, sizeof body, "{\"email\": \"%s\", \"password\": \"" PW "\"}", email);
    ht_response r;
    bool ok = call_as(p, actor, "POST", "/api/v1/session", JSON_T, body, NULL, &r);
    const char *sc = ok ? ht_response_header(&r, "Set-Cookie") : NULL;
    const char *v = sc ? strstr(sc, "giteki_session=") : NULL;
    size_t n = v ? strcspn(v + 15, ";") : 0;
    if (!ok || r.status != 200 || !v || n == 0 || n >= size) {
        problem(p, "sign in %s: expected 200 with a giteki_session cookie, got %ld", email,
                r.status);
        ht_response_free(&r);
        return false;
    }
    memcpy(token, v + 15, n);
    token[n] = '\0';
    ht_response_free(&r);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)token[i]) && token[i] != '-' && token[i] != '_') {
            problem(p, "the session token is not base64url: cannot name it in SQL");
            return false;
        }
    return true;
}

#define WHERE_TOKEN " WHERE token_hash = sha256(convert_to('%s', 'UTF8'))"

/* `select` (a query on sessions without its WHERE) on the session whose token is `token`
 * (the server stores the SHA-256 of the token). */
static bool session_sql(proc *p, const char *token, const char *select, char *out, size_t out_size)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "%s" WHERE_TOKEN, select, token);
    if (htx_sql(p->opts->database_url, sql, out, out_size) != 0) {
        problem(p, "SQL failed: %s", sql);
        return false;
    }
    return true;
}

/* Every timestamp of the session moved back: `seconds` pass for this session. */
static bool time_passes(proc *p, const char *token, long seconds)
{
    char sql[1024], out[64];
    snprintf(sql, sizeof sql,
             "UPDATE sessions SET created_at = created_at - make_interval(secs => %ld),"
             " last_seen_at = last_seen_at - make_interval(secs => %ld),"
             " idle_expires_at = idle_expires_at - make_interval(secs => %ld),"
             " expires_at = expires_at - make_interval(secs => %ld)" WHERE_TOKEN " RETURNING 1",
             seconds, seconds, seconds, seconds, token);
    if (htx_sql(p->opts->database_url, sql, out, sizeof out) != 0 || strcmp(out, "1")) {
        problem(p, "moving the session's clock by %ld s touched %s rows", seconds,
                out[0] ? out : "no");
        return false;
    }
    return true;
}

/* GET /api/v1/session with the actor's cookie must answer `want`. */
static void expect_session(proc *p, const char *actor, long want, const char *label)
{
    ht_response r;
    if (call_as(p, actor, "GET", "/api/v1/session", NULL, NULL, NULL, &r)) {
        if (r.status != want || (want == 401 && strcmp(code_of(&r), "auth.required")))
            problem(p, "%s: GET /api/v1/session expected %ld, got %ld %s", label, want, r.status,
                    code_of(&r));
    }
    ht_response_free(&r);
}

/* The limits the server gave this session (seconds): idle and absolute. */
static bool limits(proc *p, const char *token, long *idle, long *absolute)
{
    char out[128];
    if (!session_sql(p, token,
                     "SELECT extract(epoch FROM idle_expires_at - last_seen_at)::bigint || ' ' ||"
                     " extract(epoch FROM expires_at - created_at)::bigint FROM sessions",
                     out, sizeof out))
        return false;
    if (sscanf(out, "%ld %ld", idle, absolute) != 2 || *idle < 60 || *absolute < *idle) {
        problem(p, "the session's limits read as \"%s\": expected idle >= 60 s <= absolute", out);
        return false;
    }
    return true;
}

static int idle_expiry(const ht_options *opts, ht_totals *totals)
{
    proc p;
    proc_init(&p, opts, "authz/session-idle-expiry");
    if (!p.client) return proc_finish(&p, totals);
    char email[128], id[64], token[128], out[64];
    long idle, absolute;
    email_of(&p, "idle", email, sizeof email);
    if (!sign_up(&p, email, id, sizeof id) ||
        !sign_in_token(&p, "user", email, token, sizeof token) ||
        !limits(&p, token, &idle, &absolute))
        return proc_finish(&p, totals);
    expect_session(&p, "user", 200, "a fresh session");
    /* a minute short of the idle limit: still signed in, and the use moves the limit */
    if (!time_passes(&p, token, idle - 60)) return proc_finish(&p, totals);
    expect_session(&p, "user", 200, "idle for the limit less a minute");
    char select[256];
    snprintf(select, sizeof select,
             "SELECT idle_expires_at > now() + make_interval(secs => %ld)"
             " AND last_seen_at > now() - interval '1 minute' FROM sessions",
             idle - 30);
    if (session_sql(&p, token, select, out, sizeof out) && strcmp(out, "t"))
        problem(&p, "using the session did not move its idle expiry forward (%s)", out);
    /* now longer than the idle limit since that use */
    if (!time_passes(&p, token, idle + 60)) return proc_finish(&p, totals);
    expect_session(&p, "user", 401, "idle for the limit and a minute");
    ht_response r;
    if (call_as(&p, "user", "GET", "/applications", NULL, NULL, NULL, &r) && r.status != 401)
        problem(&p, "an idle-expired cookie on GET /applications: expected 401, got %ld", r.status);
    ht_response_free(&r);
    /* A new sign-in works (the account is fine, only the session ended). */
    if (sign_in_token(&p, "user", email, token, sizeof token))
        expect_session(&p, "user", 200, "signed in again");
    return proc_finish(&p, totals);
}

static int absolute_expiry(const ht_options *opts, ht_totals *totals)
{
    proc p;
    proc_init(&p, opts, "authz/session-absolute-expiry");
    if (!p.client) return proc_finish(&p, totals);
    char email[128], id[64], token[128], out[64], sql[1024];
    long idle, absolute;
    email_of(&p, "absolute", email, sizeof email);
    if (!sign_up(&p, email, id, sizeof id) ||
        !sign_in_token(&p, "user", email, token, sizeof token) ||
        !limits(&p, token, &idle, &absolute))
        return proc_finish(&p, totals);
    /* A session begun two minutes short of the absolute limit and used all along, last a
     * minute ago (the server records a use only when the last is over 15 s old), its idle
     * expiry as the server sets it: never past the absolute one. */
    snprintf(sql, sizeof sql,
             "UPDATE sessions SET created_at = now() - make_interval(secs => %ld),"
             " expires_at = now() + interval '120 seconds',"
             " last_seen_at = now() - interval '60 seconds',"
             " idle_expires_at = LEAST(now() + make_interval(secs => %ld - 60),"
             " now() + interval '120 seconds')" WHERE_TOKEN " RETURNING 1",
             absolute - 120, idle, token);
    if (htx_sql(opts->database_url, sql, out, sizeof out) != 0 || strcmp(out, "1")) {
        problem(&p, "could not age the session (%s)", out);
        return proc_finish(&p, totals);
    }
    expect_session(&p, "user", 200, "in use, two minutes before the absolute limit");
    /* The use was recorded, and did not push the idle expiry past the absolute one. */
    if (session_sql(&p, token,
                    "SELECT last_seen_at > now() - interval '30 seconds' AND"
                    " idle_expires_at <= expires_at AND expires_at < now() + interval"
                    " '121 seconds' FROM sessions",
                    out, sizeof out) &&
        strcmp(out, "t"))
        problem(&p,
                "the use was not recorded, or moved the expiry past the absolute limit "
                "(%s)",
                out);
    /* three minutes later (well inside the idle limit) */
    if (!time_passes(&p, token, 180)) return proc_finish(&p, totals);
    expect_session(&p, "user", 401, "used three minutes ago, past the absolute limit");
    return proc_finish(&p, totals);
}

int ht_authz_checks(const ht_options *opts, ht_totals *totals)
{
    int rc = 0;
    if (htx_selected(opts, "authz", "route-walk")) rc |= route_walk(opts, totals);
    if (htx_selected(opts, "authz", "session-idle-expiry")) rc |= idle_expiry(opts, totals);
    if (htx_selected(opts, "authz", "session-absolute-expiry")) rc |= absolute_expiry(opts, totals);
    return rc;
}
