/* Schema migrations: the files schema/NNNN_name.sql, applied in name order, each in its own
 * transaction, recorded in schema_migrations with the SHA-256 of the file. Runs under a
 * PostgreSQL advisory lock so several instances can start at once. An applied migration whose
 * file changed (or vanished) is an error: migrations are append-only. */
#ifndef GK_DB_MIGRATE_H
#define GK_DB_MIGRATE_H

/* Returns the number of migrations applied now (>= 0), or -1 with a malloc'd *err. */
int gk_migrate(const char *conninfo, const char *schema_dir, char **err);

#endif
