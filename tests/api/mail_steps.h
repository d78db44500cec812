/* The steps that confirm a sign-up by its mail (issue 19), for every scenario file that signs
 * up (steps.h includes it; files with sign-in macros of their own include it alone). Macros
 * expand where they are used, so each file's own JSON_T applies. */
#ifndef GK_API_MAIL_STEPS_H
#define GK_API_MAIL_STEPS_H

#include "harness.h"

/* Issue 19: a sign-up answers 202 and mails a link; the account signs in once the link's token
 * is posted. VERIFY_MAIL is those two steps (the mail read from the test mail box, then the
 * token confirmed): put it after any sign-up step. */
#define VERIFY_MAIL(email)                                                                         \
    {.name = "the sign-up mail reaches " email,                                                    \
     .method = "MAIL",                                                                             \
     .path = email,                                                                                \
     .body = "signup.verify",                                                                      \
     .expect_status = 200,                                                                         \
     .captures = {CAPTURE_RE("signup_token", "verify-email\\?token=([A-Za-z0-9_-]+)")}},           \
    {                                                                                              \
        .name = "the link of the mail to " email " confirms it", .method = "POST",                 \
        .path = "/api/v1/signup/verify", .content_type = JSON_T,                                   \
        .body = "{\"token\": \"{{signup_token}}\"}", .expect_status = 200                          \
    }
#endif
