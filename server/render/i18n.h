/* Message catalogues and language negotiation.
 *
 * Supported languages: "ja" and "en". Catalogues are flat JSON objects of string values,
 * `<dir>/ja.json` and `<dir>/en.json` (keys like "home.title"), loaded once at start-up;
 * afterwards the catalogue is read-only, so any number of threads may call
 * gk_messages_get() at once.
 *
 * Default language: "ja". Most users are in Japan, so a request that names no supported
 * language (no ?lang=, no cookie, no usable Accept-Language) is answered in Japanese. */
#ifndef GK_RENDER_I18N_H
#define GK_RENDER_I18N_H

#include <stdbool.h>
#include <stddef.h>

#define GK_LANG_DEFAULT "ja"
#define GK_LANG_COOKIE "giteki_lang"

typedef struct gk_messages gk_messages;

/* Loads and checks both catalogues. Fails (NULL, *err set to a malloc'd "file:line: reason"
 * the caller frees) when a file is missing or not valid JSON, is not an object, holds a
 * duplicate key or a value that is not a non-empty string, or when the two files do not
 * have exactly the same key set (a missing translation must stop start-up, not show a key
 * to a user). *err is NULL on success, and also when err itself is NULL. */
gk_messages *gk_messages_load(const char *dir, char **err);
void gk_messages_free(gk_messages *m);

/* The text for `key` in `lang`, falling back to English and then to the key itself; never
 * NULL when key is not NULL. Any lang other than "ja"/"en" (or NULL) reads English. The
 * string belongs to the catalogue and lives as long as it. `m` may be NULL (key returned). */
const char *gk_messages_get(const gk_messages *m, const char *lang, const char *key);
/* Whether `key` exists (in every catalogue, as load guarantees). */
bool gk_messages_has(const gk_messages *m, const char *key);

/* The one language test of the server: whether lang is Japanese (anything else reads
 * English, the fallback). For texts the database holds in both languages (title_ja /
 * title_en); messages come from the catalogues instead. */
bool gk_lang_is_ja(const char *lang);

/* "ja" or "en" for a language tag like "ja", "ja-JP", "EN-us" (primary subtag compared
 * case-insensitively, the rest must be tag characters); NULL for anything else. */
const char *gk_lang_from_tag(const char *tag, size_t len);

/* Pure negotiation, returns a static "ja" or "en": the first of these that names a
 * supported language wins: the ?lang= query value, the giteki_lang cookie value, the
 * Accept-Language header (highest q-value among ja/en; on a tie the earlier entry; q=0
 * means "not acceptable"; an entry with a malformed q is ignored). Otherwise
 * GK_LANG_DEFAULT. Every argument may be NULL. */
const char *gk_lang_choose(const char *query_lang, const char *cookie_lang,
                           const char *accept_language);

#endif
