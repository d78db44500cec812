#include "http/router.h"

#include <stdio.h>
#include <string.h>

/* Compare one pattern with a path; on success copy parameters. A parameter matches one
 * non-empty segment; "{*name}" matches the non-empty rest of the path. */
static bool match_pattern(const char *pat, const char *path, char **params,
                          void *(*alloc_fn)(void *, size_t), void *ctx)
{
    int np = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *close = strchr(pat, '}');
            if (!close) return false;
            bool rest = pat[1] == '*';
            size_t len = rest ? strlen(path) : strcspn(path, "/");
            if (len == 0 || np >= GK_MAX_PARAMS) return false;
            if (params) {
                char *v = alloc_fn(ctx, len + 1);
                if (!v) return false;
                memcpy(v, path, len);
                v[len] = 0;
                params[np] = v;
            }
            np++;
            path += len;
            pat = close + 1;
        } else if (*pat++ != *path++) {
            return false;
        }
    }
    return *pat == 0 && *path == 0;
}

static bool same_method(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

gk_match gk_router_match(const char *method, const char *path, int *index, char **params,
                         void *(*alloc_fn)(void *, size_t), void *ctx, char *allow,
                         size_t allow_len)
{
    bool path_known = false;
    if (allow_len) allow[0] = 0;
    for (size_t i = 0; i < gk_routes_count; i++) {
        const gk_route *rt = &gk_routes[i];
        if (!match_pattern(rt->pattern, path, NULL, NULL, NULL)) continue;
        if (same_method(rt->method, method)) {
            *index = (int)i;
            return match_pattern(rt->pattern, path, params, alloc_fn, ctx) ? GK_MATCH_OK
                                                                           : GK_MATCH_NOT_FOUND;
        }
        path_known = true;
        size_t used = strlen(allow);
        const char *sep = used ? ", " : "";
        if (strcmp(rt->method, "GET") == 0)
            snprintf(allow + used, allow_len - used, "%sGET, HEAD", sep);
        else
            snprintf(allow + used, allow_len - used, "%s%s", sep, rt->method);
    }
    return path_known ? GK_MATCH_METHOD : GK_MATCH_NOT_FOUND;
}
