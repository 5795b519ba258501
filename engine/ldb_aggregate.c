/* vigil.db: db:aggregate, counting the rows of a query per distinct tuple of its
 * columns in a hash table — what `SELECT cols, count(*) ... GROUP BY cols` computes,
 * without SQLite's temporary B-tree (SQLite has no hash aggregate: it sorts).  Used by
 * vigil.trend for its counts.  All memory is Lua userdata held on the stack (grown by
 * replacing a block with a larger one), so an error at any point leaks nothing.
 *
 * Layout, chosen for few cache misses per row (the counting was half of trend.series'
 * time with a byte-at-a-time hash and keys apart from their counts): each row's key is
 * built in a scratch buffer; the groups are records in one arena, in order of first
 * appearance, each its count, its key length and its key bytes together; the index is
 * open addressing over 64-bit slots holding the high half of the key's hash beside the
 * record's place, so a probe that meets another key rarely touches its record. */
#include <stdint.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldb_int.h"

/* The head of a group's record in the arena; the key bytes follow, the record is
 * padded to a multiple of 8 bytes. */
struct record {
    lua_Integer count;
    uint32_t len;  /* key bytes */
    uint32_t hash; /* high half of the key's hash */
};

/* The table being filled; the blocks are userdata at stack slots key_slot,
 * arena_slot and index_slot. */
struct table {
    unsigned char *key;    /* the current row's key */
    size_t key_len, key_cap;
    unsigned char *arena;  /* the records */
    size_t arena_len, arena_cap;
    size_t ngroups;
    uint64_t *index;       /* 0 empty, else hash high half << 32 | (record offset / 8 + 1) */
    size_t index_cap;      /* a power of two, at least twice ngroups */
    int key_slot, arena_slot, index_slot;
    int utf8;              /* the database's text is UTF-8: its bytes are read as they are */
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

/* Hashes the key bytes eight at a time (a multiply-xorshift step per word, a final
 * avalanche so that the low bits and the high half depend on every byte).  The caller
 * has put zero bytes after the key up to the next multiple of 8, so the last word is
 * read whole (no byte-wise copy). */
static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    h ^= h >> 32;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* The slot where the index keeps a record at `offset` whose key hashed to `hash`. */
static uint64_t slot_of(uint64_t hash, size_t offset)
{
    return (hash & 0xffffffff00000000ULL) | (uint64_t)(offset / 8 + 1);
}

/* The first slot to probe for a key whose hash has the high half `high` (the index
 * keeps only that half, and is rebuilt from it when it grows). */
static size_t place_of(uint64_t high, size_t cap)
{
    return (size_t)(high >> 32) & (cap - 1);
}

/* Doubles the index and places every record again. */
static void grow_index(lua_State *L, struct table *t)
{
    size_t cap = t->index_cap * 2;
    t->index = grow_block(L, t->index_slot, NULL, 0, cap * sizeof *t->index);
    memset(t->index, 0, cap * sizeof *t->index);
    t->index_cap = cap;
    for (size_t off = 0; off < t->arena_len;) {
        struct record r;
        memcpy(&r, t->arena + off, sizeof r);
        uint64_t slot = slot_of((uint64_t)r.hash << 32, off);
        size_t at = place_of(slot, cap);
        while (t->index[at])
            at = (at + 1) & (cap - 1);
        t->index[at] = slot;
        off += (sizeof r + r.len + 7) & ~(size_t)7;
    }
}

/* Makes room for n more bytes of the current row's key. */
static void key_reserve(lua_State *L, struct table *t, size_t n)
{
    if (n > UINT32_MAX / 2 - t->key_len)
        luaL_error(L, "vigil.db: aggregate: a key is too large");
    size_t cap = t->key_cap * 2;
    while (cap < t->key_len + n)
        cap *= 2;
    t->key = grow_block(L, t->key_slot, t->key, t->key_len, cap);
    t->key_cap = cap;
}

/* Appends n bytes to the current row's key. */
static inline void key_add(lua_State *L, struct table *t, const void *bytes, size_t n)
{
    if (t->key_cap - t->key_len < n)
        key_reserve(L, t, n);
    memcpy(t->key + t->key_len, bytes, n);
    t->key_len += n;
}

/* Appends the key bytes of column i of the current row: a type byte, then 8 bytes of
 * an integer or float, or the length of text or a blob (one byte below 255, else 255
 * and 4 bytes) and its bytes.  A float holding a whole number that fits an integer is
 * keyed as that integer (GROUP BY takes 1 and 1.0 as one value; -0.0 is 0). */
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
        const void *bytes = type == SQLITE_TEXT && !t->utf8 ? (const void *)sqlite3_value_text(v)
                                                             : sqlite3_value_blob(v);
        uint32_t n = (uint32_t)sqlite3_value_bytes(v);
        unsigned char head[6] = { tag, (unsigned char)(n < 255 ? n : 255) };
        size_t head_len = 2;
        if (n >= 255) {
            memcpy(head + 2, &n, sizeof n);
            head_len = 6;
        }
        key_add(L, t, head, head_len);
        if (n)
            key_add(L, t, bytes, n);
    }
}

/* Returns whether the database's text encoding is UTF-8: then a text value's bytes are
 * read with sqlite3_value_blob, which neither converts nor copies to add the NUL that
 * sqlite3_value_text needs (the bytes are the same). */
static int database_is_utf8(sqlite3 *db)
{
    sqlite3_stmt *h;
    int utf8 = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA encoding", -1, &h, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(h) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(h, 0);
        utf8 = name && strcmp((const char *)name, "UTF-8") == 0;
    }
    sqlite3_finalize(h);
    return utf8;
}

/* Counts the current row's key: one more for its group, or a new group. */
static void count_key(lua_State *L, struct table *t)
{
    size_t len = t->key_len;
    uint64_t zeros = 0;
    key_add(L, t, &zeros, sizeof zeros); /* the padding hash_bytes reads */
    t->key_len = len;
    uint64_t hash = hash_bytes(t->key, len);
    uint64_t high = hash & 0xffffffff00000000ULL;
    size_t at = place_of(high, t->index_cap);
    for (uint64_t slot; (slot = t->index[at]) != 0; at = (at + 1) & (t->index_cap - 1)) {
        if ((slot & 0xffffffff00000000ULL) != high)
            continue;
        unsigned char *rec = t->arena + ((slot & 0xffffffffULL) - 1) * 8;
        struct record r;
        memcpy(&r, rec, sizeof r);
        if (r.len == len && memcmp(rec + sizeof r, t->key, len) == 0) {
            r.count++;
            memcpy(rec, &r.count, sizeof r.count);
            return;
        }
    }
    size_t size = (sizeof(struct record) + len + 7) & ~(size_t)7;
    if (t->arena_len + size > (size_t)UINT32_MAX * 8)
        luaL_error(L, "vigil.db: aggregate: too many groups");
    if (t->arena_cap - t->arena_len < size) {
        size_t cap = t->arena_cap * 2;
        while (cap - t->arena_len < size)
            cap *= 2;
        t->arena = grow_block(L, t->arena_slot, t->arena, t->arena_len, cap);
        t->arena_cap = cap;
    }
    struct record r = { 1, (uint32_t)len, (uint32_t)(hash >> 32) };
    unsigned char *rec = t->arena + t->arena_len;
    memcpy(rec, &r, sizeof r);
    memcpy(rec + sizeof r, t->key, len);
    memset(rec + sizeof r + len, 0, size - sizeof r - len);
    t->index[at] = slot_of(hash, t->arena_len);
    t->arena_len += size;
    t->ngroups++;
    if (t->ngroups * 2 > t->index_cap)
        grow_index(L, t);
}

/* Pushes the values of the key at p[0..len) (see key_column), a NULL as vigil.db.NULL;
 * returns how many. */
static int push_key(lua_State *L, const unsigned char *p, size_t len)
{
    const unsigned char *end = p + len;
    int n = 0;
    while (p < end) {
        unsigned char tag = *p++;
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
            uint32_t size = *p++;
            if (size == 255) {
                memcpy(&size, p, sizeof size);
                p += sizeof size;
            }
            lua_pushlstring(L, (const char *)p, size);
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
    t.key_cap = 256;
    t.arena_cap = 8192;
    t.index_cap = 512;
    t.key = lua_newuserdatauv(L, t.key_cap, 0);
    t.key_slot = lua_gettop(L);
    t.arena = lua_newuserdatauv(L, t.arena_cap, 0);
    t.arena_slot = lua_gettop(L);
    t.index = lua_newuserdatauv(L, t.index_cap * sizeof *t.index, 0);
    t.index_slot = lua_gettop(L);
    memset(t.index, 0, t.index_cap * sizeof *t.index);
    t.utf8 = database_is_utf8(sqlite3_db_handle(s->handle));
    int ncols = sqlite3_column_count(s->handle);
    if (ncols < 1)
        return db_raise(L, "aggregate(): the statement returns no columns",
                        sqlite3_sql(s->handle));
    while (stmt_step(L, s) == SQLITE_ROW) {
        t.key_len = 0;
        for (int i = 0; i < ncols; i++)
            key_column(L, &t, s->handle, i);
        count_key(L, &t);
    }
    lua_createtable(L, t.ngroups > 0x7fffffff ? 0x7fffffff : (int)t.ngroups, 0);
    size_t off = 0;
    for (size_t g = 0; g < t.ngroups; g++) {
        struct record r;
        memcpy(&r, t.arena + off, sizeof r);
        lua_createtable(L, ncols + 1, 0);
        int n = push_key(L, t.arena + off + sizeof r, r.len);
        lua_pushinteger(L, r.count);
        for (int i = n + 1; i >= 1; i--)
            lua_rawseti(L, -1 - i, i);
        lua_rawseti(L, -2, (lua_Integer)g + 1);
        off += (sizeof r + r.len + 7) & ~(size_t)7;
    }
    return 1;
}
