/* The Common Criteria registry over HTTP (api.md "Common Criteria registry"): an examiner
 * imports a CC Portal CSV (a broken line in the middle is reported with its number while
 * the rest imports), the public lists and reads the certificates with CCRA recognition and
 * validity on a date, a re-import changes nothing, a newer file updates what changed; who
 * may import; refused headers, queries and media types.
 *
 * Fixture: the first admin (see scenarios_accounts.c) creates the examiners. Product names
 * carry a prefix per scenario, so scenarios do not see each other's certificates. */
#include "harness.h"
#include "mail_steps.h"

#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define STAFF_PW "correct horse battery staple"
#define JSON_T "application/json"
#define CSV_T "text/csv"
#define IMPORT "/api/v1/cc-certificates/import"
#define LIST "/api/v1/cc-certificates"

#define HEADER                                                                                     \
    "\"Category\",\"Name\",\"Manufacturer\",\"Scheme\",\"Assurance Level\","                       \
    "\"Protection Profile(s)\",\"Certification Date\",\"Archived Date\","                          \
    "\"Certification Report URL\",\"Security Target URL\",\"Maintenance Date\","                   \
    "\"Maintenance Title\",\"Maintenance Report\",\"Maintenance ST\"\r\n"
#define URL "https://www.commoncriteriaportal.org/files/epfiles/"

/* Router A: cPP, with one maintenance update (a repeated base row). */
#define ROUTER_A(arch)                                                                             \
    "\"Network and Network-Related Devices and Systems\",\"APITEST-1 Alpha Router&reg; "           \
    "v3.1\",\"Example Networks, Inc.\",\"JP\",\"PP Compliant\",\"collaborative Protection "        \
    "Profile for Network Devices, Version 2.2e\",\"04/01/2021\",\"" arch "\",\"" URL               \
    "a-cr.pdf\",\"" URL "a-st.pdf\",\"\",\"\",\"\",\"\"\r\n"
#define ROUTER_A_MAINT(arch)                                                                       \
    "\"Network and Network-Related Devices and Systems\",\"APITEST-1 Alpha Router&reg; "           \
    "v3.1\",\"Example Networks, Inc.\",\"JP\",\"PP Compliant\",\"collaborative Protection "        \
    "Profile for Network Devices, Version 2.2e\",\"04/01/2021\",\"" arch "\",\"" URL               \
    "a-cr.pdf\",\"" URL "a-st.pdf\",\"10/15/2022\",\"Alpha Router v3.2 &amp; v3.3\",\"" URL        \
    "a-ma1.pdf\",\"\"\r\n"
/* Camera B: EAL4+ without a cPP (recognised only up to EAL2). */
#define CAMERA_B                                                                                   \
    "\"Other Devices and Systems\",\"APITEST-1 Beta Camera\",\"Kobe Denki K.K.\",\"DE\","          \
    "\"EAL4+ ALC_FLR.2\",\"\",\"6/30/2020\",\"6/30/2025\",\"" URL "b-cr.pdf\",\"\",\"\","          \
    "\"\",\"\",\"\"\r\n"
#define CAMERA_B_MAINT                                                                             \
    "\"Other Devices and Systems\",\"APITEST-1 Beta Camera\",\"Kobe Denki K.K.\",\"DE\","          \
    "\"EAL4+ ALC_FLR.2\",\"\",\"6/30/2020\",\"6/30/2025\",\"" URL "b-cr.pdf\",\"\","               \
    "\"01/10/2023\",\"Beta Camera firmware 2.0\",\"\",\"\"\r\n"
#define GAMMA_C                                                                                    \
    "\"Databases\",\"APITEST-1 Gamma DB\",\"Gamma &amp; Co\",\"US\",\"EAL2\",\"\","                \
    "\"02/02/2024\",\"02/02/2029\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n"
#define BROKEN_LINE                                                                                \
    "\"Databases\",\"APITEST-1 Broken\",\"Nobody\",\"US\",\"EAL2\",\"\",\"31/12/2021\","           \
    "\"\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n"

/* Line 2-3: Router A (two rows), line 4: broken (day 31 as a month), line 5: Camera B. */
#define FILE_V1 HEADER ROUTER_A("04/01/2026") ROUTER_A_MAINT("04/01/2026") BROKEN_LINE CAMERA_B
/* A newer list: Router A's end date moved, Camera B gained a maintenance update, Gamma is new. */
#define FILE_V2                                                                                    \
    HEADER ROUTER_A("04/01/2027") ROUTER_A_MAINT("04/01/2027") CAMERA_B CAMERA_B_MAINT GAMMA_C

#define SIGNIN(actor_, email, password)                                                            \
    {                                                                                              \
        .name = "sign in " email, .actor = actor_, .method = "POST", .path = "/api/v1/session",    \
        .content_type = JSON_T,                                                                    \
        .body = "{\"email\": \"" email "\", \"password\": \"" password "\"}",                      \
        .expect_status = 200, .expect_content_type = JSON_T                                        \
    }
#define NEW_EXAMINER(email)                                                                        \
    {                                                                                              \
        .name = "admin creates examiner " email, .actor = "admin", .method = "POST",               \
        .path = "/api/v1/users", .content_type = JSON_T,                                           \
        .body = "{\"email\": \"" email "\", \"password\": \"" STAFF_PW "\", \"name\": \"CC "       \
                "Examiner\", \"role\": \"examiner\"}",                                             \
        .expect_status = 201                                                                       \
    }
#define REPORT(imp, upd, unch, nrej)                                                               \
    JSON_EQ("imported", #imp), JSON_EQ("updated", #upd), JSON_EQ("unchanged", #unch),              \
        JSON_LEN("rejected", nrej), JSON_EQ("rejected_total", #nrej)

static const ht_step import_and_read[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    NEW_EXAMINER("cc-examiner1@giteki.test"),
    SIGNIN("examiner", "cc-examiner1@giteki.test", STAFF_PW),
    {.name = "import: the broken line 4 is reported, the rest imports",
     .actor = "examiner",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = FILE_V1,
     .expect_status = 200,
     .expect_content_type = JSON_T,
     .checks = {REPORT(2, 0, 0, 1), JSON_EQ("rejected[0].line", "4"),
                JSON_STR("rejected[0].code", "bad_date"),
                JSON_STR("rejected[0].column", "Certification Date"),
                JSON_TYPE("rejected[0].reason", "string")}},
    {.name = "the public searches by name",
     .method = "GET",
     .path = LIST "?q=apitest-1",
     .expect_status = 200,
     .expect_content_type = JSON_T,
     .checks = {JSON_LEN("items", 2), JSON_EQ("next", "null"),
                JSON_STR("items[0].name", "APITEST-1 Alpha Router\u00ae v3.1"),
                JSON_STR("items[1].name", "APITEST-1 Beta Camera"),
                JSON_EQ("items[0].ccra_recognised", "true")},
     .captures = {CAPTURE_JSON("a", "items[0].id"), CAPTURE_JSON("b", "items[1].id")}},
    {.name = "search by manufacturer and scheme",
     .method = "GET",
     .path = LIST "?q=kobe%20denki&scheme=de&status=active",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].name", "APITEST-1 Beta Camera")}},
    {.name = "Router A: cPP recognised, valid in 2024, one maintenance update",
     .method = "GET",
     .path = LIST "/{{a}}?on=2024-01-01",
     .expect_status = 200,
     .expect_content_type = JSON_T,
     .checks = {JSON_STR("manufacturer", "Example Networks, Inc."), JSON_STR("scheme", "JP"),
                JSON_STR("certified_on", "2021-04-01"), JSON_STR("valid_until", "2026-04-01"),
                JSON_STR("status", "active"),
                JSON_EQ("protection_profiles",
                        "[\"collaborative Protection Profile for Network Devices, Version 2.2e\"]"),
                JSON_EQ("ccra_recognised", "true"), JSON_STR("ccra_reason", "cpp"),
                JSON_EQ("valid_on_date", "true"), JSON_LEN("maintenance_updates", 1),
                JSON_STR("maintenance_updates[0].date", "2022-10-15"),
                JSON_STR("maintenance_updates[0].title", "Alpha Router v3.2 & v3.3")}},
    {.name = "Router A on its end date: no longer valid",
     .method = "GET",
     .path = LIST "/{{a}}?on=2026-04-01",
     .expect_status = 200,
     .checks = {JSON_EQ("valid_on_date", "false"), JSON_STR("validity", "past_end_date")}},
    {.name = "Camera B: EAL4+ without cPP counts as EAL2",
     .method = "GET",
     .path = LIST "/{{b}}?on=2021-01-01",
     .expect_status = 200,
     .checks = {JSON_STR("assurance_level", "EAL4+ ALC_FLR.2"), JSON_EQ("ccra_recognised", "true"),
                JSON_STR("ccra_reason", "capped_to_eal2"), JSON_EQ("valid_on_date", "true"),
                JSON_EQ("maintenance_updates", "[]")}},
    {.name = "re-importing the same file changes nothing",
     .actor = "examiner",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = FILE_V1,
     .expect_status = 200,
     .checks = {REPORT(0, 0, 2, 1)}},
    {.name = "a newer file: one new, two updated",
     .actor = "examiner",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = FILE_V2,
     .expect_status = 200,
     .checks = {REPORT(1, 2, 0, 0)}},
    {.name = "Router A has its new end date",
     .method = "GET",
     .path = LIST "/{{a}}?on=2026-04-01",
     .expect_status = 200,
     .checks = {JSON_STR("valid_until", "2027-04-01"), JSON_EQ("valid_on_date", "true"),
                JSON_LEN("maintenance_updates", 1)}},
    {.name = "Camera B has its maintenance update",
     .method = "GET",
     .path = LIST "/{{b}}",
     .expect_status = 200,
     .checks = {JSON_LEN("maintenance_updates", 1),
                JSON_STR("maintenance_updates[0].title", "Beta Camera firmware 2.0")}},
    {.name = "the newer file again: nothing changes",
     .actor = "examiner",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = FILE_V2,
     .expect_status = 200,
     .checks = {REPORT(0, 0, 3, 0)}},
};

#define ARCHIVED_ROW                                                                               \
    "\"Operating Systems\",\"APITEST-2 Old OS\",\"Legacy Soft\",\"US\",\"PP Compliant\","          \
    "\"Protection Profile for General Purpose Operating Systems, Version 4.1\","                   \
    "\"10/01/2017\",\"09/30/2022\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n"

static const ht_step archived_list[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "the admin imports the archived list",
     .actor = "admin",
     .method = "POST",
     .path = IMPORT "?status=archived",
     .content_type = CSV_T,
     .body = HEADER ARCHIVED_ROW,
     .expect_status = 200,
     .checks = {REPORT(1, 0, 0, 0)}},
    {.name = "listed as archived",
     .method = "GET",
     .path = LIST "?q=APITEST-2&status=archived",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].status", "archived"),
                JSON_EQ("items[0].valid_on_date", "false")},
     .captures = {CAPTURE_JSON("id", "items[0].id")}},
    {.name = "valid before its archiving date, not after",
     .method = "GET",
     .path = LIST "/{{id}}?on=2020-01-01",
     .expect_status = 200,
     .checks = {JSON_EQ("valid_on_date", "true")}},
    {.name = "archived on the date",
     .method = "GET",
     .path = LIST "/{{id}}?on=2022-09-30",
     .expect_status = 200,
     .checks = {JSON_EQ("valid_on_date", "false"), JSON_STR("validity", "archived")}},
    {.name = "an unknown list: 400 naming status",
     .actor = "admin",
     .method = "POST",
     .path = IMPORT "?status=expired",
     .content_type = CSV_T,
     .body = HEADER ARCHIVED_ROW,
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_STR("errors[0].field", "status")}},
};

static const ht_step pagination[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "three certificates",
     .actor = "admin",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = HEADER
     "\"Databases\",\"APITEST-3 A\",\"P\",\"US\",\"EAL2\",\"\",\"1/1/2024\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n"
     "\"Databases\",\"APITEST-3 B\",\"P\",\"US\",\"EAL2\",\"\",\"1/1/2024\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n"
     "\"Databases\",\"APITEST-3 C\",\"P\",\"US\",\"EAL2\",\"\",\"1/1/2024\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n",
     .expect_status = 200,
     .checks = {REPORT(3, 0, 0, 0)}},
    {.name = "page 1",
     .method = "GET",
     .path = LIST "?q=APITEST-3&limit=2",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2), JSON_STR("items[0].name", "APITEST-3 A"),
                JSON_STR("items[1].name", "APITEST-3 B"), JSON_TYPE("next", "string")},
     .captures = {CAPTURE_JSON("next", "next")}},
    {.name = "page 2 from the cursor",
     .method = "GET",
     .path = LIST "?q=APITEST-3&limit=2&after={{next}}",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].name", "APITEST-3 C"),
                JSON_EQ("next", "null")}},
};

static const ht_step refused[] = {
    {.name = "anonymous import: 401",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = FILE_V1,
     .expect_status = 401,
     .expect_code = "auth.required"},
    {.name = "a manufacturer signs up",
     .actor = "maker",
     .method = "POST",
     .path = "/api/v1/signup",
     .content_type = JSON_T,
     .body = "{\"organization\": {\"name\": \"CC Maker\", \"representative\": \"Taro\"},"
             " \"user\": {\"email\": \"cc-maker@acme.test\", \"password\": \"" STAFF_PW "\","
             " \"name\": \"Maker\"}}",
     .expect_status = 202},
    VERIFY_MAIL("cc-maker@acme.test"),
    SIGNIN("maker", "cc-maker@acme.test", STAFF_PW),
    {.name = "manufacturer import: 403",
     .actor = "maker",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = FILE_V1,
     .expect_status = 403,
     .expect_code = "auth.forbidden"},
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "a header that is not the portal's: 422 naming the columns",
     .actor = "admin",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = "Category,Name,Vendor,Scheme\r\nx,y,z,US\r\n",
     .headers = {"Accept-Language: en"},
     .expect_status = 422,
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[0].field", "header"), JSON_EQ("errors[0].line", "1"),
                BODY_HAS("Missing columns: Manufacturer, Assurance Level"),
                BODY_HAS("Unexpected columns: Vendor")}},
    {.name = "an empty body: 422 header missing",
     .actor = "admin",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = "",
     .expect_status = 422,
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[0].field", "header")}},
    {.name = "JSON instead of CSV: 415",
     .actor = "admin",
     .method = "POST",
     .path = IMPORT,
     .content_type = JSON_T,
     .body = "{}",
     .expect_status = 415},
    {.name = "limit out of range: 400 naming limit",
     .method = "GET",
     .path = LIST "?limit=501",
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_STR("errors[0].field", "limit")}},
    {.name = "a cursor we did not make: 400 naming after",
     .method = "GET",
     .path = LIST "?after=bm90LWEtY3Vyc29y",
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_STR("errors[0].field", "after")}},
    {.name = "a bad scheme: 400",
     .method = "GET",
     .path = LIST "?scheme=Japan",
     .expect_status = 400,
     .checks = {JSON_STR("errors[0].field", "scheme")}},
    {.name = "a bad date: 400 naming on",
     .method = "GET",
     .path = LIST "/00000000-0000-0000-0000-000000000000?on=2024-02-30",
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_STR("errors[0].field", "on")}},
    {.name = "unknown id: 404",
     .method = "GET",
     .path = LIST "/00000000-0000-0000-0000-000000000000",
     .expect_status = 404,
     .expect_code = "resource.not_found"},
    {.name = "not a UUID: 404",
     .method = "GET",
     .path = LIST "/not-an-id",
     .expect_status = 404,
     .expect_code = "resource.not_found"},
};

static const ht_step pages[] = {
    {.name = "the search page",
     .method = "GET",
     .path = "/cc-certificates?q=APITEST",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("<form"), BODY_HAS("name=\"q\"")}},
    {.name = "the import page needs a sign-in",
     .method = "GET",
     .path = "/cc-certificates/import",
     .expect_status = 401},
};

/* Issue 15: CCRA recognition is information, not the equivalence test (decided per
 * requirement): the JSON and the page say so. */
#define CCRA_ROW                                                                                   \
    "\"Network Devices\",\"APITEST-3 Router OS\",\"Info Nets\",\"JP\",\"EAL4+ ALC_FLR.2\","        \
    "\"None\",\"04/01/2024\",\"04/01/2099\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n"
static const ht_step ccra_information[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "the admin imports an EAL4 router",
     .actor = "admin",
     .method = "POST",
     .path = IMPORT,
     .content_type = CSV_T,
     .body = HEADER CCRA_ROW,
     .expect_status = 200},
    {.name = "the JSON labels CCRA recognition as information",
     .method = "GET",
     .path = LIST "?q=APITEST-3",
     .headers = {"Accept-Language: en"},
     .expect_status = 200,
     .checks = {JSON_EQ("items[0].ccra_information_only", "true"),
                BODY_HAS("not the equivalence test")},
     .captures = {CAPTURE_JSON("id", "items[0].id")}},
    {.name = "so does the page",
     .method = "GET",
     .path = "/cc-certificates/{{id}}?lang=en",
     .headers = {"Accept: text/html", "Accept-Language: en"},
     .expect_status = 200,
     .checks = {BODY_HAS("For information only: CCRA mutual recognition is not the equivalence "
                         "test")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("import_and_read", import_and_read),
    HT_SCENARIO("archived_list", archived_list),
    HT_SCENARIO("pagination", pagination),
    HT_SCENARIO("refused", refused),
    HT_CASES("pages", pages),
    HT_SCENARIO("ccra-information-only", ccra_information),
};

const ht_group ht_group_cc = {"cc", scenarios, HT_COUNT(scenarios)};
