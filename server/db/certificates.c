/* The certificate statements (see certificates.h). */
#include "db/certificates.h"

#include "crypto/token.h"

#include "crypto/base64.h"
#include "crypto/canonical_json.h"
#include "crypto/sign.h"
#include "db/db.h"
#include "db/run.h"
#include "render/buf.h"
#include "db/changes.h"
#include "db/examination.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The SQL below is built from macros (TS, ...): laid out by hand, not by clang-format. */
// clang-format off
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define TODAY_JST "(now() AT TIME ZONE 'Asia/Tokyo')::date"

static const gk_stmt stmts[] = {
    {"cert_body_name",
     "SELECT json_build_object('ja', name_ja, 'en', name_en)::text FROM certification_body"},
    {"cert_case",
     "SELECT a.organization_id, a.route, a.category_id, a.rule_set_id,"
     " coalesce(a.determination ->> 'outcome', ''), o.name, a.model_name, a.type_name,"
     " gk_equivalence_accepted(a.id),"
     " EXISTS (SELECT 1 FROM verdicts v WHERE v.application_id = a.id"
     "   AND v.verdict = 'met_by_equivalence'),"
     " dc.class_letters, (" TODAY_JST ")::text, a.kind"
     " FROM applications a JOIN organizations o ON o.id = a.organization_id"
     " JOIN device_categories dc ON dc.id = a.category_id WHERE a.id = $1"},
    /* Step 2: the counter row stays locked until COMMIT, so serials are handed out in
     * commit order without gaps. */
    {"cert_serial_next",
     "INSERT INTO certificate_serials AS s (year, body_code, last_serial) VALUES ($1, $2, 1)"
     " ON CONFLICT (year, body_code) DO UPDATE SET last_serial = s.last_serial + 1"
     " RETURNING last_serial"},
    {"cert_key_retire",
     "UPDATE signing_keys SET retired_at = greatest(now(), created_at)"
     " WHERE retired_at IS NULL AND key_id <> $1"},
    {"cert_key_insert",
     "INSERT INTO signing_keys (key_id, public_key) VALUES ($1, decode($2, 'hex'))"
     " ON CONFLICT (key_id) DO NOTHING"},
    {"cert_insert_issued",
     "INSERT INTO certificates (number, application_id, organization_id, route, category_id,"
     " manufacturer, model_name, type_name, granted_on, rule_set_id, grandfathered, basis,"
     " canonical_json, signature, key_id)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11::boolean, $12, $13::json,"
     " decode($14, 'hex'), $15)"},
    {"cert_event",
     "INSERT INTO certificate_events (certificate_number, event, reason, order_reference,"
     " actor_id) VALUES ($1, $2, $3, $4, $5)"},
    {"cert_view",
     "SELECT (jsonb_build_object('number', c.number, 'display_number', 'T ' || c.number,"
     " 'application_id', c.application_id, 'organization_id', c.organization_id,"
     " 'route', c.route, 'category', c.category_id, 'category_title_en', dc.title_en,"
     " 'category_title_ja', dc.title_ja, 'manufacturer', c.manufacturer,"
     " 'model_name', c.model_name, 'type_name', c.type_name, 'granted_on', c.granted_on,"
     " 'rule_set', c.rule_set_id, 'grandfathered', c.grandfathered, 'basis', c.basis,"
     " 'status', c.status, 'status_changed_on', c.status_changed_on,"
     " 'imported', c.application_id IS NULL, 'key_id', c.key_id, 'serial', c.serial,"
     " 'previous_number', (SELECT p.number FROM certificates p WHERE p.grant_year ="
     "   c.grant_year AND p.body_code = c.body_code AND p.serial = c.serial - 1),"
     " 'updated_at', " TS("c.updated_at") ","
     " 'events', coalesce((SELECT jsonb_agg(jsonb_build_object('event', e.event,"
     "   'reason', e.reason, 'order_reference', e.order_reference, 'actor_id', e.actor_id,"
     "   'actor_name', u.name, 'at', " TS("e.at") ") ORDER BY e.at, e.id)"
     "   FROM certificate_events e LEFT JOIN users u ON u.id = e.actor_id"
     "   WHERE e.certificate_number = c.number), '[]'::jsonb))"
     /* issue 16: versions, current model names, holder, what was examined, exhibits */
     " || gk_certificate_living(c.number))::text,"
     " c.canonical_json::text, encode(c.signature, 'hex')"
     " FROM certificates c JOIN device_categories dc ON dc.id = c.category_id"
     " WHERE c.number = $1"},
    {"cert_lock", "SELECT status FROM certificates WHERE number = $1 FOR UPDATE"},
    {"cert_set_status",
     "UPDATE certificates SET status = $3, status_changed_on = greatest(" TODAY_JST ","
     " status_changed_on) WHERE number = $1 AND status = $2"},
    /* A status change's public event, and its internal note in a table of its own that no
     * public read selects (0021_surveillance.sql). */
    {"cert_status_event",
     "INSERT INTO certificate_events (certificate_number, event, reason, order_reference,"
     " actor_id) VALUES ($1, $2, $3, $4, $5) RETURNING id"},
    {"cert_event_note", "INSERT INTO certificate_event_notes (event_id, note) VALUES ($1, $2)"},
    {"cert_sp", "SAVEPOINT cert_import_row"},
    {"cert_sp_release", "RELEASE SAVEPOINT cert_import_row"},
    {"cert_sp_rollback", "ROLLBACK TO SAVEPOINT cert_import_row"},
    {"cert_import",
     "INSERT INTO certificates (number, route, category_id, manufacturer, model_name,"
     " type_name, granted_on, rule_set_id, grandfathered, basis)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9::boolean, $10)"
     " ON CONFLICT (number) DO NOTHING RETURNING number"},
    {"cert_category_exists", "SELECT security_applicable FROM device_categories WHERE id = $1"},
    /* The bulk import (issue 21, schema/0024_fast_reads.sql gk_import_staged). */
    {"cert_categories",
     "SELECT coalesce(json_object_agg(id, security_applicable), '{}')::text FROM device_categories"},
    {"cert_stage_create",
     "CREATE TEMP TABLE cert_import_stage (line bigint PRIMARY KEY, number text, route text,"
     " category_id text, manufacturer text, model_name text, type_name text, granted_on date,"
     " rule_set_id text, grandfathered boolean, basis text, outcome text) ON COMMIT DROP"},
    {"cert_import_staged", "SELECT gk_import_staged($1::uuid)::text"},
    /* A whole file is one statement: the per-request limit would cut a large one short. */
    {"cert_import_timeout", "SELECT set_config('statement_timeout', '600s', true)"},
};
// clang-format on

void gk_db_certificates_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

static gk_tx_status run(PGconn *c, const char *name, int n, const char *const *v, PGresult **out,
                        gk_error *e)
{
    return gk_db_run(c, name, n, v, out, e, NULL);
}

gk_tx_status gk_db_cert_case(PGconn *c, const char *app_id, gk_cert_case *out)
{
    memset(out, 0, sizeof *out);
    const char *v[] = {app_id};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "cert_case", 1, v, &res, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        out->found = true;
        gk_db_text(out->organization_id, sizeof out->organization_id, res, 0, 0);
        gk_db_text(out->route, sizeof out->route, res, 0, 1);
        gk_db_text(out->category, sizeof out->category, res, 0, 2);
        gk_db_text(out->rule_set, sizeof out->rule_set, res, 0, 3);
        gk_db_text(out->outcome, sizeof out->outcome, res, 0, 4);
        out->manufacturer = strdup(PQgetvalue(res, 0, 5));
        out->model_name = strdup(PQgetvalue(res, 0, 6));
        out->has_type_name = !PQgetisnull(res, 0, 7);
        out->type_name = strdup(PQgetvalue(res, 0, 7));
        out->equivalence_accepted = PQgetvalue(res, 0, 8)[0] == 't';
        out->any_met_by_equivalence = PQgetvalue(res, 0, 9)[0] == 't';
        gk_db_text(out->class_letters, sizeof out->class_letters, res, 0, 10);
        if (!gk_date_parse(PQgetvalue(res, 0, 11), &out->today_jst))
            out->today_jst = gk_date_today_utc();
        gk_db_text(out->kind, sizeof out->kind, res, 0, 12);
    }
    PQclear(res);
    if (out->found && (!out->manufacturer || !out->model_name || !out->type_name)) {
        gk_db_cert_case_free(out);
        return GK_TX_HARD;
    }
    return GK_TX_OK;
}

void gk_db_cert_case_free(gk_cert_case *k)
{
    free(k->manufacturer);
    free(k->model_name);
    free(k->type_name);
    k->manufacturer = k->model_name = k->type_name = NULL;
}

/* The active key's raw public key as hex (65 bytes). */
static bool active_public_key_hex(struct gk_keystore *ks, const char *key_id, char hex[65])
{
    json_t *keys = gk_keystore_public_keys(ks);
    bool ok = false;
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        if (strcmp(json_string_value(json_object_get(k, "key_id")), key_id) != 0) continue;
        const char *b64 = json_string_value(json_object_get(k, "public_key"));
        unsigned char raw[64];
        size_t len = 0;
        if (b64 && gk_base64_decode(b64, strlen(b64), GK_B64_URL, raw, sizeof raw, &len) &&
            len == GK_SIGN_PUBLIC_KEY_LEN) {
            ok = gk_hex_encode(raw, len, hex, 65);
        }
    }
    json_decref(keys);
    return ok;
}

gk_tx_status gk_db_cert_issue(PGconn *c, struct gk_keystore *ks, const char *app_id,
                              const gk_cert_case *k, const char *basis, bool grandfathered,
                              const char *body_code, const char *actor_id,
                              char number_out[GK_CERT_NUMBER_BUF], gk_error *e)
{
    /* A change application (issue 16) makes a new version of its certificate instead. */
    if (k->kind[0] && strcmp(k->kind, "new") != 0)
        return gk_db_change_make_version(c, ks, app_id, actor_id, number_out, e);
    char year[8];
    snprintf(year, sizeof year, "%d", gk_date_year(k->today_jst));
    const char *sv[] = {year, body_code};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "cert_serial_next", 2, sv, &res, e);
    if (s != GK_TX_OK) return s;
    int serial = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);

    gk_cert_number num;
    if (gk_cert_number_make(k->class_letters, k->today_jst, serial, atoi(body_code), &num) !=
            GK_ERR_OK ||
        !gk_cert_number_format(&num, number_out)) {
        *e = GK_ERR_CONFLICT; /* this year's serials are exhausted, or bad configuration */
        return GK_TX_ABORT;
    }
    char granted[GK_DATE_BUF];
    gk_date_format(k->today_jst, granted);

    /* The signed payload: what identifies the certificate; the status is not in it because
     * it changes (the history records it). v2 (issue 18): no internal ids, so the payload can
     * be shown to anyone as it is (v1 held the application id). */
    const char *key_id = gk_keystore_active_key_id(ks);
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:b, s:s, s:s, s:s}", "format",
                  "giteki.certificate.v2", "number", number_out, "route", k->route, "category",
                  k->category, "manufacturer", k->manufacturer, "model_name", k->model_name,
                  "type_name", k->has_type_name ? k->type_name : NULL, "granted_on", granted,
                  "rule_set", k->rule_set, "grandfathered", grandfathered, "basis", basis,
                  "certification_body", body_code, "key_id", key_id);
    if (doc && !k->has_type_name) json_object_set_new(doc, "type_name", json_null());
    char *canon = doc ? gk_canonical_json(doc) : NULL;
    json_decref(doc);
    if (!canon) return GK_TX_HARD;
    char *sig_b64 = NULL;
    const char *signed_by = NULL;
    if (!gk_keystore_sign(ks, (const unsigned char *)canon, strlen(canon), &sig_b64, &signed_by) ||
        strcmp(signed_by, key_id) != 0) {
        free(canon);
        free(sig_b64);
        return GK_TX_HARD; /* a rotation between the two calls: the retry signs again */
    }
    unsigned char sig[GK_SIGN_SIGNATURE_LEN + 8];
    size_t sig_len = 0;
    char sig_hex[2 * GK_SIGN_SIGNATURE_LEN + 1], pub_hex[65];
    bool ok = gk_base64_decode(sig_b64, strlen(sig_b64), GK_B64_URL, sig, sizeof sig, &sig_len) &&
              sig_len == GK_SIGN_SIGNATURE_LEN && active_public_key_hex(ks, key_id, pub_hex);
    free(sig_b64);
    if (!ok) {
        free(canon);
        return GK_TX_HARD;
    }
    gk_hex_encode(sig, sig_len, sig_hex, sizeof sig_hex);

    const char *kr[] = {key_id};
    s = run(c, "cert_key_retire", 1, kr, NULL, e);
    const char *ki[] = {key_id, pub_hex};
    if (s == GK_TX_OK) s = run(c, "cert_key_insert", 2, ki, NULL, e);
    const char *cv[] = {number_out,
                        app_id,
                        k->organization_id,
                        k->route,
                        k->category,
                        k->manufacturer,
                        k->model_name,
                        k->has_type_name ? k->type_name : NULL,
                        granted,
                        k->rule_set,
                        grandfathered ? "true" : "false",
                        basis,
                        canon,
                        sig_hex,
                        key_id};
    if (s == GK_TX_OK) s = run(c, "cert_insert_issued", 15, cv, NULL, e);
    free(canon);
    const char *ev[] = {number_out, "grant", NULL, NULL, actor_id};
    if (s == GK_TX_OK) s = run(c, "cert_event", 5, ev, NULL, e);
    return s;
}

gk_tx_status gk_db_cert_view(PGconn *c, const char *number, json_t **out)
{
    *out = NULL;
    const char *v[] = {number};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "cert_view", 1, v, &res, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) {
        json_t *o = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
        if (!o) s = GK_TX_HARD;
        if (o && !PQgetisnull(res, 0, 1)) {
            json_object_set_new(o, "signed_payload", json_string(PQgetvalue(res, 0, 1)));
            const char *hex = PQgetvalue(res, 0, 2);
            size_t n = strlen(hex) / 2;
            unsigned char raw[128];
            if (!gk_hex_decode(hex, strlen(hex), raw, sizeof raw, &n)) n = 0; /* not ours */
            char *b64 = gk_base64_encode(raw, n < sizeof raw ? n : sizeof raw, GK_B64_URL);
            json_object_set_new(o, "signature", b64 ? json_string(b64) : json_null());
            free(b64);
        } else if (o) {
            json_object_set_new(o, "signed_payload", json_null());
            json_object_set_new(o, "signature", json_null());
        }
        *out = o;
    }
    PQclear(res);
    return s;
}

gk_tx_status gk_db_cert_lock(PGconn *c, const char *number, char status[16])
{
    status[0] = 0;
    const char *v[] = {number};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "cert_lock", 1, v, &res, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) == 1) gk_db_text(status, 16, res, 0, 0);
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_cert_set_status(PGconn *c, const char *number, const char *from, const char *to,
                                   const char *event, const char *reason,
                                   const char *order_reference, const char *internal_note,
                                   const char *actor_id, gk_error *e)
{
    const char *v[] = {number, from, to};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "cert_set_status", 3, v, &res, e);
    if (s != GK_TX_OK) return s;
    bool updated = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    if (!updated) {
        *e = GK_ERR_CONFLICT;
        return GK_TX_ABORT;
    }
    const char *ev[] = {number, event, reason, order_reference, actor_id};
    s = run(c, "cert_status_event", 5, ev, &res, e);
    if (s != GK_TX_OK || !internal_note) {
        if (s == GK_TX_OK) PQclear(res);
        return s;
    }
    char id[24];
    gk_db_text(id, sizeof id, res, 0, 0);
    PQclear(res);
    const char *nv[] = {id, internal_note};
    return run(c, "cert_event_note", 2, nv, NULL, e);
}

gk_tx_status gk_db_cert_import(PGconn *c, const gk_cert_import_row *row, const char *actor_id,
                               bool *inserted, const char **why)
{
    *inserted = false;
    *why = NULL;
    gk_tx_status s = run(c, "cert_sp", 0, NULL, NULL, NULL);
    if (s != GK_TX_OK) return s;
    const char *v[] = {row->number,       row->route,      row->category,
                       row->manufacturer, row->model_name, row->type_name,
                       row->granted_on,   row->rule_set,   row->grandfathered ? "true" : "false",
                       row->basis};
    PGresult *res = gk_db_exec(c, "cert_import", 10, v);
    if (res && !gk_db_ok(res) && strncmp(gk_db_sqlstate(res), "2", 1) == 0) {
        /* A data or integrity rule refused this row alone. */
        const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        *why = cons && strstr(cons, "serial")     ? "serial_taken"
               : cons && strstr(cons, "gk_label") ? "label"
                                                  : "refused";
        PQclear(res);
        return run(c, "cert_sp_rollback", 0, NULL, NULL, NULL);
    }
    s = gk_tx_check(res, "cert_import");
    if (s != GK_TX_OK) {
        if (res) PQclear(res);
        return s;
    }
    *inserted = PQntuples(res) == 1;
    PQclear(res);
    if (*inserted) {
        const char *ev[] = {row->number, "import", NULL, NULL, actor_id};
        s = run(c, "cert_event", 5, ev, NULL, NULL);
        if (s != GK_TX_OK) return s;
    }
    return run(c, "cert_sp_release", 0, NULL, NULL, NULL);
}

gk_tx_status gk_db_cert_category_exists(PGconn *c, const char *category, bool *ok,
                                        bool *security_applicable)
{
    *ok = false;
    *security_applicable = false;
    const char *v[] = {category};
    PGresult *res = NULL;
    gk_tx_status s = run(c, "cert_category_exists", 1, v, &res, NULL);
    if (s != GK_TX_OK) return s;
    *ok = PQntuples(res) == 1;
    if (*ok) *security_applicable = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_cert_body_name(PGconn *c, json_t **out)
{
    return gk_db_run_json(c, "cert_body_name", 0, NULL, out, NULL, NULL);
}

/* ---- the bulk import (issue 21) ---------------------------------------------------------- */

/* One field in COPY's text format: \N for NULL, backslash, tab, LF and CR escaped. */
void gk_db_copy_text_field(gk_buf *b, const char *s, bool last)
{
    if (!s) {
        gk_buf_puts(b, "\\N");
    } else {
        for (; *s; s++) {
            switch (*s) {
            case '\\':
                gk_buf_puts(b, "\\\\");
                break;
            case '\t':
                gk_buf_puts(b, "\\t");
                break;
            case '\n':
                gk_buf_puts(b, "\\n");
                break;
            case '\r':
                gk_buf_puts(b, "\\r");
                break;
            default:
                gk_buf_putc(b, *s);
            }
        }
    }
    gk_buf_putc(b, last ? '\n' : '\t');
}

gk_tx_status gk_db_cert_categories(PGconn *c, json_t **out)
{
    return gk_db_run_json(c, "cert_categories", 0, NULL, out, NULL, NULL);
}

gk_tx_status gk_db_cert_import_staged(PGconn *c, const char *rows, size_t len, const char *actor_id,
                                      json_t **outcomes)
{
    *outcomes = NULL;
    gk_tx_status s = run(c, "cert_stage_create", 0, NULL, NULL, NULL);
    if (s == GK_TX_OK) s = run(c, "cert_import_timeout", 0, NULL, NULL, NULL);
    if (s != GK_TX_OK) return s;
    PGresult *res = PQexec(c, "COPY cert_import_stage (line, number, route, category_id,"
                              " manufacturer, model_name, type_name, granted_on, rule_set_id,"
                              " grandfathered, basis) FROM STDIN");
    bool ok = res && PQresultStatus(res) == PGRES_COPY_IN;
    if (res) PQclear(res);
    if (!ok) return PQstatus(c) == CONNECTION_OK ? GK_TX_HARD : GK_TX_UNAVAILABLE;
    /* In pieces: libpq queues what the socket does not take yet. */
    for (size_t off = 0; ok && off < len;) {
        size_t n = len - off > 1 << 20 ? 1 << 20 : len - off;
        ok = PQputCopyData(c, rows + off, (int)n) == 1;
        off += n;
    }
    ok = PQputCopyEnd(c, ok ? NULL : "the server stopped sending") == 1 && ok;
    while ((res = PQgetResult(c))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) ok = false;
        PQclear(res);
    }
    if (!ok) return PQstatus(c) == CONNECTION_OK ? GK_TX_HARD : GK_TX_UNAVAILABLE;
    const char *v[] = {actor_id};
    return gk_db_run_json(c, "cert_import_staged", 1, v, outcomes, NULL, NULL);
}

gk_tx_status gk_db_cert_sign(PGconn *c, struct gk_keystore *ks, const char *canon,
                             char sig_hex[2 * GK_SIGN_SIGNATURE_LEN + 1], const char **key_id,
                             gk_error *e)
{
    *key_id = gk_keystore_active_key_id(ks);
    char *sig_b64 = NULL;
    const char *signed_by = NULL;
    if (!*key_id ||
        !gk_keystore_sign(ks, (const unsigned char *)canon, strlen(canon), &sig_b64, &signed_by) ||
        strcmp(signed_by, *key_id) != 0) {
        free(sig_b64);
        return GK_TX_HARD; /* a rotation between the two calls: the retry signs again */
    }
    unsigned char sig[GK_SIGN_SIGNATURE_LEN + 8];
    size_t sig_len = 0;
    char pub_hex[65];
    bool ok = gk_base64_decode(sig_b64, strlen(sig_b64), GK_B64_URL, sig, sizeof sig, &sig_len) &&
              sig_len == GK_SIGN_SIGNATURE_LEN && active_public_key_hex(ks, *key_id, pub_hex);
    free(sig_b64);
    if (!ok) return GK_TX_HARD;
    gk_hex_encode(sig, sig_len, sig_hex, 2 * GK_SIGN_SIGNATURE_LEN + 1);
    const char *kr[] = {*key_id};
    gk_tx_status s = run(c, "cert_key_retire", 1, kr, NULL, e);
    const char *ki[] = {*key_id, pub_hex};
    if (s == GK_TX_OK) s = run(c, "cert_key_insert", 2, ki, NULL, e);
    return s;
}
