/* Applications (api.md "Applications"): create, list, get, PATCH a draft (ETag/If-Match),
 * submit (fixes filing date, rule set and determination; checks facts, declarations and the
 * required documents), withdraw. The operations (gk_app_op_*) are shared with the pages
 * (web/applications.c): each is ONE transaction, and every status change goes through
 * gk_lifecycle_next and gk_db_app_transition/submit. */
#include "http/handlers.h"
#include "crypto/audit_chain.h"
#include "api/views.h"
#include "db/applications.h"
#include "db/db.h"
#include "db/documents.h"
#include "db/tx.h"
#include "domain/lifecycle.h"
#include "http/fields.h"
#include "http/idempotency.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *L(const gk_request *r, const char *en, const char *ja)
{
    return r->lang && !strcmp(r->lang, "ja") ? ja : en;
}

void gk_applications_register(void)
{
    gk_db_applications_register();
    gk_db_documents_register();
    gk_idem_register();
    gk_info_requests_register();
    gk_documents_register();
}

void gk_app_outcome_clear(gk_app_outcome *o)
{
    json_decref(o->errors);
    json_decref(o->view);
    memset(o, 0, sizeof *o);
}

const char *gk_app_org_filter(const gk_request *r)
{
    return r->user.role == GK_ROLE_MANUFACTURER ? r->user.organization_id : NULL;
}

static gk_lifecycle_role lc_role(const gk_request *r)
{
    switch (r->user.role) {
    case GK_ROLE_MANUFACTURER: return GK_LC_ROLE_MANUFACTURER;
    case GK_ROLE_EXAMINER: return GK_LC_ROLE_EXAMINER;
    case GK_ROLE_REGULATOR: return GK_LC_ROLE_REGULATOR;
    default: return GK_LC_ROLE_ADMIN;
    }
}

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_req_alloc(ctx, n);
}

/* ---- reading an application document ------------------------------------------------- */

typedef enum { T_LABEL, T_PROSE, T_UUID, T_ID } text_kind;

static bool utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        if (!n) return false;
        for (int i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80) return false;
        p += n;
    }
    return true;
}

static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) n++;
    return n;
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return false;
    return true;
}

/* A text member: absent/null gives NULL (an error when required). */
static int read_text(gk_request *r, json_t *parent, const char *key, const char *field,
                     bool required, text_kind kind, json_t **errs, const char **out)
{
    *out = NULL;
    json_t *v = parent ? json_object_get(parent, key) : NULL;
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        if (!required) return 0;
        gk_field_error_add(errs, field, L(r, "This field is required", "この項目は必須です"));
        return 1;
    }
    if (!json_is_string(v)) {
        gk_field_error_add(errs, field, L(r, "Must be text", "文字列で入力してください"));
        return 1;
    }
    const char *s = json_string_value(v);
    bool ok = utf8_ok(s) && !blank(s);
    switch (kind) {
    case T_LABEL:
        for (const char *p = s; ok && *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) ok = false;
        ok = ok && chars(s) <= 300;
        if (!ok)
            gk_field_error_add(errs, field,
                               L(r, "One line of at most 300 characters",
                                 "改行を含まない300文字以内で入力してください"));
        break;
    case T_PROSE:
        ok = ok && chars(s) <= 20000;
        if (!ok)
            gk_field_error_add(errs, field,
                               L(r, "At most 20000 characters, not blank",
                                 "20000文字以内で入力してください（空白のみは不可）"));
        break;
    case T_UUID:
        ok = gk_db_is_uuid(s);
        if (!ok) gk_field_error_add(errs, field, L(r, "Not a valid id", "IDの形式が正しくありません"));
        break;
    case T_ID:
        ok = ok && strlen(s) <= 64;
        if (!ok) gk_field_error_add(errs, field, L(r, "Not a valid id", "IDの形式が正しくありません"));
        break;
    }
    if (!ok) return 1;
    *out = s;
    return 0;
}

static const gk_requirement *find_requirement(const gk_rule_catalog *cat, const char *id,
                                              const char *measure, bool *measure_ok)
{
    const gk_requirement *found = NULL;
    *measure_ok = measure == NULL;
    for (size_t i = 0; i < cat->n; i++) {
        const gk_requirement *q = gk_rule_set_requirement(&cat->sets[i], id);
        if (!q || q->kind != GK_REQ_KIND_REQUIREMENT) continue;
        found = q;
        if (measure && gk_requirement_has_measure(q, measure)) *measure_ok = true;
    }
    return found;
}

/* The api.md request document -> gk_app_input. Returns the number of bad fields. Strings
 * are borrowed from doc. */
static int read_input(gk_request *r, json_t *doc, const gk_rule_catalog *cat, gk_app_input *in,
                      json_t **errs)
{
    int bad = 0;
    memset(in, 0, sizeof *in);
    json_t *route = json_object_get(doc, "route");
    if (!route || json_is_null(route)) {
        gk_field_error_add(errs, "route", L(r, "This field is required", "この項目は必須です"));
        bad++;
    } else if (!json_is_string(route) || (strcmp(json_string_value(route), "conformity") &&
                                          strcmp(json_string_value(route), "design"))) {
        gk_field_error_add(errs, "route",
                           L(r, "Must be conformity or design",
                             "conformity か design を指定してください"));
        bad++;
    } else {
        in->route = json_string_value(route);
    }
    json_t *dev = json_object_get(doc, "device");
    if (!dev || !json_is_object(dev)) {
        gk_field_error_add(errs, "device",
                           L(r, "The device is required (an object)",
                             "機器の情報（オブジェクト）が必要です"));
        bad++;
    } else {
        bad += read_text(r, dev, "model_name", "device.model_name", true, T_LABEL, errs,
                         &in->model_name);
        bad += read_text(r, dev, "type_name", "device.type_name", false, T_LABEL, errs,
                         &in->type_name);
        bad += read_text(r, dev, "category", "device.category", true, T_ID, errs, &in->category);
        bad += read_text(r, dev, "description", "device.description", false, T_PROSE, errs,
                         &in->description);
        json_t *facts = json_object_get(dev, "facts");
        if (facts && !json_is_null(facts) && !json_is_object(facts)) {
            gk_field_error_add(errs, "device.facts",
                               L(r, "Must be an object of true/false facts",
                                 "true/false の事実を持つオブジェクトにしてください"));
            bad++;
        } else if (facts && json_is_object(facts)) {
            const char *k;
            json_t *v;
            json_object_foreach(facts, k, v)
            {
                int i = gk_determination_fact_index(k);
                char *field = gk_req_printf(r, "device.facts.%.60s", k);
                if (i < 0) {
                    gk_field_error_add(errs, field ? field : "device.facts",
                                       L(r, "Unknown fact", "不明な項目です"));
                    bad++;
                } else if (json_is_boolean(v)) {
                    in->facts.v[i] = json_is_true(v) ? GK_TRI_TRUE : GK_TRI_FALSE;
                } else if (!json_is_null(v)) {
                    gk_field_error_add(errs, field ? field : "device.facts",
                                       L(r, "Must be true, false or null",
                                         "true・false・null のいずれかにしてください"));
                    bad++;
                }
            }
        }
    }
    json_t *decl = json_object_get(doc, "declarations");
    if (decl && !json_is_null(decl) && !json_is_object(decl)) {
        gk_field_error_add(errs, "declarations",
                           L(r, "Must be an object keyed by requirement",
                             "要件IDをキーとするオブジェクトにしてください"));
        bad++;
    } else if (decl && json_is_object(decl)) {
        const char *k;
        json_t *v;
        json_object_foreach(decl, k, v)
        {
            char *field = gk_req_printf(r, "declarations.%.40s", k);
            char *dfield = gk_req_printf(r, "declarations.%.40s.description", k);
            char *mfield = gk_req_printf(r, "declarations.%.40s.measure", k);
            if (!field || !dfield || !mfield) return bad + 1;
            if (json_is_null(v)) continue; /* a cleared declaration */
            if (!json_is_object(v)) {
                gk_field_error_add(errs, field,
                                   L(r, "Must be an object with a description",
                                     "description を持つオブジェクトにしてください"));
                bad++;
                continue;
            }
            const char *measure = NULL, *desc = NULL;
            int b = read_text(r, v, "measure", mfield, false, T_ID, errs, &measure);
            b += read_text(r, v, "description", dfield, true, T_PROSE, errs, &desc);
            bool measure_ok;
            if (!find_requirement(cat, k, measure, &measure_ok)) {
                gk_field_error_add(errs, field,
                                   L(r, "No such requirement", "そのような要件はありません"));
                b++;
            } else if (!measure_ok) {
                gk_field_error_add(errs, mfield,
                                   L(r, "Not a measure of this requirement",
                                     "この要件の対策として選べるものではありません"));
                b++;
            }
            if (b) {
                bad += b;
                continue;
            }
            if (in->n_decl < GK_RULE_SET_MAX_REQUIREMENTS)
                in->decl[in->n_decl++] = (gk_app_declaration){k, measure, desc};
        }
    }
    bad += read_text(r, doc, "cc_certificate_id", "cc_certificate_id", false, T_UUID, errs,
                     &in->cc_certificate_id);
    bad += read_text(r, doc, "opt_in_rule_set", "opt_in_rule_set", false, T_ID, errs,
                     &in->opt_in_rule_set);
    if (in->opt_in_rule_set && !gk_rule_set_find(cat->sets, cat->n, in->opt_in_rule_set)) {
        gk_field_error_add(errs, "opt_in_rule_set",
                           L(r, "Unknown rule set", "不明な規則です"));
        bad++;
    }
    bad += read_text(r, doc, "opt_in_reason", "opt_in_reason", false, T_PROSE, errs,
                     &in->opt_in_reason);
    if (in->opt_in_reason && !in->opt_in_rule_set) {
        gk_field_error_add(errs, "opt_in_reason",
                           L(r, "A reason is given only with an opt-in rule set",
                             "理由は早期適用する規則を選んだときだけ入力します"));
        bad++;
    }
    return bad;
}

/* ---- transactions --------------------------------------------------------------------- */

typedef struct {
    gk_request *r;
    json_t *doc;
    const char *id, *if_match, *reason, *rid, *message;
    json_t *document_ids;
    gk_rule_catalog cat;
    gk_idem idem;
    gk_app_outcome *out;
} op_ctx;

static gk_tx_status fail(op_ctx *x, gk_error e, const char *field, const char *message)
{
    x->out->err = e;
    x->out->status = gk_error_status(e);
    if (field) gk_field_error_add(&x->out->errors, field, message);
    return GK_TX_ABORT;
}

/* Map the db layer's abort (e, field) into the outcome. */
static gk_tx_status db_abort(op_ctx *x, gk_tx_status s, gk_error e, const char *field)
{
    if (s != GK_TX_ABORT) return s;
    return fail(x, e, field,
                field ? L(x->r, "Not accepted", "受け付けられない値です") : NULL);
}

static void reset(op_ctx *x)
{
    gk_app_outcome_clear(x->out);
}

static gk_tx_status view_into(op_ctx *x, PGconn *c, const char *id, unsigned status)
{
    gk_tx_status s = gk_db_app_view(c, id, NULL, &x->out->view);
    if (s == GK_TX_OK && !x->out->view) s = GK_TX_HARD;
    if (s == GK_TX_OK) x->out->status = status;
    return s;
}

static char *etag_of(gk_request *r, json_t *view)
{
    return gk_req_printf(r, "\"%lld\"",
                         (long long)json_integer_value(json_object_get(view, "version")));
}

/* The start of every change of a case: lock its row (a manufacturer only finds its own
 * organisation's: another's is 404) and decide the transition from the life-cycle table.
 * GK_TX_OK with *row and *to set, else the status the transaction returns. */
static gk_tx_status lock_for(op_ctx *x, PGconn *c, gk_lifecycle_event ev, gk_app_row *row,
                             gk_lifecycle_state *to)
{
    gk_tx_status s = gk_db_app_lock(c, x->id, gk_app_org_filter(x->r), row);
    if (s != GK_TX_OK) return s;
    if (!row->found) return fail(x, GK_ERR_NOT_FOUND, NULL, NULL);
    gk_lifecycle_state st;
    gk_error e = gk_lifecycle_state_from_name(row->status, &st)
                     ? gk_lifecycle_next(st, ev, lc_role(x->r), to)
                     : GK_ERR_CONFLICT;
    return e == GK_ERR_OK ? GK_TX_OK : fail(x, e, NULL, NULL);
}

/* Every change of a case appends one entry to the audit chain, in its transaction. */
static gk_tx_status audit(op_ctx *x, PGconn *c, const char *action, const char *id)
{
    char *object = gk_req_printf(x->r, "application:%s", id);
    return object ? gk_audit_append(c, x->r->user.id, action, object, NULL) : GK_TX_HARD;
}

static gk_tx_status tx_create(PGconn *c, void *p)
{
    op_ctx *x = p;
    reset(x);
    gk_idem_outcome io;
    gk_idem_response resp;
    gk_tx_status s = gk_idem_lookup(c, x->r, &x->idem, &io, &resp);
    if (s != GK_TX_OK) return s;
    if (io == GK_IDEM_REPLAY) {
        x->out->replayed = true;
        x->out->status = resp.status;
        x->out->replay_body = resp.body;
        x->out->replay_type = resp.content_type;
        x->out->replay_location = resp.location;
        return GK_TX_ABORT;
    }
    if (io == GK_IDEM_MISMATCH)
        return fail(x, GK_ERR_IDEMPOTENCY_MISMATCH, "Idempotency-Key",
                    L(x->r, "This key was used with another body",
                      "このキーは別の内容で使われています"));
    gk_app_input in;
    if (read_input(x->r, x->doc, &x->cat, &in, &x->out->errors))
        return fail(x, GK_ERR_VALIDATION, NULL, NULL);
    char id[37];
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_db_app_insert(c, &in, x->r->user.organization_id, x->r->user.id, id, &e, &field);
    if (s != GK_TX_OK) return db_abort(x, s, e, field);
    s = audit(x, c, "application.create", id);
    if (s != GK_TX_OK) return s;
    s = view_into(x, c, id, 201);
    if (s != GK_TX_OK) return s;
    char *body = json_dumps(x->out->view, JSON_COMPACT);
    if (!body) return GK_TX_HARD;
    char *loc = gk_req_printf(x->r, "/api/v1/applications/%s", id);
    s = gk_idem_store(c, x->r, &x->idem, 201, loc, body);
    free(body);
    return s;
}

static bool load_catalog(gk_request *r, op_ctx *x)
{
    gk_error e = gk_rule_sets_load(gk_db_conn(), arena_alloc, r, &x->cat);
    if (e == GK_ERR_OK) return true;
    x->out->err = e;
    x->out->status = gk_error_status(e);
    return false;
}

static void finish(op_ctx *x, gk_tx_status s)
{
    gk_app_outcome *o = x->out;
    if (s == GK_TX_OK || (s == GK_TX_ABORT && (o->err != GK_ERR_OK || o->replayed))) return;
    gk_app_outcome_clear(o);
    o->err = s == GK_TX_UNAVAILABLE ? GK_ERR_UNAVAILABLE
                                    : s == GK_TX_ABORT ? GK_ERR_CONFLICT : GK_ERR_INTERNAL;
    o->status = gk_error_status(o->err);
}

void gk_app_op_create(gk_request *r, json_t *doc, gk_app_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.r = r, .doc = doc, .out = out};
    if (gk_idem_from_request(r, &x.idem) != GK_ERR_OK) {
        fail(&x, GK_ERR_BAD_REQUEST, "Idempotency-Key",
             L(r, "1 to 255 printable ASCII characters", "印字可能なASCII文字で1〜255文字"));
        return;
    }
    if (!load_catalog(r, &x)) return;
    finish(&x, gk_tx_run(GK_TX_READ_COMMITTED, tx_create, &x));
}

/* ---- update ---- */

static bool etag_matches(const char *if_match, int version)
{
    char want[24];
    snprintf(want, sizeof want, "\"%d\"", version);
    const char *p = if_match;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ',') e++;
        size_t n = (size_t)(e - p);
        while (n && p[n - 1] == ' ') n--;
        if (n == 1 && *p == '*') return true;
        if (!strncmp(p, "W/", 2)) p += 2, n -= 2; /* weak comparison is enough here */
        if (n == strlen(want) && !strncmp(p, want, n)) return true;
        p = e;
    }
    return false;
}

/* Merge b into a (objects recursively for "device" and "facts"; anything else replaces). */
static void merge(json_t *a, json_t *b, int depth)
{
    const char *k;
    json_t *v;
    json_object_foreach(b, k, v)
    {
        json_t *cur = json_object_get(a, k);
        if (depth < 2 && (!strcmp(k, "device") || !strcmp(k, "facts")) && json_is_object(v) &&
            json_is_object(cur))
            merge(cur, v, depth + 1);
        else
            json_object_set(a, k, v);
    }
}

static gk_tx_status tx_update(PGconn *c, void *p)
{
    op_ctx *x = p;
    reset(x);
    gk_app_row row;
    gk_lifecycle_state to;
    gk_tx_status s = lock_for(x, c, GK_LC_EV_EDIT, &row, &to);
    if (s != GK_TX_OK) return s;
    gk_error e = GK_ERR_OK;
    if (!etag_matches(x->if_match, row.version))
        return fail(x, GK_ERR_PRECONDITION_FAILED, NULL, NULL);
    json_t *cur = NULL;
    s = gk_db_app_view(c, x->id, NULL, &cur);
    if (s != GK_TX_OK || !cur) return s != GK_TX_OK ? s : GK_TX_HARD;
    merge(cur, x->doc, 0);
    gk_app_input in;
    int bad = read_input(x->r, cur, &x->cat, &in, &x->out->errors);
    if (bad) {
        json_decref(cur);
        return fail(x, GK_ERR_VALIDATION, NULL, NULL);
    }
    const char *field = NULL;
    s = gk_db_app_update_draft(c, x->id, &in, &e, &field);
    json_decref(cur); /* `in` borrowed from cur: used up above */
    if (s != GK_TX_OK) return db_abort(x, s, e, field);
    s = audit(x, c, "application.update", x->id);
    if (s != GK_TX_OK) return s;
    return view_into(x, c, x->id, 200);
}

void gk_app_op_update(gk_request *r, const char *id, json_t *patch, const char *if_match,
                      gk_app_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.r = r, .doc = patch, .id = id, .if_match = if_match, .out = out};
    if (!gk_db_is_uuid(id)) {
        fail(&x, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    if (!if_match) {
        fail(&x, GK_ERR_PRECONDITION_REQUIRED, NULL, NULL);
        return;
    }
    if (!load_catalog(r, &x)) return;
    finish(&x, gk_tx_run(GK_TX_READ_COMMITTED, tx_update, &x));
}

/* ---- submit ---- */

/* Required attachments per route (domain.md, JATE's list). */
static const char *const conformity_docs[] = {"outline", "test_report", "external_view",
                                              "connection_diagram", "block_diagram", "manual",
                                              NULL};
static const char *const design_docs[] = {"outline", "test_report", "external_view",
                                          "connection_diagram", "block_diagram", "manual",
                                          "conformity_method", NULL};

static const char *doc_title(gk_request *r, const char *kind)
{
    static const struct {
        const char *kind, *en, *ja;
    } t[] = {
        {"outline", "equipment outline", "機器概要説明書"},
        {"test_report", "test result report", "試験結果報告等書類"},
        {"external_view", "external view drawing", "外観図"},
        {"connection_diagram", "connection diagram", "接続系統図"},
        {"block_diagram", "block diagram", "ブロック図"},
        {"manual", "operating manual", "操作マニュアル"},
        {"conformity_method", "conformity-confirmation method", "確認方法書"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (!strcmp(t[i].kind, kind))
            return gk_req_printf(r, "%s", L(r, t[i].en, t[i].ja));
    return kind;
}

static bool has_kind(json_t *kinds, const char *kind)
{
    size_t i;
    json_t *v;
    json_array_foreach(kinds, i, v) if (!strcmp(json_string_value(v), kind)) return true;
    return false;
}

static gk_tx_status tx_submit(PGconn *c, void *p)
{
    op_ctx *x = p;
    gk_request *r = x->r;
    reset(x);
    gk_app_row row;
    gk_lifecycle_state to;
    gk_tx_status s = lock_for(x, c, GK_LC_EV_SUBMIT, &row, &to);
    if (s != GK_TX_OK) return s;
    gk_error e = GK_ERR_OK;

    json_t **errs = &x->out->errors;
    gk_error code = GK_ERR_VALIDATION;
    int bad = 0;
    gk_determination d;
    bool determined = false;
    const char *opt_in = row.opt_in_rule_set[0] ? row.opt_in_rule_set : NULL;
    if (opt_in && !row.has_opt_in_reason) {
        gk_field_error_add(errs, "opt_in_reason",
                           L(r, "Say why you opt in to the newer rule set early",
                             "新しい規則を早期適用する理由を入力してください"));
        bad++;
    }
    e = gk_determination_on(x->cat.sets, x->cat.n, &row.facts, row.today_jst, opt_in, &d);
    if (e == GK_ERR_VALIDATION) {
        for (size_t i = 0; i < d.n_missing; i++) {
            char *f = gk_req_printf(r, "device.%s", d.missing[i]);
            gk_field_error_add(errs, f ? f : "device.facts",
                               L(r, "Answer this question before submitting",
                                 "提出の前にこの質問に回答してください"));
            bad++;
        }
    } else if (e != GK_ERR_OK) {
        gk_field_error_add(errs, opt_in ? "opt_in_rule_set" : "filing_date",
                           gk_error_title(e, r->lang));
        bad++;
        if (bad == 1) code = e;
    } else {
        determined = true;
    }
    /* Declarations for each applicable requirement; a requirement with measures (SR-2)
     * needs one of them. */
    json_t *view = NULL;
    s = gk_db_app_view(c, x->id, NULL, &view);
    if (s != GK_TX_OK || !view) return s != GK_TX_OK ? s : GK_TX_HARD;
    json_t *decls = json_object_get(view, "declarations");
    for (size_t i = 0; determined && i < d.n_requirements; i++) {
        const char *req = d.requirements[i];
        json_t *dv = json_object_get(decls, req);
        const gk_requirement *q = gk_rule_set_requirement(d.rule_set, req);
        if (!dv) {
            char *f = gk_req_printf(r, "declarations.%s", req);
            gk_field_error_add(errs, f ? f : "declarations",
                               L(r, "Declare how the device meets this requirement",
                                 "この要件をどのように満たすかを申告してください"));
            bad++;
            continue;
        }
        const char *m = json_string_value(json_object_get(dv, "measure"));
        if (q && q->n_measures && (!m || !gk_requirement_has_measure(q, m))) {
            char *f = gk_req_printf(r, "declarations.%s.measure", req);
            gk_field_error_add(errs, f ? f : "declarations",
                               L(r, "Choose the measure taken for this requirement",
                                 "この要件で講じた対策を選んでください"));
            bad++;
        }
    }
    json_decref(view);
    /* The required documents of the route. */
    json_t *kinds = NULL;
    s = gk_db_app_document_kinds(c, x->id, &kinds);
    if (s != GK_TX_OK) return s;
    const char *const *need = !strcmp(row.route, "design") ? design_docs : conformity_docs;
    for (size_t i = 0; need[i]; i++) {
        if (has_kind(kinds, need[i])) continue;
        char *f = gk_req_printf(r, "documents.%s", need[i]);
        bool ja = r->lang && !strcmp(r->lang, "ja");
        char *msg = ja ? gk_req_printf(r, "%sを添付してください", doc_title(r, need[i]))
                       : gk_req_printf(r, "Attach the %s", doc_title(r, need[i]));
        gk_field_error_add(errs, f ? f : "documents", msg ? msg : need[i]);
        bad++;
    }
    json_decref(kinds);
    if (bad) {
        x->out->detail = L(r, "The application is not complete: see errors",
                           "申請に不足があります（errors を参照）");
        return fail(x, bad == 1 ? code : GK_ERR_VALIDATION, NULL, NULL);
    }
    s = gk_db_app_prune_declarations(c, x->id, d.rule_set->id);
    if (s != GK_TX_OK) return s;
    json_t *dj = gk_view_determination(&d, "en");
    char *dtext = dj ? json_dumps(dj, JSON_COMPACT) : NULL;
    json_decref(dj);
    if (!dtext) return GK_TX_HARD;
    const char *field = NULL;
    s = gk_db_app_submit(c, x->id, r->user.id, row.today_jst, d.rule_set->id, dtext, &e, &field);
    free(dtext);
    if (s != GK_TX_OK) return db_abort(x, s, e, field);
    s = audit(x, c, "application.submit", x->id);
    if (s != GK_TX_OK) return s;
    return view_into(x, c, x->id, 200);
}

void gk_app_op_submit(gk_request *r, const char *id, gk_app_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.r = r, .id = id, .out = out};
    if (!gk_db_is_uuid(id)) {
        fail(&x, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    if (!load_catalog(r, &x)) return;
    finish(&x, gk_tx_run(GK_TX_READ_COMMITTED, tx_submit, &x));
}

/* ---- withdraw ---- */

static gk_tx_status tx_withdraw(PGconn *c, void *p)
{
    op_ctx *x = p;
    reset(x);
    gk_app_row row;
    gk_lifecycle_state to;
    gk_tx_status s = lock_for(x, c, GK_LC_EV_WITHDRAW, &row, &to);
    if (s != GK_TX_OK) return s;
    gk_error e = GK_ERR_OK;
    s = gk_db_app_transition(c, x->id, row.status, gk_lifecycle_state_name(to), x->r->user.id,
                             x->reason, &e);
    if (s != GK_TX_OK) return db_abort(x, s, e, "reason");
    s = audit(x, c, "application.withdraw", x->id);
    if (s != GK_TX_OK) return s;
    return view_into(x, c, x->id, 200);
}

void gk_app_op_withdraw(gk_request *r, const char *id, const char *reason, gk_app_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.r = r, .id = id, .reason = reason, .out = out};
    if (!gk_db_is_uuid(id)) {
        fail(&x, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    if (reason && (blank(reason) || chars(reason) > 20000 || !utf8_ok(reason))) {
        fail(&x, GK_ERR_VALIDATION, "reason",
             L(r, "At most 20000 characters, not blank", "20000文字以内で入力してください"));
        return;
    }
    finish(&x, gk_tx_run(GK_TX_READ_COMMITTED, tx_withdraw, &x));
}

/* ---- the information-request answer (recorded by api/info_requests.c) ---- */

static gk_tx_status tx_respond(PGconn *c, void *p)
{
    op_ctx *x = p;
    reset(x);
    gk_app_row row;
    gk_lifecycle_state to;
    gk_tx_status s = lock_for(x, c, GK_LC_EV_RESPOND, &row, &to);
    if (s != GK_TX_OK) return s;
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_info_request_answer(c, x->r, x->id, x->rid, x->message, x->document_ids, &e, &field);
    if (s != GK_TX_OK) return db_abort(x, s, e, field);
    s = gk_db_app_transition(c, x->id, row.status, gk_lifecycle_state_name(to), x->r->user.id,
                             x->message, &e);
    if (s != GK_TX_OK) return db_abort(x, s, e, NULL);
    s = audit(x, c, "application.respond", x->id);
    if (s != GK_TX_OK) return s;
    return view_into(x, c, x->id, 200);
}

void gk_app_op_respond(gk_request *r, const char *id, const char *rid, const char *message,
                       json_t *document_ids, gk_app_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.r = r, .id = id, .rid = rid, .message = message, .document_ids = document_ids,
                .out = out};
    if (!gk_db_is_uuid(id) || !gk_db_is_uuid(rid)) {
        fail(&x, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    finish(&x, gk_tx_run(GK_TX_READ_COMMITTED, tx_respond, &x));
}

/* ---- replies ---- */

void gk_app_reply(gk_request *r, unsigned ok_status, gk_app_outcome *out)
{
    if (out->replayed) {
        gk_idem_response resp = {out->status, out->replay_type, out->replay_location,
                                 out->replay_body};
        gk_idem_reply(r, &resp);
    } else if (out->err != GK_ERR_OK) {
        gk_reply_problem(r, out->err, out->detail, out->errors);
        out->errors = NULL;
    } else {
        char *etag = etag_of(r, out->view);
        const char *id = json_string_value(json_object_get(out->view, "id"));
        char *loc = ok_status == 201 ? gk_req_printf(r, "/api/v1/applications/%s", id) : NULL;
        gk_reply_json(r, out->status ? out->status : ok_status, out->view);
        out->view = NULL;
        if (etag) gk_reply_header(r, "ETag", etag);
        if (loc) gk_reply_header(r, "Location", loc);
    }
    gk_app_outcome_clear(out);
}

void gk_h_applications_create(gk_request *r)
{
    gk_app_outcome o;
    gk_app_op_create(r, r->json, &o);
    gk_app_reply(r, 201, &o);
}

void gk_h_applications_patch(gk_request *r)
{
    gk_app_outcome o;
    gk_app_op_update(r, r->params[0], r->json, gk_req_header(r, "If-Match"), &o);
    gk_app_reply(r, 200, &o);
}

/* Optional {"reason"} (JSON) for submit and withdraw. */
static const char *body_text(gk_request *r, const char *name)
{
    if (r->json) return json_string_value(json_object_get(r->json, name));
    if (gk_req_is_form(r)) return gk_form_get(r, name);
    return NULL;
}

void gk_h_applications_submit(gk_request *r)
{
    gk_app_outcome o;
    gk_app_op_submit(r, r->params[0], &o);
    gk_app_reply(r, 200, &o);
}

void gk_h_applications_withdraw(gk_request *r)
{
    gk_app_outcome o;
    const char *reason = body_text(r, "reason");
    gk_app_op_withdraw(r, r->params[0], reason && *reason ? reason : NULL, &o);
    gk_app_reply(r, 200, &o);
}

json_t *gk_app_load(gk_request *r, const char *id, bool with_children, gk_error *e)
{
    *e = GK_ERR_NOT_FOUND;
    if (!gk_db_is_uuid(id)) return NULL;
    PGconn *c = gk_db_conn();
    if (!c) {
        *e = GK_ERR_UNAVAILABLE;
        return NULL;
    }
    json_t *v = NULL;
    gk_tx_status s = gk_db_app_view(c, id, gk_app_org_filter(r), &v);
    if (s != GK_TX_OK) {
        *e = gk_tx_error(s);
        return NULL;
    }
    if (!v) return NULL;
    if (with_children) {
        json_t *docs = NULL, *hist = NULL;
        if (gk_db_doc_list(c, id, &docs) == GK_TX_OK && docs)
            json_object_set_new(v, "documents", docs);
        if (gk_db_app_history(c, id, &hist) == GK_TX_OK && hist)
            json_object_set_new(v, "history", hist);
    }
    *e = GK_ERR_OK;
    return v;
}

void gk_h_applications_get(gk_request *r)
{
    gk_error e;
    json_t *v = gk_app_load(r, r->params[0], false, &e);
    if (!v) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    char *etag = etag_of(r, v);
    gk_reply_json(r, 200, v);
    if (etag) gk_reply_header(r, "ETag", etag);
}

void gk_h_applications_list(gk_request *r)
{
    const char *ls = gk_req_query(r, "limit"), *after = gk_req_query(r, "after");
    const char *status = gk_req_query(r, "status");
    long limit = 50;
    if (ls) {
        char *end;
        limit = strtol(ls, &end, 10);
        if (*end || limit < 1 || limit > 500) {
            gk_reply_field_error(r, GK_ERR_BAD_QUERY, "limit",
                                 L(r, "A number from 1 to 500", "1〜500の数を指定してください"));
            return;
        }
    }
    if (after && *after && !gk_db_is_uuid(after)) {
        gk_reply_field_error(r, GK_ERR_BAD_QUERY, "after",
                             L(r, "Not a cursor of this list", "この一覧のカーソルではありません"));
        return;
    }
    gk_lifecycle_state st;
    if (status && *status && !gk_lifecycle_state_from_name(status, &st)) {
        gk_reply_field_error(r, GK_ERR_BAD_QUERY, "status",
                             L(r, "Unknown status", "不明な状態です"));
        return;
    }
    PGconn *c = gk_db_conn();
    json_t *items = NULL;
    char *next = NULL;
    gk_tx_status s = c ? gk_db_app_list(c, gk_app_org_filter(r), status && *status ? status : NULL,
                                        after && *after ? after : NULL, (int)limit, &items, &next)
                       : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK) {
        gk_reply_problem(r, gk_tx_error(s), NULL,
                         NULL);
        return;
    }
    gk_reply_json(r, 200, json_pack("{s:o, s:s?}", "items", items, "next", next));
    free(next);
}
