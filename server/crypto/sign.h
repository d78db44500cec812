/* Ed25519 signing keys kept in a folder (certificate signatures, GET /api/v1/signing-keys).
 *
 * The folder (created 0700 if missing) holds one PEM PKCS#8 private key per file, mode 0600,
 * named <key_id>.pem, where key_id is the first 16 hex characters of SHA-256 of the raw
 * 32-byte public key. A file named "current" holds the key id of the active signing key; when
 * it is absent the newest key file (mtime, then key id) is active. Older keys stay loaded so
 * that old signatures still verify and the public-key listing keeps them.
 *
 * Opening a folder without keys generates the first one. Generation and rotation hold an
 * exclusive flock on "<dir>/.lock", so several server instances sharing the folder (or
 * several opens in one process) never both create a key: the second waits, then finds the
 * first one's key. Keys are written to a temporary file, fsync'd and renamed into place, so
 * a crash never leaves a half-written key under a real name.
 *
 * Refused at open (fail loudly at start, not at the first signature): a key file readable or
 * writable by group or others, a folder writable by group or others, a *.pem that is not an
 * Ed25519 private key or whose name is not its key id, a "current" naming a key that is not
 * there. Files whose name is not <16 hex>.pem are ignored.
 *
 * created_at of a key is its file's modification time. A new key's file gets a time later than
 * every key file already there (file times are coarse and clocks of instances differ), so
 * "newest" really is the most recently created.
 *
 * Thread-safety: sign, verify and public_keys may run concurrently from any threads;
 * rotate and reload may too (they take the store's write lock). Signatures and public keys
 * are base64url without padding (RFC 4648 section 5). */
#ifndef GK_CRYPTO_SIGN_H
#define GK_CRYPTO_SIGN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define GK_SIGN_KEY_ID_LEN 16     /* hex characters */
#define GK_SIGN_SIGNATURE_LEN 64  /* raw Ed25519 signature bytes */
#define GK_SIGN_PUBLIC_KEY_LEN 32 /* raw Ed25519 public key bytes */

typedef struct gk_keystore gk_keystore;

/* Opens (creating the folder and a first key when needed) the key store in dir. On failure
 * returns NULL and, when err is not NULL, sets *err to a malloc'd English sentence the caller
 * frees (or NULL if even that allocation failed). */
gk_keystore *gk_keystore_open(const char *dir, char **err);

/* Releases everything; key ids handed out become invalid. NULL is accepted. */
void gk_keystore_close(gk_keystore *ks);

/* Signs msg with the active key. On success *sig_b64 is a malloc'd base64url signature the
 * caller frees and *key_id points at the signing key's id, owned by the store and valid until
 * gk_keystore_close (keys are never unloaded while open). False on OpenSSL or allocation
 * failure. */
bool gk_keystore_sign(gk_keystore *ks, const unsigned char *msg, size_t len, char **sig_b64,
                      const char **key_id);

/* True only when sig_b64 is a well-formed signature of msg by the loaded key key_id. Unknown
 * key ids and malformed signatures are simply false. */
bool gk_keystore_verify(gk_keystore *ks, const char *key_id, const unsigned char *msg, size_t len,
                        const char *sig_b64);

/* New reference to a JSON array, newest key first, of
 *   {"key_id", "algorithm": "Ed25519", "public_key": base64url of the raw 32 bytes,
 *    "created_at": "YYYY-MM-DDTHH:MM:SSZ", "active": bool}
 * The caller owns it (json_decref). NULL on allocation failure. */
json_t *gk_keystore_public_keys(gk_keystore *ks);

/* Id of the active key, owned by the store, valid until gk_keystore_close. */
const char *gk_keystore_active_key_id(gk_keystore *ks);

/* Generates a new key, writes it, marks it current and makes it the active signing key; the
 * previous keys stay for verification. False (and *err as for open) on failure, in which case
 * the active key is unchanged. */
bool gk_keystore_rotate(gk_keystore *ks, char **err);

/* Loads keys that another instance added to the folder and re-reads "current", so instances
 * sharing the folder converge after a rotation (call it on SIGHUP, say). Keys already loaded
 * stay. False (and *err) when the folder cannot be read; the store is then unchanged. */
bool gk_keystore_reload(gk_keystore *ks, char **err);

#endif
