/* Process-wide state set up once by `serve` before the first request and read-only after:
 * configuration, loaded templates and messages. */
#ifndef GK_APP_H
#define GK_APP_H

#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>

struct gk_templates;
struct gk_messages;
struct gk_static_files;
struct gk_keystore;

typedef struct {
    gk_config config;
    struct gk_templates *templates;
    struct gk_messages *messages;
    struct gk_static_files *static_files;
    struct gk_keystore *keystore; /* certificate-signing keys (crypto/sign.h) */
} gk_app_state;

extern gk_app_state gk_app;

#endif
