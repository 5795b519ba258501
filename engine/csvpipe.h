/* A reading thread: a file read and parsed (csvread) on a thread of its own, its
 * records handed over in order, in batches (csvbatch.h), to the thread that inserts
 * them.  Pure C (POSIX threads); no Lua, no SQLite.
 *
 * The batches go round a ring of CSVPIPE_BATCHES: the reader fills one while the
 * consumer empties another, and waits when all are full, so memory stays flat whatever
 * the file's size.  Only the reading thread touches the reader and the file until
 * csvpipe_end returns; only the consumer touches the batches it was given. */
#ifndef VIGIL_CSVPIPE_H
#define VIGIL_CSVPIPE_H

#include <stddef.h>
#include <stdio.h>

#include "csvbatch.h"
#include "csvread.h"

#define CSVPIPE_BATCHES 4

struct csvpipe;

/* Starts reading: first (len bytes, already read from in; may be NULL when len is 0),
 * then the rest of in, fed to rd, whose record callback the pipe takes over.  With
 * hold, the reader stops after the first record until the batch holding it is given
 * back (so the consumer can read a header and name the columns in rd first).  name is
 * the file name of messages.  Returns the pipe, or NULL when memory or a thread could
 * not be had. */
struct csvpipe *csvpipe_start(struct csvread *rd, FILE *in, const void *first, size_t len,
                              int hold, const char *name);

/* The next batch of records in file order (waiting for it), or NULL once the input is
 * all read (or reading failed: see csvpipe_end). */
struct csvbatch *csvpipe_next(struct csvpipe *p);

/* Gives a batch csvpipe_next returned back to the reader. */
void csvpipe_release(struct csvpipe *p, struct csvbatch *b);

/* Stops the reader when it is still going (the consumer gave up), waits for its thread
 * and frees the pipe.  Returns 0 when the whole input was read, or -1 with the reader's
 * message (a broken file, a read error) in err. */
int csvpipe_end(struct csvpipe *p, char *err, size_t errlen);

#endif
