/* Passwords too weak to accept whatever their length (issue 18 item 9): blank, made of a
 * few characters repeated, or one of the most common passwords with digits or symbols
 * around it ("password1234", "qwerty!2024"). Pure: crypto/password.c adds the check against
 * libcrack2's dictionary and calls this first. */
#ifndef GK_DOMAIN_PASSWORD_STRENGTH_H
#define GK_DOMAIN_PASSWORD_STRENGTH_H

#include <stddef.h>

/* Fewer distinct characters than this is "repetitive" (libcrack2's MINDIFF). */
#define GK_PASSWORD_MIN_DISTINCT 5

/* NULL when pw (valid UTF-8, len bytes) is none of the above; else the message key saying
 * why: password.blank, password.repetitive or password.common. */
const char *gk_password_weakness(const char *pw, size_t len);

/* The list of common passwords (lower case, without digits or symbols around them), for
 * the unit test. */
extern const char *const gk_common_passwords[];
extern const size_t gk_common_passwords_count;

#endif
