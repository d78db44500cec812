/* The constraint catalogue (server/db/constraints.def) against each schema file: every
 * constraint the database can name in an error is either mapped to an error and a field or
 * marked BACKSTOP, and the catalogue names no constraint that is gone.
 *
 * The names come from the SQL text itself:
 *   - CONSTRAINT name (tables, columns, domains) and CONSTRAINT = 'name' in RAISE;
 *   - CREATE UNIQUE INDEX name;
 *   - the names the schema's guard functions raise: gk_reject('name', ...),
 *     gk_require_*(..., 'name'), gk_refuse_change('name'), and <table>_append_only for
 *     gk_make_append_only('table') and a bare gk_refuse_change() trigger on a table;
 *   - the names PostgreSQL gives unnamed constraints of a table: <t>_pkey, <t>_<cols>_key,
 *     <t>_<cols>_fkey, <t>_<col>_check (and <domain>_check).
 * An unnamed table-level CHECK, or a generated name longer than PostgreSQL keeps (63
 * bytes), is refused: name it in the schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include "db/run.h"

#include <ctype.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a small SQL tokenizer ---- */

typedef enum { T_IDENT, T_STRING, T_PUNCT, T_OTHER } tok_kind;

typedef struct {
    tok_kind kind;
    char text[128];
} tok;

typedef struct {
    tok *v;
    size_t n, cap;
} toks;

static void push(toks *t, tok_kind k, const char *s, size_t len)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        assert_non_null(t->v);
    }
    tok *x = &t->v[t->n++];
    x->kind = k;
    if (len >= sizeof x->text) len = sizeof x->text - 1;
    memcpy(x->text, s, len);
    x->text[len] = 0;
}

/* Comments are dropped; $$ function bodies are read like the rest (the guard functions'
 * calls are in them); string literals become one token with '' unescaped. */
static void tokenize(const char *s, toks *t)
{
    while (*s) {
        if (isspace((unsigned char)*s)) {
            s++;
        } else if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n')
                s++;
        } else if (s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            s = e ? e + 2 : s + strlen(s);
        } else if (s[0] == '$' && s[1] == '$') {
            s += 2;
        } else if (*s == '\'') {
            char buf[128];
            size_t n = 0;
            for (s++; *s; s++) {
                if (*s == '\'' && s[1] == '\'') {
                    s++;
                } else if (*s == '\'') {
                    s++;
                    break;
                }
                if (n < sizeof buf - 1) buf[n++] = *s;
            }
            push(t, T_STRING, buf, n);
        } else if (*s == '"') {
            const char *b = ++s;
            while (*s && *s != '"')
                s++;
            push(t, T_IDENT, b, (size_t)(s - b));
            if (*s) s++;
        } else if (isalpha((unsigned char)*s) || *s == '_') {
            const char *b = s;
            while (isalnum((unsigned char)*s) || *s == '_' || *s == '$')
                s++;
            push(t, T_IDENT, b, (size_t)(s - b));
        } else if (strchr("(),;=", *s)) {
            push(t, T_PUNCT, s, 1);
            s++;
        } else {
            push(t, T_OTHER, s, 1);
            s++;
        }
    }
}

static bool is_kw(const toks *t, size_t i, const char *kw)
{
    return i < t->n && t->v[i].kind == T_IDENT && !strcasecmp(t->v[i].text, kw);
}

static bool is_p(const toks *t, size_t i, char c)
{
    return i < t->n && t->v[i].kind == T_PUNCT && t->v[i].text[0] == c;
}

/* The index of the ')' matching the '(' at i (t->n when unbalanced). */
static size_t close_paren(const toks *t, size_t i)
{
    int depth = 0;
    for (; i < t->n; i++) {
        if (is_p(t, i, '(')) depth++;
        if (is_p(t, i, ')') && --depth == 0) return i;
    }
    return t->n;
}

/* ---- the set of names found ---- */

typedef struct {
    char **v;
    size_t n;
    char problems[4096]; /* what the extractor refused, for the failure message */
} names;

static void add(names *ns, const char *name)
{
    for (size_t i = 0; i < ns->n; i++)
        if (!strcmp(ns->v[i], name)) return;
    ns->v = realloc(ns->v, (ns->n + 1) * sizeof *ns->v);
    assert_non_null(ns->v);
    ns->v[ns->n] = strdup(name);
    assert_non_null(ns->v[ns->n]);
    ns->n++;
}

static bool has(const names *ns, const char *name)
{
    for (size_t i = 0; i < ns->n; i++)
        if (!strcmp(ns->v[i], name)) return true;
    return false;
}

static void problem(names *ns, const char *what, const char *name)
{
    size_t len = strlen(ns->problems);
    snprintf(ns->problems + len, sizeof ns->problems - len, "%s%s %s", len ? "; " : "", what, name);
}

/* A name PostgreSQL generates: table, the columns joined by '_', suffix. */
static void add_generated(names *ns, const char *table, const toks *t, size_t from, size_t to,
                          const char *suffix)
{
    char name[256];
    snprintf(name, sizeof name, "%s", table);
    for (size_t i = from; i < to; i++)
        if (t->v[i].kind == T_IDENT) {
            size_t len = strlen(name);
            snprintf(name + len, sizeof name - len, "_%s", t->v[i].text);
        }
    size_t len = strlen(name);
    snprintf(name + len, sizeof name - len, "_%s", suffix);
    if (strlen(name) > 63)
        problem(ns, "generated name too long (name the constraint):", name);
    else
        add(ns, name);
}

/* Whether the constraint keyword at i carries a name (CONSTRAINT name KEYWORD). */
static bool named(const toks *t, size_t i)
{
    return i >= 2 && is_kw(t, i - 2, "CONSTRAINT");
}

/* One element of CREATE TABLE t (...): tokens [b, e). */
static void table_element(names *ns, const char *table, const toks *t, size_t b, size_t e)
{
    if (b >= e) return;
    bool table_level = is_kw(t, b, "CONSTRAINT") || is_kw(t, b, "PRIMARY") ||
                       is_kw(t, b, "UNIQUE") || is_kw(t, b, "FOREIGN") || is_kw(t, b, "CHECK") ||
                       is_kw(t, b, "EXCLUDE");
    if (table_level) {
        if (is_kw(t, b, "CONSTRAINT")) return; /* named: found by the CONSTRAINT rule */
        size_t open = b + 1;
        while (open < e && !is_p(t, open, '('))
            open++;
        size_t close = close_paren(t, open);
        if (is_kw(t, b, "PRIMARY"))
            add_generated(ns, table, t, 0, 0, "pkey");
        else if (is_kw(t, b, "UNIQUE"))
            add_generated(ns, table, t, open + 1, close, "key");
        else if (is_kw(t, b, "FOREIGN"))
            add_generated(ns, table, t, open + 1, close, "fkey");
        else
            problem(ns, "unnamed table constraint in", table);
        return;
    }
    /* A column: its name, then constraints; parenthesised parts (types, defaults, checks)
     * are skipped. */
    const char *col = t->v[b].text;
    for (size_t i = b + 1; i < e; i++) {
        if (is_p(t, i, '(')) {
            i = close_paren(t, i);
            continue;
        }
        if (named(t, i)) continue;
        if (is_kw(t, i, "PRIMARY") && is_kw(t, i + 1, "KEY")) {
            add_generated(ns, table, t, 0, 0, "pkey");
        } else if (is_kw(t, i, "UNIQUE") || is_kw(t, i, "REFERENCES") || is_kw(t, i, "CHECK")) {
            char name[200];
            snprintf(name, sizeof name, "%s_%s", table, col);
            add_generated(ns, name, t, 0, 0,
                          is_kw(t, i, "UNIQUE")       ? "key"
                          : is_kw(t, i, "REFERENCES") ? "fkey"
                                                      : "check");
            if (is_kw(t, i, "REFERENCES")) {
                /* REFERENCES other (cols): the parenthesis is the referenced columns */
                while (i + 1 < e && !is_p(t, i + 1, '(') && t->v[i + 1].kind == T_IDENT &&
                       !is_kw(t, i + 1, "ON"))
                    i++;
            }
        }
    }
}

static void extract(const char *sql, names *ns)
{
    toks t = {0};
    tokenize(sql, &t);
    char trigger_table[128] = "";
    for (size_t i = 0; i < t.n; i++) {
        if (is_p(&t, i, ';')) trigger_table[0] = 0;
        /* CREATE TABLE name ( elements ) */
        if (is_kw(&t, i, "CREATE") && is_kw(&t, i + 1, "TABLE") && i + 3 < t.n &&
            is_p(&t, i + 3, '(')) {
            const char *table = t.v[i + 2].text;
            size_t end = close_paren(&t, i + 3), b = i + 4;
            for (size_t j = b; j <= end && j < t.n; j++) {
                if (is_p(&t, j, '(')) {
                    j = close_paren(&t, j);
                    continue;
                }
                if (is_p(&t, j, ',') || j == end) {
                    table_element(ns, table, &t, b, j);
                    b = j + 1;
                }
            }
        }
        /* CREATE DOMAIN name AS type ... CHECK: unnamed checks are <domain>_check */
        if (is_kw(&t, i, "CREATE") && is_kw(&t, i + 1, "DOMAIN") && i + 2 < t.n) {
            for (size_t j = i + 3; j < t.n && !is_p(&t, j, ';'); j++) {
                if (is_p(&t, j, '(')) {
                    j = close_paren(&t, j);
                    continue;
                }
                if (is_kw(&t, j, "CHECK") && !named(&t, j))
                    add_generated(ns, t.v[i + 2].text, &t, 0, 0, "check");
            }
        }
        if (is_kw(&t, i, "CREATE") && is_kw(&t, i + 1, "UNIQUE") && is_kw(&t, i + 2, "INDEX") &&
            i + 3 < t.n && !is_kw(&t, i + 3, "ON"))
            add(ns, t.v[i + 3].text);
        /* CREATE [CONSTRAINT] TRIGGER name ... ON table: for a bare gk_refuse_change() */
        if (is_kw(&t, i, "TRIGGER") &&
            (is_kw(&t, i - 1, "CREATE") || (i >= 2 && is_kw(&t, i - 2, "CREATE")))) {
            for (size_t j = i + 1; j < t.n && !is_p(&t, j, ';'); j++)
                if (is_kw(&t, j, "ON") && j + 1 < t.n) {
                    snprintf(trigger_table, sizeof trigger_table, "%s", t.v[j + 1].text);
                    break;
                }
        }
        if (is_kw(&t, i, "CONSTRAINT")) {
            if (i + 1 < t.n && t.v[i + 1].kind == T_IDENT && !is_kw(&t, i + 1, "TRIGGER"))
                add(ns, t.v[i + 1].text);
            else if (is_p(&t, i + 1, '=') && i + 2 < t.n && t.v[i + 2].kind == T_STRING)
                add(ns, t.v[i + 2].text);
        }
        if (t.v[i].kind != T_IDENT || !is_p(&t, i + 1, '(')) continue;
        const char *fn = t.v[i].text;
        bool first_literal = i + 2 < t.n && t.v[i + 2].kind == T_STRING;
        if (!strcmp(fn, "gk_reject") && first_literal) {
            add(ns, t.v[i + 2].text);
        } else if (!strcmp(fn, "gk_refuse_change")) {
            if (first_literal)
                add(ns, t.v[i + 2].text);
            else if (is_p(&t, i + 2, ')') && trigger_table[0]) {
                char name[200];
                snprintf(name, sizeof name, "%s_append_only", trigger_table);
                add(ns, name);
            }
        } else if (!strcmp(fn, "gk_make_append_only") && first_literal) {
            char name[200];
            snprintf(name, sizeof name, "%s_append_only", t.v[i + 2].text);
            add(ns, name);
        } else if (!strncmp(fn, "gk_require_", 11)) {
            size_t close = close_paren(&t, i + 1);
            if (close < t.n && t.v[close - 1].kind == T_STRING) add(ns, t.v[close - 1].text);
        }
    }
    free(t.v);
}

static void names_free(names *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
    memset(ns, 0, sizeof *ns);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
    s[len] = 0;
    fclose(f);
    return s;
}

static void schema_names(names *ns)
{
    glob_t g;
    assert_int_equal(glob("schema/*.sql", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 10);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *sql = slurp(g.gl_pathv[i]);
        extract(sql, ns);
        free(sql);
    }
    globfree(&g);
}

/* The names of ns the catalogue does not know, joined for a message ("" when none). */
static void unknown(const names *ns, char *out, size_t size)
{
    out[0] = 0;
    for (size_t i = 0; i < ns->n; i++)
        if (!gk_db_constraint_find(ns->v[i])) {
            size_t len = strlen(out);
            snprintf(out + len, size - len, "%s%s", len ? ", " : "", ns->v[i]);
        }
}

/* ---- the extractor on a sample with every construct ---- */

static const char sample[] =
    "-- CONSTRAINT in_a_comment CHECK (true)\n"
    "CREATE DOMAIN d_label AS text CONSTRAINT d_label_format CHECK (VALUE <> '');\n"
    "CREATE DOMAIN d_plain AS int CHECK (VALUE > 0);\n"
    "CREATE TABLE widgets (\n"
    "    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n"
    "    owner uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
    "    code text NOT NULL CONSTRAINT widgets_code_format CHECK (code ~ '^[a-z]+$')\n"
    "        CONSTRAINT widgets_code_key UNIQUE,\n"
    "    size int CHECK (size >= 0),\n"
    "    serial int UNIQUE,\n"
    "    maker text CONSTRAINT widgets_maker_named UNIQUE REFERENCES makers (id),\n"
    "    CONSTRAINT widgets_owner_code UNIQUE (owner, code),\n"
    "    FOREIGN KEY (owner, code) REFERENCES other (a, b),\n"
    "    UNIQUE (code, size)\n"
    ");\n"
    "CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b));\n"
    "CREATE UNIQUE INDEX widgets_one_big ON widgets (owner) WHERE size > 10;\n"
    "CREATE INDEX widgets_plain_idx ON widgets (code);\n"
    "CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "    PERFORM gk_reject('widgets_frozen', 'it''s frozen -- really', NEW.code);\n"
    "    PERFORM gk_reject(constraint_name, 'not a literal');\n"
    "    PERFORM gk_require_examiner(NEW.owner, 'widgets_owner_examiner');\n"
    "    RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'widgets_raised';\n"
    "END $$;\n"
    "CREATE CONSTRAINT TRIGGER widgets_late AFTER INSERT ON widgets\n"
    "    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION g();\n"
    "CREATE TRIGGER t1 BEFORE TRUNCATE ON gadgets FOR EACH STATEMENT EXECUTE FUNCTION "
    "gk_refuse_change();\n"
    "CREATE TRIGGER t2 BEFORE TRUNCATE ON widgets FOR EACH STATEMENT EXECUTE FUNCTION "
    "gk_refuse_change('widgets_keep');\n"
    "SELECT gk_make_append_only('widget_events');\n";

static void extractor_finds_every_kind(void **state)
{
    static const char *const expect[] = {
        "d_label_format",
        "d_plain_check",
        "widgets_pkey",
        "widgets_owner_fkey",
        "widgets_code_format",
        "widgets_code_key",
        "widgets_size_check",
        "widgets_serial_key",
        "widgets_maker_named",
        "widgets_maker_fkey",
        "widgets_owner_code",
        "widgets_owner_code_fkey",
        "widgets_code_size_key",
        "pairs_pkey",
        "widgets_one_big",
        "widgets_frozen",
        "widgets_owner_examiner",
        "widgets_raised",
        "gadgets_append_only",
        "widgets_keep",
        "widget_events_append_only",
    };
    names ns = {0};
    extract(sample, &ns);
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++)
        if (!has(&ns, expect[i])) fail_msg("the extractor missed %s", expect[i]);
    for (size_t i = 0; i < ns.n; i++) {
        bool expected = false;
        for (size_t j = 0; j < sizeof expect / sizeof *expect; j++)
            expected |= !strcmp(ns.v[i], expect[j]);
        if (!expected) fail_msg("the extractor invented %s", ns.v[i]);
    }
    assert_string_equal(ns.problems, "");
    names_free(&ns);
}

static void extractor_refuses_what_it_cannot_name(void **state)
{
    names ns = {0};
    extract("CREATE TABLE t (a int, CHECK (a > 0));", &ns);
    assert_non_null(strstr(ns.problems, "unnamed table constraint in t"));
    names_free(&ns);
    extract("CREATE TABLE a_table_with_a_rather_long_name (a_column_with_a_long_name_too int "
            "UNIQUE);",
            &ns);
    assert_non_null(strstr(ns.problems, "too long"));
    names_free(&ns);
}

/* A constraint added to the schema without a catalogue line is reported by name. */
static void new_constraint_is_reported(void **state)
{
    names ns = {0};
    extract("ALTER TABLE applications ADD CONSTRAINT applications_brand_new CHECK (true);\n"
            "CREATE TABLE gizmos (id int PRIMARY KEY, CONSTRAINT gizmos_fresh UNIQUE (id));",
            &ns);
    char missing[4096];
    unknown(&ns, missing, sizeof missing);
    assert_string_equal(missing, "applications_brand_new, gizmos_pkey, gizmos_fresh");
    names_free(&ns);
}

/* ---- the catalogue against schema/ ---- */

static void every_schema_constraint_is_catalogued(void **state)
{
    names ns = {0};
    schema_names(&ns);
    if (ns.problems[0]) fail_msg("schema/: %s", ns.problems);
    assert_true(ns.n > 150);
    size_t missing = 0;
    for (size_t i = 0; i < ns.n; i++)
        if (!gk_db_constraint_find(ns.v[i])) {
            print_error("not in server/db/constraints.def: %s\n", ns.v[i]);
            missing++;
        }
    if (missing)
        fail_msg("%zu constraints in schema/ are neither mapped nor marked BACKSTOP (listed "
                 "above)",
                 missing);
    names_free(&ns);
}

static void every_catalogue_entry_exists_in_schema(void **state)
{
    names ns = {0};
    schema_names(&ns);
    size_t n;
    const gk_db_constraint *k = gk_db_constraints(&n);
    size_t gone = 0;
    for (size_t i = 0; i < n; i++)
        if (!has(&ns, k[i].name)) {
            print_error("in server/db/constraints.def but not in schema/: %s\n", k[i].name);
            gone++;
        }
    if (gone) fail_msg("%zu catalogue entries name no constraint of schema/ (listed above)", gone);
    names_free(&ns);
}

static void catalogue_is_well_formed(void **state)
{
    size_t n;
    const gk_db_constraint *k = gk_db_constraints(&n);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            if (!strcmp(k[i].name, k[j].name)) fail_msg("%s is listed twice", k[i].name);
        if (k[i].kind == GK_DB_CONS_MAPPED) {
            unsigned st = gk_error_status(k[i].err);
            if (st < 400 || st >= 500)
                fail_msg("%s maps to a non-client error (use BACKSTOP)", k[i].name);
            if (k[i].field) assert_true(k[i].field[0] != 0);
        } else {
            assert_int_equal(k[i].kind, GK_DB_CONS_BACKSTOP);
        }
        assert_ptr_equal(gk_db_constraint_find(k[i].name), &k[i]);
    }
    assert_null(gk_db_constraint_find("no_such_constraint"));
    assert_null(gk_db_constraint_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extractor_finds_every_kind),
        cmocka_unit_test(extractor_refuses_what_it_cannot_name),
        cmocka_unit_test(new_constraint_is_reported),
        cmocka_unit_test(every_schema_constraint_is_catalogued),
        cmocka_unit_test(every_catalogue_entry_exists_in_schema),
        cmocka_unit_test(catalogue_is_well_formed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
