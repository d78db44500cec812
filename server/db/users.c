#include "db/users.h"

#include "db/applications.h"
#include "db/db.h"
#include "db/run.h"
#include "db/tx.h"

#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

static const gk_stmt stmts[] = {
    {"user_insert", "INSERT INTO users (email, name, role, organization_id, password_hash) "
                    "VALUES ($1, $2, $3, $4::uuid, $5) RETURNING id"},
    {"user_set_lead", "UPDATE users SET lead_examiner = $2::boolean WHERE id = $1::uuid"},
};

void gk_users_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_error gk_users_insert(PGconn *c, const char *email, const char *name, const char *role,
                         const char *organization_id, const char *password_hash, char **id_out,
                         const char **field)
{
    /* Stored folded (NFKC + case folding), as every lookup folds what it is given. */
    char *folded = email ? gk_utf8_fold(email) : NULL;
    const char *v[] = {folded ? folded : email, name, role, organization_id, password_hash};
    PGresult *r = NULL;
    gk_error e = GK_ERR_OK;
    *field = NULL;
    gk_tx_status s = gk_db_run(c, "user_insert", 5, v, &r, &e, field);
    free(folded);
    if (s == GK_TX_ABORT) {
        /* A label domain names no column; a text the uuid type refuses is the organisation. */
        if (!*field)
            *field =
                organization_id && !gk_db_is_uuid(organization_id) ? "organization_id" : "user";
        return e;
    }
    if (s != GK_TX_OK) return gk_tx_error(s);
    *id_out = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return *id_out ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_users_set_lead_examiner(PGconn *c, const char *user_id, bool lead)
{
    const char *v[] = {user_id, lead ? "true" : "false"};
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    gk_tx_status s = gk_db_run(c, "user_set_lead", 2, v, NULL, &e, &field);
    if (s == GK_TX_ABORT) return e;
    return s == GK_TX_OK ? GK_ERR_OK : gk_tx_error(s);
}
