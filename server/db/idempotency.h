/* The stored first responses of Idempotency-Key requests (table idempotency_keys): the
 * statements behind http/idempotency.h, which decides what a lookup means. */
#ifndef GK_DB_IDEMPOTENCY_H
#define GK_DB_IDEMPOTENCY_H

#include "db/tx.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#define GK_DB_IDEM_HASH_LEN 32

/* One stored response. The strings live until gk_db_idem_row_free. */
typedef struct {
    bool found;
    unsigned char hash[GK_DB_IDEM_HASH_LEN];
    size_t hash_len; /* 0 when the stored hash is unreadable (never matches) */
    unsigned status;
    const char *content_type, *location, *body; /* location NULL when none */
    PGresult *res;
} gk_db_idem_row;

void gk_db_idem_register(void);

/* The response stored for (user, key); out->found false when none. */
gk_tx_status gk_db_idem_get(PGconn *c, const char *user_id, const char *key, gk_db_idem_row *out);
void gk_db_idem_row_free(gk_db_idem_row *row);

/* Store a JSON response. A concurrent first use of the same key is GK_TX_SOFT (the runner
 * retries, and the retry finds the winner's response). */
gk_tx_status gk_db_idem_put(PGconn *c, const char *user_id, const char *key,
                            const unsigned char hash[GK_DB_IDEM_HASH_LEN], unsigned status,
                            const char *location, const char *body);

#endif
