/* Who is acting: the role bits the route table and the services check, and the signed-in
 * principal. No I/O; shared by the HTTP layer (which fills it from a session or token), the
 * services (which authorise with it) and the command line (which acts as nobody). */
#ifndef GK_AUTH_PRINCIPAL_H
#define GK_AUTH_PRINCIPAL_H

#include <stdbool.h>

typedef enum {
    GK_ROLE_ANON = 1 << 0, /* nobody signed in */
    GK_ROLE_MANUFACTURER = 1 << 1,
    GK_ROLE_EXAMINER = 1 << 2,
    GK_ROLE_REGULATOR = 1 << 3,
    GK_ROLE_ADMIN = 1 << 4,
} gk_role;
#define GK_ROLES_USERS (GK_ROLE_MANUFACTURER | GK_ROLE_EXAMINER | GK_ROLE_REGULATOR | GK_ROLE_ADMIN)
#define GK_ROLES_ALL (GK_ROLE_ANON | GK_ROLES_USERS)

/* The signed-in principal, filled by authentication (NULL fields when anonymous). */
typedef struct {
    char *id;
    char *organization_id; /* manufacturers only */
    char *email, *name;
    gk_role role; /* GK_ROLE_ANON when nobody is signed in */
    char *session_id;
    char *csrf_token; /* cookie sessions: the token forms must carry (web/page.c puts it in
                         every page's model as "csrf_token") */
    bool via_cookie;  /* cookie sessions need CSRF tokens on unsafe requests */
} gk_principal;

/* Role names of the API ("manufacturer", ...) and back. Parsing fails closed: anything that
 * is not exactly one of the four names is GK_ROLE_ANON, never a role with more rights. */
const char *gk_role_name(gk_role role);
gk_role gk_role_parse(const char *name);

#endif
