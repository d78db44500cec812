/* Reports to the Minister (総務大臣) of the certifications the body granted, changed,
 * suspended, reinstated and revoked (issue 16): one row per event of a period with the
 * certificate number, event, date, holder's name and address, representative, equipment
 * kind, model names, versions and basis; as JSON, CSV or XML. A report can be marked
 * submitted (who, when, the reference); a report of a period already submitted shows what
 * changed since. For the regulator and the admin (the route table says so). */
#ifndef GK_SERVICE_REPORTS_H
#define GK_SERVICE_REPORTS_H

#include "http/fields.h"
#include "service/service.h"

void gk_svc_reports_register(void);

typedef struct {
    const char *from, *to; /* YYYY-MM-DD, inclusive */
    const char *format;    /* json (default), csv, xml */
    const char *reference; /* submissions only */
} gk_report_in;
extern const gk_spec gk_report_submit_spec;

/* The report view ({from, to, rows, submitted, changed_since_submission}); 422 naming from,
 * to or format. */
void gk_svc_report_get(const gk_call *call, const gk_report_in *in, gk_outcome *out);

/* The rows of a report view as a file: CSV (RFC 4180, UTF-8, a header) or XML; malloc'd,
 * *len its length; NULL on failure. */
char *gk_svc_report_file(const json_t *view, const char *format, size_t *len);
const char *gk_svc_report_media_type(const char *format);

/* Mark the period submitted (201 with the submission); list submissions. */
void gk_svc_report_submit(const gk_call *call, const gk_report_in *in, gk_outcome *out);
void gk_svc_report_submissions(const gk_call *call, gk_outcome *out);

#endif
