/* The Common Criteria registry: import of a CC Portal CSV (examiners and admins, the command
 * line), the public search and the detail with CCRA recognition and validity explained. The
 * rules are the domain's (domain/cc_recognition.h, cc/csv.h), which answer with codes; this
 * layer renders their reasons from the message catalogues ("cc.*"). */
#ifndef GK_SERVICE_CC_H
#define GK_SERVICE_CC_H

#include "db/cc.h"
#include "domain/cc_recognition.h"
#include "service/service.h"

/* ---- import ---- */

typedef struct {
    const char *status;         /* "active" (also when NULL or "") or "archived" */
    const gk_cc_source *source; /* where the CSV comes from, or NULL: data/len */
    const char *data;           /* the CSV in memory; NULL (and no source): no file given */
    size_t len;
    unsigned long *lines_read; /* when not NULL: the physical lines read (progress) */
} gk_cc_import_in;

/* Import in one transaction (db/cc.h). view = {imported, updated, unchanged, rejected
 * [{line, code, column?, reason}], rejected_total}, reasons in the call's language, at most
 * GK_CC_MAX_REJECTED listed. Refusals: GK_ERR_BAD_QUERY (status: field "status") or
 * GK_ERR_VALIDATION (no file: field "file"), both listed together; GK_ERR_VALIDATION with
 * detail and the field error {field "header", line 1, message} when the header is wrong or
 * missing (nothing imported); GK_ERR_BAD_REQUEST when the source could not be read; the
 * database's errors. */
void gk_svc_cc_import(const gk_call *call, const gk_cc_import_in *in, gk_outcome *out);

/* ---- reading ---- */

/* The search, as text from a query; NULL or "" is "not given". */
typedef struct {
    const char *q;      /* substring of name or manufacturer, at most 200 bytes */
    const char *scheme; /* 2 or 3 letters, any case */
    const char *status; /* active | archived */
    const char *after;  /* the cursor of the previous page */
    const char *limit;  /* 1..500, default 50 */
} gk_cc_list_in;

/* view = {items, next}, each item viewed on today's date (see gk_svc_cc_get). Refusal:
 * GK_ERR_BAD_QUERY with one field error per bad parameter (a cursor that is not ours:
 * field "after", also as detail). */
void gk_svc_cc_list(const gk_call *call, const gk_cc_list_in *in, gk_outcome *out);

/* One certificate (db/cc.h gk_cc_get) with what the domain decides about it on `on`
 * (YYYY-MM-DD; NULL or "" for today): ccra_recognised, ccra_reason (code), ccra_reason_text
 * (in the call's language), ccra_reason_en/_ja, ccra_level, on, valid_on_date, validity
 * (code), validity_reason (in the call's language), validity_reason_en/_ja, end_date.
 * Refusals: GK_ERR_BAD_QUERY (field "on"; checked first), GK_ERR_NOT_FOUND. */
void gk_svc_cc_get(const gk_call *call, const char *id, const char *on, gk_outcome *out);

/* ---- texts of the domain's codes ---- */

/* The reason of a validity in `lang` ("en"/"ja"): catalogue text of "cc.validity_reason.*". */
const char *gk_cc_validity_text(const char *lang, gk_cc_validity v);
/* The reason of CCRA recognition (gk_cc_recognition.reason_code) in `lang`. */
const char *gk_cc_ccra_text(const char *lang, const char *reason_code);
/* Why a CSV record was rejected, in the call's language (in its arena). */
const char *gk_cc_rejection_text(const gk_call *call, const gk_cc_rejection *rj);
/* Why a CSV header was refused, in the call's language (in its arena). */
const char *gk_cc_header_text(const gk_call *call, const gk_cc_header_problem *h);

#endif
