#include "app.h"

/* Set up by `giteki serve` before the first request; read-only afterwards. */
gk_app_state gk_app;
