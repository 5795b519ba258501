/* A streaming CSV loader: libcsv parses, one prepared INSERT is bound per record.
 *
 * Input is cut into segments ending at each CR or LF before it reaches libcsv, so we
 * always know the physical line being parsed: a record starts on the line of the
 * first segment with content fed while no record is open (libcsv's row callback closes
 * one), which stays right when quoted fields span lines.  The same pass checks UTF-8
 * and NUL bytes.  A record's fields are copied into one buffer and bound in place when
 * the record ends, so a rejected record can still be shown in the message. */
#include "csvload.h"
#include "csvload_diag.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE  65536   /* bytes read from a file at a time */
#define PARSER_BLK  4096    /* libcsv's field buffer grows by this much */
#define ERR_SIZE    1024

struct csvload {
    sqlite3 *db;
    sqlite3_stmt *ins;          /* INSERT INTO table (header columns) VALUES (?, ...) */
    char *table;
    char *name;                 /* the file name shown in messages */
    struct csvload_options opt;
    size_t max_field;
    struct csv_parser parser;

    int ntab;                   /* the table's columns */
    char **tabcols;
    unsigned char *seen;        /* per table column: already in the header */

    int header_done;
    int ncols;                  /* fields of the header */
    const char **names;         /* per header field: its table column's name */

    char *buf;                  /* the current record's field bytes */
    size_t buflen, bufcap;
    size_t *offs, *lens;        /* per field (up to ntab stored) */
    unsigned char *isnull;
    const char **vals;          /* filled when a record is explained */
    int nfields;                /* fields seen in the current record */

    long line;                  /* physical line being parsed (1-based) */
    size_t line_pos;            /* bytes of that line consumed so far */
    long rec_line;              /* line where the current record starts */
    int between;                /* no record open */

    int u_need;                 /* UTF-8: continuation bytes still expected */
    unsigned char u_lo, u_hi;   /* the range allowed for the next one */
    unsigned char u_seq[4];     /* the character's bytes so far, for messages */
    int u_have;
    size_t u_pos;               /* its first byte's position in the line */

    unsigned char head[3];      /* the first bytes, held back until a BOM is ruled out */
    int nhead, head_done;

    long long rows;
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
static void fail(struct csvload *ld, const char *fmt, ...)
{
    va_list ap;
    if (ld->failed)
        return;
    ld->failed = 1;
    va_start(ap, fmt);
    vsnprintf(ld->err, sizeof ld->err, fmt, ap);
    va_end(ap);
}

/* Ends the current record as rejected with msg ("NAME:LINE: " is prepended): through
 * the reject callback when there is one and it accepts, else as the load's failure. */
static void reject(struct csvload *ld, const char *msg)
{
    char full[ERR_SIZE];
    snprintf(full, sizeof full, "%s:%ld: %s", ld->name, ld->rec_line, msg);
    if (ld->opt.reject && ld->opt.reject(ld->opt.reject_ud, ld->rec_line, full) == 0)
        return;
    fail(ld, "%s", full);
}

/* Describes field idx of the current record for messages: "field 'x' (column N)". */
static void field_label(const struct csvload *ld, int idx, char *buf, size_t size)
{
    if (ld->header_done && idx < ld->ncols)
        snprintf(buf, size, "field '%s' (column %d)", ld->names[idx], idx + 1);
    else
        snprintf(buf, size, "%s %d", ld->header_done ? "field" : "header column", idx + 1);
}

/* Checks header field idx (s, len) against the table's columns. */
static void header_field(struct csvload *ld, const char *s, size_t len, int idx)
{
    char shown[256];
    int j;
    if (!s || len == 0) {
        fail(ld, "%s:%ld: header column %d has no name", ld->name, ld->rec_line, idx + 1);
        return;
    }
    for (j = 0; j < ld->ntab; j++)
        if (strlen(ld->tabcols[j]) == len && sqlite3_strnicmp(ld->tabcols[j], s, (int)len) == 0)
            break;
    csvdiag_value(shown, sizeof shown, s, len);
    if (j == ld->ntab) {
        char cols[512] = "";
        size_t used = 0;
        int k;
        for (k = 0; k < ld->ntab && used < sizeof cols; k++)
            used += (size_t)snprintf(cols + used, sizeof cols - used, "%s%s", k ? ", " : "",
                                     ld->tabcols[k]);
        fail(ld, "%s:%ld: header column %d: unknown column %s (table %s has %s)", ld->name,
             ld->rec_line, idx + 1, shown, ld->table, cols);
        return;
    }
    if (ld->seen[j]) {
        fail(ld, "%s:%ld: header column %d: column %s appears twice", ld->name, ld->rec_line,
             idx + 1, shown);
        return;
    }
    ld->seen[j] = 1;
    ld->names[idx] = ld->tabcols[j];
}

/* libcsv's field callback: checks a header name, or keeps a record's value. */
static void on_field(void *s, size_t len, void *ud)
{
    struct csvload *ld = ud;
    int idx;
    if (ld->failed)
        return;
    idx = ld->nfields++;
    if (len > ld->max_field) {
        char label[256];
        field_label(ld, idx, label, sizeof label);
        fail(ld, "%s:%ld: %s is longer than %zu bytes", ld->name, ld->rec_line, label,
             ld->max_field);
        return;
    }
    if (!ld->header_done) {
        header_field(ld, s, len, idx);
        return;
    }
    if (idx >= ld->ncols)
        return;   /* a ragged record: counted, reported at its end */
    if (ld->buflen + len + 1 > ld->bufcap) {
        size_t cap = ld->bufcap ? ld->bufcap : 1024;
        char *p;
        while (cap < ld->buflen + len + 1)
            cap *= 2;
        p = realloc(ld->buf, cap);
        if (!p) {
            fail(ld, "%s:%ld: out of memory", ld->name, ld->rec_line);
            return;
        }
        ld->buf = p;
        ld->bufcap = cap;
    }
    ld->offs[idx] = ld->buflen;
    ld->lens[idx] = len;
    ld->isnull[idx] = s == NULL;
    if (len)
        memcpy(ld->buf + ld->buflen, s, len);
    ld->buflen += len;
}

/* Prepares the INSERT for the header's columns. */
static void header_done(struct csvload *ld)
{
    sqlite3_str *sql = sqlite3_str_new(ld->db);
    char *text;
    int i;
    ld->header_done = 1;
    ld->ncols = ld->nfields;
    sqlite3_str_appendf(sql, "INSERT INTO \"%w\" (", ld->table);
    for (i = 0; i < ld->ncols; i++)
        sqlite3_str_appendf(sql, "%s\"%w\"", i ? ", " : "", ld->names[i]);
    sqlite3_str_appendall(sql, ") VALUES (");
    for (i = 0; i < ld->ncols; i++)
        sqlite3_str_appendall(sql, i ? ", ?" : "?");
    sqlite3_str_appendall(sql, ")");
    text = sqlite3_str_finish(sql);
    if (!text) {
        fail(ld, "%s: out of memory", ld->name);
        return;
    }
    if (sqlite3_prepare_v2(ld->db, text, -1, &ld->ins, NULL) != SQLITE_OK)
        fail(ld, "%s:%ld: cannot insert into %s: %s", ld->name, ld->rec_line, ld->table,
             sqlite3_errmsg(ld->db));
    sqlite3_free(text);
}

/* Binds the current record and inserts it; a rejected record is explained. */
static void insert_record(struct csvload *ld)
{
    int i, rc;
    for (i = 0; i < ld->ncols; i++) {
        if (ld->isnull[i])
            rc = sqlite3_bind_null(ld->ins, i + 1);
        else
            rc = sqlite3_bind_text(ld->ins, i + 1, ld->buf + ld->offs[i], (int)ld->lens[i],
                                   SQLITE_STATIC);
        if (rc != SQLITE_OK) {
            fail(ld, "%s:%ld: %s", ld->name, ld->rec_line, sqlite3_errmsg(ld->db));
            return;
        }
    }
    rc = sqlite3_step(ld->ins);
    if (rc == SQLITE_DONE) {
        ld->rows++;
        sqlite3_reset(ld->ins);
        return;
    }
    {
        int ext = sqlite3_extended_errcode(ld->db);
        char msg[512], why[ERR_SIZE];
        struct csvrec rec;
        snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(ld->db));
        sqlite3_reset(ld->ins);
        if ((ext & 0xFF) != SQLITE_CONSTRAINT && ext != SQLITE_MISMATCH && ext != SQLITE_TOOBIG &&
            ext != SQLITE_RANGE) {
            fail(ld, "%s:%ld: %s", ld->name, ld->rec_line, msg);
            return;
        }
        for (i = 0; i < ld->ncols; i++)
            ld->vals[i] = ld->isnull[i] ? NULL : ld->buf + ld->offs[i];
        rec.n = ld->ncols;
        rec.names = ld->names;
        rec.vals = ld->vals;
        rec.lens = ld->lens;
        csvdiag_explain(ld->db, ld->table, &rec, ext, msg, why, sizeof why);
        reject(ld, why);
    }
}

/* libcsv's record callback: the header's end prepares the INSERT, a record's end
 * inserts it. */
static void on_record(int c, void *ud)
{
    struct csvload *ld = ud;
    (void)c;
    ld->between = 1;
    if (!ld->failed) {
        if (!ld->header_done) {
            header_done(ld);
        } else if (ld->nfields != ld->ncols) {
            char msg[128];
            snprintf(msg, sizeof msg, "record has %d field%s, the header has %d", ld->nfields,
                     ld->nfields == 1 ? "" : "s", ld->ncols);
            reject(ld, msg);
        } else {
            insert_record(ld);
        }
    }
    ld->nfields = 0;
    ld->buflen = 0;
}

/* Feeds one segment (at most one line end, at its end) to libcsv; pos is the line's
 * byte count before it.  Returns 0 or -1. */
static int parse_segment(struct csvload *ld, const unsigned char *seg, size_t n, size_t pos)
{
    size_t done = csv_parse(&ld->parser, seg, n, on_field, on_record, ld);
    if (ld->failed)
        return -1;
    if (done < n) {
        if (csv_error(&ld->parser) != CSV_EPARSE)
            fail(ld, "%s:%ld: %s", ld->name, ld->line, csv_strerror(csv_error(&ld->parser)));
        else if (seg[done] == '"')
            fail(ld, "%s:%ld: byte %zu: a quote inside an unquoted field (quote the whole "
                 "field and double the quote)", ld->name, ld->line, pos + done + 1);
        else
            fail(ld, "%s:%ld: byte %zu: text after the closing quote of a field", ld->name,
                 ld->line, pos + done + 1);
        return -1;
    }
    if (csv_get_buffer_size(&ld->parser) > ld->max_field + PARSER_BLK + 1) {
        char label[256];
        field_label(ld, ld->nfields, label, sizeof label);
        fail(ld, "%s:%ld: %s is longer than %zu bytes", ld->name, ld->rec_line, label,
             ld->max_field);
        return -1;
    }
    return 0;
}

/* Reports byte c, which breaks UTF-8 (or is NUL), at the current position: an
 * unfinished character is shown whole, from its first byte. */
static int bad_byte(struct csvload *ld, unsigned char c)
{
    char hex[32] = "";
    size_t used = 0;
    int i;
    if (c == 0 && !ld->u_need) {
        fail(ld, "%s:%ld: byte %zu: NUL byte", ld->name, ld->line, ld->line_pos + 1);
        return -1;
    }
    for (i = 0; ld->u_need && i < ld->u_have; i++)
        used += (size_t)snprintf(hex + used, sizeof hex - used, "0x%02X ", ld->u_seq[i]);
    snprintf(hex + used, sizeof hex - used, "0x%02X", c);
    fail(ld, "%s:%ld: byte %zu: invalid UTF-8 (%s)", ld->name, ld->line,
         (ld->u_need ? ld->u_pos : ld->line_pos) + 1, hex);
    return -1;
}

/* Starts a UTF-8 sequence with lead byte c: sets the continuation bytes expected and
 * the range of the next one (no overlong forms, surrogates or values past U+10FFFF).
 * Returns 0, or -1 when c cannot lead. */
static int utf8_lead(struct csvload *ld, unsigned char c)
{
    ld->u_lo = 0x80;
    ld->u_hi = 0xBF;
    ld->u_seq[0] = c;
    ld->u_have = 1;
    ld->u_pos = ld->line_pos;
    if (c >= 0xC2 && c <= 0xDF) {
        ld->u_need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        ld->u_need = 2;
        if (c == 0xE0)
            ld->u_lo = 0xA0;
        else if (c == 0xED)
            ld->u_hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        ld->u_need = 3;
        if (c == 0xF0)
            ld->u_lo = 0x90;
        else if (c == 0xF4)
            ld->u_hi = 0x8F;
    } else {
        return -1;
    }
    return 0;
}

/* Checks and parses len bytes of the file (after any BOM), one segment per line end.
 * Returns 0 or -1. */
static int process(struct csvload *ld, const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i, pos = ld->line_pos;
        int content = 0, end = 0;
        while (i < len) {
            unsigned char c = p[i];
            if (ld->u_need) {
                if (c < ld->u_lo || c > ld->u_hi)
                    return bad_byte(ld, c);
                ld->u_need--;
                ld->u_seq[ld->u_have++] = c;
                ld->u_lo = 0x80;
                ld->u_hi = 0xBF;
            } else if (c >= 0x80) {
                if (utf8_lead(ld, c) != 0)
                    return bad_byte(ld, c);
            } else if (c == '\n' || c == '\r') {
                end = c;
                i++;
                break;
            } else if (c == 0) {
                return bad_byte(ld, c);
            }
            content = 1;
            ld->line_pos++;
            i++;
        }
        if (content && ld->between) {
            ld->rec_line = ld->line;
            ld->between = 0;
        }
        if (parse_segment(ld, p + start, i - start, pos) != 0)
            return -1;
        if (end == '\n') {
            ld->line++;
            ld->line_pos = 0;
        } else if (end == '\r') {
            ld->line_pos++;
        }
    }
    return 0;
}

/* Frees what a loader owns. */
void csvload_free(struct csvload *ld)
{
    int j;
    if (!ld)
        return;
    sqlite3_finalize(ld->ins);
    csv_free(&ld->parser);
    for (j = 0; j < ld->ntab; j++)
        free(ld->tabcols[j]);
    free(ld->tabcols);
    free(ld->seen);
    free(ld->names);
    free(ld->offs);
    free(ld->lens);
    free(ld->isnull);
    free(ld->vals);
    free(ld->buf);
    free(ld->table);
    free(ld->name);
    free(ld);
}

/* Reads the names of table's columns into ld->tabcols.  Returns 0 or -1 (with err). */
static int load_columns(struct csvload *ld, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int cap = 0, rc;
    if (sqlite3_prepare_v2(ld->db, "SELECT name FROM pragma_table_info(?1)", -1, &st, NULL)
        != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", ld->name, sqlite3_errmsg(ld->db));
        return -1;
    }
    sqlite3_bind_text(st, 1, ld->table, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        if (ld->ntab == cap) {
            char **p = realloc(ld->tabcols, sizeof *p * (size_t)(cap ? cap * 2 : 16));
            if (!p)
                break;
            ld->tabcols = p;
            cap = cap ? cap * 2 : 16;
        }
        ld->tabcols[ld->ntab] = strdup(col ? col : "");
        if (!ld->tabcols[ld->ntab])
            break;
        ld->ntab++;
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", ld->name,
                 rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(ld->db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    if (ld->ntab == 0) {
        snprintf(err, errlen, "%s: no such table: %s", ld->name, ld->table);
        return -1;
    }
    return 0;
}

/* Starts loading into table; see csvload.h. */
struct csvload *csvload_new(sqlite3 *db, const char *table, const char *name,
                            const struct csvload_options *opt, char *err, size_t errlen)
{
    struct csvload *ld = calloc(1, sizeof *ld);
    size_t n;
    if (!ld || csv_init(&ld->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0) {
        snprintf(err, errlen, "%s: out of memory", name);
        free(ld);
        return NULL;
    }
    csv_set_space_func(&ld->parser, never_space);
    csv_set_blk_size(&ld->parser, PARSER_BLK);
    ld->db = db;
    if (opt)
        ld->opt = *opt;
    ld->max_field = ld->opt.max_field ? ld->opt.max_field : CSVLOAD_MAX_FIELD_DEFAULT;
    ld->line = 1;
    ld->rec_line = 1;
    ld->between = 1;
    ld->table = strdup(table);
    ld->name = strdup(name);
    if (!ld->table || !ld->name) {
        snprintf(err, errlen, "%s: out of memory", name);
        csvload_free(ld);
        return NULL;
    }
    if (load_columns(ld, err, errlen) != 0) {
        csvload_free(ld);
        return NULL;
    }
    n = (size_t)ld->ntab;
    ld->seen = calloc(n, 1);
    ld->names = calloc(n, sizeof *ld->names);
    ld->offs = calloc(n, sizeof *ld->offs);
    ld->lens = calloc(n, sizeof *ld->lens);
    ld->isnull = calloc(n, 1);
    ld->vals = calloc(n, sizeof *ld->vals);
    if (!ld->seen || !ld->names || !ld->offs || !ld->lens || !ld->isnull || !ld->vals) {
        snprintf(err, errlen, "%s: out of memory", name);
        csvload_free(ld);
        return NULL;
    }
    return ld;
}

/* Parses and inserts the next len bytes; see csvload.h. */
int csvload_feed(struct csvload *ld, const void *data, size_t len)
{
    static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
    const unsigned char *p = data;
    if (ld->failed)
        return -1;
    if (ld->finished) {
        fail(ld, "%s: input after the end", ld->name);
        return -1;
    }
    if (!ld->head_done) {
        while (len > 0 && ld->nhead < 3) {
            ld->head[ld->nhead++] = *p++;
            len--;
        }
        if (ld->nhead < 3 && memcmp(ld->head, bom, (size_t)ld->nhead) == 0)
            return 0;   /* maybe a BOM: wait for more */
        ld->head_done = 1;
        if (memcmp(ld->head, bom, 3) != 0 && process(ld, ld->head, (size_t)ld->nhead) != 0)
            return -1;
    }
    return process(ld, p, len);
}

/* Ends the input; see csvload.h. */
int csvload_finish(struct csvload *ld)
{
    if (ld->failed)
        return -1;
    if (ld->finished)
        return 0;
    if (!ld->head_done) {
        ld->head_done = 1;
        if (process(ld, ld->head, (size_t)ld->nhead) != 0)
            return -1;
    }
    if (ld->u_need) {
        fail(ld, "%s:%ld: byte %zu: invalid UTF-8 (the file ends inside a character)",
             ld->name, ld->line, ld->u_pos + 1);
        return -1;
    }
    if (csv_fini(&ld->parser, on_field, on_record, ld) != 0 && !ld->failed)
        fail(ld, "%s:%ld: a quoted field is never closed (a quote is missing)", ld->name,
             ld->rec_line);
    if (!ld->failed && !ld->header_done)
        fail(ld, "%s: empty file (the first line must name the columns)", ld->name);
    if (ld->failed)
        return -1;
    ld->finished = 1;
    return 0;
}

/* The message of the failure ("" while none). */
const char *csvload_errmsg(const struct csvload *ld)
{
    return ld->err;
}

/* The number of records inserted so far. */
long long csvload_rows(const struct csvload *ld)
{
    return ld->rows;
}

/* Loads the file at path into table, in chunks; see csvload.h. */
int csvload_path(sqlite3 *db, const char *table, const char *path, const char *name,
                 const struct csvload_options *opt, long long *rows,
                 char *err, size_t errlen)
{
    struct csvload *ld;
    unsigned char *chunk;
    FILE *f;
    size_t n;
    int rc = 0;

    if (!name)
        name = path;
    if (rows)
        *rows = 0;
    f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", name, strerror(errno));
        return -1;
    }
    ld = csvload_new(db, table, name, opt, err, errlen);
    chunk = malloc(CHUNK_SIZE);
    if (!ld || !chunk) {
        if (ld)
            snprintf(err, errlen, "%s: out of memory", name);
        csvload_free(ld);
        free(chunk);
        fclose(f);
        return -1;
    }
    while (rc == 0 && (n = fread(chunk, 1, CHUNK_SIZE, f)) > 0)
        rc = csvload_feed(ld, chunk, n);
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: cannot read: %s", name, strerror(errno));
        rc = -1;
    } else if (rc == 0) {
        rc = csvload_finish(ld);
    }
    if (rc != 0 && ld->failed)
        snprintf(err, errlen, "%s", ld->err);
    if (rows)
        *rows = ld->rows;
    csvload_free(ld);
    free(chunk);
    fclose(f);
    return rc;
}
