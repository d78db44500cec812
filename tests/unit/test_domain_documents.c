/* Unit tests of domain/documents: the rules written out a second time as a table, and the
 * kind and confidentiality lists compared with the CHECKs of schema/0007_documents.sql (read
 * from the repository root, where the tests run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/documents.h"

static void test_required_per_route(void **state)
{
    (void)state;
    static const char *const conformity[] = {"outline",       "test_report",
                                             "external_view", "connection_diagram",
                                             "block_diagram", "manual"};
    static const char *const design[] = {"outline",          "test_report",
                                         "external_view",    "connection_diagram",
                                         "block_diagram",    "manual",
                                         "conformity_method"};
    const char *got[16];
    size_t n = gk_doc_required(GK_ROUTE_CONFORMITY, got, 16);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(got[i], conformity[i]);
    n = gk_doc_required(GK_ROUTE_DESIGN, got, 16);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(got[i], design[i]);
    /* Every required kind is a kind. */
    for (size_t i = 0; i < n; i++)
        assert_non_null(gk_doc_kind_find(got[i]));
    /* A short buffer still says how many. */
    assert_int_equal(gk_doc_required(GK_ROUTE_DESIGN, got, 2), 7);
}

static void test_routes(void **state)
{
    (void)state;
    gk_route r;
    assert_true(gk_route_parse("conformity", &r));
    assert_int_equal(r, GK_ROUTE_CONFORMITY);
    assert_true(gk_route_parse("design", &r));
    assert_int_equal(r, GK_ROUTE_DESIGN);
    assert_false(gk_route_parse("Design", &r));
    assert_false(gk_route_parse(NULL, &r));
    assert_string_equal(gk_route_name(GK_ROUTE_DESIGN), "design");
}

static void test_upload_allowed(void **state)
{
    (void)state;
    /* {state, applicant, staff}: every other state accepts nothing from anyone. */
    static const struct {
        gk_lifecycle_state st;
        bool applicant, staff;
    } rows[] = {
        {GK_LC_DRAFT, true, false},
        {GK_LC_SUBMITTED, false, false},
        {GK_LC_IN_REVIEW, false, true},
        {GK_LC_INFO_REQUESTED, true, true},
        {GK_LC_PROPOSED, false, false},
        {GK_LC_GRANTED, false, false},
        {GK_LC_REJECTED, false, false},
        {GK_LC_WITHDRAWN, false, false},
        {GK_LC_CLOSED_NOT_REQUIRED, false, false},
    };
    assert_int_equal(sizeof rows / sizeof *rows, GK_LC_STATE__COUNT);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        assert_int_equal(gk_doc_upload_allowed(GK_LC_ROLE_MANUFACTURER, rows[i].st),
                         rows[i].applicant);
        assert_int_equal(gk_doc_upload_allowed(GK_LC_ROLE_EXAMINER, rows[i].st), rows[i].staff);
        assert_int_equal(gk_doc_upload_allowed(GK_LC_ROLE_ADMIN, rows[i].st), rows[i].staff);
    }
}

static void test_confidentiality(void **state)
{
    (void)state;
    const char *cls = NULL;
    gk_date d;
    bool until;
    assert_true(gk_doc_confidentiality_parse("public", &cls, &d, &until));
    assert_string_equal(cls, "public");
    assert_false(until);
    assert_true(gk_doc_confidentiality_parse("confidential", &cls, &d, &until));
    assert_string_equal(cls, "confidential");
    assert_true(gk_doc_confidentiality_parse("confidential_until:2030-04-01", &cls, &d, &until));
    assert_string_equal(cls, "confidential_until");
    assert_true(until);
    char buf[GK_DATE_BUF];
    assert_string_equal(gk_date_format(d, buf), "2030-04-01");
    assert_false(gk_doc_confidentiality_parse("confidential_until:", &cls, &d, &until));
    assert_false(gk_doc_confidentiality_parse("confidential_until:2030-02-30", &cls, &d, &until));
    assert_false(gk_doc_confidentiality_parse("confidential_until", &cls, &d, &until));
    assert_false(gk_doc_confidentiality_parse("Public", &cls, &d, &until));
    assert_false(gk_doc_confidentiality_parse(NULL, &cls, &d, &until));
}

/* The quoted names of the CHECK (col IN (...)) called `constraint` in the schema file `file`. */
static size_t schema_list_in(const char *file, const char *constraint, char names[][40], size_t max)
{
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    static char text[1 << 16];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    const char *p = strstr(text, constraint);
    assert_non_null(p);
    p = strstr(p, " IN (");
    assert_non_null(p);
    const char *end = strchr(p, ')');
    assert_non_null(end);
    size_t n = 0;
    for (const char *q = strchr(p, '\''); q && q < end; q = strchr(q, '\'')) {
        const char *close = strchr(q + 1, '\'');
        assert_non_null(close);
        assert_true(n < max && (size_t)(close - q - 1) < 40);
        memcpy(names[n], q + 1, (size_t)(close - q - 1));
        names[n][close - q - 1] = '\0';
        n++;
        q = close + 1;
    }
    return n;
}

static size_t schema_list(const char *constraint, char names[][40], size_t max)
{
    return schema_list_in("schema/0007_documents.sql", constraint, names, max);
}

/* The kinds as schema/0027_gaps.sql last sets them (it added power_of_attorney, issue 16). */
static void test_kinds_match_schema(void **state)
{
    (void)state;
    char names[32][40];
    size_t n = schema_list_in("schema/0027_gaps.sql", "CONSTRAINT documents_kind_check", names, 32),
           nk;
    const gk_doc_kind *kinds = gk_doc_kinds(&nk);
    assert_int_equal(n, nk);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(names[i], kinds[i].name);
        char key[64];
        snprintf(key, sizeof key, "app.kind.%s", kinds[i].name);
        assert_string_equal(kinds[i].title_key, key);
    }
    assert_string_equal(kinds[nk - 1].name, "power_of_attorney");
    /* 0007's list is the same less the kinds added since */
    char first[32][40];
    size_t n7 = schema_list("CONSTRAINT documents_kind_check", first, 32);
    assert_int_equal(n7 + 1, n);
    for (size_t i = 0; i < n7; i++)
        assert_string_equal(first[i], names[i]);
}

static void test_classes_match_schema(void **state)
{
    (void)state;
    char names[8][40];
    size_t n = schema_list("CONSTRAINT documents_confidentiality_check", names, 8), nc;
    const char *const *cls = gk_doc_confidentiality_classes(&nc);
    assert_int_equal(n, nc);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], cls[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_required_per_route), cmocka_unit_test(test_routes),
        cmocka_unit_test(test_upload_allowed),     cmocka_unit_test(test_confidentiality),
        cmocka_unit_test(test_kinds_match_schema), cmocka_unit_test(test_classes_match_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
