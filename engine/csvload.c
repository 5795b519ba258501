/* A streaming CSV loader: csvread delivers records, one prepared INSERT is bound per
 * record.
 *
 * The header is matched against the table's columns once (every problem of it reported
 * together, before any record is read); a record's values are bound straight from the
 * reader's buffer, or converted first when check_values is on (integers and reals bound
 * as numbers, DD/MM/YYYY dates rewritten as ISO); an empty field of a column with a
 * DEFAULT is bound to the default, evaluated once.  Every field of a record is checked
 * before it is given up, and a record SQLite refuses is explained by csvdiag_explain,
 * which finds every constraint it breaks; the complaints are reported together, in
 * column order, one per line.  A full batch goes through one multi-row INSERT, with the
 * table's CHECKs deferred to one query over the batch when csvcheck.h allows it. */
#include "csvload.h"
#include "csvbatch.h"
#include "csvcheck.h"
#include "csvfk.h"
#include "csvload_diag.h"
#include "csvpipe.h"
#include "csvsniff.h"
#include "sqlscan.h"
#include "tableinfo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE  65536   /* bytes read from a file at a time */
#define ERR_SIZE    4096
#define MSG_SIZE    16384   /* the complaints about one record */
#define MAX_COMPLAINTS 64   /* complaints kept about one record; more are counted */
/* Records one multi-row INSERT takes (see flush_batch), and the field bytes past which a
 * batch is full anyway (1 KiB a record: a batch full by bytes before it is full by
 * records is inserted one by one).  Each statement copies every page it changes into the
 * statement journal first; 1024 records a statement made the 3.2M-row import use about 4%
 * less CPU than 256 (docs/bench.md). */
#define BATCH_ROWS  1024
#define BATCH_BYTES ((size_t)1 << 20)


/* One complaint about the current record: its field (-1: the record) and where its
 * text starts in the loader's cbuf. */
struct complaint {
    int field;
    size_t off;
};

struct csvload {
    sqlite3 *db;
    sqlite3_stmt *ins;          /* INSERT INTO table (header columns) VALUES (?, ...) */
    sqlite3_stmt *multi;        /* the same with batch_rows rows of values, or NULL */
    int batch_rows;             /* records in a full batch */
    int multi_ok;               /* the table allows a multi-row INSERT (no triggers, no
                                 * ON CONFLICT that keeps part of a failed statement) */
    struct csvcheck *check;     /* the multi-row INSERT's CHECKs deferred, or NULL */
    struct csvbatch batch;      /* records read, not yet inserted */
    char (*bconv)[16];          /* per batch record and field: a converted date */
    char *table;
    char *name;                 /* the file name shown in messages */
    struct csvload_options opt;
    struct csvread *rd;

    int ntab;                   /* the table's columns */
    struct csvcol *cols;
    struct csvdiag *diag;
    struct csvfk *fk;           /* the foreign keys checked here, SQLite's off; or NULL */
    int *fkfield;               /* per foreign key: its header field, or -1 */
    struct csvval *fkabsent;    /* per foreign key: the value when not in the header */
    unsigned char *seen;        /* per table column: already in the header */

    int header_done;
    int ncols;                  /* fields of the header */
    const char **names;         /* per header field: its table column's name */
    int *colidx;                /* per header field: its table column */
    char (*conv)[16];           /* per header field: a converted date */
    struct csvval *bound;       /* per header field: the value as bound */
    unsigned char *bad;         /* per header field: refused by the value checks */

    char cbuf[MSG_SIZE];        /* the complaints about the current record */
    size_t cused;
    struct complaint cl[MAX_COMPLAINTS];
    int nc, dropped;

    const struct csvread_record *cur;   /* the record being handled */
    int streaming;              /* csvload_stream's thread owns the reader */
    unsigned long long offset;  /* csvload_stream: the bytes read of the batches handled */
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
    if (ld->rd && !ld->streaming)
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

/* Sets *v to the empty field of column c: its default, else NULL. */
static void empty_value(const struct csvcol *c, struct csvval *v)
{
    if (c->dflt) {
        v->type = CSVVAL_DEFAULT;
        v->dflt = c->dflt;
    } else {
        v->type = SQLITE_NULL;
    }
}

/* Finds the header field of each foreign key vigil checks (once the header is known and
 * the keys taken over), and the value a key not in the header gets.  Returns 0, or -1
 * when memory ran out. */
static int map_keys(struct csvload *ld)
{
    int q, i, n;
    if (!ld->fk || !ld->header_done || ld->fkfield)
        return 0;
    n = csvfk_count(ld->fk);
    ld->fkfield = malloc(sizeof *ld->fkfield * (size_t)n);
    ld->fkabsent = calloc((size_t)n, sizeof *ld->fkabsent);
    if (!ld->fkfield || !ld->fkabsent)
        return -1;
    for (q = 0; q < n; q++) {
        int col = csvfk_column(ld->fk, q);
        ld->fkfield[q] = -1;
        for (i = 0; i < ld->ncols; i++)
            if (ld->colidx[i] == col)
                ld->fkfield[q] = i;
        empty_value(&ld->cols[col], &ld->fkabsent[q]);
    }
    return 0;
}

/* Whether the record whose values are bound (per header field) has a parent for each
 * foreign key vigil checks.  Returns 1 (it has, or none are checked here), 0 (some key
 * matches nothing), or -1 when the load failed (an SQLite error). */
static int keys_ok(struct csvload *ld, const struct csvval *bound, long line)
{
    int q, n, rc;
    if (!ld->fk)
        return 1;
    n = csvfk_count(ld->fk);
    for (q = 0; q < n; q++) {
        rc = csvfk_check(ld->fk, q, ld->fkfield[q] >= 0 ? &bound[ld->fkfield[q]]
                                                          : &ld->fkabsent[q]);
        if (rc < 0) {
            fail(ld, "%s:%ld: checking a foreign key: %s", ld->name, line,
                 sqlite3_errmsg(ld->db));
            return -1;
        }
        if (rc == 0)
            return 0;
    }
    return 1;
}

/* The text of an INSERT into the header's columns with rows rows of parameters, as a
 * new sqlite3_malloc'd string (NULL when memory ran out). */
static char *insert_sql(const struct csvload *ld, int rows)
{
    sqlite3_str *sql = sqlite3_str_new(ld->db);
    int i, k;
    sqlite3_str_appendf(sql, "INSERT INTO \"%w\" (", ld->table);
    for (i = 0; i < ld->ncols; i++)
        sqlite3_str_appendf(sql, "%s\"%w\"", i ? ", " : "", ld->names[i]);
    sqlite3_str_appendall(sql, ") VALUES ");
    for (k = 0; k < rows; k++) {
        sqlite3_str_appendall(sql, k ? ", (" : "(");
        for (i = 0; i < ld->ncols; i++)
            sqlite3_str_appendall(sql, i ? ", ?" : "?");
        sqlite3_str_appendall(sql, ")");
    }
    return sqlite3_str_finish(sql);
}

/* Prepares the INSERT for the header's columns, and the multi-row one with as many rows
 * as SQLite's parameter limit lets a batch have (none when that is one, or when the
 * table does not allow it).  Returns 0 or -1 (failed). */
static int prepare_insert(struct csvload *ld, long line)
{
    char *text = insert_sql(ld, 1);
    int rows = BATCH_ROWS, maxvars;
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
    maxvars = sqlite3_limit(ld->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    if (rows > maxvars / ld->ncols)
        rows = maxvars / ld->ncols;
    if (!ld->multi_ok || rows < 2)
        rows = 1;
    if (rows > 1) {
        text = insert_sql(ld, rows);
        if (!text || sqlite3_prepare_v2(ld->db, text, -1, &ld->multi, NULL) != SQLITE_OK) {
            sqlite3_finalize(ld->multi);    /* the one-row INSERT will do */
            ld->multi = NULL;
            rows = 1;
        }
        sqlite3_free(text);
    }
    ld->batch_rows = rows;
    ld->bconv = calloc((size_t)rows * (size_t)ld->ncols, sizeof *ld->bconv);
    if (!ld->bconv || csvbatch_init(&ld->batch, rows, BATCH_BYTES) != 0) {
        fail(ld, "%s: out of memory", ld->name);
        return -1;
    }
    csvread_set_names(ld->rd, ld->names, ld->ncols);
    ld->header_done = 1;
    if (map_keys(ld) != 0) {
        fail(ld, "%s: out of memory", ld->name);
        return -1;
    }
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

/* Adds a complaint about field (-1: the record) of the current record: "NAME:LINE:COL: "
 * or "NAME:LINE: " and then text. */
static void complain(struct csvload *ld, int field, const char *text)
{
    size_t room = sizeof ld->cbuf - ld->cused;
    int n;
    if (ld->nc == MAX_COMPLAINTS || room < 64) {
        ld->dropped++;
        return;
    }
    if (field >= 0)
        n = snprintf(ld->cbuf + ld->cused, room, "%s:%ld:%d: %s", ld->name, ld->cur->line,
                     field + 1, text);
    else
        n = snprintf(ld->cbuf + ld->cused, room, "%s:%ld: %s", ld->name, ld->cur->line, text);
    if (n < 0)
        return;
    ld->cl[ld->nc].field = field;
    ld->cl[ld->nc].off = ld->cused;
    ld->nc++;
    ld->cused += (size_t)n < room ? (size_t)n + 1 : room;
    ld->cbuf[ld->cused - 1] = '\0';
}

/* csvdiag_explain's callback: adds the complaint. */
static void on_complaint(void *ud, int field, const char *text)
{
    complain(ud, field, text);
}

/* Rejects the current record with every complaint about it, in column order (the
 * record's own last), one per line; then forgets them. */
static void reject_complaints(struct csvload *ld)
{
    char msg[MSG_SIZE + 128];
    size_t used = 0;
    int i, k;
    for (i = 1; i < ld->nc; i++) {      /* a stable insertion sort by field */
        struct complaint c = ld->cl[i];
        unsigned key = (unsigned)c.field;
        for (k = i; k > 0 && (unsigned)ld->cl[k - 1].field > key; k--)
            ld->cl[k] = ld->cl[k - 1];
        ld->cl[k] = c;
    }
    msg[0] = '\0';
    for (i = 0; i < ld->nc && used < sizeof msg; i++)
        used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s", i ? "\n" : "",
                                 ld->cbuf + ld->cl[i].off);
    if (ld->dropped && used < sizeof msg)
        snprintf(msg + used, sizeof msg - used, "\n%s:%ld: ... and %d more problems in this "
                 "record", ld->name, ld->cur->line, ld->dropped);
    ld->nc = ld->dropped = 0;
    ld->cused = 0;
    reject_full(ld, msg);
}

/* Converts the value s (len bytes; NULL for an empty unquoted field) of table column c
 * into *v as it is to be bound, checking it when check_values is on; a date rewritten
 * as ISO goes into conv, which v then points to.  Returns 0, or 1 when the value was
 * refused, with *what (what it is not) and *why (a detail, or NULL) set. */
static int convert_value(const struct csvload *ld, const char *s, size_t len,
                         const struct csvcol *c, struct csvval *v, char conv[16],
                         const char **what, const char **why)
{
    const char *t = s;
    size_t tl = len;
    *why = NULL;
    if (!s) {
        empty_value(c, v);
        return 0;
    }
    if (!ld->opt.check_values || c->kind == CSVK_OTHER || (c->kind == CSVK_TEXT && !c->is_date)) {
        v->type = SQLITE_TEXT;
        v->s = s;
        v->len = (int)len;
        return 0;
    }
    while (tl > 0 && (*t == ' ' || *t == '\t')) {
        t++;
        tl--;
    }
    if (tl == 0) {
        empty_value(c, v);
        return 0;
    }
    if (c->is_date) {
        if (csvsniff_date(s, len, conv, why)) {
            v->type = SQLITE_TEXT;
            v->s = conv;
            v->len = 10;
            return 0;
        }
        *what = "a date";
    } else if (c->kind == CSVK_INTEGER) {
        if (csvsniff_integer(s, len, &v->i)) {
            v->type = SQLITE_INTEGER;
            return 0;
        }
        *what = "an integer";
    } else if (c->kind == CSVK_REAL) {
        if (csvsniff_real(s, len, &v->d)) {
            v->type = SQLITE_FLOAT;
            return 0;
        }
        *what = "a number";
    } else {
        if (csvsniff_integer(s, len, &v->i)) {
            v->type = SQLITE_INTEGER;
            return 0;
        }
        if (csvsniff_real(s, len, &v->d)) {
            v->type = SQLITE_FLOAT;
            return 0;
        }
        *what = "a number";
    }
    v->type = SQLITE_NULL;
    return 1;
}

/* Converts field i (table column c) of the record into ld->bound[i], checking it
 * when check_values is on.  Returns 0, or 1 when the value was refused (complaint
 * added). */
static int convert(struct csvload *ld, const struct csvread_record *rec, int i,
                   const struct csvcol *c)
{
    const char *s = rec->vals[i], *what = NULL, *why = NULL;
    size_t len = s ? rec->lens[i] : 0;
    char shown[256], msg[ERR_SIZE];
    if (convert_value(ld, s, len, c, &ld->bound[i], ld->conv[i], &what, &why) == 0)
        return 0;
    csvdiag_value(shown, sizeof shown, s, len);
    snprintf(msg, sizeof msg, "field '%s': %s is not %s%s%s%s", c->name, shown, what,
             why ? " (" : "", why ? why : "", why ? ")" : "");
    complain(ld, i, msg);
    return 1;
}

/* Explains why the record cannot be inserted (rc and msg: SQLite's refusal, or 0 and
 * NULL when some value was refused already) and rejects it with every complaint. */
static void explain(struct csvload *ld, const struct csvread_record *rec, int rc, const char *msg)
{
    struct csvrec crec;
    crec.n = ld->ncols;
    crec.names = ld->names;
    crec.colidx = ld->colidx;
    crec.vals = rec->vals;
    crec.lens = rec->lens;
    crec.bound = ld->bound;
    crec.bad = ld->bad;
    csvdiag_explain(ld->diag, &crec, rc, msg, on_complaint, ld);
    if (ld->nc == 0 && msg)
        complain(ld, -1, msg);
    reject_complaints(ld);
}

/* True when SQLite's refusal (extended code ext) is about the record, not the
 * database, and undid only the statement: the transaction (open before it when in_txn)
 * is still open. */
static int refused_record(const struct csvload *ld, int ext, int in_txn)
{
    if ((ext & 0xFF) != SQLITE_CONSTRAINT && ext != SQLITE_MISMATCH && ext != SQLITE_TOOBIG &&
        ext != SQLITE_RANGE)
        return 0;
    return !in_txn || !sqlite3_get_autocommit(ld->db);
}

/* Runs sql (a savepoint statement of the one-record path).  Returns 0, or -1 when the
 * load failed. */
static int savepoint(struct csvload *ld, const char *sql, long line)
{
    if (sqlite3_exec(ld->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    fail(ld, "%s:%ld: %s", ld->name, line, sqlite3_errmsg(ld->db));
    return -1;
}

/* Inserts the bound record whose foreign key (checked here, SQLite's checks off) matches
 * nothing, to learn what SQLite with its checks on would have said: a CHECK, NOT NULL,
 * UNIQUE or type refusal comes before the foreign keys, so when the INSERT fails that
 * is the answer; when it passes, it is undone and the answer is SQLite's foreign key
 * refusal.  Returns SQLite's step result (never SQLITE_DONE) with its extended code in
 * *ext and message in msg, or -1 when the load failed. */
static int step_without_parent(struct csvload *ld, long line, int *ext, char *msg,
                               size_t msize)
{
    int rc;
    if (savepoint(ld, "SAVEPOINT vigil_csvfk", line) != 0)
        return -1;
    rc = sqlite3_step(ld->ins);
    *ext = sqlite3_extended_errcode(ld->db);
    snprintf(msg, msize, "%s", sqlite3_errmsg(ld->db));
    sqlite3_reset(ld->ins);
    if (rc == SQLITE_DONE) {
        rc = SQLITE_CONSTRAINT;
        *ext = SQLITE_CONSTRAINT_FOREIGNKEY;
        snprintf(msg, msize, "FOREIGN KEY constraint failed");
        if (savepoint(ld, "ROLLBACK TO vigil_csvfk", line) != 0)
            return -1;
    }
    if (sqlite3_get_autocommit(ld->db))
        return rc;      /* the refusal ended the transaction, savepoint and all */
    return savepoint(ld, "RELEASE vigil_csvfk", line) != 0 ? -1 : rc;
}

/* Converts, binds and inserts the record; a refused record is explained. */
static void insert_record(struct csvload *ld, const struct csvread_record *rec)
{
    int i, rc, nbad = 0, in_txn = !sqlite3_get_autocommit(ld->db), parents;
    if (ld->check && csvcheck_restore(ld->check) != 0) {
        fail(ld, "%s:%ld: %s", ld->name, rec->line, sqlite3_errmsg(ld->db));
        return;
    }
    for (i = 0; i < ld->ncols; i++) {
        ld->bad[i] = (unsigned char)convert(ld, rec, i, &ld->cols[ld->colidx[i]]);
        nbad += ld->bad[i];
    }
    if (nbad) {
        explain(ld, rec, 0, NULL);
        memset(ld->bad, 0, (size_t)ld->ncols);
        return;
    }
    for (i = 0; i < ld->ncols; i++) {
        rc = csvval_bind(ld->ins, i + 1, &ld->bound[i]);
        if (rc != SQLITE_OK) {
            fail(ld, "%s:%ld: %s", ld->name, rec->line, sqlite3_errmsg(ld->db));
            return;
        }
    }
    if ((parents = keys_ok(ld, ld->bound, rec->line)) < 0)
        return;
    if (!parents) {
        char msg[1024];
        int ext;
        rc = step_without_parent(ld, rec->line, &ext, msg, sizeof msg);
        if (rc < 0)
            return;
        if (!refused_record(ld, ext, in_txn))
            fail(ld, "%s:%ld: %s", ld->name, rec->line, msg);
        else
            explain(ld, rec, ext, msg);
        return;
    }
    rc = sqlite3_step(ld->ins);
    if (rc == SQLITE_DONE) {
        ld->rows++;
        sqlite3_reset(ld->ins);
        return;
    }
    {
        int ext = sqlite3_extended_errcode(ld->db);
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(ld->db));
        sqlite3_reset(ld->ins);
        if (!refused_record(ld, ext, in_txn)) {
            fail(ld, "%s:%ld: %s", ld->name, rec->line, msg);
            return;
        }
        explain(ld, rec, ext, msg);
    }
}

/* Runs the bound multi-row INSERT, with the table's CHECKs deferred (csvcheck.h) when
 * that applies: then a batch that fails a CHECK, or cannot be checked, is undone and the
 * INSERT run again with the checks on, so what follows is what it would be without
 * deferring.  Returns SQLite's result code of the INSERT (SQLITE_DONE: inserted and
 * checked), or -1 once the load failed. */
static int step_batch(struct csvload *ld)
{
    const struct csvbatch *b = &ld->batch;
    char msg[1024];
    int rc, kept, deferred = ld->check ? csvcheck_begin(ld->check) : 0;
    if (deferred < 0) {
        fail(ld, "%s:%ld: %s", ld->name, b->lines[0], sqlite3_errmsg(ld->db));
        return -1;
    }
    if (deferred == 0)
        return sqlite3_step(ld->multi);
    rc = sqlite3_step(ld->multi);
    snprintf(msg, sizeof msg, "%s", rc == SQLITE_DONE ? "" : sqlite3_errmsg(ld->db));
    sqlite3_reset(ld->multi);
    kept = csvcheck_end(ld->check, rc == SQLITE_DONE, b->n);
    if (kept == 1)
        return SQLITE_DONE;
    if (kept < 0 || sqlite3_get_autocommit(ld->db) || csvcheck_restore(ld->check) != 0) {
        fail(ld, "%s:%ld: %s", ld->name, b->lines[0], msg[0] ? msg : sqlite3_errmsg(ld->db));
        return -1;
    }
    return sqlite3_step(ld->multi);
}

/* Binds every record of the full batch to the multi-row INSERT and runs it.  Returns 1
 * when all were inserted, 0 when some value was refused or SQLite refused some record
 * (nothing of the batch was inserted: the records are to be inserted one by one, to
 * find and explain the bad ones), or -1 when the load failed. */
static int insert_batch(struct csvload *ld)
{
    struct csvbatch *b = &ld->batch;
    struct csvread_record rec;
    struct csvval *v = ld->bound;
    const char *what, *why;
    int k, i, p = 1, rc, ext, in_txn = !sqlite3_get_autocommit(ld->db);
    for (k = 0; k < b->n; k++) {
        csvbatch_record(b, k, &rec);
        for (i = 0; i < ld->ncols; i++, p++) {
            if (convert_value(ld, rec.vals[i], rec.vals[i] ? rec.lens[i] : 0,
                              &ld->cols[ld->colidx[i]], &v[i],
                              ld->bconv[(size_t)k * (size_t)ld->ncols + (size_t)i], &what,
                              &why) != 0)
                return 0;
            if (csvval_bind(ld->multi, p, &v[i]) != SQLITE_OK) {
                fail(ld, "%s:%ld: %s", ld->name, rec.line, sqlite3_errmsg(ld->db));
                return -1;
            }
        }
        rc = keys_ok(ld, v, rec.line);
        if (rc <= 0)
            return rc;  /* a key matches nothing: one by one, to report it */
    }
    rc = step_batch(ld);
    if (rc < 0)
        return -1;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(ld->multi);
        ld->rows += b->n;
        return 1;
    }
    ext = sqlite3_extended_errcode(ld->db);
    if (refused_record(ld, ext, in_txn)) {
        sqlite3_reset(ld->multi);
        return 0;
    }
    fail(ld, "%s:%ld: %s", ld->name, b->lines[0], sqlite3_errmsg(ld->db));
    sqlite3_reset(ld->multi);
    return -1;
}

/* Inserts the records of the batch, then empties it: all at once through the
 * multi-row INSERT when the batch is full and every record is good (one statement per
 * batch instead of per record: SQLite's per-statement work, such as building the
 * lookup table of a CHECK's IN list, is done once a batch), else one by one, so each
 * bad record is found, explained and reported in order. */
static void flush_batch(struct csvload *ld)
{
    struct csvbatch *b = &ld->batch;
    struct csvread_record rec;
    int k;
    if (!ld->failed && b->n > 0 && !(ld->multi && b->n == ld->batch_rows &&
                                     insert_batch(ld) != 0)) {
        for (k = 0; k < b->n && !ld->failed; k++) {
            csvbatch_record(b, k, &rec);
            ld->cur = &rec;
            insert_record(ld, &rec);
        }
        ld->cur = NULL;
    }
    csvbatch_clear(b);
}

/* csvread's record callback: the header is matched, a record inserted.  Returns
 * nonzero once the load has failed. */
static int on_record(void *ud, const struct csvread_record *rec)
{
    struct csvload *ld = ud;
    if (!ld->header_done) {
        ld->cur = rec;
        read_header(ld, rec);
    } else if (rec->n != ld->ncols) {
        char msg[128];
        flush_batch(ld);    /* the records before it are reported first */
        snprintf(msg, sizeof msg, "record has %d field%s, the %s has %d", rec->n,
                 rec->n == 1 ? "" : "s", ld->opt.no_header ? "table" : "header", ld->ncols);
        ld->cur = rec;
        if (!ld->failed)
            reject(ld, msg);
    } else if (csvbatch_add(&ld->batch, rec) != 0) {
        fail(ld, "%s:%ld: out of memory", ld->name, rec->line);
    } else if (csvbatch_full(&ld->batch)) {
        flush_batch(ld);
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
    csvcheck_free(ld->check);    /* the CHECKs on again */
    sqlite3_finalize(ld->ins);
    sqlite3_finalize(ld->multi);
    csvbatch_free(&ld->batch);
    free(ld->bconv);
    csvread_free(ld->rd);
    csvdiag_free(ld->diag);
    csvfk_free(ld->fk);
    free(ld->fkfield);
    free(ld->fkabsent);
    for (j = 0; j < ld->ntab; j++) {
        free(ld->cols[j].name);
        sqlite3_value_free(ld->cols[j].dflt);
    }
    free(ld->cols);
    free(ld->seen);
    free(ld->names);
    free(ld->colidx);
    free(ld->conv);
    free(ld->bound);
    free(ld->bad);
    free(ld->table);
    free(ld->name);
    free(ld);
}

/* The value of a column's DEFAULT expression (as pragma table_info gives it),
 * evaluated now, or NULL when it cannot be (memory, or an expression that is not
 * constant). */
static sqlite3_value *eval_default(sqlite3 *db, const char *expr)
{
    sqlite3_stmt *st = NULL;
    sqlite3_value *v = NULL;
    char *sql = sqlite3_mprintf("SELECT %s", expr);
    if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_value_dup(sqlite3_column_value(st, 0));
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return v;
}

/* SQLite's affinity rules applied to a declared type. */
static enum csvkind kind_of(const char *type)
{
    char up[64];
    size_t i;
    for (i = 0; type && type[i] && i + 1 < sizeof up; i++)
        up[i] = (char)(type[i] >= 'a' && type[i] <= 'z' ? type[i] - 32 : type[i]);
    up[i] = '\0';
    if (strstr(up, "INT"))
        return CSVK_INTEGER;
    if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
        return CSVK_TEXT;
    if (up[0] == '\0' || strstr(up, "BLOB") || strcmp(up, "ANY") == 0)
        return CSVK_OTHER;
    if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
        return CSVK_REAL;
    if (strcmp(up, "DATE") == 0)
        return CSVK_TEXT;
    return CSVK_NUMERIC;
}

/* Reads the table's columns into ld->cols.  Returns 0 or -1 (with err). */
static int load_columns(struct csvload *ld, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    char *sql;
    int cap = 0, rc, npk = 0;
    sql = tableinfo_sql(ld->db, ld->table, NULL);
    ld->multi_ok = sql && !sqlscan_has_on_conflict(sql) && !tableinfo_has_triggers(ld->db, ld->table);
    if (ld->multi_ok)
        ld->check = csvcheck_new(ld->db, ld->table, sql);   /* NULL: not deferred */
    if (sqlite3_prepare_v2(ld->db, "SELECT name, type, \"notnull\", dflt_value, pk, "
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
        const char *dflt = (const char *)sqlite3_column_text(st, 3);
        struct csvcol *c;
        if (ld->ntab == cap) {
            struct csvcol *p = realloc(ld->cols, sizeof *p * (size_t)(cap ? cap * 2 : 16));
            if (!p)
                break;
            ld->cols = p;
            cap = cap ? cap * 2 : 16;
        }
        c = &ld->cols[ld->ntab];
        memset(c, 0, sizeof *c);
        c->name = strdup(col ? col : "");
        if (!c->name)
            break;
        ld->ntab++;
        c->kind = kind_of(type);
        c->is_date = (type && sqlite3_stricmp(type, "DATE") == 0) ||
                     (sql && sqlscan_calls_date(sql, c->name));
        npk = sqlite3_column_int(st, 5);
        c->rowid = sqlite3_column_int(st, 4) == 1 && npk == 1 && type &&
                   sqlite3_stricmp(type, "INTEGER") == 0;
        c->notnull = sqlite3_column_int(st, 2) && !c->rowid;
        if (dflt && !(c->dflt = eval_default(ld->db, dflt)))
            break;
        c->required = c->notnull && !dflt;
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
    ld->bound = calloc(n, sizeof *ld->bound);
    ld->bad = calloc(n, 1);
    ld->diag = csvdiag_new(db, table, ld->cols, ld->ntab);
    if (!ld->seen || !ld->names || !ld->colidx || !ld->conv || !ld->bound || !ld->bad ||
        !ld->diag) {
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

/* Switches the table's CHECKs back on when a batch left them deferred: at the end of
 * the input, and when the load fails. */
static void checks_on(struct csvload *ld)
{
    if (ld->check && csvcheck_restore(ld->check) != 0)
        fail(ld, "%s: cannot switch the CHECK constraints on again: %s", ld->name,
             sqlite3_errmsg(ld->db));
}

/* Parses and inserts the next len bytes; see csvload.h. */
int csvload_feed(struct csvload *ld, const void *data, size_t len)
{
    if (ld->failed)
        return -1;
    if (csvread_feed(ld->rd, data, len) != 0) {
        flush_batch(ld);    /* the records before the break are checked and reported */
        fail(ld, "%s", csvread_errmsg(ld->rd));
        checks_on(ld);
        return -1;
    }
    return 0;
}

/* Ends the input; see csvload.h. */
int csvload_finish(struct csvload *ld)
{
    if (ld->failed) {
        checks_on(ld);
        return -1;
    }
    if (csvread_finish(ld->rd) != 0) {
        flush_batch(ld);
        fail(ld, "%s", csvread_errmsg(ld->rd));
    } else {
        flush_batch(ld);
        if (!ld->header_done)
            fail(ld, "%s: empty file (the first line must name the columns)", ld->name);
    }
    checks_on(ld);
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
    return ld->streaming ? ld->offset : csvread_offset(ld->rd);
}

/* Loads the rest of the input from a reading thread; see csvload.h.  The records come
 * in batches, in file order, and go through on_record as csvload_feed's do, so every
 * check, message and its order is the same; only this thread touches the database. */
int csvload_stream(struct csvload *ld, FILE *in, const void *first, size_t len,
                   void (*progress)(void *ud), void *ud)
{
    struct csvpipe *p;
    struct csvbatch *b;
    struct csvread_record rec;
    char err[ERR_SIZE];
    int k, rc;
    if (ld->failed)
        return -1;
    p = csvpipe_start(ld->rd, in, first, len, !ld->header_done, ld->name);
    if (!p) {
        fail(ld, "%s: cannot start reading: out of memory or threads", ld->name);
        return -1;
    }
    ld->streaming = 1;
    while (!ld->failed && (b = csvpipe_next(p)) != NULL) {
        for (k = 0; k < b->n && !ld->failed; k++) {
            csvbatch_record(b, k, &rec);
            on_record(ld, &rec);
        }
        ld->offset = b->offset;
        csvpipe_release(p, b);
        if (progress)
            progress(ud);
    }
    rc = csvpipe_end(p, err, sizeof err);
    ld->streaming = 0;
    csvread_set_callback(ld->rd, on_record, ld);
    if (!ld->failed) {
        flush_batch(ld);    /* the records before a break are checked and reported first */
        if (rc != 0)
            fail(ld, "%s", err);
        else if (!ld->header_done)
            fail(ld, "%s: empty file (the first line must name the columns)", ld->name);
    }
    checks_on(ld);
    return ld->failed ? -1 : 0;
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

/* Takes over the checking of the table's foreign keys; see csvload.h. */
int csvload_own_foreign_keys(struct csvload *ld)
{
    if (ld->fk || ld->failed || !ld->opt.check_values || ld->rows > 0)
        return ld->fk != NULL;
    ld->fk = csvfk_new(ld->db, ld->table, ld->cols, ld->ntab);
    if (ld->fk && map_keys(ld) != 0) {
        csvfk_free(ld->fk);
        ld->fk = NULL;
    }
    return ld->fk != NULL;
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
