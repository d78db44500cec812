/* A bounded in-memory cache of values by string key, shared by the worker threads.
 *
 * Readers never take a global lock: the key's hash picks one of the shards, each with its own
 * read-write lock, held only while the bucket chain is walked and the entry's reference count
 * raised. A reader then uses the value with no lock at all (entries are immutable once put;
 * an evicted entry is freed when its last reader releases it).
 *
 * Each shard holds at most max_bytes / shards bytes (the sizes the caller states); putting
 * more evicts that shard's oldest entries first (insertion order).
 *
 * Invalidation races: a value read from the database before an invalidation must not be put
 * after it. Callers take gk_scache_epoch() before they read the source and pass it to
 * gk_scache_put, which refuses (and frees) the value when any eviction or clear happened in
 * between. Pure apart from malloc and pthreads; unit-tested in tests/unit/test_shard_cache.c. */
#ifndef GK_UTIL_SHARD_CACHE_H
#define GK_UTIL_SHARD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gk_scache gk_scache;
typedef struct gk_scache_entry gk_scache_entry;

/* free_value releases a value the cache no longer holds (may be NULL: nothing to free).
 * NULL when out of memory. shards is rounded up to a power of two (at least 1). */
gk_scache *gk_scache_new(size_t max_bytes, unsigned shards, void (*free_value)(void *));
/* Frees every entry; no reader may hold one. */
void gk_scache_free(gk_scache *c);

/* The entry of key with a reference the caller must give back with gk_scache_release, or
 * NULL (a miss). */
gk_scache_entry *gk_scache_get(gk_scache *c, const char *key);
void *gk_scache_value(const gk_scache_entry *e);
void gk_scache_release(gk_scache_entry *e);

/* The invalidation counter: take it before reading what will be put. */
uint64_t gk_scache_epoch(gk_scache *c);

/* Put value (owned from now on) under key, replacing an older entry, unless an eviction or a
 * clear happened since `epoch` or the value alone exceeds a shard's bound: then the value is
 * freed and false returned. */
bool gk_scache_put(gk_scache *c, const char *key, void *value, size_t bytes, uint64_t epoch);
/* As gk_scache_put, for a caller that goes on using the value: on success the entry is
 * returned with a reference (gk_scache_release it); when refused, NULL and the value stays
 * the caller's (not freed). */
gk_scache_entry *gk_scache_put_hold(gk_scache *c, const char *key, void *value, size_t bytes,
                                    uint64_t epoch);

/* Drop the entry of key (if any) and raise the epoch. */
void gk_scache_evict(gk_scache *c, const char *key);
/* Drop every entry and raise the epoch. */
void gk_scache_clear(gk_scache *c);

typedef struct {
    uint64_t hits, misses, puts, refused, evictions;
    size_t entries, bytes;
} gk_scache_stats;
void gk_scache_stats_get(gk_scache *c, gk_scache_stats *out);

#endif
