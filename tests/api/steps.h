/* Steps that several scenario files share: sign in, sign up an organisation with its first
 * user, an admin creating an examiner. Macros expand where they are used, so each file's own
 * JSON_T and PW (its password) apply. */
#ifndef GK_API_STEPS_H
#define GK_API_STEPS_H

#include "harness.h"
#include "mail_steps.h"

#define SIGNIN(actor_, email, pw)                                                                  \
    {                                                                                              \
        .name = "sign in " email, .actor = actor_, .method = "POST", .path = "/api/v1/session",    \
        .content_type = JSON_T, .body = "{\"email\": \"" email "\", \"password\": \"" pw "\"}",    \
        .expect_status = 200                                                                       \
    }
#define SIGNUP(org, email)                                                                         \
    {.name = "sign up " email,                                                                     \
     .method = "POST",                                                                             \
     .path = "/api/v1/signup",                                                                     \
     .content_type = JSON_T,                                                                       \
     .body = "{\"organization\": {\"name\": \"" org "\", \"representative\": \"山田 太郎\"},"  \
             " \"user\": {\"email\": \"" email "\", \"password\": \"" PW "\", \"name\": \"M\"}}",  \
     .expect_status = 202},                                                                        \
        VERIFY_MAIL(email)
#define EXAMINER(email, var)                                                                       \
    {                                                                                              \
        .name = "admin creates the examiner " email, .actor = "admin", .method = "POST",           \
        .path = "/api/v1/users", .content_type = JSON_T,                                           \
        .body = "{\"email\": \"" email "\", \"password\": \"" PW "\", \"name\": \"Examiner " var   \
                "\", \"role\": \"examiner\"}",                                                     \
        .expect_status = 201, .captures = {                                                        \
            CAPTURE_JSON(var, "id")                                                                \
        }                                                                                          \
    }

#endif
