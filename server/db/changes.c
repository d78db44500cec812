/* The change statements (see changes.h). */
#include "db/changes.h"

#include "crypto/canonical_json.h"
#include "crypto/sign.h"
#include "db/certificates.h"
#include "db/db.h"
#include "db/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
#define TODAY_JST "(now() AT TIME ZONE 'Asia/Tokyo')::date"

static const gk_stmt stmts[] = {
    {"change_target",
     "SELECT c.status, coalesce(c.organization_id::text, ''), c.application_id IS NOT NULL,"
     " EXISTS (SELECT 1 FROM applications x WHERE x.certificate_number = c.number"
     "   AND x.status NOT IN ('granted', 'rejected', 'withdrawn', 'closed_not_required'))"
     " FROM certificates c WHERE c.number = $1"
     " AND ($2::uuid IS NULL OR c.organization_id = $2) FOR UPDATE OF c"},
    {"change_unknown_requirements",
     "SELECT coalesce(jsonb_agg(r ORDER BY r), '[]'::jsonb)::text"
     " FROM unnest(string_to_array(replace($2, ' ', ''), ',')) r"
     " WHERE r <> '' AND NOT EXISTS (SELECT 1 FROM requirements q JOIN certificates c"
     "   ON c.rule_set_id = q.rule_set_id WHERE c.number = $1 AND q.id = r"
     "   AND q.kind = 'requirement')"},
    {"change_insert",
     "INSERT INTO applications (organization_id, route, model_name, type_name, category_id,"
     " description, directly_connectable, data_transmission_facility, uses_ip,"
     " remotely_configurable, user_installable_security_software, opt_in_rule_set_id,"
     " opt_in_reason, cc_certificate_id, connectable_to_carrier_line,"
     " always_via_certified_equipment, created_by, hardware_version, firmware_versions,"
     " update_method, security_support_until, kind, certificate_number, change_summary,"
     " added_model_name, affected_requirements, new_holder)"
     " SELECT b.organization_id, b.route, b.model_name, b.type_name, b.category_id,"
     " b.description, b.directly_connectable, b.data_transmission_facility, b.uses_ip,"
     " b.remotely_configurable, b.user_installable_security_software, b.opt_in_rule_set_id,"
     " b.opt_in_reason, b.cc_certificate_id, b.connectable_to_carrier_line,"
     " b.always_via_certified_equipment, $2,"
     " coalesce($3, cur.examined ->> 'hardware_version'),"
     " coalesce($4, cur.examined ->> 'firmware_versions'),"
     " coalesce($5, cur.examined ->> 'update_method'),"
     " coalesce($6::date, (cur.examined ->> 'security_support_until')::date),"
     " $7, c.number, $8, $9,"
     " CASE WHEN $7 = 'partial_change' THEN string_to_array(replace(coalesce($10, ''), ' ', ''), ',') END,"
     " $11::jsonb"
     " FROM certificates c JOIN applications b ON b.id = c.application_id"
     " CROSS JOIN LATERAL (SELECT gk_certificate_current(c.number) -> 'examined' AS examined) cur"
     " WHERE c.number = $1 RETURNING id"},
    {"change_copy_declarations",
     "INSERT INTO declarations (application_id, requirement_id, measure, description)"
     " SELECT $1, d.requirement_id, d.measure, d.description FROM declarations d"
     " JOIN certificates c ON c.application_id = d.application_id WHERE c.number = $2"},
    {"change_submit",
     "UPDATE applications a SET status = 'submitted', filing_date = " TODAY_JST ","
     " rule_set_id = b.rule_set_id, determination = b.determination"
     " FROM certificates c JOIN applications b ON b.id = c.application_id"
     " WHERE a.id = $1 AND c.number = a.certificate_number AND a.status = 'draft'"},
    {"change_event",
     "INSERT INTO application_events (application_id, from_status, to_status, actor_id, reason)"
     " VALUES ($1, $2, $3, $4, $5)"},
    {"change_payload",
     "SELECT jsonb_build_object('format', 'giteki.certificate_version.v1',"
     " 'number', a.certificate_number,"
     " 'version', coalesce((SELECT max(v.version) FROM certificate_versions v"
     "   WHERE v.certificate_number = a.certificate_number), 1) + 1,"
     " 'kind', a.kind, 'summary', a.change_summary, 'effective_on', " TODAY_JST ","
     " 'model_names', CASE WHEN a.kind = 'name_addition'"
     "   THEN (cur -> 'model_names') || to_jsonb(a.added_model_name::text)"
     "   ELSE cur -> 'model_names' END,"
     /* a new holder's names replace the old ones; its addresses too when it gives one */
     " 'holder', CASE WHEN a.kind = 'holder_change' THEN (cur -> 'holder') - 'name_ja'"
     "   - 'name_en' - (CASE WHEN a.new_holder ?| ARRAY['address_ja', 'address_en']"
     "   THEN ARRAY['address_ja', 'address_en'] ELSE ARRAY[]::text[] END) || a.new_holder"
     "   ELSE cur -> 'holder' END,"
     " 'examined', CASE WHEN a.kind = 'partial_change' THEN gk_examined_of(a)"
     "   ELSE cur -> 'examined' END,"
     " 'certification_body', gk_body_code())::text"
     " FROM applications a CROSS JOIN LATERAL gk_certificate_current(a.certificate_number) cur"
     " WHERE a.id = $1 AND a.kind <> 'new'"},
    {"change_version_insert",
     "INSERT INTO certificate_versions (certificate_number, version, application_id, kind,"
     " summary, effective_on, model_names, holder, examined, canonical_json, signature, key_id,"
     " actor_id)"
     " SELECT p ->> 'number', (p ->> 'version')::integer, $1, p ->> 'kind', p ->> 'summary',"
     " (p ->> 'effective_on')::date, p -> 'model_names', p -> 'holder', p -> 'examined',"
     " $2::text::json, decode($3, 'hex'), $4, $5 FROM (SELECT $2::text::jsonb AS p) x"},
    {"change_name_taken",
     "SELECT coalesce(gk_certificate_current($1) -> 'model_names' ? $2, false)"},
    {"change_exhibit",
     "SELECT x::text FROM jsonb_array_elements(gk_certificate_exhibits($1, " TODAY_JST ")) x"
     " WHERE x ->> 'id' = $2"},
};
// clang-format on

void gk_db_changes_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_change_target(PGconn *c, const char *number, const char *org,
                                 gk_change_target *out)
{
    memset(out, 0, sizeof *out);
    const char *v[] = {number, org};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "change_target", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        out->found = true;
        gk_db_text(out->status, sizeof out->status, res, 0, 0);
        gk_db_text(out->organization_id, sizeof out->organization_id, res, 0, 1);
        out->issued_here = PQgetvalue(res, 0, 2)[0] == 't';
        out->change_open = PQgetvalue(res, 0, 3)[0] == 't';
    }
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_change_unknown_requirements(PGconn *c, const char *number, const char *csv_list,
                                               json_t **out)
{
    const char *v[] = {number, csv_list};
    return gk_db_run_json(c, "change_unknown_requirements", 2, v, out, NULL, NULL);
}

gk_tx_status gk_db_change_file(PGconn *c, const gk_change_filing *f, char id_out[37], gk_error *e,
                               const char **field)
{
    const char *v[] = {f->number,
                       f->actor_id,
                       f->hardware_version,
                       f->firmware_versions,
                       f->update_method,
                       f->security_support_until,
                       f->kind,
                       f->summary,
                       f->added_model_name,
                       f->affected_requirements,
                       f->new_holder_json};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "change_insert", 11, v, &res, e, field);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return GK_TX_HARD;
    }
    gk_db_text(id_out, 37, res, 0, 0);
    PQclear(res);
    const char *d[] = {id_out, f->number};
    s = gk_db_run(c, "change_copy_declarations", 2, d, NULL, e, field);
    const char *ev1[] = {id_out, NULL, "draft", f->actor_id, NULL};
    if (s == GK_TX_OK) s = gk_db_run(c, "change_event", 5, ev1, NULL, e, field);
    if (s != GK_TX_OK || f->as_draft) return s;
    const char *sv[] = {id_out};
    s = gk_db_run_one(c, "change_submit", 1, sv, e, field);
    const char *ev2[] = {id_out, "draft", "submitted", f->actor_id, f->summary};
    if (s == GK_TX_OK) s = gk_db_run(c, "change_event", 5, ev2, NULL, e, field);
    return s;
}

gk_tx_status gk_db_change_make_version(PGconn *c, struct gk_keystore *ks, const char *app_id,
                                       const char *actor_id, char number_out[GK_CERT_NUMBER_BUF],
                                       gk_error *e)
{
    const char *v[] = {app_id};
    json_t *payload = NULL;
    gk_tx_status s = gk_db_run_json(c, "change_payload", 1, v, &payload, e, NULL);
    if (s != GK_TX_OK) return s;
    const char *number = json_string_value(json_object_get(payload, "number"));
    if (!payload || !number || strlen(number) >= GK_CERT_NUMBER_BUF) {
        json_decref(payload);
        return GK_TX_HARD;
    }
    snprintf(number_out, GK_CERT_NUMBER_BUF, "%s", number);
    const char *key_id = ks ? gk_keystore_active_key_id(ks) : NULL;
    if (!key_id) {
        json_decref(payload);
        return GK_TX_HARD;
    }
    json_object_set_new(payload, "key_id", json_string(key_id));
    char *canon = gk_canonical_json(payload);
    json_decref(payload);
    if (!canon) return GK_TX_HARD;
    char sig_hex[2 * GK_SIGN_SIGNATURE_LEN + 1];
    const char *signed_by = NULL;
    s = gk_db_cert_sign(c, ks, canon, sig_hex, &signed_by, e);
    if (s == GK_TX_OK && strcmp(signed_by, key_id) != 0) s = GK_TX_HARD;
    const char *iv[] = {app_id, canon, sig_hex, key_id, actor_id};
    if (s == GK_TX_OK) s = gk_db_run(c, "change_version_insert", 5, iv, NULL, e, NULL);
    free(canon);
    return s;
}

gk_tx_status gk_db_change_exhibit(PGconn *c, const char *number, const char *doc_id, json_t **out)
{
    const char *v[] = {number, doc_id};
    return gk_db_run_json(c, "change_exhibit", 2, v, out, NULL, NULL);
}

gk_tx_status gk_db_change_name_taken(PGconn *c, const char *number, const char *model_name,
                                     bool *taken)
{
    *taken = false;
    const char *v[] = {number, model_name};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "change_name_taken", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    *taken = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return GK_TX_OK;
}
