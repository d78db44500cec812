/* The holder of a certificate (the applicant organisation) as data: the 法人番号 check digit
 * (National Tax Agency: 法人番号の指定等に関する省令 第2条, 検査用数字), the fields a holder
 * record needs before a filing, and the kinds of change application. Pure: no I/O, no
 * messages (the service names the fields and writes the texts). */
#ifndef GK_DOMAIN_HOLDERS_H
#define GK_DOMAIN_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>

/* The check digit (the first digit) of a 13-digit 法人番号 from its 12-digit base: with the
 * base digits P_n counted from the right (n = 1..12) and Q_n = 1 for odd n, 2 for even n,
 * check = 9 - (sum(P_n * Q_n) mod 9). -1 when `base12` is not 12 ASCII digits. */
int gk_holder_check_digit(const char *base12);
/* 13 ASCII digits whose first digit is the check digit of the other twelve. */
bool gk_holder_corporate_number_valid(const char *s);

/* One field of the holder record: its name in the API (dotted for nested objects) and
 * whether a filing needs it; `foreign_only` fields are needed only when the country is not
 * JP (the English address of a foreign maker). */
typedef struct {
    const char *field;
    bool required;
    bool foreign_only;
} gk_holder_field;

const gk_holder_field *gk_holder_fields(size_t *n);

/* The values of a holder record in the order of gk_holder_fields(); NULL or "" is missing. */
#define GK_HOLDER_NFIELDS 14
typedef struct {
    const char *v[GK_HOLDER_NFIELDS];
} gk_holder_values;

/* Writes the names of the required fields that are missing into `missing` (at most `max`)
 * and returns how many are missing. A corporate number is required of a Japanese holder
 * (country JP) only; a foreign maker needs its English address. */
size_t gk_holder_missing(const gk_holder_values *h, const char **missing, size_t max);

/* The kinds of change application (applications.kind without "new"). */
typedef enum {
    GK_CHANGE_PARTIAL,       /* partial_change: 一部変更 */
    GK_CHANGE_NAME_ADDITION, /* name_addition: 追加型式 */
    GK_CHANGE_HOLDER,        /* holder_change: 承継 / 名称変更 */
    GK_CHANGE__COUNT
} gk_change_kind;

bool gk_change_kind_parse(const char *name, gk_change_kind *out);
const char *gk_change_kind_name(gk_change_kind k);
/* The document kinds a change of this kind needs before it is submitted (a holder change:
 * the supporting document, kind `other`, e.g. the commercial registration after a merger);
 * writes up to `max` names and returns how many are needed. */
size_t gk_change_required_documents(gk_change_kind k, const char **out, size_t max);
/* Whether the holder files it as a draft first (to attach its supporting document) rather
 * than filed at once. */
bool gk_change_filed_as_draft(gk_change_kind k);

/* A change can be filed against a certificate in this status (granted only: a suspended
 * certificate is changed after its reinstatement, a revoked one never). */
bool gk_change_allowed_on(const char *certificate_status);

#endif
