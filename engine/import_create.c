/* `vigil import --create` and `--sniff`; see import_create.h.
 *
 * The sample is read in chunks, each kept (the loader reads them again), until csvinfer
 * has its records or the input ends; memory is bounded by the sample (CSVINFER_SAMPLE
 * records), not by the file. */
#include "import_create.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 65536

/* Appends len bytes to the kept bytes.  Returns 0 or -1 (memory). */
static int keep(struct import_sample *s, const unsigned char *data, size_t len)
{
    if (s->len + len > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : CHUNK_SIZE * 2;
        unsigned char *p;
        while (cap < s->len + len)
            cap *= 2;
        p = realloc(s->bytes, cap);
        if (!p)
            return -1;
        s->bytes = p;
        s->cap = cap;
    }
    memcpy(s->bytes + s->len, data, len);
    s->len += len;
    return 0;
}

/* Reads the sample; see import_create.h. */
int import_sample_read(struct import_sample *s, FILE *in, const unsigned char *first,
                       size_t len, const char *name, const char *table,
                       const struct csvinfer_options *opt, char *err, size_t errlen)
{
    unsigned char *chunk = malloc(CHUNK_SIZE);
    int rc = 0;
    s->infer = csvinfer_new(name, opt);
    if (!chunk || !s->infer || keep(s, first, len) != 0) {
        snprintf(err, errlen, "%s: out of memory", name);
        free(chunk);
        return -1;
    }
    if (len > 0)
        rc = csvinfer_feed(s->infer, first, len);
    while (rc == 0 && len > 0) {
        len = fread(chunk, 1, CHUNK_SIZE, in);
        if (len == 0)
            break;
        if (keep(s, chunk, len) != 0) {
            snprintf(err, errlen, "%s: out of memory", name);
            free(chunk);
            return -1;
        }
        rc = csvinfer_feed(s->infer, chunk, len);
    }
    free(chunk);
    if (rc == 0 && ferror(in)) {
        snprintf(err, errlen, "%s: cannot read: %s", name, strerror(errno));
        return -1;
    }
    if (rc == 0)
        rc = csvinfer_finish(s->infer);
    if (rc >= 0)
        s->create = csvinfer_create(s->infer, table);
    if (rc < 0 || !s->create) {
        snprintf(err, errlen, "%s", csvinfer_errmsg(s->infer));
        return -1;
    }
    return 0;
}

/* Prints the --sniff report; see import_create.h. */
int import_sample_print(const struct import_sample *s, FILE *out, const char *delim_why)
{
    const char *why;
    long last, n = csvinfer_sampled(s->infer, &last, NULL);
    int whole;
    csvinfer_sampled(s->infer, NULL, &whole);
    csvinfer_header(s->infer, &why);
    fprintf(out, "-- delimiter: %s\n", delim_why);
    fprintf(out, "-- header: %s\n", why);
    if (whole)
        fprintf(out, "-- sample: all %ld records of the file\n", n);
    else
        fprintf(out, "-- sample: the first %ld records (to line %ld); the import checks every "
                "record against these types\n", n, last);
    fputs(s->create, out);
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

/* Creates the table; see import_create.h. */
int import_sample_create(const struct import_sample *s, sqlite3 *db, const char *table,
                         char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int exists = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        exists = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    if (exists) {
        snprintf(err, errlen, "table %s already exists (import into it without --create)",
                 table);
        return -1;
    }
    if (sqlite3_exec(db, s->create, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot create table %s: %s", table, sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

/* Frees what s holds; see import_create.h. */
void import_sample_free(struct import_sample *s)
{
    free(s->bytes);
    csvinfer_free(s->infer);
    free(s->create);
    memset(s, 0, sizeof *s);
}
