/* Building a vigil database from a datasets folder (schema.sql + one CSV per table).
 * Pure C (SQLite + libcsv); no Lua. */
#ifndef VIGIL_DBINIT_H
#define VIGIL_DBINIT_H

#include <stddef.h>

struct dbinit_options {
    const char *db_path;       /* the database file to create */
    const char *datasets_dir;  /* holds schema.sql and TABLE.csv files */
    int force;                 /* replace an existing db_path */
    int quiet;                 /* no progress notes on stderr */
};

/* Builds the database: runs schema.sql, then loads DIR/TABLE.csv for each table of the
 * schema in creation order, all in one transaction, into a temporary file beside db_path
 * that is renamed into place only when everything succeeded.  Returns 0 on success; on
 * failure returns 1 (bad data, I/O or SQLite error) or 2 (db_path exists and !force) and
 * writes a one-line message ("datasets/subjects.csv:12: field 'sex': ...") into err.
 * No database file is left behind on failure. */
int dbinit_build(const struct dbinit_options *opt, char *err, size_t errlen);

#endif
