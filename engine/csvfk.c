/* Foreign keys checked by vigil: the conditions under which that is exactly what SQLite
 * would do, and the parent keys read in chunks into bitmaps; see csvfk.h.
 *
 * SQLite checks a single-column key whose parent key is the parent's INTEGER PRIMARY
 * KEY by seeking that rowid (a NULL satisfies the key; an integer must be a rowid of
 * the parent).  Here each foreign key has a set of chunks, one per 4096 consecutive key
 * values, in an open-addressing table: a chunk counts the keys looked up alone in it
 * (one prepared SELECT each, as SQLite's own seek), and after CSVFK_LOAD_AFTER of them
 * its parent keys are read at once in one range SELECT into a bitmap, so a file whose
 * keys cluster (rows of one case together, cases in order) costs one sequential read
 * of the parent instead of a descent per row, while a few scattered keys cost no more
 * than SQLite's seeks. */
#include "csvfk.h"
#include "sqlscan.h"
#include "tableinfo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_KEYS  ((sqlite3_int64)1 << CSVFK_CHUNK_BITS)
#define MAX_SLOTS   (4 * CSVFK_MAX_CHUNKS)      /* the table's size at most */
#define FIRST_SLOTS 64

/* One chunk of key values: [no * CHUNK_KEYS, (no + 1) * CHUNK_KEYS). */
struct chunk {
    sqlite3_int64 no;
    unsigned probes;            /* keys looked up alone in it */
    int used;                   /* the slot holds a chunk */
    unsigned char *bits;        /* the parent's keys in it, once read; else NULL */
};

/* One foreign key: its child column and its parent's keys. */
struct fkey {
    int col;                    /* the child's table column */
    sqlite3_stmt *one;          /* SELECT 1 FROM parent WHERE pk = ?1 */
    sqlite3_stmt *range;        /* SELECT pk FROM parent WHERE pk BETWEEN ?1 AND ?2 */
    struct chunk *slots;
    size_t nslots, used;
    struct chunk *last;         /* the chunk of the last key, or NULL */
    int nread;                  /* chunks read */
    long long lookups;          /* keys looked up alone */
};

struct csvfk {
    sqlite3 *db;
    int n;
    struct fkey *keys;
};

/* True when the SQL text has the keyword DEFERRABLE (a foreign key that may be
 * deferred; NOT DEFERRABLE counts too, to keep the test simple). */
static int mentions_deferrable(const char *sql)
{
    struct sqltok t;
    const char *s;
    for (s = sqlscan_next(sql, &t); t.kind != SQLTOK_END; s = sqlscan_next(s, &t))
        if (t.kind == SQLTOK_WORD && sqlscan_ident_is(&t, "deferrable", 10))
            return 1;
    return 0;
}

/* True when the connection and the table allow checking its keys here at all: foreign
 * keys on and not deferred, no trigger on the table, no ON CONFLICT clause (a row
 * ignored by one is not checked by SQLite, and NOT NULL ON CONFLICT REPLACE changes the
 * value checked), and no foreign key (its own included) whose parent is the table. */
static int table_allows(sqlite3 *db, const char *table)
{
    char *sql;
    int ok;
    if (tableinfo_int(db, "PRAGMA foreign_keys", NULL, 0) != 1 ||
        tableinfo_int(db, "PRAGMA defer_foreign_keys", NULL, 1) != 0)
        return 0;
    if (tableinfo_has_triggers(db, table))
        return 0;
    if (tableinfo_int(db, "SELECT count(*) FROM main.sqlite_schema AS s, "
                  "pragma_foreign_key_list(s.name) AS f WHERE s.type = 'table' AND "
                  "f.\"table\" = ?1 COLLATE NOCASE", table, 1) != 0)
        return 0;
    sql = tableinfo_sql(db, table, NULL);
    ok = sql && !mentions_deferrable(sql) && !sqlscan_has_on_conflict(sql);
    sqlite3_free(sql);
    return ok;
}

/* The name of parent's INTEGER PRIMARY KEY (the rowid alias), as a new sqlite3_malloc'd
 * string, or NULL when parent is not an ordinary rowid table with one (a view, a
 * virtual table, WITHOUT ROWID, no primary key, a key of several columns, of another
 * type, or declared DESC: then SQLite makes an index for it).  Its exact table name
 * goes into *name. */
static char *parent_rowid_key(sqlite3 *db, const char *parent, char **name)
{
    sqlite3_stmt *st = NULL;
    char *sql = tableinfo_sql(db, parent, name), *key = NULL;
    int n = 0;
    if (!sql || !*name || sqlite3_strnicmp(sql, "CREATE VIRTUAL", 14) == 0 ||
        tableinfo_int(db, "SELECT count(*) FROM pragma_index_list(?1) WHERE origin = 'pk'",
                  *name, 1) != 0) {
        sqlite3_free(sql);
        return NULL;
    }
    sqlite3_free(sql);
    if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1) WHERE pk > 0", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, *name, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *type = (const char *)sqlite3_column_text(st, 1);
            if (n++ == 0 && type && sqlite3_stricmp(type, "INTEGER") == 0)
                key = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
        }
    }
    sqlite3_finalize(st);
    if (n != 1) {
        sqlite3_free(key);
        key = NULL;
    }
    return key;
}

/* The table column named name among cols whose values are always NULL or integers when
 * bound (an INTEGER column checked as such, not a date, not the rowid, a default that is
 * NULL or an integer), or -1. */
static int integer_column(const struct csvcol *cols, int ncols, const char *name)
{
    int j;
    for (j = 0; j < ncols; j++) {
        const struct csvcol *c = &cols[j];
        if (sqlite3_stricmp(c->name, name) != 0)
            continue;
        if (c->kind != CSVK_INTEGER || c->is_date || c->rowid)
            return -1;
        if (c->dflt && sqlite3_value_type(c->dflt) != SQLITE_NULL &&
            sqlite3_value_type(c->dflt) != SQLITE_INTEGER)
            return -1;
        return j;
    }
    return -1;
}

/* Sets up foreign key k (child column from, parent table parent, parent column to or
 * NULL for its primary key).  Returns 0, or -1 when it cannot be checked here. */
static int add_key(struct csvfk *f, const struct csvcol *cols, int ncols, const char *from,
                   const char *parent, const char *to)
{
    struct fkey *k = &f->keys[f->n];
    char *name = NULL, *pk = parent_rowid_key(f->db, parent, &name), *sql;
    int rc = -1;
    memset(k, 0, sizeof *k);
    k->col = from ? integer_column(cols, ncols, from) : -1;
    if (pk && k->col >= 0 && (!to || sqlite3_stricmp(to, pk) == 0)) {
        sql = sqlite3_mprintf("SELECT 1 FROM main.\"%w\" WHERE \"%w\" = ?1", name, pk);
        if (sql && sqlite3_prepare_v2(f->db, sql, -1, &k->one, NULL) == SQLITE_OK) {
            sqlite3_free(sql);
            sql = sqlite3_mprintf("SELECT \"%w\" FROM main.\"%w\" WHERE \"%w\" BETWEEN ?1 AND ?2",
                                  pk, name, pk);
            if (sql && sqlite3_prepare_v2(f->db, sql, -1, &k->range, NULL) == SQLITE_OK)
                rc = 0;
        }
        sqlite3_free(sql);
    }
    f->n++;     /* freed with the rest even when it failed */
    sqlite3_free(name);
    sqlite3_free(pk);
    return rc;
}

/* Makes a checker; see csvfk.h. */
struct csvfk *csvfk_new(sqlite3 *db, const char *table, const struct csvcol *cols,
                        int ncols)
{
    struct csvfk *f;
    sqlite3_stmt *st = NULL;
    int nkeys, ok = 1, rc;
    if (!table_allows(db, table))
        return NULL;
    nkeys = (int)tableinfo_int(db, "SELECT count(*) FROM pragma_foreign_key_list(?1)", table, 0);
    if (nkeys <= 0 || tableinfo_int(db, "SELECT count(DISTINCT id) FROM pragma_foreign_key_list(?1)",
                                table, 0) != nkeys)
        return NULL;    /* none, or one of several columns */
    f = calloc(1, sizeof *f);
    if (!f || !(f->keys = calloc((size_t)nkeys, sizeof *f->keys))) {
        free(f);
        return NULL;
    }
    f->db = db;
    if (sqlite3_prepare_v2(db, "SELECT \"from\", \"table\", \"to\" FROM "
                           "pragma_foreign_key_list(?1) ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
        csvfk_free(f);
        return NULL;
    }
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (ok && f->n < nkeys && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = add_key(f, cols, ncols, (const char *)sqlite3_column_text(st, 0),
                     (const char *)sqlite3_column_text(st, 1),
                     (const char *)sqlite3_column_text(st, 2)) == 0;
    sqlite3_finalize(st);
    if (!ok || f->n != nkeys) {
        csvfk_free(f);
        return NULL;
    }
    return f;
}

/* The number of foreign keys checked. */
int csvfk_count(const struct csvfk *f)
{
    return f->n;
}

/* The table column of foreign key k. */
int csvfk_column(const struct csvfk *f, int k)
{
    return f->keys[k].col;
}

/* The chunk number of key: key / CHUNK_KEYS rounded down. */
static sqlite3_int64 chunk_of(sqlite3_int64 key)
{
    return key >= 0 ? key / CHUNK_KEYS : -((-(key + 1)) / CHUNK_KEYS) - 1;
}

/* The slot of chunk no in a table of nslots (a power of two): where it is, or the
 * empty slot where it would go. */
static struct chunk *slot_of(struct chunk *slots, size_t nslots, sqlite3_int64 no)
{
    size_t i = (size_t)(((uint64_t)no * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (nslots - 1);
    while (slots[i].used && slots[i].no != no)
        i = (i + 1) & (nslots - 1);
    return &slots[i];
}

/* The chunk no of k, added when new (table grown as needed), or NULL when the table is
 * full (or memory ran out): then its keys are looked up alone. */
static struct chunk *find_chunk(struct fkey *k, sqlite3_int64 no)
{
    struct chunk *c;
    if (k->last && k->last->no == no)
        return k->last;
    if (k->nslots == 0 || 2 * (k->used + 1) > k->nslots) {
        size_t n = k->nslots ? 2 * k->nslots : FIRST_SLOTS, i;
        struct chunk *grown;
        if (n > MAX_SLOTS)
            goto lookup;
        grown = calloc(n, sizeof *grown);
        if (!grown)
            goto lookup;
        for (i = 0; i < k->nslots; i++)
            if (k->slots[i].used)
                *slot_of(grown, n, k->slots[i].no) = k->slots[i];
        free(k->slots);
        k->slots = grown;
        k->nslots = n;
        k->last = NULL;
    }
    c = slot_of(k->slots, k->nslots, no);
    if (!c->used) {
        c->used = 1;
        c->no = no;
        k->used++;
    }
    return k->last = c;
lookup:
    if (k->nslots == 0)
        return NULL;
    c = slot_of(k->slots, k->nslots, no);
    return c->used ? (k->last = c) : NULL;
}

/* Reads the parent's keys of chunk c into its bitmap.  Returns 0, or -1 on an SQLite
 * error (or when memory ran out: the chunk stays unread). */
static int read_chunk(struct fkey *k, struct chunk *c)
{
    sqlite3_int64 lo = c->no * CHUNK_KEYS;
    unsigned char *bits = calloc((size_t)(CHUNK_KEYS / 8), 1);
    int rc;
    if (!bits)
        return 0;
    sqlite3_bind_int64(k->range, 1, lo);
    sqlite3_bind_int64(k->range, 2, lo + (CHUNK_KEYS - 1));
    while ((rc = sqlite3_step(k->range)) == SQLITE_ROW) {
        sqlite3_int64 off = sqlite3_column_int64(k->range, 0) - lo;
        bits[off >> 3] |= (unsigned char)(1u << (off & 7));
    }
    sqlite3_reset(k->range);
    if (rc != SQLITE_DONE) {
        free(bits);
        return -1;
    }
    c->bits = bits;
    k->nread++;
    return 0;
}

/* Looks key up alone.  Returns 1 (a parent has it), 0 or -1 (an SQLite error). */
static int lookup(struct fkey *k, sqlite3_int64 key)
{
    int rc;
    k->lookups++;
    sqlite3_bind_int64(k->one, 1, key);
    rc = sqlite3_step(k->one);
    sqlite3_reset(k->one);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Whether key is a key of k's parent: 1, 0, or -1 on an SQLite error. */
static int has_key(struct fkey *k, sqlite3_int64 key)
{
    sqlite3_int64 no = chunk_of(key), off;
    struct chunk *c = find_chunk(k, no);
    if (c && !c->bits && ++c->probes > CSVFK_LOAD_AFTER && k->nread < CSVFK_MAX_CHUNKS &&
        read_chunk(k, c) != 0)
        return -1;
    if (!c || !c->bits)
        return lookup(k, key);
    off = key - no * CHUNK_KEYS;
    return (c->bits[off >> 3] >> (off & 7)) & 1;
}

/* Whether v satisfies foreign key k; see csvfk.h. */
int csvfk_check(struct csvfk *f, int k, const struct csvval *v)
{
    int type = v->type;
    sqlite3_int64 key = v->i;
    if (type == CSVVAL_DEFAULT) {
        type = sqlite3_value_type(v->dflt);
        key = sqlite3_value_int64(v->dflt);
    }
    if (type == SQLITE_NULL)
        return 1;
    if (type != SQLITE_INTEGER)
        return -1;  /* csvfk_new takes only columns whose values are integers */
    return has_key(&f->keys[k], key);
}

/* Counts for tests; see csvfk.h. */
void csvfk_stats(const struct csvfk *f, long long *chunks, long long *lookups)
{
    int i;
    *chunks = *lookups = 0;
    for (i = 0; i < f->n; i++) {
        *chunks += f->keys[i].nread;
        *lookups += f->keys[i].lookups;
    }
}

/* Frees the checker; see csvfk.h. */
void csvfk_free(struct csvfk *f)
{
    int i;
    size_t j;
    if (!f)
        return;
    for (i = 0; i < f->n; i++) {
        struct fkey *k = &f->keys[i];
        sqlite3_finalize(k->one);
        sqlite3_finalize(k->range);
        for (j = 0; j < k->nslots; j++)
            free(k->slots[j].bits);
        free(k->slots);
    }
    free(f->keys);
    free(f);
}
