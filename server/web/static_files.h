/* The files under static/, read into memory once at start-up (they are small: CSS, icons),
 * served with their type, an ETag and a cache lifetime. */
#ifndef GK_WEB_STATIC_FILES_H
#define GK_WEB_STATIC_FILES_H

#include <stddef.h>

typedef struct gk_static_files gk_static_files;

/* Returns NULL with a malloc'd *err when the folder cannot be read. */
gk_static_files *gk_static_load(const char *dir, char **err);
void gk_static_free(gk_static_files *s);

typedef struct {
    const char *data;
    size_t len;
    const char *content_type;
    const char *etag;
} gk_static_file;

/* Lookup by path relative to static/ ("css/giteki.css"); NULL when absent. */
const gk_static_file *gk_static_find(const gk_static_files *s, const char *path);

/* Content type by file name extension (exposed for tests). */
const char *gk_static_content_type(const char *name);

#endif
