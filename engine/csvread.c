/* A streaming CSV reader over libcsv, with the checks libcsv does not make.
 *
 * Input is cut into segments ending at each CR or LF before it reaches libcsv, so we
 * always know the physical line being parsed: a record starts on the line of the first
 * segment with content fed while no record is open (libcsv's row callback closes one),
 * which stays right when quoted fields span lines.  A CR followed by LF is one line end;
 * a CR alone is one too.  The same pass checks UTF-8 and NUL bytes.  A record's fields
 * are copied into one buffer (each NUL-terminated) and handed over when it ends. */
#include "csvread.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARSER_BLK  4096    /* libcsv's field buffer grows by this much */
#define ERR_SIZE    1024

struct csvread {
    char *name;                 /* the file name shown in messages */
    struct csvread_options opt;
    csvread_fn fn;
    void *ud;
    struct csv_parser parser;

    const char *const *names;   /* column names for messages (borrowed), or NULL */
    int nnames;

    char *buf;                  /* the current record's field bytes */
    size_t buflen, bufcap;
    size_t *offs, *lens;        /* per field */
    const char **vals;
    unsigned char *isnull;
    int cap;                    /* fields the arrays hold */
    int nfields;                /* fields seen in the current record */

    long line;                  /* physical line being parsed (1-based) */
    size_t line_pos;            /* bytes of that line consumed so far */
    long rec_line;              /* line where the current record starts */
    int between;                /* no record open */
    int after_cr;               /* the last byte was a CR: an LF now ends no new line */

    int u_need;                 /* UTF-8: continuation bytes still expected */
    unsigned char u_lo, u_hi;   /* the range allowed for the next one */
    unsigned char u_seq[4];     /* the character's bytes so far, for messages */
    int u_have;
    size_t u_pos;               /* its first byte's position in the line */

    unsigned char head[3];      /* the first bytes, held back until a BOM is ruled out */
    int nhead, head_done;

    unsigned long long offset;  /* bytes fed */
    long long records;
    int failed, finished;
    char err[ERR_SIZE];
};

/* libcsv's space test: no byte is a space to be trimmed; RFC 4180 keeps them. */
static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* Records the failure message (printf-style) unless one is already there. */
static void fail(struct csvread *r, const char *fmt, ...)
{
    va_list ap;
    if (r->failed)
        return;
    r->failed = 1;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

/* Makes the reader fail with msg; see csvread.h. */
void csvread_fail(struct csvread *r, const char *msg)
{
    fail(r, "%s", msg);
}

/* Describes field idx of the current record for messages, after "NAME:LINE:COLUMN: ":
 * "field 'x'", "header field" or "field N". */
static void field_label(const struct csvread *r, int idx, char *buf, size_t size)
{
    if (r->names && idx < r->nnames)
        snprintf(buf, size, "field '%s'", r->names[idx]);
    else if (r->opt.header && r->records == 0)
        snprintf(buf, size, "header field");
    else
        snprintf(buf, size, "field %d", idx + 1);
}

/* Makes room for field number idx in the per-field arrays.  Returns 0 or -1. */
static int grow_fields(struct csvread *r, int idx)
{
    int cap = r->cap ? r->cap : 16;
    size_t *offs, *lens;
    const char **vals;
    unsigned char *isnull;
    if (idx < r->cap)
        return 0;
    while (cap <= idx)
        cap *= 2;
    offs = realloc(r->offs, sizeof *offs * (size_t)cap);
    if (offs)
        r->offs = offs;
    lens = realloc(r->lens, sizeof *lens * (size_t)cap);
    if (lens)
        r->lens = lens;
    vals = realloc(r->vals, sizeof *vals * (size_t)cap);
    if (vals)
        r->vals = vals;
    isnull = realloc(r->isnull, (size_t)cap);
    if (isnull)
        r->isnull = isnull;
    if (!offs || !lens || !vals || !isnull)
        return -1;
    r->cap = cap;
    return 0;
}

/* libcsv's field callback: keeps a record's value. */
static void on_field(void *s, size_t len, void *ud)
{
    struct csvread *r = ud;
    int idx;
    if (r->failed)
        return;
    idx = r->nfields++;
    if (len > r->opt.max_field) {
        char label[256];
        field_label(r, idx, label, sizeof label);
        fail(r, "%s:%ld:%d: %s is longer than %zu bytes", r->name, r->rec_line, idx + 1, label,
             r->opt.max_field);
        return;
    }
    if (idx >= r->opt.max_columns) {
        fail(r, "%s:%ld: record has more than %d fields (the limit on columns)", r->name,
             r->rec_line, r->opt.max_columns);
        return;
    }
    if (grow_fields(r, idx) != 0) {
        fail(r, "%s:%ld: out of memory", r->name, r->rec_line);
        return;
    }
    if (r->buflen + len + 1 > r->bufcap) {
        size_t cap = r->bufcap ? r->bufcap : 1024;
        char *p;
        while (cap < r->buflen + len + 1)
            cap *= 2;
        p = realloc(r->buf, cap);
        if (!p) {
            fail(r, "%s:%ld: out of memory", r->name, r->rec_line);
            return;
        }
        r->buf = p;
        r->bufcap = cap;
    }
    r->offs[idx] = r->buflen;
    r->lens[idx] = len;
    r->isnull[idx] = s == NULL;
    if (len)
        memcpy(r->buf + r->buflen, s, len);
    r->buflen += len;
    r->buf[r->buflen++] = '\0';
}

/* libcsv's record callback: hands the record over. */
static void on_record(int c, void *ud)
{
    struct csvread *r = ud;
    (void)c;
    r->between = 1;
    if (!r->failed) {
        struct csvread_record rec;
        int i;
        for (i = 0; i < r->nfields; i++)
            r->vals[i] = r->isnull[i] ? NULL : r->buf + r->offs[i];
        rec.n = r->nfields;
        rec.vals = r->vals;
        rec.lens = r->lens;
        rec.line = r->rec_line;
        if (r->fn(r->ud, &rec) != 0)
            fail(r, "%s:%ld: stopped", r->name, r->rec_line);
        r->records++;
    }
    r->nfields = 0;
    r->buflen = 0;
}

/* Feeds one segment (at most one line end, at its end) to libcsv; pos is the line's
 * byte count before it.  Returns 0 or -1. */
static int parse_segment(struct csvread *r, const unsigned char *seg, size_t n, size_t pos)
{
    size_t done = csv_parse(&r->parser, seg, n, on_field, on_record, r);
    if (r->failed)
        return -1;
    if (done < n) {
        if (csv_error(&r->parser) != CSV_EPARSE)
            fail(r, "%s:%ld: %s", r->name, r->line, csv_strerror(csv_error(&r->parser)));
        else if (seg[done] == '"')
            fail(r, "%s:%ld: byte %zu: a quote inside an unquoted field (quote the whole "
                 "field and double the quote)", r->name, r->line, pos + done + 1);
        else
            fail(r, "%s:%ld: byte %zu: text after the closing quote of a field", r->name,
                 r->line, pos + done + 1);
        return -1;
    }
    if (csv_get_buffer_size(&r->parser) > r->opt.max_field + PARSER_BLK + 1) {
        char label[256];
        field_label(r, r->nfields, label, sizeof label);
        fail(r, "%s:%ld:%d: %s is longer than %zu bytes", r->name, r->rec_line, r->nfields + 1,
             label, r->opt.max_field);
        return -1;
    }
    return 0;
}

/* Reports byte c, which breaks UTF-8 (or is NUL), at the current position: an
 * unfinished character is shown whole, from its first byte. */
static int bad_byte(struct csvread *r, unsigned char c)
{
    char hex[32] = "";
    size_t used = 0;
    int i;
    if (c == 0 && !r->u_need) {
        fail(r, "%s:%ld: byte %zu: NUL byte", r->name, r->line, r->line_pos + 1);
        return -1;
    }
    for (i = 0; r->u_need && i < r->u_have; i++)
        used += (size_t)snprintf(hex + used, sizeof hex - used, "0x%02X ", r->u_seq[i]);
    snprintf(hex + used, sizeof hex - used, "0x%02X", c);
    fail(r, "%s:%ld: byte %zu: invalid UTF-8 (%s)", r->name, r->line,
         (r->u_need ? r->u_pos : r->line_pos) + 1, hex);
    return -1;
}

/* Starts a UTF-8 sequence with lead byte c: sets the continuation bytes expected and
 * the range of the next one (no overlong forms, surrogates or values past U+10FFFF).
 * Returns 0, or -1 when c cannot lead. */
static int utf8_lead(struct csvread *r, unsigned char c)
{
    r->u_lo = 0x80;
    r->u_hi = 0xBF;
    r->u_seq[0] = c;
    r->u_have = 1;
    r->u_pos = r->line_pos;
    if (c >= 0xC2 && c <= 0xDF) {
        r->u_need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        r->u_need = 2;
        if (c == 0xE0)
            r->u_lo = 0xA0;
        else if (c == 0xED)
            r->u_hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        r->u_need = 3;
        if (c == 0xF0)
            r->u_lo = 0x90;
        else if (c == 0xF4)
            r->u_hi = 0x8F;
    } else {
        return -1;
    }
    return 0;
}

/* Checks and parses len bytes of the file (after any BOM), one segment per line end.
 * Returns 0 or -1. */
static int process(struct csvread *r, const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i, pos = r->line_pos;
        int content = 0, end = 0;
        if (r->after_cr) {
            r->after_cr = 0;
            if (p[i] == '\n') {   /* the LF of a CRLF: the line was already counted */
                if (parse_segment(r, p + i, 1, pos) != 0)
                    return -1;
                i++;
                continue;
            }
        }
        while (i < len) {
            unsigned char c = p[i];
            if (r->u_need) {
                if (c < r->u_lo || c > r->u_hi)
                    return bad_byte(r, c);
                r->u_need--;
                r->u_seq[r->u_have++] = c;
                r->u_lo = 0x80;
                r->u_hi = 0xBF;
            } else if (c >= 0x80) {
                if (utf8_lead(r, c) != 0)
                    return bad_byte(r, c);
            } else if (c == '\n' || c == '\r') {
                end = c;
                i++;
                break;
            } else if (c == 0) {
                return bad_byte(r, c);
            }
            content = 1;
            r->line_pos++;
            i++;
        }
        if (content && r->between) {
            r->rec_line = r->line;
            r->between = 0;
        }
        if (parse_segment(r, p + start, i - start, pos) != 0)
            return -1;
        if (end) {
            r->line++;
            r->line_pos = 0;
            r->after_cr = end == '\r';
        }
    }
    return 0;
}

/* A new reader; see csvread.h. */
struct csvread *csvread_new(const char *name, const struct csvread_options *opt,
                            csvread_fn fn, void *ud)
{
    struct csvread *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0) {
        free(r);
        return NULL;
    }
    csv_set_space_func(&r->parser, never_space);
    csv_set_blk_size(&r->parser, PARSER_BLK);
    if (opt)
        r->opt = *opt;
    if (!r->opt.delim)
        r->opt.delim = ',';
    if (!r->opt.max_field)
        r->opt.max_field = CSVREAD_MAX_FIELD_DEFAULT;
    if (r->opt.max_columns <= 0)
        r->opt.max_columns = CSVREAD_MAX_COLUMNS_DEFAULT;
    csv_set_delim(&r->parser, (unsigned char)r->opt.delim);
    r->fn = fn;
    r->ud = ud;
    r->line = 1;
    r->rec_line = 1;
    r->between = 1;
    r->name = strdup(name);
    if (!r->name || grow_fields(r, 0) != 0) {
        csvread_free(r);
        return NULL;
    }
    return r;
}

/* Sends later records to fn; see csvread.h. */
void csvread_set_callback(struct csvread *r, csvread_fn fn, void *ud)
{
    r->fn = fn;
    r->ud = ud;
}

/* Names the columns of later records in messages; see csvread.h. */
void csvread_set_names(struct csvread *r, const char *const *names, int n)
{
    r->names = names;
    r->nnames = n;
}

/* Reads the next len bytes; see csvread.h. */
int csvread_feed(struct csvread *r, const void *data, size_t len)
{
    static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
    const unsigned char *p = data;
    if (r->failed)
        return -1;
    if (r->finished) {
        fail(r, "%s: input after the end", r->name);
        return -1;
    }
    r->offset += len;
    if (!r->head_done) {
        while (len > 0 && r->nhead < 3) {
            r->head[r->nhead++] = *p++;
            len--;
        }
        if (r->nhead < 3 && memcmp(r->head, bom, (size_t)r->nhead) == 0)
            return 0;   /* maybe a BOM: wait for more */
        if (r->nhead == 1 && (r->head[0] == 0xFF || r->head[0] == 0xFE))
            return 0;   /* maybe UTF-16 */
        r->head_done = 1;
        if (r->nhead >= 2 && ((r->head[0] == 0xFF && r->head[1] == 0xFE) ||
                              (r->head[0] == 0xFE && r->head[1] == 0xFF))) {
            fail(r, "%s: the file is UTF-16 (it starts with a UTF-16 byte order mark); "
                 "save it as UTF-8", r->name);
            return -1;
        }
        if (memcmp(r->head, bom, 3) != 0 && process(r, r->head, (size_t)r->nhead) != 0)
            return -1;
    }
    return process(r, p, len);
}

/* Ends the input; see csvread.h. */
int csvread_finish(struct csvread *r)
{
    if (r->failed)
        return -1;
    if (r->finished)
        return 0;
    if (!r->head_done) {
        r->head_done = 1;
        if (process(r, r->head, (size_t)r->nhead) != 0)
            return -1;
    }
    if (r->u_need) {
        fail(r, "%s:%ld: byte %zu: invalid UTF-8 (the file ends inside a character)",
             r->name, r->line, r->u_pos + 1);
        return -1;
    }
    if (csv_fini(&r->parser, on_field, on_record, r) != 0 && !r->failed)
        fail(r, "%s:%ld: a quoted field is never closed (a quote is missing)", r->name,
             r->rec_line);
    if (r->failed)
        return -1;
    r->finished = 1;
    return 0;
}

/* The message of the failure ("" while none). */
const char *csvread_errmsg(const struct csvread *r)
{
    return r->err;
}

/* The bytes read so far. */
unsigned long long csvread_offset(const struct csvread *r)
{
    return r->offset;
}

/* The records delivered so far. */
long long csvread_records(const struct csvread *r)
{
    return r->records;
}

/* Frees the reader. */
void csvread_free(struct csvread *r)
{
    if (!r)
        return;
    csv_free(&r->parser);
    free(r->buf);
    free(r->offs);
    free(r->lens);
    free(r->vals);
    free(r->isnull);
    free(r->name);
    free(r);
}
