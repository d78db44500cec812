/* Users in the database: creation (command line, signup, admin) and lookups. */
#ifndef GK_DB_USERS_H
#define GK_DB_USERS_H

#include "errors.h"

#include <libpq-fe.h>
#include <stdbool.h>

void gk_users_register(void);

/* Insert a user. organization_id may be NULL (required for manufacturers: the database
 * refuses otherwise). On success returns GK_ERR_OK and *id_out (malloc'd). Returns
 * GK_ERR_ALREADY_EXISTS for a taken e-mail address, GK_ERR_VALIDATION when a database
 * constraint refused a value (*field names it), GK_ERR_UNAVAILABLE, or GK_ERR_INTERNAL. */
gk_error gk_users_insert(PGconn *c, const char *email, const char *name, const char *role,
                         const char *organization_id, const char *password_hash, char **id_out,
                         const char **field);

/* Make an examiner a lead examiner (or not): issue 18 item 3, schema/0018_four_eyes.sql.
 * GK_ERR_VALIDATION when the user is not an examiner (users_lead_examiner_is_examiner). */
gk_error gk_users_set_lead_examiner(PGconn *c, const char *user_id, bool lead);

#endif
