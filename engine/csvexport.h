/* Writing the rows of a prepared SQLite statement as CSV (csvwrite.h), shared by
 * `vigil export` and csv.export in Lua.  Pure C (SQLite); no Lua. */
#ifndef VIGIL_CSVEXPORT_H
#define VIGIL_CSVEXPORT_H

#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

struct csvexport_options {
    int delim;          /* 0 = ',' */
    int raw;            /* no spreadsheet-safe neutralising */
    int no_header;      /* no header line of column names */
};

/* Steps st (bound, not yet stepped) to its end, writing a header of column names and
 * one record per row to f: integers and reals as numbers, text as text, NULL as an
 * empty field, a BLOB as lowercase hex.  The statement is reset, not finalized.  Sets
 * *rows (may be NULL) to the rows written.  Returns 0, or -1 with a message in err (an
 * SQL error or a failed write). */
int csvexport_stmt(sqlite3_stmt *st, FILE *f, const struct csvexport_options *opt,
                   long long *rows, char *err, size_t errlen);

/* Prepares sql on db as one read-only statement (trailing spaces and a semicolon
 * allowed).  Returns it, or NULL with a message in err. */
sqlite3_stmt *csvexport_prepare(sqlite3 *db, const char *sql, char *err, size_t errlen);

#endif
