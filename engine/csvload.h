/* A streaming CSV loader: RFC 4180 text (libcsv) into one SQLite table, one prepared
 * INSERT bound per record, never holding the file in memory.  Shared by `vigil init`
 * and `vigil import`.  Pure C (SQLite + libcsv); no Lua.
 *
 * The text is read by csvread (csvread.h: UTF-8, BOM, quoting, line ends, limits).
 * The first record names the columns: a subset of the table's, in any order, matched
 * without case and surrounding spaces (or renamed through opt->map).  An empty unquoted
 * field is NULL, a quoted empty field "" is the empty string; every other value is bound
 * as TEXT (a STRICT table converts or rejects it) unless opt->check_values asks for
 * vigil's own checks.  Every record must have as many fields as the header.  Messages
 * have the form "NAME:LINE: ...", LINE being the physical line where the record starts;
 * a value check names the column too: "NAME:LINE:COLUMN: field 'x': '31/02/2022' is not
 * a date (February 2022 has 28 days)". */
#ifndef VIGIL_CSVLOAD_H
#define VIGIL_CSVLOAD_H

#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

#include "csvread.h"

/* The default cap on one field, in bytes. */
#define CSVLOAD_MAX_FIELD_DEFAULT CSVREAD_MAX_FIELD_DEFAULT

struct csvload_options {
    size_t max_field;   /* the longest field accepted, in bytes; 0 = the default */
    /* When set, a record that cannot be inserted (wrong field count, a value or
     * constraint rejected) is passed here with its message and skipped instead of
     * ending the load; returning nonzero ends the load with that message.  Broken CSV
     * (bad quoting, invalid UTF-8, NUL, an oversized field) always ends it. */
    int (*reject)(void *ud, long line, const char *msg);
    void *reject_ud;
    int delim;                  /* the delimiter; 0 = ',' */
    int max_columns;            /* the most fields in a record; 0 = csvread's default */
    int no_header;              /* no header: the fields are the table's columns in order */
    const char *const *map;     /* NULL-terminated pairs "csv name", "column": renames */
    int check_required;         /* a NOT NULL column without a default that the header
                                 * lacks is an error before any record is read */
    int check_values;           /* INTEGER, REAL and date columns are checked before the
                                 * insert: an empty field is NULL, DD/MM/YYYY becomes
                                 * YYYY-MM-DD, a bad value is rejected with its column */
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

/* Loads all the rest of the input, instead of csvload_feed and csvload_finish: first
 * (len bytes already read from in), then in to its end, read and parsed on a second
 * thread while this one inserts (the database is used from this thread only).
 * progress (may be NULL) is called with ud now and then.  Returns 0, or -1 once the
 * load has failed (see csvload_errmsg; a read error is "NAME: cannot read: ..."). */
int csvload_stream(struct csvload *ld, FILE *in, const void *first, size_t len,
                   void (*progress)(void *ud), void *ud);

/* The message of the failure ("" while none). */
const char *csvload_errmsg(const struct csvload *ld);

/* The number of records inserted so far. */
long long csvload_rows(const struct csvload *ld);

/* The bytes read so far. */
unsigned long long csvload_offset(const struct csvload *ld);

/* The record being rejected (valid inside the reject callback only), or NULL. */
const struct csvread_record *csvload_current(const struct csvload *ld);

/* The table columns of the header's fields, in order, and their count in *n (0 before
 * the header was read). */
const char *const *csvload_columns(const struct csvload *ld, int *n);

/* The table's date columns (found through a date() CHECK or a DATE type), written into
 * buf as "a, b" ("" when none): what check_values treats as dates. */
void csvload_date_columns(const struct csvload *ld, char *buf, size_t size);

/* Takes over from SQLite the checking of the table's foreign keys when vigil can check
 * them all exactly as SQLite would (csvfk.h: integer keys referring to a parent's
 * INTEGER PRIMARY KEY, and more conditions), for a load with check_values on, before
 * any record was inserted.  Call it while PRAGMA foreign_keys is on; when it returns 1,
 * the caller switches that pragma off (outside a transaction: it cannot change inside
 * one) before the load and on after, and must make sure the schema has not changed in
 * between (PRAGMA schema_version).  The messages, their order and the rows imported are
 * those of SQLite's own checks.  Returns 1 (taken over) or 0 (SQLite keeps them). */
int csvload_own_foreign_keys(struct csvload *ld);

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
