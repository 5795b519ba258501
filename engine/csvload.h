/* A streaming CSV loader: RFC 4180 text (libcsv) into one SQLite table, one prepared
 * INSERT bound per record, never holding the file in memory.  Shared by `vigil init`
 * and `vigil import`.  Pure C (SQLite + libcsv); no Lua.
 *
 * The accepted CSV: UTF-8 (a leading BOM is skipped; invalid UTF-8 and NUL bytes are
 * errors naming the line and byte), comma-separated, RFC 4180 quoting, LF or CRLF line
 * ends.  The first record names the columns: a subset of the table's, in any order.
 * An empty unquoted field is NULL, a quoted empty field "" is the empty string; every
 * other value is bound as TEXT (a STRICT table converts or rejects it).  Spaces are part
 * of a field.  Blank lines are skipped.  Every record must have as many fields as the
 * header.  Messages have the form "NAME:LINE: ...", LINE being the physical line where
 * the record starts. */
#ifndef VIGIL_CSVLOAD_H
#define VIGIL_CSVLOAD_H

#include <stddef.h>

#include <sqlite3.h>

/* The default cap on one field, in bytes. */
#define CSVLOAD_MAX_FIELD_DEFAULT ((size_t)1 << 20)

struct csvload_options {
    size_t max_field;   /* the longest field accepted, in bytes; 0 = the default */
    /* When set, a record that cannot be inserted (wrong field count, a value or
     * constraint rejected) is passed here with its message and skipped instead of
     * ending the load; returning nonzero ends the load with that message.  Broken CSV
     * (bad quoting, invalid UTF-8, NUL, an oversized field) always ends it. */
    int (*reject)(void *ud, long line, const char *msg);
    void *reject_ud;
};

struct csvload;

/* Starts loading into table of db (which must exist and have columns); name is the
 * file name used in messages.  opt may be NULL.  Returns the loader, or NULL with a
 * message in err (no such table, out of memory). */
struct csvload *csvload_new(sqlite3 *db, const char *table, const char *name,
                            const struct csvload_options *opt, char *err, size_t errlen);

/* Parses and inserts the next len bytes of the file.  Returns 0, or -1 once the load
 * has failed (see csvload_errmsg); a failed loader refuses further input. */
int csvload_feed(struct csvload *ld, const void *data, size_t len);

/* Ends the input: the last record without a line end is inserted, an unterminated
 * quote or a file without a header is an error.  Returns 0 or -1. */
int csvload_finish(struct csvload *ld);

/* The message of the failure ("" while none). */
const char *csvload_errmsg(const struct csvload *ld);

/* The number of records inserted so far. */
long long csvload_rows(const struct csvload *ld);

/* Frees the loader and its statement; the rows inserted stay (the caller owns the
 * transaction).  Accepts NULL. */
void csvload_free(struct csvload *ld);

/* Loads the file at path into table, reading it in chunks; name is used in messages
 * (path when NULL).  Sets *rows (may be NULL) to the records inserted.  Returns 0, or
 * -1 with a message in err. */
int csvload_path(sqlite3 *db, const char *table, const char *path, const char *name,
                 const struct csvload_options *opt, long long *rows,
                 char *err, size_t errlen);

#endif
