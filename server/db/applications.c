#include "db/applications.h"

#include "db/db.h"
#include "db/run.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The SQL below is built from macros (TS, ...): laid out by hand, not by clang-format. */
// clang-format off
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The docs/openapi.yaml application object, built where the data is. */
#define VIEW_SQL                                                                               \
    "SELECT jsonb_build_object("                                                               \
    " 'id', a.id, 'status', a.status, 'route', a.route, 'organization_id', a.organization_id," \
    " 'device', jsonb_build_object('model_name', a.model_name, 'type_name', a.type_name,"      \
    "   'category', a.category_id, 'description', a.description,"                             \
    "   'facts', jsonb_build_object('directly_connectable', a.directly_connectable,"           \
    "     'data_transmission_facility', a.data_transmission_facility, 'uses_ip', a.uses_ip,"   \
    "     'remotely_configurable', a.remotely_configurable,"                                   \
    "     'user_installable_security_software', a.user_installable_security_software,"          \
    "     'connectable_to_carrier_line', a.connectable_to_carrier_line,"                         \
    "     'always_via_certified_equipment', a.always_via_certified_equipment)),"                 \
    " 'declarations', coalesce((SELECT jsonb_object_agg(d.requirement_id,"                     \
    "     jsonb_strip_nulls(jsonb_build_object('measure', d.measure,"                          \
    "     'description', d.description))) FROM declarations d WHERE d.application_id = a.id),"  \
    "     '{}'::jsonb),"                                                                       \
    " 'cc_certificate_id', a.cc_certificate_id, 'opt_in_rule_set', a.opt_in_rule_set_id,"      \
    " 'opt_in_reason', a.opt_in_reason, 'filing_date', a.filing_date,"                         \
    " 'determination', a.determination, 'rule_set', a.rule_set_id,"                           \
    " 'assigned_examiner_id', a.assigned_examiner_id,"                                         \
    " 'certificate_number', coalesce(a.certificate_number, (SELECT c.number FROM certificates c"\
    "     WHERE c.application_id = a.id)),"                                                    \
    " 'kind', a.kind, 'examined', gk_examined_of(a),"                                          \
    " 'agent', CASE WHEN a.agent_name IS NOT NULL THEN jsonb_build_object('name', a.agent_name,"\
    "   'address', a.agent_address, 'contact', a.agent_contact) END,"                           \
    " 'change', CASE WHEN a.kind <> 'new' THEN jsonb_build_object('kind', a.kind,"            \
    "   'certificate_number', a.certificate_number, 'summary', a.change_summary,"             \
    "   'model_name', a.added_model_name, 'affected_requirements', a.affected_requirements,"  \
    "   'holder', a.new_holder, 'version', (SELECT v.version FROM certificate_versions v"      \
    "     WHERE v.application_id = a.id),"                                                     \
    "   'carried_over', coalesce((SELECT jsonb_agg(jsonb_build_object('requirement_id',"       \
    "     v.requirement_id, 'verdict', v.verdict, 'carried_from', v.carried_from)"             \
    "     ORDER BY v.requirement_id) FROM verdicts v WHERE v.application_id = a.id"           \
    "     AND v.carried_from IS NOT NULL), '[]'::jsonb)) END,"                                 \
    " 'created_by', a.created_by, 'created_at', " TS("a.created_at") ","                      \
    " 'updated_at', " TS("a.updated_at") ", 'version', a.version)::text"                      \
    " FROM applications a"

static const gk_stmt stmts[] = {
    {"app_view", VIEW_SQL " WHERE a.id = $1 AND ($2::uuid IS NULL OR a.organization_id = $2)"},
    {"app_list",
     VIEW_SQL " WHERE ($1::uuid IS NULL OR a.organization_id = $1)"
              " AND ($1::uuid IS NOT NULL OR a.status <> 'draft')"
              " AND ($2::text IS NULL OR a.status = $2)"
              " AND ($3::uuid IS NULL OR (a.created_at, a.id) < (SELECT created_at, id"
              "      FROM applications WHERE id = $3))"
              " ORDER BY a.created_at DESC, a.id DESC LIMIT $4"},
    {"app_categories", "SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'title_en',"
                       " title_en, 'title_ja', title_ja) ORDER BY sort_order, id), '[]'::jsonb)::text"
                       " FROM device_categories"},
    {"app_lock",
     "SELECT id, organization_id, status, route, version, directly_connectable,"
     " data_transmission_facility, uses_ip, remotely_configurable,"
     " user_installable_security_software, opt_in_rule_set_id, opt_in_reason IS NOT NULL,"
     " to_char((now() AT TIME ZONE 'Asia/Tokyo')::date, 'YYYY-MM-DD'),"
     " connectable_to_carrier_line, always_via_certified_equipment, kind"
     " FROM applications WHERE id = $1 AND ($2::uuid IS NULL OR organization_id = $2)"
     " FOR UPDATE"},
    {"app_insert",
     "INSERT INTO applications (organization_id, route, model_name, type_name, category_id,"
     " description, directly_connectable, data_transmission_facility, uses_ip,"
     " remotely_configurable, user_installable_security_software, opt_in_rule_set_id,"
     " opt_in_reason, cc_certificate_id, connectable_to_carrier_line,"
     " always_via_certified_equipment, hardware_version, firmware_versions, update_method,"
     " security_support_until, agent_name, agent_address, agent_contact, created_by)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
     " $19, $20::date, $21, $22, $23, $24)"
     " RETURNING id"},
    {"app_update_draft",
     "UPDATE applications SET route = $2, model_name = $3, type_name = $4, category_id = $5,"
     " description = $6, directly_connectable = $7, data_transmission_facility = $8,"
     " uses_ip = $9, remotely_configurable = $10, user_installable_security_software = $11,"
     " opt_in_rule_set_id = $12, opt_in_reason = $13, cc_certificate_id = $14,"
     " connectable_to_carrier_line = $15, always_via_certified_equipment = $16,"
     " hardware_version = $17, firmware_versions = $18, update_method = $19,"
     " security_support_until = $20::date, agent_name = $21, agent_address = $22,"
     " agent_contact = $23"
     " WHERE id = $1 AND status = 'draft'"},
    {"app_decl_clear", "DELETE FROM declarations WHERE application_id = $1"},
    {"app_decl_insert", "INSERT INTO declarations (application_id, requirement_id, measure,"
                        " description) VALUES ($1, $2, $3, $4)"},
    {"app_submit",
     "UPDATE applications SET status = 'submitted', filing_date = $2, rule_set_id = $3,"
     " determination = $4::jsonb WHERE id = $1 AND status = 'draft'"},
    {"app_decl_prune",
     "DELETE FROM declarations d WHERE d.application_id = $1 AND NOT EXISTS (SELECT 1"
     " FROM requirements q WHERE q.rule_set_id = $2 AND q.id = d.requirement_id"
     " AND q.kind = 'requirement')"},
    {"app_set_status", "UPDATE applications SET status = $3 WHERE id = $1 AND status = $2"},
    {"app_event", "INSERT INTO application_events (application_id, from_status, to_status,"
                  " actor_id, reason) VALUES ($1, $2, $3, $4, $5)"},
    {"app_history",
     "SELECT coalesce(jsonb_agg(jsonb_build_object('from_status', e.from_status,"
     " 'to_status', e.to_status, 'actor_id', e.actor_id, 'actor_name', u.name,"
     " 'actor_role', u.role, 'at', " TS("e.at") ", 'reason', e.reason) ORDER BY e.at, e.id),"
     " '[]'::jsonb)::text"
     " FROM application_events e LEFT JOIN users u ON u.id = e.actor_id"
     " WHERE e.application_id = $1"},
    {"app_doc_kinds", "SELECT coalesce(jsonb_agg(DISTINCT kind), '[]'::jsonb)::text"
                      " FROM documents WHERE application_id = $1"},
};
// clang-format on

void gk_db_applications_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

bool gk_db_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36) return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

/* A thin wrapper over the constraint catalogue for callers that run statements themselves. */
bool gk_db_app_map_error(const PGresult *res, gk_error *e, const char **field)
{
    return gk_db_refusal(res, e, field);
}

static gk_tx_status run(PGconn *c, const char *name, int n, const char *const *v, PGresult **out,
                        gk_error *e, const char **field)
{
    return gk_db_run(c, name, n, v, out, e, field);
}

static const char *tri(gk_tristate t)
{
    return t == GK_TRI_TRUE ? "true" : t == GK_TRI_FALSE ? "false" : NULL;
}

static gk_tristate parse_tri(const PGresult *r, int col)
{
    if (PQgetisnull(r, 0, col)) return GK_TRI_UNSET;
    return PQgetvalue(r, 0, col)[0] == 't' ? GK_TRI_TRUE : GK_TRI_FALSE;
}

gk_tx_status gk_db_app_lock(PGconn *c, const char *id, const char *org_id, gk_app_row *row)
{
    memset(row, 0, sizeof *row);
    const char *v[] = {id, org_id};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "app_lock", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        row->found = true;
        snprintf(row->id, sizeof row->id, "%s", PQgetvalue(res, 0, 0));
        snprintf(row->organization_id, sizeof row->organization_id, "%s", PQgetvalue(res, 0, 1));
        snprintf(row->status, sizeof row->status, "%s", PQgetvalue(res, 0, 2));
        snprintf(row->route, sizeof row->route, "%s", PQgetvalue(res, 0, 3));
        snprintf(row->kind, sizeof row->kind, "%s", PQgetvalue(res, 0, 15));
        row->version = atoi(PQgetvalue(res, 0, 4));
        for (int f = 0; f <= GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE; f++)
            row->facts.v[f] = parse_tri(res, 5 + f);
        row->facts.v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE] = parse_tri(res, 13);
        row->facts.v[GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT] = parse_tri(res, 14);
        snprintf(row->opt_in_rule_set, sizeof row->opt_in_rule_set, "%s", PQgetvalue(res, 0, 10));
        row->has_opt_in_reason = PQgetvalue(res, 0, 11)[0] == 't';
        if (!gk_date_parse(PQgetvalue(res, 0, 12), &row->today_jst))
            row->today_jst = gk_date_today_utc();
    }
    PQclear(res);
    return GK_TX_OK;
}

static gk_tx_status json_result(PGconn *c, const char *name, int n, const char *const *v,
                                json_t **out)
{
    return gk_db_run_json(c, name, n, v, out, NULL, NULL);
}

gk_tx_status gk_db_app_view(PGconn *c, const char *id, const char *org_id, json_t **out)
{
    const char *v[] = {id, org_id};
    return json_result(c, "app_view", 2, v, out);
}

static gk_tx_status write_declarations(PGconn *c, const char *id, const gk_app_input *in,
                                       gk_error *e, const char **field)
{
    const char *v1[] = {id};
    gk_tx_status s = run(c, "app_decl_clear", 1, v1, NULL, e, field);
    for (size_t i = 0; s == GK_TX_OK && i < in->n_decl; i++) {
        const gk_app_declaration *d = &in->decl[i];
        const char *v[] = {id, d->requirement_id, d->measure, d->description};
        s = run(c, "app_decl_insert", 4, v, NULL, e, field);
    }
    return s;
}

static gk_tx_status event(PGconn *c, const char *id, const char *from, const char *to,
                          const char *actor, const char *reason, gk_error *e)
{
    const char *v[] = {id, from, to, actor, reason && *reason ? reason : NULL};
    return run(c, "app_event", 5, v, NULL, e, NULL);
}

/* The parameters app_insert and app_update_draft share: first (the organisation or the case),
 * then the application's columns in the statements' order. */
enum { APP_VALUES = 23 };
static void app_values(const char *first, const gk_app_input *in, const char *v[APP_VALUES])
{
    const gk_facts *f = &in->facts;
    const char *w[APP_VALUES] = {first,
                                 in->route,
                                 in->model_name,
                                 in->type_name,
                                 in->category,
                                 in->description,
                                 tri(f->v[GK_FACT_DIRECTLY_CONNECTABLE]),
                                 tri(f->v[GK_FACT_DATA_TRANSMISSION_FACILITY]),
                                 tri(f->v[GK_FACT_USES_IP]),
                                 tri(f->v[GK_FACT_REMOTELY_CONFIGURABLE]),
                                 tri(f->v[GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE]),
                                 in->opt_in_rule_set,
                                 in->opt_in_reason,
                                 in->cc_certificate_id,
                                 tri(f->v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE]),
                                 tri(f->v[GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT]),
                                 in->hardware_version,
                                 in->firmware_versions,
                                 in->update_method,
                                 in->security_support_until,
                                 in->agent_name,
                                 in->agent_address,
                                 in->agent_contact};
    memcpy(v, w, sizeof w);
}

gk_tx_status gk_db_app_insert(PGconn *c, const gk_app_input *in, const char *org_id,
                              const char *user_id, char id_out[37], gk_error *e, const char **field)
{
    const char *v[APP_VALUES + 1];
    app_values(org_id, in, v);
    v[APP_VALUES] = user_id;
    PGresult *res = NULL;
    gk_tx_status s = run(c, "app_insert", APP_VALUES + 1, v, &res, e, field);
    if (s != GK_TX_OK) return s;
    snprintf(id_out, 37, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    s = write_declarations(c, id_out, in, e, field);
    if (s == GK_TX_OK) s = event(c, id_out, NULL, "draft", user_id, NULL, e);
    return s;
}

gk_tx_status gk_db_app_update_draft(PGconn *c, const char *id, const gk_app_input *in, gk_error *e,
                                    const char **field)
{
    const char *v[APP_VALUES];
    app_values(id, in, v);
    gk_tx_status s = gk_db_run_one(c, "app_update_draft", APP_VALUES, v, e, field);
    if (s != GK_TX_OK) return s;
    return write_declarations(c, id, in, e, field);
}

gk_tx_status gk_db_app_submit(PGconn *c, const char *id, const char *actor_id, gk_date filing_date,
                              const char *rule_set_id, const char *determination_json, gk_error *e,
                              const char **field)
{
    char fd[GK_DATE_BUF];
    gk_date_format(filing_date, fd);
    const char *v[] = {id, fd, rule_set_id, determination_json};
    gk_tx_status s = gk_db_run_one(c, "app_submit", 4, v, e, field);
    if (s != GK_TX_OK) return s;
    return event(c, id, "draft", "submitted", actor_id, NULL, e);
}

gk_tx_status gk_db_app_prune_declarations(PGconn *c, const char *id, const char *rule_set_id)
{
    const char *v[] = {id, rule_set_id};
    return run(c, "app_decl_prune", 2, v, NULL, NULL, NULL);
}

gk_tx_status gk_db_app_transition(PGconn *c, const char *id, const char *from, const char *to,
                                  const char *actor_id, const char *reason, gk_error *e)
{
    const char *v[] = {id, from, to};
    gk_tx_status s = gk_db_run_one(c, "app_set_status", 3, v, e, NULL);
    if (s != GK_TX_OK) return s;
    return event(c, id, from, to, actor_id, reason, e);
}

gk_tx_status gk_db_app_list(PGconn *c, const char *org_id, const char *status, const char *after,
                            int limit, json_t **items, char **next)
{
    *items = NULL;
    *next = NULL;
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit + 1); /* one more tells whether a next page exists */
    const char *v[] = {org_id, status, after, lim};
    return gk_db_run_page(c, "app_list", 4, v, limit, items, next);
}

gk_tx_status gk_db_app_history(PGconn *c, const char *id, json_t **items)
{
    const char *v[] = {id};
    return json_result(c, "app_history", 1, v, items);
}

gk_tx_status gk_db_app_document_kinds(PGconn *c, const char *id, json_t **kinds)
{
    const char *v[] = {id};
    return json_result(c, "app_doc_kinds", 1, v, kinds);
}

gk_tx_status gk_db_app_categories(PGconn *c, json_t **items)
{
    return json_result(c, "app_categories", 0, NULL, items);
}
