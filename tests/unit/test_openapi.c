/* docs/openapi.yaml describes every API route of the route table with its method, and
 * describes nothing the server does not serve. Pages (/, /static, /signin ...) are HTML and
 * not part of the API document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "http/router.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char path[1024];
    char method[8];
} op;

static size_t read_ops(op *ops, size_t max)
{
    FILE *f = fopen("docs/openapi.yaml", "r");
    assert_non_null(f);
    char line[1024], cur[1024] = "";
    bool in_paths = false;
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "paths:", 6)) {
            in_paths = true;
            continue;
        }
        if (!in_paths) continue;
        if (line[0] != ' ' && line[0] != '\n') break; /* next top-level key */
        if (!strncmp(line, "  /", 3)) {
            char *colon = strrchr(line, ':');
            assert_non_null(colon);
            *colon = 0;
            snprintf(cur, sizeof cur, "%s", line + 2);
            continue;
        }
        static const char *methods[] = {"get", "post", "put", "patch", "delete"};
        for (size_t m = 0; m < 5; m++) {
            char want[32];
            snprintf(want, sizeof want, "    %s:", methods[m]);
            if (!strncmp(line, want, strlen(want)) && n < max) {
                snprintf(ops[n].path, sizeof ops[n].path, "%s", cur);
                snprintf(ops[n].method, sizeof ops[n].method, "%s", methods[m]);
                for (char *c = ops[n].method; *c; c++)
                    *c = (char)toupper((unsigned char)*c);
                n++;
            }
        }
    }
    fclose(f);
    return n;
}

static bool is_api(const char *pattern)
{
    return !strncmp(pattern, "/api/", 5) || !strcmp(pattern, "/healthz") ||
           !strcmp(pattern, "/readyz") || !strcmp(pattern, "/metrics");
}

static void every_api_route_is_documented(void **state)
{
    op ops[512];
    size_t n = read_ops(ops, 512);
    assert_true(n > 0);
    for (size_t i = 0; i < gk_routes_count; i++) {
        const gk_route *rt = &gk_routes[i];
        if (!is_api(rt->pattern)) continue;
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found |= !strcmp(ops[k].path, rt->pattern) && !strcmp(ops[k].method, rt->method);
        if (!found) fail_msg("docs/openapi.yaml lacks %s %s", rt->method, rt->pattern);
    }
    for (size_t k = 0; k < n; k++) {
        bool found = false;
        for (size_t i = 0; i < gk_routes_count; i++)
            found |= !strcmp(ops[k].path, gk_routes[i].pattern) &&
                     !strcmp(ops[k].method, gk_routes[i].method);
        if (!found)
            fail_msg("docs/openapi.yaml documents %s %s, which the server does not serve",
                     ops[k].method, ops[k].path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_api_route_is_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
