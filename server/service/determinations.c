#include "service/determinations.h"

#include "app.h"
#include "db/db.h"
#include "render/i18n.h"

#include <stdint.h>
#include <string.h>

#define FACT_REQ(i, name, req)                                                                     \
    {                                                                                              \
        .path = "facts." name, .type = GK_F_BOOL, .required = req,                                 \
        .out = GK_AT(gk_determination_in, facts.v[i])                                              \
    }
#define FACT(i, name) FACT_REQ(i, name, true)
/* The connection is answered by both parts or by the shorthand: the domain names what is
 * missing (gk_determination_run). */
#define CONNECTION_FACT(i, name) FACT_REQ(i, name, false)

/* The facts first, in gk_fact order (a query or form names them without "facts."). */
static const gk_field determination_fields[] = {
    CONNECTION_FACT(GK_FACT_DIRECTLY_CONNECTABLE, "directly_connectable"),
    FACT(GK_FACT_DATA_TRANSMISSION_FACILITY, "data_transmission_facility"),
    FACT(GK_FACT_USES_IP, "uses_ip"),
    FACT(GK_FACT_REMOTELY_CONFIGURABLE, "remotely_configurable"),
    FACT(GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE, "user_installable_security_software"),
    CONNECTION_FACT(GK_FACT_CONNECTABLE_TO_CARRIER_LINE, "connectable_to_carrier_line"),
    CONNECTION_FACT(GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT, "always_via_certified_equipment"),
    {.path = "filing_date", .type = GK_F_DATE, .out = GK_AT(gk_determination_in, filing_date)},
    {.path = "opt_in_rule_set",
     .type = GK_F_STRING,
     .nullable = true,
     .out = GK_AT(gk_determination_in, opt_in_rule_set)},
};
const gk_spec gk_determination_spec = GK_SPEC(determination_fields);

static void err_add(const gk_call *call, json_t **errors, const char *field, const char *key)
{
    json_t *e = json_pack("{s:s, s:s}", "field", field, "message", gk_call_msg(call, key));
    if (!e) return;
    if (!*errors) *errors = json_array();
    if (*errors) json_array_append(*errors, e);
    json_decref(e);
}

/* One field of the spec from JSON (j: the value, NULL when absent) or text (t). Returns the
 * message key of its error, or NULL. */
static const char *read_one(const gk_field *f, bool json, json_t *j, const char *t, void *out)
{
    switch (f->type) {
    case GK_F_BOOL: {
        gk_tristate *v = out;
        if (json) {
            if (!j || json_is_null(j)) return f->required ? "determination.fact.required" : NULL;
            if (!json_is_boolean(j)) return "determination.fact.not_bool";
            *v = json_is_true(j) ? GK_TRI_TRUE : GK_TRI_FALSE;
        } else if (t && *t) {
            if (!strcmp(t, "true") || !strcmp(t, "yes"))
                *v = GK_TRI_TRUE;
            else if (!strcmp(t, "false") || !strcmp(t, "no"))
                *v = GK_TRI_FALSE;
            else
                return "determination.fact.not_yes_no";
        }
        return NULL;
    }
    case GK_F_DATE: {
        const char *s = json ? (j && json_is_string(j) ? json_string_value(j) : NULL) : t;
        if ((json && j && !json_is_null(j) && !s) || (s && *s && !gk_date_parse(s, out)))
            return "determination.filing_date.invalid";
        return NULL;
    }
    default: { /* GK_F_STRING: the opt-in */
        const char *s = json ? (j && json_is_string(j) ? json_string_value(j) : NULL) : t;
        *(const char **)out = s && *s ? s : NULL;
        if (json && j && !json_is_null(j) && !json_is_string(j))
            return "determination.opt_in.invalid";
        return NULL;
    }
    }
}

int gk_svc_determination_read(const gk_call *call, json_t *body, gk_text_getter get, void *ctx,
                              gk_determination_in *in, json_t **errors)
{
    bool json = body || !get;
    int bad = 0;
    memset(in, 0, sizeof *in);
    in->filing_date = gk_date_today_utc(); /* what an applicant filing now would get */
    json_t *jf = body ? json_object_get(body, "facts") : NULL;
    if (json) {
        if (jf && !json_is_object(jf)) {
            err_add(call, errors, "facts", "determination.facts.not_object");
            return 1;
        }
        if (!jf) {
            err_add(call, errors, "facts", "field.required");
            bad++;
        }
    }
    for (size_t i = 0; i < gk_determination_spec.n; i++) {
        const gk_field *f = &gk_determination_spec.fields[i];
        bool fact = i < GK_FACT__COUNT;
        const char *name = fact ? gk_determination_fact_names[i] : f->path;
        const char *field = f->path;
        if (json && fact && !jf) continue; /* "facts" itself is reported */
        json_t *j = json ? json_object_get(fact ? jf : body, name) : NULL;
        const char *t = json ? NULL : get(ctx, name);
        const char *key = read_one(f, json, j, t, (char *)in + (uintptr_t)f->out);
        if (key) {
            err_add(call, errors, field, key);
            bad++;
        }
        if (fact && json && i + 1 == GK_FACT__COUNT) {
            /* After the facts, in the same answer: the ones we do not know. */
            const char *k;
            json_t *v;
            json_object_foreach(jf, k, v)
            {
                if (gk_determination_fact_index(k) >= 0) continue;
                const char *fk = gk_call_printf(call, "facts.%.140s", k);
                err_add(call, errors, fk ? fk : "facts", "determination.fact.unknown");
                bad++;
            }
        }
    }
    return bad;
}

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_arena_alloc(ctx, n);
}

gk_error gk_svc_rule_catalog(const gk_call *call, gk_rule_catalog *cat)
{
    return gk_rule_sets_load(gk_db_conn(), arena_alloc, call->arena, cat);
}

void gk_svc_determine(const gk_call *call, const gk_determination_in *in, const char *missing_key,
                      gk_outcome *out)
{
    gk_rule_catalog cat;
    gk_error e = gk_svc_rule_catalog(call, &cat);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    gk_determination d;
    e = gk_determination_on(cat.sets, cat.n, &in->facts, in->filing_date, in->opt_in_rule_set, &d);
    if (e == GK_ERR_VALIDATION) {
        for (size_t i = 0; i < d.n_missing; i++)
            gk_field_err(out, call, d.missing[i],
                         missing_key ? missing_key : "determination.fact.required");
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, in->opt_in_rule_set ? "opt_in_rule_set" : "filing_date", NULL);
        return;
    }
    json_t *v = gk_view_determination(&d, call->lang);
    char fd[GK_DATE_BUF];
    if (v) {
        json_object_set_new(v, "filing_date", json_string(gk_date_format(in->filing_date, fd)));
        json_object_set_new(v, "opt_in_rule_set",
                            in->opt_in_rule_set ? json_string(in->opt_in_rule_set) : json_null());
    }
    out->view = v;
    if (!v) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_svc_rule_sets_list(const gk_call *call, gk_outcome *out)
{
    gk_rule_catalog cat;
    gk_error e = gk_svc_rule_catalog(call, &cat);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    gk_date today = gk_date_today_utc();
    json_t *items = json_array();
    for (size_t i = 0; i < cat.n; i++)
        json_array_append_new(items, gk_view_rule_set(&cat, i, today));
    const gk_rule_set *now = gk_rule_set_in_force(cat.sets, cat.n, today);
    out->view = json_pack("{s:o, s:s?}", "items", items, "in_force", now ? now->id : NULL);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_svc_rule_sets_get(const gk_call *call, const char *id, gk_outcome *out)
{
    gk_rule_catalog cat;
    gk_error e = gk_svc_rule_catalog(call, &cat);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    for (size_t i = 0; id && i < cat.n; i++) {
        if (!strcmp(cat.sets[i].id, id)) {
            out->view = gk_view_rule_set(&cat, i, gk_date_today_utc());
            if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
            return;
        }
    }
    gk_fail(out, call, GK_ERR_NOT_FOUND, NULL, NULL);
}

void gk_svc_categories_list(const gk_call *call, gk_outcome *out)
{
    json_t *items;
    gk_error e = gk_categories_list(gk_db_read_conn(), &items);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    out->view = json_pack("{s:o, s:n}", "items", items, "next");
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_svc_categories_get(const gk_call *call, const char *id, gk_outcome *out)
{
    json_t *c;
    gk_error e = gk_category_get(gk_db_read_conn(), id, &c);
    if (e != GK_ERR_OK) {
        gk_fail(out, call, e, NULL, NULL);
        return;
    }
    out->view = c;
}

/* ---- views ---- */

json_t *gk_view_determination(const gk_determination *d, const char *lang)
{
    json_t *reqs = json_array(), *obl = json_array(), *rat = json_array();
    for (size_t i = 0; i < d->n_requirements; i++)
        json_array_append_new(reqs, json_string(d->requirements[i]));
    json_t *stm = json_array();
    for (size_t i = 0; i < d->n_obligations; i++) {
        json_array_append_new(obl, json_string(d->obligations[i]));
        for (const gk_obligation_statement *st = gk_obligation_statements; st->obligation; st++)
            if (!strcmp(st->obligation, d->obligations[i]))
                json_array_append_new(
                    stm,
                    json_pack("{s:s, s:s, s:s, s:s, s:s}", "obligation", st->obligation, "id",
                              st->id, "text", gk_messages_get(gk_app.messages, lang, st->text_key),
                              "text_en", gk_messages_get(gk_app.messages, "en", st->text_key),
                              "text_ja", gk_messages_get(gk_app.messages, "ja", st->text_key)));
    }
    for (size_t i = 0; i < d->n_rationale; i++) {
        const gk_rationale_entry *e = &d->rationale[i];
        const char *key = e->reason_key;
        json_array_append_new(rat,
                              json_pack("{s:s, s:b, s:b, s:s, s:s, s:s}", "test", e->name, "holds",
                                        e->holds, "decisive", e->decisive, "reason",
                                        gk_messages_get(gk_app.messages, lang, key), "reason_en",
                                        gk_messages_get(gk_app.messages, "en", key), "reason_ja",
                                        gk_messages_get(gk_app.messages, "ja", key)));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "outcome", gk_scope_outcome_name(d->outcome),
                     "rule_set", d->rule_set ? d->rule_set->id : "", "requirements", reqs,
                     "obligations", obl, "obligation_statements", stm, "rationale", rat);
}

json_t *gk_view_rule_set(const gk_rule_catalog *cat, size_t i, gk_date today)
{
    const gk_rule_set *s = &cat->sets[i];
    const gk_rule_set_text *t = &cat->texts[i];
    char prom[GK_DATE_BUF], eff[GK_DATE_BUF];
    gk_date_format(s->promulgated_on, prom);
    gk_date_format(s->effective_on, eff);
    json_t *reqs = json_array();
    for (size_t q = 0; q < s->n_requirements; q++) {
        const gk_requirement *rq = &s->requirements[q];
        const gk_requirement_text *rt = &t->requirement_texts[q];
        json_t *measures = json_array();
        for (size_t m = 0; m < rq->n_measures; m++)
            json_array_append_new(measures, json_pack("{s:s, s:s, s:s}", "id", rq->measures[m],
                                                      "title_en", rt->measure_titles_en[m],
                                                      "title_ja", rt->measure_titles_ja[m]));
        json_array_append_new(reqs,
                              json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:o}", "id", rq->id,
                                        "kind", gk_requirement_kind_name(rq->kind), "title_en",
                                        rq->title_en, "title_ja", rq->title_ja, "description_en",
                                        rt->description_en, "description_ja", rt->description_ja,
                                        "article", rq->legal_basis, "measures", measures));
    }
    return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:i, s:s, s:o}", "id", s->id,
                     "title_en", s->title_en, "title_ja", s->title_ja, "ordinance_en",
                     t->ordinance_en, "ordinance_ja", t->ordinance_ja, "promulgated_on", prom,
                     "effective_on", eff, "grace_days", gk_rule_set_grace_days(s), "status",
                     gk_rule_set_status_name(gk_rule_set_status_on(cat->sets, cat->n, s, today)),
                     "requirements", reqs);
}
