/* The regulator's lists (issue 8): search filters, keyset pagination without duplicates or
 * gaps, public against staff visibility, the exports (CSV header/BOM/quoting, JSON, XML
 * against docs/certificates.xsd), the Atom feed and the statistics.
 *
 * Fixture: seven pre-existing certificates imported by the admin through
 * POST /api/v1/certificates/import (numbers with body code 951, makers "Zephyrine ..." and
 * 「株式会社ゼフィリン」 that nothing else uses), then one suspended and one revoked. Every
 * check filters on those makers, so certificates made by other scenarios do not disturb the
 * counts. Like the accounts scenarios they assume a fresh database (scripts/test makes one).
 *
 * Two kinds of checks: the step tables below (run by ht_run), and ht_registry_checks() at
 * the end of this file, procedural checks the tables cannot express: the CSV parsed back
 * equals the JSON export row for row, the XML validates against the XSD with libxml2's
 * xmlSchemaValidateDoc, the Atom feed parses, is Atom and lists entries newest first, and the
 * stats add up to the list. */
#include "harness.h"
#include "harness_ext.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ADMIN_EMAIL "admin@api.test"
#define ADMIN_PASSWORD "admin-passphrase-for-api-tests"
#define JSON_T "application/json"
#define PW "registry regulator passphrase"

#define SIGNIN(actor_, email, password)                                                            \
    {                                                                                              \
        .name = "sign in " email, .actor = actor_, .method = "POST", .path = "/api/v1/session",    \
        .content_type = JSON_T,                                                                    \
        .body = "{\"email\": \"" email "\", \"password\": \"" password "\"}", .expect_status = 200 \
    }

#define FIXTURE_CSV                                                                                \
    "number,route,category,manufacturer,model_name,type_name,granted_on\r\n"                       \
    "D19-0001951,conformity,router,Zephyrine Devices,ZR-100,ZR100A,2019-05-01\r\n"                 \
    "A20-0001951,conformity,telephone,Zephyrine Devices,ZT-1,,2020-01-15\r\n"                      \
    "D21-0001951,design,camera,株式会社ゼフィリン,見守りカメラZ1,,2021-06-01\r\n"   \
    "D22-0001951,conformity,router,Zephyrine Devices,ZR-200,,2022-01-10\r\n"                       \
    "D22-0002951,conformity,nas,\"Zephyrine, \"\"Quoted\"\" Ltd.\",ZN-1,,2022-03-03\r\n"           \
    "D23-0001951,conformity,router,Zephyrine Devices,ZR-300,,2023-07-07\r\n"                       \
    "D24-0001951,conformity,gateway,株式会社ゼフィリン,ゲートウェイZ,,2024-02-02\r\n"

/* ---- fixture ---------------------------------------------------------------------------- */

static const ht_step fixture[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "import seven pre-existing certificates",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = "text/csv",
     .body = FIXTURE_CSV,
     .expect_status = 200,
     .checks = {JSON_EQ("imported", "7")}},
    {.name = "suspend one",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/D22-0001951/suspend",
     .content_type = JSON_T,
     .body =
         "{\"reason\": \"市場調査で技術基準への不適合の疑い\", \"order_reference\": \"総基電第951号\"}",
     .expect_status = 200},
    {.name = "revoke one",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/D23-0001951/revoke",
     .content_type = JSON_T,
     .body = "{\"reason\": \"Nonconformity confirmed\"}",
     .expect_status = 200},
    {.name = "a regulator for the staff scenarios",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/users",
     .content_type = JSON_T,
     .body = "{\"email\": \"regulator@registry.test\", \"password\": \"" PW "\","
             " \"name\": \"規制 花子\", \"role\": \"regulator\"}",
     .expect_status = 201},
};

/* ---- filters ------------------------------------------------------------------------------ */

#define LIST(label, query, n, ...)                                                                 \
    {                                                                                              \
        .name = label, .method = "GET", .path = "/api/v1/certificates?" query,                     \
        .expect_status = 200, .expect_content_type = JSON_T, .checks = {                           \
            JSON_LEN("items", n),                                                                  \
            JSON_EQ("next", "null"),                                                               \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    }
#define BAD(label, query, field)                                                                   \
    {                                                                                              \
        .name = label, .method = "GET", .path = "/api/v1/certificates?" query,                     \
        .expect_status = 400, .expect_code = "request.bad_query", .checks = {                      \
            JSON_STR("errors[].field", field)                                                      \
        }                                                                                          \
    }

static const ht_step filters[] = {
    LIST("q matches Latin maker text, case-insensitive", "q=zephyrine", 5,
         JSON_STR("items[].number", "D22-0002951")),
    LIST("q matches Japanese maker text", "q=%E3%82%BC%E3%83%95%E3%82%A3%E3%83%AA%E3%83%B3", 2,
         JSON_STR("items[].manufacturer", "株式会社ゼフィリン")),
    LIST("q matches the model", "q=zr-2", 1, JSON_STR("items[0].number", "D22-0001951")),
    LIST("q matches maker and model as one text", "q=Zephyrine%20Devices%20ZR-3", 1,
         JSON_STR("items[0].number", "D23-0001951")),
    LIST("q matches the type name", "q=zr100a", 1, JSON_STR("items[0].number", "D19-0001951")),
    LIST("q finds a certificate by its number", "q=D22-0001951", 1,
         JSON_STR("items[0].number", "D22-0001951")),
    LIST("q finds a number typed without the hyphen, in lower case", "q=d220001951", 1,
         JSON_STR("items[0].number", "D22-0001951")),
    LIST("q finds a number with blanks around it", "q=%20D22-0001951%20", 1,
         JSON_STR("items[0].number", "D22-0001951")),
    {.name = "q finds numbers by their prefix, with or without the hyphen",
     .method = "GET",
     .path = "/api/v1/certificates?q=D22-00029&limit=500",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "number=\"D22-0002951\"", NULL), BODY_LACKS("D22-0001951")}},
    {.name = "q finds numbers by a prefix typed without the hyphen",
     .method = "GET",
     .path = "/api/v1/certificates?q=D2200029&limit=500",
     .expect_status = 200,
     .checks = {JSON_FIND("items", "number=\"D22-0002951\"", NULL), BODY_LACKS("D22-0001951")}},
    LIST("q treats % and _ literally", "q=Zephyrine%25", 0, JSON_LEN("items", 0)),
    LIST("manufacturer and category", "manufacturer=ZEPHYRINE&category=router", 3,
         JSON_STR("items[].number", "D19-0001951")),
    LIST("status suspended", "q=zephyrine&status=suspended", 1,
         JSON_STR("items[0].number", "D22-0001951"), JSON_STR("items[0].status", "suspended")),
    LIST("status revoked", "q=zephyrine&status=revoked", 1,
         JSON_STR("items[0].number", "D23-0001951")),
    LIST("grandfathered (granted before 2020-04-01, and a category Art. 34-10 can cover: not the "
         "telephone)",
         "q=zephyrine&grandfathered=true", 1, JSON_EQ("items[0].grandfathered", "true"),
         JSON_STR("items[0].number", "D19-0001951")),
    LIST("rule set", "q=zephyrine&rule_set=2020-04", 3, JSON_STR("items[0].rule_set", "2020-04")),
    LIST("basis not_applicable covers pre-2020",
         "q=zephyrine&basis=not_applicable&rule_set=pre-2020", 2,
         JSON_STR("items[0].basis", "not_applicable")),
    LIST("grant date range, both ends included",
         "q=zephyrine&granted_from=2020-01-15&granted_to=2022-03-03", 3,
         JSON_STR("items[].number", "A20-0001951"), JSON_STR("items[].number", "D22-0002951")),
    LIST("every filter at once",
         "q=ZR&manufacturer=zephyrine&category=router&status=granted"
         "&rule_set=2020-04&basis=not_applicable&grandfathered=false&granted_from=2019-01-01"
         "&granted_to=2024-12-31",
         0, JSON_LEN("items", 0)),
    BAD("unknown status", "status=valid", "status"),
    BAD("unknown basis", "basis=cc", "basis"),
    BAD("grandfathered not boolean", "grandfathered=yes", "grandfathered"),
    BAD("impossible date", "granted_from=2022-02-30", "granted_from"),
    BAD("range backwards", "granted_from=2022-01-01&granted_to=2021-01-01", "granted_to"),
    BAD("limit 0", "limit=0", "limit"),
    BAD("limit above 500", "limit=501", "limit"),
    BAD("limit not a number", "limit=ten", "limit"),
    BAD("unknown sort", "sort=maker", "sort"),
    BAD("unknown order", "order=up", "order"),
    BAD("category not an id", "category=Router!", "category"),
    BAD("cursor that is not one", "after=not-a-cursor", "after"),
    {.name = "every bad parameter is named at once",
     .method = "GET",
     .path = "/api/v1/certificates?status=x&basis=y&limit=0",
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_LEN("errors", 3), JSON_STR("errors[].field", "status"),
                JSON_STR("errors[].field", "basis"), JSON_STR("errors[].field", "limit")}},
    {.name = "default page size is 50 and default order newest first",
     .method = "GET",
     .path = "/api/v1/certificates?q=zephyrine",
     .expect_status = 200,
     .checks = {JSON_STR("items[0].number", "D23-0001951"),
                JSON_STR("items[4].number", "D19-0001951")}},
};

/* ---- pagination ------------------------------------------------------------------------- */

static const ht_step pages_by_date[] = {
    {.name = "page 1 (oldest first, 2 per page)",
     .method = "GET",
     .path = "/api/v1/certificates?q=zephyrine&sort=granted_on&order=asc&limit=2",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2), JSON_STR("items[0].number", "D19-0001951"),
                JSON_STR("items[1].number", "A20-0001951"), JSON_TYPE("next", "string")},
     .captures = {CAPTURE_JSON("next1", "next")}},
    {.name = "page 2 continues exactly after page 1",
     .method = "GET",
     .path = "/api/v1/certificates?q=zephyrine&sort=granted_on&order=asc&limit=2&after={{next1}}",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2), JSON_STR("items[0].number", "D22-0001951"),
                JSON_STR("items[1].number", "D22-0002951"), JSON_TYPE("next", "string")},
     .captures = {CAPTURE_JSON("next2", "next")}},
    {.name = "page 3 is the last",
     .method = "GET",
     .path = "/api/v1/certificates?q=zephyrine&sort=granted_on&order=asc&limit=2&after={{next2}}",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 1), JSON_STR("items[0].number", "D23-0001951"),
                JSON_EQ("next", "null")}},
    {.name = "a cursor of another sort is refused",
     .method = "GET",
     .path = "/api/v1/certificates?q=zephyrine&sort=number&order=asc&limit=2&after={{next1}}",
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_STR("errors[0].field", "after")}},
};

static const ht_step pages_by_number[] = {
    {.name = "by number descending, page 1",
     .method = "GET",
     .path = "/api/v1/certificates?manufacturer=zephyrine&sort=number&order=desc&limit=3",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 3), JSON_STR("items[0].number", "D23-0001951"),
                JSON_STR("items[1].number", "D22-0002951"),
                JSON_STR("items[2].number", "D22-0001951")},
     .captures = {CAPTURE_JSON("next", "next")}},
    {.name = "by number descending, page 2",
     .method = "GET",
     .path = "/api/v1/certificates?manufacturer=zephyrine&sort=number&order=desc&limit=3"
             "&after={{next}}",
     .expect_status = 200,
     .checks = {JSON_LEN("items", 2), JSON_STR("items[0].number", "D19-0001951"),
                JSON_STR("items[1].number", "A20-0001951"), JSON_EQ("next", "null")}},
};

/* ---- visibility and roles ------------------------------------------------------------------ */

static const ht_step visibility[] = {
    {.name = "the public gets the published fields only",
     .method = "GET",
     .path = "/api/v1/certificates?q=zr-1",
     .expect_status = 200,
     .checks = {JSON_STR("items[0].number", "D19-0001951"),
                JSON_STR("items[0].route", "conformity"), JSON_STR("items[0].category", "router"),
                JSON_STR("items[0].model_name", "ZR-100"), JSON_STR("items[0].type_name", "ZR100A"),
                JSON_STR("items[0].granted_on", "2019-05-01"),
                JSON_STR("items[0].rule_set", "pre-2020"),
                JSON_STR("items[0].status_changed_on", "2019-05-01"),
                JSON_ABSENT("items[0].application_id"), JSON_ABSENT("items[0].organization_id"),
                JSON_ABSENT("items[0].imported")}},
    {.name = "the public can export the published fields",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=csv&q=zephyrine",
     .expect_status = 200,
     .expect_content_type = "text/csv",
     .checks = {BODY_HAS("D22-0002951"), BODY_LACKS("application_id")}},
    SIGNIN("regulator", "regulator@registry.test", PW),
    {.name = "a regulator sees every field",
     .actor = "regulator",
     .method = "GET",
     .path = "/api/v1/certificates?q=zr-1",
     .expect_status = 200,
     .checks = {JSON_EQ("items[0].application_id", "null"), JSON_EQ("items[0].imported", "true"),
                JSON_PRESENT("items[0].updated_at")}},
    {.name = "a bad export format is named",
     .actor = "regulator",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=xlsx",
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_STR("errors[0].field", "format")}},
    {.name = "the audit trail of a certificate (regulator)",
     .actor = "regulator",
     .method = "GET",
     .path = "/certificates/D22-0001951/audit",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("D22-0001951"), BODY_HAS("総基電第951号"),
                BODY_HAS("市場調査で技術基準への不適合の疑い")}},
    {.name = "an unknown certificate has no audit trail",
     .actor = "regulator",
     .method = "GET",
     .path = "/certificates/D99-9999951/audit",
     .headers = {"Accept: application/json"},
     .expect_status = 404,
     .expect_code = "resource.not_found"},
    {.name = "the public has no audit trail",
     .method = "GET",
     .path = "/certificates/D22-0001951/audit",
     .headers = {"Accept: application/json"},
     .expect_status = 401},
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "the audit trail is the regulator's (admin: 403)",
     .actor = "admin",
     .method = "GET",
     .path = "/certificates/D22-0001951/audit",
     .headers = {"Accept: application/json"},
     .expect_status = 403},
};

/* ---- exports (shape; content checks in ht_registry_checks) ------------------------------- */

static const ht_step exports[] = {
    SIGNIN("regulator", "regulator@registry.test", PW),
    {.name = "CSV: BOM, header row of the field names, CRLF, RFC 4180 quoting",
     .actor = "regulator",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=csv&manufacturer=zephyrine&sort=number&order=asc",
     .expect_status = 200,
     .expect_content_type = "text/csv",
     .checks = {BODY_HAS("\xEF\xBB\xBFnumber,route,category,manufacturer,model_name,type_name,"
                         "granted_on,rule_set,grandfathered,basis,status,status_changed_on\r\n"
                         "A20-0001951,conformity,telephone,Zephyrine Devices,ZT-1,,2020-01-15,"
                         "pre-2020,false,not_applicable,granted,2020-01-15\r\n"),
                BODY_HAS("D22-0002951,conformity,nas,\"Zephyrine, \"\"Quoted\"\" Ltd.\",ZN-1,,"),
                BODY_HAS("D23-0001951,conformity,router,Zephyrine Devices,ZR-300,,2023-07-07,"
                         "2020-04,false,"),
                HEADER_HAS("Content-Disposition", "attachment")}},
    {.name = "JSON: an array of the list's items",
     .actor = "regulator",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=json&q=zephyrine&sort=number&order=asc",
     .expect_status = 200,
     .expect_content_type = JSON_T,
     .checks = {JSON_LEN("", 5), JSON_STR("[0].number", "A20-0001951"),
                JSON_STR("[4].number", "D23-0001951"), JSON_STR("[2].status", "suspended")}},
    {.name = "JSON: no match is an empty array",
     .actor = "regulator",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=json&q=no-such-maker-anywhere",
     .expect_status = 200,
     .checks = {JSON_LEN("", 0)}},
    {.name = "XML: the namespace of docs/certificates.xsd",
     .actor = "regulator",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=xml&q=zephyrine",
     .expect_status = 200,
     .expect_content_type = "application/xml",
     .checks = {BODY_HAS("<certificates"), BODY_HAS("urn:giteki:certificates:1"),
                BODY_HAS("<number>D22-0002951</number>"),
                BODY_HAS("<manufacturer>Zephyrine, &quot;Quoted&quot; Ltd.</manufacturer>")}},
};

/* ---- CSV formula injection (issue 18 item 2) ---------------------------------------------- */

/* Makers and models a spreadsheet would evaluate: every such cell of the CSV export starts with
 * an apostrophe; JSON keeps the value as it is. */
static const ht_step formula_cells[] = {
    SIGNIN("admin", ADMIN_EMAIL, ADMIN_PASSWORD),
    {.name = "import certificates whose maker and models look like formulas",
     .actor = "admin",
     .method = "POST",
     .path = "/api/v1/certificates/import",
     .content_type = "text/csv",
     .body =
         "number,route,category,manufacturer,model_name,type_name,granted_on\r\n"
         "D22-0003951,conformity,router,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"Formulaic\"\")\","
         "@SUM(1+1),+Formulaic,2022-05-05\r\n"
         "D22-0004951,conformity,router,=cmd|' /C calc'!A0 Formulaic,-2+3,=1+2 Formulaic,"
         "2022-05-06\r\n",
     .expect_status = 200,
     .checks = {JSON_EQ("imported", "2")}},
    {.name = "the CSV export prefixes formula-like cells with an apostrophe",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=csv&q=formulaic&sort=number&order=asc",
     .expect_status = 200,
     .expect_content_type = "text/csv",
     .checks = {BODY_HAS("D22-0003951,conformity,router,\"'=HYPERLINK(\"\"http://evil.example\"\","
                         "\"\"Formulaic\"\")\",'@SUM(1+1),'+Formulaic,2022-05-05,"),
                BODY_HAS("D22-0004951,conformity,router,'=cmd|' /C calc'!A0 Formulaic,'-2+3,"
                         "'=1+2 Formulaic,2022-05-06,"),
                BODY_LACKS(",=HYPERLINK"), BODY_LACKS(",\"=HYPERLINK"), BODY_LACKS(",@SUM"),
                BODY_LACKS(",-2+3")}},
    {.name = "the JSON export keeps the values as they are",
     .method = "GET",
     .path = "/api/v1/certificates/export?format=json&q=formulaic&sort=number&order=asc",
     .expect_status = 200,
     .checks = {JSON_LEN("", 2), JSON_STR("[0].model_name", "@SUM(1+1)"),
                JSON_STR("[1].model_name", "-2+3")}},
};

/* ---- feed and stats ------------------------------------------------------------------------ */

static const ht_step feed_stats[] = {
    {.name = "the feed is Atom with the newest change first",
     .method = "GET",
     .path = "/api/v1/feed.atom?limit=3",
     .expect_status = 200,
     .expect_content_type = "application/atom+xml",
     .checks = {BODY_HAS("<feed"), BODY_HAS("http://www.w3.org/2005/Atom"),
                BODY_HAS("rel=\"next\""), BODY_HAS("<category term=\"revoke\""),
                BODY_HAS("Nonconformity confirmed")}},
    {.name = "a bad feed cursor is named",
     .method = "GET",
     .path = "/api/v1/feed.atom?after=%21%21",
     .expect_status = 400,
     .expect_code = "request.bad_query",
     .checks = {JSON_STR("errors[0].field", "after")}},
    {.name = "stats of the fixture",
     .method = "GET",
     .path = "/api/v1/stats?q=zephyrine",
     .expect_status = 200,
     .checks = {JSON_EQ("total", "5"), JSON_FIND("by_status", "status=\"suspended\"", "count=1"),
                JSON_FIND("by_status", "status=\"granted\"", "count=3"),
                JSON_FIND("by_category", "category=\"router\"", "count=3"),
                JSON_FIND("by_rule_set", "rule_set=\"pre-2020\"", "grandfathered=true"),
                JSON_FIND("by_month", "month=\"2022-01\"", "count=1"),
                JSON_FIND("by_basis", "basis=\"not_applicable\"", "count"),
                JSON_PRESENT("decisions.median_days_to_decision")}},
    {.name = "stats refuse bad filters like the list",
     .method = "GET",
     .path = "/api/v1/stats?grandfathered=maybe",
     .expect_status = 400,
     .expect_code = "request.bad_query"},
    {.name = "the public search page",
     .method = "GET",
     .path = "/certificates?q=zephyrine",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .expect_content_type = "text/html",
     .checks = {BODY_HAS("D22-0002951"), BODY_HAS("Zephyrine, &quot;Quoted&quot; Ltd."),
                BODY_HAS("/api/v1/certificates/export?format=csv")}},
    {.name = "the dashboard draws charts as images and gives the numbers",
     .method = "GET",
     .path = "/stats?q=zephyrine",
     .headers = {"Accept: text/html"},
     .expect_status = 200,
     .checks = {BODY_HAS("/stats/charts/month?q=zephyrine"), BODY_HAS("<table")}},
    {.name = "a chart is SVG with a title and a description",
     .method = "GET",
     .path = "/stats/charts/status?q=zephyrine&lang=en",
     .expect_status = 200,
     .expect_content_type = "image/svg+xml",
     .checks = {BODY_HAS("<svg"), BODY_HAS("<title id=\"chart-title\">"), BODY_HAS("<desc")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("fixture", fixture),
    HT_CASES("filters", filters),
    HT_SCENARIO("pages by grant date", pages_by_date),
    HT_SCENARIO("pages by number", pages_by_number),
    HT_SCENARIO("visibility", visibility),
    HT_SCENARIO("exports", exports),
    HT_SCENARIO("CSV formula cells", formula_cells),
    HT_CASES("feed and stats", feed_stats),
};

const ht_group ht_group_registry = {"registry", scenarios, HT_COUNT(scenarios)};

/* ---- procedural checks ---------------------------------------------------------------------- */

static int failures;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL registry/procedural: ");                                                  \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static bool get(ht_client *c, const char *actor, const char *path, ht_response *out)
{
    ht_request req = {.method = "GET", .path = path};
    if (ht_send(c, actor, &req, out) != 0 || out->status != 200) {
        EXPECT(false, "GET %s: status %ld", path, out->status);
        return false;
    }
    return true;
}

/* RFC 4180 parser: rows of fields (malloc'd); returns the number of rows. */
typedef struct {
    char **f;
    size_t n;
} csv_row;

static size_t csv_parse(const char *s, size_t len, csv_row *rows, size_t max)
{
    size_t nrows = 0, i = 0;
    while (i < len && nrows < max) {
        csv_row *row = &rows[nrows++];
        row->f = NULL;
        row->n = 0;
        for (;;) {
            char *field = malloc(len - i + 1);
            size_t o = 0;
            if (i < len && s[i] == '"') {
                i++;
                while (i < len) {
                    if (s[i] == '"' && i + 1 < len && s[i + 1] == '"')
                        field[o++] = '"', i += 2;
                    else if (s[i] == '"') {
                        i++;
                        break;
                    } else
                        field[o++] = s[i++];
                }
            } else {
                while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
                    field[o++] = s[i++];
            }
            field[o] = 0;
            row->f = realloc(row->f, (row->n + 1) * sizeof *row->f);
            row->f[row->n++] = field;
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            if (i < len && s[i] == '\r') i++;
            if (i < len && s[i] == '\n') i++;
            break;
        }
    }
    return nrows;
}

static void csv_free(csv_row *rows, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        for (size_t k = 0; k < rows[r].n; k++)
            free(rows[r].f[k]);
        free(rows[r].f);
    }
}

/* The CSV export parses back to the JSON export's rows, field by field. */
static void check_csv_roundtrip(ht_client *c)
{
    ht_response csv = {0}, js = {0};
    if (get(c, "regulator",
            "/api/v1/certificates/export?format=csv&q=zephyrine&sort=number&order=asc", &csv) &&
        get(c, "regulator",
            "/api/v1/certificates/export?format=json&q=zephyrine&sort=number&order=asc", &js)) {
        EXPECT(csv.body_len > 3 && !memcmp(csv.body, "\xEF\xBB\xBF", 3), "CSV lacks the BOM");
        csv_row rows[16];
        size_t n = csv_parse(csv.body + 3, csv.body_len - 3, rows, 16);
        EXPECT(json_is_array(js.json), "JSON export is not an array");
        EXPECT(n == json_array_size(js.json) + 1, "CSV has %zu rows, JSON %zu items (+ header)", n,
               json_array_size(js.json));
        for (size_t r = 1; r < n && r - 1 < json_array_size(js.json); r++) {
            json_t *item = json_array_get(js.json, r - 1);
            EXPECT(rows[r].n == rows[0].n, "CSV row %zu has %zu fields", r, rows[r].n);
            for (size_t k = 0; k < rows[0].n && k < rows[r].n; k++) {
                json_t *v = json_object_get(item, rows[0].f[k]);
                char buf[64];
                const char *want = json_is_string(v)  ? json_string_value(v)
                                   : json_is_true(v)  ? "true"
                                   : json_is_false(v) ? "false"
                                   : json_is_null(v)  ? ""
                                                      : (snprintf(buf, sizeof buf, "?"), buf);
                EXPECT(!strcmp(want, rows[r].f[k]), "row %zu field %s: CSV '%s', JSON '%s'", r,
                       rows[0].f[k], rows[r].f[k], want);
            }
        }
        csv_free(rows, n);
    }
    ht_response_free(&csv);
    ht_response_free(&js);
}

/* The XML export validates against docs/certificates.xsd (found from the working directory,
 * the repository root when run by scripts/test). */
static void check_xml_schema(ht_client *c, const char *query, size_t want_rows)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/certificates/export?format=xml%s", query);
    ht_response x = {0};
    if (get(c, "regulator", path, &x)) {
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt("docs/certificates.xsd");
        xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
        EXPECT(schema, "docs/certificates.xsd does not load (run from the repository root)");
        xmlDocPtr doc = xmlReadMemory(x.body, (int)x.body_len, "export.xml", NULL, XML_PARSE_NONET);
        EXPECT(doc, "XML export is not well-formed");
        if (schema && doc) {
            xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
            EXPECT(xmlSchemaValidateDoc(vc, doc) == 0, "XML export %s is not valid against the XSD",
                   query);
            xmlSchemaFreeValidCtxt(vc);
            size_t n = 0;
            for (xmlNodePtr e = xmlDocGetRootElement(doc)->children; e; e = e->next)
                if (e->type == XML_ELEMENT_NODE) n++;
            EXPECT(n == want_rows, "XML export has %zu certificates, want %zu", n, want_rows);
        }
        if (doc) xmlFreeDoc(doc);
        if (schema) xmlSchemaFree(schema);
        if (pc) xmlSchemaFreeParserCtxt(pc);
    }
    ht_response_free(&x);
}

static const xmlChar *child_text(xmlNodePtr e, const char *name)
{
    for (xmlNodePtr k = e->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && !xmlStrcmp(k->name, BAD_CAST name) && k->children)
            return k->children->content;
    return NULL;
}

/* The feed is Atom: root atom:feed with id, title, updated; every entry has id, title,
 * updated and a link; entries newest first, across two pages; ids never repeat. */
/* The feed's links are absolute and start with the server's public URL (scripts/test starts it
 * with GITEKI_PUBLIC_URL = the base URL), which is also the feed's xml:base. */
static void check_atom(ht_client *c, const char *base_url)
{
    ht_response p1 = {0};
    size_t base_len = strlen(base_url);
    if (!get(c, "anon", "/api/v1/feed.atom?limit=4", &p1)) return;
    xmlDocPtr doc = xmlReadMemory(p1.body, (int)p1.body_len, "feed.atom", NULL, XML_PARSE_NONET);
    EXPECT(doc, "feed is not well-formed");
    char prev[64] = "9999", next[512] = "", seen[8][96] = {{0}};
    size_t nseen = 0;
    for (int page = 0; doc && page < 2; page++) {
        xmlNodePtr root = xmlDocGetRootElement(doc);
        EXPECT(root && !xmlStrcmp(root->name, BAD_CAST "feed") && root->ns &&
                   !xmlStrcmp(root->ns->href, BAD_CAST "http://www.w3.org/2005/Atom"),
               "root is not atom:feed");
        EXPECT(child_text(root, "id") && child_text(root, "title") && child_text(root, "updated"),
               "feed lacks id/title/updated");
        xmlChar *xbase = root ? xmlNodeGetBase(doc, root) : NULL;
        EXPECT(xbase && !strncmp((const char *)xbase, base_url, base_len) &&
                   !strcmp((const char *)xbase + base_len, "/"),
               "xml:base is %s, want %s/", xbase ? (const char *)xbase : "(none)", base_url);
        xmlFree(xbase);
        next[0] = 0;
        for (xmlNodePtr e = root->children; e; e = e->next) {
            if (e->type != XML_ELEMENT_NODE) continue;
            if (!xmlStrcmp(e->name, BAD_CAST "link")) {
                xmlChar *rel = xmlGetProp(e, BAD_CAST "rel"),
                        *href = xmlGetProp(e, BAD_CAST "href");
                EXPECT(href && !strncmp((const char *)href, base_url, base_len) &&
                           href[base_len] == '/',
                       "feed link %s is not absolute under %s", href ? (const char *)href : "",
                       base_url);
                if (rel && href && !xmlStrcmp(rel, BAD_CAST "next") &&
                    !strncmp((const char *)href, base_url, base_len))
                    snprintf(next, sizeof next, "%s", (const char *)href + base_len);
                xmlFree(rel);
                xmlFree(href);
            }
            if (xmlStrcmp(e->name, BAD_CAST "entry")) continue;
            for (xmlNodePtr l = e->children; l; l = l->next) {
                if (l->type != XML_ELEMENT_NODE || xmlStrcmp(l->name, BAD_CAST "link")) continue;
                xmlChar *href = xmlGetProp(l, BAD_CAST "href");
                EXPECT(href && !strncmp((const char *)href, base_url, base_len) &&
                           !strncmp((const char *)href + base_len, "/certificates/", 14),
                       "entry link %s is not absolute under %s", href ? (const char *)href : "",
                       base_url);
                xmlFree(href);
            }
            const xmlChar *id = child_text(e, "id"), *up = child_text(e, "updated");
            EXPECT(id && child_text(e, "title") && up, "entry lacks id/title/updated");
            if (!id || !up) continue;
            EXPECT(strcmp((const char *)up, prev) <= 0, "entries not newest first: %s after %s", up,
                   prev);
            snprintf(prev, sizeof prev, "%s", (const char *)up);
            for (size_t k = 0; k < nseen; k++)
                EXPECT(strcmp(seen[k], (const char *)id), "entry %s repeats across pages", id);
            if (nseen < 8) snprintf(seen[nseen++], sizeof seen[0], "%s", (const char *)id);
        }
        xmlFreeDoc(doc);
        doc = NULL;
        if (page == 0) {
            EXPECT(next[0], "the first page of 4 has no rel=\"next\" link");
            ht_response p2 = {0};
            if (next[0] && get(c, "anon", next, &p2))
                doc = xmlReadMemory(p2.body, (int)p2.body_len, "feed2.atom", NULL, XML_PARSE_NONET);
            ht_response_free(&p2);
        }
    }
    EXPECT(nseen == 8, "two feed pages gave %zu distinct entries, want 8", nseen);
    ht_response_free(&p1);
}

/* The stats of a filter add up, and match the list of the same filter. */
static void check_stats_consistent(ht_client *c)
{
    static const char *const filters_[] = {"q=zephyrine", "q=zephyrine&status=granted",
                                           "manufacturer=zephyrine&category=router", ""};
    for (size_t f = 0; f < sizeof filters_ / sizeof *filters_; f++) {
        char path[256];
        ht_response st = {0}, ls = {0};
        snprintf(path, sizeof path, "/api/v1/stats?%s", filters_[f]);
        if (!get(c, "anon", path, &st)) continue;
        json_int_t total = json_integer_value(json_object_get(st.json, "total"));
        static const char *const parts[] = {"by_month", "by_category", "by_basis", "by_rule_set",
                                            "by_status"};
        for (size_t p = 0; p < 5; p++) {
            json_int_t sum = 0;
            size_t i;
            json_t *it;
            json_array_foreach(json_object_get(st.json, parts[p]), i, it) sum +=
                json_integer_value(json_object_get(it, "count"));
            EXPECT(sum == total, "stats?%s: %s adds up to %lld, total %lld", filters_[f], parts[p],
                   (long long)sum, (long long)total);
        }
        if (*filters_[f]) { /* the list of the same filter has as many rows */
            snprintf(path, sizeof path, "/api/v1/certificates?%s&limit=500", filters_[f]);
            if (get(c, "anon", path, &ls))
                EXPECT((json_int_t)json_array_size(json_object_get(ls.json, "items")) == total,
                       "stats?%s total %lld, list %zu", filters_[f], (long long)total,
                       json_array_size(json_object_get(ls.json, "items")));
        }
        ht_response_free(&st);
        ht_response_free(&ls);
    }
}

/* Issue 18 item 12: a title over 511 bytes of multi-byte characters (a 300-character Japanese
 * model name, 900 bytes) keeps the feed well-formed XML, and the title keeps whole characters. */
static void check_atom_long_title(ht_client *c)
{
    char model[1024] = "";
    for (int i = 0; i < 300; i++)
        strcat(model, "\xe6\xa9\x9f"); /* U+6A5F */
    char body[1400];
    snprintf(body, sizeof body,
             "number,route,category,manufacturer,model_name,type_name,granted_on\r\n"
             "D24-0002951,conformity,router,\xe9\x95\xb7\xe5\x90\x8d\xe9\x9b\xbb\xe6\xa9\x9f,%s,,"
             "2024-03-03\r\n",
             model);
    ht_request imp = {.method = "POST",
                      .path = "/api/v1/certificates/import",
                      .content_type = "text/csv",
                      .body = body,
                      .body_len = strlen(body)};
    ht_response r = {0};
    EXPECT(ht_send(c, "admin", &imp, &r) == 0 && r.status == 200 &&
               json_integer_value(json_object_get(r.json, "imported")) == 1,
           "import of a 300-character model name: %ld", r.status);
    ht_response_free(&r);
    static const char *const paths[] = {"/api/v1/feed.atom?limit=500&lang=ja",
                                        "/api/v1/feed.atom?limit=500&lang=en"};
    for (size_t k = 0; k < 2; k++) {
        ht_response f = {0};
        if (!get(c, "anon", paths[k], &f)) continue;
        xmlDocPtr doc = xmlReadMemory(f.body, (int)f.body_len, "long.atom", NULL, XML_PARSE_NONET);
        EXPECT(doc, "%s with a 900-byte title is not well-formed XML", paths[k]);
        bool found = false;
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        for (xmlNodePtr e = root ? root->children : NULL; e; e = e->next) {
            if (e->type != XML_ELEMENT_NODE || xmlStrcmp(e->name, BAD_CAST "entry")) continue;
            const xmlChar *t = child_text(e, "title");
            if (!t || !strstr((const char *)t, "D24-0002951")) continue;
            found = true;
            EXPECT(xmlStrlen(t) > 511, "the long title is %d bytes", xmlStrlen(t));
            EXPECT(xmlCheckUTF8(t), "the long title is not UTF-8");
            EXPECT(strstr((const char *)t, "\xe6\xa9\x9f\xe6\xa9\x9f"),
                   "the long title lost the model name");
        }
        EXPECT(found, "%s has no entry for D24-0002951", paths[k]);
        if (doc) xmlFreeDoc(doc);
        ht_response_free(&f);
    }
}

/* Issue 18 item 14: "signature valid" covers only what was signed. A signed certificate's
 * model_name is changed in the database (the guard trigger bypassed as the superuser test
 * connection: session_replication_role = replica); the record then says verified false and
 * names the field, the page warns of tampering, and the value is put back. */
static void check_tampered_record(ht_client *c, const ht_options *opts)
{
    if (!opts->database_url) {
        EXPECT(false, "tamper check needs --database-url");
        return;
    }
    char number[64] = "";
    if (htx_sql(opts->database_url,
                "SELECT number FROM certificates WHERE signature IS NOT NULL"
                " ORDER BY granted_on, number LIMIT 1",
                number, sizeof number) != 0) {
        EXPECT(false, "cannot query the certificates");
        return;
    }
    number[strcspn(number, "\r\n")] = 0;
    if (!*number) {
        EXPECT(opts->only, "no signed certificate to tamper with (the grant scenarios ran?)");
        return;
    }
    char path[160], sql[512], out[64];
    ht_response r = {0};
    snprintf(path, sizeof path, "/api/v1/certificates/%s", number);
    if (get(c, "anon", path, &r))
        EXPECT(json_is_true(json_object_get(r.json, "verified")) &&
                   !json_object_get(r.json, "mismatched_fields"),
               "%s is not verified before the change", number);
    ht_response_free(&r);
    snprintf(sql, sizeof sql,
             "SET session_replication_role = replica; UPDATE certificates SET model_name ="
             " model_name || ' TAMPERED' WHERE number = '%s'; SELECT 1",
             number);
    EXPECT(htx_sql(opts->database_url, sql, out, sizeof out) == 0, "cannot change %s", number);
    /* Public reads are cached in the server and invalidated by the database's NOTIFY, which
     * reaches it a moment after the commit (issue 21): on a busy machine, wait for it. */
    for (int i = 0;
         i < 30 && get(c, "anon", path, &r) && json_is_true(json_object_get(r.json, "verified"));
         i++) {
        ht_response_free(&r);
        usleep(100000);
    }
    ht_response_free(&r);
    if (get(c, "anon", path, &r)) {
        json_t *mm = json_object_get(r.json, "mismatched_fields");
        EXPECT(json_is_false(json_object_get(r.json, "verified")),
               "%s says verified after model_name changed", number);
        EXPECT(json_array_size(mm) == 1 &&
                   !strcmp(json_string_value(json_array_get(mm, 0)) ?: "", "model_name"),
               "mismatched_fields does not name model_name");
        const char *sp = json_string_value(json_object_get(r.json, "signed_payload"));
        EXPECT(sp && !strstr(sp, "TAMPERED"), "the signed payload changed");
    }
    ht_response_free(&r);
    snprintf(path, sizeof path, "/certificates/%s?lang=en", number);
    static const char *const html[] = {"Accept: text/html", NULL};
    ht_request page = {.method = "GET", .path = path, .headers = html};
    if (ht_send(c, "anon", &page, &r) == 0 && r.status == 200) {
        EXPECT(r.body && strstr(r.body, "differs from what was signed") &&
                   strstr(r.body, "<code>model_name</code>"),
               "the page does not warn of the changed model_name");
        EXPECT(r.body && !strstr(r.body, "The signature is valid"),
               "the page still says the signature is valid");
    } else {
        EXPECT(false, "GET %s: %ld", path, r.status);
    }
    ht_response_free(&r);
    snprintf(sql, sizeof sql,
             "SET session_replication_role = replica; UPDATE certificates SET model_name ="
             " left(model_name, length(model_name) - 9) WHERE number = '%s'"
             " AND model_name LIKE '%% TAMPERED'; SELECT 1",
             number);
    EXPECT(htx_sql(opts->database_url, sql, out, sizeof out) == 0, "cannot restore %s", number);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", number);
    for (int i = 0;
         i < 30 && get(c, "anon", path, &r) && !json_is_true(json_object_get(r.json, "verified"));
         i++) {
        ht_response_free(&r);
        usleep(100000);
    }
    ht_response_free(&r);
    if (get(c, "anon", path, &r))
        EXPECT(json_is_true(json_object_get(r.json, "verified")), "%s not verified once restored",
               number);
    ht_response_free(&r);
}

int ht_registry_checks(const ht_options *opts)
{
    ht_client *c = ht_client_new(opts->base_url);
    if (!c) return 1;
    failures = 0;
    ht_response r = {0};
    ht_request signin = {.method = "POST",
                         .path = "/api/v1/session",
                         .content_type = JSON_T,
                         .body =
                             "{\"email\": \"regulator@registry.test\", \"password\": \"" PW "\"}"};
    signin.body_len = strlen(signin.body);
    EXPECT(ht_send(c, "regulator", &signin, &r) == 0 && r.status == 200, "regulator sign-in: %ld",
           r.status);
    ht_response_free(&r);
    check_csv_roundtrip(c);
    check_xml_schema(c, "&q=zephyrine", 5);
    check_xml_schema(c, "&q=%E3%82%BC%E3%83%95%E3%82%A3%E3%83%AA%E3%83%B3", 2);
    check_xml_schema(c, "&q=no-such-maker-anywhere", 0);
    check_atom(c, opts->base_url);
    check_stats_consistent(c);
    ht_request asignin = {.method = "POST",
                          .path = "/api/v1/session",
                          .content_type = JSON_T,
                          .body = "{\"email\": \"" ADMIN_EMAIL "\", \"password\": \"" ADMIN_PASSWORD
                                  "\"}"};
    asignin.body_len = strlen(asignin.body);
    EXPECT(ht_send(c, "admin", &asignin, &r) == 0 && r.status == 200, "admin sign-in: %ld",
           r.status);
    ht_response_free(&r);
    check_atom_long_title(c);
    check_tampered_record(c, opts);
    ht_client_free(c);
    printf("%s registry/procedural (CSV round trip, XML schema, Atom, stats, long feed title,"
           " tampered record)%s\n",
           failures ? "FAIL" : "ok  ", failures ? "" : "");
    return failures ? 1 : 0;
}
