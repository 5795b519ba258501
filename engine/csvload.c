/* A streaming CSV loader: csvread delivers records, one prepared INSERT is bound per
 * record.
 *
 * The header is matched against the table's columns once (every problem of it reported
 * together, before any record is read); a record's values are bound straight from the
 * reader's buffer, or converted first when check_values is on (integers and reals bound
 * as numbers, DD/MM/YYYY dates rewritten as ISO).  A record SQLite refuses is explained
 * by csvdiag_explain, which names the field to blame. */
#include "csvload.h"
#include "csvload_diag.h"
#include "csvsniff.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE  65536   /* bytes read from a file at a time */
#define ERR_SIZE    4096

/* How a column's values are checked (SQLite's affinity of its declared type). */
enum kind { K_TEXT, K_INTEGER, K_REAL, K_NUMERIC, K_OTHER };

/* One column of the table. */
struct column {
    char *name;
    enum kind kind;
    int is_date;        /* a date() CHECK or a DATE type */
    int required;       /* NOT NULL, no default, not the rowid */
};

struct csvload {
    sqlite3 *db;
    sqlite3_stmt *ins;          /* INSERT INTO table (header columns) VALUES (?, ...) */
    char *table;
    char *name;                 /* the file name shown in messages */
    struct csvload_options opt;
    struct csvread *rd;

    int ntab;                   /* the table's columns */
    struct column *cols;
    unsigned char *seen;        /* per table column: already in the header */

    int header_done;
    int ncols;                  /* fields of the header */
    const char **names;         /* per header field: its table column's name */
    int *colidx;                /* per header field: its table column */
    char (*conv)[16];           /* per header field: a converted date */

    const struct csvread_record *cur;   /* the record being handled */
    long long rows;
    int failed;
    char err[ERR_SIZE];
};

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
    if (ld->rd)
        csvread_fail(ld->rd, ld->err);
}

/* Ends the current record as rejected with the full message msg: through the reject
 * callback when there is one and it accepts, else as the load's failure. */
static void reject_full(struct csvload *ld, const char *full)
{
    if (ld->opt.reject && ld->opt.reject(ld->opt.reject_ud, ld->cur->line, full) == 0)
        return;
    fail(ld, "%s", full);
}

/* Rejects the current record with msg ("NAME:LINE: " is prepended). */
static void reject(struct csvload *ld, const char *msg)
{
    char full[ERR_SIZE + 512];
    snprintf(full, sizeof full, "%s:%ld: %.*s", ld->name, ld->cur->line, ERR_SIZE - 1, msg);
    reject_full(ld, full);
}

/* Appends a header problem (printf-style) to buf as a new line "NAME:LINE: ...". */
static void header_problem(struct csvload *ld, char *buf, size_t size, long line,
                           const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;
    if (used + 1 >= size)
        return;
    used += (size_t)snprintf(buf + used, size - used, "%s%s:%ld: ", used ? "\n" : "", ld->name,
                             line);
    if (used + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
}

/* The table column named s (len bytes, compared without case), or -1. */
static int find_column(const struct csvload *ld, const char *s, size_t len)
{
    int j;
    for (j = 0; j < ld->ntab; j++)
        if (strlen(ld->cols[j].name) == len && sqlite3_strnicmp(ld->cols[j].name, s, (int)len) == 0)
            return j;
    return -1;
}

/* The name field s (len bytes, spaces trimmed) is renamed to by opt->map, or NULL. */
static const char *mapped_name(const struct csvload *ld, const char *s, size_t len)
{
    const char *const *m;
    for (m = ld->opt.map; m && m[0] && m[1]; m += 2)
        if (strlen(m[0]) == len && sqlite3_strnicmp(m[0], s, (int)len) == 0)
            return m[1];
    return NULL;
}

/* Prepares the INSERT for the header's columns.  Returns 0 or -1 (failed). */
static int prepare_insert(struct csvload *ld, long line)
{
    sqlite3_str *sql = sqlite3_str_new(ld->db);
    char *text;
    int i;
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
        return -1;
    }
    if (sqlite3_prepare_v2(ld->db, text, -1, &ld->ins, NULL) != SQLITE_OK)
        fail(ld, "%s:%ld: cannot insert into %s: %s", ld->name, line, ld->table,
             sqlite3_errmsg(ld->db));
    sqlite3_free(text);
    if (ld->failed)
        return -1;
    csvread_set_names(ld->rd, ld->names, ld->ncols);
    ld->header_done = 1;
    return 0;
}

/* Lists the table's required columns the header lacks into problems. */
static void missing_required(struct csvload *ld, char *problems, size_t size, long line)
{
    int j;
    for (j = 0; j < ld->ntab; j++)
        if (ld->cols[j].required && !ld->seen[j])
            header_problem(ld, problems, size, line, "missing column '%s' (it is NOT NULL "
                           "and has no default)", ld->cols[j].name);
}

/* Matches the header record against the table's columns; every problem is reported in
 * one failure.  Then prepares the INSERT. */
static void read_header(struct csvload *ld, const struct csvread_record *rec)
{
    char problems[ERR_SIZE] = "", shown[256], cols[1024] = "";
    int i, k, unknown = 0;
    size_t used = 0;
    for (k = 0; k < ld->ntab && used < sizeof cols; k++)
        used += (size_t)snprintf(cols + used, sizeof cols - used, "%s%s", k ? ", " : "",
                                 ld->cols[k].name);
    ld->ncols = rec->n;
    for (i = 0; i < rec->n; i++) {
        const char *s = rec->vals[i] ? rec->vals[i] : "";
        size_t len = rec->vals[i] ? rec->lens[i] : 0;
        const char *target;
        int j;
        while (len > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        csvdiag_value(shown, sizeof shown, rec->vals[i], rec->vals[i] ? rec->lens[i] : 0);
        if (len == 0) {
            header_problem(ld, problems, sizeof problems, rec->line,
                           "header column %d has no name", i + 1);
            continue;
        }
        target = mapped_name(ld, s, len);
        j = target ? find_column(ld, target, strlen(target)) : find_column(ld, s, len);
        if (j < 0) {
            if (target)
                header_problem(ld, problems, sizeof problems, rec->line, "header column %d: "
                               "%s is mapped to '%s', which table %s does not have (it has %s)",
                               i + 1, shown, target, ld->table, cols);
            else
                header_problem(ld, problems, sizeof problems, rec->line, "header column %d: "
                               "unknown column %s (table %s has %s)", i + 1, shown,
                               ld->table, unknown ? "the columns above" : cols);
            unknown++;
            continue;
        }
        if (ld->seen[j]) {
            header_problem(ld, problems, sizeof problems, rec->line,
                           "header column %d: column %s appears twice", i + 1, shown);
            continue;
        }
        if (i < ld->ntab) {   /* past ntab a field is always unknown or doubled */
            ld->seen[j] = 1;
            ld->names[i] = ld->cols[j].name;
            ld->colidx[i] = j;
        }
    }
    if (ld->opt.check_required)
        missing_required(ld, problems, sizeof problems, rec->line);
    if (problems[0]) {
        fail(ld, "%s", problems);
        return;
    }
    prepare_insert(ld, rec->line);
}

/* Checks and converts field i (table column c) of the record for binding; binds it.
 * Returns 0, 1 when the value was rejected (the record is done), -1 on a bind error. */
static int bind_checked(struct csvload *ld, const struct csvread_record *rec, int i,
                        const struct column *c)
{
    const char *s = rec->vals[i];
    size_t len = s ? rec->lens[i] : 0, tl = len;
    char shown[256], msg[ERR_SIZE];
    const char *t = s, *what, *why = NULL;
    long long iv;
    double dv;
    while (tl > 0 && (*t == ' ' || *t == '\t')) {
        t++;
        tl--;
    }
    if (!s || tl == 0)
        return sqlite3_bind_null(ld->ins, i + 1) == SQLITE_OK ? 0 : -1;
    if (c->is_date) {
        if (csvsniff_date(s, len, ld->conv[i], &why))
            return sqlite3_bind_text(ld->ins, i + 1, ld->conv[i], 10, SQLITE_STATIC)
                   == SQLITE_OK ? 0 : -1;
        what = "a date";
    } else if (c->kind == K_INTEGER) {
        if (csvsniff_integer(s, len, &iv))
            return sqlite3_bind_int64(ld->ins, i + 1, iv) == SQLITE_OK ? 0 : -1;
        what = "an integer";
    } else if (c->kind == K_REAL) {
        if (csvsniff_real(s, len, &dv))
            return sqlite3_bind_double(ld->ins, i + 1, dv) == SQLITE_OK ? 0 : -1;
        what = "a number";
    } else {
        if (csvsniff_integer(s, len, &iv))
            return sqlite3_bind_int64(ld->ins, i + 1, iv) == SQLITE_OK ? 0 : -1;
        if (csvsniff_real(s, len, &dv))
            return sqlite3_bind_double(ld->ins, i + 1, dv) == SQLITE_OK ? 0 : -1;
        what = "a number";
    }
    csvdiag_value(shown, sizeof shown, s, len);
    snprintf(msg, sizeof msg, "%s:%ld:%d: field '%s': %s is not %s%s%s%s", ld->name, rec->line,
             i + 1, c->name, shown, what, why ? " (" : "", why ? why : "", why ? ")" : "");
    reject_full(ld, msg);
    return 1;
}

/* Copies src into dst with every run of spaces and line ends made one space (SQLite
 * quotes a CHECK expression as written, over several lines). */
static void squeeze(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    int space = 0;
    for (; *src && n + 1 < size; src++) {
        if (*src == ' ' || *src == '\n' || *src == '\r' || *src == '\t') {
            space = 1;
            continue;
        }
        if (space && n > 0 && n + 2 < size)
            dst[n++] = ' ';
        space = 0;
        dst[n++] = *src;
    }
    dst[n] = '\0';
}

/* Binds the record and inserts it; a rejected record is explained. */
static void insert_record(struct csvload *ld, const struct csvread_record *rec)
{
    int i, rc;
    for (i = 0; i < ld->ncols; i++) {
        const struct column *c = &ld->cols[ld->colidx[i]];
        if (ld->opt.check_values && (c->kind != K_TEXT || c->is_date) && c->kind != K_OTHER) {
            rc = bind_checked(ld, rec, i, c);
            if (rc == 1) {
                sqlite3_clear_bindings(ld->ins);
                return;
            }
            rc = rc == 0 ? SQLITE_OK : SQLITE_ERROR;
        } else if (!rec->vals[i]) {
            rc = sqlite3_bind_null(ld->ins, i + 1);
        } else {
            rc = sqlite3_bind_text(ld->ins, i + 1, rec->vals[i], (int)rec->lens[i],
                                   SQLITE_STATIC);
        }
        if (rc != SQLITE_OK) {
            fail(ld, "%s:%ld: %s", ld->name, rec->line, sqlite3_errmsg(ld->db));
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
        char msg[512], why[1024];
        struct csvrec crec;
        squeeze(msg, sizeof msg, sqlite3_errmsg(ld->db));
        sqlite3_reset(ld->ins);
        if ((ext & 0xFF) != SQLITE_CONSTRAINT && ext != SQLITE_MISMATCH && ext != SQLITE_TOOBIG &&
            ext != SQLITE_RANGE) {
            fail(ld, "%s:%ld: %s", ld->name, rec->line, msg);
            return;
        }
        crec.n = ld->ncols;
        crec.names = ld->names;
        crec.vals = rec->vals;
        crec.lens = rec->lens;
        csvdiag_explain(ld->db, ld->table, &crec, ext, msg, why, sizeof why);
        reject(ld, why);
    }
}

/* csvread's record callback: the header is matched, a record inserted.  Returns
 * nonzero once the load has failed. */
static int on_record(void *ud, const struct csvread_record *rec)
{
    struct csvload *ld = ud;
    ld->cur = rec;
    if (!ld->header_done) {
        read_header(ld, rec);
    } else if (rec->n != ld->ncols) {
        char msg[128];
        snprintf(msg, sizeof msg, "record has %d field%s, the %s has %d", rec->n,
                 rec->n == 1 ? "" : "s", ld->opt.no_header ? "table" : "header", ld->ncols);
        reject(ld, msg);
    } else {
        insert_record(ld, rec);
    }
    ld->cur = NULL;
    return ld->failed;
}

/* Frees what a loader owns. */
void csvload_free(struct csvload *ld)
{
    int j;
    if (!ld)
        return;
    sqlite3_finalize(ld->ins);
    csvread_free(ld->rd);
    for (j = 0; j < ld->ntab; j++)
        free(ld->cols[j].name);
    free(ld->cols);
    free(ld->seen);
    free(ld->names);
    free(ld->colidx);
    free(ld->conv);
    free(ld->table);
    free(ld->name);
    free(ld);
}

/* True for a byte that may be part of an SQL identifier. */
static int ident_byte(unsigned char c)
{
    return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') ||
           (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* True when the CREATE statement sql calls date() on column name: "date(name" with
 * optional spaces and quotes, as in CHECK (x IS date(x, '+0 days')). */
static int checked_as_date(const char *sql, const char *name)
{
    size_t nlen = strlen(name);
    const char *s;
    for (s = sql; s && *s; s++) {
        const char *p;
        if (sqlite3_strnicmp(s, "date", 4) != 0 || (s > sql && ident_byte((unsigned char)s[-1])))
            continue;
        p = s + 4;
        while (*p == ' ')
            p++;
        if (*p != '(')
            continue;
        p++;
        while (*p == ' ' || *p == '"' || *p == '`' || *p == '[')
            p++;
        if (sqlite3_strnicmp(p, name, (int)nlen) == 0 && !ident_byte((unsigned char)p[nlen]))
            return 1;
    }
    return 0;
}

/* SQLite's affinity rules applied to a declared type. */
static enum kind kind_of(const char *type)
{
    char up[64];
    size_t i;
    for (i = 0; type && type[i] && i + 1 < sizeof up; i++)
        up[i] = (char)(type[i] >= 'a' && type[i] <= 'z' ? type[i] - 32 : type[i]);
    up[i] = '\0';
    if (strstr(up, "INT"))
        return K_INTEGER;
    if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
        return K_TEXT;
    if (up[0] == '\0' || strstr(up, "BLOB") || strcmp(up, "ANY") == 0)
        return K_OTHER;
    if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
        return K_REAL;
    if (strcmp(up, "DATE") == 0)
        return K_TEXT;
    return K_NUMERIC;
}

/* Reads the table's columns into ld->cols.  Returns 0 or -1 (with err). */
static int load_columns(struct csvload *ld, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    char *sql = NULL;
    int cap = 0, rc, npk = 0;
    if (sqlite3_prepare_v2(ld->db, "SELECT sql FROM sqlite_schema WHERE type='table' AND "
                           "name=?1 COLLATE NOCASE", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, ld->table, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            sql = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(ld->db, "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk, "
                           "(SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) "
                           "FROM pragma_table_info(?1)", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", ld->name, sqlite3_errmsg(ld->db));
        sqlite3_free(sql);
        return -1;
    }
    sqlite3_bind_text(st, 1, ld->table, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        struct column *c;
        if (ld->ntab == cap) {
            struct column *p = realloc(ld->cols, sizeof *p * (size_t)(cap ? cap * 2 : 16));
            if (!p)
                break;
            ld->cols = p;
            cap = cap ? cap * 2 : 16;
        }
        c = &ld->cols[ld->ntab];
        c->name = strdup(col ? col : "");
        if (!c->name)
            break;
        c->kind = kind_of(type);
        c->is_date = (type && sqlite3_stricmp(type, "DATE") == 0) ||
                     (sql && checked_as_date(sql, c->name));
        npk = sqlite3_column_int(st, 5);
        c->required = sqlite3_column_int(st, 2) && !sqlite3_column_int(st, 3) &&
                      !(sqlite3_column_int(st, 4) == 1 && npk == 1 && c->kind == K_INTEGER &&
                        type && sqlite3_stricmp(type, "INTEGER") == 0);
        ld->ntab++;
    }
    sqlite3_free(sql);
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
    struct csvread_options ro;
    size_t n;
    if (!ld) {
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    ld->db = db;
    if (opt)
        ld->opt = *opt;
    memset(&ro, 0, sizeof ro);
    ro.delim = ld->opt.delim;
    ro.max_field = ld->opt.max_field;
    ro.max_columns = ld->opt.max_columns;
    ro.header = !ld->opt.no_header;
    ld->table = strdup(table);
    ld->name = strdup(name);
    ld->rd = csvread_new(name, &ro, on_record, ld);
    if (!ld->table || !ld->name || !ld->rd) {
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
    ld->colidx = calloc(n, sizeof *ld->colidx);
    ld->conv = calloc(n, sizeof *ld->conv);
    if (!ld->seen || !ld->names || !ld->colidx || !ld->conv) {
        snprintf(err, errlen, "%s: out of memory", name);
        csvload_free(ld);
        return NULL;
    }
    if (ld->opt.no_header) {
        int j;
        for (j = 0; j < ld->ntab; j++) {
            ld->names[j] = ld->cols[j].name;
            ld->colidx[j] = j;
        }
        ld->ncols = ld->ntab;
        if (prepare_insert(ld, 1) != 0) {
            snprintf(err, errlen, "%s", ld->err);
            csvload_free(ld);
            return NULL;
        }
    }
    return ld;
}

/* Parses and inserts the next len bytes; see csvload.h. */
int csvload_feed(struct csvload *ld, const void *data, size_t len)
{
    if (ld->failed)
        return -1;
    if (csvread_feed(ld->rd, data, len) != 0) {
        fail(ld, "%s", csvread_errmsg(ld->rd));
        return -1;
    }
    return 0;
}

/* Ends the input; see csvload.h. */
int csvload_finish(struct csvload *ld)
{
    if (ld->failed)
        return -1;
    if (csvread_finish(ld->rd) != 0) {
        fail(ld, "%s", csvread_errmsg(ld->rd));
        return -1;
    }
    if (!ld->header_done)
        fail(ld, "%s: empty file (the first line must name the columns)", ld->name);
    return ld->failed ? -1 : 0;
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

/* The bytes read so far. */
unsigned long long csvload_offset(const struct csvload *ld)
{
    return csvread_offset(ld->rd);
}

/* The record being rejected, or NULL. */
const struct csvread_record *csvload_current(const struct csvload *ld)
{
    return ld->cur;
}

/* The table columns of the header's fields; see csvload.h. */
const char *const *csvload_columns(const struct csvload *ld, int *n)
{
    *n = ld->header_done ? ld->ncols : 0;
    return ld->names;
}

/* The table's date columns; see csvload.h. */
void csvload_date_columns(const struct csvload *ld, char *buf, size_t size)
{
    size_t used = 0;
    int j;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (j = 0; j < ld->ntab && used < size; j++)
        if (ld->cols[j].is_date)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                                     ld->cols[j].name);
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
