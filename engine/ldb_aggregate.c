/* vigil.db: db:aggregate, counting the rows of a query per distinct tuple of its
 * columns in a hash table — what `SELECT cols, count(*) ... GROUP BY cols` computes,
 * without SQLite's temporary B-tree (SQLite has no hash aggregate: it sorts).  Used by
 * vigil.trend for its counts.  All memory is Lua userdata held on the stack (grown by
 * replacing a block with a larger one), so an error at any point leaks nothing. */
#include <stdint.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldb_int.h"

/* One distinct tuple: where its key bytes are in the arena and how many rows had it. */
struct group {
    uint64_t hash;
    size_t offset, len;
    lua_Integer count;
};

/* The table being filled; the blocks are userdata at stack slots arena_slot,
 * groups_slot and index_slot. */
struct table {
    char *arena;          /* the keys, one after another */
    size_t arena_len, arena_cap;
    struct group *groups; /* in order of first appearance */
    size_t ngroups, groups_cap;
    uint32_t *index;      /* open addressing: 0 empty, else group number + 1 */
    size_t index_cap;     /* a power of two, at least twice ngroups */
    int arena_slot, groups_slot, index_slot;
};

/* Replaces the block at slot by a new one of `size` bytes holding the first `used`
 * bytes of old; returns it. */
static void *grow_block(lua_State *L, int slot, const void *old, size_t used, size_t size)
{
    void *p = lua_newuserdatauv(L, size, 0);
    if (used)
        memcpy(p, old, used);
    lua_replace(L, slot);
    return p;
}

/* FNV-1a over the key bytes. */
static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Rebuilds the index with twice the slots. */
static void grow_index(lua_State *L, struct table *t)
{
    size_t cap = t->index_cap * 2;
    t->index = grow_block(L, t->index_slot, NULL, 0, cap * sizeof *t->index);
    memset(t->index, 0, cap * sizeof *t->index);
    t->index_cap = cap;
    for (size_t g = 0; g < t->ngroups; g++) {
        size_t at = (size_t)t->groups[g].hash & (cap - 1);
        while (t->index[at])
            at = (at + 1) & (cap - 1);
        t->index[at] = (uint32_t)(g + 1);
    }
}

/* Appends n bytes to the key being built at the end of the arena (not yet a group). */
static void key_add(lua_State *L, struct table *t, const void *bytes, size_t n)
{
    if (t->arena_len + n > t->arena_cap) {
        size_t cap = t->arena_cap * 2;
        while (cap < t->arena_len + n)
            cap *= 2;
        t->arena = grow_block(L, t->arena_slot, t->arena, t->arena_len, cap);
        t->arena_cap = cap;
    }
    memcpy(t->arena + t->arena_len, bytes, n);
    t->arena_len += n;
}

/* Appends the key bytes of column i of the current row: a type byte, then 8 bytes of
 * an integer or float, or a length and the bytes of text or a blob.  A float holding a
 * whole number that fits an integer is keyed as that integer (GROUP BY takes 1 and 1.0
 * as one value; -0.0 is 0). */
static void key_column(lua_State *L, struct table *t, sqlite3_stmt *h, int i)
{
    sqlite3_value *v = sqlite3_column_value(h, i);
    int type = sqlite3_value_type(v);
    unsigned char tag = (unsigned char)type;
    if (type == SQLITE_FLOAT) {
        double d = sqlite3_value_double(v);
        if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(int64_t)d) {
            int64_t n = (int64_t)d;
            tag = SQLITE_INTEGER;
            key_add(L, t, &tag, 1);
            key_add(L, t, &n, sizeof n);
            return;
        }
        key_add(L, t, &tag, 1);
        key_add(L, t, &d, sizeof d);
    } else if (type == SQLITE_INTEGER) {
        int64_t n = sqlite3_value_int64(v);
        key_add(L, t, &tag, 1);
        key_add(L, t, &n, sizeof n);
    } else if (type == SQLITE_NULL) {
        key_add(L, t, &tag, 1);
    } else {
        const void *bytes = type == SQLITE_TEXT ? (const void *)sqlite3_value_text(v)
                                                : sqlite3_value_blob(v);
        size_t n = (size_t)sqlite3_value_bytes(v);
        key_add(L, t, &tag, 1);
        key_add(L, t, &n, sizeof n);
        if (n)
            key_add(L, t, bytes, n);
    }
}

/* Counts the key of the current row, built at arena[start..arena_len). */
static void count_key(lua_State *L, struct table *t, size_t start)
{
    size_t len = t->arena_len - start;
    uint64_t hash = hash_bytes((const unsigned char *)t->arena + start, len);
    size_t at = (size_t)hash & (t->index_cap - 1);
    while (t->index[at]) {
        struct group *g = &t->groups[t->index[at] - 1];
        if (g->hash == hash && g->len == len && memcmp(t->arena + g->offset, t->arena + start, len) == 0) {
            g->count++;
            t->arena_len = start; /* the key is known: drop the copy */
            return;
        }
        at = (at + 1) & (t->index_cap - 1);
    }
    if (t->ngroups == t->groups_cap) {
        if (t->groups_cap >= UINT32_MAX / 4)
            luaL_error(L, "vigil.db: aggregate: too many groups");
        t->groups = grow_block(L, t->groups_slot, t->groups, t->ngroups * sizeof *t->groups,
                               t->groups_cap * 2 * sizeof *t->groups);
        t->groups_cap *= 2;
    }
    struct group *g = &t->groups[t->ngroups++];
    g->hash = hash;
    g->offset = start;
    g->len = len;
    g->count = 1;
    t->index[at] = (uint32_t)t->ngroups;
    if (t->ngroups * 2 > t->index_cap)
        grow_index(L, t);
}

/* Pushes the values of the key at p[0..len) (see key_column), a NULL as vigil.db.NULL;
 * returns how many. */
static int push_key(lua_State *L, const char *p, size_t len)
{
    const char *end = p + len;
    int n = 0;
    while (p < end) {
        unsigned char tag = (unsigned char)*p++;
        if (tag == SQLITE_INTEGER) {
            int64_t v;
            memcpy(&v, p, sizeof v);
            p += sizeof v;
            lua_pushinteger(L, (lua_Integer)v);
        } else if (tag == SQLITE_FLOAT) {
            double v;
            memcpy(&v, p, sizeof v);
            p += sizeof v;
            lua_pushnumber(L, (lua_Number)v);
        } else if (tag == SQLITE_NULL) {
            db_push_null(L);
        } else {
            size_t size;
            memcpy(&size, p, sizeof size);
            p += sizeof size;
            lua_pushlstring(L, p, size);
            p += size;
        }
        n++;
    }
    return n;
}

/* db:aggregate(sql, ...) -> {{v1, ..., vk, n}, ...}
 * Runs the query (one statement, arguments bound as for db:query) and counts its rows
 * per distinct tuple of its k columns: one array per tuple, its values followed by the
 * count, in order of first appearance; NULL is vigil.db.NULL.  Values are equal as in
 * GROUP BY with the BINARY collation (1 and 1.0 are one value; the first seen is kept
 * as an integer). */
int db_aggregate(lua_State *L)
{
    int top = lua_gettop(L);
    Stmt *s = stmt_push_prepared(L, 1, 2);
    int stmt_slot = lua_gettop(L);
    bind_args(L, s, 3, top);
    lua_toclose(L, stmt_slot);
    struct table t;
    memset(&t, 0, sizeof t);
    t.arena_cap = 4096;
    t.groups_cap = 256;
    t.index_cap = 512;
    t.arena = lua_newuserdatauv(L, t.arena_cap, 0);
    t.arena_slot = lua_gettop(L);
    t.groups = lua_newuserdatauv(L, t.groups_cap * sizeof *t.groups, 0);
    t.groups_slot = lua_gettop(L);
    t.index = lua_newuserdatauv(L, t.index_cap * sizeof *t.index, 0);
    t.index_slot = lua_gettop(L);
    memset(t.index, 0, t.index_cap * sizeof *t.index);
    int ncols = sqlite3_column_count(s->handle);
    if (ncols < 1)
        return db_raise(L, "aggregate(): the statement returns no columns",
                        sqlite3_sql(s->handle));
    while (stmt_step(L, s) == SQLITE_ROW) {
        size_t start = t.arena_len;
        for (int i = 0; i < ncols; i++)
            key_column(L, &t, s->handle, i);
        count_key(L, &t, start);
    }
    lua_createtable(L, t.ngroups > 0x7fffffff ? 0x7fffffff : (int)t.ngroups, 0);
    for (size_t g = 0; g < t.ngroups; g++) {
        lua_createtable(L, ncols + 1, 0);
        int n = push_key(L, t.arena + t.groups[g].offset, t.groups[g].len);
        lua_pushinteger(L, t.groups[g].count);
        for (int i = n + 1; i >= 1; i--)
            lua_rawseti(L, -1 - i, i);
        lua_rawseti(L, -2, (lua_Integer)g + 1);
    }
    return 1;
}
