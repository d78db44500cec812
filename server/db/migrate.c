#include "db/migrate.h"

#include "util/str.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Any constant shared by every giteki instance; "giteki" in ASCII. */
#define MIGRATE_LOCK_KEY "6769746566"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_migration(const char *n)
{
    size_t l = strlen(n);
    return l > 9 && strspn(n, "0123456789") == 4 && n[4] == '_' && !strcmp(n + l - 4, ".sql");
}

static int list_files(const char *dir, char ***out, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_migration(e->d_name)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nv = realloc(v, cap * sizeof *v);
            if (!nv) break;
            v = nv;
        }
        if (!(v[n] = strdup(e->d_name))) break;
        n++;
    }
    closedir(d);
    qsort(v, n, sizeof *v, cmp_names);
    *out = v;
    *count = n;
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) break;
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

static int run(PGconn *c, const char *sql, char **err, const char *what)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) *err = gk_strfmt("%s: %s", what, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

static int apply_one(PGconn *c, const char *dir, const char *name, PGresult *applied, char **err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len;
    char *sql = read_file(path, &len);
    if (!sql) {
        *err = gk_strfmt("cannot read %s", path);
        return -1;
    }
    char sum[65];
    sha256_hex(sql, len, sum);
    for (int i = 0; i < PQntuples(applied); i++) {
        if (strcmp(PQgetvalue(applied, i, 0), name) == 0) {
            int same = strcmp(PQgetvalue(applied, i, 1), sum) == 0;
            free(sql);
            if (!same)
                *err = gk_strfmt("migration %s was changed after it was applied (checksum %s, "
                                 "recorded %s); migrations are append-only: add a new file instead",
                                 name, sum, PQgetvalue(applied, i, 1));
            return same ? 0 : -1;
        }
    }
    int rc = -1;
    if (run(c, "BEGIN", err, name)) goto out;
    if (run(c, sql, err, name)) {
        PQclear(PQexec(c, "ROLLBACK"));
        goto out;
    }
    const char *params[] = {name, sum};
    PGresult *r = PQexecParams(c, "INSERT INTO schema_migrations(name, sha256) VALUES ($1, $2)", 2,
                               NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) *err = gk_strfmt("%s: recording: %s", name, PQresultErrorMessage(r));
    PQclear(r);
    if (!ok) {
        PQclear(PQexec(c, "ROLLBACK"));
        goto out;
    }
    rc = run(c, "COMMIT", err, name) ? -1 : 1;
out:
    free(sql);
    return rc;
}

int gk_migrate(const char *conninfo, const char *schema_dir, char **err)
{
    *err = NULL;
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        *err = gk_strfmt("cannot connect to the database: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    char **files = NULL;
    size_t nfiles = 0;
    int applied_now = 0;
    PGresult *applied = NULL;
    if (run(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err, "advisory lock")) goto out;
    if (run(c,
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, sha256 text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())",
            err, "schema_migrations"))
        goto unlock;
    applied = PQexec(c, "SELECT name, sha256 FROM schema_migrations ORDER BY name");
    if (PQresultStatus(applied) != PGRES_TUPLES_OK) {
        *err = gk_strfmt("reading schema_migrations: %s", PQresultErrorMessage(applied));
        goto unlock;
    }
    if (list_files(schema_dir, &files, &nfiles)) {
        *err = gk_strfmt("cannot read the schema folder %s", schema_dir);
        goto unlock;
    }
    for (int i = 0; i < PQntuples(applied); i++) {
        const char *name = PQgetvalue(applied, i, 0);
        if (!bsearch(&name, files, nfiles, sizeof *files, cmp_names)) {
            *err = gk_strfmt("migration %s is recorded as applied but its file is missing from %s",
                             name, schema_dir);
            goto unlock;
        }
    }
    for (size_t i = 0; i < nfiles; i++) {
        int r = apply_one(c, schema_dir, files[i], applied, err);
        if (r < 0) goto unlock;
        applied_now += r;
    }
    /* The application role's privileges (schema/0019_roles_checkpoints.sql), set again for
     * the tables migrations just made, under the same lock. */
    if (applied_now > 0 && run(c,
                               "DO $$ BEGIN IF to_regproc('gk_grant_app_role') IS NOT NULL THEN "
                               "PERFORM gk_grant_app_role(); END IF; END $$",
                               err, "granting the application role"))
        goto unlock;
unlock:
    PQclear(PQexec(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
out:
    PQclear(applied);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    PQfinish(c);
    return *err ? -1 : applied_now;
}
