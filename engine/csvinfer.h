/* Inferring a table from the start of a CSV file, for `vigil import --create` and
 * `--sniff`: the header (or not), each column's type (INTEGER, REAL, date, TEXT) with
 * the reason, and the CREATE TABLE statement that says them.  The first records (a
 * bounded sample) are read through csvread; the import then checks every record against
 * the types chosen.  Pure C; no Lua, no SQLite. */
#ifndef VIGIL_CSVINFER_H
#define VIGIL_CSVINFER_H

#include <stddef.h>

/* The records read to infer the types (the header not counted). */
#define CSVINFER_SAMPLE 10000

struct csvinfer_options {
    int delim;          /* 0 = ',' */
    int no_header;      /* the first record is data: columns are named column1, ... */
    size_t max_field;   /* csvread's limits; 0 = the defaults */
    int max_columns;
    long sample;        /* records to read; 0 = CSVINFER_SAMPLE */
};

struct csvinfer;

/* A new inference for the file called name (in messages).  NULL when memory runs out. */
struct csvinfer *csvinfer_new(const char *name, const struct csvinfer_options *opt);

/* Reads the next len bytes.  Returns 1 once the sample is complete (feed no more),
 * 0 to ask for more, -1 when the file is broken (see csvinfer_errmsg). */
int csvinfer_feed(struct csvinfer *in, const void *data, size_t len);

/* Ends the input before the sample was complete.  Returns 0 or -1. */
int csvinfer_finish(struct csvinfer *in);

/* Decides the header and the types and writes the CREATE TABLE statement for table,
 * one column a line, each followed by a comment with the reason for its type.  Date
 * columns are TEXT with CHECK ("x" IS date("x", '+0 days')), which is how the importer
 * knows them; the table is STRICT.  Returns a new string (free it), or NULL with the
 * problem in csvinfer_errmsg (no columns, names empty or twice, memory). */
char *csvinfer_create(struct csvinfer *in, const char *table);

/* After csvinfer_create: 1 when the first record is a header, and the reason. */
int csvinfer_header(const struct csvinfer *in, const char **why);

/* The records sampled (the header not counted), the line of the last one, and whether
 * they are the whole file. */
long csvinfer_sampled(const struct csvinfer *in, long *last_line, int *whole);

/* The message of the failure ("" while none). */
const char *csvinfer_errmsg(const struct csvinfer *in);

/* Frees the inference.  Accepts NULL. */
void csvinfer_free(struct csvinfer *in);

#endif
