/* What the schema says about one table, read from the connection: its CREATE statement
 * and whether triggers fire on it; and the one-integer queries (pragmas, counts) the
 * import asks.  Shared by the CSV loader (csvload.c), its diagnostics (csvload_diag.c),
 * its CHECK and foreign-key checks (csvcheck.c, csvfk.c) and `vigil import`
 * (cmd_import.c).  No Lua. */
#ifndef VIGIL_TABLEINFO_H
#define VIGIL_TABLEINFO_H

#include <sqlite3.h>

/* The CREATE statement of table (type 'table' in main, the name matched without case),
 * as a new sqlite3_malloc'd string, or NULL (no such table, or an error); when name is
 * not NULL, *name gets the table's exact name (sqlite3_malloc'd) or NULL. */
char *tableinfo_sql(sqlite3 *db, const char *table, char **name);

/* True when a trigger of main or temp is on table (name without case), or when that
 * cannot be told. */
int tableinfo_has_triggers(sqlite3 *db, const char *table);

/* The integer the one-row, one-column query sql returns (with ?1 bound to arg when arg
 * is not NULL), or fallback when it fails, returns no row or returns NULL. */
sqlite3_int64 tableinfo_int(sqlite3 *db, const char *sql, const char *arg,
                            sqlite3_int64 fallback);

#endif
