/* Inferring a table from the start of a CSV file; see csvinfer.h.
 *
 * The first record is kept aside: whether it is a header is decided once the columns'
 * types are known from the records below it (csvsniff_header); when it is not, its
 * values join the others.  Reading stops after the sample: the callback stops the
 * reader, which then counts as failed, so `done` tells the two apart. */
#include "csvinfer.h"
#include "csvread.h"
#include "csvsniff.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR_SIZE 1024
#define WHY_SIZE 256

struct csvinfer {
    char *name;
    struct csvinfer_options opt;
    struct csvread *rd;

    int ncols;                      /* fields of the first record */
    char **first;                   /* its fields (NULL for an empty one) */
    size_t *first_len;
    long first_line;
    struct csvsniff_column *cols;   /* what is known of each column */

    long sampled;                   /* records read after the first */
    long last_line;
    int done;                       /* the sample is complete */
    int decided;                    /* decide_header has run */
    int has_header;
    char header_why[WHY_SIZE];
    int failed;
    char err[ERR_SIZE];
};

/* Records the failure message (printf-style) unless one is already there. */
static void fail(struct csvinfer *in, const char *fmt, ...)
{
    va_list ap;
    if (in->failed)
        return;
    in->failed = 1;
    va_start(ap, fmt);
    vsnprintf(in->err, sizeof in->err, fmt, ap);
    va_end(ap);
}

/* Keeps the first record aside.  Returns 0 or -1 (memory). */
static int keep_first(struct csvinfer *in, const struct csvread_record *rec)
{
    int i;
    in->ncols = rec->n;
    in->first_line = rec->line;
    in->first = calloc((size_t)rec->n, sizeof *in->first);
    in->first_len = calloc((size_t)rec->n, sizeof *in->first_len);
    in->cols = calloc((size_t)rec->n, sizeof *in->cols);
    if (!in->first || !in->first_len || !in->cols)
        return -1;
    for (i = 0; i < rec->n; i++) {
        if (!rec->vals[i])
            continue;
        in->first[i] = malloc(rec->lens[i] + 1);
        if (!in->first[i])
            return -1;
        memcpy(in->first[i], rec->vals[i], rec->lens[i] + 1);
        in->first_len[i] = rec->lens[i];
    }
    return 0;
}

/* csvread's record callback: the first record is kept, the others counted into the
 * columns.  Stops the reader once the sample is complete. */
static int on_record(void *ud, const struct csvread_record *rec)
{
    struct csvinfer *in = ud;
    int i;
    if (!in->first) {
        if (keep_first(in, rec) != 0) {
            fail(in, "%s: out of memory", in->name);
            csvread_fail(in->rd, in->err);
            return 1;
        }
        return 0;
    }
    for (i = 0; i < rec->n && i < in->ncols; i++)
        csvsniff_add(&in->cols[i], rec->vals[i] ? rec->vals[i] : "",
                     rec->vals[i] ? rec->lens[i] : 0, rec->line);
    in->sampled++;
    in->last_line = rec->line;
    if (in->sampled >= in->opt.sample) {
        in->done = 1;
        return 1;
    }
    return 0;
}

/* A new inference; see csvinfer.h. */
struct csvinfer *csvinfer_new(const char *name, const struct csvinfer_options *opt)
{
    struct csvinfer *in = calloc(1, sizeof *in);
    struct csvread_options ro;
    if (!in)
        return NULL;
    if (opt)
        in->opt = *opt;
    if (in->opt.sample <= 0)
        in->opt.sample = CSVINFER_SAMPLE;
    memset(&ro, 0, sizeof ro);
    ro.delim = in->opt.delim;
    ro.max_field = in->opt.max_field;
    ro.max_columns = in->opt.max_columns;
    ro.header = !in->opt.no_header;
    in->name = strdup(name);
    in->rd = csvread_new(name, &ro, on_record, in);
    if (!in->name || !in->rd) {
        csvinfer_free(in);
        return NULL;
    }
    return in;
}

/* Reads the next len bytes; see csvinfer.h. */
int csvinfer_feed(struct csvinfer *in, const void *data, size_t len)
{
    if (in->done)
        return 1;
    if (in->failed)
        return -1;
    if (csvread_feed(in->rd, data, len) != 0) {
        if (in->done)
            return 1;
        fail(in, "%s", csvread_errmsg(in->rd));
        return -1;
    }
    return 0;
}

/* Ends the input; see csvinfer.h. */
int csvinfer_finish(struct csvinfer *in)
{
    if (in->done)
        return 0;
    if (in->failed)
        return -1;
    if (csvread_finish(in->rd) != 0 && !in->done) {
        fail(in, "%s", csvread_errmsg(in->rd));
        return -1;
    }
    if (!in->first) {
        fail(in, "%s: empty file (nothing to infer a table from)", in->name);
        return -1;
    }
    return 0;
}

/* Decides whether the first record is a header; when it is not, its values join the
 * columns. */
static void decide_header(struct csvinfer *in)
{
    enum csvsniff_type *types;
    char why[WHY_SIZE];
    int i;
    if (in->decided)
        return;
    in->decided = 1;
    if (in->opt.no_header) {
        in->has_header = 0;
        snprintf(in->header_why, sizeof in->header_why, "none (--no-header): the columns "
                 "are named column1 to column%d", in->ncols);
    } else {
        types = malloc(sizeof *types * (size_t)in->ncols);
        if (!types) {
            in->has_header = 1;
            snprintf(in->header_why, sizeof in->header_why, "assumed (out of memory)");
            return;
        }
        for (i = 0; i < in->ncols; i++)
            types[i] = csvsniff_infer(&in->cols[i], why, sizeof why);
        in->has_header = csvsniff_header((const char *const *)in->first, in->first_len,
                                         in->ncols, types, in->header_why,
                                         sizeof in->header_why);
        free(types);
    }
    if (!in->has_header)
        for (i = 0; i < in->ncols; i++)
            csvsniff_add(&in->cols[i], in->first[i] ? in->first[i] : "",
                         in->first[i] ? in->first_len[i] : 0, in->first_line);
}

/* A growing string. */
struct text {
    char *p;
    size_t len, cap;
    int oom;
};

/* Appends len bytes of s to t. */
static void put(struct text *t, const char *s, size_t len)
{
    if (t->oom)
        return;
    if (t->len + len + 1 > t->cap) {
        size_t cap = (t->cap ? t->cap * 2 : 1024) + len;
        char *p = realloc(t->p, cap);
        if (!p) {
            t->oom = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, len);
    t->len += len;
    t->p[t->len] = '\0';
}

/* Appends a NUL-terminated string to t. */
static void puts_(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* Appends name to t as a quoted SQL identifier ("" for a quote). */
static void put_ident(struct text *t, const char *name, size_t len)
{
    size_t i;
    put(t, "\"", 1);
    for (i = 0; i < len; i++) {
        if (name[i] == '"')
            put(t, "\"", 1);
        put(t, name + i, 1);
    }
    put(t, "\"", 1);
}

/* The name of column i into *name and *len: the header's field, spaces trimmed, or
 * columnN (written into buf). */
static void column_name(const struct csvinfer *in, int i, char *buf, size_t size,
                        const char **name, size_t *len)
{
    const char *s = in->first[i] ? in->first[i] : "";
    size_t n = in->first[i] ? in->first_len[i] : 0;
    if (!in->has_header) {
        snprintf(buf, size, "column%d", i + 1);
        *name = buf;
        *len = strlen(buf);
        return;
    }
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *name = s;
    *len = n;
}

/* True when the names a and b (their lengths given) are the same to SQLite (ASCII case
 * ignored). */
static int same_name(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;
    if (alen != blen)
        return 0;
    for (i = 0; i < alen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

/* Checks the header's names: none empty, none twice.  Returns 0, or -1 (failed, every
 * problem listed). */
static int check_names(struct csvinfer *in)
{
    char buf[32], buf2[32], msg[ERR_SIZE] = "";
    size_t used = 0;
    int i, k;
    for (i = 0; i < in->ncols && used < sizeof msg; i++) {
        const char *a, *b;
        size_t alen, blen;
        column_name(in, i, buf, sizeof buf, &a, &alen);
        if (alen == 0) {
            used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s:%ld:%d: header field "
                                     "has no name (a column needs one)", used ? "\n" : "",
                                     in->name, in->first_line, i + 1);
            continue;
        }
        for (k = 0; k < i; k++) {
            column_name(in, k, buf2, sizeof buf2, &b, &blen);
            if (same_name(a, alen, b, blen)) {
                used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s:%ld:%d: header "
                                         "field '%.*s' names column %d again", used ? "\n" : "",
                                         in->name, in->first_line, i + 1,
                                         (int)(alen < 200 ? alen : 200), a, k + 1);
                break;
            }
        }
    }
    if (msg[0]) {
        fail(in, "%s", msg);
        return -1;
    }
    return 0;
}

/* Writes the CREATE TABLE statement; see csvinfer.h. */
char *csvinfer_create(struct csvinfer *in, const char *table)
{
    struct text t = { NULL, 0, 0, 0 };
    char why[WHY_SIZE], buf[32];
    int i;
    if (in->failed)
        return NULL;
    if (!in->first || in->ncols == 0) {
        fail(in, "%s: empty file (nothing to infer a table from)", in->name);
        return NULL;
    }
    decide_header(in);
    if (check_names(in) != 0)
        return NULL;
    puts_(&t, "CREATE TABLE ");
    put_ident(&t, table, strlen(table));
    puts_(&t, " (\n");
    for (i = 0; i < in->ncols; i++) {
        const char *name;
        size_t len;
        enum csvsniff_type type = csvsniff_infer(&in->cols[i], why, sizeof why);
        column_name(in, i, buf, sizeof buf, &name, &len);
        puts_(&t, "  ");
        put_ident(&t, name, len);
        puts_(&t, " ");
        puts_(&t, csvsniff_sql_type(type));
        if (type == CSVSNIFF_DATE) {
            puts_(&t, " CHECK (");
            put_ident(&t, name, len);
            puts_(&t, " IS date(");
            put_ident(&t, name, len);
            puts_(&t, ", '+0 days'))");
        }
        puts_(&t, i + 1 < in->ncols ? ",  -- " : "   -- ");
        puts_(&t, why);     /* one line: csvsniff keeps line ends out of it */
        puts_(&t, "\n");
    }
    puts_(&t, ") STRICT;\n");
    if (t.oom) {
        free(t.p);
        fail(in, "%s: out of memory", in->name);
        return NULL;
    }
    return t.p;
}

/* Whether the first record is a header, and why; see csvinfer.h. */
int csvinfer_header(const struct csvinfer *in, const char **why)
{
    if (why)
        *why = in->header_why;
    return in->has_header;
}

/* The records sampled; see csvinfer.h. */
long csvinfer_sampled(const struct csvinfer *in, long *last_line, int *whole)
{
    long n = in->sampled + (in->has_header ? 0 : 1);
    if (last_line)
        *last_line = in->sampled ? in->last_line : in->first_line;
    if (whole)
        *whole = !in->done;
    return n;
}

/* The message of the failure ("" while none). */
const char *csvinfer_errmsg(const struct csvinfer *in)
{
    return in->err;
}

/* Frees the inference; see csvinfer.h. */
void csvinfer_free(struct csvinfer *in)
{
    int i;
    if (!in)
        return;
    csvread_free(in->rd);
    for (i = 0; in->first && i < in->ncols; i++)
        free(in->first[i]);
    free(in->first);
    free(in->first_len);
    free(in->cols);
    free(in->name);
    free(in);
}
