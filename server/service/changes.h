/* Change applications on a granted certificate (issue 16): partial_change (一部変更: the
 * examiner re-examines the requirements the change affects; the other verdicts are carried
 * over from the certificate's last examination with a reference), name_addition (追加型式:
 * a further model name for the same design), holder_change (承継 / 名称変更: the holder's new
 * public record; the supporting document is uploaded to the change like any document).
 * The holder files it; it is an application with a kind and the certificate's number, goes
 * through the same examination and four-eyes review, and its approval makes a new signed
 * version of the certificate, which keeps its number. */
#ifndef GK_SERVICE_CHANGES_H
#define GK_SERVICE_CHANGES_H

#include "http/fields.h"
#include "service/service.h"

void gk_svc_changes_register(void);

typedef struct {
    const char *number; /* from the path */
    const char *kind, *summary;
    const char *model_name;            /* name_addition */
    const char *affected_requirements; /* partial_change: "SR-2,SR-3" */
    const char *hardware_version, *firmware_versions, *update_method, *security_support_until;
    const char *holder_name, *holder_name_ja, *holder_name_en, *holder_address_ja,
        *holder_address_en, *holder_country, *holder_representative, *holder_representative_title;
} gk_change_in;
extern const gk_spec gk_change_spec;

/* 201 with the change application (the application object of docs/openapi.yaml, status
 * submitted; a holder change stays a draft until its supporting document is attached and it
 * is submitted like any application) and Location. 404 for a certificate not the caller's organisation's, 409
 * state.conflict when the certificate is not granted or a change of it is open, 409
 * holder.incomplete naming each missing holder field ("holder.<field>"), 422 naming the
 * field a kind needs. */
void gk_svc_change_file(const gk_call *call, const gk_change_in *in, gk_outcome *out);

/* A public exhibit of the certificate (service/documents.h reads its bytes with
 * gk_svc_doc_chunk): the view is its exhibit object; 404 when the document is not published
 * with this certificate today (confidential, or its date has not come). For anyone. */
void gk_svc_exhibit_get(const gk_call *call, const char *number, const char *doc_id,
                        gk_outcome *out);

#endif
