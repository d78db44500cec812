/* The examination statements (see examination.h). */
#include "db/examination.h"

#include "db/applications.h"
#include "db/db.h"
#include "db/run.h"
#include "domain/examination.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The SQL below is built from macros (TS, ...): laid out by hand, not by clang-format. */
// clang-format off
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define TODAY_JST "(now() AT TIME ZONE 'Asia/Tokyo')::date"

#define EVIDENCE_JSON(e)                                                                       \
    "jsonb_build_object('id', " e ".id, 'requirement_id', " e ".requirement_id,"               \
    " 'obligation', " e ".obligation, 'procedure', " e ".procedure, 'result', " e ".result,"   \
    " 'findings', " e ".findings,"                                                             \
    " 'recorded_by', " e ".recorded_by, 'recorded_by_name', (SELECT name FROM users"           \
    "   WHERE id = " e ".recorded_by), 'recorded_at', " TS(e ".recorded_at") ","              \
    " 'documents', coalesce((SELECT jsonb_agg(jsonb_build_object('id', ed.document_id,"        \
    "   'sha256', encode(ed.sha256, 'hex'), 'filename', d.filename) ORDER BY d.filename)"      \
    "   FROM evidence_documents ed JOIN documents d ON d.id = ed.document_id"                  \
    "   WHERE ed.evidence_id = " e ".id), '[]'::jsonb))"

#define VERDICT_JSON(v)                                                                        \
    "jsonb_build_object('requirement_id', " v ".requirement_id, 'verdict', " v ".verdict,"     \
    " 'reason', " v ".reason, 'decided_by', " v ".decided_by, 'decided_at', "                 \
    TS(v ".decided_at") ", 'equivalence_decision_id', " v ".equivalence_decision_id)"

/* One equivalence decision with its scheme and the requirements it maps. */
#define DECISION_JSON(q)                                                                       \
    "jsonb_build_object('id', " q ".id, 'basis', " q ".basis, 'scheme', " q ".scheme_id,"       \
    " 'scheme_name_en', (SELECT name_en FROM recognised_schemes WHERE id = " q ".scheme_id),"  \
    " 'scheme_name_ja', (SELECT name_ja FROM recognised_schemes WHERE id = " q ".scheme_id),"  \
    " 'cc_certificate_id', " q ".cc_certificate_id, 'cc_name', (SELECT name"                  \
    "   FROM cc_certificates WHERE id = " q ".cc_certificate_id),"                           \
    " 'certificate_ref', " q ".certificate_ref,"                                               \
    " 'certificate_valid_until', " q ".certificate_valid_until,"                               \
    " 'accepted', " q ".accepted, 'rationale', " q ".rationale, 'decided_on', " q ".decided_on," \
    " 'decided_by', " q ".decided_by, 'decided_by_name', (SELECT name FROM users"             \
    "   WHERE id = " q ".decided_by), 'decided_at', " TS(q ".decided_at") ","                  \
    " 'mappings', coalesce((SELECT jsonb_agg(jsonb_build_object('requirement_id',"            \
    "   m.requirement_id, 'justification', m.justification) ORDER BY r.sort_order)"           \
    "   FROM equivalence_mappings m JOIN requirements r ON r.rule_set_id = m.rule_set_id"     \
    "   AND r.id = m.requirement_id WHERE m.decision_id = " q ".id), '[]'::jsonb))"

static const gk_stmt stmts[] = {
    {"exam_case",
     "SELECT coalesce(rule_set_id, ''), coalesce(determination ->> 'outcome', ''),"
     " coalesce(determination ->> 'outcome' = 'not_subject'"
     "   OR (determination -> 'obligations') ? 'manual_no_direct_connection_statement', false),"
     " coalesce(assigned_examiner_id::text, ''), coalesce(cc_certificate_id::text, '')"
     " FROM applications WHERE id = $1"},
    {"exam_queue",
     "SELECT jsonb_build_object('id', a.id, 'status', a.status, 'route', a.route,"
     " 'model_name', a.model_name, 'type_name', a.type_name, 'category', a.category_id,"
     " 'organization_id', a.organization_id, 'manufacturer', o.name,"
     " 'filing_date', a.filing_date, 'rule_set', a.rule_set_id,"
     " 'outcome', a.determination ->> 'outcome',"
     " 'assigned_examiner_id', a.assigned_examiner_id, 'assigned_examiner_name', u.name,"
     " 'age_days', " TODAY_JST " - a.filing_date,"
     " 'updated_at', " TS("a.updated_at") ")::text"
     " FROM applications a JOIN organizations o ON o.id = a.organization_id"
     " LEFT JOIN users u ON u.id = a.assigned_examiner_id"
     " WHERE a.status = ANY($1::text[]) AND a.status <> 'draft'"
     " AND a.filing_date IS NOT NULL"
     " AND ($2::text IS NULL OR ($2 = 'none' AND a.assigned_examiner_id IS NULL)"
     "   OR a.assigned_examiner_id::text = $2)"
     " AND a.filing_date <= " TODAY_JST " - $3::integer"
     " AND ($4::uuid IS NULL OR (a.filing_date, a.id) > (SELECT filing_date, id"
     "   FROM applications WHERE id = $4))"
     " AND ($6::uuid IS NULL OR (a.status = 'proposed'"
     "   AND NOT EXISTS (SELECT 1 FROM case_examiners ce WHERE ce.application_id = a.id"
     "     AND ce.user_id = $6)"
     "   AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.application_id = a.id"
     "     AND p.reviewed_at IS NULL AND p.proposed_by = $6)))"
     " ORDER BY a.filing_date, a.id LIMIT $5"},
    {"exam_is_examiner",
     "SELECT 1 FROM users WHERE id = $1 AND role = 'examiner' AND NOT disabled"},
    {"exam_standing",
     "SELECT coalesce((SELECT lead_examiner AND role = 'examiner' AND NOT disabled FROM users"
     " WHERE id = $2), false), EXISTS (SELECT 1 FROM case_examiners"
     " WHERE application_id = $1 AND user_id = $2)"},
    {"exam_set_examiner", "UPDATE applications SET assigned_examiner_id = $2 WHERE id = $1"},
    {"exam_req_kind",
     "SELECT kind, conditional FROM requirements WHERE rule_set_id = $1 AND id = $2"},
    {"exam_req_ids",
     "SELECT coalesce(jsonb_agg(id ORDER BY sort_order), '[]'::jsonb)::text FROM requirements"
     " WHERE rule_set_id = $1 AND kind = 'requirement'"},
    {"exam_evidence_insert",
     "INSERT INTO evidence (application_id, requirement_id, obligation, procedure, result,"
     " recorded_by, findings) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id"},
    {"exam_declared_measure",
     "SELECT coalesce(measure, '') FROM declarations WHERE application_id = $1"
     " AND requirement_id = $2"},
    {"exam_latest_finding",
     "SELECT findings ->> $3 FROM evidence WHERE application_id = $1 AND requirement_id = $2"
     " AND findings ? $3 ORDER BY recorded_at DESC, id DESC LIMIT 1"},
    {"exam_scheme_get", "SELECT in_registry FROM recognised_schemes WHERE id = $1"},
    {"exam_schemes",
     "SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'name_en', name_en,"
     " 'name_ja', name_ja, 'issuing_body_en', issuing_body_en,"
     " 'issuing_body_ja', issuing_body_ja, 'standard', standard, 'covers_en', covers_en,"
     " 'covers_ja', covers_ja, 'in_registry', in_registry) ORDER BY sort_order),"
     " '[]'::jsonb)::text FROM recognised_schemes"},
    {"exam_mapping_add",
     "INSERT INTO equivalence_mappings (decision_id, application_id, requirement_id,"
     " justification) VALUES ($1, $2, $3, $4)"},
    {"exam_mapping_latest",
     "SELECT m.decision_id FROM equivalence_mappings m"
     " JOIN equivalence_decisions d ON d.id = m.decision_id"
     " WHERE m.application_id = $1 AND m.requirement_id = $2 AND d.accepted"
     " ORDER BY d.id DESC LIMIT 1"},
    {"exam_evidence_doc",
     "INSERT INTO evidence_documents (evidence_id, application_id, document_id, sha256)"
     " SELECT $1, d.application_id, d.id, d.sha256 FROM documents d"
     " WHERE d.id = $3 AND d.application_id = $2 RETURNING document_id"},
    {"exam_evidence_get", "SELECT " EVIDENCE_JSON("e") "::text FROM evidence e WHERE e.id = $1"},
    /* The previous verdict (the snapshot before the statement) comes back with the new one:
     * it stays in verdict_history (0017) and the caller says what changed. */
    {"exam_verdict_put",
     "WITH prev AS (SELECT * FROM verdicts WHERE application_id = $1 AND requirement_id = $2)"
     " INSERT INTO verdicts AS v (application_id, requirement_id, verdict, reason, decided_by,"
     " equivalence_decision_id) VALUES ($1, $2, $3, $4, $5, $6)"
     " ON CONFLICT (application_id, requirement_id) DO UPDATE SET verdict = EXCLUDED.verdict,"
     " reason = EXCLUDED.reason, decided_by = EXCLUDED.decided_by, decided_at = now(),"
     " equivalence_decision_id = EXCLUDED.equivalence_decision_id"
     " RETURNING (" VERDICT_JSON("v") " || jsonb_build_object('previous',"
     " (SELECT " VERDICT_JSON("p") " FROM prev p)))::text"},
    {"exam_info_request",
     "INSERT INTO info_requests (application_id, message, asked_by) VALUES ($1, $2, $3)"
     " RETURNING jsonb_build_object('id', id, 'application_id', application_id,"
     " 'message', message, 'asked_by', asked_by, 'asked_at', " TS("asked_at") ","
     " 'response_message', NULL, 'responded_at', NULL)::text"},
    {"exam_cc_get",
     "SELECT certified_on::text, coalesce(valid_until::text, ''), status,"
     " (" TODAY_JST ")::text FROM cc_certificates WHERE id = $1"},
    {"exam_today", "SELECT (" TODAY_JST ")::text"},
    {"exam_equivalence",
     "INSERT INTO equivalence_decisions (application_id, cc_certificate_id, accepted,"
     " rationale, decided_on, decided_by, basis, scheme_id, certificate_ref,"
     " certificate_valid_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
     " RETURNING id::text"},
    {"exam_decision_get",
     "SELECT " DECISION_JSON("q") "::text FROM equivalence_decisions q WHERE q.id = $1"},
    /* Refusing a certificate removes the verdicts that rested on it (kept in the history). */
    {"exam_equivalence_unset",
     "DELETE FROM verdicts v USING equivalence_decisions d"
     " WHERE v.application_id = $1 AND v.verdict = 'met_by_equivalence'"
     " AND d.id = v.equivalence_decision_id"
     " AND (d.cc_certificate_id = $2::uuid OR (d.scheme_id = $3 AND d.certificate_ref = $4))"
     " RETURNING v.requirement_id"},
    {"exam_grant_missing",
     "SELECT coalesce(jsonb_agg(jsonb_build_object('requirement_id', r.id,"
     " 'verdict', v.verdict) ORDER BY r.sort_order), '[]'::jsonb)::text"
     " FROM applications a JOIN requirements r ON r.rule_set_id = a.rule_set_id"
     "   AND r.kind = 'requirement'"
     " LEFT JOIN verdicts v ON v.application_id = a.id AND v.requirement_id = r.id"
     " WHERE a.id = $1 AND a.determination ->> 'outcome' = 'subject_with_security'"
     " AND (v.verdict IS NULL OR NOT v.verdict = ANY($2::text[])"
     "   OR (NOT r.conditional AND v.verdict = ANY($3::text[]))"
     /* a pass resting on a per-device value derivable from printed or broadcast identifiers
      * (the latest answer, which may come after the verdict) */
     "   OR (v.verdict = 'pass' AND (SELECT e.findings ->> 'derivable_from_identifiers'"
     "     FROM evidence e WHERE e.application_id = a.id AND e.requirement_id = r.id"
     "     AND e.findings ? 'derivable_from_identifiers'"
     "     ORDER BY e.recorded_at DESC, e.id DESC LIMIT 1) = 'true'))"},
    {"exam_manual_evidence",
     "SELECT 1 FROM evidence WHERE application_id = $1"
     " AND obligation = 'manual_no_direct_connection_statement' LIMIT 1"},
    {"exam_proposal_add",
     "INSERT INTO proposals (application_id, decision, reason, proposed_by)"
     " VALUES ($1, $2, $3, $4)"
     " RETURNING jsonb_build_object('id', id, 'decision', decision, 'reason', reason,"
     " 'proposed_by', proposed_by, 'proposed_at', " TS("proposed_at") ")::text"},
    {"exam_proposal_open",
     "SELECT id, decision, proposed_by FROM proposals WHERE application_id = $1"
     " AND reviewed_at IS NULL FOR UPDATE"},
    {"exam_proposal_review",
     "UPDATE proposals SET reviewed_by = $2, reviewed_at = greatest(now(), proposed_at),"
     " approve = $3, comment = $4 WHERE id = $1 AND reviewed_at IS NULL"},
    {"exam_record",
     "SELECT jsonb_build_object("
     " 'requirements', coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id,"
     "   'kind', r.kind, 'title_en', r.title_en, 'title_ja', r.title_ja,"
     "   'declaration', (SELECT jsonb_strip_nulls(jsonb_build_object('measure', d.measure,"
     "     'description', d.description)) FROM declarations d"
     "     WHERE d.application_id = a.id AND d.requirement_id = r.id),"
     "   'verdict', (SELECT " VERDICT_JSON("v") " FROM verdicts v"
     "     WHERE v.application_id = a.id AND v.requirement_id = r.id),"
     "   'evidence', coalesce((SELECT jsonb_agg(" EVIDENCE_JSON("e") " ORDER BY e.recorded_at)"
     "     FROM evidence e WHERE e.application_id = a.id AND e.requirement_id = r.id),"
     "     '[]'::jsonb),"
     "   'equivalence', (SELECT " DECISION_JSON("q") " || jsonb_build_object('justification',"
     "     m.justification) FROM verdicts v JOIN equivalence_mappings m"
     "     ON m.decision_id = v.equivalence_decision_id AND m.requirement_id = v.requirement_id"
     "     JOIN equivalence_decisions q ON q.id = m.decision_id"
     "     WHERE v.application_id = a.id AND v.requirement_id = r.id),"
     "   'verdict_history', coalesce((SELECT jsonb_agg(jsonb_build_object('verdict', h.verdict,"
     "     'reason', h.reason, 'equivalence_decision_id', h.equivalence_decision_id,"
     "     'decided_by', h.decided_by, 'decided_by_name', (SELECT name FROM users"
     "     WHERE id = h.decided_by), 'decided_at', " TS("h.decided_at") ","
     "     'replaced_by_verdict', h.replaced_by_verdict, 'replaced_by', h.replaced_by,"
     "     'replaced_at', " TS("h.replaced_at") ") ORDER BY h.id)"
     "     FROM verdict_history h WHERE h.application_id = a.id AND h.requirement_id = r.id),"
     "     '[]'::jsonb)) ORDER BY r.sort_order)"
     "   FROM requirements r WHERE r.rule_set_id = a.rule_set_id AND r.kind = 'requirement'),"
     "   '[]'::jsonb),"
     " 'obligation_evidence', coalesce((SELECT jsonb_agg(" EVIDENCE_JSON("e")
     "   ORDER BY e.recorded_at) FROM evidence e WHERE e.application_id = a.id"
     "   AND e.obligation IS NOT NULL), '[]'::jsonb),"
     " 'equivalence', coalesce((SELECT jsonb_agg(" DECISION_JSON("q") " ORDER BY q.id)"
     "   FROM equivalence_decisions q WHERE q.application_id = a.id), '[]'::jsonb),"
     " 'proposals', coalesce((SELECT jsonb_agg(jsonb_build_object('id', p.id,"
     "   'decision', p.decision, 'reason', p.reason, 'proposed_by', p.proposed_by,"
     "   'proposed_by_name', pu.name, 'proposed_at', " TS("p.proposed_at") ","
     "   'reviewed_by', p.reviewed_by, 'reviewed_by_name', ru.name,"
     "   'reviewed_at', " TS("p.reviewed_at") ", 'approve', p.approve,"
     "   'comment', p.comment) ORDER BY p.id)"
     "   FROM proposals p JOIN users pu ON pu.id = p.proposed_by"
     "   LEFT JOIN users ru ON ru.id = p.reviewed_by WHERE p.application_id = a.id),"
     "   '[]'::jsonb),"
     " 'info_requests', coalesce((SELECT jsonb_agg(jsonb_build_object('id', i.id,"
     "   'message', i.message, 'asked_by', i.asked_by, 'asked_at', " TS("i.asked_at") ","
     "   'response_message', i.response_message, 'responded_by', i.responded_by,"
     "   'responded_at', " TS("i.responded_at") ") ORDER BY i.asked_at)"
     "   FROM info_requests i WHERE i.application_id = a.id), '[]'::jsonb),"
     " 'assigned_examiner_name', (SELECT name FROM users WHERE id = a.assigned_examiner_id)"
     ")::text FROM applications a WHERE a.id = $1"},
};
// clang-format on

void gk_db_examination_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

/* A thin wrapper over the constraint catalogue (one for every module). */
bool gk_db_exam_map_error(const PGresult *res, gk_error *e, const char **field)
{
    return gk_db_app_map_error(res, e, field);
}

static gk_tx_status run(PGconn *c, const char *name, int n, const char *const *v, PGresult **out,
                        gk_error *e, const char **field)
{
    return gk_db_run(c, name, n, v, out, e, field);
}

static gk_tx_status run_json(PGconn *c, const char *name, int n, const char *const *v, json_t **out,
                             gk_error *e, const char **field)
{
    return gk_db_run_json(c, name, n, v, out, e, field);
}

gk_tx_status gk_db_exam_case(PGconn *c, const char *app_id, gk_exam_case_info *out)
{
    memset(out, 0, sizeof *out);
    const char *v[] = {app_id};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "exam_case", 1, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        gk_db_text(out->rule_set, sizeof out->rule_set, res, 0, 0);
        gk_db_text(out->outcome, sizeof out->outcome, res, 0, 1);
        out->needs_manual_statement = PQgetvalue(res, 0, 2)[0] == 't';
        gk_db_text(out->assigned, sizeof out->assigned, res, 0, 3);
        gk_db_text(out->cc_certificate_id, sizeof out->cc_certificate_id, res, 0, 4);
    }
    PQclear(res);
    return GK_TX_OK;
}

/* A text[] literal of NULL-terminated names (identifier-like words: no quoting needed; a
 * name with anything else is left out). False when it does not fit. */
static bool text_array(const char *const *names, char *out, size_t cap)
{
    size_t o = 0;
    out[o++] = '{';
    for (size_t i = 0; names && names[i]; i++) {
        const char *w = names[i];
        if (!*w || w[strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789_-")]) continue;
        size_t l = strlen(w);
        if (o + l + 3 > cap) return false;
        if (o > 1) out[o++] = ',';
        memcpy(out + o, w, l);
        o += l;
    }
    if (o + 2 > cap) return false;
    out[o++] = '}';
    out[o] = 0;
    return true;
}

gk_tx_status gk_db_exam_queue(PGconn *c, const char *const *statuses, const char *assignee,
                              const char *reviewer, long min_age_days, const char *after, int limit,
                              json_t **items, char **next)
{
    *items = NULL;
    *next = NULL;
    char age[24], lim[16], states[256];
    snprintf(age, sizeof age, "%ld", min_age_days);
    snprintf(lim, sizeof lim, "%d", limit + 1);
    if (!text_array(statuses, states, sizeof states)) return GK_TX_HARD;
    const char *v[] = {states, assignee, age, after, lim, reviewer};
    return gk_db_run_page(c, "exam_queue", 6, v, limit, items, next);
}

gk_tx_status gk_db_exam_is_examiner(PGconn *c, const char *user_id, bool *ok)
{
    *ok = false;
    const char *v[] = {user_id};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "exam_is_examiner", 1, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    *ok = PQntuples(res) == 1;
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_exam_standing(PGconn *c, const char *app_id, const char *user_id, bool *lead,
                                 bool *took_part)
{
    *lead = *took_part = false;
    const char *v[] = {app_id, user_id};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "exam_standing", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        *lead = PQgetvalue(res, 0, 0)[0] == 't';
        *took_part = PQgetvalue(res, 0, 1)[0] == 't';
    }
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_exam_set_examiner(PGconn *c, const char *app_id, const char *examiner_id,
                                     gk_error *e, const char **field)
{
    const char *v[] = {app_id, examiner_id};
    return run(c, "exam_set_examiner", 2, v, NULL, e, field);
}

gk_tx_status gk_db_exam_requirement_kind(PGconn *c, const char *rule_set, const char *req,
                                         char kind[16], bool *conditional)
{
    kind[0] = 0;
    *conditional = false;
    const char *v[] = {rule_set, req};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "exam_req_kind", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        gk_db_text(kind, 16, res, 0, 0);
        *conditional = !strcmp(PQgetvalue(res, 0, 1), "t");
    }
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_exam_requirement_ids(PGconn *c, const char *rule_set, json_t **ids)
{
    const char *v[] = {rule_set};
    return run_json(c, "exam_req_ids", 1, v, ids, NULL, NULL);
}

gk_tx_status gk_db_exam_evidence_add(PGconn *c, const char *app_id, const char *req_id,
                                     const char *obligation, const char *procedure,
                                     const char *result, const char *findings,
                                     const char *const *doc_ids, size_t n_docs, const char *user_id,
                                     json_t **out, gk_error *e, const char **field)
{
    *out = NULL;
    const char *v[] = {app_id, req_id, obligation, procedure, result, user_id, findings};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "exam_evidence_insert", 7, v, &res, e, field);
    if (s != GK_TX_OK) return s;
    char ev_id[37];
    gk_db_text(ev_id, sizeof ev_id, res, 0, 0);
    PQclear(res);
    for (size_t i = 0; i < n_docs; i++) {
        const char *dv[] = {ev_id, app_id, doc_ids[i]};
        res = NULL;
        s = run(c, "exam_evidence_doc", 3, dv, &res, e, field);
        if (s != GK_TX_OK) return s;
        int rows = PQntuples(res);
        PQclear(res);
        if (rows != 1) {
            *e = GK_ERR_VALIDATION;
            if (field) *field = "document_ids";
            return GK_TX_ABORT;
        }
    }
    const char *gv[] = {ev_id};
    return run_json(c, "exam_evidence_get", 1, gv, out, NULL, NULL);
}

gk_tx_status gk_db_exam_verdict_put(PGconn *c, const char *app_id, const char *req_id,
                                    const char *verdict, const char *reason,
                                    const char *decision_id, const char *user_id, json_t **out,
                                    gk_error *e, const char **field)
{
    const char *v[] = {app_id, req_id, verdict, reason, user_id, decision_id};
    return run_json(c, "exam_verdict_put", 6, v, out, e, field);
}

/* The first column of the first row into out (cap bytes), "" when there is no row or NULL. */
static gk_tx_status first_text(PGconn *c, const char *name, int n, const char *const *v, char *out,
                               size_t cap, bool *found)
{
    out[0] = 0;
    if (found) *found = false;
    PGresult *res = NULL;
    gk_tx_status s = run(c, name, n, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) >= 1) {
        if (found) *found = true;
        if (!PQgetisnull(res, 0, 0)) gk_db_text(out, cap, res, 0, 0);
    }
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_exam_declared_measure(PGconn *c, const char *app_id, const char *req_id,
                                         char out[64])
{
    const char *v[] = {app_id, req_id};
    return first_text(c, "exam_declared_measure", 2, v, out, 64, NULL);
}

gk_tx_status gk_db_exam_latest_finding(PGconn *c, const char *app_id, const char *req_id,
                                       const char *name, int *value)
{
    char t[8];
    const char *v[] = {app_id, req_id, name};
    gk_tx_status s = first_text(c, "exam_latest_finding", 3, v, t, sizeof t, NULL);
    *value = !strcmp(t, "true") ? 1 : !strcmp(t, "false") ? 0 : -1;
    return s;
}

gk_tx_status gk_db_exam_scheme(PGconn *c, const char *scheme, bool *found, bool *in_registry)
{
    char t[8];
    const char *v[] = {scheme};
    gk_tx_status s = first_text(c, "exam_scheme_get", 1, v, t, sizeof t, found);
    *in_registry = !strcmp(t, "t");
    return s;
}

gk_tx_status gk_db_exam_schemes(PGconn *c, json_t **out)
{
    return run_json(c, "exam_schemes", 0, NULL, out, NULL, NULL);
}

gk_tx_status gk_db_exam_today(PGconn *c, char out[11])
{
    return first_text(c, "exam_today", 0, NULL, out, 11, NULL);
}

gk_tx_status gk_db_exam_mapping_latest(PGconn *c, const char *app_id, const char *req_id,
                                       char decision_id[24])
{
    const char *v[] = {app_id, req_id};
    return first_text(c, "exam_mapping_latest", 2, v, decision_id, 24, NULL);
}

gk_tx_status gk_db_exam_info_request_add(PGconn *c, const char *app_id, const char *message,
                                         const char *user_id, json_t **out, gk_error *e)
{
    const char *v[] = {app_id, message, user_id};
    return run_json(c, "exam_info_request", 3, v, out, e, NULL);
}

static const gk_db_col cc_cols[] = {
    GK_DB_COL(gk_exam_cc, certified_on),
    GK_DB_COL(gk_exam_cc, valid_until),
    GK_DB_COL(gk_exam_cc, status),
    GK_DB_COL(gk_exam_cc, today_jst),
};

gk_tx_status gk_db_exam_cc_get(PGconn *c, const char *cc_id, gk_exam_cc *out)
{
    gk_tx_status s =
        gk_db_read_row(c, "exam_cc_get", cc_id, out, sizeof *out, cc_cols, 4, &out->found);
    if (s != GK_TX_OK) return s;
    if (!out->found) {
        PGresult *res = NULL;
        s = run(c, "exam_today", 0, NULL, &res, NULL, NULL);
        if (s != GK_TX_OK) return s;
        gk_db_text(out->today_jst, sizeof out->today_jst, res, 0, 0);
        PQclear(res);
    }
    return GK_TX_OK;
}

/* The first column of every row as a JSON array of strings. */
static json_t *column_array(const PGresult *res)
{
    json_t *a = json_array();
    for (int i = 0; a && i < PQntuples(res); i++)
        if (json_array_append_new(a, json_string(PQgetvalue(res, i, 0)))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

gk_tx_status gk_db_exam_equivalence_add(PGconn *c, const gk_db_exam_decision *d,
                                        const char *user_id, char decision_id[24], gk_error *e,
                                        const char **field)
{
    const char *v[] = {d->app_id,     d->cc_id,      d->accepted ? "true" : "false",
                       d->rationale,  d->decided_on, user_id,
                       d->basis,      d->scheme,     d->certificate_ref,
                       d->valid_until};
    decision_id[0] = 0;
    PGresult *res = NULL;
    gk_tx_status s = run(c, "exam_equivalence", 10, v, &res, e, field);
    if (s != GK_TX_OK) return s;
    gk_db_text(decision_id, 24, res, 0, 0);
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_exam_mapping_add(PGconn *c, const char *decision_id, const char *app_id,
                                    const char *req_id, const char *justification, gk_error *e,
                                    const char **field)
{
    const char *v[] = {decision_id, app_id, req_id, justification};
    return run(c, "exam_mapping_add", 4, v, NULL, e, field);
}

gk_tx_status gk_db_exam_decision_get(PGconn *c, const char *decision_id, json_t **out)
{
    const char *v[] = {decision_id};
    return run_json(c, "exam_decision_get", 1, v, out, NULL, NULL);
}

gk_tx_status gk_db_exam_equivalence_unset(PGconn *c, const gk_db_exam_decision *d, json_t **ids,
                                          gk_error *e, const char **field)
{
    *ids = NULL;
    const char *v[] = {d->app_id, d->cc_id, d->scheme, d->certificate_ref};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "exam_equivalence_unset", 4, v, &res, e, field);
    if (s != GK_TX_OK) return s;
    *ids = column_array(res);
    PQclear(res);
    return *ids ? GK_TX_OK : GK_TX_HARD;
}

gk_tx_status gk_db_exam_grant_missing(PGconn *c, const char *app_id, const gk_exam_case_info *k,
                                      const char *const *clearing,
                                      const char *const *conditional_only, json_t **missing)
{
    char verdicts[256], cond[256];
    if (!text_array(clearing, verdicts, sizeof verdicts)) return GK_TX_HARD;
    if (!text_array(conditional_only, cond, sizeof cond)) return GK_TX_HARD;
    const char *v[] = {app_id, verdicts, cond};
    gk_tx_status s = run_json(c, "exam_grant_missing", 3, v, missing, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (!*missing) *missing = json_array();
    if (!*missing) return GK_TX_HARD;
    if (k->needs_manual_statement) {
        PGresult *res = NULL;
        s = run(c, "exam_manual_evidence", 1, v, &res, NULL, NULL);
        if (s != GK_TX_OK) return s;
        bool have = PQntuples(res) == 1;
        PQclear(res);
        if (!have)
            json_array_append_new(*missing,
                                  json_pack("{s:s}", "obligation", GK_EXAM_OBLIGATION_MANUAL));
    }
    return GK_TX_OK;
}

gk_tx_status gk_db_exam_proposal_add(PGconn *c, const char *app_id, const char *decision,
                                     const char *reason, const char *user_id, json_t **out,
                                     gk_error *e)
{
    const char *v[] = {app_id, decision, reason, user_id};
    return run_json(c, "exam_proposal_add", 4, v, out, e, NULL);
}

static const gk_db_col proposal_cols[] = {
    GK_DB_COL(gk_exam_proposal, id),
    GK_DB_COL(gk_exam_proposal, decision),
    GK_DB_COL(gk_exam_proposal, proposed_by),
};

gk_tx_status gk_db_exam_proposal_open(PGconn *c, const char *app_id, gk_exam_proposal *out)
{
    return gk_db_read_row(c, "exam_proposal_open", app_id, out, sizeof *out, proposal_cols, 3,
                          &out->found);
}

gk_tx_status gk_db_exam_proposal_review(PGconn *c, const char *proposal_id, const char *reviewer_id,
                                        bool approve, const char *comment, gk_error *e)
{
    const char *v[] = {proposal_id, reviewer_id, approve ? "true" : "false", comment};
    return gk_db_run_one(c, "exam_proposal_review", 4, v, e, NULL);
}

gk_tx_status gk_db_exam_record(PGconn *c, const char *app_id, json_t **out)
{
    const char *v[] = {app_id};
    return run_json(c, "exam_record", 1, v, out, NULL, NULL);
}
