/* A reading thread; see csvpipe.h.
 *
 * The ring is three counters under one mutex: batches handed over (produced), taken
 * by the consumer (consumed) and given back (released).  The reader fills slot
 * produced % N once produced - released < N; the consumer takes slot consumed % N once
 * consumed < produced, and gives batches back in the order it took them.  One
 * condition variable, broadcast on every change, serves both sides.  The reader never
 * touches a batch between handing it over and getting it back. */
#include "csvpipe.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PIPE_ROWS   512                  /* records in a batch at most */
#define PIPE_BYTES  ((size_t)256 << 10)  /* a batch is full past this many field bytes */
#define CHUNK_SIZE  65536                /* bytes read from the file at a time */
#define ERR_SIZE    1024

struct csvpipe {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t changed;
    struct csvbatch ring[CSVPIPE_BATCHES];
    unsigned long produced, consumed, released;     /* under mu */
    int hold;               /* under mu: wait after the first record until it is back */
    int stop;               /* under mu: the consumer gave up */
    int done;               /* under mu: the reader has ended, with status */
    int status;             /* 0, or -1 with err (or read_errno) */
    int read_errno;         /* a read error's errno, 0 when none */
    char err[ERR_SIZE];

    /* the reading thread's own */
    struct csvread *rd;
    FILE *in;
    const unsigned char *first;
    size_t len;
    char *name;
    struct csvbatch *cur;   /* the batch being filled, or NULL when the reader stopped */
    unsigned long long offset;
    long long records;
};

/* Hands the batch being filled over to the consumer, then waits for the next free one
 * (and, after the first record with hold, for that record's batch to come back).
 * Returns 0, or -1 when the consumer gave up (the reader is then to stop). */
static int hand_over(struct csvpipe *p, int first)
{
    int stop;
    pthread_mutex_lock(&p->mu);
    p->cur->offset = p->offset;
    p->produced++;
    pthread_cond_broadcast(&p->changed);
    while (!p->stop && ((first && p->hold && p->released < p->produced) ||
                        p->produced - p->released >= CSVPIPE_BATCHES))
        pthread_cond_wait(&p->changed, &p->mu);
    p->hold = 0;
    stop = p->stop;
    p->cur = stop ? NULL : &p->ring[p->produced % CSVPIPE_BATCHES];
    pthread_mutex_unlock(&p->mu);
    if (p->cur)
        csvbatch_clear(p->cur);
    return stop ? -1 : 0;
}

/* The reader's record callback: adds the record to the batch being filled, handing it
 * over when full (or after the first record with hold).  Returns nonzero to stop the
 * reader. */
static int pipe_record(void *ud, const struct csvread_record *rec)
{
    struct csvpipe *p = ud;
    if (!p->cur)
        return 1;
    if (csvbatch_add(p->cur, rec) != 0) {
        char msg[ERR_SIZE];
        snprintf(msg, sizeof msg, "%s:%ld: out of memory", p->name, rec->line);
        csvread_fail(p->rd, msg);
        return 1;
    }
    p->records++;
    if (csvbatch_full(p->cur) || p->records == 1)
        return hand_over(p, p->records == 1) != 0;
    return 0;
}

/* The reading thread: feeds the first bytes and then the file to the reader, hands the
 * last batch over and says how reading ended. */
static void *pipe_main(void *arg)
{
    struct csvpipe *p = arg;
    unsigned char *chunk = malloc(CHUNK_SIZE);
    size_t n;
    int rc = 0, read_errno = 0;
    if (!chunk) {
        snprintf(p->err, sizeof p->err, "%s: out of memory", p->name);
        rc = -2;
    }
    if (rc == 0 && p->len > 0) {
        p->offset += p->len;
        rc = csvread_feed(p->rd, p->first, p->len);
    }
    while (rc == 0 && (n = fread(chunk, 1, CHUNK_SIZE, p->in)) > 0) {
        p->offset += n;
        rc = csvread_feed(p->rd, chunk, n);
    }
    if (rc == 0 && ferror(p->in)) {
        read_errno = errno ? errno : EIO;
        rc = -1;
    } else if (rc == 0) {
        rc = csvread_finish(p->rd);
    }
    if (rc == -1 && !read_errno)
        snprintf(p->err, sizeof p->err, "%s", csvread_errmsg(p->rd));
    free(chunk);
    pthread_mutex_lock(&p->mu);
    if (p->cur && p->cur->n > 0) {
        p->cur->offset = p->offset;
        p->produced++;
    }
    p->cur = NULL;
    p->read_errno = read_errno;
    p->status = rc ? -1 : 0;
    p->done = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Frees the pipe's memory (the thread is not running). */
static void pipe_free(struct csvpipe *p)
{
    int i;
    for (i = 0; i < CSVPIPE_BATCHES; i++)
        csvbatch_free(&p->ring[i]);
    free(p->name);
    free(p);
}

/* Starts reading; see csvpipe.h. */
struct csvpipe *csvpipe_start(struct csvread *rd, FILE *in, const void *first, size_t len,
                              int hold, const char *name)
{
    struct csvpipe *p = calloc(1, sizeof *p);
    int i, ok;
    if (!p)
        return NULL;
    ok = (p->name = strdup(name)) != NULL;
    for (i = 0; i < CSVPIPE_BATCHES; i++)
        if (csvbatch_init(&p->ring[i], PIPE_ROWS, PIPE_BYTES) != 0)
            ok = 0;
    if (!ok) {
        pipe_free(p);
        return NULL;
    }
    p->rd = rd;
    p->in = in;
    p->first = first;
    p->len = len;
    p->hold = hold;
    p->cur = &p->ring[0];
    csvread_set_callback(rd, pipe_record, p);
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        pipe_free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->changed, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        pipe_free(p);
        return NULL;
    }
    if (pthread_create(&p->thread, NULL, pipe_main, p) != 0) {
        pthread_cond_destroy(&p->changed);
        pthread_mutex_destroy(&p->mu);
        pipe_free(p);
        return NULL;
    }
    return p;
}

/* The next batch in file order; see csvpipe.h. */
struct csvbatch *csvpipe_next(struct csvpipe *p)
{
    struct csvbatch *b = NULL;
    pthread_mutex_lock(&p->mu);
    while (p->consumed == p->produced && !p->done)
        pthread_cond_wait(&p->changed, &p->mu);
    if (p->consumed < p->produced)
        b = &p->ring[p->consumed++ % CSVPIPE_BATCHES];
    pthread_mutex_unlock(&p->mu);
    return b;
}

/* Gives a batch back; see csvpipe.h. */
void csvpipe_release(struct csvpipe *p, struct csvbatch *b)
{
    (void)b;
    pthread_mutex_lock(&p->mu);
    p->released++;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
}

/* Stops the reader, waits for it and frees the pipe; see csvpipe.h. */
int csvpipe_end(struct csvpipe *p, char *err, size_t errlen)
{
    int status;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    status = p->status;
    if (status != 0 && p->read_errno)
        snprintf(err, errlen, "%s: cannot read: %s", p->name, strerror(p->read_errno));
    else if (status != 0)
        snprintf(err, errlen, "%s", p->err);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->mu);
    pipe_free(p);
    return status;
}
