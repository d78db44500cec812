/* Subcommands of the giteki binary that live outside main.c, one file each. Each takes the
 * arguments after its name and returns the process exit status. */
#ifndef GK_CLI_H
#define GK_CLI_H

/* giteki import-cc FILE [--archived] [FLAGS]: import a CC Portal certified-products (or,
 * with --archived, archived-products) CSV into the registry and print the summary.
 * Exit status: 0 imported, every line accepted; 2 imported, some lines rejected (listed);
 * 1 nothing imported (bad header, unreadable file, database error, bad arguments). */
int gk_cli_import_cc(int argc, char **argv);

/* giteki import-certificates FILE [FLAGS]: register pre-existing certificates from a CSV
 * (service/certificates.h). Exit status: 0 imported, every line accepted; 2 imported, some
 * lines rejected (listed); 1 nothing imported. */
int gk_cli_import_certificates(int argc, char **argv);

/* giteki audit verify [FLAGS]: check the audit log's hash chain (crypto/audit_chain.h).
 * Exit status: 0 intact, 2 broken (the first broken entry is named), 1 cannot check. */
int gk_cli_audit(int argc, char **argv);

/* giteki audit checkpoint | verify (cli/audit.c, issue 18): `checkpoint` signs the chain head
 * now; `verify` runs gk_cli_audit, then checks every signed checkpoint. Exit status as
 * gk_cli_audit's. */
int gk_cli_audit_main(int argc, char **argv);

#endif
