/* The router against the real route table: "METHOD PATH" split at the first blank.
 * Oracles: a match names a route of that method (HEAD for GET) whose pattern, with the
 * parameters put back, gives the path again; 405 lists an Allow header; nothing else. */
#include "fuzz_common.h"

#include "http/request.h"
#include "http/router.h"

static void *alloc_fn(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

/* Rebuild the path from a pattern and the captured parameters. */
static char *rebuild(const char *pat, char **params)
{
    size_t len = strlen(pat) + 1;
    for (int i = 0; i < GK_MAX_PARAMS; i++)
        if (params[i]) len += strlen(params[i]);
    char *out = malloc(len), *w = out;
    FZ_CHECK(out);
    int np = 0;
    while (*pat) {
        if (*pat == '{') {
            const char *close = strchr(pat, '}');
            FZ_CHECK(close && np < GK_MAX_PARAMS && params[np]);
            size_t n = strlen(params[np]);
            memcpy(w, params[np++], n);
            w += n;
            pat = close + 1;
        } else {
            *w++ = *pat++;
        }
    }
    *w = 0;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *method, *path;
    fz_split(data, size, " ", &method, &path);
    if (!path || strlen(method) >= sizeof((gk_request *)0)->method) {
        free(method);
        free(path);
        return 0;
    }
    int index = -1;
    char *params[GK_MAX_PARAMS] = {0};
    char allow[128];
    gk_match m = gk_router_match(method, path, &index, params, alloc_fn, NULL, allow, sizeof allow);
    switch (m) {
    case GK_MATCH_OK: {
        FZ_CHECK(index >= 0 && (size_t)index < gk_routes_count);
        const gk_route *rt = &gk_routes[index];
        FZ_CHECK(!strcmp(rt->method, method) ||
                 (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET")));
        char *back = rebuild(rt->pattern, params);
        FZ_CHECK(strcmp(back, path) == 0);
        for (int i = 0; i < GK_MAX_PARAMS; i++)
            if (params[i]) FZ_CHECK(params[i][0] != 0); /* a parameter is never empty */
        free(back);
        break;
    }
    case GK_MATCH_METHOD:
        FZ_CHECK(allow[0] != 0);
        FZ_CHECK(strstr(allow, method) == NULL || strcmp(method, "GET") != 0);
        break;
    case GK_MATCH_NOT_FOUND:
        break;
    default:
        FZ_CHECK(!"unknown match result");
    }
    for (int i = 0; i < GK_MAX_PARAMS; i++)
        free(params[i]);
    free(method);
    free(path);
    return 0;
}
