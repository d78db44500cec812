/* Every route has a decided audience: gk_routes[] (server/http/routes.c) against the
 * expectation table tests/api/authz_expect.h, written separately from the contract.
 *
 * - a route without a row in the table fails (so adding a route means deciding who may call
 *   it, in a second place that a reviewer reads against api.md);
 * - a route whose roles differ from its row fails, naming the roles let in or left out;
 * - a row without a route fails (a removed or renamed route leaves no stale expectation);
 * - the body kind agrees (the API walk must send a Content-Type the route accepts: a wrong one
 *   is refused with 415 before authentication, and the walk would prove nothing);
 * - each row's sample path (used by the API walk) is matched by that very route, so the walk
 *   really exercises the route it claims to.
 * All mismatches are listed before the test fails, so one run shows the whole difference. */
/* cmocka.h needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
// clang-format on

#include "http/request.h"
#include "http/router.h"

#include "../api/authz_expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table's callers onto the server's roles, one by one (no assumption that the bits are
 * the same numbers). */
static const struct {
    unsigned az;
    unsigned gk;
    const char *name;
} role_map[] = {
    {AZ_ANON, GK_ROLE_ANON, "anonymous"},    {AZ_MAKER, GK_ROLE_MANUFACTURER, "manufacturer"},
    {AZ_EXAM, GK_ROLE_EXAMINER, "examiner"}, {AZ_REG, GK_ROLE_REGULATOR, "regulator"},
    {AZ_ADMIN, GK_ROLE_ADMIN, "admin"},
};
#define N_ROLES (sizeof role_map / sizeof role_map[0])

static const struct {
    az_body az;
    gk_body_kind gk;
} body_map[] = {
    {AZ_B_NONE, GK_BODY_NONE}, {AZ_B_JSON, GK_BODY_JSON},
    {AZ_B_FORM, GK_BODY_FORM}, {AZ_B_JSON_OR_FORM, GK_BODY_JSON_OR_FORM},
    {AZ_B_CSV, GK_BODY_CSV},   {AZ_B_MULTIPART, GK_BODY_MULTIPART},
};

/* AZ_* bits as gk_role bits; an unknown AZ bit maps to a bit no role has, so it shows. */
static unsigned to_gk(unsigned az)
{
    unsigned gk = 0;
    for (size_t i = 0; i < N_ROLES; i++)
        if (az & role_map[i].az) {
            gk |= role_map[i].gk;
            az &= ~role_map[i].az;
        }
    return az ? gk | 0x80000000u : gk;
}

/* "manufacturer, admin" for gk_role bits. */
static void role_names(unsigned gk, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < N_ROLES; i++)
        if (gk & role_map[i].gk) {
            size_t n = strlen(out);
            snprintf(out + n, size - n, "%s%s", n ? ", " : "", role_map[i].name);
        }
    if (!out[0]) snprintf(out, size, "nobody");
}

static const az_expect *row_for(const char *method, const char *pattern, size_t *count)
{
    const az_expect *found = NULL;
    *count = 0;
    for (size_t i = 0; i < AZ_TABLE_LEN; i++)
        if (!strcmp(az_table[i].method, method) && !strcmp(az_table[i].pattern, pattern)) {
            if (!found) found = &az_table[i];
            (*count)++;
        }
    return found;
}

/* The role-map itself covers every role the server knows, once each. */
static void role_map_is_complete(void **state)
{
    unsigned all_gk = 0, all_az = 0;
    for (size_t i = 0; i < N_ROLES; i++) {
        assert_int_equal(all_gk & role_map[i].gk, 0);
        assert_int_equal(all_az & role_map[i].az, 0);
        all_gk |= role_map[i].gk;
        all_az |= role_map[i].az;
    }
    assert_int_equal(all_gk, GK_ROLES_ALL);
    assert_int_equal(all_az, AZ_ALL);
}

/* Every route has exactly one row, with the same roles and body kind. */
static void every_route_has_its_expected_roles(void **state)
{
    unsigned problems = 0;
    for (size_t i = 0; i < gk_routes_count; i++) {
        const gk_route *rt = &gk_routes[i];
        size_t count;
        const az_expect *e = row_for(rt->method, rt->pattern, &count);
        if (!e) {
            char have[128];
            role_names(rt->roles, have, sizeof have);
            printf("route %s %s (%s) has no row in tests/api/authz_expect.h: decide who may "
                   "call it (the route table lets in: %s)\n",
                   rt->method, rt->pattern, rt->name, have);
            problems++;
            continue;
        }
        if (count > 1) {
            printf("route %s %s has %zu rows in tests/api/authz_expect.h\n", rt->method,
                   rt->pattern, count);
            problems++;
        }
        unsigned want = to_gk(e->allowed);
        if (want != rt->roles) {
            char extra[128], missing[128];
            role_names(rt->roles & ~want, extra, sizeof extra);
            role_names(want & ~rt->roles, missing, sizeof missing);
            printf("route %s %s (%s): roles differ from the expectation: the route table also "
                   "lets in [%s], and leaves out [%s]\n",
                   rt->method, rt->pattern, rt->name, extra, missing);
            problems++;
        }
        bool body_ok = false;
        for (size_t b = 0; b < sizeof body_map / sizeof body_map[0]; b++)
            if (body_map[b].az == e->body) body_ok = body_map[b].gk == rt->body;
        if (!body_ok) {
            printf("route %s %s (%s): body kind %d in the route table, %d in the expectation\n",
                   rt->method, rt->pattern, rt->name, (int)rt->body, (int)e->body);
            problems++;
        }
    }
    if (problems)
        fail_msg("%u difference(s) between gk_routes[] and the expectation table", problems);
}

/* No row outlives its route. */
static void every_row_has_a_route(void **state)
{
    unsigned problems = 0;
    for (size_t i = 0; i < AZ_TABLE_LEN; i++) {
        bool found = false;
        for (size_t j = 0; j < gk_routes_count && !found; j++)
            found = !strcmp(gk_routes[j].method, az_table[i].method) &&
                    !strcmp(gk_routes[j].pattern, az_table[i].pattern);
        if (!found) {
            printf("expectation %s %s names no route of gk_routes[]\n", az_table[i].method,
                   az_table[i].pattern);
            problems++;
        }
        if (az_table[i].allowed == 0 || (az_table[i].allowed & ~(unsigned)AZ_ALL)) {
            printf("expectation %s %s: allowed must be a non-empty set of AZ_* roles\n",
                   az_table[i].method, az_table[i].pattern);
            problems++;
        }
    }
    if (problems) fail_msg("%u stale or malformed row(s)", problems);
}

static void *alloc_fn(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

/* The sample path with its {{variables}} replaced by plausible values, query cut off. */
static void concrete_path(const char *sample, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = sample; *p && *p != '?' && o + 1 < size;) {
        if (p[0] == '{' && p[1] == '{') {
            const char *end = strstr(p, "}}");
            assert_non_null(end);
            const char *v = "0b5e7a9c-3f1d-4c2a-9e8b-7d6c5b4a3921";
            size_t n = strlen(v);
            assert_true(o + n < size);
            memcpy(out + o, v, n);
            o += n;
            p = end + 2;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

/* The API walk sends each sample to the server: it must land on the row's own route. */
static void every_sample_path_hits_its_route(void **state)
{
    unsigned problems = 0;
    for (size_t i = 0; i < AZ_TABLE_LEN; i++) {
        const az_expect *e = &az_table[i];
        char path[512], allow[128];
        char *params[GK_MAX_PARAMS] = {0};
        int index = -1;
        concrete_path(e->sample, path, sizeof path);
        gk_match m =
            gk_router_match(e->method, path, &index, params, alloc_fn, NULL, allow, sizeof allow);
        for (int p = 0; p < GK_MAX_PARAMS; p++)
            free(params[p]);
        if (m != GK_MATCH_OK || index < 0 || (size_t)index >= gk_routes_count ||
            strcmp(gk_routes[index].pattern, e->pattern) ||
            strcmp(gk_routes[index].method, e->method)) {
            printf("sample %s %s is served by %s, not by its row's route %s\n", e->method,
                   e->sample,
                   m == GK_MATCH_OK && index >= 0 ? gk_routes[index].pattern : "no route",
                   e->pattern);
            problems++;
        }
    }
    if (problems) fail_msg("%u sample path(s) do not reach their route", problems);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(role_map_is_complete),
        cmocka_unit_test(every_route_has_its_expected_roles),
        cmocka_unit_test(every_row_has_a_route),
        cmocka_unit_test(every_sample_path_hits_its_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
