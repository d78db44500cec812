/* The tamper-evident audit log (schema/0010_audit_log.sql): every state change appends one
 * entry in its own transaction, and each entry's hash covers its predecessor's hash, so
 * changing, removing or re-ordering any entry breaks every hash after it.
 *
 * What is hashed (version 1): SHA-256 of the canonical JSON (RFC 8785, crypto/canonical_json.h)
 * of the object
 *   {"v": 1, "seq": n, "at": "YYYY-MM-DDTHH:MM:SS.ffffffZ", "actor": "...", "action": "...",
 *    "object": "..." | null, "detail": {...}, "prev_hash": "<64 hex>"}
 * A JSON object keeps the fields apart (no ambiguity between a NULL object and an empty one)
 * and any JCS library reproduces the bytes, so the chain can be checked without our code.
 * `detail` is stored as the exact canonical text that was hashed; `at` is microsecond-exact
 * as PostgreSQL keeps it.
 *
 * The pure part (gk_audit_hash, gk_audit_verify_entries) does no I/O and is unit-tested; the
 * database part appends inside the caller's transaction and verifies the stored chain. */
#ifndef GK_CRYPTO_AUDIT_CHAIN_H
#define GK_CRYPTO_AUDIT_CHAIN_H

#include "db/tx.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#define GK_AUDIT_HASH_LEN 32

/* One entry as stored. Strings are borrowed. object may be NULL; detail is a JSON object
 * (NULL means {}). */
typedef struct {
    long long seq;
    const char *at;     /* "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC) */
    const char *actor;  /* "user:<uuid>", "cli", "system" */
    const char *action; /* "application.assign", "certificate.grant", ... */
    const char *object; /* "application:<uuid>", "certificate:D26-0001001" */
    const json_t *detail;
    unsigned char prev_hash[GK_AUDIT_HASH_LEN];
    unsigned char hash[GK_AUDIT_HASH_LEN]; /* as stored (gk_audit_verify_entries checks it) */
} gk_audit_entry;

/* Computes the entry's hash from its fields and prev_hash (not from e->hash) into out.
 * False when the fields cannot be canonicalised (a detail with floating-point numbers,
 * invalid UTF-8) or on allocation failure. */
bool gk_audit_hash(const gk_audit_entry *e, unsigned char out[GK_AUDIT_HASH_LEN]);

/* Checks a run of consecutive entries: the first's prev_hash equals `start_prev` (32 zero
 * bytes for the start of the chain; NULL skips this check), seq increases by one, each
 * prev_hash equals the previous entry's stored hash, and each stored hash equals the
 * recomputed one. Returns the index of the first broken entry, or -1 when all hold. */
long gk_audit_verify_entries(const gk_audit_entry *entries, size_t n,
                             const unsigned char *start_prev);

/* Statements of the database part (call before gk_db_init). */
void gk_audit_register(void);

/* Appends one entry inside the caller's transaction (take the chain head FOR UPDATE, hash,
 * insert): call it as the last statement of a state change. actor_user_id may be NULL (then
 * the actor is "system"); object may be NULL; detail is borrowed (NULL = {}). Returns the
 * status of gk_tx_check (a stale head is SOFT: the runner retries). */
gk_tx_status gk_audit_append(PGconn *c, const char *actor_user_id, const char *action,
                             const char *object, const json_t *detail);

/* Like gk_audit_append with an explicit actor text ("cli", "system"). */
gk_tx_status gk_audit_append_as(PGconn *c, const char *actor, const char *actor_user_id,
                                const char *action, const char *object, const json_t *detail);

/* Verifies the whole stored chain in order, reading it in pages. On return *checked is the
 * number of entries read and *first_broken the seq of the first entry that does not verify
 * (0 when the chain is whole). Returns false only when the database could not be read. */
bool gk_audit_verify_db(PGconn *c, long long *checked, long long *first_broken, char *why,
                        size_t why_len);

#endif
