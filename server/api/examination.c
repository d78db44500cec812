/* Examination: the examiner queue, assignment, evidence, verdicts, information requests, CC
 * equivalence, proposals and the four-eyes review that grants (issuing the certificate) or
 * rejects. The operations (api/examination.h) are shared with the examiner pages; the
 * gk_h_* functions at the end are the JSON endpoints. */
#include "api/examination.h"

#include "http/handlers.h"
#include "app.h"
#include "crypto/audit_chain.h"
#include "db/applications.h"
#include "db/certificates.h"
#include "db/db.h"
#include "db/documents.h"
#include "db/examination.h"
#include "db/rule_sets.h"
#include "db/tx.h"
#include "domain/cc_recognition.h"
#include "domain/lifecycle.h"
#include "domain/rule_set.h"
#include "http/fields.h"
#include "http/reply.h"
#include "service/cc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBLIGATION_MANUAL "manual_no_direct_connection_statement"

static const char *L(gk_request *r, const char *en, const char *ja)
{
    return r->lang && !strcmp(r->lang, "ja") ? ja : en;
}

void gk_exam_outcome_clear(gk_exam_outcome *o)
{
    json_decref(o->errors);
    json_decref(o->view);
    o->errors = o->view = NULL;
}

void gk_exam_reply(gk_request *r, unsigned ok_status, gk_exam_outcome *o)
{
    if (o->err != GK_ERR_OK) {
        gk_reply_problem(r, o->err, o->detail, o->errors);
        r->error = o->err;
        o->errors = NULL;
    } else {
        gk_reply_json(r, ok_status, o->view ? o->view : json_object());
        o->view = NULL;
    }
    gk_exam_outcome_clear(o);
}

/* ---- the shared frame of every operation ------------------------------------------------ */

typedef struct op op;
typedef gk_tx_status (*op_fn)(PGconn *c, op *x);

struct op {
    gk_request *r;
    gk_exam_outcome *o;
    op_fn fn;
    const char *app_id;
    gk_app_row row;    /* the locked application */
    gk_exam_case_info kase; /* its rule set, outcome, examiner */
    gk_lifecycle_state state;
    /* inputs */
    const char *a, *b, *cc; /* operation-specific strings */
    const char *const *docs;
    size_t n_docs;
    bool flag;
    gk_rule_catalog cat; /* loaded before the transaction when the operation needs it */
    char number[GK_CERT_NUMBER_BUF];
};

static gk_tx_status refuse(op *x, gk_error e, const char *field, const char *message)
{
    gk_exam_outcome_clear(x->o);
    x->o->err = e;
    if (field) gk_field_error_add(&x->o->errors, field, message ? message : "");
    else if (message) x->o->detail = message;
    return GK_TX_ABORT;
}

static gk_lifecycle_role lc_role(const gk_request *r)
{
    switch (r->user.role) {
    case GK_ROLE_MANUFACTURER: return GK_LC_ROLE_MANUFACTURER;
    case GK_ROLE_EXAMINER: return GK_LC_ROLE_EXAMINER;
    case GK_ROLE_REGULATOR: return GK_LC_ROLE_REGULATOR;
    case GK_ROLE_ADMIN: return GK_LC_ROLE_ADMIN;
    default: return GK_LC_ROLE__COUNT; /* no transition allows it */
    }
}

static const char *not_now(op *x)
{
    if (x->r->lang && !strcmp(x->r->lang, "ja"))
        return gk_req_printf(x->r, "案件が %s の状態ではできません", x->row.status);
    return gk_req_printf(x->r, "Not possible while the case is %s", x->row.status);
}

static const char *verdict_is(gk_request *r, const char *verdict)
{
    if (r->lang && !strcmp(r->lang, "ja")) return gk_req_printf(r, "判定が %s です", verdict);
    return gk_req_printf(r, "verdict is %s", verdict);
}

/* The life-cycle table decides: *to is the next state. ABORT with 403/409 otherwise. */
static gk_tx_status decide(op *x, gk_lifecycle_event ev, gk_lifecycle_state *to)
{
    gk_error e = gk_lifecycle_next(x->state, ev, lc_role(x->r), to);
    if (e == GK_ERR_OK) return GK_TX_OK;
    return refuse(x, e, NULL,
                  e == GK_ERR_CONFLICT
                      ? not_now(x)
                      : NULL);
}

/* Examination records are written only while the case is under examination. */
static gk_tx_status require_examinable(op *x)
{
    if (x->state == GK_LC_IN_REVIEW || x->state == GK_LC_INFO_REQUESTED) return GK_TX_OK;
    return refuse(x, GK_ERR_CONFLICT, NULL,
                  not_now(x));
}

static gk_tx_status map_db(op *x, gk_tx_status s, gk_error e, const char *field)
{
    if (s != GK_TX_ABORT || x->o->err != GK_ERR_OK) return s;
    return refuse(x, e, field, field ? L(x->r, "refused by a rule of the record",
                                         "記録の規則により受け付けられません")
                                     : NULL);
}

static gk_tx_status audit(PGconn *c, op *x, const char *action, json_t *detail)
{
    char *object = gk_req_printf(x->r, "application:%s", x->app_id);
    gk_tx_status s = gk_audit_append(c, x->r->user.id, action, object, detail);
    json_decref(detail);
    return s;
}

static gk_tx_status op_tx(PGconn *c, void *ctx)
{
    op *x = ctx;
    gk_exam_outcome_clear(x->o); /* a retried transaction starts clean */
    x->o->err = GK_ERR_OK;
    x->o->detail = NULL;
    gk_tx_status s = gk_db_app_lock(c, x->app_id, NULL, &x->row);
    if (s != GK_TX_OK) return s;
    if (!x->row.found || !gk_lifecycle_state_from_name(x->row.status, &x->state) ||
        x->state == GK_LC_DRAFT)
        return refuse(x, GK_ERR_NOT_FOUND, NULL, NULL); /* drafts are the applicant's own */
    s = gk_db_exam_case(c, x->app_id, &x->kase);
    if (s != GK_TX_OK) return s;
    return x->fn(c, x);
}

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_req_alloc(ctx, n);
}

static void run_op(op *x)
{
    if (!gk_db_is_uuid(x->app_id)) {
        x->o->err = GK_ERR_NOT_FOUND;
        return;
    }
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, op_tx, x);
    if (s == GK_TX_OK || (s == GK_TX_ABORT && x->o->err != GK_ERR_OK)) return;
    gk_exam_outcome_clear(x->o);
    x->o->err = s == GK_TX_UNAVAILABLE ? GK_ERR_UNAVAILABLE
                : s == GK_TX_ABORT     ? GK_ERR_CONFLICT
                                       : GK_ERR_INTERNAL;
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

/* ---- assign -------------------------------------------------------------------------------- */

static gk_tx_status assign_fn(PGconn *c, op *x)
{
    gk_lifecycle_state to;
    gk_tx_status s = decide(x, GK_LC_EV_ASSIGN, &to);
    if (s != GK_TX_OK) return s;
    bool ok = false;
    s = gk_db_exam_is_examiner(c, x->a, &ok);
    if (s != GK_TX_OK) return s;
    if (!ok)
        return refuse(x, GK_ERR_VALIDATION, "examiner_id",
                      L(x->r, "not an enabled examiner", "有効な審査員ではありません"));
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_db_exam_set_examiner(c, x->app_id, x->a, &e, &field);
    if (s == GK_TX_OK && to != x->state)
        s = gk_db_app_transition(c, x->app_id, x->row.status, gk_lifecycle_state_name(to),
                                 x->r->user.id, NULL, &e);
    if (s != GK_TX_OK) return map_db(x, s, e, field);
    s = audit(c, x, "application.assign",
              json_pack("{s:s, s:s, s:s}", "examiner_id", x->a, "from", x->row.status, "to",
                        gk_lifecycle_state_name(to)));
    return s == GK_TX_OK ? app_view(c, x) : s;
}

void gk_exam_assign(gk_request *r, const char *app_id, const char *examiner_id,
                    gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    if (!gk_db_is_uuid(examiner_id)) {
        o->err = GK_ERR_VALIDATION;
        gk_field_error_add(&o->errors, "examiner_id",
                           L(r, "not an enabled examiner", "有効な審査員ではありません"));
        return;
    }
    op x = {.r = r, .o = o, .fn = assign_fn, .app_id = app_id, .a = examiner_id};
    run_op(&x);
}

/* ---- evidence ------------------------------------------------------------------------------ */

static gk_tx_status evidence_fn(PGconn *c, op *x)
{
    gk_tx_status s = require_examinable(x);
    if (s != GK_TX_OK) return s;
    const char *req = NULL, *obligation = NULL;
    if (!strcmp(x->a, OBLIGATION_MANUAL)) {
        obligation = OBLIGATION_MANUAL;
    } else {
        char kind[16];
        s = gk_db_exam_requirement_kind(c, x->kase.rule_set, x->a, kind);
        if (s != GK_TX_OK) return s;
        if (strcmp(kind, "requirement") != 0)
            return refuse(x, GK_ERR_NOT_FOUND, NULL,
                          L(x->r, "No such requirement in the case's rule set",
                            "この案件の規則にその要件はありません"));
        req = x->a;
    }
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    json_t *ev = NULL;
    s = gk_db_exam_evidence_add(c, x->app_id, req, obligation, x->b, x->cc, x->docs, x->n_docs,
                                x->r->user.id, &ev, &e, &field);
    if (s != GK_TX_OK) return map_db(x, s, e, field);
    x->o->view = ev;
    return audit(c, x, "examination.evidence",
                 json_pack("{s:s, s:O}", "requirement", x->a, "evidence_id",
                           json_object_get(ev, "id")));
}

void gk_exam_evidence(gk_request *r, const char *app_id, const char *req, const char *procedure,
                      const char *result, const char *const *doc_ids, size_t n_docs,
                      gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < n_docs; i++)
        if (!gk_db_is_uuid(doc_ids[i])) {
            o->err = GK_ERR_VALIDATION;
            gk_field_error_add(&o->errors, "document_ids",
                               L(r, "not a document of this application",
                                 "この申請の書類ではありません"));
            return;
        }
    op x = {.r = r, .o = o, .fn = evidence_fn, .app_id = app_id, .a = req, .b = procedure,
            .cc = result, .docs = doc_ids, .n_docs = n_docs};
    run_op(&x);
}

/* ---- verdict ------------------------------------------------------------------------------- */

static gk_tx_status verdict_fn(PGconn *c, op *x)
{
    gk_tx_status s = require_examinable(x);
    if (s != GK_TX_OK) return s;
    char kind[16];
    s = gk_db_exam_requirement_kind(c, x->kase.rule_set, x->a, kind);
    if (s != GK_TX_OK) return s;
    if (strcmp(kind, "requirement") != 0)
        return refuse(x, GK_ERR_NOT_FOUND, NULL,
                      L(x->r, "No such requirement in the case's rule set",
                        "この案件の規則にその要件はありません"));
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    json_t *v = NULL;
    s = gk_db_exam_verdict_put(c, x->app_id, x->a, x->b, x->cc, x->r->user.id, &v, &e, &field);
    if (s != GK_TX_OK) {
        if (s == GK_TX_ABORT && field && !strcmp(field, "verdict"))
            return refuse(x, GK_ERR_VALIDATION, "verdict",
                          L(x->r, "met_by_equivalence needs an accepted CC equivalence",
                            "同等以上の判定にはCC同等性の承認が必要です"));
        return map_db(x, s, e, field);
    }
    x->o->view = v;
    return audit(c, x, "examination.verdict",
                 json_pack("{s:s, s:s}", "requirement", x->a, "verdict", x->b));
}

void gk_exam_verdict(gk_request *r, const char *app_id, const char *req, const char *verdict,
                     const char *reason, gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    if (!strcmp(verdict, "not_applicable") && (!reason || !*reason)) {
        o->err = GK_ERR_VALIDATION;
        gk_field_error_add(&o->errors, "reason",
                           L(r, "not_applicable needs a reason", "「該当なし」には理由が必要です"));
        return;
    }
    op x = {.r = r, .o = o, .fn = verdict_fn, .app_id = app_id, .a = req, .b = verdict,
            .cc = reason && *reason ? reason : NULL};
    run_op(&x);
}

/* ---- information request ------------------------------------------------------------------- */

static gk_tx_status info_fn(PGconn *c, op *x)
{
    gk_lifecycle_state to;
    gk_tx_status s = decide(x, GK_LC_EV_REQUEST_INFO, &to);
    if (s != GK_TX_OK) return s;
    gk_error e = GK_ERR_OK;
    json_t *q = NULL;
    s = gk_db_exam_info_request_add(c, x->app_id, x->a, x->r->user.id, &q, &e);
    if (s == GK_TX_OK)
        s = gk_db_app_transition(c, x->app_id, x->row.status, gk_lifecycle_state_name(to),
                                 x->r->user.id, x->a, &e);
    if (s != GK_TX_OK) {
        json_decref(q);
        return map_db(x, s, e, NULL);
    }
    json_object_set_new(q, "application_status", json_string(gk_lifecycle_state_name(to)));
    x->o->view = q;
    return audit(c, x, "application.request_info",
                 json_pack("{s:O}", "info_request_id", json_object_get(q, "id")));
}

void gk_exam_info_request(gk_request *r, const char *app_id, const char *message,
                          gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    op x = {.r = r, .o = o, .fn = info_fn, .app_id = app_id, .a = message};
    run_op(&x);
}

/* ---- CC equivalence ------------------------------------------------------------------------ */

static gk_tx_status equivalence_fn(PGconn *c, op *x)
{
    gk_tx_status s = require_examinable(x);
    if (s != GK_TX_OK) return s;
    if (strcmp(x->kase.outcome, "subject_with_security") != 0)
        return refuse(x, GK_ERR_CONFLICT, NULL,
                      L(x->r, "The security requirements do not apply to this case",
                        "この案件にはセキュリティ要件が適用されません"));
    gk_exam_cc cc;
    s = gk_db_exam_cc_get(c, x->cc, &cc);
    if (s != GK_TX_OK) return s;
    if (!cc.found)
        return refuse(x, x->flag ? GK_ERR_CC_NOT_VALID : GK_ERR_VALIDATION, "cc_certificate_id",
                      L(x->r, "no such CC certificate in the registry",
                        "登録簿にそのCC認証はありません"));
    gk_date today = 0, certified = 0, until = GK_DATE_NONE;
    gk_date_parse(cc.today_jst, &today);
    gk_date_parse(cc.certified_on, &certified);
    if (cc.valid_until[0]) gk_date_parse(cc.valid_until, &until);
    gk_cc_validity v = gk_cc_valid_on(certified, until, !strcmp(cc.status, "archived"), today);
    if (x->flag && v != GK_CC_VALID)
        return refuse(x, GK_ERR_CC_NOT_VALID, "cc_certificate_id",
                      gk_req_printf(x->r, "%s (%s)",
                                    gk_cc_validity_text(x->r->lang, v),
                                    cc.today_jst));
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    json_t *d = NULL;
    s = gk_db_exam_equivalence_add(c, x->app_id, x->cc, x->flag, x->a, cc.today_jst,
                                   x->r->user.id, &d, &e, &field);
    if (s != GK_TX_OK) return map_db(x, s, e, field);
    json_object_set_new(d, "validity", json_string(gk_cc_validity_name(v)));
    x->o->view = d;
    return audit(c, x, "examination.equivalence",
                 json_pack("{s:s, s:b, s:s}", "cc_certificate_id", x->cc, "accepted", x->flag,
                           "decided_on", cc.today_jst));
}

void gk_exam_equivalence(gk_request *r, const char *app_id, const char *cc_id, bool accepted,
                         const char *rationale, gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    if (!gk_db_is_uuid(cc_id)) {
        o->err = accepted ? GK_ERR_CC_NOT_VALID : GK_ERR_VALIDATION;
        gk_field_error_add(&o->errors, "cc_certificate_id",
                           L(r, "no such CC certificate in the registry",
                             "登録簿にそのCC認証はありません"));
        return;
    }
    op x = {.r = r, .o = o, .fn = equivalence_fn, .app_id = app_id, .a = rationale,
            .cc = cc_id, .flag = accepted};
    run_op(&x);
}

/* ---- proposal ------------------------------------------------------------------------------ */

/* 422 naming every requirement that blocks a grant, or OK. */
static gk_tx_status check_grantable(PGconn *c, op *x)
{
    json_t *missing = NULL;
    gk_tx_status s = gk_db_exam_grant_missing(c, x->app_id, &x->kase, &missing);
    if (s != GK_TX_OK) return s;
    if (json_array_size(missing) == 0) {
        json_decref(missing);
        return GK_TX_OK;
    }
    gk_exam_outcome_clear(x->o);
    x->o->err = GK_ERR_GRANT_REQUIREMENTS_MISSING;
    size_t i;
    json_t *m;
    const char *list = "";
    json_array_foreach(missing, i, m)
    {
        const char *req = json_string_value(json_object_get(m, "requirement_id"));
        const char *verdict = json_string_value(json_object_get(m, "verdict"));
        if (req) {
            gk_field_error_add(
                &x->o->errors, gk_req_printf(x->r, "requirements.%s.verdict", req),
                verdict ? verdict_is(x->r, verdict)
                        : L(x->r, "no verdict yet", "判定がありません"));
        } else {
            req = OBLIGATION_MANUAL;
            gk_field_error_add(&x->o->errors, "obligations." OBLIGATION_MANUAL,
                               L(x->r, "no evidence that the manual carries the statement",
                                 "取扱説明書の記載を確認した証拠がありません"));
        }
        list = gk_req_printf(x->r, "%s%s%s", list, *list ? ", " : "", req);
    }
    json_decref(missing);
    x->o->detail = gk_req_printf(x->r, "%s: %s", L(x->r, "Missing", "不足"), list);
    return GK_TX_ABORT;
}

static gk_tx_status propose_fn(PGconn *c, op *x)
{
    gk_lifecycle_state to;
    gk_tx_status s = decide(x, GK_LC_EV_PROPOSE, &to);
    if (s != GK_TX_OK) return s;
    if (!strcmp(x->a, "grant")) {
        s = check_grantable(c, x);
        if (s != GK_TX_OK) return s;
    }
    gk_error e = GK_ERR_OK;
    json_t *p = NULL;
    s = gk_db_exam_proposal_add(c, x->app_id, x->a, x->b, x->r->user.id, &p, &e);
    if (s == GK_TX_OK)
        s = gk_db_app_transition(c, x->app_id, x->row.status, gk_lifecycle_state_name(to),
                                 x->r->user.id, x->b, &e);
    if (s == GK_TX_OK)
        s = audit(c, x, "application.propose",
                  json_pack("{s:s, s:O}", "decision", x->a, "proposal_id",
                            json_object_get(p, "id")));
    if (s == GK_TX_OK) s = app_view(c, x);
    if (s != GK_TX_OK) {
        json_decref(p);
        return map_db(x, s, e, NULL);
    }
    json_object_set_new(x->o->view, "proposal", p);
    return GK_TX_OK;
}

void gk_exam_propose(gk_request *r, const char *app_id, const char *decision, const char *reason,
                     gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    op x = {.r = r, .o = o, .fn = propose_fn, .app_id = app_id, .a = decision, .b = reason};
    run_op(&x);
}

/* ---- review (four eyes) -------------------------------------------------------------------- */

static const char *grant_basis(const gk_cert_case *k)
{
    if (strcmp(k->outcome, "subject_with_security") != 0) return "not_applicable";
    return k->equivalence_accepted && k->any_met_by_equivalence ? "cc_equivalence" : "tested";
}

static gk_tx_status review_fn(PGconn *c, op *x)
{
    if (x->state != GK_LC_PROPOSED)
        return refuse(x, GK_ERR_CONFLICT, NULL,
                      not_now(x));
    gk_exam_proposal p;
    gk_tx_status s = gk_db_exam_proposal_open(c, x->app_id, &p);
    if (s != GK_TX_OK) return s;
    if (!p.found) return refuse(x, GK_ERR_CONFLICT, NULL, NULL);
    if (gk_lifecycle_review_allowed(p.proposed_by, x->r->user.id) != GK_ERR_OK)
        return refuse(x, GK_ERR_OWN_PROPOSAL, NULL,
                      L(x->r, "A second examiner reviews this proposal",
                        "この提案は別の審査員が審査します"));
    bool grant = !strcmp(p.decision, "grant");
    gk_lifecycle_event ev = !x->flag ? GK_LC_EV_RETURN
                            : grant  ? GK_LC_EV_APPROVE_GRANT
                                     : GK_LC_EV_APPROVE_REJECT;
    gk_lifecycle_state to;
    s = decide(x, ev, &to);
    if (s != GK_TX_OK) return s;
    if (!x->flag && !x->a)
        return refuse(x, GK_ERR_VALIDATION, "comment",
                      L(x->r, "say why the proposal goes back", "差し戻す理由を記入してください"));
    if (x->flag && grant) {
        s = check_grantable(c, x);
        if (s != GK_TX_OK) return s;
    }
    gk_error e = GK_ERR_OK;
    /* Order of 0009_certificates.sql: the review, the serial and certificate, the status. */
    s = gk_db_exam_proposal_review(c, p.id, x->r->user.id, x->flag, x->a, &e);
    if (s != GK_TX_OK) return map_db(x, s, e, NULL);
    x->number[0] = 0;
    if (x->flag && grant) {
        gk_cert_case k;
        s = gk_db_cert_case(c, x->app_id, &k);
        if (s != GK_TX_OK) return s;
        if (!k.found) return GK_TX_HARD;
        bool grandfathered =
            gk_rule_set_is_superseded(x->cat.sets, x->cat.n, k.rule_set, k.today_jst);
        s = gk_db_cert_issue(c, gk_app.keystore, x->app_id, &k, grant_basis(&k), grandfathered,
                             gk_app.config.body_code, x->r->user.id, x->number, &e);
        if (s != GK_TX_OK) return map_db(x, s, e, NULL);
    }
    s = gk_db_app_transition(c, x->app_id, x->row.status, gk_lifecycle_state_name(to),
                             x->r->user.id, x->a, &e);
    if (s != GK_TX_OK) return map_db(x, s, e, NULL);
    json_t *detail = json_pack("{s:b, s:s, s:s}", "approve", x->flag, "decision", p.decision,
                               "to", gk_lifecycle_state_name(to));
    if (detail && x->number[0])
        json_object_set_new(detail, "certificate_number", json_string(x->number));
    s = audit(c, x, "application.review", detail);
    return s == GK_TX_OK ? app_view(c, x) : s;
}

void gk_exam_review(gk_request *r, const char *app_id, bool approve, const char *comment,
                    gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    op x = {.r = r, .o = o, .fn = review_fn, .app_id = app_id, .a = comment && *comment ? comment : NULL,
            .flag = approve};
    if (approve) {
        PGconn *c = gk_db_conn();
        gk_error e = c ? gk_rule_sets_load(c, arena_alloc, r, &x.cat) : GK_ERR_UNAVAILABLE;
        if (e != GK_ERR_OK) {
            o->err = e;
            return;
        }
    }
    run_op(&x);
}

/* ---- reads --------------------------------------------------------------------------------- */

static gk_tx_status case_fn(PGconn *c, op *x)
{
    json_t *app = NULL, *rec = NULL, *hist = NULL, *docs = NULL;
    gk_tx_status s = gk_db_app_view(c, x->app_id, NULL, &app);
    if (s == GK_TX_OK) s = gk_db_exam_record(c, x->app_id, &rec);
    if (s == GK_TX_OK) s = gk_db_app_history(c, x->app_id, &hist);
    if (s == GK_TX_OK) s = gk_db_doc_list(c, x->app_id, &docs);
    if (s == GK_TX_OK && (!app || !rec)) s = GK_TX_HARD;
    if (s == GK_TX_OK) {
        x->o->view = json_pack("{s:o, s:o, s:o, s:o}", "application", app, "examination", rec,
                               "history", hist ? hist : json_array(), "documents",
                               docs ? docs : json_array());
        return x->o->view ? GK_TX_OK : GK_TX_HARD;
    }
    json_decref(app);
    json_decref(rec);
    json_decref(hist);
    json_decref(docs);
    return s;
}

void gk_exam_case(gk_request *r, const char *app_id, gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    op x = {.r = r, .o = o, .fn = case_fn, .app_id = app_id};
    run_op(&x);
}

typedef struct {
    const char *status, *assignee, *after;
    long min_age;
    int limit;
    gk_exam_outcome *o;
} queue_ctx;

static gk_tx_status queue_tx(PGconn *c, void *ctx)
{
    queue_ctx *q = ctx;
    json_t *items = NULL;
    char *next = NULL;
    gk_tx_status s =
        gk_db_exam_queue(c, q->status, q->assignee, q->min_age, q->after, q->limit, &items, &next);
    if (s != GK_TX_OK) return s;
    json_decref(q->o->view);
    q->o->view = json_pack("{s:o, s:s?}", "items", items, "next", next);
    free(next);
    return q->o->view ? GK_TX_OK : GK_TX_HARD;
}

void gk_exam_queue(gk_request *r, const char *status, const char *assignee, long min_age_days,
                   const char *after, int limit, gk_exam_outcome *o)
{
    memset(o, 0, sizeof *o);
    queue_ctx q = {status, assignee, after, min_age_days, limit, o};
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, queue_tx, &q);
    if (s != GK_TX_OK) {
        gk_exam_outcome_clear(o);
        o->err = gk_tx_error(s);
    }
}

/* ---- JSON endpoints ------------------------------------------------------------------------ */

static bool read_or_reply(gk_request *r, const gk_field *spec, size_t n)
{
    json_t *errors = NULL;
    if (!gk_fields_read(r, spec, n, &errors)) return true;
    gk_reply_problem(r, GK_ERR_VALIDATION, NULL, errors);
    r->error = GK_ERR_VALIDATION;
    return false;
}

static const char *const QUEUE_STATUSES[] = {"submitted", "in_review", "info_requested",
                                             "proposed", NULL};

void gk_h_exam_queue(gk_request *r)
{
    const char *status = gk_req_query(r, "status");
    const char *assignee = gk_req_query(r, "assignee");
    const char *after = gk_req_query(r, "after");
    const char *age = gk_req_query(r, "min_age_days");
    const char *lim = gk_req_query(r, "limit");
    const char *bad = NULL;
    if (status && *status) {
        bool ok = false;
        for (const char *const *s = QUEUE_STATUSES; *s; s++) ok |= !strcmp(*s, status);
        if (!ok) bad = "status must be submitted, in_review, info_requested or proposed";
    } else {
        status = NULL;
    }
    if (assignee && !strcmp(assignee, "me")) assignee = r->user.id;
    if (assignee && !*assignee) assignee = NULL;
    if (assignee && strcmp(assignee, "none") != 0 && !gk_db_is_uuid(assignee))
        bad = "assignee must be a user id, me or none";
    if (after && !gk_db_is_uuid(after)) bad = "after must be a cursor from a previous page";
    long min_age = 0, limit = 50;
    char *end = NULL;
    if (age && (min_age = strtol(age, &end, 10), !*age || *end || min_age < 0 || min_age > 36500))
        bad = "min_age_days must be an integer from 0";
    if (lim && (limit = strtol(lim, &end, 10), !*lim || *end || limit < 1 || limit > 500))
        bad = "limit must be an integer from 1 to 500";
    if (bad) {
        gk_reply_problem(r, GK_ERR_BAD_QUERY, bad, NULL);
        r->error = GK_ERR_BAD_QUERY;
        return;
    }
    gk_exam_outcome o;
    gk_exam_queue(r, status, assignee, min_age, after, (int)limit, &o);
    gk_exam_reply(r, 200, &o);
}

void gk_h_exam_case(gk_request *r)
{
    gk_exam_outcome o;
    gk_exam_case(r, r->params[0], &o);
    gk_exam_reply(r, 200, &o);
}

void gk_h_exam_assign(gk_request *r)
{
    const char *examiner = NULL;
    const gk_field spec[] = {{"examiner_id", GK_F_STRING, true, 64, NULL, &examiner, false}};
    if (!read_or_reply(r, spec, 1)) return;
    gk_exam_outcome o;
    gk_exam_assign(r, r->params[0], examiner, &o);
    gk_exam_reply(r, 200, &o);
}

#define MAX_DOCS 64

void gk_h_exam_evidence(gk_request *r)
{
    const char *procedure = NULL, *result = NULL;
    const gk_field spec[] = {
        {"procedure", GK_F_STRING, true, 20000, NULL, &procedure, false},
        {"result", GK_F_STRING, true, 20000, NULL, &result, false},
    };
    json_t *errors = NULL;
    gk_fields_read(r, spec, 2, &errors);
    const char *docs[MAX_DOCS];
    size_t n_docs = 0;
    json_t *ids = r->json ? json_object_get(r->json, "document_ids") : NULL;
    if (ids && !json_is_null(ids)) {
        size_t i;
        json_t *id;
        if (!json_is_array(ids) || json_array_size(ids) > MAX_DOCS)
            gk_field_error_add(&errors, "document_ids",
                               L(r, "a list of document ids", "書類IDの配列を指定してください"));
        else
            json_array_foreach(ids, i, id)
            {
                if (!json_is_string(id)) {
                    gk_field_error_add(&errors, "document_ids",
                                       L(r, "a list of document ids",
                                         "書類IDの配列を指定してください"));
                    break;
                }
                docs[n_docs++] = json_string_value(id);
            }
    }
    if (errors) {
        gk_reply_problem(r, GK_ERR_VALIDATION, NULL, errors);
        r->error = GK_ERR_VALIDATION;
        return;
    }
    gk_exam_outcome o;
    gk_exam_evidence(r, r->params[0], r->params[1], procedure, result, docs, n_docs, &o);
    gk_exam_reply(r, 201, &o);
}

static const char *const VERDICTS[] = {"pass", "fail", "not_applicable", "met_by_equivalence",
                                       NULL};

void gk_h_exam_verdict(gk_request *r)
{
    const char *verdict = NULL, *reason = NULL;
    const gk_field spec[] = {
        {"verdict", GK_F_ENUM, true, 0, VERDICTS, &verdict, false},
        {"reason", GK_F_STRING, false, 20000, NULL, &reason, true},
    };
    if (!read_or_reply(r, spec, 2)) return;
    gk_exam_outcome o;
    gk_exam_verdict(r, r->params[0], r->params[1], verdict, reason, &o);
    gk_exam_reply(r, 200, &o);
}

void gk_h_exam_info_request(gk_request *r)
{
    const char *message = NULL;
    const gk_field spec[] = {{"message", GK_F_STRING, true, 20000, NULL, &message, false}};
    if (!read_or_reply(r, spec, 1)) return;
    gk_exam_outcome o;
    gk_exam_info_request(r, r->params[0], message, &o);
    gk_exam_reply(r, 201, &o);
}

void gk_h_exam_equivalence(gk_request *r)
{
    const char *cc = NULL, *rationale = NULL;
    int accepted = -1;
    const gk_field spec[] = {
        {"cc_certificate_id", GK_F_STRING, true, 64, NULL, &cc, false},
        {"accepted", GK_F_BOOL, true, 0, NULL, &accepted, false},
        {"rationale", GK_F_STRING, true, 20000, NULL, &rationale, false},
    };
    if (!read_or_reply(r, spec, 3)) return;
    gk_exam_outcome o;
    gk_exam_equivalence(r, r->params[0], cc, accepted == 1, rationale, &o);
    gk_exam_reply(r, 201, &o);
}

static const char *const DECISIONS[] = {"grant", "reject", NULL};

void gk_h_exam_proposal(gk_request *r)
{
    const char *decision = NULL, *reason = NULL;
    const gk_field spec[] = {
        {"decision", GK_F_ENUM, true, 0, DECISIONS, &decision, false},
        {"reason", GK_F_STRING, true, 20000, NULL, &reason, false},
    };
    if (!read_or_reply(r, spec, 2)) return;
    gk_exam_outcome o;
    gk_exam_propose(r, r->params[0], decision, reason, &o);
    gk_exam_reply(r, 201, &o);
}

void gk_h_exam_review(gk_request *r)
{
    int approve = -1;
    const char *comment = NULL;
    const gk_field spec[] = {
        {"approve", GK_F_BOOL, true, 0, NULL, &approve, false},
        {"comment", GK_F_STRING, false, 20000, NULL, &comment, true},
    };
    if (!read_or_reply(r, spec, 2)) return;
    gk_exam_outcome o;
    gk_exam_review(r, r->params[0], approve == 1, comment, &o);
    gk_exam_reply(r, 200, &o);
}

void gk_examination_register(void)
{
    gk_db_examination_register();
    gk_audit_register();
}
