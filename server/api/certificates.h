/* Certificates: the bulk import of pre-existing certificates, shared by
 * POST /api/v1/certificates/import and the command `giteki import-certificates FILE`.
 *
 * The CSV (UTF-8, optional BOM, RFC 4180 quoting) has the header
 *   number,route,category,manufacturer,model_name,type_name,granted_on
 * Each row is validated on its own; a bad row is reported with its line (1 = the header) and
 * reason and the others are imported. Every certificate is registered under the rule set in
 * force on its grant date and marked grandfathered when granted before the rule set in force
 * today took effect (gk_rule_set_is_grandfathered). A number already registered is skipped,
 * so importing the same file twice adds nothing. The whole file is ONE transaction with one
 * audit entry. */
#ifndef GK_API_CERTIFICATES_H
#define GK_API_CERTIFICATES_H

#include "errors.h"
#include "http/request.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define GK_CERT_IMPORT_COLUMNS "number,route,category,manufacturer,model_name,type_name,granted_on"
#define GK_CERT_IMPORT_MAX_REJECTED 1000 /* rejections listed; more are only counted */

/* Imports `csv` (len bytes) on this thread's database connection. actor_user_id may be NULL
 * (the command line: actor "cli"). ja selects Japanese reasons. On GK_ERR_OK *report is
 * {"imported", "unchanged", "rejected": [{"line", "reason"}], "rejected_count"} (caller
 * owns it); GK_ERR_VALIDATION when the header is wrong (*detail says how, static text),
 * GK_ERR_UNAVAILABLE / GK_ERR_INTERNAL otherwise. */
gk_error gk_cert_import_csv(const char *csv, size_t len, const char *actor_user_id, bool ja,
                            json_t **report, const char **detail);

/* One certificate as GET /api/v1/certificates/{number} shows it (new reference), with
 * "verified" (the server checked the signature against its published key) and "verify_url";
 * the number may be in the display form "T D20-0123001". NULL with *e (GK_ERR_NOT_FOUND,
 * GK_ERR_UNAVAILABLE, GK_ERR_INTERNAL). */
json_t *gk_cert_load(gk_request *r, const char *number, gk_error *e);

#endif
