#include "service/examination.h"
#include "service/certificates.h"

#include "db/applications.h"

#include "app.h"
#include "crypto/audit_chain.h"
#include "mail/mail.h"
#include "db/certificates.h"
#include "db/db.h"
#include "db/documents.h"
#include "db/examination.h"
#include "db/rule_sets.h"
#include "domain/cc_recognition.h"
#include "domain/examination.h"
#include "domain/rule_set.h"

#include <stdlib.h>
#include <string.h>

#define PROSE 20000 /* bytes of a free-text field */

/* ---- field specs: one per operation, read alike by the API and the pages --------------- */

static const gk_field assign_fields[] = {
    {"examiner_id", GK_F_STRING, true, 64, NULL, GK_AT(gk_exam_assign_in, examiner_id), false},
};
const gk_spec gk_exam_assign_spec = GK_SPEC(assign_fields);

static const gk_field evidence_fields[] = {
    {"procedure", GK_F_STRING, true, PROSE, NULL, GK_AT(gk_exam_evidence_in, procedure), false},
    {"result", GK_F_STRING, true, PROSE, NULL, GK_AT(gk_exam_evidence_in, result), false},
    {GK_EXAM_FINDING_DERIVABLE, GK_F_BOOL, false, 0, NULL,
     GK_AT(gk_exam_evidence_in, derivable_from_identifiers), true},
    {"update_secure", GK_F_BOOL, false, 0, NULL, GK_AT(gk_exam_evidence_in, update_secure), true},
    {"update_automatic", GK_F_BOOL, false, 0, NULL, GK_AT(gk_exam_evidence_in, update_automatic),
     true},
    {"update_method", GK_F_STRING, false, 2000, NULL, GK_AT(gk_exam_evidence_in, update_method),
     true},
};
const gk_spec gk_exam_evidence_spec = GK_SPEC(evidence_fields);

static const gk_field verdict_fields[] = {
    {"verdict", GK_F_ENUM, true, 0, gk_exam_verdicts, GK_AT(gk_exam_verdict_in, verdict), false},
    {"reason", GK_F_STRING, false, PROSE, NULL, GK_AT(gk_exam_verdict_in, reason), true},
};
const gk_spec gk_exam_verdict_spec = GK_SPEC(verdict_fields);

/* Both inputs keep the requirement at the same place (checked below). */
static const gk_field requirement_fields[] = {
    {"requirement", GK_F_STRING, true, 64, NULL, GK_AT(gk_exam_verdict_in, requirement), false},
};
const gk_spec gk_exam_requirement_spec = GK_SPEC(requirement_fields);
_Static_assert(offsetof(gk_exam_verdict_in, requirement) ==
                   offsetof(gk_exam_evidence_in, requirement),
               "one requirement field spec for evidence and verdicts");

static const gk_field info_fields[] = {
    {"message", GK_F_STRING, true, PROSE, NULL, GK_AT(gk_exam_info_in, message), false},
};
const gk_spec gk_exam_info_spec = GK_SPEC(info_fields);

static const gk_field equivalence_fields[] = {
    {"cc_certificate_id", GK_F_STRING, false, 64, NULL,
     GK_AT(gk_exam_equivalence_in, cc_certificate_id), true},
    {"scheme", GK_F_STRING, false, 64, NULL, GK_AT(gk_exam_equivalence_in, scheme), true},
    {"certificate_ref", GK_F_STRING, false, 200, NULL,
     GK_AT(gk_exam_equivalence_in, certificate_ref), true},
    {"certificate_valid_until", GK_F_DATE, false, 0, NULL,
     GK_AT(gk_exam_equivalence_in, certificate_valid_until), true},
    {"accepted", GK_F_BOOL, true, 0, NULL, GK_AT(gk_exam_equivalence_in, accepted), false},
    {"rationale", GK_F_STRING, true, PROSE, NULL, GK_AT(gk_exam_equivalence_in, rationale), false},
};
const gk_spec gk_exam_equivalence_spec = GK_SPEC(equivalence_fields);

static const gk_field propose_fields[] = {
    {"decision", GK_F_ENUM, true, 0, gk_exam_decisions, GK_AT(gk_exam_propose_in, decision), false},
    {"reason", GK_F_STRING, true, PROSE, NULL, GK_AT(gk_exam_propose_in, reason), false},
};
const gk_spec gk_exam_propose_spec = GK_SPEC(propose_fields);

static const gk_field review_fields[] = {
    {"approve", GK_F_BOOL, true, 0, NULL, GK_AT(gk_exam_review_in, approve), false},
    {"comment", GK_F_STRING, false, PROSE, NULL, GK_AT(gk_exam_review_in, comment), true},
};
const gk_spec gk_exam_review_spec = GK_SPEC(review_fields);

void gk_svc_examination_register(void)
{
    gk_db_examination_register();
    gk_audit_register();
}

/* ---- the frame of every operation on one case ------------------------------------------- */

typedef struct op op;
typedef gk_tx_status (*op_fn)(PGconn *c, op *x);

struct op {
    const gk_call *call;
    gk_outcome *o;
    op_fn fn;
    const char *app_id;
    const void *in;         /* the operation's input struct */
    gk_app_row row;         /* the locked application */
    gk_exam_case_info kase; /* its rule set, outcome, examiner */
    gk_lifecycle_state state;
    bool moves; /* the operation is the event ev: op_tx decides to before fn */
    gk_lifecycle_event ev;
    gk_lifecycle_state to;
    gk_rule_catalog cat; /* loaded before the transaction when the operation needs it */
    char number[GK_CERT_NUMBER_BUF];
};

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

static void add_field_text(gk_outcome *o, const char *field, const char *text)
{
    json_t *e = json_pack("{s:s, s:s}", "field", field, "message", text ? text : "");
    if (e && (o->errors || (o->errors = json_array()))) json_array_append(o->errors, e);
    json_decref(e);
}

/* Refuse: a fresh outcome with e, and a field error (catalogue text msg_key) when field. */
static gk_tx_status refuse(op *x, gk_error e, const char *field, const char *msg_key)
{
    gk_outcome_clear(x->o);
    return gk_fail(x->o, x->call, e, field, msg_key);
}

static gk_tx_status refuse_detail(op *x, gk_error e, const char *detail)
{
    gk_outcome_clear(x->o);
    gk_fail(x->o, x->call, e, NULL, NULL);
    x->o->detail = detail;
    return GK_TX_ABORT;
}

static const char *not_now(op *x)
{
    return gk_call_msgf(x->call, "examination.not_now", "status", x->row.status, NULL);
}

/* The life-cycle table decides: *to is the next state. ABORT with 403/409 otherwise. */
static gk_tx_status decide(op *x, gk_lifecycle_event ev, gk_lifecycle_state *to)
{
    gk_error e = gk_lifecycle_next(x->state, ev, gk_call_lc_role(x->call), to);
    if (e == GK_ERR_OK) return GK_TX_OK;
    return refuse_detail(x, e, e == GK_ERR_CONFLICT ? not_now(x) : NULL);
}

/* The case's status change to x->to, with its note in the history. */
static gk_tx_status move(PGconn *c, op *x, const char *note, gk_error *e)
{
    return gk_db_app_transition(c, x->app_id, x->row.status, gk_lifecycle_state_name(x->to),
                                x->call->user.id, note, e);
}

static gk_tx_status require_examinable(op *x)
{
    if (gk_lifecycle_is_examinable(x->state)) return GK_TX_OK;
    return refuse_detail(x, GK_ERR_CONFLICT, not_now(x));
}

/* A write the schema refused (GK_TX_ABORT with e): the error, on its field when known. */
static gk_tx_status map_db(op *x, gk_tx_status s, gk_error e, const char *field)
{
    if (s != GK_TX_ABORT || x->o->err != GK_ERR_OK) return s;
    return refuse(x, e, field, field ? "examination.refused_by_rule" : NULL);
}

static gk_tx_status audit(PGconn *c, op *x, const char *action, json_t *detail)
{
    char *object = gk_call_printf(x->call, "application:%s", x->app_id);
    gk_tx_status s =
        object ? gk_audit_append(c, x->call->user.id, action, object, detail) : GK_TX_HARD;
    json_decref(detail);
    return s;
}

static gk_tx_status op_tx(PGconn *c, void *ctx)
{
    op *x = ctx;
    gk_outcome_clear(x->o); /* a retried transaction starts clean */
    gk_tx_status s = gk_db_app_lock(c, x->app_id, NULL, &x->row);
    if (s != GK_TX_OK) return s;
    if (!x->row.found || !gk_lifecycle_state_from_name(x->row.status, &x->state) ||
        !gk_lifecycle_staff_visible(x->state))
        return refuse(x, GK_ERR_NOT_FOUND, NULL, NULL);
    s = gk_db_exam_case(c, x->app_id, &x->kase);
    if (s == GK_TX_OK && x->moves) s = decide(x, x->ev, &x->to);
    if (s != GK_TX_OK) return s;
    return x->fn(c, x);
}

static void run_op(op *x)
{
    if (!gk_db_is_uuid(x->app_id)) {
        gk_fail(x->o, x->call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    gk_outcome_finish(x->o, gk_tx_run(GK_TX_READ_COMMITTED, op_tx, x));
}

/* run_op for an operation that is the life-cycle event ev: op_tx decides x->to first. */
static void run_move(op *x, gk_lifecycle_event ev)
{
    x->moves = true;
    x->ev = ev;
    run_op(x);
}

/* Who examines: examiners. Admins only (re)assign, which the life-cycle table says. */
static bool examiner(const gk_call *call, gk_outcome *o)
{
    if (call->user.role == GK_ROLE_EXAMINER) return true;
    gk_fail(o, call, GK_ERR_FORBIDDEN, NULL, NULL);
    return false;
}

static bool case_reader(const gk_call *call, gk_outcome *o)
{
    if (call->user.role & (GK_ROLE_EXAMINER | GK_ROLE_ADMIN)) return true;
    gk_fail(o, call, GK_ERR_FORBIDDEN, NULL, NULL);
    return false;
}

static gk_tx_status app_view(PGconn *c, op *x)
{
    json_t *v = NULL;
    gk_tx_status s = gk_db_app_view(c, x->app_id, NULL, &v);
    if (s != GK_TX_OK) return s;
    if (!v) return GK_TX_HARD;
    json_decref(x->o->view);
    x->o->view = v;
    return GK_TX_OK;
}

/* ---- who works on a case (issue 18 item 3) ------------------------------------------------ */

/* The case's record (evidence, verdicts, equivalence) and its proposal are written by the
 * examiner the case is assigned to, or by a lead examiner: 403 case.not_assigned for anyone
 * else. Called first by each of those operations; schema/0018_four_eyes.sql refuses such a
 * write too. */
static gk_tx_status require_case_examiner(PGconn *c, op *x)
{
    const char *me = x->call->user.id;
    if (me && x->kase.assigned[0] && !strcmp(x->kase.assigned, me)) return GK_TX_OK;
    bool lead = false, took_part = false;
    gk_tx_status s = me ? gk_db_exam_standing(c, x->app_id, me, &lead, &took_part) : GK_TX_OK;
    if (s != GK_TX_OK || lead) return s;
    return refuse_detail(x, GK_ERR_NOT_CASE_EXAMINER, gk_call_msg(x->call, "review.not_assigned"));
}

/* ---- assign -------------------------------------------------------------------------------- */

static gk_tx_status assign_fn(PGconn *c, op *x)
{
    const gk_exam_assign_in *in = x->in;
    bool ok = false;
    gk_tx_status s = GK_TX_OK;
    if (x->kase.assigned[0] && x->call->user.role != GK_ROLE_ADMIN)
        s = require_case_examiner(c, x); /* taking an unassigned case is anyone's */
    if (s == GK_TX_OK) s = gk_db_exam_is_examiner(c, in->examiner_id, &ok);
    if (s != GK_TX_OK) return s;
    if (!ok) return refuse(x, GK_ERR_VALIDATION, "examiner_id", "examination.not_an_examiner");
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_db_exam_set_examiner(c, x->app_id, in->examiner_id, &e, &field);
    if (s == GK_TX_OK && x->to != x->state) s = move(c, x, NULL, &e);
    if (s != GK_TX_OK) return map_db(x, s, e, field);
    s = audit(c, x, "application.assign",
              json_pack("{s:s, s:s, s:s}", "examiner_id", in->examiner_id, "from", x->row.status,
                        "to", gk_lifecycle_state_name(x->to)));
    return s == GK_TX_OK ? app_view(c, x) : s;
}

void gk_svc_exam_assign(const gk_call *call, const gk_exam_assign_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!case_reader(call, out)) return;
    if (!gk_db_is_uuid(in->examiner_id)) {
        gk_fail(out, call, GK_ERR_VALIDATION, "examiner_id", "examination.not_an_examiner");
        return;
    }
    op x = {.call = call, .o = out, .fn = assign_fn, .app_id = in->app_id, .in = in};
    run_move(&x, GK_LC_EV_ASSIGN);
}

/* ---- evidence ------------------------------------------------------------------------------ */

/* The requirement must be one of the case's rule set (404 otherwise); *conditional: the
 * rule set marks it conditional (NULL when not wanted). */
static gk_tx_status require_requirement(PGconn *c, op *x, const char *req, bool *conditional)
{
    char kind[16];
    bool cond = false;
    gk_tx_status s = gk_db_exam_requirement_kind(c, x->kase.rule_set, req, kind, &cond);
    if (conditional) *conditional = cond;
    if (s != GK_TX_OK) return s;
    if (!strcmp(kind, "requirement")) return GK_TX_OK;
    return refuse_detail(x, GK_ERR_NOT_FOUND,
                         gk_call_msg(x->call, "examination.no_such_requirement"));
}

/* The answer to finding f of the input: NULL when not answered. New reference. */
static json_t *finding_value(const gk_exam_evidence_in *in, const gk_exam_finding *f)
{
    int b = -1;
    if (!strcmp(f->name, GK_EXAM_FINDING_DERIVABLE)) b = in->derivable_from_identifiers;
    if (!strcmp(f->name, "update_secure")) b = in->update_secure;
    if (!strcmp(f->name, "update_automatic")) b = in->update_automatic;
    if (!strcmp(f->name, "update_method"))
        return nonempty(in->update_method) ? json_string(in->update_method) : NULL;
    return b < 0 ? NULL : json_boolean(b == 1);
}

/* The findings the requirement asks (domain table), as a JSON object text in *out (NULL when
 * it asks none); 422 naming every one that is required and missing. */
static gk_tx_status read_findings(PGconn *c, op *x, const gk_exam_evidence_in *in, char **out)
{
    *out = NULL;
    char measure[64];
    gk_tx_status s = gk_db_exam_declared_measure(c, x->app_id, in->requirement, measure);
    if (s != GK_TX_OK) return s;
    json_t *obj = json_object();
    bool missing = false;
    for (const gk_exam_finding *f = gk_exam_findings; obj && f->name; f++) {
        if (strcmp(f->requirement, in->requirement)) continue;
        json_t *v = finding_value(in, f);
        if (v) {
            json_object_set_new(obj, f->name, v);
        } else if (gk_exam_finding_required(f, in->requirement, measure)) {
            if (!missing) refuse(x, GK_ERR_VALIDATION, NULL, NULL);
            missing = true;
            const char *key = gk_call_printf(x->call, "examination.finding.%s", f->name);
            add_field_text(x->o, f->name, gk_call_msg(x->call, key ? key : ""));
        }
    }
    if (!obj) return GK_TX_HARD;
    if (missing) {
        json_decref(obj);
        return GK_TX_ABORT;
    }
    if (json_object_size(obj)) *out = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    return GK_TX_OK;
}

static gk_tx_status evidence_fn(PGconn *c, op *x)
{
    const gk_exam_evidence_in *in = x->in;
    gk_tx_status s = require_case_examiner(c, x);
    if (s == GK_TX_OK) s = require_examinable(x);
    if (s != GK_TX_OK) return s;
    const char *req = NULL, *obligation = NULL;
    char *findings = NULL;
    if (!strcmp(in->requirement, GK_EXAM_OBLIGATION_MANUAL)) {
        obligation = GK_EXAM_OBLIGATION_MANUAL;
    } else {
        s = require_requirement(c, x, in->requirement, NULL);
        if (s == GK_TX_OK) s = read_findings(c, x, in, &findings);
        if (s != GK_TX_OK) return s;
        req = in->requirement;
    }
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    json_t *ev = NULL;
    s = gk_db_exam_evidence_add(c, x->app_id, req, obligation, in->procedure, in->result, findings,
                                in->document_ids, in->n_documents, x->call->user.id, &ev, &e,
                                &field);
    free(findings);
    if (s != GK_TX_OK) return map_db(x, s, e, field);
    x->o->view = ev;
    return audit(c, x, "examination.evidence",
                 json_pack("{s:s, s:O}", "requirement", in->requirement, "evidence_id",
                           json_object_get(ev, "id")));
}

void gk_svc_exam_record_evidence(const gk_call *call, const gk_exam_evidence_in *in,
                                 gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!examiner(call, out)) return;
    for (size_t i = 0; i < in->n_documents; i++)
        if (!gk_db_is_uuid(in->document_ids[i])) {
            gk_fail(out, call, GK_ERR_VALIDATION, "document_ids",
                    "examination.not_a_case_document");
            return;
        }
    op x = {.call = call, .o = out, .fn = evidence_fn, .app_id = in->app_id, .in = in};
    run_op(&x);
}

/* ---- verdict ------------------------------------------------------------------------------- */

/* An equivalent function without any certificate (同等以上の機能): an accepted decision of
 * basis equivalent_function mapping this one requirement, justified by the reason. */
static gk_tx_status equivalent_function(PGconn *c, op *x, const gk_exam_verdict_in *in,
                                        char decision[24])
{
    char today[11];
    gk_tx_status s = gk_db_exam_today(c, today);
    if (s != GK_TX_OK) return s;
    gk_db_exam_decision d = {.app_id = x->app_id,
                             .basis = GK_EXAM_EQ_FUNCTION,
                             .rationale = in->reason,
                             .decided_on = today,
                             .accepted = true};
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_db_exam_equivalence_add(c, &d, x->call->user.id, decision, &e, &field);
    if (s == GK_TX_OK)
        s = gk_db_exam_mapping_add(c, decision, x->app_id, in->requirement, in->reason, &e, &field);
    return map_db(x, s, e, field);
}

static gk_tx_status verdict_fn(PGconn *c, op *x)
{
    const gk_exam_verdict_in *in = x->in;
    bool conditional = false;
    gk_tx_status s = require_case_examiner(c, x);
    if (s == GK_TX_OK) s = require_examinable(x);
    if (s == GK_TX_OK) s = require_requirement(c, x, in->requirement, &conditional);
    if (s != GK_TX_OK) return s;
    if (!gk_exam_verdict_allowed_on(gk_exam_verdict_rule_of(in->verdict), conditional))
        return refuse(x, GK_ERR_VALIDATION, "verdict", "examination.mandatory_requirement");
    int derivable = -1;
    s = gk_db_exam_latest_finding(c, x->app_id, in->requirement, GK_EXAM_FINDING_DERIVABLE,
                                  &derivable);
    if (s != GK_TX_OK) return s;
    const char *blocked = gk_exam_verdict_blocked(in->requirement, in->verdict, derivable);
    if (blocked) return refuse(x, GK_ERR_VALIDATION, "verdict", blocked);
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    char decision[24] = "";
    const gk_exam_verdict_rule *vr = gk_exam_verdict_rule_of(in->verdict);
    if (vr && vr->needs_equivalence) {
        s = nonempty(in->reason)
                ? equivalent_function(c, x, in, decision)
                : gk_db_exam_mapping_latest(c, x->app_id, in->requirement, decision);
        if (s != GK_TX_OK) return map_db(x, s, e, field);
        if (!decision[0])
            return refuse(x, GK_ERR_VALIDATION, "verdict", "examination.needs_equivalence");
    }
    json_t *v = NULL;
    s = gk_db_exam_verdict_put(c, x->app_id, in->requirement, in->verdict, nonempty(in->reason),
                               decision[0] ? decision : NULL, x->call->user.id, &v, &e, &field);
    if (s != GK_TX_OK) {
        const gk_exam_verdict_rule *rule = gk_exam_verdict_rule_of(in->verdict);
        if (s == GK_TX_ABORT && field && !strcmp(field, "verdict") && rule &&
            rule->needs_equivalence)
            return refuse(x, GK_ERR_VALIDATION, "verdict", "examination.needs_equivalence");
        return map_db(x, s, e, field);
    }
    x->o->view = v;
    json_t *prev = json_object_get(v, "previous");
    json_t *detail =
        json_pack("{s:s, s:s}", "requirement", in->requirement, "verdict", in->verdict);
    if (detail && json_is_object(prev))
        json_object_set(detail, "previous_verdict", json_object_get(prev, "verdict"));
    if (detail && decision[0])
        json_object_set_new(detail, "equivalence_decision_id", json_string(decision));
    return audit(c, x, "examination.verdict", detail);
}

void gk_svc_exam_record_verdict(const gk_call *call, const gk_exam_verdict_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!examiner(call, out)) return;
    const gk_exam_verdict_rule *rule = gk_exam_verdict_rule_of(in->verdict);
    if (!rule) {
        gk_fail(out, call, GK_ERR_VALIDATION, "verdict", "field.not_a_choice");
        return;
    }
    if (rule->needs_reason && !nonempty(in->reason)) {
        gk_fail(out, call, GK_ERR_VALIDATION, "reason", "examination.needs_reason");
        return;
    }
    op x = {.call = call, .o = out, .fn = verdict_fn, .app_id = in->app_id, .in = in};
    run_op(&x);
}

/* ---- information request ------------------------------------------------------------------- */

static gk_tx_status info_fn(PGconn *c, op *x)
{
    const gk_exam_info_in *in = x->in;
    gk_error e = GK_ERR_OK;
    json_t *q = NULL;
    gk_tx_status s =
        gk_db_exam_info_request_add(c, x->app_id, in->message, x->call->user.id, &q, &e);
    if (s == GK_TX_OK) s = move(c, x, in->message, &e);
    if (s != GK_TX_OK) {
        json_decref(q);
        return map_db(x, s, e, NULL);
    }
    json_object_set_new(q, "application_status", json_string(gk_lifecycle_state_name(x->to)));
    x->o->view = q;
    /* issue 19: the applicant hears of it by mail, in this transaction */
    char *page = gk_call_printf(x->call, "/applications/%s", x->app_id);
    const char *params[] = {"app", x->app_id, "question", in->message, NULL};
    s = page ? gk_mail_notify_applicants(c, x->app_id, "info_request", "info_request", page, params)
             : GK_TX_HARD;
    if (s != GK_TX_OK) return s;
    return audit(c, x, "application.request_info",
                 json_pack("{s:O}", "info_request_id", json_object_get(q, "id")));
}

void gk_svc_exam_request_info(const gk_call *call, const gk_exam_info_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!examiner(call, out)) return;
    op x = {.call = call, .o = out, .fn = info_fn, .app_id = in->app_id, .in = in};
    run_move(&x, GK_LC_EV_REQUEST_INFO);
}

/* ---- CC equivalence ------------------------------------------------------------------------ */

/* The CC registry's certificate: valid on today (JST), else 422 naming it. */
static gk_tx_status check_cc(PGconn *c, op *x, const gk_exam_equivalence_in *in, bool accepted,
                             char today[11], const char **validity)
{
    gk_exam_cc cc;
    if (!nonempty(in->cc_certificate_id) || !gk_db_is_uuid(in->cc_certificate_id))
        return refuse(x, accepted ? GK_ERR_CC_NOT_VALID : GK_ERR_VALIDATION, "cc_certificate_id",
                      "examination.no_such_cc");
    gk_tx_status s = gk_db_exam_cc_get(c, in->cc_certificate_id, &cc);
    if (s != GK_TX_OK) return s;
    memcpy(today, cc.today_jst, sizeof cc.today_jst);
    if (!cc.found)
        return refuse(x, accepted ? GK_ERR_CC_NOT_VALID : GK_ERR_VALIDATION, "cc_certificate_id",
                      "examination.no_such_cc");
    gk_date now = 0, certified = 0, until = GK_DATE_NONE;
    gk_date_parse(cc.today_jst, &now);
    gk_date_parse(cc.certified_on, &certified);
    if (cc.valid_until[0]) gk_date_parse(cc.valid_until, &until);
    gk_cc_validity v = gk_cc_valid_on(certified, until, !strcmp(cc.status, "archived"), now);
    *validity = gk_cc_validity_name(v);
    if (accepted && v != GK_CC_VALID) {
        refuse(x, GK_ERR_CC_NOT_VALID, NULL, NULL);
        const char *key = gk_call_printf(x->call, "examination.cc_validity.%s", *validity);
        add_field_text(x->o, "cc_certificate_id",
                       gk_call_msgf(x->call, key ? key : "", "date", cc.today_jst, NULL));
        return GK_TX_ABORT;
    }
    return GK_TX_OK;
}

/* Another scheme's certificate: its reference, valid on today when its end is given. */
static gk_tx_status check_scheme_cert(PGconn *c, op *x, const gk_exam_equivalence_in *in,
                                      bool accepted, char today[11], const char **validity)
{
    if (!nonempty(in->certificate_ref))
        return refuse(x, GK_ERR_VALIDATION, "certificate_ref", "examination.needs_certificate_ref");
    gk_tx_status s = gk_db_exam_today(c, today);
    if (s != GK_TX_OK) return s;
    gk_date now = 0;
    gk_date_parse(today, &now);
    bool past = in->certificate_valid_until != GK_DATE_NONE && in->certificate_valid_until < now;
    *validity = past ? "past_end_date" : "valid";
    if (accepted && past) {
        refuse(x, GK_ERR_CC_NOT_VALID, NULL, NULL);
        add_field_text(x->o, "certificate_valid_until",
                       gk_call_msgf(x->call, "examination.cc_validity.past_end_date", "date", today,
                                    NULL));
        return GK_TX_ABORT;
    }
    return GK_TX_OK;
}

/* Every mapped requirement is one of the rule set's, with its justification: 422 naming
 * requirements (none given) or requirements.<id> (unknown, no justification). */
static gk_tx_status check_mappings(PGconn *c, op *x, const gk_exam_equivalence_in *in)
{
    const char *problem =
        in->mappings_bad ? "examination.requirements_object"
                         : gk_exam_mapping_count_problem(GK_EXAM_EQ_CERTIFICATE, in->n_mappings);
    if (problem) return refuse(x, GK_ERR_VALIDATION, "requirements", problem);
    bool bad = false;
    for (size_t i = 0; i < in->n_mappings; i++) {
        const gk_exam_mapping *m = &in->mappings[i];
        char kind[16];
        bool cond = false;
        gk_tx_status s =
            gk_db_exam_requirement_kind(c, x->kase.rule_set, m->requirement, kind, &cond);
        if (s != GK_TX_OK) return s;
        const char *key = strcmp(kind, "requirement")   ? "examination.unknown_requirement"
                          : !nonempty(m->justification) ? "examination.needs_justification"
                                                        : NULL;
        if (!key) continue;
        if (!bad) refuse(x, GK_ERR_VALIDATION, NULL, NULL);
        bad = true;
        add_field_text(x->o, gk_call_printf(x->call, "requirements.%s", m->requirement),
                       gk_call_msgf(x->call, key, "requirement", m->requirement, NULL));
    }
    return bad ? GK_TX_ABORT : GK_TX_OK;
}

static gk_tx_status equivalence_fn(PGconn *c, op *x)
{
    const gk_exam_equivalence_in *in = x->in;
    bool accepted = in->accepted == 1;
    gk_tx_status s = require_case_examiner(c, x);
    if (s == GK_TX_OK) s = require_examinable(x);
    if (s != GK_TX_OK) return s;
    if (strcmp(x->kase.outcome, "subject_with_security") != 0)
        return refuse_detail(x, GK_ERR_CONFLICT,
                             gk_call_msg(x->call, "examination.no_security_requirements"));
    const char *scheme = nonempty(in->scheme) ? in->scheme : GK_EXAM_SCHEME_CC;
    bool known = false, in_registry = false;
    s = gk_db_exam_scheme(c, scheme, &known, &in_registry);
    if (s != GK_TX_OK) return s;
    if (!known) return refuse(x, GK_ERR_VALIDATION, "scheme", "examination.unknown_scheme");
    char today[11] = "";
    const char *validity = "valid";
    s = in_registry ? check_cc(c, x, in, accepted, today, &validity)
                    : check_scheme_cert(c, x, in, accepted, today, &validity);
    if (s == GK_TX_OK && accepted) s = check_mappings(c, x, in);
    if (s != GK_TX_OK) return s;

    char until[GK_DATE_BUF] = "";
    if (!in_registry && in->certificate_valid_until != GK_DATE_NONE)
        gk_date_format(in->certificate_valid_until, until);
    gk_db_exam_decision d = {.app_id = x->app_id,
                             .basis = GK_EXAM_EQ_CERTIFICATE,
                             .scheme = scheme,
                             .cc_id = in_registry ? in->cc_certificate_id : NULL,
                             .certificate_ref = in_registry ? NULL : in->certificate_ref,
                             .valid_until = until[0] ? until : NULL,
                             .rationale = in->rationale,
                             .decided_on = today,
                             .accepted = accepted};
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    char id[24];
    s = gk_db_exam_equivalence_add(c, &d, x->call->user.id, id, &e, &field);
    if (s != GK_TX_OK) return map_db(x, s, e, field);
    json_t *set = json_array(), *replaced = json_array(), *removed = NULL;
    for (size_t i = 0; accepted && s == GK_TX_OK && i < in->n_mappings; i++) {
        const gk_exam_mapping *m = &in->mappings[i];
        json_t *v = NULL;
        s = gk_db_exam_mapping_add(c, id, x->app_id, m->requirement, m->justification, &e, &field);
        if (s == GK_TX_OK)
            s = gk_db_exam_verdict_put(c, x->app_id, m->requirement, "met_by_equivalence",
                                       m->justification, id, x->call->user.id, &v, &e, &field);
        if (s != GK_TX_OK) break;
        json_array_append_new(set, json_string(m->requirement));
        /* Never silently: the verdict it replaces is in the history and in the reply. */
        json_t *prev = json_object_get(v, "previous");
        const char *was = json_string_value(json_object_get(prev, "verdict"));
        if (json_is_object(prev) && was &&
            (strcmp(was, "met_by_equivalence") ||
             !json_equal(json_object_get(prev, "equivalence_decision_id"),
                         json_object_get(v, "equivalence_decision_id"))))
            json_array_append(replaced, prev);
        json_decref(v);
    }
    if (s == GK_TX_OK && !accepted) s = gk_db_exam_equivalence_unset(c, &d, &removed, &e, &field);
    json_t *view = NULL;
    if (s == GK_TX_OK) s = gk_db_exam_decision_get(c, id, &view);
    if (s != GK_TX_OK || !view) {
        json_decref(set);
        json_decref(replaced);
        json_decref(removed);
        json_decref(view);
        return s != GK_TX_OK ? map_db(x, s, e, field) : GK_TX_HARD;
    }
    json_object_set_new(view, "validity", json_string(validity));
    if (accepted) {
        json_object_set_new(view, "verdicts_set", set);
        json_object_set_new(view, "verdicts_replaced", replaced);
    } else {
        json_decref(set);
        json_decref(replaced);
        json_object_set_new(view, "verdicts_removed", removed);
    }
    x->o->view = view;
    json_t *detail =
        json_pack("{s:s, s:s, s:b, s:s, s:O}", "scheme", scheme, "decision_id", id, "accepted",
                  accepted, "decided_on", today, "mappings", json_object_get(view, "mappings"));
    if (detail && in_registry)
        json_object_set_new(detail, "cc_certificate_id", json_string(in->cc_certificate_id));
    if (detail && !in_registry)
        json_object_set_new(detail, "certificate_ref", json_string(in->certificate_ref));
    return audit(c, x, "examination.equivalence", detail);
}

void gk_svc_exam_equivalence(const gk_call *call, const gk_exam_equivalence_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!examiner(call, out)) return;
    bool cc = !nonempty(in->scheme) || !strcmp(in->scheme, GK_EXAM_SCHEME_CC);
    if (cc && !(in->cc_certificate_id && gk_db_is_uuid(in->cc_certificate_id))) {
        gk_fail(out, call, in->accepted == 1 ? GK_ERR_CC_NOT_VALID : GK_ERR_VALIDATION,
                "cc_certificate_id", "examination.no_such_cc");
        return;
    }
    op x = {.call = call, .o = out, .fn = equivalence_fn, .app_id = in->app_id, .in = in};
    run_op(&x);
}

void gk_svc_exam_schemes(const gk_call *call, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    PGconn *c = gk_db_read_conn();
    json_t *items = NULL;
    gk_tx_status s = c ? gk_db_exam_schemes(c, &items) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !items) {
        json_decref(items);
        gk_fail(out, call, s == GK_TX_OK ? GK_ERR_INTERNAL : gk_tx_error(s), NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o}", "items", items);
}

/* ---- proposal ------------------------------------------------------------------------------ */

/* 422 naming every requirement that blocks a grant, or OK. */
static gk_tx_status check_grantable(PGconn *c, op *x)
{
    json_t *missing = NULL;
    gk_tx_status s = gk_db_exam_grant_missing(c, x->app_id, &x->kase, gk_exam_clearing_verdicts,
                                              gk_exam_conditional_only_verdicts, &missing);
    if (s != GK_TX_OK) return s;
    if (json_array_size(missing) == 0) {
        json_decref(missing);
        return GK_TX_OK;
    }
    refuse(x, GK_ERR_GRANT_REQUIREMENTS_MISSING, NULL, NULL);
    size_t i;
    json_t *m;
    const char *list = "";
    json_array_foreach(missing, i, m)
    {
        const char *req = json_string_value(json_object_get(m, "requirement_id"));
        const char *verdict = json_string_value(json_object_get(m, "verdict"));
        if (req) {
            /* a pass listed here rests on a derivable per-device value (E5) */
            const char *blocked = verdict ? gk_exam_verdict_blocked(req, verdict, 1) : NULL;
            add_field_text(x->o, gk_call_printf(x->call, "requirements.%s.verdict", req),
                           blocked   ? gk_call_msg(x->call, blocked)
                           : verdict ? gk_call_msgf(x->call, "examination.verdict_is", "verdict",
                                                    verdict, NULL)
                                     : gk_call_msg(x->call, "examination.no_verdict"));
        } else {
            req = GK_EXAM_OBLIGATION_MANUAL;
            add_field_text(x->o, "obligations." GK_EXAM_OBLIGATION_MANUAL,
                           gk_call_msg(x->call, "examination.no_manual_evidence"));
        }
        list = gk_call_printf(x->call, "%s%s%s", list ? list : "", list && *list ? ", " : "", req);
    }
    json_decref(missing);
    x->o->detail = gk_call_msgf(x->call, "examination.missing", "list", list, NULL);
    return GK_TX_ABORT;
}

/* A decision that does not fit the determination: 409 case.not_certifiable for a grant of
 * equipment outside certification, 422 on decision for not_required of equipment inside. */
static gk_tx_status refuse_unfit(op *x, const char *decision)
{
    if (!strcmp(decision, GK_EXAM_DECISION_GRANT)) {
        refuse_detail(x, GK_ERR_NOT_CERTIFIABLE,
                      gk_call_msgf(x->call, "examination.not_certifiable", "outcome",
                                   x->kase.outcome, NULL));
        add_field_text(x->o, "determination.outcome",
                       gk_call_msg(x->call, "examination.propose_not_required"));
        return GK_TX_ABORT;
    }
    return refuse(x, GK_ERR_VALIDATION, "decision", "examination.not_required_needs_not_subject");
}

static gk_tx_status propose_fn(PGconn *c, op *x)
{
    const gk_exam_propose_in *in = x->in;
    gk_tx_status s = require_case_examiner(c, x);
    if (s != GK_TX_OK) return s;
    if (!gk_exam_decision_fits(in->decision, x->kase.outcome)) return refuse_unfit(x, in->decision);
    if (!strcmp(in->decision, GK_EXAM_DECISION_GRANT)) {
        s = check_grantable(c, x);
        if (s != GK_TX_OK) return s;
    }
    gk_error e = GK_ERR_OK;
    json_t *p = NULL;
    s = gk_db_exam_proposal_add(c, x->app_id, in->decision, in->reason, x->call->user.id, &p, &e);
    if (s == GK_TX_OK) s = move(c, x, in->reason, &e);
    if (s == GK_TX_OK)
        s = audit(c, x, "application.propose",
                  json_pack("{s:s, s:O}", "decision", in->decision, "proposal_id",
                            json_object_get(p, "id")));
    if (s == GK_TX_OK) { /* issue 19: a proposal waits for a second examiner */
        char *page = gk_call_printf(x->call, "/examination/%s", x->app_id);
        char *key = gk_call_printf(x->call, "mail.decided.%s", in->decision);
        const char *params[] = {"app", x->app_id, "decision_key", key, NULL};
        s = page && key
                ? gk_mail_notify_reviewers(c, x->call->user.id, "review", "review", page, params)
                : GK_TX_HARD;
    }
    if (s == GK_TX_OK) s = app_view(c, x);
    if (s != GK_TX_OK) {
        json_decref(p);
        return map_db(x, s, e, NULL);
    }
    json_object_set_new(x->o->view, "proposal", p);
    return GK_TX_OK;
}

void gk_svc_exam_propose(const gk_call *call, const gk_exam_propose_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!examiner(call, out)) return;
    op x = {.call = call, .o = out, .fn = propose_fn, .app_id = in->app_id, .in = in};
    run_move(&x, GK_LC_EV_PROPOSE);
}

/* ---- review (four eyes) -------------------------------------------------------------------- */

static const char *grant_basis(const gk_cert_case *k)
{
    if (strcmp(k->outcome, "subject_with_security") != 0) return "not_applicable";
    return k->equivalence_accepted && k->any_met_by_equivalence ? "cc_equivalence" : "tested";
}

static gk_tx_status review_fn(PGconn *c, op *x)
{
    const gk_exam_review_in *in = x->in;
    bool approve = in->approve == 1;
    const char *comment = nonempty(in->comment);
    if (x->state != GK_LC_PROPOSED) return refuse_detail(x, GK_ERR_CONFLICT, not_now(x));
    gk_exam_proposal p;
    gk_tx_status s = gk_db_exam_proposal_open(c, x->app_id, &p);
    if (s != GK_TX_OK) return s;
    if (!p.found) return refuse(x, GK_ERR_CONFLICT, NULL, NULL);
    if (gk_lifecycle_review_allowed(p.proposed_by, x->call->user.id) != GK_ERR_OK)
        return refuse_detail(x, GK_ERR_OWN_PROPOSAL,
                             gk_call_msg(x->call, "examination.second_examiner"));
    if (in->approve == 1) { /* nor anyone who examined the record (issue 18 item 3) */
        bool lead = false, took_part = false;
        s = gk_db_exam_standing(c, x->app_id, x->call->user.id, &lead, &took_part);
        if (s != GK_TX_OK) return s;
        if (took_part)
            return refuse_detail(x, GK_ERR_REVIEWER_TOOK_PART,
                                 gk_call_msg(x->call, "review.took_part"));
    }
    bool grant = !strcmp(p.decision, GK_EXAM_DECISION_GRANT);
    bool not_required = !strcmp(p.decision, GK_EXAM_DECISION_NOT_REQUIRED);
    gk_lifecycle_event ev = !approve       ? GK_LC_EV_RETURN
                            : grant        ? GK_LC_EV_APPROVE_GRANT
                            : not_required ? GK_LC_EV_APPROVE_NOT_REQUIRED
                                           : GK_LC_EV_APPROVE_REJECT;
    s = decide(x, ev, &x->to);
    if (s != GK_TX_OK) return s;
    if (!approve && !comment) return refuse(x, GK_ERR_VALIDATION, "comment", "examination.say_why");
    if (approve && !gk_exam_decision_fits(p.decision, x->kase.outcome))
        return refuse_unfit(x, p.decision);
    if (approve && grant) {
        s = check_grantable(c, x);
        if (s != GK_TX_OK) return s;
    }
    gk_error e = GK_ERR_OK;
    /* The schema's order: the review, the serial and certificate, the status. */
    s = gk_db_exam_proposal_review(c, p.id, x->call->user.id, approve, comment, &e);
    if (s != GK_TX_OK) return map_db(x, s, e, NULL);
    x->number[0] = 0;
    if (approve && grant) {
        gk_cert_case k;
        s = gk_db_cert_case(c, x->app_id, &k);
        if (s != GK_TX_OK) return s;
        if (!k.found) return GK_TX_HARD;
        bool grandfathered =
            gk_rule_set_is_superseded(x->cat.sets, x->cat.n, k.rule_set, k.today_jst);
        s = gk_db_cert_issue(c, gk_app.keystore, x->app_id, &k, grant_basis(&k), grandfathered,
                             gk_app.config.body_code, x->call->user.id, x->number, &e);
        gk_db_cert_case_free(&k);
        if (s != GK_TX_OK) return map_db(x, s, e, NULL);
    }
    s = move(c, x, comment, &e);
    if (s != GK_TX_OK) return map_db(x, s, e, NULL);
    json_t *detail = json_pack("{s:b, s:s, s:s}", "approve", approve, "decision", p.decision, "to",
                               gk_lifecycle_state_name(x->to));
    if (detail && x->number[0])
        json_object_set_new(detail, "certificate_number", json_string(x->number));
    s = audit(c, x, "application.review", detail);
    if (s == GK_TX_OK && approve) { /* issue 19: the applicant hears of the decision */
        char *page = gk_call_printf(x->call, "/applications/%s", x->app_id);
        char key[64];
        snprintf(key, sizeof key, "mail.decided.%s", p.decision);
        /* {decision}: the key's text in the recipient's language (mail/mail.h) */
        const char *params[] = {"app", x->app_id, "decision_key", key, NULL};
        s = page ? gk_mail_notify_applicants(c, x->app_id, "decision", "decision", page, params)
                 : GK_TX_HARD;
    }
    return s == GK_TX_OK ? app_view(c, x) : s;
}

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_arena_alloc(ctx, n);
}

void gk_svc_exam_review(const gk_call *call, const gk_exam_review_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!examiner(call, out)) return;
    op x = {.call = call, .o = out, .fn = review_fn, .app_id = in->app_id, .in = in};
    if (in->approve == 1) {
        /* A grant registers the certificate under its rule set, grandfathered or not. */
        PGconn *c = gk_db_conn();
        gk_error e =
            c ? gk_rule_sets_load(c, arena_alloc, call->arena, &x.cat) : GK_ERR_UNAVAILABLE;
        if (e != GK_ERR_OK) {
            gk_fail(out, call, e, NULL, NULL);
            return;
        }
    }
    run_op(&x);
    /* A grant or an approved change (a new version) is seen by this server's next read */
    if (out->err == GK_ERR_OK && x.number[0]) gk_svc_cert_cache_forget(x.number);
}

/* ---- reads --------------------------------------------------------------------------------- */

static gk_tx_status case_fn(PGconn *c, op *x)
{
    json_t *app = NULL, *rec = NULL, *hist = NULL, *docs = NULL;
    gk_tx_status s = gk_db_app_view(c, x->app_id, NULL, &app);
    if (s == GK_TX_OK) s = gk_db_exam_record(c, x->app_id, &rec);
    if (s == GK_TX_OK) s = gk_db_app_history(c, x->app_id, &hist);
    if (s == GK_TX_OK) s = gk_db_doc_list(c, x->app_id, &docs);
    bool lead = false, took_part = false;
    if (s == GK_TX_OK && x->call->user.id)
        s = gk_db_exam_standing(c, x->app_id, x->call->user.id, &lead, &took_part);
    if (s == GK_TX_OK && (!app || !rec)) s = GK_TX_HARD;
    if (s == GK_TX_OK) {
        x->o->view = json_pack("{s:o, s:o, s:o, s:o, s:{s:b, s:b}}", "application", app,
                               "examination", rec, "history", hist ? hist : json_array(),
                               "documents", docs ? docs : json_array(), "you", "lead_examiner",
                               lead, "took_part", took_part);
        return x->o->view ? GK_TX_OK : GK_TX_HARD;
    }
    json_decref(app);
    json_decref(rec);
    json_decref(hist);
    json_decref(docs);
    return s;
}

void gk_svc_exam_case(const gk_call *call, const char *app_id, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!case_reader(call, out)) return;
    op x = {.call = call, .o = out, .fn = case_fn, .app_id = app_id};
    run_op(&x);
}

static bool may(gk_lifecycle_state st, gk_lifecycle_event ev, gk_lifecycle_role role)
{
    gk_lifecycle_state to;
    return gk_lifecycle_next(st, ev, role, &to) == GK_ERR_OK;
}

json_t *gk_svc_exam_case_actions(const gk_call *call, const json_t *case_view)
{
    json_t *app = json_object_get(case_view, "application");
    gk_lifecycle_state st = GK_LC_DRAFT;
    bool known =
        gk_lifecycle_state_from_name(json_string_value(json_object_get(app, "status")), &st) &&
        gk_lifecycle_staff_visible(st);
    gk_lifecycle_role role = gk_call_lc_role(call);
    bool ex = known && call->user.role == GK_ROLE_EXAMINER;
    const char *me = call->user.id;
    json_t *open = NULL, *p;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(case_view, "examination"), "proposals"), i,
                       p)
    {
        if (json_is_null(json_object_get(p, "reviewed_at"))) open = p;
    }
    const char *proposer = open ? json_string_value(json_object_get(open, "proposed_by")) : NULL;
    const char *outcome =
        json_string_value(json_object_get(json_object_get(app, "determination"), "outcome"));
    bool examinable = known && gk_lifecycle_is_examinable(st);
    /* Issue 18 item 3: the record is the assigned examiner's (or a lead's); an approval is
     * nobody's who took part in it. */
    json_t *you = json_object_get(case_view, "you");
    const char *assigned = json_string_value(json_object_get(app, "assigned_examiner_id"));
    bool lead = json_is_true(json_object_get(you, "lead_examiner"));
    bool took_part = json_is_true(json_object_get(you, "took_part"));
    bool mine = lead || (assigned && me && !strcmp(assigned, me));
    bool asks = ex; /* information requests are any examiner's */
    ex = ex && mine;
    bool may_assign = call->user.role == GK_ROLE_ADMIN || !assigned || mine;
    bool can_propose = ex && may(st, GK_LC_EV_PROPOSE, role);
    json_t *actions =
        json_pack("{s:b, s:b}", "can_propose_grant",
                  can_propose && gk_exam_decision_fits(GK_EXAM_DECISION_GRANT, outcome),
                  "can_propose_not_required",
                  can_propose && gk_exam_decision_fits(GK_EXAM_DECISION_NOT_REQUIRED, outcome));
    json_t *more =
        json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:O}", "can_examine", ex && examinable,
                  "can_assign", known && may_assign && may(st, GK_LC_EV_ASSIGN, role),
                  "can_request_info", asks && may(st, GK_LC_EV_REQUEST_INFO, role), "can_propose",
                  ex && may(st, GK_LC_EV_PROPOSE, role), "can_equivalence",
                  ex && examinable && outcome && !strcmp(outcome, "subject_with_security"),
                  "can_review",
                  known && call->user.role == GK_ROLE_EXAMINER && !took_part && open &&
                      may(st, GK_LC_EV_RETURN, role) &&
                      gk_lifecycle_review_allowed(proposer, me) == GK_ERR_OK,
                  "own_proposal", open && proposer && me && !strcmp(proposer, me), "open_proposal",
                  open ? open : json_null());
    if (actions && more) json_object_update(actions, more);
    json_decref(more);
    return actions;
}

typedef struct {
    const gk_exam_queue_in *in;
    const char *const *statuses;
    const char *assignee, *reviewer;
    gk_outcome *o;
} queue_ctx;

static gk_tx_status queue_tx(PGconn *c, void *ctx)
{
    queue_ctx *q = ctx;
    json_t *items = NULL;
    char *next = NULL;
    gk_tx_status s = gk_db_exam_queue(c, q->statuses, q->assignee, q->reviewer, q->in->min_age_days,
                                      q->in->after, q->in->limit, &items, &next);
    if (s != GK_TX_OK) return s;
    json_decref(q->o->view);
    q->o->view = json_pack("{s:o, s:s?}", "items", items, "next", next);
    free(next);
    return q->o->view ? GK_TX_OK : GK_TX_HARD;
}

void gk_svc_exam_queue(const gk_call *call, const gk_exam_queue_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (!case_reader(call, out)) return;
    const char *one[2] = {in->status, NULL};
    gk_lifecycle_state st;
    if (in->status &&
        (!gk_lifecycle_state_from_name(in->status, &st) || !gk_lifecycle_in_queue(st))) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, NULL, NULL);
        out->detail = gk_call_msg(call, "examination.queue.bad_status");
        return;
    }
    /* issue 20: "review" is the proposals awaiting my review (four eyes), whoever has them */
    static const char *const proposed[] = {"proposed", NULL};
    bool review = in->assignee && !strcmp(in->assignee, "review");
    const char *assignee = review                                        ? NULL
                           : in->assignee && !strcmp(in->assignee, "me") ? call->user.id
                                                                         : in->assignee;
    const char *bad = assignee && strcmp(assignee, "none") && !gk_db_is_uuid(assignee)
                          ? "examination.queue.bad_assignee"
                      : in->after && !gk_db_is_uuid(in->after) ? "examination.queue.bad_after"
                                                               : NULL;
    if (bad) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, NULL, NULL);
        out->detail = gk_call_msg(call, bad);
        return;
    }
    queue_ctx q = {in,
                   review       ? proposed
                   : in->status ? one
                                : gk_lifecycle_queue_states,
                   assignee, review ? call->user.id : NULL, out};
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, queue_tx, &q);
    if (s != GK_TX_OK) {
        gk_outcome_clear(out);
        out->err = gk_tx_error(s);
        out->status = gk_error_status(out->err);
    }
}
