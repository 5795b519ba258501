/* Deferred CHECK constraints for the loader's multi-row INSERT (csvload.c).  Pure C
 * (SQLite); no Lua.
 *
 * SQLite compiles a CHECK without its once-per-statement caches (an IN list's lookup
 * table is built again for every row), so a batch is inserted with
 * `PRAGMA ignore_check_constraints = ON` inside a savepoint, and the table's CHECKs are
 * then evaluated in one SELECT over the batch's rows as stored (found by rowid: every
 * row above the table's largest rowid before the batch).  When a CHECK fails, or the
 * batch's rows cannot be told apart that way, the savepoint undoes the batch and the
 * caller inserts it again record by record with the checks on, so every message is
 * SQLite's own.  Only the CHECKs are deferred: NOT NULL, UNIQUE, foreign keys and STRICT
 * types are still SQLite's at insert time.  The pragma is set back to off before any
 * other insert (csvcheck_restore) and when the checker is freed. */
#ifndef VIGIL_CSVCHECK_H
#define VIGIL_CSVCHECK_H

#include <sqlite3.h>

struct csvcheck;

/* A checker for table of db, whose CREATE TABLE statement is create_sql.  Returns NULL
 * when the checks cannot or need not be deferred: the table has no CHECK (or one the
 * scanner cannot read), has no usable rowid, ignore_check_constraints is on already,
 * or memory ran out. */
struct csvcheck *csvcheck_new(sqlite3 *db, const char *table, const char *create_sql);

/* Before a batch's INSERT is run: when deferring applies (a transaction is open and
 * deferring was not given up), switches the CHECKs off, opens the savepoint and notes
 * the largest rowid.  Returns 1 when deferring (csvcheck_end must follow), 0 when the
 * INSERT is to run with the checks on (they are), or -1 on an SQLite error (message in
 * the connection; nothing is left open). */
int csvcheck_begin(struct csvcheck *c);

/* After csvcheck_begin returned 1.  inserted: the INSERT added its nrows rows.  Keeps
 * the batch when it was inserted and every row passes every CHECK; else undoes it.
 * Returns 1 (kept), 0 (undone, or nothing was inserted: insert the records one by one),
 * or -1 on an SQLite error (the savepoint is undone when the transaction is still
 * open; message in the connection). */
int csvcheck_end(struct csvcheck *c, int inserted, int nrows);

/* Switches the CHECKs back on if they are off.  Called before every other insert, and
 * at the end of a load.  Returns 0, or -1 when the pragma failed. */
int csvcheck_restore(struct csvcheck *c);

/* Switches the CHECKs back on and frees the checker.  Accepts NULL. */
void csvcheck_free(struct csvcheck *c);

#endif
