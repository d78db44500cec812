#include "domain/determination.h"
#include "render/i18n.h"
#include "service/applications.h"

#include "service/determinations.h"
#include "service/holders.h"
#include "crypto/audit_chain.h"
#include "mail/mail.h"
#include "db/applications.h"
#include "db/db.h"
#include "db/documents.h"
#include "db/info_requests.h"
#include "domain/date.h"
#include "domain/documents.h"
#include "domain/holders.h"
#include "domain/lifecycle.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_svc_applications_register(void)
{
    gk_db_applications_register();
    gk_db_documents_register();
    gk_db_info_requests_register();
}

static const gk_field withdraw_fields[] = {
    {"reason", GK_F_STRING, false, 4 * 20000, NULL, GK_AT(gk_app_withdraw_in, reason), true},
};
const gk_spec gk_app_withdraw_spec = GK_SPEC(withdraw_fields);

static const gk_field respond_fields[] = {
    /* required: the operation words a missing answer itself */
    {"message", GK_F_STRING, false, 4 * 20000, NULL, GK_AT(gk_app_respond_in, message), false},
};
const gk_spec gk_app_respond_spec = GK_SPEC(respond_fields);

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_arena_alloc(ctx, n);
}

/* ---- reading the application document ------------------------------------------------ */

typedef enum { T_LABEL, T_PROSE, T_UUID, T_ID } text_kind;

static bool prose_ok(const char *s)
{
    return gk_utf8_valid_str(s) && !gk_utf8_blank(s) && gk_utf8_chars(s) <= 20000;
}

/* A text member: absent, null or "" gives NULL (an error when required). */
static int read_text(const gk_call *call, json_t *parent, const char *key, const char *field,
                     bool required, text_kind kind, gk_outcome *o, const char **out)
{
    *out = NULL;
    json_t *v = parent ? json_object_get(parent, key) : NULL;
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        if (!required) return 0;
        gk_field_err(o, call, field, "field.required");
        return 1;
    }
    if (!json_is_string(v)) {
        gk_field_err(o, call, field, "field.not_string");
        return 1;
    }
    const char *s = json_string_value(v);
    bool ok = gk_utf8_valid_str(s) && !gk_utf8_blank(s);
    const char *msg = "field.not_an_id";
    switch (kind) {
    case T_LABEL:
        ok = ok && !gk_utf8_has_controls(s, false) && gk_utf8_chars(s) <= 300;
        msg = "field.label";
        break;
    case T_PROSE:
        ok = ok && gk_utf8_chars(s) <= 20000;
        msg = "field.prose";
        break;
    case T_UUID:
        ok = gk_db_is_uuid(s);
        break;
    case T_ID:
        ok = ok && strlen(s) <= 64;
        break;
    }
    if (!ok) {
        gk_field_err(o, call, field, msg);
        return 1;
    }
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

/* An optional member that must be an object: -1 absent or null (nothing to read), 1 not an
 * object (a field error on field), 0 an object to read. */
static int optional_object(const gk_call *call, json_t *v, const char *field, const char *msg_key,
                           gk_outcome *o)
{
    if (!v || json_is_null(v)) return -1;
    if (json_is_object(v)) return 0;
    gk_field_err(o, call, field, msg_key);
    return 1;
}

static int read_facts(const gk_call *call, json_t *facts, gk_app_input *in, gk_outcome *o)
{
    int bad = optional_object(call, facts, "device.facts", "applications.facts_object", o);
    if (bad) return bad < 0 ? 0 : bad;
    const char *k;
    json_t *v;
    json_object_foreach(facts, k, v)
    {
        int i = gk_determination_fact_index(k);
        const char *field = gk_call_printf(call, "device.facts.%.60s", k);
        if (!field) field = "device.facts";
        if (i < 0) {
            gk_field_err(o, call, field, "applications.unknown_fact");
            bad++;
        } else if (json_is_boolean(v)) {
            in->facts.v[i] = json_is_true(v) ? GK_TRI_TRUE : GK_TRI_FALSE;
        } else if (!json_is_null(v)) {
            gk_field_err(o, call, field, "applications.fact_value");
            bad++;
        }
    }
    /* Both parts of the connection test answered: the shorthand is their conclusion. */
    gk_facts_conclude(&in->facts);
    return bad;
}

static int read_declarations(const gk_call *call, json_t *decl, const gk_rule_catalog *cat,
                             gk_app_input *in, gk_outcome *o)
{
    int bad = optional_object(call, decl, "declarations", "applications.declarations_object", o);
    if (bad) return bad < 0 ? 0 : bad;
    const char *k;
    json_t *v;
    json_object_foreach(decl, k, v)
    {
        const char *field = gk_call_printf(call, "declarations.%.40s", k);
        const char *dfield = gk_call_printf(call, "declarations.%.40s.description", k);
        const char *mfield = gk_call_printf(call, "declarations.%.40s.measure", k);
        if (!field || !dfield || !mfield) return bad + 1;
        if (json_is_null(v)) continue; /* a cleared declaration */
        if (!json_is_object(v)) {
            gk_field_err(o, call, field, "applications.declaration_object");
            bad++;
            continue;
        }
        const char *measure = NULL, *desc = NULL;
        int b = read_text(call, v, "measure", mfield, false, T_ID, o, &measure);
        b += read_text(call, v, "description", dfield, true, T_PROSE, o, &desc);
        bool measure_ok;
        if (!find_requirement(cat, k, measure, &measure_ok)) {
            gk_field_err(o, call, field, "applications.no_such_requirement");
            b++;
        } else if (!measure_ok) {
            gk_field_err(o, call, mfield, "applications.not_a_measure");
            b++;
        }
        if (b) {
            bad += b;
            continue;
        }
        if (in->n_decl < GK_RULE_SET_MAX_REQUIREMENTS)
            in->decl[in->n_decl++] = (gk_app_declaration){k, measure, desc};
    }
    return bad;
}

/* What is examined (issue 16): hardware version, firmware version(s), software update method
 * and the end of the security-update period the maker states (a date). */
static int read_examined(const gk_call *call, json_t *ex, gk_app_input *in, gk_outcome *o)
{
    if (!ex || json_is_null(ex)) return 0;
    if (!json_is_object(ex)) {
        gk_field_err(o, call, "examined", "applications.device_object");
        return 1;
    }
    int bad = read_text(call, ex, "hardware_version", "examined.hardware_version", false, T_LABEL,
                        o, &in->hardware_version);
    bad += read_text(call, ex, "firmware_versions", "examined.firmware_versions", false, T_LABEL, o,
                     &in->firmware_versions);
    bad += read_text(call, ex, "update_method", "examined.update_method", false, T_LABEL, o,
                     &in->update_method);
    const char *until = NULL;
    int b = read_text(call, ex, "security_support_until", "examined.security_support_until", false,
                      T_ID, o, &until);
    gk_date d;
    if (!b && until && !gk_date_parse(until, &d)) {
        gk_field_err(o, call, "examined.security_support_until", "changes.bad_date");
        b = 1;
    }
    if (!b) in->security_support_until = until;
    return bad + b;
}

/* issue 16: a foreign maker's agent in Japan, {name, address, contact}: name and address
 * required when the object is given; null or absent: no agent. */
static int read_agent(const gk_call *call, json_t *ag, gk_app_input *in, gk_outcome *o)
{
    int bad = optional_object(call, ag, "agent", "holders.agent_object", o);
    if (bad) return bad < 0 ? 0 : bad;
    bad = read_text(call, ag, "name", "agent.name", true, T_LABEL, o, &in->agent_name);
    bad += read_text(call, ag, "address", "agent.address", true, T_LABEL, o, &in->agent_address);
    bad += read_text(call, ag, "contact", "agent.contact", false, T_LABEL, o, &in->agent_contact);
    return bad;
}

/* The docs/openapi.yaml document -> gk_app_input, a field error per bad member. Strings are borrowed
 * from doc. Returns the number of bad fields. */
static int read_input(const gk_call *call, json_t *doc, const gk_rule_catalog *cat,
                      gk_app_input *in, gk_outcome *o)
{
    int bad = 0;
    memset(in, 0, sizeof *in);
    json_t *route = json_object_get(doc, "route");
    gk_route r;
    if (!route || json_is_null(route)) {
        gk_field_err(o, call, "route", "field.required");
        bad++;
    } else if (!gk_route_parse(json_string_value(route), &r)) {
        gk_field_err(o, call, "route", "applications.route");
        bad++;
    } else {
        in->route = gk_route_name(r);
    }
    json_t *dev = json_object_get(doc, "device");
    if (!dev || !json_is_object(dev)) {
        gk_field_err(o, call, "device", "applications.device_object");
        bad++;
    } else {
        bad += read_text(call, dev, "model_name", "device.model_name", true, T_LABEL, o,
                         &in->model_name);
        bad += read_text(call, dev, "type_name", "device.type_name", false, T_LABEL, o,
                         &in->type_name);
        bad += read_text(call, dev, "category", "device.category", true, T_ID, o, &in->category);
        bad += read_text(call, dev, "description", "device.description", false, T_PROSE, o,
                         &in->description);
        bad += read_facts(call, json_object_get(dev, "facts"), in, o);
    }
    bad += read_examined(call, json_object_get(doc, "examined"), in, o);
    bad += read_agent(call, json_object_get(doc, "agent"), in, o);
    bad += read_declarations(call, json_object_get(doc, "declarations"), cat, in, o);
    bad += read_text(call, doc, "cc_certificate_id", "cc_certificate_id", false, T_UUID, o,
                     &in->cc_certificate_id);
    bad += read_text(call, doc, "opt_in_rule_set", "opt_in_rule_set", false, T_ID, o,
                     &in->opt_in_rule_set);
    if (in->opt_in_rule_set && !gk_rule_set_find(cat->sets, cat->n, in->opt_in_rule_set)) {
        gk_field_err(o, call, "opt_in_rule_set", "applications.unknown_rule_set");
        bad++;
    }
    bad += read_text(call, doc, "opt_in_reason", "opt_in_reason", false, T_PROSE, o,
                     &in->opt_in_reason);
    if (in->opt_in_reason && !in->opt_in_rule_set) {
        gk_field_err(o, call, "opt_in_reason", "applications.reason_without_opt_in");
        bad++;
    }
    return bad;
}

/* ---- the transactions ----------------------------------------------------------------- */

typedef struct op_ctx op_ctx;
/* The change itself, inside the frame of tx_change: the row is locked, to is decided. */
typedef gk_tx_status (*change_fn)(op_ctx *x, PGconn *c, const gk_app_row *row,
                                  gk_lifecycle_state to);

struct op_ctx {
    const gk_call *call;
    const char *id;
    json_t *doc;
    const char *if_match, *reason, *rid, *message;
    json_t *document_ids;
    const gk_svc_idem *idem;
    gk_rule_catalog cat;
    gk_outcome *out;
    gk_lifecycle_event ev; /* tx_change: the event, its audit action and its change */
    const char *action;
    change_fn change;
};

static gk_tx_status fail(op_ctx *x, gk_error e)
{
    return gk_fail(x->out, x->call, e, NULL, NULL);
}

/* The db layer's refusal (e, field) as the outcome. */
static gk_tx_status db_abort(op_ctx *x, gk_tx_status s, gk_error e, const char *field)
{
    if (s != GK_TX_ABORT) return s;
    return gk_fail(x->out, x->call, e, field, field ? "field.not_accepted" : NULL);
}

static const char *etag_of(const gk_call *call, json_t *view)
{
    return gk_call_printf(call, "\"%lld\"",
                          (long long)json_integer_value(json_object_get(view, "version")));
}

static gk_tx_status view_into(op_ctx *x, PGconn *c, const char *id, unsigned status)
{
    gk_tx_status s = gk_db_app_view(c, id, NULL, &x->out->view);
    if (s == GK_TX_OK && !x->out->view) s = GK_TX_HARD;
    if (s != GK_TX_OK) return s;
    x->out->status = status;
    x->out->etag = etag_of(x->call, x->out->view);
    return GK_TX_OK;
}

/* The start of every change of a case: lock its row (a manufacturer only finds its own
 * organisation's, staff no drafts) and decide the transition from the life-cycle table. */
static gk_tx_status lock_for(op_ctx *x, PGconn *c, gk_lifecycle_event ev, gk_app_row *row,
                             gk_lifecycle_state *to)
{
    gk_tx_status s = gk_db_app_lock(c, x->id, gk_call_org_filter(x->call), row);
    if (s != GK_TX_OK) return s;
    gk_lifecycle_state st;
    bool known = row->found && gk_lifecycle_state_from_name(row->status, &st);
    if (!row->found || (known && st == GK_LC_DRAFT && gk_call_is_staff(x->call)))
        return fail(x, GK_ERR_NOT_FOUND);
    gk_error e = known ? gk_lifecycle_next(st, ev, gk_call_lc_role(x->call), to) : GK_ERR_CONFLICT;
    return e == GK_ERR_OK ? GK_TX_OK : fail(x, e);
}

/* Every change appends one entry to the audit chain, in its transaction. */
static gk_tx_status audit(op_ctx *x, PGconn *c, const char *action, const char *id)
{
    const char *object = gk_call_printf(x->call, "application:%s", id);
    return object ? gk_audit_append(c, x->call->user.id, action, object, NULL) : GK_TX_HARD;
}

static bool load_catalog(op_ctx *x)
{
    gk_error e = gk_rule_sets_load(gk_db_conn(), arena_alloc, x->call->arena, &x->cat);
    if (e == GK_ERR_OK) return true;
    gk_fail(x->out, x->call, e, NULL, NULL);
    return false;
}

/* A retried transaction starts from a clean outcome. */
static void reset(op_ctx *x)
{
    gk_outcome_clear(x->out);
}

/* The frame of every change of an existing case: lock it and decide the transition, make the
 * change, append its audit entry, answer with the case as it now is. */
static gk_tx_status tx_change(PGconn *c, void *p)
{
    op_ctx *x = p;
    reset(x);
    gk_app_row row;
    gk_lifecycle_state to;
    gk_tx_status s = lock_for(x, c, x->ev, &row, &to);
    if (s == GK_TX_OK) s = x->change(x, c, &row, to);
    if (s == GK_TX_OK) s = audit(x, c, x->action, x->id);
    return s == GK_TX_OK ? view_into(x, c, x->id, 200) : s;
}

static void run_change(op_ctx *x, gk_lifecycle_event ev, const char *action, change_fn change)
{
    x->ev = ev;
    x->action = action;
    x->change = change;
    gk_outcome_finish(x->out, gk_tx_run(GK_TX_READ_COMMITTED, tx_change, x));
}

/* ---- create ---- */

static gk_tx_status tx_create(PGconn *c, void *p)
{
    op_ctx *x = p;
    reset(x);
    gk_tx_status s;
    if (x->idem) {
        gk_svc_idem_found found;
        s = x->idem->lookup(c, x->idem->ctx, NULL, &found, x->out);
        if (s != GK_TX_OK) return s;
        if (found == GK_SVC_IDEM_REPLAY) return GK_TX_ABORT; /* the outcome is the replay */
        if (found == GK_SVC_IDEM_MISMATCH)
            return gk_fail(x->out, x->call, GK_ERR_IDEMPOTENCY_MISMATCH, "Idempotency-Key",
                           "applications.idem_mismatch");
    }
    gk_app_input in;
    if (read_input(x->call, x->doc, &x->cat, &in, x->out)) return fail(x, GK_ERR_VALIDATION);
    char id[37];
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_db_app_insert(c, &in, x->call->user.organization_id, x->call->user.id, id, &e, &field);
    if (s != GK_TX_OK) return db_abort(x, s, e, field);
    s = audit(x, c, "application.create", id);
    if (s != GK_TX_OK) return s;
    s = view_into(x, c, id, 201);
    if (s != GK_TX_OK) return s;
    x->out->location = gk_call_printf(x->call, "/api/v1/applications/%s", id);
    if (!x->idem) return GK_TX_OK;
    char *body = json_dumps(x->out->view, JSON_COMPACT);
    if (!body) return GK_TX_HARD;
    s = x->idem->store(c, x->idem->ctx, 201, x->out->location, body);
    free(body);
    return s;
}

void gk_svc_app_create(const gk_call *call, const gk_app_create_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.call = call, .doc = in->doc, .idem = in->idem, .out = out};
    if (!load_catalog(&x)) return;
    gk_outcome_finish(out, gk_tx_run(GK_TX_READ_COMMITTED, tx_create, &x));
}

/* ---- update ---- */

static bool etag_matches(const char *if_match, int version)
{
    char want[24];
    snprintf(want, sizeof want, "\"%d\"", version);
    const char *p = if_match;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        size_t n = (size_t)(e - p);
        while (n && p[n - 1] == ' ')
            n--;
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

static gk_tx_status update_change(op_ctx *x, PGconn *c, const gk_app_row *row,
                                  gk_lifecycle_state to)
{
    (void)to; /* an edit leaves the draft a draft */
    if (!etag_matches(x->if_match, row->version)) return fail(x, GK_ERR_PRECONDITION_FAILED);
    json_t *cur = NULL;
    gk_tx_status s = gk_db_app_view(c, x->id, NULL, &cur);
    if (s != GK_TX_OK || !cur) return s != GK_TX_OK ? s : GK_TX_HARD;
    if (json_is_object(x->doc)) merge(cur, x->doc, 0);
    gk_app_input in;
    if (read_input(x->call, cur, &x->cat, &in, x->out)) {
        json_decref(cur);
        return fail(x, GK_ERR_VALIDATION);
    }
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_db_app_update_draft(c, x->id, &in, &e, &field);
    json_decref(cur); /* `in` borrowed from cur: used up above */
    return db_abort(x, s, e, field);
}

void gk_svc_app_update(const gk_call *call, const gk_app_update_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.call = call, .id = in->id, .doc = in->patch, .if_match = in->if_match, .out = out};
    if (!gk_db_is_uuid(in->id)) {
        fail(&x, GK_ERR_NOT_FOUND);
        return;
    }
    if (!in->if_match) {
        fail(&x, GK_ERR_PRECONDITION_REQUIRED);
        return;
    }
    if (!load_catalog(&x)) return;
    run_change(&x, GK_LC_EV_EDIT, "application.update", update_change);
}

/* ---- submit ---- */

static bool has_kind(json_t *kinds, const char *kind)
{
    size_t i;
    json_t *v;
    json_array_foreach(kinds, i, v) if (!strcmp(json_string_value(v), kind)) return true;
    return false;
}

/* A field error on the field called prefix + name + suffix. */
static void err_at(op_ctx *x, const char *prefix, const char *name, const char *suffix,
                   const char *msg_key)
{
    const char *f = gk_call_printf(x->call, "%s.%s%s", prefix, name, suffix);
    gk_field_err(x->out, x->call, f ? f : prefix, msg_key);
}

/* Declarations for each applicable requirement; one with measures (SR-2) needs one. */
static int check_declarations(op_ctx *x, json_t *view, const gk_determination *d)
{
    int bad = 0;
    json_t *decls = json_object_get(view, "declarations");
    for (size_t i = 0; i < d->n_requirements; i++) {
        const char *req = d->requirements[i];
        json_t *dv = json_object_get(decls, req);
        const gk_requirement *q = gk_rule_set_requirement(d->rule_set, req);
        if (!dv) {
            err_at(x, "declarations", req, "", "applications.declare");
            bad++;
            continue;
        }
        const char *m = json_string_value(json_object_get(dv, "measure"));
        if (q && q->n_measures && (!m || !gk_requirement_has_measure(q, m))) {
            err_at(x, "declarations", req, ".measure", "applications.choose_measure");
            bad++;
        }
    }
    return bad;
}

/* The route's required documents (domain/documents.h); a change application (issue 16)
 * needs only its supporting document (domain/holders.h). */
static gk_tx_status check_documents(op_ctx *x, PGconn *c, const gk_app_row *row, bool agent,
                                    int *bad)
{
    const char *route = row->route;
    json_t *kinds = NULL;
    gk_tx_status s = gk_db_app_document_kinds(c, x->id, &kinds);
    if (s != GK_TX_OK) return s;
    gk_route r;
    const char *need[16];
    gk_change_kind ck;
    size_t n = gk_change_kind_parse(row->kind, &ck) ? gk_change_required_documents(ck, need, 16)
               : gk_route_parse(route, &r)          ? gk_doc_required(r, need, 16)
                                                    : 0;
    /* issue 16: an application naming an agent carries its power of attorney (委任状) */
    if (agent && n < 16) need[n++] = GK_DOC_POWER_OF_ATTORNEY;
    for (size_t i = 0; i < n && i < 16; i++) {
        if (has_kind(kinds, need[i])) continue;
        const gk_doc_kind *k = gk_doc_kind_find(need[i]);
        const char *f = gk_call_printf(x->call, "documents.%s", need[i]);
        const char *msg = gk_call_msgf(x->call, "applications.attach_document", "title",
                                       k ? gk_call_msg(x->call, k->title_key) : need[i], NULL);
        json_t *e = json_pack("{s:s, s:s}", "field", f ? f : "documents", "message", msg);
        if (e && (x->out->errors || (x->out->errors = json_array())))
            json_array_append(x->out->errors, e);
        json_decref(e);
        (*bad)++;
    }
    json_decref(kinds);
    return GK_TX_OK;
}

static gk_tx_status submit_change(op_ctx *x, PGconn *c, const gk_app_row *row,
                                  gk_lifecycle_state to)
{
    (void)to; /* the database sets submitted with the determination */
    /* issue 16: the holder record is complete before any filing (docs/rules.md H3), as a
     * change application asks at its filing */
    gk_tx_status hs = GK_TX_OK;
    json_t *missing = gk_holder_missing_in_tx(c, row->organization_id, &hs);
    if (!missing) return hs != GK_TX_OK ? hs : GK_TX_HARD;
    if (json_array_size(missing)) {
        gk_fail(x->out, x->call, GK_ERR_HOLDER_INCOMPLETE, NULL, NULL);
        size_t i;
        json_t *m;
        json_array_foreach(missing, i, m)
        {
            gk_field_err(x->out, x->call,
                         gk_call_printf(x->call, "holder.%s", json_string_value(m)),
                         "holders.missing");
        }
        json_decref(missing);
        x->out->detail = gk_call_msg(x->call, "holders.complete_first");
        return GK_TX_ABORT;
    }
    json_decref(missing);
    gk_error code = GK_ERR_VALIDATION;
    int bad = 0;
    const char *opt_in = row->opt_in_rule_set[0] ? row->opt_in_rule_set : NULL;
    if (opt_in && !row->has_opt_in_reason) {
        gk_field_err(x->out, x->call, "opt_in_reason", "applications.opt_in_reason_missing");
        bad++;
    }
    gk_determination d;
    bool determined = false;
    gk_error e =
        gk_determination_on(x->cat.sets, x->cat.n, &row->facts, row->today_jst, opt_in, &d);
    if (e == GK_ERR_VALIDATION) {
        for (size_t i = 0; i < d.n_missing; i++, bad++)
            err_at(x, "device", d.missing[i], "", "applications.answer_question");
    } else if (e != GK_ERR_OK) {
        json_t *fe = json_pack("{s:s, s:s}", "field", opt_in ? "opt_in_rule_set" : "filing_date",
                               "message", gk_error_title(e, x->call->lang));
        if (fe && (x->out->errors || (x->out->errors = json_array())))
            json_array_append(x->out->errors, fe);
        json_decref(fe);
        if (++bad == 1) code = e;
    } else {
        determined = true;
    }
    json_t *view = NULL;
    gk_tx_status s = gk_db_app_view(c, x->id, NULL, &view);
    if (s != GK_TX_OK || !view) return s != GK_TX_OK ? s : GK_TX_HARD;
    if (determined) bad += check_declarations(x, view, &d);
    bool agent = json_is_object(json_object_get(view, "agent"));
    json_decref(view);
    s = check_documents(x, c, row, agent, &bad);
    if (s != GK_TX_OK) return s;
    if (bad) {
        x->out->detail = gk_call_msg(x->call, "applications.incomplete");
        gk_fail(x->out, x->call, bad == 1 ? code : GK_ERR_VALIDATION, NULL, NULL);
        return GK_TX_ABORT;
    }
    s = gk_db_app_prune_declarations(c, x->id, d.rule_set->id);
    if (s != GK_TX_OK) return s;
    json_t *dj = gk_view_determination(&d, "en");
    char *dtext = dj ? json_dumps(dj, JSON_COMPACT) : NULL;
    json_decref(dj);
    if (!dtext) return GK_TX_HARD;
    const char *field = NULL;
    s = gk_db_app_submit(c, x->id, x->call->user.id, row->today_jst, d.rule_set->id, dtext, &e,
                         &field);
    free(dtext);
    return db_abort(x, s, e, field);
}

void gk_svc_app_submit(const gk_call *call, const char *id, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.call = call, .id = id, .out = out};
    if (!gk_db_is_uuid(id)) {
        fail(&x, GK_ERR_NOT_FOUND);
        return;
    }
    if (!load_catalog(&x)) return;
    run_change(&x, GK_LC_EV_SUBMIT, "application.submit", submit_change);
}

/* ---- withdraw ---- */

static gk_tx_status withdraw_change(op_ctx *x, PGconn *c, const gk_app_row *row,
                                    gk_lifecycle_state to)
{
    gk_error e = GK_ERR_OK;
    gk_tx_status s = gk_db_app_transition(c, x->id, row->status, gk_lifecycle_state_name(to),
                                          x->call->user.id, x->reason, &e);
    return db_abort(x, s, e, "reason");
}

void gk_svc_app_withdraw(const gk_call *call, const gk_app_withdraw_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    const char *reason = in->reason && *in->reason ? in->reason : NULL;
    op_ctx x = {.call = call, .id = in->id, .reason = reason, .out = out};
    if (!gk_db_is_uuid(in->id)) {
        fail(&x, GK_ERR_NOT_FOUND);
        return;
    }
    if (reason && !prose_ok(reason)) {
        gk_fail(out, call, GK_ERR_VALIDATION, "reason", "field.prose");
        return;
    }
    run_change(&x, GK_LC_EV_WITHDRAW, "application.withdraw", withdraw_change);
}

/* ---- the answer to a request for information ---- */

static gk_tx_status respond_change(op_ctx *x, PGconn *c, const gk_app_row *row,
                                   gk_lifecycle_state to)
{
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    gk_tx_status s = gk_db_ir_answer(c, x->id, x->rid, x->message, x->call->user.id,
                                     x->document_ids, &e, &field);
    if (s != GK_TX_OK) return db_abort(x, s, e, field);
    s = gk_db_app_transition(c, x->id, row->status, gk_lifecycle_state_name(to), x->call->user.id,
                             x->message, &e);
    if (s != GK_TX_OK) return db_abort(x, s, e, NULL);
    /* issue 19: the assigned examiner hears of the answer, in this transaction */
    char *page = gk_call_printf(x->call, "/examination/%s", x->id);
    const char *params[] = {"app", x->id, NULL};
    return page ? gk_mail_notify_examiner(c, x->id, "answer", "answer", page, params) : GK_TX_HARD;
}

void gk_svc_app_respond(const gk_call *call, const gk_app_respond_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    op_ctx x = {.call = call,
                .id = in->id,
                .rid = in->rid,
                .message = in->message,
                .document_ids = in->document_ids,
                .out = out};
    if (!in->message || !*in->message)
        gk_field_err(out, call, "message", "applications.answer_required");
    if (in->document_ids && !json_is_array(in->document_ids))
        gk_field_err(out, call, "document_ids", "applications.document_ids_array");
    if (out->errors) {
        fail(&x, GK_ERR_VALIDATION);
        return;
    }
    if (!gk_db_is_uuid(in->id) || !gk_db_is_uuid(in->rid)) {
        fail(&x, GK_ERR_NOT_FOUND);
        return;
    }
    run_change(&x, GK_LC_EV_RESPOND, "application.respond", respond_change);
}

/* ---- reading ---- */

/* The case as the caller may see it (new reference), or NULL with the outcome failed. */
static json_t *visible(const gk_call *call, PGconn *c, const char *id, gk_outcome *out)
{
    if (!gk_db_is_uuid(id)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return NULL;
    }
    if (!c) {
        gk_fail(out, call, GK_ERR_UNAVAILABLE, NULL, NULL);
        return NULL;
    }
    json_t *v = NULL;
    gk_tx_status s = gk_db_app_view(c, id, gk_call_org_filter(call), &v);
    if (s != GK_TX_OK) {
        gk_fail(out, call, gk_tx_error(s), NULL, NULL);
        return NULL;
    }
    const char *st = json_string_value(json_object_get(v, "status"));
    if (v && gk_call_is_staff(call) && st && !strcmp(st, "draft")) {
        json_decref(v);
        v = NULL;
    }
    if (!v) gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
    return v;
}

void gk_svc_app_get(const gk_call *call, const char *id, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    json_t *v = visible(call, gk_db_conn(), id, out);
    if (!v) return;
    out->view = v;
    out->etag = etag_of(call, v);
}

void gk_svc_app_list(const gk_call *call, const gk_app_list_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    long limit = 50;
    if (in->limit) {
        char *end;
        limit = strtol(in->limit, &end, 10);
        if (*end || limit < 1 || limit > 500) {
            gk_fail(out, call, GK_ERR_BAD_QUERY, "limit", "applications.limit_range");
            return;
        }
    }
    const char *after = in->after && *in->after ? in->after : NULL;
    const char *status = in->status && *in->status ? in->status : NULL;
    if (after && !gk_db_is_uuid(after)) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, "after", "applications.bad_cursor");
        return;
    }
    gk_lifecycle_state st;
    if (status && !gk_lifecycle_state_from_name(status, &st)) {
        gk_fail(out, call, GK_ERR_BAD_QUERY, "status", "applications.unknown_status");
        return;
    }
    PGconn *c = gk_db_conn();
    json_t *items = NULL;
    char *next = NULL;
    gk_tx_status s =
        c ? gk_db_app_list(c, gk_call_org_filter(call), status, after, (int)limit, &items, &next)
          : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK) {
        gk_fail(out, call, gk_tx_error(s), NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o, s:s?}", "items", items, "next", next);
    free(next);
}

typedef gk_tx_status (*child_list)(PGconn *c, const char *id, json_t **items);

/* {"items": list(case), "next": null} for a visible case. */
static void children(const gk_call *call, const char *id, child_list list, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    PGconn *c = gk_db_conn();
    json_t *app = visible(call, c, id, out);
    if (!app) return;
    json_decref(app);
    json_t *items = NULL;
    gk_tx_status s = list(c, id, &items);
    if (s != GK_TX_OK || !items) {
        json_decref(items);
        gk_fail(out, call, gk_tx_error(s == GK_TX_OK ? GK_TX_HARD : s), NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o, s:n}", "items", items, "next");
}

void gk_svc_app_history(const gk_call *call, const char *id, gk_outcome *out)
{
    children(call, id, gk_db_app_history, out);
}

void gk_svc_app_info_requests(const gk_call *call, const char *id, gk_outcome *out)
{
    children(call, id, gk_db_ir_list, out);
}

/* ---- the case page ---- */

static bool may(gk_lifecycle_state st, gk_lifecycle_event ev, gk_lifecycle_role role)
{
    gk_lifecycle_state to;
    return gk_lifecycle_next(st, ev, role, &to) == GK_ERR_OK;
}

static json_t *missing_documents(json_t *app)
{
    json_t *missing = json_array();
    json_t *docs = json_object_get(app, "documents");
    gk_route r;
    gk_change_kind ck;
    const char *need[16];
    size_t n = gk_change_kind_parse(json_string_value(json_object_get(app, "kind")), &ck)
                   ? gk_change_required_documents(ck, need, 16)
               : gk_route_parse(json_string_value(json_object_get(app, "route")), &r)
                   ? gk_doc_required(r, need, 16)
                   : 0;
    if (json_is_object(json_object_get(app, "agent")) && n < 16)
        need[n++] = GK_DOC_POWER_OF_ATTORNEY;
    for (size_t i = 0; i < n && i < 16; i++) {
        bool have = false;
        size_t j;
        json_t *d;
        json_array_foreach(docs, j, d)
        {
            const char *k = json_string_value(json_object_get(d, "kind"));
            if (k && !strcmp(k, need[i])) have = true;
        }
        if (!have) json_array_append_new(missing, json_string(need[i]));
    }
    return missing;
}

void gk_svc_app_case(const gk_call *call, const char *id, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    PGconn *c = gk_db_conn();
    json_t *app = visible(call, c, id, out);
    if (!app) return;
    json_t *docs = NULL, *hist = NULL, *irs = NULL;
    if (gk_db_doc_list(c, id, &docs) == GK_TX_OK && docs)
        json_object_set_new(app, "documents", docs);
    if (gk_db_app_history(c, id, &hist) == GK_TX_OK && hist)
        json_object_set_new(app, "history", hist);
    if (gk_db_ir_list(c, id, &irs) != GK_TX_OK || !irs) irs = json_array();
    gk_lifecycle_state st = GK_LC_WITHDRAWN;
    bool known =
        gk_lifecycle_state_from_name(json_string_value(json_object_get(app, "status")), &st);
    gk_lifecycle_role role = gk_call_lc_role(call);
    bool draft = known && st == GK_LC_DRAFT;
    json_t *m = json_object();
    json_object_set_new(m, "is_draft", json_boolean(draft));
    json_object_set_new(m, "can_edit", json_boolean(known && may(st, GK_LC_EV_EDIT, role)));
    json_object_set_new(m, "can_withdraw", json_boolean(known && may(st, GK_LC_EV_WITHDRAW, role)));
    json_object_set_new(m, "can_upload", json_boolean(known && gk_doc_upload_allowed(role, st)));
    /* Facts as yes/no per question, declarations as a list. */
    json_t *facts = json_array();
    json_t *fv = json_object_get(json_object_get(app, "device"), "facts");
    for (int i = 0; i < GK_FACT__COUNT; i++) {
        const char *name = gk_determination_fact_names[i];
        json_t *v = json_object_get(fv, name);
        bool part =
            i == GK_FACT_CONNECTABLE_TO_CARRIER_LINE || i == GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT;
        json_t *shorthand =
            json_object_get(fv, gk_determination_fact_names[GK_FACT_DIRECTLY_CONNECTABLE]);
        if (part && !json_is_boolean(v) && json_is_boolean(shorthand))
            continue; /* answered by the shorthand (a filing before the two parts) */
        json_array_append_new(facts, json_pack("{s:s, s:s}", "name", name, "answer",
                                               json_is_true(v)    ? "yes"
                                               : json_is_false(v) ? "no"
                                                                  : "unanswered"));
    }
    json_object_set_new(m, "facts", facts);
    json_t *decl = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(app, "declarations"), k, v) json_array_append_new(
        decl, json_pack("{s:s, s:s?, s:s?}", "id", k, "measure",
                        json_string_value(json_object_get(v, "measure")), "description",
                        json_string_value(json_object_get(v, "description"))));
    json_object_set_new(m, "declarations", decl);
    json_object_set_new(m, "missing_documents", draft ? missing_documents(app) : json_array());
    /* issue 16: a draft asks for what the holder record still lacks (its submission is refused
     * without it: docs/rules.md H3) */
    gk_tx_status hs = GK_TX_OK;
    json_t *hm =
        draft && call->user.role == GK_ROLE_MANUFACTURER
            ? gk_holder_missing_in_tx(c, json_string_value(json_object_get(app, "organization_id")),
                                      &hs)
            : NULL;
    json_object_set_new(m, "holder_missing", hm ? hm : json_array());
    size_t nk;
    const gk_doc_kind *kinds = gk_doc_kinds(&nk);
    json_t *ka = json_array();
    for (size_t i = 0; i < nk; i++)
        json_array_append_new(ka, json_string(kinds[i].name));
    json_object_set_new(m, "document_kinds", ka);
    json_object_set_new(m, "info_requests", irs);
    json_object_set_new(m, "app", app);
    out->view = m;
}

gk_error gk_svc_app_form_choices(const gk_call *call, gk_rule_catalog *cat, json_t **categories)
{
    *categories = NULL;
    PGconn *c = gk_db_conn();
    gk_error e = gk_rule_sets_load(c, arena_alloc, call->arena, cat);
    if (e != GK_ERR_OK) return e;
    json_t *rows = NULL;
    gk_tx_status s = c ? gk_db_app_categories(c, &rows) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !rows) {
        json_decref(rows);
        return gk_tx_error(s == GK_TX_OK ? GK_TX_HARD : s);
    }
    bool ja = gk_lang_is_ja(call->lang);
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
        json_array_append_new(out, json_pack("{s:O, s:O}", "id", json_object_get(r, "id"), "title",
                                             json_object_get(r, ja ? "title_ja" : "title_en")));
    json_decref(rows);
    *categories = out;
    return GK_ERR_OK;
}
