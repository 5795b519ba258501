/* A batch of CSV records; see csvbatch.h.
 *
 * The per-record arrays are sized once; the byte buffer and the per-field arrays grow,
 * doubling, when a record does not fit (a batch is full once it passes max_bytes, and
 * every field takes at least its NUL byte, so they grow past that by one record at
 * most). */
#include "csvbatch.h"

#include <stdlib.h>
#include <string.h>

/* Makes b an empty batch; see csvbatch.h. */
int csvbatch_init(struct csvbatch *b, int rows, size_t max_bytes)
{
    memset(b, 0, sizeof *b);
    if (rows < 1)
        rows = 1;
    b->cap = rows;
    b->max_bytes = max_bytes;
    b->first = malloc(sizeof *b->first * (size_t)rows);
    b->count = malloc(sizeof *b->count * (size_t)rows);
    b->lines = malloc(sizeof *b->lines * (size_t)rows);
    b->size = max_bytes < 4096 ? 4096 : max_bytes + max_bytes / 4;
    b->buf = malloc(b->size);
    if (!b->first || !b->count || !b->lines || !b->buf)
        return -1;
    return 0;
}

/* Makes room for need more fields.  Returns 0 or -1 (memory). */
static int grow_fields(struct csvbatch *b, size_t need)
{
    size_t cap = b->fieldcap ? b->fieldcap : 64;
    size_t *offs, *lens;
    unsigned char *isnull;
    if (b->nfields + need <= b->fieldcap)
        return 0;
    while (cap < b->nfields + need)
        cap *= 2;
    offs = realloc(b->offs, sizeof *offs * cap);
    if (offs)
        b->offs = offs;
    lens = realloc(b->lens, sizeof *lens * cap);
    if (lens)
        b->lens = lens;
    isnull = realloc(b->isnull, cap);
    if (isnull)
        b->isnull = isnull;
    if (!offs || !lens || !isnull)
        return -1;
    b->fieldcap = cap;
    return 0;
}

/* Copies rec into b; see csvbatch.h. */
int csvbatch_add(struct csvbatch *b, const struct csvread_record *rec)
{
    size_t need = 0, f;
    int i;
    if (b->n >= b->cap)
        return -1;
    for (i = 0; i < rec->n; i++)
        need += (rec->vals[i] ? rec->lens[i] : 0) + 1;
    if (b->used + need > b->size) {
        size_t size = b->size;
        char *p;
        while (size < b->used + need)
            size *= 2;
        p = realloc(b->buf, size);
        if (!p)
            return -1;
        b->buf = p;
        b->size = size;
    }
    if (grow_fields(b, (size_t)rec->n) != 0)
        return -1;
    if (rec->n > b->valcap) {   /* the view of the widest record */
        const char **v = realloc(b->vals, sizeof *v * (size_t)rec->n);
        if (!v)
            return -1;
        b->vals = v;
        b->valcap = rec->n;
    }
    f = b->nfields;
    for (i = 0; i < rec->n; i++, f++) {
        size_t len = rec->vals[i] ? rec->lens[i] : 0;
        b->offs[f] = b->used;
        b->lens[f] = len;
        b->isnull[f] = rec->vals[i] == NULL;
        if (len)
            memcpy(b->buf + b->used, rec->vals[i], len);
        b->used += len;
        b->buf[b->used++] = '\0';
    }
    b->first[b->n] = b->nfields;
    b->count[b->n] = rec->n;
    b->lines[b->n] = rec->line;
    b->nfields = f;
    b->n++;
    return 0;
}

/* True when b can take no more records. */
int csvbatch_full(const struct csvbatch *b)
{
    return b->n >= b->cap || b->used >= b->max_bytes;
}

/* Fills *rec with a view of record k; see csvbatch.h. */
void csvbatch_record(struct csvbatch *b, int k, struct csvread_record *rec)
{
    size_t base = b->first[k];
    int i, n = b->count[k];
    for (i = 0; i < n; i++)
        b->vals[i] = b->isnull[base + (size_t)i] ? NULL : b->buf + b->offs[base + (size_t)i];
    rec->n = n;
    rec->vals = b->vals;
    rec->lens = b->lens ? b->lens + base : NULL;
    rec->line = b->lines[k];
}

/* Empties b, keeping its memory. */
void csvbatch_clear(struct csvbatch *b)
{
    b->n = 0;
    b->used = 0;
    b->nfields = 0;
}

/* Frees what b holds. */
void csvbatch_free(struct csvbatch *b)
{
    free(b->buf);
    free(b->offs);
    free(b->lens);
    free(b->isnull);
    free(b->first);
    free(b->count);
    free(b->lines);
    free(b->vals);
    memset(b, 0, sizeof *b);
}
