#include "service/changes.h"

#include "crypto/audit_chain.h"
#include "db/applications.h"
#include "db/changes.h"
#include "db/db.h"
#include "domain/certificate_number.h"
#include "domain/date.h"
#include "domain/holders.h"
#include "service/holders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_svc_changes_register(void)
{
    gk_db_changes_register();
}

static const char *const kinds[] = {"partial_change", "name_addition", "holder_change", NULL};

#define CF(path, req, len, m)                                                                      \
    {                                                                                              \
        path, GK_F_STRING, req, len, NULL, GK_AT(gk_change_in, m), true                            \
    }
static const gk_field change_fields[] = {
    {"kind", GK_F_ENUM, true, 0, kinds, GK_AT(gk_change_in, kind), false},
    CF("summary", true, 20000, summary),
    CF("model_name", false, 1200, model_name),
    CF("affected_requirements", false, 400, affected_requirements),
    CF("hardware_version", false, 1200, hardware_version),
    CF("firmware_versions", false, 1200, firmware_versions),
    CF("update_method", false, 1200, update_method),
    CF("security_support_until", false, 16, security_support_until),
    CF("holder.name", false, 1200, holder_name),
    CF("holder.name_ja", false, 1200, holder_name_ja),
    CF("holder.name_en", false, 1200, holder_name_en),
    CF("holder.address_ja", false, 1200, holder_address_ja),
    CF("holder.address_en", false, 1200, holder_address_en),
    CF("holder.country", false, 8, holder_country),
    CF("holder.representative", false, 1200, holder_representative),
    CF("holder.representative_title", false, 1200, holder_representative_title),
};
const gk_spec gk_change_spec = GK_SPEC(change_fields);

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

typedef struct {
    const gk_call *call;
    const gk_change_in *in;
    char number[GK_CERT_NUMBER_BUF];
    const char *holder_json;
    char id[37];
    gk_outcome *o;
} change_ctx;

static gk_tx_status file_tx(PGconn *c, void *ctx)
{
    change_ctx *x = ctx;
    gk_outcome_clear(x->o);
    gk_change_target t;
    gk_tx_status s = gk_db_change_target(c, x->number, gk_call_org_filter(x->call), &t);
    if (s != GK_TX_OK) return s;
    if (!t.found) return gk_fail(x->o, x->call, GK_ERR_NOT_FOUND, NULL, NULL);
    if (!t.issued_here || !gk_change_allowed_on(t.status)) {
        gk_fail(x->o, x->call, GK_ERR_CONFLICT, NULL, NULL);
        x->o->detail = gk_call_msgf(x->call, "changes.not_changeable", "status", t.status, NULL);
        return GK_TX_ABORT;
    }
    if (t.change_open) {
        gk_fail(x->o, x->call, GK_ERR_CONFLICT, NULL, NULL);
        x->o->detail = gk_call_msg(x->call, "changes.already_open");
        return GK_TX_ABORT;
    }
    /* The holder record is asked for before the filing. */
    json_t *missing = gk_holder_missing_in_tx(c, t.organization_id, &s);
    if (!missing) return s;
    if (json_array_size(missing)) {
        gk_fail(x->o, x->call, GK_ERR_HOLDER_INCOMPLETE, NULL, NULL);
        size_t i;
        json_t *m;
        json_array_foreach(missing, i, m)
        {
            gk_field_err(x->o, x->call, gk_call_printf(x->call, "holder.%s", json_string_value(m)),
                         "holders.missing");
        }
        json_decref(missing);
        x->o->detail = gk_call_msg(x->call, "holders.complete_first");
        return GK_TX_ABORT;
    }
    json_decref(missing);
    const gk_change_in *in = x->in;
    if (!strcmp(in->kind, "name_addition")) {
        bool taken = false;
        s = gk_db_change_name_taken(c, x->number, in->model_name, &taken);
        if (s != GK_TX_OK) return s;
        if (taken)
            return gk_fail(x->o, x->call, GK_ERR_VALIDATION, "model_name",
                           "changes.model_name_exists");
    }
    if (!strcmp(in->kind, "partial_change")) {
        json_t *unknown = NULL;
        s = gk_db_change_unknown_requirements(c, x->number, in->affected_requirements, &unknown);
        if (s != GK_TX_OK) return s;
        size_t n = json_array_size(unknown);
        json_decref(unknown);
        if (n)
            return gk_fail(x->o, x->call, GK_ERR_VALIDATION, "affected_requirements",
                           "changes.unknown_requirement");
    }
    gk_change_filing f = {
        .number = x->number,
        .kind = in->kind,
        .summary = in->summary,
        .actor_id = x->call->user.id,
        .added_model_name = !strcmp(in->kind, "name_addition") ? opt(in->model_name) : NULL,
        .affected_requirements =
            !strcmp(in->kind, "partial_change") ? opt(in->affected_requirements) : NULL,
        .new_holder_json = x->holder_json,
        .hardware_version = opt(in->hardware_version),
        .firmware_versions = opt(in->firmware_versions),
        .update_method = opt(in->update_method),
        .security_support_until = opt(in->security_support_until),
    };
    gk_change_kind ck;
    f.as_draft = gk_change_kind_parse(in->kind, &ck) && gk_change_filed_as_draft(ck);
    gk_error e = GK_ERR_OK;
    const char *field = NULL;
    s = gk_db_change_file(c, &f, x->id, &e, &field);
    if (s == GK_TX_ABORT)
        return gk_fail(x->o, x->call, e != GK_ERR_OK ? e : GK_ERR_CONFLICT, field, NULL);
    if (s != GK_TX_OK) return s;
    json_t *detail = json_pack("{s:s, s:s, s:s}", "kind", in->kind, "certificate_number", x->number,
                               "summary", in->summary);
    char *object = gk_call_printf(x->call, "application:%s", x->id);
    s = gk_audit_append(c, x->call->user.id, "application.change_file", object, detail);
    json_decref(detail);
    if (s != GK_TX_OK) return s;
    return gk_db_app_view(c, x->id, NULL, &x->o->view);
}

void gk_svc_change_file(const gk_call *call, const gk_change_in *in, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    change_ctx x = {.call = call, .in = in, .o = out};
    gk_cert_number num;
    if (!in->number || gk_cert_number_parse_display(in->number, &num) != GK_ERR_OK ||
        !gk_cert_number_format(&num, x.number)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    /* What each kind needs. */
    if (!strcmp(in->kind, "name_addition") && !opt(in->model_name))
        gk_field_err(out, call, "model_name", "changes.model_name_required");
    if (!strcmp(in->kind, "partial_change") && !opt(in->affected_requirements))
        gk_field_err(out, call, "affected_requirements", "changes.requirements_required");
    if (!strcmp(in->kind, "partial_change") && !opt(in->hardware_version) &&
        !opt(in->firmware_versions))
        gk_field_err(out, call, "firmware_versions", "changes.versions_required");
    gk_date d;
    if (opt(in->security_support_until) && !gk_date_parse(in->security_support_until, &d))
        gk_field_err(out, call, "security_support_until", "changes.bad_date");
    json_t *holder = NULL;
    if (!strcmp(in->kind, "holder_change")) {
        if (!opt(in->holder_name))
            gk_field_err(out, call, "holder.name", "changes.holder_name_required");
        holder = json_object();
        const char *keys[] = {"name",       "name_ja", "name_en",        "address_ja",
                              "address_en", "country", "representative", "representative_title"};
        const char *vals[] = {in->holder_name,           in->holder_name_ja,
                              in->holder_name_en,        in->holder_address_ja,
                              in->holder_address_en,     in->holder_country,
                              in->holder_representative, in->holder_representative_title};
        for (size_t i = 0; holder && i < sizeof keys / sizeof *keys; i++)
            if (opt(vals[i])) json_object_set_new(holder, keys[i], json_string(vals[i]));
    }
    if (out->errors) {
        json_decref(holder);
        gk_fail(out, call, GK_ERR_VALIDATION, NULL, NULL);
        return;
    }
    char *hj = holder ? json_dumps(holder, JSON_COMPACT) : NULL;
    json_decref(holder);
    x.holder_json = hj ? gk_call_printf(call, "%s", hj) : NULL;
    free(hj);
    gk_tx_status s = gk_tx_run(GK_TX_READ_COMMITTED, file_tx, &x);
    gk_outcome_finish(out, s);
    if (s == GK_TX_OK) {
        out->status = 201;
        out->location = gk_call_printf(call, "/api/v1/applications/%s", x.id);
    }
}

void gk_svc_exhibit_get(const gk_call *call, const char *number, const char *doc_id,
                        gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    gk_cert_number num;
    char stored[GK_CERT_NUMBER_BUF];
    if (!number || !doc_id || !gk_db_is_uuid(doc_id) ||
        gk_cert_number_parse_display(number, &num) != GK_ERR_OK ||
        !gk_cert_number_format(&num, stored)) {
        gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    PGconn *c = gk_db_read_conn();
    json_t *x = NULL;
    gk_tx_status s = c ? gk_db_change_exhibit(c, stored, doc_id, &x) : GK_TX_UNAVAILABLE;
    if (s != GK_TX_OK || !x) {
        json_decref(x);
        gk_fail(out, call, s != GK_TX_OK ? gk_tx_error(s) : GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    out->view = x;
}
