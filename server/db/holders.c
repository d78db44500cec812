/* The holder statements (see holders.h). */
#include "db/holders.h"

#include "db/db.h"
#include "db/run.h"

// clang-format off
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define INSPECTION(i)                                                                              \
    "jsonb_build_object('id', " i ".id, 'certificate_number', " i ".certificate_number,"         \
    " 'inspected_on', " i ".inspected_on, 'lot', " i ".lot, 'quantity', " i ".quantity,"         \
    " 'result', " i ".result, 'notes', " i ".notes, 'inspector', " i ".inspector,"               \
    " 'recorded_by', " i ".recorded_by, 'recorded_at', " TS(i ".recorded_at") ")"

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
    {"insp_target",
     "SELECT route FROM certificates WHERE number = $1"
     " AND ($2::uuid IS NULL OR organization_id = $2)"},
    {"insp_insert",
     "WITH i AS (INSERT INTO design_inspections (certificate_number, inspected_on, lot, quantity,"
     " result, notes, inspector, recorded_by) VALUES ($1, $2::date, $3, $4::integer, $5, $6, $7,"
     " $8) RETURNING *) SELECT " INSPECTION("i") "::text FROM i"},
    {"insp_list",
     "SELECT coalesce(jsonb_agg(" INSPECTION("i") " ORDER BY i.inspected_on, i.id), '[]'::jsonb)::text"
     " FROM design_inspections i WHERE i.certificate_number = $1"},
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

gk_tx_status gk_db_inspection_target(PGconn *c, const char *number, const char *org, char route[16],
                                     bool *found)
{
    *found = false;
    route[0] = 0;
    const char *v[] = {number, org};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "insp_target", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        *found = true;
        gk_db_text(route, 16, res, 0, 0);
    }
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_inspection_add(PGconn *c, const gk_inspection_row *row, json_t **out,
                                  gk_error *e, const char **field)
{
    const char *v[] = {row->number, row->inspected_on, row->lot,       row->quantity,
                       row->result, row->notes,        row->inspector, row->user_id};
    return gk_db_run_json(c, "insp_insert", 8, v, out, e, field);
}

gk_tx_status gk_db_inspections(PGconn *c, const char *number, json_t **out)
{
    const char *v[] = {number};
    return gk_db_run_json(c, "insp_list", 1, v, out, NULL, NULL);
}
