#include "service/holders.h"

#include "crypto/audit_chain.h"
#include "db/db.h"
#include "db/applications.h"
#include "db/holders.h"

#include "domain/certificate_number.h"
#include "domain/date.h"

#include <stdio.h>
#include <string.h>

void gk_svc_holders_register(void)
{
    gk_db_holders_register();
}

#define HF(path, req, len, i)                                                                      \
    {                                                                                              \
        path, GK_F_STRING, req, len, NULL, GK_AT(gk_holder_put_in, v[i]), true                     \
    }
/* The order of gk_holder_fields(); name and representative are required by the schema. */
static const gk_field put_fields[GK_HOLDER_NFIELDS] = {
    HF("name", true, 1200, 0),
    HF("name_ja", false, 1200, 1),
    HF("name_en", false, 1200, 2),
    HF("corporate_number", false, 64, 3),
    HF("address_ja", false, 1200, 4),
    HF("address_en", false, 1200, 5),
    HF("country", false, 8, 6),
    HF("representative", true, 1200, 7),
    HF("representative_title", false, 1200, 8),
    HF("contact.name", false, 1200, 9),
    HF("contact.phone", false, 64, 10),
    HF("contact.email", false, 254, 11),
    HF("agent.name", false, 1200, 12),
    HF("agent.address", false, 1200, 13),
};
const gk_spec gk_holder_put_spec = GK_SPEC(put_fields);

/* The values of a record view in gk_holder_fields() order (borrowed from the view). */
static void values_of(const json_t *view, gk_holder_values *h)
{
    size_t n;
    const gk_holder_field *f = gk_holder_fields(&n);
    for (size_t i = 0; i < n && i < GK_HOLDER_NFIELDS; i++) {
        const char *dot = strchr(f[i].field, '.');
        json_t *v;
        if (dot) {
            char obj[16] = "";
            size_t len = (size_t)(dot - f[i].field);
            if (len < sizeof obj) memcpy(obj, f[i].field, len);
            v = json_object_get(json_object_get(view, obj), dot + 1);
        } else {
            v = json_object_get(view, f[i].field);
        }
        h->v[i] = json_string_value(v);
    }
}

static json_t *missing_of(const json_t *view)
{
    gk_holder_values h = {{0}};
    values_of(view, &h);
    const char *m[GK_HOLDER_NFIELDS];
    size_t k = gk_holder_missing(&h, m, GK_HOLDER_NFIELDS);
    json_t *a = json_array();
    for (size_t i = 0; a && i < k && i < GK_HOLDER_NFIELDS; i++)
        json_array_append_new(a, json_string(m[i]));
    return a;
}

json_t *gk_holder_missing_in_tx(PGconn *c, const char *org_id, gk_tx_status *s)
{
    json_t *view = NULL;
    *s = gk_db_holder_get(c, org_id, &view);
    if (*s != GK_TX_OK) return NULL;
    json_t *m = view ? missing_of(view) : json_array();
    json_decref(view);
    if (!m) *s = GK_TX_HARD;
    return m;
}

static void finish_view(json_t *view)
{
    json_t *m = missing_of(view);
    json_object_set_new(view, "complete", json_boolean(m && json_array_size(m) == 0));
    json_object_set_new(view, "missing", m ? m : json_array());
}

void gk_svc_holder_get(const gk_call *call, const char *id, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    const char *own = call->user.role == GK_ROLE_MANUFACTURER ? gk_call_org_filter(call) : NULL;
    const char *org = NULL;
    if (id && !strcmp(id, "me"))
        org = own;
    else if (gk_call_is_staff(call) || (own && id && !strcmp(id, own)))
        org = id;
    if (!org || !gk_db_is_uuid(org)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    PGconn *c = gk_db_conn();
    json_t *view = NULL;
    gk_tx_status s = c ? gk_db_holder_get(c, org, &view) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !view) {
        json_decref(view);
        gk_fail(out, call, s != GK_TX_OK ? gk_tx_error(s) : GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    finish_view(view);
    out->view = view;
}

typedef struct {
    const gk_call *call;
    const gk_holder_put_in *in;
    const char *org;
    gk_outcome *o;
} put_ctx;

static gk_tx_status put_tx(PGconn *c, void *ctx)
{
    put_ctx *x = ctx;
    gk_outcome_clear(x->o);
    gk_holder_values h;
    memcpy(h.v, x->in->v, sizeof h.v);
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    gk_tx_status s = gk_db_holder_put(c, x->org, &h, &e, &field);
    if (s == GK_TX_ABORT) {
        if (e == GK_ERR_ALREADY_EXISTS)
            return gk_fail(x->o, x->call, e, "corporate_number", "holders.corporate_number_taken");
        if (e == GK_ERR_CONFLICT) return gk_fail(x->o, x->call, GK_ERR_NOT_FOUND, NULL, NULL);
        return gk_fail(x->o, x->call, e != GK_ERR_OK ? e : GK_ERR_VALIDATION, field ? field : NULL,
                       field ? "holders.invalid" : NULL);
    }
    if (s != GK_TX_OK) return s;
    json_t *view = NULL;
    s = gk_db_holder_get(c, x->org, &view);
    if (s != GK_TX_OK) return s;
    if (!view) return GK_TX_HARD;
    finish_view(view);
    json_t *detail = json_pack("{s:O}", "missing", json_object_get(view, "missing"));
    char *object = gk_call_printf(x->call, "organization:%s", x->org);
    s = gk_audit_append(c, x->call->user.id, "organization.holder_update", object, detail);
    json_decref(detail);
    if (s != GK_TX_OK) {
        json_decref(view);
        return s;
    }
    x->o->view = view;
    return GK_TX_OK;
}

static bool digits_only(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

void gk_svc_holder_put(const gk_call *call, const gk_holder_put_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    const char *org = call->user.role == GK_ROLE_MANUFACTURER ? gk_call_org_filter(call) : NULL;
    if (!org || !gk_db_is_uuid(org)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    const char *cn = in->v[3];
    if (cn && *cn && !gk_holder_corporate_number_valid(cn))
        gk_field_err(out, call, "corporate_number",
                     strlen(cn) == 13 && digits_only(cn) ? "holders.corporate_number_check_digit"
                                                         : "holders.corporate_number_format");
    const char *country = in->v[6];
    if (country && *country &&
        !(strlen(country) == 2 && country[0] >= 'A' && country[0] <= 'Z' && country[1] >= 'A' &&
          country[1] <= 'Z'))
        gk_field_err(out, call, "country", "holders.country_format");
    if (out->errors) {
        gk_fail(out, call, GK_ERR_VALIDATION, NULL, NULL);
        return;
    }
    put_ctx x = {.call = call, .in = in, .org = org, .o = out};
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, put_tx, &x);
    gk_outcome_finish(out, s);
}

/* ---- design-holder inspection records ------------------------------------------------------ */

static const char *const results[] = {"conforming", "nonconforming", NULL};
static const gk_field inspection_fields[] = {
    {"inspected_on", GK_F_STRING, true, 16, NULL, GK_AT(gk_inspection_in, inspected_on), false},
    {"lot", GK_F_STRING, true, 1200, NULL, GK_AT(gk_inspection_in, lot), false},
    {"quantity", GK_F_INT, true, 0, NULL, GK_AT(gk_inspection_in, quantity), false},
    {"result", GK_F_ENUM, true, 0, results, GK_AT(gk_inspection_in, result), false},
    {"notes", GK_F_STRING, false, 80000, NULL, GK_AT(gk_inspection_in, notes), true},
    {"inspector", GK_F_STRING, true, 1200, NULL, GK_AT(gk_inspection_in, inspector), false},
};
const gk_spec gk_inspection_spec = GK_SPEC(inspection_fields);

static bool stored_number(const char *number, char buf[GK_CERT_NUMBER_BUF])
{
    gk_cert_number n;
    return number && gk_cert_number_parse_display(number, &n) == GK_ERR_OK &&
           gk_cert_number_format(&n, buf);
}

typedef struct {
    const gk_call *call;
    const gk_inspection_in *in;
    char number[GK_CERT_NUMBER_BUF];
    gk_outcome *o;
} insp_ctx;

static gk_tx_status inspection_tx(PGconn *c, void *ctx)
{
    insp_ctx *x = ctx;
    gk_outcome_clear(x->o);
    char route[16];
    bool found;
    gk_tx_status s =
        gk_db_inspection_target(c, x->number, gk_call_org_filter(x->call), route, &found);
    if (s != GK_TX_OK) return s;
    if (!found) return gk_fail(x->o, x->call, GK_ERR_NOT_FOUND, NULL, NULL);
    if (strcmp(route, "design") != 0) {
        gk_fail(x->o, x->call, GK_ERR_CONFLICT, NULL, NULL);
        x->o->detail = gk_call_msg(x->call, "holders.inspection_design_only");
        return GK_TX_ABORT;
    }
    char qty[24];
    snprintf(qty, sizeof qty, "%lld", x->in->quantity);
    const char *notes = x->in->notes && *x->in->notes ? x->in->notes : NULL;
    gk_inspection_row row = {x->number, x->in->inspected_on, x->in->lot,      qty, x->in->result,
                             notes,     x->in->inspector,    x->call->user.id};
    json_t *view = NULL;
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_db_inspection_add(c, &row, &view, &e, &field);
    if (s == GK_TX_ABORT)
        return gk_fail(x->o, x->call, e != GK_ERR_OK ? e : GK_ERR_VALIDATION, field,
                       field ? "holders.invalid" : NULL);
    if (s != GK_TX_OK) return s;
    if (!view) return GK_TX_HARD;
    json_t *detail =
        json_pack("{s:O, s:s}", "id", json_object_get(view, "id"), "result", x->in->result);
    char *object = gk_call_printf(x->call, "certificate:%s", x->number);
    s = gk_audit_append(c, x->call->user.id, "certificate.inspection", object, detail);
    json_decref(detail);
    if (s != GK_TX_OK) {
        json_decref(view);
        return s;
    }
    x->o->view = view;
    return GK_TX_OK;
}

void gk_svc_inspection_add(const gk_call *call, const gk_inspection_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    insp_ctx x = {.call = call, .in = in, .o = out};
    if (!stored_number(in->number, x.number)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    gk_date d;
    if (!in->inspected_on || !gk_date_parse(in->inspected_on, &d))
        gk_field_err(out, call, "inspected_on", "changes.bad_date");
    if (in->quantity < 1 || in->quantity > 100000000)
        gk_field_err(out, call, "quantity", "holders.quantity");
    if (in->result && !strcmp(in->result, "nonconforming") && !(in->notes && *in->notes))
        gk_field_err(out, call, "notes", "holders.notes_required");
    if (out->errors) {
        gk_fail(out, call, GK_ERR_VALIDATION, NULL, NULL);
        return;
    }
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, inspection_tx, &x);
    gk_outcome_finish(out, s);
    if (s == GK_TX_OK) out->status = 201;
}

void gk_svc_inspections_list(const gk_call *call, const char *number, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    char num[GK_CERT_NUMBER_BUF];
    if (!stored_number(number, num)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    PGconn *c = gk_db_conn();
    char route[16];
    bool found = false;
    /* a manufacturer reads its own organisation's only; the staff any */
    gk_tx_status s = c ? gk_db_inspection_target(c, num, gk_call_org_filter(call), route, &found)
                       : GK_TX_UNAVAILABLE;
    json_t *items = NULL;
    if (s == GK_TX_OK && found) s = gk_db_inspections(c, num, &items);
    if (s != GK_TX_OK || !found || !items) {
        json_decref(items);
        gk_fail(out, call, s != GK_TX_OK ? gk_tx_error(s) : GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o, s:n}", "items", items, "next");
}
