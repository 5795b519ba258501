/* Foreign keys checked by vigil instead of SQLite, for the loader (csvload.c).  Pure C
 * (SQLite); no Lua.
 *
 * With foreign keys on, SQLite looks every inserted row's key up in the parent table:
 * a B-tree descent from the root per row and per key, which weighs at millions of
 * parent rows.  When every foreign key of the table is one vigil can check exactly as
 * SQLite does (see csvfk_new), the importer switches SQLite's enforcement off for its
 * transaction (the pragma cannot change inside one) and checks the keys with this
 * module before each INSERT: the parent's integer keys are read in chunks of 4096
 * consecutive values into bitmaps, a chunk once it has been probed often enough, and
 * until then a key is looked up on its own.
 *
 * Memory is bounded, not grown with the file: at most CSVFK_MAX_CHUNKS chunks of 512
 * bytes are read per foreign key (4 MiB, the keys of a parent spanning 33.5 million
 * values), in a table of at most 4 * CSVFK_MAX_CHUNKS slots of 24 bytes (768 KiB);
 * past that, keys of other chunks are looked up one by one.  The parent cannot change
 * while the import's transaction is open: the table is not its own parent, has no
 * triggers, and nothing else writes. */
#ifndef VIGIL_CSVFK_H
#define VIGIL_CSVFK_H

#include <sqlite3.h>

#include "csvload_diag.h"

#define CSVFK_CHUNK_BITS 12         /* a chunk holds 2^12 consecutive key values */
#define CSVFK_LOAD_AFTER 64         /* keys looked up alone in a chunk before it is read */
#define CSVFK_MAX_CHUNKS 8192       /* chunks read per foreign key, at most */

struct csvfk;

/* A checker for the foreign keys of table (the loader's columns cols, ncols of them),
 * or NULL when vigil cannot check them all exactly as SQLite would, or need not:
 * foreign keys are off or deferred (PRAGMA defer_foreign_keys, or DEFERRABLE in the
 * table's SQL); the table has an ON CONFLICT clause, has no foreign key, has triggers,
 * or is the parent of some
 * foreign key (its own included); a key has several columns; a parent is not a rowid
 * table whose INTEGER PRIMARY KEY is the key; a child column is not an INTEGER column
 * that check_values turns into integers (not a date, not the rowid, a default that is
 * NULL or an integer).  Also NULL when memory runs out.  Nothing is read from the
 * parents yet. */
struct csvfk *csvfk_new(sqlite3 *db, const char *table, const struct csvcol *cols,
                        int ncols);

/* The number of foreign keys checked. */
int csvfk_count(const struct csvfk *f);

/* The table column (an index into the cols given to csvfk_new) of foreign key k. */
int csvfk_column(const struct csvfk *f, int k);

/* Whether the value v (as bound to the INSERT) satisfies foreign key k: a NULL does;
 * an integer must be a key of the parent.  Returns 1 (it does), 0 (no such parent
 * key), or -1 on an SQLite error (message in the connection). */
int csvfk_check(struct csvfk *f, int k, const struct csvval *v);

/* Counts for tests and measurements: chunks read, keys looked up alone. */
void csvfk_stats(const struct csvfk *f, long long *chunks, long long *lookups);

/* Frees the checker.  Accepts NULL. */
void csvfk_free(struct csvfk *f);

#endif
