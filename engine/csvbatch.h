/* A batch of CSV records copied out of the reader: the unit the parsing thread hands to
 * the inserting one (csvpipe.h), and the unit csvload inserts with one multi-row
 * INSERT.  Pure C; no Lua, no SQLite.
 *
 * A batch holds up to `cap` records, each with its own field count, their bytes in one
 * buffer (each field NUL-terminated, an empty unquoted field kept as NULL) and each
 * record's line.  It is full at `cap` records or once its bytes pass `max_bytes`, so its
 * memory is bounded by the caller's limits (and one record's size), never by the file. */
#ifndef VIGIL_CSVBATCH_H
#define VIGIL_CSVBATCH_H

#include <stddef.h>

#include "csvread.h"

struct csvbatch {
    int cap;                    /* records it holds at most */
    int n;                      /* records in it */
    size_t max_bytes;           /* full once this many field bytes are in it */
    char *buf;                  /* the field bytes */
    size_t used, size;
    size_t *offs, *lens;        /* per field of every record, in order */
    unsigned char *isnull;
    size_t nfields, fieldcap;
    size_t *first;              /* per record: the index of its first field */
    int *count;                 /* per record: its field count */
    long *lines;                /* per record: the line where it starts */
    const char **vals;          /* the view csvbatch_record fills */
    int valcap;
    unsigned long long offset;  /* the input's bytes read when the batch was handed over */
};

/* Makes b an empty batch of up to rows records, full once its field bytes pass
 * max_bytes.  Returns 0, or -1 when memory ran out (b is then freeable). */
int csvbatch_init(struct csvbatch *b, int rows, size_t max_bytes);

/* Copies rec into b.  Returns 0, or -1 when memory ran out (b unchanged). */
int csvbatch_add(struct csvbatch *b, const struct csvread_record *rec);

/* True when b can take no more records. */
int csvbatch_full(const struct csvbatch *b);

/* Fills *rec with a view of record k of b, valid until the next call on b. */
void csvbatch_record(struct csvbatch *b, int k, struct csvread_record *rec);

/* Empties b, keeping its memory. */
void csvbatch_clear(struct csvbatch *b);

/* Frees what b holds (b itself is the caller's).  Accepts a zeroed batch. */
void csvbatch_free(struct csvbatch *b);

#endif
