/* The error catalogue (errors.def) as an enum plus lookups. Pure data, no I/O:
 * the domain may return these codes; the HTTP layer turns them into problem+json. */
#ifndef GK_ERRORS_H
#define GK_ERRORS_H

typedef enum {
#define GK_ERROR(name, code, status, en, ja) GK_ERR_##name,
#include "errors.def"
#undef GK_ERROR
    GK_ERR__COUNT
} gk_error;

/* Stable code string ("validation.failed"), never NULL for a valid enum. */
const char *gk_error_code(gk_error e);
/* HTTP status of the error. */
unsigned gk_error_status(gk_error e);
/* Title in the language "ja" or anything else (English). */
const char *gk_error_title(gk_error e, const char *lang);

#endif
