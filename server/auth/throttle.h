/* Sign-in and sign-up throttling, counted in PostgreSQL (table login_throttle) so every
 * server instance sees the same counters. Only requests over HTTP are counted: the command
 * line (`giteki user create`) never consults these counters.
 *
 * Failed sign-ins count against two keys: the pair (account, client address) and the client
 * address alone. The pair gets growing delays (GK_THROTTLE_PAIR: after `limit` failures the
 * pair waits base_s, then twice that after each further failure, at most window_s), so a
 * stranger guessing from elsewhere never locks the owner out of their account; the address
 * alone is locked for a window after many failures on any accounts. Requests against a
 * waiting key are answered 429 with Retry-After before any password is checked.
 *
 * Attempts (successful or not) of sign-up and sign-in are also counted per client address in
 * fixed windows (gk_throttle_hit), so one address cannot make the server hash without end.
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
    long limit;    /* failures allowed in a window before the key waits */
    long window_s; /* length of the counting window and of the longest wait */
    long base_s;   /* 0: the limit-th failure locks for window_s; else the first wait, doubled
                    * after each further failure (at most window_s) */
} gk_throttle_rule;

#define GK_THROTTLE_PAIR ((gk_throttle_rule){.limit = 5, .window_s = 15 * 60, .base_s = 30})
#define GK_THROTTLE_ADDRESS ((gk_throttle_rule){.limit = 20, .window_s = 15 * 60, .base_s = 0})

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

/* The row key kind + ":" + value, value in ASCII lower case (e-mail addresses arrive already
 * folded: gk_auth_email_normalize). Kinds: "pair" (value "<e-mail> <address>" is built by
 * gk_throttle_pair_key), "addr", "signup", "signin". False when the value cannot be a key
 * (blank, control characters or spaces, longer than 254 bytes): such an e-mail cannot belong
 * to any account, so only the address is counted. */
bool gk_throttle_key(char *out, size_t out_size, const char *kind, const char *value);
/* "pair:<e-mail>/<address>"; false as above when either cannot be part of a key. */
bool gk_throttle_pair_key(char *out, size_t out_size, const char *email, const char *addr);

/* GK_ERR_OK when neither key (either may be NULL) is waiting, GK_ERR_THROTTLED with
 * *retry_after (the longer wait) when one is, GK_ERR_UNAVAILABLE / GK_ERR_INTERNAL when the
 * database failed. */
gk_error gk_throttle_check(PGconn *c, const char *pair_key, const char *addr_key,
                           long *retry_after);

/* Count one failure against each non-NULL key (one transaction): the pair with
 * GK_THROTTLE_PAIR, the address with GK_THROTTLE_ADDRESS. */
gk_error gk_throttle_record_failure(const char *pair_key, const char *addr_key);

/* Count one attempt against key in fixed windows of window_s: GK_ERR_THROTTLED with
 * *retry_after (the rest of the window) when this is more than `limit` in the window. */
gk_error gk_throttle_hit(PGconn *c, const char *key, long limit, long window_s, long *retry_after);

/* Forget the key's failures (a successful sign-in resets its account). */
gk_error gk_throttle_reset(PGconn *c, const char *key);

#endif
