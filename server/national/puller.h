/* The aggregator's puller (issue 17, "one national view"): with GITEKI_AGGREGATE set,
 * `giteki serve` runs one thread per configured certification body. Each thread, every
 * GITEKI_AGGREGATE_INTERVAL seconds, reads the body's pinned signing keys from its
 * /api/v1/signing-keys (a key is used only when its id is pinned and is the SHA-256 of the
 * key it names), walks the body's Atom feed newest first down to its stored position (less an
 * overlap window, so an event committed late is not missed), verifies every new entry's
 * Ed25519 signature and payload, and stores it (service/national.h) or refuses it (never
 * stored; listed in national_rejections, logged, counted in /metrics). A pull that fails
 * half-way does not move the position, so the next one resumes; entries already accepted are
 * skipped. Bodies are pulled independently: a body that is down or slow delays only its own
 * thread. */
#ifndef GK_NATIONAL_PULLER_H
#define GK_NATIONAL_PULLER_H

#include <stdbool.h>
#include <stdio.h>

/* The parsed GITEKI_AGGREGATE value: "CODE=BASE_URL=KEYID[,KEYID...];..." (CODE three digits,
 * BASE_URL http(s)://host[:port][/prefix] without a trailing slash, KEYID 16 hex digits).
 * Returns the number of bodies, or -1 with *err (malloc'd English sentence). */
typedef struct gk_national_config gk_national_config;
int gk_national_config_parse(const char *spec, gk_national_config **out, char **err);
void gk_national_config_free(gk_national_config *c);

/* Starts the threads (after gk_db_init); false with *err on failure. interval_s: seconds
 * between pulls of one body; timeout_s: the longest one HTTP request may take. */
bool gk_national_start(gk_national_config *c, unsigned interval_s, unsigned timeout_s, char **err);
/* Stops and joins the threads (a pull in progress ends at its next request); frees c. */
void gk_national_stop(void);

/* The per-body series of /metrics (nothing when not an aggregator). */
void gk_national_metrics_write(FILE *out);

/* Whether this process is an aggregator. */
bool gk_national_enabled(void);

/* Ed25519 over msg with a raw 32-byte public key given in base64url (as /api/v1/signing-keys
 * publishes it), and whether key_id (16 hex digits) is the first 8 bytes of its SHA-256. */
bool gk_national_key_matches_id(const char *public_key_b64, const char *key_id,
                                unsigned char raw[32]);
bool gk_national_verify(const unsigned char raw_key[32], const unsigned char *msg, size_t len,
                        const char *sig_b64);

#endif
