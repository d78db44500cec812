/* Signed audit checkpoints (issue 18 item 15): the audit chain's head (crypto/audit_chain.h),
 * signed with the active Ed25519 key of crypto/sign.h, stored in audit_checkpoints and
 * published. Whoever can write the tables as their owner can rewrite the whole chain with
 * every hash recomputed, which the chain check alone cannot tell; they cannot sign the new
 * head, so gk_svc_audit_checkpoints_verify finds the log's hash at a checkpoint's seq
 * differing from the signed one.
 *
 * The signed text (UTF-8, no trailing newline):
 *   giteki-audit-checkpoint:v1:<seq>:<hash, 64 lower-case hex>:<signed_at YYYY-MM-DDTHH:MM:SSZ>
 * so anyone with the public keys (GET /api/v1/signing-keys) can check a published checkpoint
 * without our code. */
#ifndef GK_SERVICE_AUDIT_CHECKPOINTS_H
#define GK_SERVICE_AUDIT_CHECKPOINTS_H

#include "crypto/sign.h"
#include "service/service.h"

#include <libpq-fe.h>
#include <stddef.h>

#define GK_CHECKPOINTS_LISTED 100

void gk_svc_audit_checkpoints_register(void);

/* The signed text of a checkpoint into buf (cap bytes); its length, or 0 when it does not fit. */
size_t gk_audit_checkpoint_text(char *buf, size_t cap, long long seq, const char *hash_hex,
                                const char *signed_at);

/* Sign the chain head now, unless it has a checkpoint already or the chain is empty.
 * *made is the new checkpoint's JSON object (new reference) or NULL when nothing was signed.
 * False when the database or the key failed (logged). */
bool gk_svc_audit_checkpoint_make(PGconn *c, gk_keystore *ks, json_t **made);

/* GET /api/v1/audit/checkpoints (public): {"items": the newest GK_CHECKPOINTS_LISTED,
 * newest first, "next": null, "signature": how they are signed}. */
void gk_svc_audit_checkpoints_list(const gk_call *call, gk_outcome *out);

/* Check every stored checkpoint: its signature (by the key it names, from ks) and that the
 * audit log still holds the signed hash at its seq. *checked: checkpoints read; *bad_seq:
 * the seq of the first that fails (0: none), why says how. False when the database could
 * not be read. */
bool gk_svc_audit_checkpoints_verify(PGconn *c, gk_keystore *ks, long long *checked,
                                     long long *bad_seq, char *why, size_t why_len);

/* Check a copy of the published list kept elsewhere (the body of GET
 * /api/v1/audit/checkpoints, or just its items array): each of its checkpoints must verify by
 * its signature, still be stored, and the log must hold its hash at its seq. Finds what the
 * database alone cannot show: checkpoints deleted, with the chain, by the tables' owner.
 * Same results as gk_svc_audit_checkpoints_verify. */
bool gk_svc_audit_checkpoints_verify_copy(PGconn *c, gk_keystore *ks, const json_t *copy,
                                          long long *checked, long long *bad_seq, char *why,
                                          size_t why_len);

#endif
