#include "db/users.h"

#include "db/db.h"
#include "db/tx.h"

#include <stdlib.h>
#include <string.h>

static const gk_stmt stmts[] = {
    {"user_insert", "INSERT INTO users (email, name, role, organization_id, password_hash) "
                    "VALUES ($1, $2, $3, $4::uuid, $5) RETURNING id"},
};

void gk_users_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

/* Which input a violated constraint is about, from the constraint's name. */
static const char *constraint_field(const char *constraint)
{
    static const struct {
        const char *prefix, *field;
    } map[] = {
        {"users_email", "email"},
        {"users_role", "role"},
        {"users_organization", "organization_id"},
        {"users_name", "name"},
        {"users_password", "password"},
    };
    for (size_t i = 0; constraint && i < sizeof map / sizeof *map; i++)
        if (!strncmp(constraint, map[i].prefix, strlen(map[i].prefix))) return map[i].field;
    return NULL;
}

gk_error gk_users_insert(PGconn *c, const char *email, const char *name, const char *role,
                         const char *organization_id, const char *password_hash, char **id_out,
                         const char **field)
{
    const char *v[] = {email, name, role, organization_id, password_hash};
    PGresult *r = gk_db_exec(c, "user_insert", 5, v);
    *field = NULL;
    if (!r) return GK_ERR_UNAVAILABLE;
    gk_error e = GK_ERR_OK;
    if (gk_db_ok(r)) {
        *id_out = strdup(PQgetvalue(r, 0, 0));
        if (!*id_out) e = GK_ERR_INTERNAL;
    } else {
        const char *st = gk_db_sqlstate(r);
        const char *cons = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
        if (!strcmp(st, "23505")) {
            e = GK_ERR_ALREADY_EXISTS;
            *field = "email";
        } else if (!strncmp(st, "23", 2) || !strcmp(st, "22P02")) {
            e = GK_ERR_VALIDATION; /* check, foreign key, not-null or a bad uuid */
            *field = constraint_field(cons);
            if (!*field) *field = !strcmp(st, "22P02") || !strcmp(st, "23503")
                                      ? "organization_id" : "user";
        } else {
            gk_tx_check(r, "user_insert");
            e = GK_ERR_INTERNAL;
        }
    }
    PQclear(r);
    return e;
}
