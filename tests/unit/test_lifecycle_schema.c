/* The rules the C code and the schema both state, compared ROW BY ROW: the application
 * life cycle (domain/lifecycle.h) against the application_transitions rows, the certificate
 * life cycle against the certificate_transitions rows, the examinable states against
 * gk_require_examinable, the verdict and decision vocabularies (domain/examination.h)
 * against their CHECK lists. The schema files are read as text (the tests run in the
 * repository). A row missing on either side fails, naming the row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/examination.h"
#include "domain/lifecycle.h"
#include "domain/surveillance.h"

#define MAX_ROWS 64
#define MAX_COLS 3

typedef struct {
    char v[MAX_COLS][32];
} row;

typedef struct {
    row rows[MAX_ROWS];
    size_t n;
} rows;

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every .sql file of schema/, in migration order (later migrations alter earlier lists). */
static char *schema_text(void)
{
    struct dirent **list = NULL;
    int n_files = scandir("schema", &list, NULL, by_name);
    assert_true(n_files > 0);
    char *all = calloc(1, 1);
    size_t len = 0;
    for (int i = 0; i < n_files; i++) {
        const struct dirent *e = list[i];
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".sql") != 0) continue;
        char path[512];
        snprintf(path, sizeof path, "schema/%s", e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        all = realloc(all, len + (size_t)size + 2);
        assert_non_null(all);
        assert_int_equal(fread(all + len, 1, (size_t)size, f), (size_t)size);
        len += (size_t)size;
        all[len++] = '\n';
        all[len] = 0;
        fclose(f);
    }
    for (int i = 0; i < n_files; i++)
        free(list[i]);
    free(list);
    return all;
}

/* The quoted values of each (...) tuple from `from` up to the next ';', cols per tuple. */
static void tuples(const char *from, size_t cols, rows *out)
{
    const char *end = strchr(from, ';');
    assert_non_null(end);
    for (const char *p = strchr(from, '('); p && p < end; p = strchr(p, '(')) {
        const char *close = strchr(p, ')');
        assert_non_null(close);
        row r = {0};
        size_t c = 0;
        for (const char *q = strchr(p, '\''); q && q < close; q = strchr(q, '\'')) {
            const char *qe = strchr(q + 1, '\'');
            assert_non_null(qe);
            assert_true(c < MAX_COLS && (size_t)(qe - q - 1) < sizeof r.v[0]);
            memcpy(r.v[c], q + 1, (size_t)(qe - q - 1));
            c++;
            q = qe + 1;
        }
        if (c == cols) {
            assert_true(out->n < MAX_ROWS);
            out->rows[out->n++] = r;
        }
        p = close + 1;
    }
}

/* The rows of every `INSERT INTO <table> (...) VALUES (...), ...;` of the migrations. */
static void schema_rows(const char *schema, const char *table, size_t cols, rows *out)
{
    char marker[128];
    snprintf(marker, sizeof marker, "INSERT INTO %s (", table);
    out->n = 0;
    for (const char *at = strstr(schema, marker); at; at = strstr(at + 1, marker)) {
        const char *values = strstr(at, "VALUES");
        assert_non_null(values);
        tuples(values, cols, out);
    }
    if (out->n == 0) fail_msg("the schema has no rows for %s", table);
}

/* The quoted strings of the first (...) after the last `marker` (the list in force). */
static void schema_list(const char *schema, const char *marker, rows *out)
{
    const char *at = NULL;
    for (const char *p = strstr(schema, marker); p; p = strstr(p + 1, marker))
        at = p;
    if (!at) fail_msg("the schema has no \"%s\"", marker);
    const char *open = strchr(at, '('), *close = open ? strchr(open, ')') : NULL;
    assert_non_null(close);
    out->n = 0;
    for (const char *q = strchr(open, '\''); q && q < close; q = strchr(q, '\'')) {
        const char *qe = strchr(q + 1, '\'');
        assert_non_null(qe);
        assert_true(out->n < MAX_ROWS && (size_t)(qe - q - 1) < sizeof out->rows[0].v[0]);
        memset(&out->rows[out->n], 0, sizeof out->rows[0]);
        memcpy(out->rows[out->n++].v[0], q + 1, (size_t)(qe - q - 1));
        q = qe + 1;
    }
}

static bool same(const row *a, const row *b, size_t cols)
{
    for (size_t i = 0; i < cols; i++)
        if (strcmp(a->v[i], b->v[i]) != 0) return false;
    return true;
}

static bool contains(const rows *set, const row *r, size_t cols)
{
    for (size_t i = 0; i < set->n; i++)
        if (same(&set->rows[i], r, cols)) return true;
    return false;
}

static void add(rows *set, size_t cols, const char *a, const char *b, const char *c)
{
    row r = {0};
    const char *v[] = {a, b, c};
    for (size_t i = 0; i < cols; i++)
        snprintf(r.v[i], sizeof r.v[i], "%s", v[i]);
    if (contains(set, &r, cols)) return;
    assert_true(set->n < MAX_ROWS);
    set->rows[set->n++] = r;
}

/* Both directions; every difference is printed before the test fails. */
static void compare(const char *what, const rows *c, const rows *sql, size_t cols)
{
    int missing = 0;
    for (size_t i = 0; i < c->n; i++)
        if (!contains(sql, &c->rows[i], cols)) {
            print_error("%s: the C table has (%s, %s, %s), the schema does not\n", what,
                        c->rows[i].v[0], c->rows[i].v[1], c->rows[i].v[2]);
            missing++;
        }
    for (size_t i = 0; i < sql->n; i++)
        if (!contains(c, &sql->rows[i], cols)) {
            print_error("%s: the schema has (%s, %s, %s), the C table does not\n", what,
                        sql->rows[i].v[0], sql->rows[i].v[1], sql->rows[i].v[2]);
            missing++;
        }
    assert_int_equal(missing, 0);
}

static void names(rows *set, const char *const *list)
{
    set->n = 0;
    for (size_t i = 0; list[i]; i++)
        add(set, 1, list[i], "", "");
}

/* Status changes: the C table's rows that move a case (from != to), as (from, to). */
static void test_application_transitions(void **state)
{
    (void)state;
    char *schema = schema_text();
    rows sql, c = {.n = 0};
    schema_rows(schema, "application_transitions", 2, &sql);
    size_t n;
    const gk_lifecycle_transition *t = gk_lifecycle_table(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].from != t[i].to)
            add(&c, 2, gk_lifecycle_state_name(t[i].from), gk_lifecycle_state_name(t[i].to), "");
    compare("application_transitions", &c, &sql, 2);
    free(schema);
}

static void test_certificate_transitions(void **state)
{
    (void)state;
    char *schema = schema_text();
    rows sql, c = {.n = 0};
    schema_rows(schema, "certificate_transitions", 3, &sql);
    size_t n;
    const gk_lifecycle_cert_transition *t = gk_lifecycle_cert_table(&n);
    for (size_t i = 0; i < n; i++)
        add(&c, 3, gk_lifecycle_cert_state_name(t[i].from), gk_lifecycle_cert_state_name(t[i].to),
            gk_lifecycle_cert_event_name(t[i].event));
    compare("certificate_transitions", &c, &sql, 3);
    free(schema);
}

static void test_examinable_states(void **state)
{
    (void)state;
    char *schema = schema_text();
    rows sql, c = {.n = 0};
    schema_list(schema, "st NOT IN (", &sql);
    for (int s = 0; s < GK_LC_STATE__COUNT; s++)
        if (gk_lifecycle_is_examinable((gk_lifecycle_state)s))
            add(&c, 1, gk_lifecycle_state_name((gk_lifecycle_state)s), "", "");
    compare("gk_require_examinable", &c, &sql, 1);
    free(schema);
}

static void test_vocabularies(void **state)
{
    (void)state;
    char *schema = schema_text();
    rows sql, c;
    schema_list(schema, "verdict IN (", &sql);
    names(&c, gk_exam_verdicts);
    compare("verdicts_verdict_check", &c, &sql, 1);
    schema_list(schema, "decision IN (", &sql);
    names(&c, gk_exam_decisions);
    compare("proposals_decision_check", &c, &sql, 1);
    free(schema);
}

/* The name lists next to the tables say the same as the tables. */
static void test_lists_agree_with_tables(void **state)
{
    (void)state;
    rows a, b = {.n = 0};
    names(&a, gk_lifecycle_queue_states);
    for (int s = 0; s < GK_LC_STATE__COUNT; s++)
        if (gk_lifecycle_in_queue((gk_lifecycle_state)s))
            add(&b, 1, gk_lifecycle_state_name((gk_lifecycle_state)s), "", "");
    compare("queue states", &a, &b, 1);
    assert_false(gk_lifecycle_staff_visible(GK_LC_DRAFT));
    assert_false(gk_lifecycle_in_queue(GK_LC_DRAFT));
    names(&a, gk_exam_clearing_verdicts);
    b.n = 0;
    for (size_t i = 0; gk_exam_verdicts[i]; i++) {
        const gk_exam_verdict_rule *r = gk_exam_verdict_rule_of(gk_exam_verdicts[i]);
        assert_non_null(r);
        if (r->clears) add(&b, 1, r->name, "", "");
    }
    compare("clearing verdicts", &a, &b, 1);
    assert_null(gk_exam_verdict_rule_of("maybe"));
}

/* The surveillance life cycle (domain/surveillance.h) against surveillance_transitions, as
 * (from, event, to) triples, and the order kinds against their CHECK list. */
static void test_surveillance_transitions(void **state)
{
    (void)state;
    char *schema = schema_text();
    rows sql, c = {.n = 0};
    schema_rows(schema, "surveillance_transitions", 3, &sql);
    size_t n;
    const gk_sv_transition *t = gk_sv_table(&n);
    for (size_t i = 0; i < n; i++)
        add(&c, 3, gk_sv_state_name(t[i].from), gk_sv_event_name(t[i].event),
            gk_sv_state_name(t[i].to));
    compare("surveillance_transitions", &c, &sql, 3);
    schema_list(schema, "order_kind IN (", &sql);
    names(&c, gk_sv_order_kinds);
    compare("surveillance_cases_order_kind_check", &c, &sql, 1);
    free(schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_application_transitions),
        cmocka_unit_test(test_certificate_transitions),
        cmocka_unit_test(test_examinable_states),
        cmocka_unit_test(test_vocabularies),
        cmocka_unit_test(test_lists_agree_with_tables),
        cmocka_unit_test(test_surveillance_transitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
