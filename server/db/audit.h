/* The statements of the audit log (table audit_log and its chain head): crypto/audit_chain.h
 * hashes and verifies, these read and write. Hashes travel as 64 lower-case hex digits. */
#ifndef GK_DB_AUDIT_H
#define GK_DB_AUDIT_H

#include "db/tx.h"

#include <libpq-fe.h>
#include <stddef.h>

#define GK_DB_AUDIT_PAGE 1000

void gk_db_audit_register(void);

/* Lock the chain head (inside the caller's transaction): its seq and hash, and the time the
 * next entry carries ("YYYY-MM-DDTHH:MM:SS.ffffffZ", UTC). */
gk_tx_status gk_db_audit_head_lock(PGconn *c, long long *seq, char hash_hex[65], char at[40]);

/* Insert one entry (detail_text: the canonical JSON that was hashed). */
gk_tx_status gk_db_audit_insert(PGconn *c, long long seq, const char *at, const char *actor,
                                const char *actor_user_id, const char *action, const char *object,
                                const char *detail_text, const char *prev_hex,
                                const char *hash_hex);

/* One page of entries after seq `after`, in order, at most GK_DB_AUDIT_PAGE. Strings live
 * until gk_db_audit_page_free; object is NULL when the entry has none. */
typedef struct {
    long long seq;
    const char *at, *actor, *action, *object, *detail, *prev_hex, *hash_hex;
} gk_db_audit_row;

typedef struct {
    gk_db_audit_row *rows;
    size_t n;
    PGresult *res;
} gk_db_audit_page;

gk_tx_status gk_db_audit_read_page(PGconn *c, long long after, gk_db_audit_page *out);
void gk_db_audit_page_free(gk_db_audit_page *p);

/* The chain head's seq, unlocked. */
gk_tx_status gk_db_audit_head_seq(PGconn *c, long long *seq);

#endif
