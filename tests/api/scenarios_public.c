/* Public reads (issue 18 item 4, issue 21): one public projection of a certificate on every
 * public surface, the cache of public records invalidated on a change, HTTP validators.
 *
 * Fixture: two pre-existing certificates imported by the admin (body code 961, maker
 * "Quillon Public Test" that nothing else uses); one is suspended with a public reason and an
 * order reference. The admin's user id is captured: it is the actor of the import and of the
 * suspension, and must appear on no anonymous surface (JSON, HTML page, Atom feed, CSV, JSON
 * and XML exports), nor may application_id, organization_id, actor_id or actor_name.
 *
 * ht_public_checks (after the tables) changes a certificate's status with SQL straight in
 * the database (htx_sql), as another server instance or an operator would: the next public
 * read must show it (the NOTIFY of schema/0024_fast_reads.sql reached the cache). */
#include "harness.h"
#include "harness_ext.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define JSON_T "application/json"

#define FIXTURE_CSV                                                                                \
    "number,route,category,manufacturer,model_name,type_name,granted_on\r\n"                       \
    "D20-0001961,conformity,router,Quillon Public Test,QP-1,,2020-06-01\r\n"                       \
    "D21-0001961,conformity,router,Quillon Public Test,QP-2,,2021-06-01\r\n"                       \
    "D21-0002961,conformity,router,Quillon Public Test,QP-3,,2021-07-01\r\n"

#define CERT "/api/v1/certificates/D21-0001961"
#define NO_STAFF_FIELDS                                                                            \
    BODY_LACKS("{{admin}}"), BODY_LACKS("application_id"), BODY_LACKS("organization_id"),          \
        BODY_LACKS("actor_id"), BODY_LACKS("actor_name")

static const ht_step projection[] = {
    {.name = "sign in the admin",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = "{\"email\": \"" ADMIN_EMAIL "\", \"password\": \"" ADMIN_PASSWORD "\"}",
     .expect_status = 200,
     .captures = {CAPTURE_JSON("admin", "user.id")}},
    {.name = "import three certificates",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = "text/csv",
     .body = FIXTURE_CSV,
     .expect_status = 200,
     .checks = {JSON_EQ("imported", "3")}},
    {.name = "suspend one with a public reason and an order",
     .actor = "admin",
     .method = "POST",
     .path = CERT "/suspend",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Quillon public reason\", \"order_reference\": \"総基電第961号\"}",
     .expect_status = 200},
    {.name = "the anonymous certificate JSON is the public projection",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .expect_content_type = JSON_T,
     .checks = {JSON_STR("number", "D21-0001961"), JSON_STR("status", "suspended"),
                JSON_FIND("events", "event=\"suspend\"", "reason=\"Quillon public reason\""),
                JSON_FIND("events", "event=\"suspend\"", "order_reference=\"総基電第961号\""),
                JSON_FIND("events", "event=\"import\"", "at"), NO_STAFF_FIELDS}},
    {.name = "the anonymous certificate page carries none of the staff fields",
     .method = "GET",
     .path = "/certificates/D21-0001961?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("Quillon public reason"), BODY_HAS("総基電第961号"),
                BODY_LACKS("{{admin}}")}},
    {.name = "the Atom feed carries none of them",
     .method = "GET",
     .path = "/api/v1/feed.atom?limit=100",
     .expect_status = 200,
     .checks = {BODY_HAS("D21-0001961"), NO_STAFF_FIELDS}},
    {.name = "the CSV export carries none of them",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=csv&q=quillon",
     .expect_status = 200,
     .checks = {BODY_HAS("D21-0001961"), NO_STAFF_FIELDS, HEADER_HAS("Cache-Control", "public")}},
    {.name = "the XML export carries none of them",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=xml&q=quillon",
     .expect_status = 200,
     .checks = {BODY_HAS("D21-0001961"), NO_STAFF_FIELDS}},
    {.name = "the JSON export carries none of them",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=json&q=quillon",
     .expect_status = 200,
     .checks = {BODY_HAS("D21-0001961"), NO_STAFF_FIELDS}},
    {.name = "staff get the extended view, never stored by shared caches",
     .actor = "admin",
     .method = "GET",
     .path = CERT,
     .expect_status = 200,
     .checks = {JSON_FIND("events", "event=\"suspend\"", "actor_id=\"{{admin}}\""),
                JSON_PRESENT("application_id"), HEADER_EQ("Cache-Control", "no-store")}},
};

static const ht_step validators[] = {
    {.name = "a public certificate has validators and may be cached by anyone",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961",
     .expect_status = 200,
     .checks = {HEADER_PRESENT("ETag"), HEADER_PRESENT("Last-Modified"),
                HEADER_HAS("Cache-Control", "public"),
                HEADER_HAS("Cache-Control", "stale-while-revalidate=")},
     .captures = {CAPTURE_HEADER("etag", "ETag"), CAPTURE_HEADER("lm", "Last-Modified")}},
    {.name = "If-None-Match with that ETag: 304, no body",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961",
     .headers = {"If-None-Match: {{etag}}"},
     .expect_status = 304,
     .checks = {BODY_EMPTY(), HEADER_EQ("ETag", "{{etag}}")}},
    {.name = "If-None-Match in a list, weak: 304",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961",
     .headers = {"If-None-Match: \"nope\", W/{{etag}}"},
     .expect_status = 304},
    {.name = "If-Modified-Since the Last-Modified: 304",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961",
     .headers = {"If-Modified-Since: {{lm}}"},
     .expect_status = 304},
    {.name = "another ETag: the record",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961",
     .headers = {"If-None-Match: \"other\""},
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted")}},
    {.name = "the anonymous page has validators too",
     .method = "GET",
     .path = "/certificates/D20-0001961",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {HEADER_PRESENT("ETag"), HEADER_HAS("Cache-Control", "public")},
     .captures = {CAPTURE_HEADER("page_etag", "ETag")}},
    {.name = "the page revalidates: 304",
     .method = "GET",
     .path = "/certificates/D20-0001961",
     .headers = {"Accept: text/html", "If-None-Match: {{page_etag}}"},
     .expect_status = 304},
    {.name = "the mark is cacheable",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961/mark.svg",
     .expect_status = 200,
     .checks = {HEADER_PRESENT("ETag"), HEADER_HAS("Cache-Control", "public")},
     .captures = {CAPTURE_HEADER("mark_etag", "ETag")}},
    {.name = "the mark revalidates: 304",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961/mark.svg",
     .headers = {"If-None-Match: {{mark_etag}}"},
     .expect_status = 304},
    {.name = "the feed is cacheable",
     .method = "GET",
     .path = "/api/v1/feed.atom",
     .expect_status = 200,
     .checks = {HEADER_PRESENT("ETag"), HEADER_HAS("Cache-Control", "public")}},
};

/* A status change through the API is visible on the very next public read: the cache entry
 * read before it does not survive it. */
static const ht_step invalidation[] = {
    {.name = "sign in the admin",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/session",
     .content_type = JSON_T,
     .body = "{\"email\": \"" ADMIN_EMAIL "\", \"password\": \"" ADMIN_PASSWORD "\"}",
     .expect_status = 200},
    {.name = "read (and cache) a granted certificate",
     .method = "GET",
     .path = "/api/v1/certificates/D21-0002961",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted")},
     .captures = {CAPTURE_HEADER("etag", "ETag")}},
    {.name = "read it again (from the cache)",
     .method = "GET",
     .path = "/api/v1/certificates/D21-0002961",
     .expect_status = 200,
     .checks = {JSON_STR("status", "granted"), HEADER_EQ("ETag", "{{etag}}")}},
    {.name = "suspend it through the API",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/D21-0002961/suspend",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Quillon cache test\"}",
     .expect_status = 200},
    {.name = "the next public read shows the suspension",
     .method = "GET",
     .path = "/api/v1/certificates/D21-0002961",
     .expect_status = 200,
     .checks = {JSON_STR("status", "suspended"), HEADER_NE("ETag", "{{etag}}"),
                JSON_FIND("events", "event=\"suspend\"", "reason=\"Quillon cache test\"")}},
    {.name = "the old ETag no longer matches",
     .method = "GET",
     .path = "/api/v1/certificates/D21-0002961",
     .headers = {"If-None-Match: {{etag}}"},
     .expect_status = 200,
     .checks = {JSON_STR("status", "suspended")}},
    {.name = "the page shows it too",
     .method = "GET",
     .path = "/certificates/D21-0002961?lang=en",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_HAS("Quillon cache test")}},
};

/* Search (issue 21): text is compared normalised on both sides (NFKC: full-width letters,
 * case), and the maker can be named whole (holder=, exact once normalised). */
static const ht_step search[] = {
    {.name = "holder: the maker's whole name, any case",
     .method = "GET",
     .path = "/api/v1/certificates?holder=quillon%20PUBLIC%20test",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 3), JSON_STR("items[0].number", "D21-0002961")}},
    {.name = "holder is exact: a part of the name finds nothing",
     .method = "GET",
     .path = "/api/v1/certificates?holder=quillon",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 0)}},
    {.name = "q typed in full-width letters finds the half-width name",
     .method = "GET",
     .path =
         "/api/v1/certificates?q=%EF%BC%B1%EF%BC%B5%EF%BC%A9%EF%BC%AC%EF%BC%AC%EF%BC%AF%EF%BC%AE",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 3)}},
    {.name = "manufacturer in full-width lower case finds it too",
     .method = "GET",
     .path =
         "/api/v1/certificates?manufacturer=%EF%BD%91%EF%BD%95%EF%BD%89%EF%BD%8C%EF%BD%8C%EF%BD%8F%EF%BD%8E",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 3)}},
    {.name = "holder pages by keyset like every filter",
     .method = "GET",
     .path = "/api/v1/certificates?holder=Quillon%20Public%20Test&limit=2",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2), JSON_TYPE("next", "string")},
     .captures = {CAPTURE_JSON("next", "next")}},
    {.name = "the next page",
     .method = "GET",
     .path = "/api/v1/certificates?holder=Quillon%20Public%20Test&limit=2&after={{next}}",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].number", "D20-0001961"),
                JSON_EQ("next", "null")}},
    /* The same filters again with other values: the statement prepared for this shape of
     * query (server/db/certificate_search.c) answers for the values of each request. */
    {.name = "holder and status: the suspended one",
     .method = "GET",
     .path = "/api/v1/certificates?holder=Quillon%20Public%20Test&status=suspended",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].number", "D21-0001961")}},
    {.name = "the same shape with another status",
     .method = "GET",
     .path = "/api/v1/certificates?holder=Quillon%20Public%20Test&status=granted",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2), JSON_STR("items[0].number", "D21-0002961")}},
    {.name = "and with a holder that has none",
     .method = "GET",
     .path = "/api/v1/certificates?holder=Nobody%20Public%20Test&status=granted",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 0)}},
    {.name = "the CSV export takes the holder filter",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=csv&holder=quillon%20public%20test",
     .expect_status = 200,
     .checks = {BODY_HAS("D20-0001961"), BODY_HAS("D21-0002961"),
                BODY_HAS(
                    "\r\nD21-0001961,conformity,router,Quillon Public Test,QP-2,,2021-06-01,")}},
};

/* /metrics (issue 21): the cache of public records reports its hits, misses, size and the
 * invalidations (the suspension of the projection scenario dropped an entry). */
static const ht_step cache_metrics[] = {
    {.name = "a certificate read",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961",
     .expect_status = 200},
    {.name = "read again (from the cache)",
     .method = "GET",
     .path = "/api/v1/certificates/D20-0001961",
     .expect_status = 200},
    {.name = "the metrics show the cache",
     .method = "GET",
     .path = "/metrics",
     .expect_status = 200,
     .checks = {BODY_MATCH("\ngiteki_cert_cache_hits_total [1-9][0-9]*\n"),
                BODY_MATCH("\ngiteki_cert_cache_misses_total [1-9][0-9]*\n"),
                BODY_MATCH("\ngiteki_cert_cache_entries [1-9][0-9]*\n"),
                BODY_MATCH("\ngiteki_cert_cache_bytes [1-9][0-9]*\n"),
                BODY_MATCH("\ngiteki_cert_cache_evictions_total [0-9]+\n"),
                BODY_MATCH("\ngiteki_cert_cache_invalidations_total\\{kind=\"entry\"\\} "
                           "[1-9][0-9]*\n"),
                BODY_MATCH("\ngiteki_cert_cache_invalidations_total\\{kind=\"all\"\\} "
                           "[1-9][0-9]*\n"),
                BODY_HAS("# TYPE giteki_cert_cache_hits_total counter\n")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("projection", projection),       HT_SCENARIO("search", search),
    HT_SCENARIO("validators", validators),       HT_SCENARIO("invalidation", invalidation),
    HT_SCENARIO("cache_metrics", cache_metrics),
};

const ht_group ht_group_public = {"public", scenarios, HT_COUNT(scenarios)};

/* ---- procedural: a change made in the database reaches the cache ------------------------- */

static int failures;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL public/procedural: ");                                                    \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static const char *status_of(ht_client *c, const char *path, ht_response *r)
{
    ht_request req = {.method = "GET", .path = path};
    if (ht_send(c, "anon", &req, r) != 0 || r->status != 200) return "";
    const char *s = json_string_value(json_object_get(r->json, "status"));
    return s ? s : "";
}

int ht_public_checks(const ht_options *opts)
{
    if (!opts->database_url) {
        printf("skip public/procedural: no --database-url\n");
        return 0;
    }
    ht_client *c = ht_client_new(opts->base_url);
    if (!c) return 1;
    failures = 0;
    const char *path = "/api/v1/certificates/D20-0001961";
    ht_response r = {0};
    /* Twice: the second read is served by the cache. */
    EXPECT(!strcmp(status_of(c, path, &r), "granted"), "D20-0001961 is not granted at first");
    ht_response_free(&r);
    EXPECT(!strcmp(status_of(c, path, &r), "granted"), "D20-0001961 is not granted (cached)");
    ht_response_free(&r);
    char out[64];
    EXPECT(htx_sql(opts->database_url,
                   "UPDATE certificates SET status = 'revoked', status_changed_on ="
                   " greatest(status_changed_on, (now() AT TIME ZONE 'Asia/Tokyo')::date)"
                   " WHERE number = 'D20-0001961' AND status = 'granted'; SELECT 1",
                   out, sizeof out) == 0,
           "cannot revoke D20-0001961 in SQL");
    /* The notification leaves when the UPDATE commits; the listening backend and our listener
     * thread must be scheduled before it lands, so on a busy machine a read right after may
     * still be served from the cache: up to 3 s of grace, then a stale answer fails. */
    const char *s = status_of(c, path, &r);
    for (int i = 0; i < 30 && strcmp(s, "revoked"); i++) {
        ht_response_free(&r);
        usleep(100000);
        s = status_of(c, path, &r);
    }
    EXPECT(!strcmp(s, "revoked"), "after an UPDATE in SQL the public read says \"%s\"", s);
    ht_response_free(&r);
    /* The same under session_replication_role = replica (ordinary triggers off). */
    EXPECT(htx_sql(opts->database_url,
                   "SET session_replication_role = replica; UPDATE certificates SET model_name ="
                   " model_name || ' CHANGED' WHERE number = 'D20-0001961'; SELECT 1",
                   out, sizeof out) == 0,
           "cannot change D20-0001961 in SQL");
    ht_request req = {.method = "GET", .path = path};
    const char *model = "";
    for (int i = 0; i < 30; i++) {
        if (i) usleep(100000);
        ht_response_free(&r);
        if (ht_send(c, "anon", &req, &r) == 0 && r.status == 200)
            model = json_string_value(json_object_get(r.json, "model_name"));
        if (model && !strcmp(model, "QP-1 CHANGED")) break;
    }
    EXPECT(model && !strcmp(model, "QP-1 CHANGED"),
           "a change under session_replication_role = replica is not seen: model \"%s\"",
           model ? model : "");
    ht_response_free(&r);
    EXPECT(htx_sql(opts->database_url,
                   "SET session_replication_role = replica; UPDATE certificates SET model_name ="
                   " 'QP-1' WHERE number = 'D20-0001961'; SELECT 1",
                   out, sizeof out) == 0,
           "cannot restore D20-0001961");
    ht_client_free(c);
    printf("%s public/procedural (a change in SQL reaches the cache through NOTIFY)\n",
           failures ? "FAIL" : "ok  ");
    return failures ? 1 : 0;
}
