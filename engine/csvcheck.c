/* Deferred CHECK constraints: a batch inserted with the CHECKs off inside a savepoint,
 * then the CHECKs evaluated in one SELECT over the batch's rows; see csvcheck.h.
 *
 * The SELECT counts the rows above the largest rowid seen before the batch, and those
 * for which some CHECK is false: `NOT (expr)` is true exactly when the CHECK fails (a
 * NULL passes both ways, as in SQLite's own CHECK).  When that count of rows is not the
 * batch's size (explicit rowids below the table's largest, say), the batch's rows cannot
 * be told apart: the batch is undone and deferring is given up for the rest of the
 * load.  It is also given up after the checks were switched on again many times (every
 * switch makes SQLite prepare its statements again), which only happens when many
 * batches hold a bad record. */
#include "csvcheck.h"
#include "sqlscan.h"
#include "tableinfo.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SWITCHES 16     /* switches back to checks on before deferring is given up */

struct csvcheck {
    sqlite3 *db;
    sqlite3_stmt *top;          /* SELECT max(rowid) FROM table */
    sqlite3_stmt *probe;        /* SELECT count(*), count(CASE WHEN <a check fails> ...) */
    sqlite3_stmt *open;         /* SAVEPOINT */
    sqlite3_stmt *release;      /* RELEASE */
    sqlite3_stmt *undo;         /* ROLLBACK TO */
    sqlite3_int64 before;       /* the largest rowid before the batch */
    int ignoring;               /* ignore_check_constraints is on (we set it) */
    int switches;               /* times it was switched off again */
    int given_up;               /* deferring stopped for the rest of the load */
};

/* The state collecting the checks' expressions into the probe's condition. */
struct collect {
    sqlite3_str *cond;
    int n;
};

/* sqlscan_checks's callback: appends "NOT (expr)" to the condition, on lines of their
 * own so that a comment ending expr cannot swallow the rest. */
static void add_check(void *ud, const char *expr, const char *name)
{
    struct collect *c = ud;
    (void)name;
    sqlite3_str_appendf(c->cond, "%sNOT (\n%s\n)", c->n ? " OR " : "", expr);
    c->n++;
}

/* The number of CHECK keywords in sql (each one a constraint: CHECK is reserved). */
static int count_check_words(const char *sql)
{
    struct sqltok t;
    const char *s = sql;
    int n = 0;
    for (s = sqlscan_next(s, &t); t.kind != SQLTOK_END; s = sqlscan_next(s, &t))
        if (t.kind == SQLTOK_WORD && sqlscan_ident_is(&t, "check", 5))
            n++;
    return n;
}

/* The first of SQLite's names for the rowid that no column of table has, or NULL. */
static const char *rowid_name(sqlite3 *db, const char *table)
{
    static const char *const names[] = { "rowid", "_rowid_", "oid" };
    const char *found = NULL;
    sqlite3_stmt *st = NULL;
    size_t i;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_xinfo(?1) WHERE name = ?2 "
                           "COLLATE NOCASE", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    for (i = 0; i < sizeof names / sizeof names[0] && !found; i++) {
        sqlite3_bind_text(st, 2, names[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            break;
        }
        if (sqlite3_column_int(st, 0) == 0)
            found = names[i];
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return found;
}

/* Prepares sql (a sqlite3_malloc'd string, freed here; NULL when memory ran out) into
 * *st.  Returns 0 or -1. */
static int prepare_owned(sqlite3 *db, char *sql, sqlite3_stmt **st)
{
    int rc = sql ? sqlite3_prepare_v2(db, sql, -1, st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    return rc == SQLITE_OK && *st ? 0 : -1;
}

/* Makes a checker for table; see csvcheck.h. */
struct csvcheck *csvcheck_new(sqlite3 *db, const char *table, const char *create_sql)
{
    struct csvcheck *c;
    struct collect col;
    const char *rid;
    char *cond;
    int n;
    if (!create_sql || tableinfo_int(db, "PRAGMA ignore_check_constraints", NULL, 1) != 0
        || !(rid = rowid_name(db, table)))
        return NULL;
    col.cond = sqlite3_str_new(db);
    col.n = 0;
    n = sqlscan_checks(create_sql, add_check, &col);
    cond = sqlite3_str_finish(col.cond);
    if (n <= 0 || !cond || col.n != n || count_check_words(create_sql) != n) {
        sqlite3_free(cond);
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        sqlite3_free(cond);
        return NULL;
    }
    c->db = db;
    if (prepare_owned(db, sqlite3_mprintf("SELECT max(%s) FROM \"%w\"", rid, table),
                      &c->top) != 0 ||
        prepare_owned(db, sqlite3_mprintf("SELECT count(*), count(CASE WHEN %s THEN 1 END) "
                                          "FROM \"%w\" WHERE %s > ?1", cond, table, rid),
                      &c->probe) != 0 ||
        prepare_owned(db, sqlite3_mprintf("SAVEPOINT vigil_csvcheck"), &c->open) != 0 ||
        prepare_owned(db, sqlite3_mprintf("RELEASE vigil_csvcheck"), &c->release) != 0 ||
        prepare_owned(db, sqlite3_mprintf("ROLLBACK TO vigil_csvcheck"), &c->undo) != 0) {
        sqlite3_free(cond);
        csvcheck_free(c);
        return NULL;
    }
    sqlite3_free(cond);
    return c;
}

/* Runs a statement that returns no row and resets it.  Returns SQLite's result code
 * (SQLITE_OK when it ran to its end). */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Undoes and closes the savepoint when the transaction is still open.  Returns 0 or
 * -1. */
static int undo_savepoint(struct csvcheck *c)
{
    if (sqlite3_get_autocommit(c->db))
        return -1;              /* the transaction, and the savepoint with it, is gone */
    if (run(c->undo) != SQLITE_OK || run(c->release) != SQLITE_OK)
        return -1;
    return 0;
}

/* Opens the savepoint before a batch; see csvcheck.h. */
int csvcheck_begin(struct csvcheck *c)
{
    if (c->given_up || sqlite3_get_autocommit(c->db))
        return csvcheck_restore(c) == 0 ? 0 : -1;
    if (!c->ignoring) {
        if (sqlite3_exec(c->db, "PRAGMA ignore_check_constraints = ON", NULL, NULL,
                         NULL) != SQLITE_OK)
            return -1;
        c->ignoring = 1;
    }
    if (run(c->open) != SQLITE_OK)
        return -1;
    if (sqlite3_step(c->top) != SQLITE_ROW) {
        sqlite3_reset(c->top);
        undo_savepoint(c);
        return -1;
    }
    c->before = sqlite3_column_type(c->top, 0) == SQLITE_NULL
                    ? (sqlite3_int64)(-9223372036854775807LL - 1)
                    : sqlite3_column_int64(c->top, 0);
    sqlite3_reset(c->top);
    return 1;
}

/* Keeps or undoes the batch; see csvcheck.h. */
int csvcheck_end(struct csvcheck *c, int inserted, int nrows)
{
    int keep = 0;
    if (inserted) {
        sqlite3_int64 rows, failing;
        sqlite3_bind_int64(c->probe, 1, c->before);
        if (sqlite3_step(c->probe) != SQLITE_ROW) {
            sqlite3_reset(c->probe);
            undo_savepoint(c);
            return -1;
        }
        rows = sqlite3_column_int64(c->probe, 0);
        failing = sqlite3_column_int64(c->probe, 1);
        sqlite3_reset(c->probe);
        if (rows != nrows)
            c->given_up = 1;    /* the batch's rows are not the ones above `before` */
        keep = rows == nrows && failing == 0;
    }
    if (keep) {
        if (run(c->release) != SQLITE_OK) {
            undo_savepoint(c);
            return -1;
        }
        return 1;
    }
    return undo_savepoint(c) == 0 ? 0 : -1;
}

/* Switches the CHECKs back on; see csvcheck.h. */
int csvcheck_restore(struct csvcheck *c)
{
    if (!c->ignoring)
        return 0;
    if (sqlite3_exec(c->db, "PRAGMA ignore_check_constraints = OFF", NULL, NULL,
                     NULL) != SQLITE_OK)
        return -1;
    c->ignoring = 0;
    if (++c->switches >= MAX_SWITCHES)
        c->given_up = 1;
    return 0;
}

/* Switches the CHECKs back on and frees the checker; see csvcheck.h. */
void csvcheck_free(struct csvcheck *c)
{
    if (!c)
        return;
    csvcheck_restore(c);
    sqlite3_finalize(c->top);
    sqlite3_finalize(c->probe);
    sqlite3_finalize(c->open);
    sqlite3_finalize(c->release);
    sqlite3_finalize(c->undo);
    free(c);
}
