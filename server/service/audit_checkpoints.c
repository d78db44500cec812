#include "service/audit_checkpoints.h"

#include "db/checkpoints.h"
#include "db/db.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_svc_audit_checkpoints_register(void)
{
    gk_db_checkpoints_register();
}

size_t gk_audit_checkpoint_text(char *buf, size_t cap, long long seq, const char *hash_hex,
                                const char *signed_at)
{
    int n = snprintf(buf, cap, "giteki-audit-checkpoint:v1:%lld:%s:%s", seq, hash_hex, signed_at);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

bool gk_svc_audit_checkpoint_make(PGconn *c, gk_keystore *ks, json_t **made)
{
    *made = NULL;
    long long seq = 0;
    char hash[65], now[32], text[160];
    if (!c || !ks || gk_db_checkpoint_head(c, &seq, hash, now) != GK_TX_OK) return false;
    if (seq == 0) return true; /* nothing to sign yet */
    size_t len = gk_audit_checkpoint_text(text, sizeof text, seq, hash, now);
    char *sig = NULL;
    const char *key_id = NULL;
    if (!len || !gk_keystore_sign(ks, (const unsigned char *)text, len, &sig, &key_id)) {
        gk_log("error", "cannot sign an audit checkpoint", NULL);
        return false;
    }
    bool stored = false;
    gk_tx_status s = gk_db_checkpoint_insert(c, seq, hash, now, key_id, sig, &stored);
    if (s == GK_TX_OK && stored)
        *made = json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)seq, "hash", hash,
                          "signed_at", now, "key_id", key_id, "signature", sig);
    free(sig);
    return s == GK_TX_OK;
}

void gk_svc_audit_checkpoints_list(const gk_call *call, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    json_t *items = NULL;
    gk_tx_status s = gk_db_checkpoint_list(gk_db_read_conn(), GK_CHECKPOINTS_LISTED, &items);
    if (s != GK_TX_OK) {
        gk_fail(out, call, gk_tx_error(s), NULL, NULL);
        return;
    }
    out->view =
        json_pack("{s:o, s:n, s:s}", "items", items ? items : json_array(), "next", "signature",
                  "Ed25519 (GET /api/v1/signing-keys) over the UTF-8 text "
                  "giteki-audit-checkpoint:v1:<seq>:<hash>:<signed_at>; signatures are "
                  "base64url without padding");
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

bool gk_svc_audit_checkpoints_verify(PGconn *c, gk_keystore *ks, long long *checked,
                                     long long *bad_seq, char *why, size_t why_len)
{
    *checked = 0;
    *bad_seq = 0;
    why[0] = 0;
    json_t *all = NULL;
    if (!c || gk_db_checkpoint_all(c, &all) != GK_TX_OK) return false;
    size_t i;
    json_t *k;
    json_array_foreach(all, i, k)
    {
        long long seq = (long long)json_integer_value(json_object_get(k, "seq"));
        const char *hash = json_string_value(json_object_get(k, "hash"));
        const char *at = json_string_value(json_object_get(k, "signed_at"));
        const char *key_id = json_string_value(json_object_get(k, "key_id"));
        const char *sig = json_string_value(json_object_get(k, "signature"));
        const char *entry = json_string_value(json_object_get(k, "entry_hash"));
        char text[160];
        size_t len = hash && at ? gk_audit_checkpoint_text(text, sizeof text, seq, hash, at) : 0;
        (*checked)++;
        if (!len || !key_id || !sig || !ks ||
            !gk_keystore_verify(ks, key_id, (const unsigned char *)text, len, sig)) {
            snprintf(why, why_len, "the signature of checkpoint %lld does not verify (key %s)", seq,
                     key_id ? key_id : "?");
        } else if (!entry) {
            snprintf(why, why_len, "the audit log has no entry %lld, which checkpoint %lld signed",
                     seq, seq);
        } else if (strcmp(entry, hash) != 0) {
            snprintf(
                why, why_len,
                "entry %lld has hash %.16s..., but checkpoint %lld (signed %s) signed %.16s...:"
                " the chain was rewritten",
                seq, entry, seq, at, hash);
        } else {
            continue;
        }
        *bad_seq = seq;
        break;
    }
    json_decref(all);
    return true;
}

bool gk_svc_audit_checkpoints_verify_copy(PGconn *c, gk_keystore *ks, const json_t *copy,
                                          long long *checked, long long *bad_seq, char *why,
                                          size_t why_len)
{
    *checked = 0;
    *bad_seq = 0;
    why[0] = 0;
    const json_t *items = json_is_array(copy) ? copy : json_object_get(copy, "items");
    json_t *all = NULL;
    if (!c || !json_is_array(items) || gk_db_checkpoint_all(c, &all) != GK_TX_OK) return false;
    size_t i, j;
    json_t *k, *s;
    json_array_foreach(items, i, k)
    {
        long long seq = (long long)json_integer_value(json_object_get(k, "seq"));
        const char *hash = json_string_value(json_object_get(k, "hash"));
        const char *at = json_string_value(json_object_get(k, "signed_at"));
        const char *key_id = json_string_value(json_object_get(k, "key_id"));
        const char *sig = json_string_value(json_object_get(k, "signature"));
        char text[160];
        size_t len = hash && at ? gk_audit_checkpoint_text(text, sizeof text, seq, hash, at) : 0;
        (*checked)++;
        const json_t *stored = NULL;
        json_array_foreach(all, j, s)
        {
            if (json_integer_value(json_object_get(s, "seq")) == seq) stored = s;
        }
        const char *stored_hash = json_string_value(json_object_get(stored, "hash"));
        const char *entry = json_string_value(json_object_get(stored, "entry_hash"));
        if (!len || !key_id || !sig || !ks ||
            !gk_keystore_verify(ks, key_id, (const unsigned char *)text, len, sig)) {
            snprintf(why, why_len,
                     "the copy's checkpoint %lld does not verify (key %s): not a checkpoint we "
                     "signed",
                     seq, key_id ? key_id : "?");
        } else if (!stored) {
            snprintf(why, why_len,
                     "checkpoint %lld (signed %s) is in the copy but no longer in the database: "
                     "checkpoints were deleted",
                     seq, at);
        } else if (!stored_hash || strcmp(stored_hash, hash) != 0) {
            snprintf(why, why_len, "checkpoint %lld differs from the copy's", seq);
        } else if (!entry || strcmp(entry, hash) != 0) {
            snprintf(why, why_len,
                     "entry %lld no longer has the hash the copy's checkpoint signed (%.16s...): "
                     "the chain was rewritten",
                     seq, hash);
        } else {
            continue;
        }
        *bad_seq = seq ? seq : -1;
        break;
    }
    json_decref(all);
    return true;
}
