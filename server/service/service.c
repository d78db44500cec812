#include "service/service.h"

#include "app.h"
#include "render/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void gk_outcome_clear(gk_outcome *o)
{
    json_decref(o->errors);
    json_decref(o->view);
    memset(o, 0, sizeof *o);
}

const char *gk_call_msg(const gk_call *call, const char *key)
{
    return gk_messages_get(gk_app.messages, call ? call->lang : NULL, key);
}

void gk_field_err(gk_outcome *o, const gk_call *call, const char *field, const char *msg_key)
{
    json_t *e = json_pack("{s:s, s:s}", "field", field, "message", gk_call_msg(call, msg_key));
    if (!e) return;
    if (!o->errors) o->errors = json_array();
    if (o->errors) json_array_append(o->errors, e);
    json_decref(e);
}

gk_tx_status gk_fail(gk_outcome *o, const gk_call *call, gk_error e, const char *field,
                     const char *msg_key)
{
    o->err = e;
    o->status = gk_error_status(e);
    if (field) {
        if (msg_key)
            gk_field_err(o, call, field, msg_key);
        else {
            json_t *fe = json_pack("{s:s, s:s}", "field", field, "message",
                                   gk_error_title(e, call ? call->lang : NULL));
            if (fe && (o->errors || (o->errors = json_array()))) json_array_append(o->errors, fe);
            json_decref(fe);
        }
    }
    return GK_TX_ABORT;
}

void gk_outcome_finish(gk_outcome *o, gk_tx_status s)
{
    if (s == GK_TX_OK || (s == GK_TX_ABORT && (o->err != GK_ERR_OK || o->replayed))) return;
    gk_outcome_clear(o);
    o->err = s == GK_TX_ABORT ? GK_ERR_CONFLICT : gk_tx_error(s);
    o->status = gk_error_status(o->err);
}

const char *gk_call_msgf(const gk_call *call, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    const char *s = gk_call_vmsgf(call, key, ap);
    va_end(ap);
    return s;
}

const char *gk_call_vmsgf(const gk_call *call, const char *key, va_list ap)
{
    const char *text = gk_call_msg(call, key);
    /* Replace each {name} in turn; a value never gets a second pass, so a value that
     * contains "{x}" stays as it is. */
    size_t cap = strlen(text) + 1;
    const char *names[16], *values[16];
    size_t n = 0;
    for (const char *nm; n < 16 && (nm = va_arg(ap, const char *));) {
        names[n] = nm;
        values[n] = va_arg(ap, const char *);
        if (!values[n]) values[n] = "";
        cap += strlen(values[n]);
        n++;
    }
    char *out = call && call->arena ? gk_arena_alloc(call->arena, cap) : NULL;
    if (!out) return text;
    size_t o = 0;
    for (const char *p = text; *p;) {
        bool done = false;
        if (*p == '{') {
            for (size_t i = 0; i < n && !done; i++) {
                size_t l = strlen(names[i]);
                if (!strncmp(p + 1, names[i], l) && p[1 + l] == '}') {
                    size_t vl = strlen(values[i]);
                    memcpy(out + o, values[i], vl);
                    o += vl;
                    p += l + 2;
                    done = true;
                }
            }
        }
        if (!done) out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

char *gk_call_printf(const gk_call *call, const char *fmt, ...)
{
    if (!call || !call->arena) return NULL;
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (s = gk_arena_alloc(call->arena, (size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

gk_lifecycle_role gk_call_lc_role(const gk_call *call)
{
    switch (call->user.role) {
    case GK_ROLE_EXAMINER:
        return GK_LC_ROLE_EXAMINER;
    case GK_ROLE_REGULATOR:
        return GK_LC_ROLE_REGULATOR;
    case GK_ROLE_ADMIN:
        return GK_LC_ROLE_ADMIN;
    default:
        return GK_LC_ROLE_MANUFACTURER;
    }
}

const char *gk_call_org_filter(const gk_call *call)
{
    if (gk_call_is_staff(call)) return NULL;
    /* Anyone else sees their own organisation's objects; without one, nothing (an id that
     * no row has), never everything. */
    return call->user.organization_id ? call->user.organization_id
                                      : "00000000-0000-0000-0000-000000000000";
}

bool gk_call_is_staff(const gk_call *call)
{
    return call->user.role & (GK_ROLE_EXAMINER | GK_ROLE_REGULATOR | GK_ROLE_ADMIN);
}
