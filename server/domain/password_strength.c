#include "domain/password_strength.h"

#include "util/utf8.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* The most common passwords of the public breach lists (SecLists' top lists, NCSC's
 * "100k-most-used"), reduced to their core: lower case, digits and symbols around them
 * removed, since those are what people add to reach a length rule ("password1234"). */
const char *const gk_common_passwords[] = {
    "password",   "passw0rd",   "p@ssw0rd",      "p@ssword", "passwort",     "motdepasse",
    "qwerty",     "qwertyuiop", "qwertz",        "azerty",   "asdf",         "asdfgh",
    "asdfghjkl",  "zxcvbnm",    "qazwsx",        "qweasd",   "qweasdzxc",    "abc",
    "abcd",       "abcdef",     "abcdefg",       "abcdefgh", "abcdefghijkl", "letmein",
    "welcome",    "admin",      "administrator", "root",     "user",         "login",
    "guest",      "iloveyou",   "monkey",        "dragon",   "football",     "baseball",
    "soccer",     "hockey",     "sunshine",      "princess", "master",       "shadow",
    "superman",   "batman",     "trustno",       "whatever", "starwars",     "hello",
    "helloworld", "freedom",    "michael",       "jennifer", "charlie",      "jordan",
    "secret",     "changeme",   "default",       "test",     "testing",      "access",
    "mustang",    "pokemon",    "ninja",         "killer",   "lovely",       "flower",
    "cookie",     "summer",     "winter",        "spring",   "autumn",       "computer",
    "internet",   "google",     "samsung",       "apple",    "pass",         "passpass",
    "mypassword", "letmeinnow", "loveme",        "iloveu",   "chocolate",    "banana",
    "cheese",     "pepper",     "ginger",        "tigger",   "buster",       "hunter",
    "ranger",     "thomas",     "robert",        "daniel",   "andrew",       "anthony",
    "joshua",     "matthew",    "jessica",       "ashley",   "amanda",       "nicole",
    "qwertyui",   "zaq",        "xsw",           "qwer",     "asdfqwer",     "aa",
    "abcabc",     "sakura",     "doraemon",      "pikachu",  "nihongo",      "tokyo",
    "giteki",
};
const size_t gk_common_passwords_count = sizeof gk_common_passwords / sizeof *gk_common_passwords;

static bool blank_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B);
}

const char *gk_password_weakness(const char *pw, size_t len)
{
    const unsigned char *s = (const unsigned char *)pw;
    uint32_t distinct[GK_PASSWORD_MIN_DISTINCT];
    size_t n_distinct = 0;
    bool all_blank = true;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = gk_utf8_next(s + i, len - i, &cp);
        if (n == 0) return NULL; /* the length policy says "not UTF-8" */
        i += n;
        if (!blank_cp(cp)) all_blank = false;
        bool seen = false;
        for (size_t k = 0; k < n_distinct; k++)
            seen = seen || distinct[k] == cp;
        if (!seen && n_distinct < GK_PASSWORD_MIN_DISTINCT) distinct[n_distinct++] = cp;
    }
    if (all_blank) return "password.blank";
    if (n_distinct < GK_PASSWORD_MIN_DISTINCT) return "password.repetitive";

    /* The core: ASCII letters in lower case, digits, symbols and blanks cut from both ends.
     * A password of digits and symbols only (a date, "123456789012") has an empty core. */
    size_t b = 0, e = len;
    while (b < e && s[b] < 0x80 && !isalpha(s[b]))
        b++;
    while (e > b && s[e - 1] < 0x80 && !isalpha(s[e - 1]))
        e--;
    if (b == e) return "password.common";
    /* Cores inside the list ("p@ssw0rd") keep their symbols; compare without case. */
    for (size_t k = 0; k < gk_common_passwords_count; k++) {
        const char *c = gk_common_passwords[k];
        size_t cl = strlen(c);
        if (cl == e - b && !strncasecmp(c, pw + b, cl)) return "password.common";
        if (cl == len && !strncasecmp(c, pw, cl)) return "password.common";
    }
    return NULL;
}
