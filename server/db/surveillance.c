/* The surveillance statements (see surveillance.h). */
#include "db/surveillance.h"

#include "db/db.h"
#include "db/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The SQL below is built from macros (TS, ...): laid out by hand, not by clang-format. */
// clang-format off
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* What a holder may see of a case: its own organisation's, once a finding or an order was
 * sent (a purchase and tests before that are the surveillance's own business). */
#define HOLDER_SEES(c) \
    "($2::uuid IS NULL OR (" c ".organization_id = $2::uuid AND EXISTS (SELECT 1" \
    " FROM surveillance_steps f WHERE f.case_id = " c ".id" \
    " AND f.event IN ('record_finding', 'issue_order'))))"
#define CASE_JSON(c) \
    "jsonb_build_object('id', " c ".id, 'certificate_number', " c ".certificate_number," \
    " 'claimed_number', " c ".claimed_number, 'product', " c ".product," \
    " 'summary', " c ".summary, 'status', " c ".status, 'order_kind', " c ".order_kind," \
    " 'order_reference', " c ".order_reference, 'certificate_action', " c ".certificate_action," \
    " 'opened_at', " TS(c ".opened_at") ", 'updated_at', " TS(c ".updated_at") "," \
    " 'closed_at', " TS(c ".closed_at") ", 'manufacturer', cert.manufacturer," \
    " 'model_name', cert.model_name, 'certificate_status', cert.status)"

static const gk_stmt stmts[] = {
    {"sv_certificate",
     "SELECT coalesce(organization_id::text, '') FROM certificates WHERE number = $1"},
    {"sv_insert",
     "INSERT INTO surveillance_cases (certificate_number, claimed_number, organization_id,"
     " product, summary, opened_by) VALUES ($1, $2, $3::uuid, $4, $5, $6) RETURNING id"},
    {"sv_step",
     "INSERT INTO surveillance_steps (case_id, event, from_status, to_status, place,"
     " purchased_on, serial, firmware_version, requirement_id, verdict, evidence, body,"
     " internal_note, actor_id)"
     " VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id"},
    {"sv_cite",
     "INSERT INTO surveillance_step_evidence (step_id, case_id, evidence_id)"
     " VALUES ($1::bigint, $2::uuid, $3::uuid) ON CONFLICT DO NOTHING"},
    {"sv_evidence_add",
     "INSERT INTO surveillance_evidence (case_id, filename, media_type, size, sha256, content,"
     " uploaded_by) VALUES ($1, $2, $3, $4::bigint, decode($5, 'hex'), decode($6, 'hex'), $7)"
     " RETURNING id"},
    {"sv_evidence_get",
     "SELECT ev.filename, ev.media_type, encode(ev.content, 'hex')"
     " FROM surveillance_evidence ev JOIN surveillance_cases c ON c.id = ev.case_id"
     " WHERE ev.case_id = $1::uuid AND ev.id = $3::uuid AND " HOLDER_SEES("c")},
    {"sv_lock",
     "SELECT c.status, coalesce(c.certificate_number, ''), coalesce(c.organization_id::text, '')"
     " FROM surveillance_cases c WHERE c.id = $1::uuid AND " HOLDER_SEES("c") " FOR UPDATE"},
    {"sv_set_status",
     "UPDATE surveillance_cases SET status = $2, updated_at = now(),"
     " closed_at = CASE WHEN $2 LIKE 'closed\\_%' THEN now() END,"
     " order_kind = $3, order_reference = $4, certificate_action = $5 WHERE id = $1"},
    {"sv_get",
     "SELECT (" CASE_JSON("c") " || jsonb_build_object('steps', coalesce((SELECT"
     " jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', s.id::text, 'event', s.event,"
     " 'from', s.from_status, 'to', s.to_status, 'place', s.place,"
     " 'purchased_on', s.purchased_on, 'serial', s.serial,"
     " 'firmware_version', s.firmware_version, 'requirement', s.requirement_id,"
     " 'verdict', s.verdict, 'evidence', s.evidence, 'body', s.body,"
     " 'evidence_ids', (SELECT jsonb_agg(x.evidence_id ORDER BY x.evidence_id)"
     "   FROM surveillance_step_evidence x WHERE x.step_id = s.id),"
     " 'internal_note', CASE WHEN $3 THEN s.internal_note END,"
     " 'actor_name', CASE WHEN $3 THEN u.name END, 'actor_role', u.role,"
     " 'at', " TS("s.at") ")) ORDER BY s.id)"
     " FROM surveillance_steps s JOIN users u ON u.id = s.actor_id WHERE s.case_id = c.id),"
     " '[]'::jsonb), 'evidence_files', coalesce((SELECT jsonb_agg(jsonb_build_object("
     " 'id', ev.id, 'filename', ev.filename, 'media_type', ev.media_type, 'size', ev.size,"
     " 'sha256', encode(ev.sha256, 'hex'), 'uploaded_at', " TS("ev.uploaded_at") ")"
     " ORDER BY ev.uploaded_at, ev.id) FROM surveillance_evidence ev WHERE ev.case_id = c.id),"
     " '[]'::jsonb)) || CASE WHEN $3 THEN jsonb_build_object('opened_by_name', ob.name,"
     " 'organization_id', c.organization_id) ELSE '{}'::jsonb END)::text"
     " FROM surveillance_cases c LEFT JOIN certificates cert ON cert.number = c.certificate_number"
     " JOIN users ob ON ob.id = c.opened_by"
     " WHERE c.id = $1::uuid AND " HOLDER_SEES("c")},
    {"sv_list",
     "SELECT " CASE_JSON("c") "::text"
     " FROM surveillance_cases c LEFT JOIN certificates cert ON cert.number = c.certificate_number"
     " WHERE " HOLDER_SEES("c") " AND ($3::text IS NULL OR c.status = $3)"
     " AND ($4::text IS NULL OR c.certificate_number = $4 OR c.claimed_number = $4)"
     " AND ($1::uuid IS NULL OR (c.opened_at, c.id) < (SELECT a.opened_at, a.id"
     "   FROM surveillance_cases a WHERE a.id = $1::uuid))"
     " ORDER BY c.opened_at DESC, c.id DESC LIMIT $5::int"},
};
// clang-format on

void gk_db_surveillance_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_sv_certificate(PGconn *c, const char *number, bool *found, char org_id[37])
{
    const char *v[] = {number};
    PGresult *res = NULL;
    *found = false;
    org_id[0] = 0;
    gk_tx_status s = gk_db_run(c, "sv_certificate", 1, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        *found = true;
        gk_db_text(org_id, 37, res, 0, 0);
    }
    PQclear(res);
    return GK_TX_OK;
}

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

gk_tx_status gk_db_sv_insert(PGconn *c, const gk_db_sv_case *k, const char *internal_note,
                             char id_out[37], gk_error *e, const char **field)
{
    const char *v[] = {opt(k->certificate_number),
                       opt(k->claimed_number),
                       opt(k->organization_id),
                       k->product,
                       k->summary,
                       k->opened_by};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "sv_insert", 6, v, &res, e, field);
    if (s != GK_TX_OK) return s;
    gk_db_text(id_out, 37, res, 0, 0);
    PQclear(res);
    gk_db_sv_step st = {
        .event = "open", .to = "open", .internal_note = internal_note, .actor_id = k->opened_by};
    return gk_db_sv_append(c, id_out, &st, NULL, e, field);
}

gk_tx_status gk_db_sv_lock(PGconn *c, const char *id, const char *org_filter,
                           gk_db_sv_lock_row *out)
{
    memset(out, 0, sizeof *out);
    const char *v[] = {id, org_filter};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "sv_lock", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        out->found = true;
        gk_db_text(out->status, sizeof out->status, res, 0, 0);
        gk_db_text(out->certificate_number, sizeof out->certificate_number, res, 0, 1);
        gk_db_text(out->organization_id, sizeof out->organization_id, res, 0, 2);
    }
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_sv_append(PGconn *c, const char *case_id, const gk_db_sv_step *st,
                             char step_id[24], gk_error *e, const char **field)
{
    const char *v[] = {case_id,
                       st->event,
                       st->from,
                       st->to,
                       opt(st->place),
                       opt(st->purchased_on),
                       opt(st->serial),
                       opt(st->firmware_version),
                       opt(st->requirement),
                       opt(st->verdict),
                       opt(st->evidence),
                       opt(st->body),
                       opt(st->internal_note),
                       st->actor_id};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "sv_step", 14, v, &res, e, field);
    if (s != GK_TX_OK) return s;
    if (step_id) gk_db_text(step_id, 24, res, 0, 0);
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_sv_cite(PGconn *c, const char *case_id, const char *step_id,
                           const char *evidence_id, gk_error *e, const char **field)
{
    const char *v[] = {step_id, case_id, evidence_id};
    return gk_db_run(c, "sv_cite", 3, v, NULL, e, field);
}

static char *hex_of(const void *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *h = malloc(2 * len + 1);
    const unsigned char *p = data;
    for (size_t i = 0; h && i < len; i++) {
        h[2 * i] = digits[p[i] >> 4];
        h[2 * i + 1] = digits[p[i] & 15];
    }
    if (h) h[2 * len] = 0;
    return h;
}

gk_tx_status gk_db_sv_evidence_add(PGconn *c, const char *case_id, const char *filename,
                                   const char *media_type, const char *sha256_hex, const void *data,
                                   size_t len, const char *uploaded_by, char id_out[37])
{
    char size[24];
    snprintf(size, sizeof size, "%zu", len);
    char *hex = hex_of(data, len);
    if (!hex) return GK_TX_HARD;
    const char *v[] = {case_id, filename, media_type, size, sha256_hex, hex, uploaded_by};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "sv_evidence_add", 7, v, &res, NULL, NULL);
    free(hex);
    if (s != GK_TX_OK) return s;
    gk_db_text(id_out, 37, res, 0, 0);
    PQclear(res);
    return GK_TX_OK;
}

static int nibble(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

gk_tx_status gk_db_sv_evidence_get(PGconn *c, const char *case_id, const char *evidence_id,
                                   const char *org_filter, char **data, size_t *len,
                                   char filename[1024], char media_type[128])
{
    *data = NULL;
    *len = 0;
    const char *v[] = {case_id, org_filter, evidence_id};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "sv_evidence_get", 3, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        gk_db_text(filename, 1024, res, 0, 0);
        gk_db_text(media_type, 128, res, 0, 1);
        const char *hex = PQgetvalue(res, 0, 2);
        size_t n = strlen(hex) / 2;
        *data = malloc(n ? n : 1);
        for (size_t i = 0; *data && i < n; i++)
            (*data)[i] = (char)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
        *len = *data ? n : 0;
        if (!*data) s = GK_TX_HARD;
    }
    PQclear(res);
    return s;
}

gk_tx_status gk_db_sv_set_status(PGconn *c, const char *case_id, const char *status,
                                 const char *order_kind, const char *order_reference,
                                 const char *certificate_action)
{
    const char *v[] = {case_id, status, order_kind, order_reference, certificate_action};
    return gk_db_run_one(c, "sv_set_status", 5, v, NULL, NULL);
}

gk_tx_status gk_db_sv_get(PGconn *c, const char *id, const char *org_filter, bool staff,
                          json_t **out)
{
    const char *v[] = {id, org_filter, staff ? "true" : "false"};
    return gk_db_run_json(c, "sv_get", 3, v, out, NULL, NULL);
}

gk_tx_status gk_db_sv_list(PGconn *c, const char *org_filter, const char *status,
                           const char *certificate, const char *after, int limit, json_t **items,
                           char **next)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *v[] = {after, org_filter, status, certificate, lim};
    return gk_db_run_page(c, "sv_list", 5, v, limit, items, next);
}
