/* The statements of the signed audit checkpoints (schema/0019_roles_checkpoints.sql):
 * service/audit_checkpoints.h signs and verifies, these read and write. Hashes travel as 64
 * lower-case hex digits, times as "YYYY-MM-DDTHH:MM:SSZ". */
#ifndef GK_DB_CHECKPOINTS_H
#define GK_DB_CHECKPOINTS_H

#include "db/tx.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

void gk_db_checkpoints_register(void);

/* The chain head (unlocked): its seq (0: no entry yet) and hash, and the database's time. */
gk_tx_status gk_db_checkpoint_head(PGconn *c, long long *seq, char hash_hex[65], char now[32]);

/* Store one checkpoint; *stored is false when that seq already has one (another instance
 * signed the same head first). */
gk_tx_status gk_db_checkpoint_insert(PGconn *c, long long seq, const char *hash_hex,
                                     const char *signed_at, const char *key_id,
                                     const char *signature, bool *stored);

/* The newest `limit` checkpoints, newest first, as a JSON array of
 * {seq, hash, signed_at, key_id, signature} (a new reference). */
gk_tx_status gk_db_checkpoint_list(PGconn *c, int limit, json_t **items);

/* Every checkpoint, oldest first, each with the hash the audit log holds now at its seq
 * ("entry_hash": null when the log has no such entry): a JSON array (new reference). */
gk_tx_status gk_db_checkpoint_all(PGconn *c, json_t **items);

#endif
