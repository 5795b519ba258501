/* Explaining a rejected CSV record: every field SQLite would refuse and why.
 *
 * SQLite reports one failure per row and names the column for NOT NULL, UNIQUE and
 * STRICT type errors only.  So each CHECK constraint of the table (found in its CREATE
 * statement by sqlscan) is evaluated alone by a probe, SELECT NOT coalesce((expr), 1)
 * over the record's values as bound; its identifiers tell the fields to blame.  Each
 * foreign key is looked up in its parent with the record's values; each NOT NULL column
 * is looked at.  What SQLite said is explained too when it is something else. */
#include "csvload_diag.h"
#include "csvsniff.h"
#include "sqlscan.h"
#include "tableinfo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_SHOWN 60   /* bytes of a value shown before "..." */
#define FK_MAX_COLS 16   /* columns of one foreign key we are willing to probe */
#define TEXT_SIZE   2048 /* one complaint */

/* One CHECK constraint of the table and its probe. */
struct check {
    char *expr;
    char *name;             /* NULL when unnamed */
    sqlite3_stmt *probe;    /* prepared on first use */
    int broken;             /* the probe cannot be prepared: rely on SQLite's message */
};

struct csvdiag {
    sqlite3 *db;
    char *table;
    const struct csvcol *cols;
    int ncols;
    int fk_on;              /* PRAGMA foreign_keys */
    int strict;             /* a STRICT table */
    struct check *checks;
    int nchecks, cap;
    int oom;
};

/* The state of one explanation. */
struct explain {
    struct csvdiag *d;
    const struct csvrec *rec;
    int *tabfield;          /* per table column: its field, or -1 */
    int *hit;               /* per field: blamed by the complaint being built */
    csvdiag_fn say;
    void *ud;
    int said;
};

/* A bounded string being built in a caller's buffer; output past the end is dropped. */
struct sbuf {
    char *p;
    size_t size;
    size_t len;
};

/* Appends printf-style text to b, truncating at the end of the buffer. */
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->size == 0 || b->len + 1 >= b->size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    b->len += (size_t)n;
    if (b->len >= b->size)
        b->len = b->size - 1;
}

/* Writes a printable form of a value; see csvload_diag.h. */
void csvdiag_value(char *buf, size_t size, const char *val, size_t len)
{
    struct sbuf b = { buf, size, 0 };
    size_t i;
    if (size == 0)
        return;
    buf[0] = '\0';
    if (!val) {
        sb_printf(&b, "NULL");
        return;
    }
    sb_printf(&b, "'");
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)val[i];
        if (i >= VALUE_SHOWN && (c & 0xC0) != 0x80) {
            sb_printf(&b, "...");
            break;
        }
        if (c == '\n')
            sb_printf(&b, "\\n");
        else if (c == '\r')
            sb_printf(&b, "\\r");
        else if (c == '\t')
            sb_printf(&b, "\\t");
        else if (c == '\\' || c == '\'')
            sb_printf(&b, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            sb_printf(&b, "\\x%02x", c);
        else
            sb_printf(&b, "%c", c);
    }
    sb_printf(&b, "'");
}

/* Binds v to parameter idx of st; see csvload_diag.h. */
int csvval_bind(sqlite3_stmt *st, int idx, const struct csvval *v)
{
    switch (v->type) {
    case SQLITE_INTEGER:
        return sqlite3_bind_int64(st, idx, v->i);
    case SQLITE_FLOAT:
        return sqlite3_bind_double(st, idx, v->d);
    case SQLITE_TEXT:
        /* A length of -1 tells SQLite the text ends in a NUL (v->s[len] is one, and
         * csvread refuses NUL bytes inside a field), so it need not copy the value to
         * add one each time a function or comparison reads it. */
        return sqlite3_bind_text(st, idx, v->s, v->s[v->len] == '\0' ? -1 : v->len,
                                 SQLITE_STATIC);
    case CSVVAL_DEFAULT:
        return sqlite3_bind_value(st, idx, v->dflt);
    default:
        return sqlite3_bind_null(st, idx);
    }
}

/* Binds field fi of the record to parameter idx of st as the table would store it:
 * text in a numeric column becomes a number when it reads as one (SQLite's affinity).
 * Returns 1 when the value cannot be stored at all (text in a number column of a STRICT
 * table), else 0. */
static int bind_field(struct csvdiag *d, sqlite3_stmt *st, int idx, const struct csvrec *rec,
                      int fi)
{
    struct csvval v;
    const struct csvcol *c = &d->cols[rec->colidx[fi]];
    if (rec->bound) {
        v = rec->bound[fi];
    } else {
        memset(&v, 0, sizeof v);
        v.type = rec->vals[fi] ? SQLITE_TEXT : SQLITE_NULL;
        v.s = rec->vals[fi];
        v.len = (int)rec->lens[fi];
    }
    if (v.type == SQLITE_TEXT && c->kind != CSVK_TEXT && c->kind != CSVK_OTHER) {
        if (c->kind != CSVK_REAL && csvsniff_integer(v.s, (size_t)v.len, &v.i))
            v.type = SQLITE_INTEGER;
        else if (csvsniff_real(v.s, (size_t)v.len, &v.d))
            v.type = SQLITE_FLOAT;
        else if (d->strict)
            return 1;
    }
    csvval_bind(st, idx, &v);
    return 0;
}

/* True when field fi's value is NULL as bound. */
static int field_is_null(const struct csvrec *rec, int fi)
{
    if (rec->bound)
        return rec->bound[fi].type == SQLITE_NULL ||
               (rec->bound[fi].type == CSVVAL_DEFAULT &&
                sqlite3_value_type(rec->bound[fi].dflt) == SQLITE_NULL);
    return rec->vals[fi] == NULL;
}

/* csvdiag_new's callback for each CHECK of the table: keeps it. */
static void add_check(void *ud, const char *expr, const char *name)
{
    struct csvdiag *d = ud;
    struct check *c;
    if (d->nchecks == d->cap) {
        int cap = d->cap ? d->cap * 2 : 8;
        struct check *p = realloc(d->checks, sizeof *p * (size_t)cap);
        if (!p) {
            d->oom = 1;
            return;
        }
        d->checks = p;
        d->cap = cap;
    }
    c = &d->checks[d->nchecks];
    memset(c, 0, sizeof *c);
    c->expr = strdup(expr);
    c->name = name ? strdup(name) : NULL;
    if (!c->expr || (name && !c->name)) {
        free(c->expr);
        free(c->name);
        d->oom = 1;
        return;
    }
    d->nchecks++;
}

/* A diagnosis for table; see csvload_diag.h. */
struct csvdiag *csvdiag_new(sqlite3 *db, const char *table, const struct csvcol *cols,
                            int ncols)
{
    struct csvdiag *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->db = db;
    d->cols = cols;
    d->ncols = ncols;
    d->table = strdup(table);
    if (!d->table) {
        csvdiag_free(d);
        return NULL;
    }
    char *sql = tableinfo_sql(db, table, NULL);
    if (sql && sqlscan_checks(sql, add_check, d) < 0)
        d->oom = 1;
    sqlite3_free(sql);
    d->fk_on = (int)tableinfo_int(db, "PRAGMA foreign_keys", NULL, 0);
    d->strict = (int)tableinfo_int(db, "SELECT strict FROM pragma_table_list(?1)", table, 0);
    if (d->oom) {
        csvdiag_free(d);
        return NULL;
    }
    return d;
}

/* Frees the diagnosis; see csvload_diag.h. */
void csvdiag_free(struct csvdiag *d)
{
    int i;
    if (!d)
        return;
    for (i = 0; i < d->nchecks; i++) {
        sqlite3_finalize(d->checks[i].probe);
        free(d->checks[i].expr);
        free(d->checks[i].name);
    }
    free(d->checks);
    free(d->table);
    free(d);
}

/* The index of the field holding column name (len bytes, compared without case as
 * SQLite does), or -1. */
static int field_of(const struct csvrec *rec, const char *name, size_t len)
{
    int i;
    for (i = 0; i < rec->n; i++)
        if (strlen(rec->names[i]) == len && sqlite3_strnicmp(rec->names[i], name, (int)len) == 0)
            return i;
    return -1;
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

/* Says one complaint about the fields marked in e->hit: "field 'x': VALUE rejected:
 * MSG[: DETAIL]" for one field, else "record rejected: MSG[: DETAIL] (field 'a'
 * (column 1) = VALUE, ...)", with missing named when no field is to blame. */
static void emit(struct explain *e, const char *msg, const char *detail, const char *missing)
{
    const struct csvrec *rec = e->rec;
    char text[TEXT_SIZE], shown[4 * VALUE_SHOWN + 16];
    struct sbuf b = { text, sizeof text, 0 };
    int i, nhit = 0, first = -1;
    for (i = 0; i < rec->n; i++)
        if (e->hit[i]) {
            nhit++;
            if (first < 0)
                first = i;
        }
    if (nhit == 1) {
        csvdiag_value(shown, sizeof shown, rec->vals[first], rec->lens[first]);
        sb_printf(&b, "field '%s': %s rejected: %s", rec->names[first], shown, msg);
    } else {
        sb_printf(&b, "record rejected: %s", msg);
    }
    if (detail && detail[0])
        sb_printf(&b, ": %s", detail);
    if (nhit > 1) {
        const char *sep = " (";
        for (i = 0; i < rec->n; i++) {
            if (!e->hit[i])
                continue;
            csvdiag_value(shown, sizeof shown, rec->vals[i], rec->lens[i]);
            sb_printf(&b, "%sfield '%s' (column %d) = %s", sep, rec->names[i], i + 1, shown);
            sep = ", ";
        }
        sb_printf(&b, ")");
    } else if (nhit == 0 && missing && missing[0]) {
        sb_printf(&b, " (column '%s' is not in the header)", missing);
    }
    e->say(e->ud, nhit == 1 ? first : -1, text);
    e->said++;
    memset(e->hit, 0, sizeof *e->hit * (size_t)(rec->n + 1));
}

/* Marks in e->hit the fields whose columns the SQL expression names (function names
 * excepted).  Returns the count marked; sets *bad when one of them was refused. */
static int mark_expr_columns(struct explain *e, const char *expr, int *bad)
{
    struct sqltok t, next;
    const char *s = sqlscan_next(expr, &t);
    int found = 0;
    while (t.kind != SQLTOK_END) {
        const char *after = sqlscan_next(s, &next);
        if ((t.kind == SQLTOK_WORD || t.kind == SQLTOK_QUOTED) &&
            !(next.kind == SQLTOK_PUNCT && *next.start == '(')) {
            int i;
            for (i = 0; i < e->rec->n; i++)
                if (!e->hit[i] && sqlscan_ident_is(&t, e->rec->names[i], strlen(e->rec->names[i]))) {
                    e->hit[i] = 1;
                    found++;
                    if (bad && e->rec->bad && e->rec->bad[i])
                        *bad = 1;
                }
        }
        t = next;
        s = after;
    }
    return found;
}

/* Prepares the probe of CHECK c: SELECT NOT coalesce((expr), 1) over every table
 * column as a parameter.  Returns it, or NULL (c is then marked broken). */
static sqlite3_stmt *check_probe(struct csvdiag *d, struct check *c)
{
    sqlite3_str *sql;
    char *text;
    int j;
    if (c->probe || c->broken)
        return c->probe;
    sql = sqlite3_str_new(d->db);
    sqlite3_str_appendf(sql, "SELECT NOT coalesce((%s), 1) FROM (SELECT ", c->expr);
    for (j = 0; j < d->ncols; j++)
        sqlite3_str_appendf(sql, "%s?%d AS \"%w\"", j ? ", " : "", j + 1, d->cols[j].name);
    sqlite3_str_appendf(sql, ") AS \"%w\"", d->table);
    text = sqlite3_str_finish(sql);
    if (!text || sqlite3_prepare_v2(d->db, text, -1, &c->probe, NULL) != SQLITE_OK) {
        sqlite3_finalize(c->probe);
        c->probe = NULL;
        c->broken = 1;
    }
    sqlite3_free(text);
    return c->probe;
}

/* Evaluates every CHECK of the table against the record; says each that fails.
 * Returns the count said; sets *untested when some CHECK could not be probed. */
static int check_all(struct explain *e, int *untested)
{
    struct csvdiag *d = e->d;
    int k, said = 0;
    for (k = 0; k < d->nchecks; k++) {
        struct check *c = &d->checks[k];
        sqlite3_stmt *st = check_probe(d, c);
        int bad = 0, j, failed;
        char msg[TEXT_SIZE / 2], expr[TEXT_SIZE / 2];
        struct sbuf mb = { msg, sizeof msg, 0 };
        if (!st) {
            *untested = 1;
            continue;
        }
        mark_expr_columns(e, c->expr, &bad);
        if (bad) {      /* a refused value: the CHECK means nothing yet */
            memset(e->hit, 0, sizeof *e->hit * (size_t)(e->rec->n + 1));
            continue;
        }
        for (j = 0; j < d->ncols; j++) {
            int fi = e->tabfield[j];
            if (fi >= 0)
                bad |= bind_field(d, st, j + 1, e->rec, fi);
            else if (d->cols[j].dflt)
                sqlite3_bind_value(st, j + 1, d->cols[j].dflt);
            else
                sqlite3_bind_null(st, j + 1);
        }
        failed = !bad && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (!failed) {
            memset(e->hit, 0, sizeof *e->hit * (size_t)(e->rec->n + 1));
            continue;
        }
        squeeze(expr, sizeof expr, c->expr);
        mb.len = 0;
        if (c->name)
            sb_printf(&mb, "CHECK constraint failed: %s (%s)", c->name, expr);
        else
            sb_printf(&mb, "CHECK constraint failed: %s", expr);
        emit(e, msg, NULL, NULL);
        said++;
    }
    return said;
}

/* Says each NOT NULL column whose value is NULL.  Returns the count said. */
static int check_not_null(struct explain *e)
{
    struct csvdiag *d = e->d;
    int j, said = 0;
    for (j = 0; j < d->ncols; j++) {
        int fi = e->tabfield[j];
        char msg[512];
        if (!d->cols[j].notnull)
            continue;
        if (fi >= 0 && ((e->rec->bad && e->rec->bad[fi]) || !field_is_null(e->rec, fi)))
            continue;
        if (fi < 0 && d->cols[j].dflt && sqlite3_value_type(d->cols[j].dflt) != SQLITE_NULL)
            continue;
        snprintf(msg, sizeof msg, "NOT NULL constraint failed: %s.%s", d->table,
                 d->cols[j].name);
        if (fi >= 0)
            e->hit[fi] = 1;
        emit(e, msg, NULL, fi < 0 ? d->cols[j].name : NULL);
        said++;
    }
    return said;
}

/* The name of column number seq (0-based) of parent's primary key, as a new
 * sqlite3_malloc'd string, or NULL. */
static char *parent_pk_column(sqlite3 *db, const char *parent, int seq)
{
    sqlite3_stmt *st = NULL;
    char *name = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) WHERE pk=?2", -1, &st,
                           NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, seq + 1);
    if (sqlite3_step(st) == SQLITE_ROW)
        name = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return name;
}

/* Tests foreign key number id (parent table parent) against the record.  Returns 1 when
 * the record's values are missing from the parent (marking the fields in e->hit and
 * describing the reference in detail), else 0. */
static int probe_foreign_key(struct explain *e, int id, const char *parent, char *detail,
                             size_t dsize)
{
    sqlite3 *db = e->d->db;
    const struct csvrec *rec = e->rec;
    sqlite3_stmt *cols = NULL, *probe = NULL;
    sqlite3_str *sql = sqlite3_str_new(db), *where = sqlite3_str_new(db);
    int fidx[FK_MAX_COLS];
    int n = 0, usable = 1, missing = 0, rc;
    char *q = NULL, *w = NULL;

    sqlite3_str_appendf(sql, "SELECT 1 FROM \"%w\" WHERE ", parent);
    rc = sqlite3_prepare_v2(db, "SELECT \"from\", \"to\" FROM pragma_foreign_key_list(?1) "
                            "WHERE id=?2 ORDER BY seq", -1, &cols, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(cols, 1, e->d->table, -1, SQLITE_STATIC);
        sqlite3_bind_int(cols, 2, id);
    } else {
        usable = 0;
    }
    while (usable && sqlite3_step(cols) == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(cols, 0);
        const char *to = (const char *)sqlite3_column_text(cols, 1);
        char *pk = to ? NULL : parent_pk_column(db, parent, n);
        int fi = from ? field_of(rec, from, strlen(from)) : -1;
        if (fi < 0 || field_is_null(rec, fi) || (rec->bad && rec->bad[fi]) ||
            n == FK_MAX_COLS || !(to || pk)) {
            usable = 0;   /* a NULL or absent value satisfies the key */
        } else {
            sqlite3_str_appendf(sql, "%s\"%w\" = ?%d", n ? " AND " : "", to ? to : pk, n + 1);
            sqlite3_str_appendf(where, "%s%s", n ? ", " : "", to ? to : pk);
            fidx[n++] = fi;
        }
        sqlite3_free(pk);
    }
    sqlite3_finalize(cols);
    q = sqlite3_str_finish(sql);
    w = sqlite3_str_finish(where);
    if (usable && n > 0 && q && w &&
        sqlite3_prepare_v2(db, q, -1, &probe, NULL) == SQLITE_OK) {
        int k;
        for (k = 0; k < n; k++)
            bind_field(e->d, probe, k + 1, rec, fidx[k]);
        if (sqlite3_step(probe) == SQLITE_DONE) {
            missing = 1;
            for (k = 0; k < n; k++)
                e->hit[fidx[k]] = 1;
            if (n == 1)
                snprintf(detail, dsize, "no such %s.%s", parent, w);
            else
                snprintf(detail, dsize, "no such %s(%s)", parent, w);
        }
    }
    sqlite3_finalize(probe);
    sqlite3_free(q);
    sqlite3_free(w);
    return missing;
}

/* Says each foreign key of the table the record breaks.  Returns the count said. */
static int check_foreign_keys(struct explain *e)
{
    sqlite3_stmt *keys = NULL;
    int said = 0;
    if (!e->d->fk_on ||
        sqlite3_prepare_v2(e->d->db, "SELECT DISTINCT id, \"table\" FROM "
                           "pragma_foreign_key_list(?1) ORDER BY id", -1, &keys, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(keys, 1, e->d->table, -1, SQLITE_STATIC);
    while (sqlite3_step(keys) == SQLITE_ROW) {
        char *parent = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(keys, 1));
        char detail[256] = "";
        if (parent && probe_foreign_key(e, sqlite3_column_int(keys, 0), parent, detail,
                                        sizeof detail)) {
            emit(e, "FOREIGN KEY constraint failed", detail, NULL);
            said++;
        }
        sqlite3_free(parent);
    }
    sqlite3_finalize(keys);
    return said;
}

/* Marks the fields whose columns SQLite names as "table.column" in msg, and copies into
 * missing the first such column that is not in the record. */
static void mark_named_columns(struct explain *e, const char *msg, char *missing, size_t msize)
{
    const char *table = e->d->table;
    size_t tlen = strlen(table);
    const char *s;
    for (s = msg; *s; s++) {
        const char *col, *end;
        int fi;
        if (sqlite3_strnicmp(s, table, (int)tlen) != 0 || s[tlen] != '.')
            continue;
        if (s > msg && (s[-1] == '_' || (unsigned char)s[-1] >= 0x80 ||
                        (s[-1] >= '0' && s[-1] <= '9') || ((s[-1] | 32) >= 'a' && (s[-1] | 32) <= 'z')))
            continue;
        col = s + tlen + 1;
        for (end = col; *end && *end != ',' && *end != ' '; end++)
            ;
        fi = field_of(e->rec, col, (size_t)(end - col));
        if (fi >= 0)
            e->hit[fi] = 1;
        else if (missing[0] == '\0')
            snprintf(missing, msize, "%.*s", (int)(end - col), col);
        s = end - 1;
    }
}

/* Explains SQLite's own message about the record (when the probes found nothing, or it
 * is about something they do not look at). */
static void explain_sqlite(struct explain *e, int rc, const char *raw)
{
    static const char check_prefix[] = "CHECK constraint failed: ";
    char missing[128] = "", msg[TEXT_SIZE / 2];
    int j;
    squeeze(msg, sizeof msg, raw);
    if (rc == SQLITE_CONSTRAINT_CHECK && strncmp(msg, check_prefix, sizeof check_prefix - 1) == 0) {
        const char *what = msg + sizeof check_prefix - 1;
        int k, found = 0;
        for (k = 0; k < e->d->nchecks && !found; k++)
            if (e->d->checks[k].name && sqlite3_stricmp(e->d->checks[k].name, what) == 0)
                found = mark_expr_columns(e, e->d->checks[k].expr, NULL);
        if (!found)
            mark_expr_columns(e, what, NULL);
    } else if (rc == SQLITE_MISMATCH) {
        for (j = 0; j < e->d->ncols; j++)   /* the rowid alias is what it is about */
            if (e->d->cols[j].rowid && e->tabfield[j] >= 0)
                e->hit[e->tabfield[j]] = 1;
    } else {
        mark_named_columns(e, msg, missing, sizeof missing);
    }
    emit(e, msg, NULL, missing);
}

/* Finds every reason the record cannot be inserted; see csvload_diag.h. */
int csvdiag_explain(struct csvdiag *d, const struct csvrec *rec, int rc, const char *msg,
                    csvdiag_fn say, void *ud)
{
    struct explain e;
    int j, i, found, untested = 0, covered;
    memset(&e, 0, sizeof e);
    e.d = d;
    e.rec = rec;
    e.say = say;
    e.ud = ud;
    e.tabfield = malloc(sizeof *e.tabfield * (size_t)(d->ncols + 1));
    e.hit = calloc((size_t)rec->n + 1, sizeof *e.hit);
    if (!e.tabfield || !e.hit) {
        free(e.tabfield);
        free(e.hit);
        say(ud, -1, msg ? msg : "out of memory");
        return 1;
    }
    for (j = 0; j < d->ncols; j++)
        e.tabfield[j] = -1;
    for (i = 0; i < rec->n; i++)
        if (rec->colidx[i] >= 0 && rec->colidx[i] < d->ncols)
            e.tabfield[rec->colidx[i]] = i;
    found = check_not_null(&e);
    found += check_all(&e, &untested);
    found += check_foreign_keys(&e);
    /* SQLite's message adds something unless it is one the probes looked for. */
    covered = found > 0 && (rc == SQLITE_CONSTRAINT_NOTNULL || rc == SQLITE_CONSTRAINT_FOREIGNKEY ||
                            (rc == SQLITE_CONSTRAINT_CHECK && !untested));
    if (msg && !covered)
        explain_sqlite(&e, rc, msg);
    free(e.tabfield);
    free(e.hit);
    return e.said;
}
