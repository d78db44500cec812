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
    unsigned scopes;  /* Bearer tokens: gk_scope bits; 0 for cookie sessions */
} gk_principal;

/* What an API token may do. A GET (or HEAD) needs READ; any other request needs the scope of
 * the caller's role (gk_scope_for_role). A token cannot create tokens at all. */
typedef enum {
    GK_SCOPE_READ = 1 << 0,
    GK_SCOPE_FILE = 1 << 1,     /* a manufacturer's filings */
    GK_SCOPE_EXAMINE = 1 << 2,  /* examiners' and administrators' work */
    GK_SCOPE_REGULATE = 1 << 3, /* the regulator's */
} gk_scope;
#define GK_SCOPES_ALL (GK_SCOPE_READ | GK_SCOPE_FILE | GK_SCOPE_EXAMINE | GK_SCOPE_REGULATE)

/* The scope an unsafe request of this role needs (0 for anonymous). */
unsigned gk_scope_for_role(gk_role role);
/* Scope names separated by spaces or commas, or a PostgreSQL array literal "{read,file}".
 * 0 when empty or when a name is unknown: fails closed. */
unsigned gk_scopes_parse(const char *text);
/* The PostgreSQL array literal ("{read,file}") of the bits; false when out is too small. */
bool gk_scopes_format(unsigned scopes, char *out, unsigned out_size);
/* The name of one bit, NULL for anything else. */
const char *gk_scope_name(unsigned bit);

/* Role names of the API ("manufacturer", ...) and back. Parsing fails closed: anything that
 * is not exactly one of the four names is GK_ROLE_ANON, never a role with more rights. */
const char *gk_role_name(gk_role role);
gk_role gk_role_parse(const char *name);

#endif
