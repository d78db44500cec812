/* Failed sign-ins counted per account and per client address in PostgreSQL (table
 * login_throttle), so every server instance sees the same counters. A key that reached its
 * limit within its window is locked for a window; sign-ins against it are answered 429 with
 * Retry-After before any password is checked. Only sign-ins over HTTP are counted: the
 * command line (`giteki user create`) never consults these counters.
 *
 * The decision is a pure function of the stored row (unit tested); the DB functions only
 * read and write the row. */
#ifndef GK_AUTH_THROTTLE_H
#define GK_AUTH_THROTTLE_H

#include "errors.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    long limit;    /* failures allowed in a window before the key locks */
    long window_s; /* length of the counting window and of the lock */
} gk_throttle_rule;

#define GK_THROTTLE_ACCOUNT ((gk_throttle_rule){.limit = 5, .window_s = 15 * 60})
#define GK_THROTTLE_ADDRESS ((gk_throttle_rule){.limit = 20, .window_s = 15 * 60})

/* A counter row as stored (all zero when there is none). */
typedef struct {
    long failures;
    long window_age_s; /* seconds since the window started */
    long locked_for_s; /* seconds left of a lock, 0 when not locked */
} gk_throttle_state;

/* What to write after one more failure. */
typedef struct {
    long failures;
    bool restart_window; /* the old window had passed: count from now */
    long lock_s;         /* > 0: lock the key for this many seconds from now */
} gk_throttle_update;

gk_throttle_update gk_throttle_after_failure(gk_throttle_state s, gk_throttle_rule rule);

/* Seconds a client must wait (the Retry-After value), 0 when the key is not locked. */
long gk_throttle_retry_after(gk_throttle_state s);

/* The row key for an account ("account:" + the e-mail in ASCII lower case) or an address
 * ("addr:" + text). False when the value cannot be a key (blank, control characters, too
 * long): such an e-mail cannot belong to any account, so only the address is counted. */
bool gk_throttle_key(char *out, size_t out_size, const char *kind, const char *value);

/* GK_ERR_OK when neither key (either may be NULL) is locked, GK_ERR_THROTTLED with
 * *retry_after (the longer wait) when one is, GK_ERR_UNAVAILABLE / GK_ERR_INTERNAL when the
 * database failed. */
gk_error gk_throttle_check(PGconn *c, const char *account_key, const char *addr_key,
                           long *retry_after);

/* Count one failure against each non-NULL key (one transaction). */
gk_error gk_throttle_record_failure(const char *account_key, const char *addr_key);

/* Forget the key's failures (a successful sign-in resets its account). */
gk_error gk_throttle_reset(PGconn *c, const char *key);

#endif
