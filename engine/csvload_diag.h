/* Explaining a rejected CSV record: which field SQLite refused and why, in words a
 * person fixing the file can act on.  Used by csvload.c.  Pure C; no Lua. */
#ifndef VIGIL_CSVLOAD_DIAG_H
#define VIGIL_CSVLOAD_DIAG_H

#include <stddef.h>

#include <sqlite3.h>

/* One record as the loader holds it: the column named by each field and its value. */
struct csvrec {
    int n;                      /* number of fields */
    const char *const *names;   /* the header's column name of each field */
    const char *const *vals;    /* each value, NULL for SQL NULL */
    const size_t *lens;         /* each value's length in bytes */
};

/* Writes into buf a printable form of a value: NULL, or the value in single quotes,
 * cut after about 60 bytes (at a character boundary, marked "..."), with control
 * characters, backslash and quote escaped. */
void csvdiag_value(char *buf, size_t size, const char *val, size_t len);

/* Explains why inserting rec into table failed with SQLite's result code rc (extended)
 * and message msg.  Writes one line into buf, either
 *   "field 'NAME' (column N): VALUE rejected: MSG"  when one field is to blame, or
 *   "record rejected: MSG (field 'a' (column 1) = VALUE, ...)"  otherwise.
 * For a foreign key it finds the failing reference by looking up the parent rows. */
void csvdiag_explain(sqlite3 *db, const char *table, const struct csvrec *rec, int rc,
                     const char *msg, char *buf, size_t size);

#endif
