/* The public projection (see public_cert.h): whitelists, one per level of the record. */
#include "service/public_cert.h"

#include <stddef.h>

/* The certificate's public fields. H7 (versions[]) and later issues add theirs here. */
static const char *const public_fields[] = {
    "number",
    "display_number",
    "route",
    "category",
    "category_title_en",
    "category_title_ja",
    "manufacturer",
    "model_name",
    "type_name",
    "granted_on",
    "rule_set",
    "grandfathered",
    "basis",
    "status",
    "status_changed_on",
    "imported",
    "key_id",
    "serial",
    "previous_number",
    "updated_at",
    "signed_payload",
    "signature",
    "verified",
    "mismatched_fields",
    "verify_url",
    /* the living record (issue 16): signed versions, current names, holder, what was examined,
     * the published exhibits */
    "versions",
    "current_version",
    "model_names",
    "holder",
    "examined",
    "exhibits",
};

/* An event's public fields: what happened, when, the public reason and the order. */
static const char *const public_event_fields[] = {"event", "at", "reason", "order_reference"};

/* Added for staff only (an internal note on a status change goes here, never above). */
static const char *const staff_fields[] = {"application_id", "organization_id"};
static const char *const staff_event_fields[] = {"actor_id", "actor_name", "note"};

/* The feed's rows: the public fields of an event with its certificate's labels. */
static const char *const public_feed_fields[] = {
    "id",        "number", "event",           "manufacturer", "model_name",
    "type_name", "reason", "order_reference", "updated",      "at_us",
};

#define N(a) (sizeof(a) / sizeof *(a))

static int copy_fields(json_t *to, json_t *from, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(from, names[i]);
        if (v && json_object_set_new(to, names[i], json_deep_copy(v))) return -1;
    }
    return 0;
}

static json_t *project(json_t *full, bool staff)
{
    if (!json_is_object(full)) return NULL;
    json_t *o = json_object();
    json_t *events = json_array();
    int rc = o && events ? copy_fields(o, full, public_fields, N(public_fields)) : -1;
    if (!rc && staff) rc = copy_fields(o, full, staff_fields, N(staff_fields));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(full, "events"), i, e)
    {
        json_t *pe = rc ? NULL : json_object();
        rc = pe ? copy_fields(pe, e, public_event_fields, N(public_event_fields)) : -1;
        if (!rc && staff) rc = copy_fields(pe, e, staff_event_fields, N(staff_event_fields));
        if (!rc)
            rc = json_array_append_new(events, pe);
        else
            json_decref(pe);
    }
    if (!rc) rc = json_object_set(o, "events", events);
    json_decref(events);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *gk_public_cert(json_t *full)
{
    return project(full, false);
}

json_t *gk_staff_cert(json_t *full)
{
    return project(full, true);
}

json_t *gk_public_cert_event_row(json_t *row)
{
    json_t *o = json_object();
    if (o && copy_fields(o, row, public_feed_fields, N(public_feed_fields))) {
        json_decref(o);
        return NULL;
    }
    return o;
}
