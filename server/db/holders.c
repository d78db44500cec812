/* The holder statements (see holders.h). */
#include "db/holders.h"

#include "db/db.h"
#include "db/run.h"

// clang-format off
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const gk_stmt stmts[] = {
    {"holder_get",
     "SELECT jsonb_build_object('id', o.id, 'name', o.name, 'name_ja', o.name_ja,"
     " 'name_en', o.name_en, 'corporate_number', o.corporate_number,"
     " 'address_ja', o.address_ja, 'address_en', o.address_en, 'country', o.country,"
     " 'representative', o.representative, 'representative_title', o.representative_title,"
     " 'contact', jsonb_build_object('name', o.contact_name, 'phone', o.contact_phone,"
     "   'email', o.contact_email),"
     " 'agent', jsonb_build_object('name', o.agent_name, 'address', o.agent_address),"
     " 'updated_at', " TS("o.updated_at") ")::text"
     " FROM organizations o WHERE o.id = $1"},
    /* In the order of gk_holder_fields(). */
    {"holder_put",
     "UPDATE organizations SET name = $2, name_ja = $3, name_en = $4, corporate_number = $5,"
     " address_ja = $6, address_en = $7, country = $8, representative = $9,"
     " representative_title = $10, contact_name = $11, contact_phone = $12,"
     " contact_email = $13, agent_name = $14, agent_address = $15 WHERE id = $1"},
};
// clang-format on

void gk_db_holders_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_holder_get(PGconn *c, const char *org_id, json_t **out)
{
    const char *v[] = {org_id};
    return gk_db_run_json(c, "holder_get", 1, v, out, NULL, NULL);
}

gk_tx_status gk_db_holder_put(PGconn *c, const char *org_id, const gk_holder_values *h, gk_error *e,
                              const char **field)
{
    const char *v[1 + GK_HOLDER_NFIELDS];
    v[0] = org_id;
    for (int i = 0; i < GK_HOLDER_NFIELDS; i++)
        v[1 + i] = h->v[i] && *h->v[i] ? h->v[i] : NULL;
    return gk_db_run_one(c, "holder_put", 1 + GK_HOLDER_NFIELDS, v, e, field);
}
