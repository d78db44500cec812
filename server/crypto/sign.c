#include "crypto/sign.h"

#include "crypto/base64.h"
#include "crypto/token.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CURRENT_FILE "current"
#define LOCK_FILE ".lock"
#define MAX_KEY_FILE 8192 /* a PEM Ed25519 key is about 120 bytes */

typedef struct {
    char key_id[GK_SIGN_KEY_ID_LEN + 1];
    EVP_PKEY *pkey;
    unsigned char pub[GK_SIGN_PUBLIC_KEY_LEN];
    struct timespec mtime;
} key_entry;

/* Entries are allocated one by one and never freed before close, so a key_entry pointer (and
 * its key_id) stays valid without the lock; the lock guards the array and `active`. */
struct gk_keystore {
    char *dir;
    pthread_rwlock_t lock;
    key_entry **keys; /* newest first */
    size_t count;
    key_entry *active;
};

typedef struct {
    key_entry **items;
    size_t count;
} key_list;

__attribute__((format(printf, 2, 3))) static void set_err(char **err, const char *fmt, ...)
{
    if (!err || *err) /* keep the first, most specific message */
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(err, fmt, ap) < 0) *err = NULL;
    va_end(ap);
}

static void entry_free(key_entry *k)
{
    if (k) {
        EVP_PKEY_free(k->pkey);
        free(k);
    }
}

static void list_free(key_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        entry_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static bool list_push(key_list *l, key_entry *k)
{
    key_entry **items = realloc(l->items, (l->count + 1) * sizeof *items);
    if (!items) return false;
    items[l->count++] = k;
    l->items = items;
    return true;
}

static bool is_hex_id(const char *s, size_t len)
{
    if (len != GK_SIGN_KEY_ID_LEN) return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
}

/* "<16 hex>.pem" */
static bool is_key_file_name(const char *name)
{
    size_t n = strlen(name);
    return n == GK_SIGN_KEY_ID_LEN + 4 && is_hex_id(name, GK_SIGN_KEY_ID_LEN) &&
           strcmp(name + GK_SIGN_KEY_ID_LEN, ".pem") == 0;
}

static char *path_join(const char *dir, const char *name)
{
    char *p = NULL;
    return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* Fills the public key and the key id derived from it. */
static bool entry_describe(key_entry *k)
{
    size_t len = sizeof k->pub;
    unsigned char digest[GK_SHA256_LEN];
    return EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &len) == 1 && len == sizeof k->pub &&
           gk_sha256(k->pub, sizeof k->pub, digest) &&
           gk_hex_encode(digest, GK_SIGN_KEY_ID_LEN / 2, k->key_id, sizeof k->key_id);
}

/* Refuses to prompt on the terminal for an encrypted key: such a file is an error. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    return -1;
}

/* Reads a whole small file (at most max bytes) opened as fd; *mode and *mtime from fstat. */
static unsigned char *read_small_file(int fd, size_t max, size_t *len, struct stat *st)
{
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || (size_t)st->st_size > max) return NULL;
    unsigned char *buf = malloc(max + 1);
    if (!buf) return NULL;
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, max + 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            free(buf);
            return NULL;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > max) {
            OPENSSL_cleanse(buf, n);
            free(buf);
            return NULL;
        }
    }
    *len = n;
    return buf;
}

static key_entry *load_key_file(const char *dir, const char *name, char **err)
{
    char *path = path_join(dir, name);
    if (!path) {
        set_err(err, "out of memory");
        return NULL;
    }
    key_entry *k = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    size_t len = 0;
    unsigned char *pem = fd >= 0 ? read_small_file(fd, MAX_KEY_FILE, &len, &st) : NULL;
    if (fd >= 0) close(fd);
    if (!pem) {
        set_err(err, "cannot read signing key %s (not a small regular file?)", path);
        goto out;
    }
    if (st.st_mode & 077) {
        set_err(err, "signing key %s is accessible by group or others (mode %03o); make it 0600",
                path, (unsigned)(st.st_mode & 0777));
        goto out;
    }
    k = calloc(1, sizeof *k);
    BIO *bio = k ? BIO_new_mem_buf(pem, (int)len) : NULL;
    if (bio) k->pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, no_passphrase, NULL, NULL, NULL);
    BIO_free(bio);
    if (!k || !k->pkey || !EVP_PKEY_is_a(k->pkey, "ED25519") || !entry_describe(k)) {
        set_err(err, "%s is not an unencrypted PEM Ed25519 private key", path);
        entry_free(k);
        k = NULL;
        goto out;
    }
    if (strncmp(name, k->key_id, GK_SIGN_KEY_ID_LEN) != 0) {
        set_err(err, "signing key %s holds key %s: its file name must be %s.pem", path, k->key_id,
                k->key_id);
        entry_free(k);
        k = NULL;
        goto out;
    }
    k->mtime = st.st_mtim;
out:
    if (pem) {
        OPENSSL_cleanse(pem, len);
        free(pem);
    }
    free(path);
    return k;
}

/* Reads the key id in "current" into id. Returns 1 when present, 0 when absent, -1 on error. */
static int read_current(const char *dir, char id[GK_SIGN_KEY_ID_LEN + 1], char **err)
{
    char *path = path_join(dir, CURRENT_FILE);
    if (!path) {
        set_err(err, "out of memory");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        free(path);
        return 0;
    }
    struct stat st;
    size_t len = 0;
    unsigned char *text = fd >= 0 ? read_small_file(fd, 64, &len, &st) : NULL;
    if (fd >= 0) close(fd);
    while (text && len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    int rc = 1;
    if (!text || !is_hex_id((const char *)text, len)) {
        set_err(err, "%s must hold one key id (16 lower-case hex characters)", path);
        rc = -1;
    } else {
        memcpy(id, text, GK_SIGN_KEY_ID_LEN);
        id[GK_SIGN_KEY_ID_LEN] = '\0';
    }
    free(text);
    free(path);
    return rc;
}

/* The key whose id is the first GK_SIGN_KEY_ID_LEN characters at id (callers check the length). */
static key_entry *find_key(key_entry **keys, size_t count, const char *id)
{
    for (size_t i = 0; i < count; i++)
        if (memcmp(keys[i]->key_id, id, GK_SIGN_KEY_ID_LEN) == 0) return keys[i];
    return NULL;
}

static int newest_first(const void *pa, const void *pb)
{
    const key_entry *a = *(key_entry *const *)pa, *b = *(key_entry *const *)pb;
    if (a->mtime.tv_sec != b->mtime.tv_sec) return a->mtime.tv_sec > b->mtime.tv_sec ? -1 : 1;
    if (a->mtime.tv_nsec != b->mtime.tv_nsec) return a->mtime.tv_nsec > b->mtime.tv_nsec ? -1 : 1;
    return -strcmp(a->key_id, b->key_id);
}

/* Reads the folder: loads key files not loaded yet into *fresh, and the current marker.
 * *has_current tells whether "current" exists. False (with *err) on any bad file. */
static bool scan_folder(gk_keystore *ks, key_list *fresh, char current[GK_SIGN_KEY_ID_LEN + 1],
                        bool *has_current, char **err)
{
    DIR *d = opendir(ks->dir);
    if (!d) {
        set_err(err, "cannot read signing key folder %s: %s", ks->dir, strerror(errno));
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (errno = 0, e = readdir(d))) {
        if (!is_key_file_name(e->d_name)) continue;
        pthread_rwlock_rdlock(&ks->lock);
        bool known = find_key(ks->keys, ks->count, e->d_name) != NULL ||
                     find_key(fresh->items, fresh->count, e->d_name) != NULL;
        pthread_rwlock_unlock(&ks->lock);
        if (known) continue;
        key_entry *k = load_key_file(ks->dir, e->d_name, err);
        if (!k || !list_push(fresh, k)) {
            if (k) set_err(err, "out of memory");
            entry_free(k);
            ok = false;
        }
    }
    if (ok && errno != 0) {
        set_err(err, "cannot list signing key folder %s: %s", ks->dir, strerror(errno));
        ok = false;
    }
    closedir(d);
    if (!ok) return false;
    int rc = read_current(ks->dir, current, err);
    *has_current = rc == 1;
    return rc >= 0;
}

/* Adds the freshly loaded keys to the store and picks the active key: the one "current" names,
 * else the newest. Takes ownership of fresh's entries on success only. */
static bool install(gk_keystore *ks, key_list *fresh, const char *current, bool has_current,
                    char **err)
{
    pthread_rwlock_wrlock(&ks->lock);
    bool ok = false;
    key_entry *active = NULL;
    if (has_current) {
        active = find_key(ks->keys, ks->count, current);
        if (!active) active = find_key(fresh->items, fresh->count, current);
        if (!active) {
            set_err(err, "%s/" CURRENT_FILE " names key %s, which is not in the folder", ks->dir,
                    current);
            goto out;
        }
    }
    if (ks->count + fresh->count == 0) {
        set_err(err, "no signing key in %s", ks->dir);
        goto out;
    }
    key_entry **keys = realloc(ks->keys, (ks->count + fresh->count) * sizeof *keys);
    if (!keys) {
        set_err(err, "out of memory");
        goto out;
    }
    ks->keys = keys;
    if (fresh->count) memcpy(ks->keys + ks->count, fresh->items, fresh->count * sizeof *keys);
    ks->count += fresh->count;
    free(fresh->items);
    fresh->items = NULL;
    fresh->count = 0;
    qsort(ks->keys, ks->count, sizeof *ks->keys, newest_first);
    ks->active = active ? active : ks->keys[0];
    ok = true;
out:
    pthread_rwlock_unlock(&ks->lock);
    return ok;
}

static bool fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

/* Writes data to dir/name through a 0600 temporary file, fsync and rename: readers see either
 * nothing or the whole file. */
static bool write_atomically(const char *dir, const char *name, const void *data, size_t len,
                             const struct timespec *mtime, char **err)
{
    char *tmp = NULL, *path = path_join(dir, name);
    if (!path || asprintf(&tmp, "%s/.tmp-XXXXXX", dir) < 0) {
        free(path);
        set_err(err, "out of memory");
        return false;
    }
    int fd = mkstemp(tmp);
    bool ok = fd >= 0 && fchmod(fd, 0600) == 0;
    const char *p = data;
    for (size_t done = 0; ok && done < len;) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        ok = w > 0;
        if (ok) done += (size_t)w;
    }
    if (ok && mtime) {
        struct timespec times[2] = {*mtime, *mtime};
        ok = futimens(fd, times) == 0;
    }
    ok = ok && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0) ok = false;
    ok = ok && rename(tmp, path) == 0 && fsync_dir(dir);
    if (!ok) {
        set_err(err, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) unlink(tmp);
    }
    free(tmp);
    free(path);
    return ok;
}

static bool later(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec != b->tv_sec ? a->tv_sec > b->tv_sec : a->tv_nsec > b->tv_nsec;
}

/* The modification time for a new key: now, or just after the newest key file in the folder
 * when that is not earlier (file times are only as fine as the kernel tick, and clocks of
 * instances may differ), so "newest by mtime" orders keys as they were created. Called with
 * the folder locked. */
static struct timespec creation_time(const char *dir)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0) close(dfd);
        return t;
    }
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d))) {
        if (is_key_file_name(e->d_name) && fstatat(dfd, e->d_name, &st, 0) == 0 &&
            !later(&t, &st.st_mtim)) {
            t = st.st_mtim;
            if (++t.tv_nsec == 1000000000) t.tv_sec++, t.tv_nsec = 0;
        }
    }
    closedir(d);
    return t;
}

/* Creates a key, writes <key_id>.pem and returns its entry. Called with the folder locked. */
static key_entry *generate_key(const char *dir, char **err)
{
    key_entry *k = calloc(1, sizeof *k);
    if (k) k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!k || !k->pkey || !entry_describe(k)) {
        set_err(err, "cannot generate an Ed25519 key");
        entry_free(k);
        return NULL;
    }
    /* Secure-memory BIO: its buffer is cleansed when freed. */
    BIO *bio = BIO_new(BIO_s_secmem());
    char *data = NULL;
    long len = 0;
    bool ok = bio && PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) == 1 &&
              (len = BIO_get_mem_data(bio, &data)) > 0;
    char name[GK_SIGN_KEY_ID_LEN + 5];
    snprintf(name, sizeof name, "%s.pem", k->key_id);
    if (!ok) set_err(err, "cannot encode the new signing key");
    struct timespec mtime = creation_time(dir);
    ok = ok && write_atomically(dir, name, data, (size_t)len, &mtime, err);
    BIO_free(bio);
    if (!ok) {
        entry_free(k);
        return NULL;
    }
    k->mtime = mtime;
    return k;
}

static bool write_current(const char *dir, const char *key_id, char **err)
{
    char line[GK_SIGN_KEY_ID_LEN + 2];
    int n = snprintf(line, sizeof line, "%s\n", key_id);
    return write_atomically(dir, CURRENT_FILE, line, (size_t)n, NULL, err);
}

/* Exclusive flock on dir/.lock, shared with every process using the folder; -1 on error. */
static int lock_folder(const char *dir, char **err)
{
    char *path = path_join(dir, LOCK_FILE);
    int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
    if (fd >= 0) {
        int rc;
        while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
            ;
        if (rc != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) set_err(err, "cannot lock %s: %s", path ? path : dir, strerror(errno));
    free(path);
    return fd;
}

static void unlock_folder(int fd)
{
    flock(fd, LOCK_UN);
    close(fd);
}

static bool prepare_folder(const char *dir, char **err)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        set_err(err, "cannot create signing key folder %s: %s", dir, strerror(errno));
        return false;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        set_err(err, "signing key folder %s is not a folder", dir);
        return false;
    }
    if (st.st_mode & 022) {
        set_err(err, "signing key folder %s is writable by group or others (mode %03o)", dir,
                (unsigned)(st.st_mode & 0777));
        return false;
    }
    return true;
}

gk_keystore *gk_keystore_open(const char *dir, char **err)
{
    if (err) *err = NULL;
    gk_keystore *ks = calloc(1, sizeof *ks);
    if (!ks || !(ks->dir = strdup(dir)) || pthread_rwlock_init(&ks->lock, NULL) != 0) {
        if (ks) free(ks->dir);
        free(ks);
        set_err(err, "out of memory");
        return NULL;
    }
    if (!prepare_folder(dir, err)) {
        gk_keystore_close(ks);
        return NULL;
    }
    int lock_fd = lock_folder(dir, err);
    if (lock_fd < 0) {
        gk_keystore_close(ks);
        return NULL;
    }
    key_list fresh = {0};
    char current[GK_SIGN_KEY_ID_LEN + 1] = "";
    bool has_current = false;
    bool ok = scan_folder(ks, &fresh, current, &has_current, err);
    if (ok && fresh.count == 0 && !has_current) { /* first start: create the first key */
        key_entry *k = generate_key(dir, err);
        ok = k && list_push(&fresh, k) && write_current(dir, k->key_id, err);
        if (k && !ok && fresh.count == 0) { /* not owned by fresh: the push failed */
            set_err(err, "out of memory");
            entry_free(k);
        }
        if (ok) {
            memcpy(current, k->key_id, sizeof current);
            has_current = true;
        }
    }
    ok = ok && install(ks, &fresh, current, has_current, err);
    list_free(&fresh);
    unlock_folder(lock_fd);
    if (!ok) {
        gk_keystore_close(ks);
        return NULL;
    }
    return ks;
}

void gk_keystore_close(gk_keystore *ks)
{
    if (!ks) return;
    for (size_t i = 0; i < ks->count; i++)
        entry_free(ks->keys[i]);
    free(ks->keys);
    free(ks->dir);
    pthread_rwlock_destroy(&ks->lock);
    free(ks);
}

bool gk_keystore_reload(gk_keystore *ks, char **err)
{
    if (err) *err = NULL;
    key_list fresh = {0};
    char current[GK_SIGN_KEY_ID_LEN + 1] = "";
    bool has_current = false;
    bool ok = scan_folder(ks, &fresh, current, &has_current, err) &&
              install(ks, &fresh, current, has_current, err);
    list_free(&fresh);
    return ok;
}

bool gk_keystore_rotate(gk_keystore *ks, char **err)
{
    if (err) *err = NULL;
    int lock_fd = lock_folder(ks->dir, err);
    if (lock_fd < 0) return false;
    key_list fresh = {0};
    key_entry *k = generate_key(ks->dir, err);
    bool ok = k && list_push(&fresh, k);
    if (k && !ok) {
        set_err(err, "out of memory");
        entry_free(k);
    }
    ok = ok && write_current(ks->dir, k->key_id, err) && install(ks, &fresh, k->key_id, true, err);
    list_free(&fresh);
    unlock_folder(lock_fd);
    return ok;
}

const char *gk_keystore_active_key_id(gk_keystore *ks)
{
    pthread_rwlock_rdlock(&ks->lock);
    key_entry *k = ks->active;
    pthread_rwlock_unlock(&ks->lock);
    return k->key_id;
}

bool gk_keystore_sign(gk_keystore *ks, const unsigned char *msg, size_t len, char **sig_b64,
                      const char **key_id)
{
    static const unsigned char empty[1];
    *sig_b64 = NULL;
    pthread_rwlock_rdlock(&ks->lock);
    key_entry *k = ks->active; /* entries outlive the lock: see struct gk_keystore */
    pthread_rwlock_unlock(&ks->lock);

    unsigned char sig[GK_SIGN_SIGNATURE_LEN];
    size_t sig_len = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new(); /* one per call: contexts are not shareable */
    bool ok = ctx && EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, k->pkey, NULL) == 1 &&
              EVP_DigestSign(ctx, sig, &sig_len, msg ? msg : empty, len) == 1 &&
              sig_len == sizeof sig;
    EVP_MD_CTX_free(ctx);
    if (!ok || !(*sig_b64 = gk_base64_encode(sig, sizeof sig, GK_B64_URL))) return false;
    if (key_id) *key_id = k->key_id;
    return true;
}

bool gk_keystore_verify(gk_keystore *ks, const char *key_id, const unsigned char *msg, size_t len,
                        const char *sig_b64)
{
    static const unsigned char empty[1];
    if (!key_id || !sig_b64 || strlen(key_id) != GK_SIGN_KEY_ID_LEN) return false;
    unsigned char sig[GK_SIGN_SIGNATURE_LEN];
    size_t sig_len = 0;
    if (!gk_base64_decode(sig_b64, strlen(sig_b64), GK_B64_URL, sig, sizeof sig, &sig_len) ||
        sig_len != sizeof sig)
        return false;
    pthread_rwlock_rdlock(&ks->lock);
    key_entry *k = find_key(ks->keys, ks->count, key_id);
    pthread_rwlock_unlock(&ks->lock);
    if (!k) return false;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, k->pkey, NULL) == 1 &&
              EVP_DigestVerify(ctx, sig, sig_len, msg ? msg : empty, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

json_t *gk_keystore_public_keys(gk_keystore *ks)
{
    json_t *list = json_array();
    if (!list) return NULL;
    pthread_rwlock_rdlock(&ks->lock);
    bool ok = true;
    for (size_t i = 0; ok && i < ks->count; i++) {
        const key_entry *k = ks->keys[i];
        char pub[GK_SIGN_PUBLIC_KEY_LEN * 2], created[32];
        struct tm tm;
        ok = gk_base64_encode_to(k->pub, sizeof k->pub, GK_B64_URL, pub, sizeof pub) &&
             gmtime_r(&k->mtime.tv_sec, &tm) &&
             strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
        json_t *item =
            ok ? json_pack("{s:s, s:s, s:s, s:s, s:b}", "key_id", k->key_id, "algorithm", "Ed25519",
                           "public_key", pub, "created_at", created, "active", k == ks->active)
               : NULL;
        ok = item && json_array_append_new(list, item) == 0;
    }
    pthread_rwlock_unlock(&ks->lock);
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return list;
}
