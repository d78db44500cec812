/* Structured logging: one JSON object per line on stderr. Never pass a password, token,
 * cookie or request body to these functions. Thread-safe (one write per line). */
#ifndef GK_LOG_H
#define GK_LOG_H

#include <jansson.h>

/* level: "info", "warn", "error", "bug" (our own defect, logged apart from client errors).
 * fields: optional object whose members are added to the line; the call steals it. */
void gk_log(const char *level, const char *msg, json_t *fields);
void gk_logf(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
