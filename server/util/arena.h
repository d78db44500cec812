/* A bump allocator in blocks, freed all at once: the scratch memory of a request, of a
 * service call made from the command line, and of the compiled templates. */
#ifndef GK_UTIL_ARENA_H
#define GK_UTIL_ARENA_H

#include <stddef.h>

typedef struct gk_arena_block gk_arena_block;
typedef struct {
    gk_arena_block *head;
} gk_arena; /* zero-initialised = empty */

/* n bytes aligned for any type; NULL on out of memory. */
void *gk_arena_alloc(gk_arena *a, size_t n);
char *gk_arena_strdup(gk_arena *a, const char *s); /* NULL in, NULL out */
char *gk_arena_strndup(gk_arena *a, const char *s, size_t n);
char *gk_arena_printf(gk_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every block; the arena is empty (and usable) afterwards. */
void gk_arena_free(gk_arena *a);

#endif
