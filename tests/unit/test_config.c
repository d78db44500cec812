/* Configuration: defaults, environment, flags, and a clear refusal naming each bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "config.h"

#include <stdlib.h>
#include <string.h>

static const char *vars[] = {"GITEKI_DATABASE_URL",   "GITEKI_LISTEN",    "GITEKI_THREADS",
                             "GITEKI_SCRYPT_LOG2N",   "GITEKI_BODY_CODE", "GITEKI_UPLOAD_MAX",
                             "GITEKI_SECURE_COOKIES", "GITEKI_DATA_DIR"};

static int clear_env(void **state)
{
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        unsetenv(vars[i]);
    return 0;
}

static void defaults(void **state)
{
    gk_config c;
    char *err = NULL;
    assert_int_equal(gk_config_load_env(&c, &err), 0);
    assert_string_equal(c.listen_host, "127.0.0.1");
    assert_int_equal(c.listen_port, 8080);
    assert_int_equal(c.threads, 8);
    assert_int_equal(c.scrypt_log2n, 17);
    assert_string_equal(c.body_code, "001");
    assert_null(c.database_url);
    /* serve needs a database: the message names the variable */
    assert_int_equal(gk_config_finish(&c, true, &err), -1);
    assert_non_null(strstr(err, "GITEKI_DATABASE_URL"));
    free(err);
    gk_config_free(&c);
}

static void env_values(void **state)
{
    setenv("GITEKI_LISTEN", "[::1]:9090", 1);
    setenv("GITEKI_THREADS", "8", 1);
    setenv("GITEKI_SECURE_COOKIES", "true", 1);
    setenv("GITEKI_DATABASE_URL", "postgresql:///x", 1);
    gk_config c;
    char *err = NULL;
    assert_int_equal(gk_config_load_env(&c, &err), 0);
    assert_string_equal(c.listen_host, "::1");
    assert_int_equal(c.listen_port, 9090);
    assert_int_equal(c.threads, 8);
    assert_true(c.secure_cookies);
    assert_string_equal(c.database_url, "postgresql:///x");
    /* a flag overrides the environment */
    assert_int_equal(gk_config_apply_flag(&c, "threads", "2", &err), 0);
    assert_int_equal(c.threads, 2);
    assert_int_equal(gk_config_apply_flag(&c, "no-such-flag", "1", &err), 1);
    gk_config_free(&c);
}

/* Each bad value is refused with a message naming where it came from. */
static void bad_values(void **state)
{
    static const struct {
        const char *var, *value;
    } bad[] = {
        {"GITEKI_LISTEN", "8080"},
        {"GITEKI_LISTEN", "127.0.0.1:0"},
        {"GITEKI_LISTEN", "127.0.0.1:99999"},
        {"GITEKI_LISTEN", "host:port"},
        {"GITEKI_THREADS", "0"},
        {"GITEKI_THREADS", "-1"},
        {"GITEKI_THREADS", "4x"},
        {"GITEKI_THREADS", ""},
        {"GITEKI_SCRYPT_LOG2N", "9"},
        {"GITEKI_BODY_CODE", "01"},
        {"GITEKI_BODY_CODE", "0a1"},
        {"GITEKI_UPLOAD_MAX", "12"},
        {"GITEKI_SECURE_COOKIES", "maybe"},
        {"GITEKI_DATABASE_URL", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        clear_env(NULL);
        setenv(bad[i].var, bad[i].value, 1);
        gk_config c;
        char *err = NULL;
        if (gk_config_load_env(&c, &err) != -1)
            fail_msg("%s=%s was accepted", bad[i].var, bad[i].value);
        assert_non_null(err);
        assert_non_null(strstr(err, bad[i].var));
        free(err);
        gk_config_free(&c);
    }
}

static void flag_errors_name_the_flag(void **state)
{
    gk_config c;
    char *err = NULL;
    assert_int_equal(gk_config_load_env(&c, &err), 0);
    assert_int_equal(gk_config_apply_flag(&c, "listen", "nonsense", &err), -1);
    assert_non_null(strstr(err, "--listen"));
    free(err);
    err = NULL;
    assert_int_equal(gk_config_apply_flag(&c, "threads", NULL, &err), -1);
    assert_non_null(strstr(err, "--threads"));
    free(err);
    gk_config_free(&c);
}

static void data_dir_is_checked(void **state)
{
    setenv("GITEKI_DATA_DIR", "/nonexistent-giteki", 1);
    gk_config c;
    char *err = NULL;
    assert_int_equal(gk_config_load_env(&c, &err), 0);
    assert_int_equal(gk_config_finish(&c, false, &err), -1);
    assert_non_null(strstr(err, "GITEKI_DATA_DIR"));
    free(err);
    gk_config_free(&c);
    unsetenv("GITEKI_DATA_DIR");
    assert_int_equal(gk_config_load_env(&c, &err), 0);
    assert_int_equal(gk_config_finish(&c, false, &err), 0); /* found from the build */
    assert_non_null(c.data_dir);
    gk_config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(defaults, clear_env),
        cmocka_unit_test_setup(env_values, clear_env),
        cmocka_unit_test_setup(bad_values, clear_env),
        cmocka_unit_test_setup(flag_errors_name_the_flag, clear_env),
        cmocka_unit_test_setup(data_dir_is_checked, clear_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
