/* Pure checks and formats of the accounts module: no I/O, no allocation, so they are unit
 * tested in isolation (tests/unit/test_auth_validate.c) and shared by the API and the pages. */
#ifndef GK_AUTH_VALIDATE_H
#define GK_AUTH_VALIDATE_H

#include "http/request.h"

#include <stdbool.h>
#include <stddef.h>

/* 法人番号: exactly 13 ASCII digits whose first digit is the check digit of the other 12:
 * 9 - (sum of P_n * Q_n mod 9), P_n the n-th digit counted from the right of the 12,
 * Q_n = 1 for odd n and 2 for even n (National Tax Agency rule). */
bool gk_auth_corporate_number_valid(const char *s);

/* An e-mail address as the users table accepts it: at most 254 bytes, one '@' with
 * something on each side, no blank or control characters. Deliverability is not judged. */
bool gk_auth_email_valid(const char *s);

/* A label as the gk_label domain accepts it (names, token names): not blank, at most 300
 * code points of valid UTF-8, no control characters. */
bool gk_auth_label_valid(const char *s);

/* A canonical UUID text (8-4-4-4-12 hex digits): ids from paths are checked before they
 * reach SQL, so a malformed id is a 404 like an unknown one. */
bool gk_auth_uuid_valid(const char *s);

/* Whether `next` may be used as a redirect target after sign-in: a local absolute path
 * ("/account", "/x?y=1"), never "//host", "/\host", a scheme, or control characters. */
bool gk_auth_next_is_safe(const char *next);

/* The token of an "Authorization: Bearer <token>" header (scheme case-insensitive, one
 * space), or NULL when the header is not a Bearer header carrying a well-formed token
 * (GK_TOKEN_LEN base64url characters). The result points into `header`. */
const char *gk_auth_bearer_token(const char *header);

/* Whether s has the shape of one of our tokens (43 base64url characters). */
bool gk_auth_token_shape_ok(const char *s);

/* The Set-Cookie value of the session cookie: "giteki_session=<token>; Path=/; HttpOnly;
 * SameSite=Strict" plus "; Secure" when `secure`. token NULL writes the deletion form
 * (empty value, Max-Age=0). Returns false when out is too small. */
bool gk_auth_session_cookie(char *out, size_t out_size, const char *token, bool secure);

#endif
