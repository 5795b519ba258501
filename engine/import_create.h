/* `vigil import --create` and `--sniff`: reading the sample a table is inferred from
 * (csvinfer), keeping its bytes so the import can read them again (the input may be a
 * pipe), printing what was inferred, and creating the table.  No Lua. */
#ifndef VIGIL_IMPORT_CREATE_H
#define VIGIL_IMPORT_CREATE_H

#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

#include "csvinfer.h"

struct import_sample {
    unsigned char *bytes;       /* everything read from the input so far */
    size_t len, cap;
    struct csvinfer *infer;
    char *create;               /* the CREATE TABLE statement */
};

/* Reads the sample from in into s (zeroed by the caller); the first len bytes of the
 * input were read already into first.  name is the file's name in messages.  Returns 0,
 * or -1 with the message in err. */
int import_sample_read(struct import_sample *s, FILE *in, const unsigned char *first,
                       size_t len, const char *name, const char *table,
                       const struct csvinfer_options *opt, char *err, size_t errlen);

/* Prints the --sniff report to out: the delimiter (with delim_why), the header, the
 * sample, then the CREATE TABLE statement.  Returns 0, or -1 when writing failed. */
int import_sample_print(const struct import_sample *s, FILE *out, const char *delim_why);

/* Creates the table in db (the caller owns the transaction); an existing table is
 * refused.  Returns 0, or -1 with the message in err. */
int import_sample_create(const struct import_sample *s, sqlite3 *db, const char *table,
                         char *err, size_t errlen);

/* Frees what s holds. */
void import_sample_free(struct import_sample *s);

#endif
