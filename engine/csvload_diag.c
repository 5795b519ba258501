/* Explaining a rejected CSV record: which field SQLite refused and why.
 *
 * SQLite names the column for NOT NULL, UNIQUE, PRIMARY KEY and STRICT type errors
 * ("NOT NULL constraint failed: t.c", "cannot store TEXT value in INTEGER column t.c");
 * a CHECK failure quotes the expression (or the constraint's name, which we look up in
 * the table's CREATE statement), whose identifiers tell the columns involved; a foreign
 * key failure names nothing, so each reference of the table is looked up in its parent
 * with the record's values until the missing one is found. */
#include "csvload_diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define VALUE_SHOWN 60   /* bytes of a value shown before "..." */
#define FK_MAX_COLS 16   /* columns of one foreign key we are willing to probe */

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

/* Writes into buf a printable form of a value: NULL, or the value in single quotes,
 * cut after about VALUE_SHOWN bytes at a character boundary, control characters,
 * backslash and quote escaped. */
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

/* True for a byte that may continue an unquoted SQL identifier. */
static int ident_byte(unsigned char c)
{
    return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') ||
           (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Marks in hit[] the fields whose columns SQLite names as "table.column" in msg, and
 * copies into missing the first such column that is not in the record. */
static void mark_named_columns(const struct csvrec *rec, const char *table, const char *msg,
                               int *hit, char *missing, size_t msize)
{
    size_t tlen = strlen(table);
    const char *s;
    for (s = msg; *s; s++) {
        const char *col, *end;
        int fi;
        if (sqlite3_strnicmp(s, table, (int)tlen) != 0 || s[tlen] != '.')
            continue;
        if (s > msg && ident_byte((unsigned char)s[-1]))
            continue;
        col = s + tlen + 1;
        for (end = col; ident_byte((unsigned char)*end); end++)
            ;
        fi = field_of(rec, col, (size_t)(end - col));
        if (fi >= 0)
            hit[fi] = 1;
        else if (missing[0] == '\0')
            snprintf(missing, msize, "%.*s", (int)(end - col), col);
        s = end - 1;
    }
}

/* Marks in hit[] the fields whose columns appear as identifiers in the SQL expression
 * expr (string literals skipped, quoted identifiers understood).  Returns the count of
 * identifiers matched. */
static int mark_expr_columns(const struct csvrec *rec, const char *expr, int *hit)
{
    const char *s = expr;
    int found = 0;
    while (*s) {
        unsigned char c = (unsigned char)*s;
        const char *start, *end;
        if (c == '\'') {                     /* a string literal, '' inside */
            for (s++; *s; s++)
                if (*s == '\'' && *++s != '\'')
                    break;
            continue;
        }
        if (c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : (char)c;
            start = s + 1;
            end = strchr(start, close);
            if (!end)
                break;
            s = end + 1;
        } else if (ident_byte(c) && !(c >= '0' && c <= '9')) {
            start = s;
            for (end = s; ident_byte((unsigned char)*end); end++)
                ;
            s = end;
        } else {
            if (c >= '0' && c <= '9')
                while (ident_byte((unsigned char)*s))
                    s++;
            else
                s++;
            continue;
        }
        {
            int fi = field_of(rec, start, (size_t)(end - start));
            if (fi >= 0) {
                hit[fi] = 1;
                found++;
            }
        }
    }
    return found;
}

/* Finds the expression of the CHECK constraint called name in table's CREATE
 * statement and marks the fields it reads.  Returns the count matched. */
static int mark_named_check(sqlite3 *db, const char *table, const char *name,
                            const struct csvrec *rec, int *hit)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    size_t nlen = strlen(name);
    if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE type='table' AND name=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        const char *sql = (const char *)sqlite3_column_text(st, 0);
        const char *s;
        for (s = sql; *s && !found; s++) {
            const char *p = s + nlen;
            int depth = 0;
            const char *open;
            if (sqlite3_strnicmp(s, name, (int)nlen) != 0 || ident_byte((unsigned char)*p) ||
                (s > sql && ident_byte((unsigned char)s[-1])))
                continue;
            while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '"')
                p++;
            if (sqlite3_strnicmp(p, "CHECK", 5) != 0)
                continue;
            open = strchr(p, '(');
            if (!open)
                break;
            for (p = open; *p; p++) {
                if (*p == '(')
                    depth++;
                else if (*p == ')' && --depth == 0)
                    break;
            }
            {
                char *expr = sqlite3_mprintf("%.*s", (int)(p - open), open);
                if (expr)
                    found = mark_expr_columns(rec, expr, hit);
                sqlite3_free(expr);
            }
        }
    }
    sqlite3_finalize(st);
    return found;
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

/* Tests foreign key number id (parent table parent) of table against the record.
 * Returns 1 when the record's values are missing from the parent (marking the fields
 * in hit[] and describing the reference in detail), else 0. */
static int probe_foreign_key(sqlite3 *db, const char *table, int id, const char *parent,
                             const struct csvrec *rec, int *hit, char *detail, size_t dsize)
{
    sqlite3_stmt *cols = NULL, *probe = NULL;
    sqlite3_str *sql = sqlite3_str_new(db), *where = sqlite3_str_new(db);
    int fidx[FK_MAX_COLS];
    int n = 0, usable = 1, missing = 0, rc;
    char *q = NULL, *w = NULL;

    sqlite3_str_appendf(sql, "SELECT 1 FROM \"%w\" WHERE ", parent);
    rc = sqlite3_prepare_v2(db, "SELECT \"from\", \"to\" FROM pragma_foreign_key_list(?1) "
                            "WHERE id=?2 ORDER BY seq", -1, &cols, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(cols, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_int(cols, 2, id);
    } else {
        usable = 0;
    }
    while (usable && sqlite3_step(cols) == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(cols, 0);
        const char *to = (const char *)sqlite3_column_text(cols, 1);
        char *pk = to ? NULL : parent_pk_column(db, parent, n);
        int fi = from ? field_of(rec, from, strlen(from)) : -1;
        if (fi < 0 || !rec->vals[fi] || n == FK_MAX_COLS || !(to || pk)) {
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
            sqlite3_bind_text(probe, k + 1, rec->vals[fidx[k]], (int)rec->lens[fidx[k]],
                              SQLITE_STATIC);
        if (sqlite3_step(probe) == SQLITE_DONE) {
            missing = 1;
            for (k = 0; k < n; k++)
                hit[fidx[k]] = 1;
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

/* Finds which foreign key of table the record breaks; marks its fields in hit[] and
 * describes it in detail.  Returns 1 when found. */
static int mark_foreign_key(sqlite3 *db, const char *table, const struct csvrec *rec,
                            int *hit, char *detail, size_t dsize)
{
    sqlite3_stmt *keys = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT id, \"table\" FROM pragma_foreign_key_list(?1) "
                           "ORDER BY id", -1, &keys, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(keys, 1, table, -1, SQLITE_STATIC);
    while (!found && sqlite3_step(keys) == SQLITE_ROW) {
        char *parent = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(keys, 1));
        if (parent)
            found = probe_foreign_key(db, table, sqlite3_column_int(keys, 0), parent, rec,
                                      hit, detail, dsize);
        sqlite3_free(parent);
    }
    sqlite3_finalize(keys);
    return found;
}

/* Marks the field of table's INTEGER PRIMARY KEY (the rowid alias), which is what a
 * plain "datatype mismatch" is about. */
static void mark_rowid_alias(sqlite3 *db, const char *table, const struct csvrec *rec, int *hit)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) WHERE pk=1 "
                           "AND upper(type)='INTEGER' AND (SELECT count(*) FROM "
                           "pragma_table_info(?1) WHERE pk>0)=1", -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int fi = field_of(rec, name, strlen(name));
        if (fi >= 0)
            hit[fi] = 1;
    }
    sqlite3_finalize(st);
}

/* Explains why inserting rec into table failed; see csvload_diag.h. */
void csvdiag_explain(sqlite3 *db, const char *table, const struct csvrec *rec, int rc,
                     const char *msg, char *buf, size_t size)
{
    static const char check_prefix[] = "CHECK constraint failed: ";
    struct sbuf b = { buf, size, 0 };
    char missing[128] = "", detail[256] = "", shown[4 * VALUE_SHOWN + 16];
    int *hit;
    int i, nhit = 0, n = rec->n;

    if (size == 0)
        return;
    buf[0] = '\0';
    hit = sqlite3_malloc64(sizeof *hit * (sqlite3_uint64)(n + 1));
    if (!hit) {
        sb_printf(&b, "record rejected: %s", msg);
        return;
    }
    memset(hit, 0, sizeof *hit * (size_t)(n + 1));
    if (rc == SQLITE_CONSTRAINT_CHECK && strncmp(msg, check_prefix, sizeof check_prefix - 1) == 0) {
        const char *expr = msg + sizeof check_prefix - 1;
        size_t k = 0;
        while (ident_byte((unsigned char)expr[k]))
            k++;
        if (expr[k] != '\0' || mark_named_check(db, table, expr, rec, hit) == 0)
            mark_expr_columns(rec, expr, hit);
    } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        mark_foreign_key(db, table, rec, hit, detail, sizeof detail);
    } else if (rc == SQLITE_MISMATCH) {
        mark_rowid_alias(db, table, rec, hit);
    } else {
        mark_named_columns(rec, table, msg, hit, missing, sizeof missing);
    }
    for (i = 0; i < n; i++)
        nhit += hit[i];

    if (nhit == 1) {
        for (i = 0; !hit[i]; i++)
            ;
        csvdiag_value(shown, sizeof shown, rec->vals[i], rec->lens[i]);
        sb_printf(&b, "field '%s' (column %d): %s rejected: %s", rec->names[i], i + 1, shown, msg);
    } else {
        sb_printf(&b, "record rejected: %s", msg);
    }
    if (detail[0])
        sb_printf(&b, ": %s", detail);
    if (nhit > 1) {
        const char *sep = " (";
        for (i = 0; i < n; i++) {
            if (!hit[i])
                continue;
            csvdiag_value(shown, sizeof shown, rec->vals[i], rec->lens[i]);
            sb_printf(&b, "%sfield '%s' (column %d) = %s", sep, rec->names[i], i + 1, shown);
            sep = ", ";
        }
        sb_printf(&b, ")");
    } else if (nhit == 0 && missing[0]) {
        sb_printf(&b, " (column '%s' is not in the header)", missing);
    }
    sqlite3_free(hit);
}
