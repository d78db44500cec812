/* Routing against the real route table: exact paths, parameters, HEAD, 404 and 405 with the
 * Allow list; and the table itself is well-formed (every route has a handler, roles, a name). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "http/router.h"

#include <stdlib.h>
#include <string.h>

static void *alloc_fn(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void free_params(char **p)
{
    for (int i = 0; i < GK_MAX_PARAMS; i++) {
        free(p[i]);
        p[i] = NULL;
    }
}

static void table_is_well_formed(void **state)
{
    assert_true(gk_routes_count > 0);
    for (size_t i = 0; i < gk_routes_count; i++) {
        const gk_route *r = &gk_routes[i];
        assert_non_null(r->handler);
        assert_true(r->roles != 0);
        assert_non_null(r->name);
        assert_true(r->pattern[0] == '/');
        assert_true(!strcmp(r->method, "GET") || !strcmp(r->method, "POST") ||
                    !strcmp(r->method, "PUT") || !strcmp(r->method, "PATCH") ||
                    !strcmp(r->method, "DELETE"));
        for (size_t j = 0; j < gk_routes_count; j++)
            if (i != j && !strcmp(r->pattern, gk_routes[j].pattern) &&
                !strcmp(r->method, gk_routes[j].method))
                fail_msg("duplicate route %s %s", r->method, r->pattern);
        for (size_t j = i + 1; j < gk_routes_count; j++)
            if (!strcmp(r->name, gk_routes[j].name)) fail_msg("duplicate name %s", r->name);
    }
}

static void matching(void **state)
{
    static const struct {
        const char *method, *path;
        gk_match want;
        const char *param0;
    } cases[] = {
        {"GET", "/healthz", GK_MATCH_OK, NULL},
        {"HEAD", "/healthz", GK_MATCH_OK, NULL},
        {"POST", "/healthz", GK_MATCH_METHOD, NULL},
        {"DELETE", "/readyz", GK_MATCH_METHOD, NULL},
        {"GET", "/healthz/", GK_MATCH_NOT_FOUND, NULL},
        {"GET", "/healthzz", GK_MATCH_NOT_FOUND, NULL},
        {"GET", "/nope", GK_MATCH_NOT_FOUND, NULL},
        {"GET", "", GK_MATCH_NOT_FOUND, NULL},
        {"GET", "/static/css/giteki.css", GK_MATCH_OK, "css/giteki.css"},
        {"GET", "/static/", GK_MATCH_NOT_FOUND, NULL},
        {"GET", "/", GK_MATCH_OK, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *params[GK_MAX_PARAMS] = {0};
        char allow[128];
        int idx = -1;
        gk_match m = gk_router_match(cases[i].method, cases[i].path, &idx, params, alloc_fn, NULL,
                                     allow, sizeof allow);
        if (m != cases[i].want)
            fail_msg("%s %s: got %d, want %d", cases[i].method, cases[i].path, m, cases[i].want);
        if (m == GK_MATCH_OK) assert_true(idx >= 0 && (size_t)idx < gk_routes_count);
        if (m == GK_MATCH_METHOD) assert_non_null(strstr(allow, "GET"));
        if (cases[i].param0) assert_string_equal(params[0], cases[i].param0);
        free_params(params);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_well_formed),
        cmocka_unit_test(matching),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
