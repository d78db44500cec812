#include "service/surveillance.h"

#include "crypto/audit_chain.h"
#include "crypto/token.h"
#include "db/applications.h"
#include "db/db.h"
#include "db/surveillance.h"
#include "domain/certificate_number.h"
#include "service/applications.h"
#include "service/certificates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_svc_surveillance_register(void)
{
    gk_db_surveillance_register();
}

static const char *const close_outcomes[] = {"no_finding", "corrective_action_done", NULL};
static const char *const order_actions[] = {"suspend", "revoke", NULL};

/* ---- field specs ---------------------------------------------------------------------- */

static const gk_field open_fields[] = {
    {"certificate_number", GK_F_STRING, false, 40, NULL, GK_AT(gk_sv_open_in, certificate_number),
     true},
    {"claimed_number", GK_F_STRING, false, 100, NULL, GK_AT(gk_sv_open_in, claimed_number), true},
    {"product", GK_F_STRING, true, 300, NULL, GK_AT(gk_sv_open_in, product), false},
    {"summary", GK_F_STRING, true, 20000, NULL, GK_AT(gk_sv_open_in, summary), false},
    {"internal_note", GK_F_STRING, false, 20000, NULL, GK_AT(gk_sv_open_in, internal_note), true},
};
const gk_spec gk_sv_open_spec = GK_SPEC(open_fields);

#define NOTE                                                                                       \
    {                                                                                              \
        "internal_note", GK_F_STRING, false, 20000, NULL, GK_AT(gk_sv_step_in, internal_note),     \
            true                                                                                   \
    }

static const gk_field purchase_fields[] = {
    {"place", GK_F_STRING, true, 300, NULL, GK_AT(gk_sv_step_in, place), false},
    {"purchased_on", GK_F_DATE, true, 0, NULL, GK_AT(gk_sv_step_in, purchased_on), false},
    {"serial", GK_F_STRING, false, 300, NULL, GK_AT(gk_sv_step_in, serial), true},
    {"firmware_version", GK_F_STRING, false, 300, NULL, GK_AT(gk_sv_step_in, firmware_version),
     true},
    NOTE,
};
const gk_spec gk_sv_purchase_spec = GK_SPEC(purchase_fields);

static const gk_field test_fields[] = {
    {"requirement", GK_F_STRING, true, 16, NULL, GK_AT(gk_sv_step_in, requirement), false},
    {"verdict", GK_F_ENUM, true, 0, gk_sv_verdicts, GK_AT(gk_sv_step_in, verdict), false},
    {"evidence", GK_F_STRING, true, 20000, NULL, GK_AT(gk_sv_step_in, evidence), false},
    NOTE,
};
const gk_spec gk_sv_test_spec = GK_SPEC(test_fields);

static const gk_field text_fields[] = {
    {"message", GK_F_STRING, true, 20000, NULL, GK_AT(gk_sv_step_in, body), false},
    NOTE,
};
const gk_spec gk_sv_text_spec = GK_SPEC(text_fields);

static const gk_field close_fields[] = {
    {"outcome", GK_F_ENUM, true, 0, close_outcomes, GK_AT(gk_sv_step_in, outcome), false},
    {"reason", GK_F_STRING, true, 20000, NULL, GK_AT(gk_sv_step_in, body), false},
    NOTE,
};
const gk_spec gk_sv_close_spec = GK_SPEC(close_fields);

static const gk_field order_fields[] = {
    {"kind", GK_F_ENUM, true, 0, gk_sv_order_kinds, GK_AT(gk_sv_step_in, order_kind), false},
    {"reference", GK_F_STRING, true, 200, NULL, GK_AT(gk_sv_step_in, order_reference), false},
    {"certificate_action", GK_F_ENUM, false, 0, order_actions,
     GK_AT(gk_sv_step_in, certificate_action), true},
    {"reason", GK_F_STRING, true, 20000, NULL, GK_AT(gk_sv_step_in, body), false},
    NOTE,
};
const gk_spec gk_sv_order_spec = GK_SPEC(order_fields);

/* ---- helpers ----------------------------------------------------------------------------- */

static bool runs_cases(const gk_call *call)
{
    return (call->user.role & (GK_ROLE_EXAMINER | GK_ROLE_REGULATOR)) != 0;
}

static bool is_holder(const gk_call *call)
{
    return call->user.role == GK_ROLE_MANUFACTURER;
}

/* The audit object of a case: its certificate, or the case itself. */
static const char *audit_object(const gk_call *call, const char *number, const char *id)
{
    return number && *number ? gk_call_printf(call, "certificate:%s", number)
                             : gk_call_printf(call, "surveillance:%s", id);
}

/* The case as the caller sees it on connection c (NULL: the thread's), with the steps the
 * caller may take now. */
static gk_tx_status load_on(PGconn *c, const gk_call *call, const char *id, gk_outcome *out)
{
    json_t *view = NULL;
    if (!c) c = gk_db_conn();
    bool staff = runs_cases(call);
    gk_tx_status s = c ? gk_db_sv_get(c, id, staff ? NULL : gk_call_org_filter(call), staff, &view)
                       : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !view) {
        json_decref(view);
        gk_fail(out, call, s != GK_TX_OK ? gk_tx_error(s) : GK_ERR_NOT_FOUND, NULL, NULL);
        return s != GK_TX_OK ? s : GK_TX_ABORT;
    }
    gk_sv_state st = GK_SV_OPEN;
    gk_sv_state_from_name(json_string_value(json_object_get(view, "status")), &st);
    json_t *actions = json_array();
    for (int e = 0; e < GK_SV_EVENT__COUNT; e++)
        if (gk_sv_allowed(st, (gk_sv_event)e, gk_call_lc_role(call)))
            json_array_append_new(actions, json_string(gk_sv_event_name((gk_sv_event)e)));
    json_object_set_new(view, "actions", actions);
    out->view = view;
    return GK_TX_OK;
}

static void load(const gk_call *call, const char *id, gk_outcome *out)
{
    load_on(NULL, call, id, out);
}

/* ---- open -------------------------------------------------------------------------------- */

typedef struct {
    const gk_call *call;
    const gk_sv_open_in *in;
    char number[GK_CERT_NUMBER_BUF];
    char id[37];
    gk_outcome *o;
} open_ctx;

static gk_tx_status open_tx(PGconn *c, void *ctx)
{
    open_ctx *x = ctx;
    gk_outcome_clear(x->o);
    const gk_svc_idem *idem = x->in->idem;
    if (idem) { /* issue 17: a repeat answers the first response */
        gk_svc_idem_found found;
        gk_tx_status s = idem->lookup(c, idem->ctx, NULL, &found, x->o);
        if (s != GK_TX_OK) return s;
        if (found == GK_SVC_IDEM_REPLAY) return GK_TX_ABORT; /* the outcome is the replay */
        if (found == GK_SVC_IDEM_MISMATCH)
            return gk_fail(x->o, x->call, GK_ERR_IDEMPOTENCY_MISMATCH, "Idempotency-Key",
                           "surveillance.idem_mismatch");
    }
    char org[37] = "";
    if (x->number[0]) {
        bool found = false;
        gk_tx_status s = gk_db_sv_certificate(c, x->number, &found, org);
        if (s != GK_TX_OK) return s;
        if (!found)
            return gk_fail(x->o, x->call, GK_ERR_VALIDATION, "certificate_number",
                           "surveillance.error.unknown_certificate");
    }
    gk_db_sv_case k = {.certificate_number = x->number,
                       .claimed_number = x->in->claimed_number,
                       .organization_id = org,
                       .product = x->in->product,
                       .summary = x->in->summary,
                       .opened_by = x->call->user.id};
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    gk_tx_status s = gk_db_sv_insert(c, &k, x->in->internal_note, x->id, &e, &field);
    if (s == GK_TX_ABORT) return gk_fail(x->o, x->call, e, field, NULL);
    if (s != GK_TX_OK) return s;
    json_t *d = json_pack("{s:s, s:s?, s:s?, s:s, s:s, s:s?}", "case_id", x->id, "certificate",
                          x->number[0] ? x->number : NULL, "claimed_number", x->in->claimed_number,
                          "product", x->in->product, "summary", x->in->summary, "internal_note",
                          x->in->internal_note);
    s = d ? gk_audit_append(c, x->call->user.id, "surveillance.open",
                            audit_object(x->call, x->number, x->id), d)
          : GK_TX_HARD;
    json_decref(d);
    if (s != GK_TX_OK || !idem) return s;
    /* the first answer, stored with the case in this transaction */
    s = load_on(c, x->call, x->id, x->o);
    if (s != GK_TX_OK) return s;
    const char *location = gk_call_printf(x->call, "/api/v1/surveillance-cases/%s", x->id);
    char *body = json_dumps(x->o->view, JSON_COMPACT);
    if (!body || !location) {
        free(body);
        return GK_TX_HARD;
    }
    s = idem->store(c, idem->ctx, 201, location, body);
    free(body);
    return s;
}

void gk_svc_sv_open(const gk_call *call, const gk_sv_open_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!runs_cases(call)) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    open_ctx x = {.call = call, .in = in, .o = out};
    const char *num =
        in->certificate_number && *in->certificate_number ? in->certificate_number : NULL;
    if (num) {
        gk_cert_number n;
        if (gk_cert_number_parse_display(num, &n) != GK_ERR_OK ||
            !gk_cert_number_format(&n, x.number)) {
            gk_fail(out, call, GK_ERR_VALIDATION, "certificate_number",
                    "surveillance.error.bad_number");
            return;
        }
    } else if (!in->claimed_number || !*in->claimed_number) {
        gk_fail(out, call, GK_ERR_VALIDATION, "certificate_number",
                "surveillance.error.subject_required");
        return;
    }
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, open_tx, &x);
    gk_outcome_finish(out, s);
    if (s != GK_TX_OK) return;
    if (!out->view) load(call, x.id, out);
    out->location = gk_call_printf(call, "/api/v1/surveillance-cases/%s", x.id);
    if (!out->view) return;
    out->status = 201;
}

/* ---- list and one -------------------------------------------------------------------------- */

void gk_svc_sv_list(const gk_call *call, const gk_sv_list_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!runs_cases(call) && !is_holder(call)) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    if (in->after && !gk_db_is_uuid(in->after)) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, "after", NULL);
        return;
    }
    gk_sv_state st;
    if (in->status && !gk_sv_state_from_name(in->status, &st)) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, "status", NULL);
        return;
    }
    int limit = in->limit > 0 && in->limit <= 500 ? in->limit : 50;
    json_t *items = NULL;
    char *next = NULL;
    PGconn *c = gk_db_conn();
    gk_tx_status s = c ? gk_db_sv_list(c, runs_cases(call) ? NULL : gk_call_org_filter(call),
                                       in->status, in->certificate, in->after, limit, &items, &next)
                       : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK) {
        gk_fail(out, call, gk_tx_error(s), NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o, s:s?}", "items", items, "next", next);
    if (out->view && !next) json_object_set_new(out->view, "next", json_null());
    free(next);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_svc_sv_get(const gk_call *call, const char *id, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!runs_cases(call) && !is_holder(call)) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    if (!id || !gk_db_is_uuid(id)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    load(call, id, out);
}

/* ---- steps --------------------------------------------------------------------------------- */

typedef struct {
    const gk_call *call;
    const gk_sv_step_in *in;
    gk_sv_event event;
    gk_outcome *o;
    char cert_changed[32]; /* the certificate an order suspended or revoked, or "" */
} step_ctx;

/* What the step writes beyond the transition: checks of its own and the audit detail. */
static gk_tx_status step_checks(step_ctx *x, const gk_db_sv_lock_row *k)
{
    const gk_sv_step_in *in = x->in;
    if (x->event == GK_SV_EV_RECORD_PURCHASE && in->purchased_on > gk_date_today_utc() + 1)
        return gk_fail(x->o, x->call, GK_ERR_VALIDATION, "purchased_on",
                       "surveillance.error.future");
    if (x->event == GK_SV_EV_ISSUE_ORDER) {
        bool has_cert = k->certificate_number[0] != 0;
        bool has_action = in->certificate_action && *in->certificate_action;
        if (has_cert && !has_action)
            return gk_fail(x->o, x->call, GK_ERR_VALIDATION, "certificate_action",
                           "surveillance.error.action_required");
        if (!has_cert && has_action)
            return gk_fail(x->o, x->call, GK_ERR_VALIDATION, "certificate_action",
                           "surveillance.error.no_certificate");
    }
    return GK_TX_OK;
}

static gk_tx_status step_tx(PGconn *c, void *ctx)
{
    step_ctx *x = ctx;
    const gk_sv_step_in *in = x->in;
    gk_outcome_clear(x->o);
    bool holder = is_holder(x->call);
    gk_db_sv_lock_row k;
    gk_tx_status s = gk_db_sv_lock(c, in->id, holder ? gk_call_org_filter(x->call) : NULL, &k);
    if (s != GK_TX_OK) return s;
    gk_sv_state from, to;
    if (!k.found || !gk_sv_state_from_name(k.status, &from))
        return gk_fail(x->o, x->call, GK_ERR_NOT_FOUND, NULL, NULL);
    gk_error e = gk_sv_next(from, x->event, gk_call_lc_role(x->call), &to);
    if (e != GK_ERR_OK) {
        gk_fail(x->o, x->call, e, NULL, NULL);
        x->o->detail = gk_call_printf(x->call, "%s: %s", k.status, gk_sv_event_name(x->event));
        return GK_TX_ABORT;
    }
    s = step_checks(x, &k);
    if (s != GK_TX_OK) return s;
    char date[GK_DATE_BUF] = "";
    if (x->event == GK_SV_EV_RECORD_PURCHASE) gk_date_format(in->purchased_on, date);
    gk_db_sv_step st = {.event = gk_sv_event_name(x->event),
                        .from = k.status,
                        .to = gk_sv_state_name(to),
                        .place = in->place,
                        .purchased_on = date,
                        .serial = in->serial,
                        .firmware_version = in->firmware_version,
                        .requirement = in->requirement,
                        .verdict = in->verdict,
                        .evidence = in->evidence,
                        .body = in->body,
                        .internal_note = holder ? NULL : in->internal_note,
                        .actor_id = x->call->user.id};
    const char *field = NULL;
    char step_id[24] = "";
    s = gk_db_sv_append(c, in->id, &st, step_id, &e, &field);
    if (s == GK_TX_ABORT) return gk_fail(x->o, x->call, e, field, NULL);
    if (s != GK_TX_OK) return s;
    /* A test cites evidence files of this case (another case's is refused by the schema). */
    size_t i;
    json_t *ev;
    json_array_foreach(x->event == GK_SV_EV_RECORD_TEST ? in->evidence_ids : NULL, i, ev)
    {
        const char *eid = json_string_value(ev);
        if (!eid || !gk_db_is_uuid(eid))
            return gk_fail(x->o, x->call, GK_ERR_VALIDATION, "evidence_ids",
                           "surveillance.error.evidence");
        field = NULL;
        s = gk_db_sv_cite(c, in->id, step_id, eid, &e, &field);
        if (s == GK_TX_ABORT)
            return gk_fail(x->o, x->call, e, "evidence_ids", "surveillance.error.evidence");
        if (s != GK_TX_OK) return s;
    }
    bool order = x->event == GK_SV_EV_ISSUE_ORDER;
    const char *action =
        order && in->certificate_action && *in->certificate_action ? in->certificate_action : NULL;
    if (from != to) {
        s = gk_db_sv_set_status(c, in->id, gk_sv_state_name(to), order ? in->order_kind : NULL,
                                order ? in->order_reference : NULL, action);
        if (s != GK_TX_OK) return s;
    }
    /* The order suspends or revokes the certificate here, in this transaction: the
     * certificate's own status change (its life cycle, public event, note and audit entry). */
    gk_lifecycle_cert_event cev;
    if (action && gk_sv_order_action(action, &cev)) {
        gk_cert_status_in cin = {.number = k.certificate_number,
                                 .reason = in->body,
                                 .order_reference = in->order_reference,
                                 .internal_note = in->internal_note};
        json_t *extra =
            json_pack("{s:s, s:s}", "surveillance_case", in->id, "order_kind", in->order_kind);
        s = gk_svc_cert_change_status_tx(c, x->call, k.certificate_number, cev, &cin, extra, x->o);
        json_decref(extra);
        if (s != GK_TX_OK) return s;
        snprintf(x->cert_changed, sizeof x->cert_changed, "%s", k.certificate_number);
    }
    json_t *d = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, "
                          "s:s?, s:s?, s:s?}",
                          "case_id", in->id, "from", k.status, "to", gk_sv_state_name(to), "place",
                          in->place, "purchased_on", date[0] ? date : NULL, "serial", in->serial,
                          "firmware_version", in->firmware_version, "requirement", in->requirement,
                          "verdict", in->verdict, "evidence", in->evidence, "text", in->body,
                          "order_kind", order ? in->order_kind : NULL, "order_reference",
                          order ? in->order_reference : NULL, "certificate_action", action,
                          "internal_note", st.internal_note);
    char *act = gk_call_printf(x->call, "surveillance.%s", gk_sv_event_name(x->event));
    s = d && act ? gk_audit_append(c, x->call->user.id, act,
                                   audit_object(x->call, k.certificate_number, in->id), d)
                 : GK_TX_HARD;
    json_decref(d);
    return s;
}

void gk_svc_sv_step(const gk_call *call, const gk_sv_step_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!runs_cases(call) && !is_holder(call)) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    if (!in->id || !gk_db_is_uuid(in->id)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    if (in->evidence_ids && !json_is_null(in->evidence_ids) && !json_is_array(in->evidence_ids)) {
        gk_fail(out, call, GK_ERR_VALIDATION, "evidence_ids", "surveillance.error.evidence");
        return;
    }
    step_ctx x = {.call = call, .in = in, .event = in->event, .o = out};
    /* Closing names its outcome: the event follows from it. */
    if (in->outcome)
        x.event = !strcmp(in->outcome, "no_finding") ? GK_SV_EV_CLOSE_NO_FINDING
                                                     : GK_SV_EV_CLOSE_CORRECTIVE_ACTION;
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, step_tx, &x);
    gk_outcome_finish(out, s);
    if (s == GK_TX_OK && x.cert_changed[0]) gk_svc_cert_cache_forget(x.cert_changed);
    if (s == GK_TX_OK) load(call, in->id, out);
}

/* ---- evidence files ------------------------------------------------------------------------ */

typedef struct {
    const gk_call *call;
    const gk_sv_evidence_in *in;
    char sha[65];
    char eid[37];
    gk_outcome *o;
} evidence_ctx;

static gk_tx_status evidence_tx(PGconn *c, void *ctx)
{
    evidence_ctx *x = ctx;
    gk_outcome_clear(x->o);
    gk_db_sv_lock_row k;
    gk_tx_status s = gk_db_sv_lock(c, x->in->id, NULL, &k);
    if (s != GK_TX_OK) return s;
    gk_sv_state st;
    if (!k.found || !gk_sv_state_from_name(k.status, &st))
        return gk_fail(x->o, x->call, GK_ERR_NOT_FOUND, NULL, NULL);
    if (gk_sv_is_closed(st)) {
        gk_fail(x->o, x->call, GK_ERR_CONFLICT, NULL, NULL);
        x->o->detail = gk_call_printf(x->call, "%s: evidence", k.status);
        return GK_TX_ABORT;
    }
    s = gk_db_sv_evidence_add(c, x->in->id, x->in->filename, x->in->media_type, x->sha, x->in->data,
                              x->in->len, x->call->user.id, x->eid);
    if (s != GK_TX_OK) return s;
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "case_id", x->in->id, "evidence_id",
                          x->eid, "filename", x->in->filename, "media_type", x->in->media_type,
                          "size", (json_int_t)x->in->len, "sha256", x->sha);
    s = d ? gk_audit_append(c, x->call->user.id, "surveillance.evidence",
                            audit_object(x->call, k.certificate_number, x->in->id), d)
          : GK_TX_HARD;
    json_decref(d);
    return s;
}

void gk_svc_sv_evidence_add(const gk_call *call, const gk_sv_evidence_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!runs_cases(call)) {
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    if (!in->id || !gk_db_is_uuid(in->id)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    if (!in->data || !in->len || !in->media_type) {
        gk_fail(out, call, GK_ERR_VALIDATION, "file", "surveillance.error.file");
        return;
    }
    if (in->len > GK_SV_EVIDENCE_MAX) {
        gk_fail(out, call, GK_ERR_TOO_LARGE, "file", NULL);
        return;
    }
    evidence_ctx x = {.call = call, .in = in, .o = out};
    unsigned char h[32];
    if (!gk_sha256(in->data, in->len, h)) {
        gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    for (int i = 0; i < 32; i++)
        snprintf(x.sha + 2 * i, 3, "%02x", h[i]);
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, evidence_tx, &x);
    gk_outcome_finish(out, s);
    if (s != GK_TX_OK) return;
    out->view =
        json_pack("{s:s, s:s, s:s, s:I, s:s}", "id", x.eid, "filename", in->filename, "media_type",
                  in->media_type, "size", (json_int_t)in->len, "sha256", x.sha);
    out->location =
        gk_call_printf(call, "/api/v1/surveillance-cases/%s/evidence/%s", in->id, x.eid);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

gk_error gk_svc_sv_evidence_get(const gk_call *call, const char *id, const char *evidence_id,
                                gk_sv_file *file)
{
    memset(file, 0, sizeof *file);
    if (!runs_cases(call) && !is_holder(call)) return GK_ERR_FORBIDDEN;
    if (!id || !gk_db_is_uuid(id) || !evidence_id || !gk_db_is_uuid(evidence_id))
        return GK_ERR_NOT_FOUND;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    gk_tx_status s =
        gk_db_sv_evidence_get(c, id, evidence_id,
                              runs_cases(call) ? NULL : gk_call_org_filter(call), &file->data,
                              &file->len, file->filename, file->media_type);
    if (s != GK_TX_OK) return gk_tx_error(s);
    return file->data ? GK_ERR_OK : GK_ERR_NOT_FOUND;
}
