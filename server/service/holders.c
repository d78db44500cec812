#include "service/holders.h"

#include "crypto/audit_chain.h"
#include "db/db.h"
#include "db/applications.h"
#include "db/holders.h"

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
