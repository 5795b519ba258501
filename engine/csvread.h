/* A streaming CSV reader: bytes in, records out, with the checks libcsv does not make.
 * Shared by the SQLite loader (csvload.c) and the Lua module (lcsv.c).  Pure C; no Lua.
 *
 * The accepted text: UTF-8 (a leading BOM is skipped; invalid UTF-8, NUL bytes and
 * UTF-16 are errors naming the line and the byte within it), RFC 4180 quoting with a
 * chosen delimiter (',' by default), LF, CRLF or CR line ends, blank lines skipped.
 * An unterminated quote, a field longer than max_field bytes and a record with more than
 * max_columns fields are errors.  An empty unquoted field is NULL, a quoted empty field
 * "" is the empty string.  Spaces are part of a field.  Each record carries the physical
 * line where it starts, right even when quoted fields span lines.  Messages have the form
 * "NAME:LINE: ..." (NAME the file name given). */
#ifndef VIGIL_CSVREAD_H
#define VIGIL_CSVREAD_H

#include <stddef.h>

/* The default caps on one field (bytes) and on a record's fields. */
#define CSVREAD_MAX_FIELD_DEFAULT ((size_t)1 << 20)
#define CSVREAD_MAX_COLUMNS_DEFAULT 4096

struct csvread_options {
    int delim;          /* the delimiter byte; 0 = ',' */
    size_t max_field;   /* the longest field accepted, in bytes; 0 = the default */
    int max_columns;    /* the most fields in one record; 0 = the default */
    int header;         /* the first record names the columns (only used in messages) */
};

/* One record: n fields, vals[i] NULL for an empty unquoted field (NUL-terminated
 * otherwise), lens[i] its length; line is where the record starts.  Valid only during
 * the callback. */
struct csvread_record {
    int n;
    const char *const *vals;
    const size_t *lens;
    long line;
};

/* Called for each record; returns 0 to go on, nonzero to stop the reader (after
 * csvread_fail, which gives the message). */
typedef int (*csvread_fn)(void *ud, const struct csvread_record *rec);

struct csvread;

/* A new reader for the file called name (in messages); opt may be NULL.  Returns NULL
 * when memory runs out. */
struct csvread *csvread_new(const char *name, const struct csvread_options *opt,
                            csvread_fn fn, void *ud);

/* Sends later records to fn (with ud) instead of the callback given to csvread_new. */
void csvread_set_callback(struct csvread *r, csvread_fn fn, void *ud);

/* Names the columns of later records in messages ("field 'x' (column N)"); names is
 * borrowed and must outlive the reader's use. */
void csvread_set_names(struct csvread *r, const char *const *names, int n);

/* Reads the next len bytes.  Returns 0, or -1 once reading has failed (see
 * csvread_errmsg); a failed reader refuses further input. */
int csvread_feed(struct csvread *r, const void *data, size_t len);

/* Ends the input: the last record without a line end is delivered; an unterminated
 * quote or character is an error.  Returns 0 or -1. */
int csvread_finish(struct csvread *r);

/* Makes the reader fail with msg (kept when a failure is already recorded). */
void csvread_fail(struct csvread *r, const char *msg);

/* The message of the failure ("" while none). */
const char *csvread_errmsg(const struct csvread *r);

/* The bytes read so far. */
unsigned long long csvread_offset(const struct csvread *r);

/* The records delivered so far (the header included). */
long long csvread_records(const struct csvread *r);

/* Frees the reader.  Accepts NULL. */
void csvread_free(struct csvread *r);

#endif
