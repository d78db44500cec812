/* The sharded cache (see shard_cache.h). */
#include "util/shard_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024 /* per shard, a power of two */

struct gk_scache_entry {
    gk_scache_entry *chain;         /* next in the bucket */
    gk_scache_entry *older, *newer; /* insertion order within the shard */
    atomic_uint refs;               /* the shard's own reference + readers */
    void (*free_value)(void *);
    void *value;
    size_t bytes;
    uint64_t hash;
    char key[];
};

typedef struct {
    pthread_rwlock_t lock;
    gk_scache_entry *buckets[BUCKETS];
    gk_scache_entry *oldest, *newest;
    size_t bytes, entries;
    atomic_uint_fast64_t hits, misses, puts, refused, evictions;
} shard;

struct gk_scache {
    shard *shards;
    unsigned n_shards; /* a power of two */
    size_t shard_max;  /* bytes per shard */
    void (*free_value)(void *);
    atomic_uint_fast64_t epoch;
};

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

gk_scache *gk_scache_new(size_t max_bytes, unsigned shards, void (*free_value)(void *))
{
    unsigned n = 1;
    while (n < shards && n < (1u << 16))
        n <<= 1;
    gk_scache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->shards = calloc(n, sizeof *c->shards);
    if (!c->shards) {
        free(c);
        return NULL;
    }
    for (unsigned i = 0; i < n; i++)
        pthread_rwlock_init(&c->shards[i].lock, NULL);
    c->n_shards = n;
    c->shard_max = max_bytes / n;
    c->free_value = free_value;
    return c;
}

static void entry_unref(gk_scache_entry *e)
{
    if (atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1) {
        if (e->free_value) e->free_value(e->value);
        free(e);
    }
}

/* Unlink e from its shard (write lock held) and drop the shard's reference. */
static void unlink_entry(shard *s, gk_scache_entry *e)
{
    gk_scache_entry **p = &s->buckets[e->hash & (BUCKETS - 1)];
    while (*p && *p != e)
        p = &(*p)->chain;
    if (*p) *p = e->chain;
    if (e->older)
        e->older->newer = e->newer;
    else
        s->oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        s->newest = e->older;
    s->bytes -= e->bytes;
    s->entries--;
    entry_unref(e);
}

static void clear_shard(shard *s)
{
    while (s->oldest)
        unlink_entry(s, s->oldest);
}

void gk_scache_free(gk_scache *c)
{
    if (!c) return;
    for (unsigned i = 0; i < c->n_shards; i++) {
        clear_shard(&c->shards[i]);
        pthread_rwlock_destroy(&c->shards[i].lock);
    }
    free(c->shards);
    free(c);
}

static shard *shard_of(gk_scache *c, uint64_t h)
{
    return &c->shards[(h >> 40) & (c->n_shards - 1)];
}

static gk_scache_entry *find(shard *s, const char *key, uint64_t h)
{
    for (gk_scache_entry *e = s->buckets[h & (BUCKETS - 1)]; e; e = e->chain)
        if (e->hash == h && !strcmp(e->key, key)) return e;
    return NULL;
}

gk_scache_entry *gk_scache_get(gk_scache *c, const char *key)
{
    if (!c || !key) return NULL;
    uint64_t h = hash_key(key);
    shard *s = shard_of(c, h);
    pthread_rwlock_rdlock(&s->lock);
    gk_scache_entry *e = find(s, key, h);
    if (e) atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
    pthread_rwlock_unlock(&s->lock);
    atomic_fetch_add_explicit(e ? &s->hits : &s->misses, 1, memory_order_relaxed);
    return e;
}

void *gk_scache_value(const gk_scache_entry *e)
{
    return e ? e->value : NULL;
}

void gk_scache_release(gk_scache_entry *e)
{
    if (e) entry_unref(e);
}

uint64_t gk_scache_epoch(gk_scache *c)
{
    return c ? atomic_load_explicit(&c->epoch, memory_order_acquire) : 0;
}

static gk_scache_entry *put(gk_scache *c, const char *key, void *value, size_t bytes,
                            uint64_t epoch, bool hold)
{
    if (!c || !key) return NULL;
    size_t klen = strlen(key);
    bytes += sizeof(gk_scache_entry) + klen + 1;
    uint64_t h = hash_key(key);
    shard *s = shard_of(c, h);
    gk_scache_entry *e = bytes <= c->shard_max ? malloc(sizeof *e + klen + 1) : NULL;
    if (!e) {
        atomic_fetch_add_explicit(&s->refused, 1, memory_order_relaxed);
        return NULL;
    }
    memset(e, 0, sizeof *e);
    memcpy(e->key, key, klen + 1);
    e->hash = h;
    e->value = value;
    e->bytes = bytes;
    e->free_value = c->free_value;
    atomic_init(&e->refs, hold ? 2 : 1);
    pthread_rwlock_wrlock(&s->lock);
    if (atomic_load_explicit(&c->epoch, memory_order_acquire) != epoch) {
        pthread_rwlock_unlock(&s->lock);
        atomic_fetch_add_explicit(&s->refused, 1, memory_order_relaxed);
        free(e); /* the value stays the caller's */
        return NULL;
    }
    gk_scache_entry *old = find(s, key, h);
    if (old) unlink_entry(s, old);
    while (s->oldest && s->bytes + bytes > c->shard_max) {
        unlink_entry(s, s->oldest);
        atomic_fetch_add_explicit(&s->evictions, 1, memory_order_relaxed);
    }
    gk_scache_entry **b = &s->buckets[h & (BUCKETS - 1)];
    e->chain = *b;
    *b = e;
    e->older = s->newest;
    if (s->newest)
        s->newest->newer = e;
    else
        s->oldest = e;
    s->newest = e;
    s->bytes += bytes;
    s->entries++;
    pthread_rwlock_unlock(&s->lock);
    atomic_fetch_add_explicit(&s->puts, 1, memory_order_relaxed);
    return e;
}

bool gk_scache_put(gk_scache *c, const char *key, void *value, size_t bytes, uint64_t epoch)
{
    if (put(c, key, value, bytes, epoch, false)) return true;
    if (c && c->free_value) c->free_value(value);
    return false;
}

gk_scache_entry *gk_scache_put_hold(gk_scache *c, const char *key, void *value, size_t bytes,
                                    uint64_t epoch)
{
    return put(c, key, value, bytes, epoch, true);
}

void gk_scache_evict(gk_scache *c, const char *key)
{
    if (!c || !key) return;
    uint64_t h = hash_key(key);
    shard *s = shard_of(c, h);
    pthread_rwlock_wrlock(&s->lock);
    atomic_fetch_add_explicit(&c->epoch, 1, memory_order_acq_rel);
    gk_scache_entry *e = find(s, key, h);
    if (e) unlink_entry(s, e);
    pthread_rwlock_unlock(&s->lock);
}

void gk_scache_clear(gk_scache *c)
{
    if (!c) return;
    atomic_fetch_add_explicit(&c->epoch, 1, memory_order_acq_rel);
    for (unsigned i = 0; i < c->n_shards; i++) {
        shard *s = &c->shards[i];
        pthread_rwlock_wrlock(&s->lock);
        clear_shard(s);
        pthread_rwlock_unlock(&s->lock);
    }
}

void gk_scache_stats_get(gk_scache *c, gk_scache_stats *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned i = 0; c && i < c->n_shards; i++) {
        shard *s = &c->shards[i];
        out->hits += atomic_load(&s->hits);
        out->misses += atomic_load(&s->misses);
        out->puts += atomic_load(&s->puts);
        out->refused += atomic_load(&s->refused);
        out->evictions += atomic_load(&s->evictions);
        pthread_rwlock_rdlock(&s->lock);
        out->entries += s->entries;
        out->bytes += s->bytes;
        pthread_rwlock_unlock(&s->lock);
    }
}
