/* vigil.db: the Stmt userdata (a prepared statement), the row and value pushers
 * shared by every query style, and the Stmt methods. */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldb_int.h"

/* Pushes a new, closed Stmt belonging to the Db at dbidx (kept alive through user
 * value 1).  The userdata exists before any handle, so no handle is ever unowned. */
Stmt *stmt_push(lua_State *L, int dbidx)
{
    Db *db = lua_touserdata(L, dbidx);
    dbidx = lua_absindex(L, dbidx);
    Stmt *s = lua_newuserdatauv(L, sizeof *s, 2);
    memset(s, 0, sizeof *s);
    s->db = db;
    s->ncols = -1;
    luaL_setmetatable(L, STMT_META);
    lua_pushvalue(L, dbidx);
    lua_setiuservalue(L, -2, 1);
    return s;
}

/* Finalizes s once and takes it off its Db's list; later use raises "closed". */
void stmt_finalize(Stmt *s)
{
    if (s->handle == NULL)
        return;
    sqlite3_finalize(s->handle);
    s->handle = NULL;
    if (s->prev)
        s->prev->next = s->next;
    else
        s->db->stmts = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
}

/* Prepares the first statement of sql[0..len) into the closed Stmt s and links it to
 * its Db; *tail gets where the rest begins.  SQL holding only blanks or comments
 * leaves s closed.  Raises on an SQLite error. */
void stmt_prepare(lua_State *L, Stmt *s, const char *sql, size_t len, const char **tail)
{
    sqlite3 *h = s->db->handle;
    if (len >= 0x7fffffff)
        db_raise(L, "SQL text too long", sql);
    /* sql is NUL-terminated (a Lua string): passing len + 1 saves SQLite a copy */
    if (sqlite3_prepare_v3(h, sql, (int)len + 1, 0, &s->handle, tail) != SQLITE_OK)
        db_raise(L, sqlite3_errmsg(h), sql);
    if (s->handle == NULL)
        return;
    s->next = s->db->stmts;
    if (s->next)
        s->next->prev = s;
    s->db->stmts = s;
    s->ncols = -1;
    s->exhausted = 0;
}

/* Raises unless tail holds nothing but blanks, semicolons and comments: the one-
 * statement methods refuse to ignore SQL silently. */
static void check_single(lua_State *L, Stmt *s, const char *sql, const char *tail)
{
    while (*tail == ';' || *tail == ' ' || (*tail >= '\t' && *tail <= '\r'))
        tail++;
    if (*tail == '\0')
        return;
    sqlite3_stmt *more = NULL;
    int rc = sqlite3_prepare_v3(s->db->handle, tail, -1, 0, &more, NULL);
    sqlite3_finalize(more);
    if (rc != SQLITE_OK || more != NULL) {
        stmt_finalize(s);
        db_raise(L, "more than one statement (use db:exec for scripts)", sql);
    }
}

/* Pushes a Stmt prepared from the one statement in the string at sqlidx, for the
 * Db at dbidx (checked open).  Raises on empty SQL, on several statements and on
 * SQLite errors. */
Stmt *stmt_push_prepared(lua_State *L, int dbidx, int sqlidx)
{
    size_t len;
    const char *tail;
    db_check_open(L, dbidx);
    const char *sql = luaL_checklstring(L, sqlidx, &len);
    Stmt *s = stmt_push(L, dbidx);
    stmt_prepare(L, s, sql, len, &tail);
    if (s->handle == NULL)
        db_raise(L, "no SQL statement", sql);
    check_single(L, s, sql, tail);
    return s;
}

/* Returns the open Stmt at idx; raises when closed or running. */
Stmt *stmt_check(lua_State *L, int idx)
{
    Stmt *s = luaL_checkudata(L, idx, STMT_META);
    if (s->handle == NULL)
        luaL_error(L, "vigil.db: statement is closed");
    if (s->stepping)
        luaL_error(L, "vigil.db: statement is running (used from its own SQL function)");
    return s;
}

/* Steps s once on thread L; returns SQLITE_ROW or SQLITE_DONE.  On an error, resets
 * s and raises "vigil.db: message (in: sql)". */
int stmt_step(lua_State *L, Stmt *s)
{
    Db *db = s->db;
    lua_State *outer = db->L;
    db->L = L;
    db->depth++;
    s->stepping = 1;
    int rc = sqlite3_step(s->handle);
    s->stepping = 0;
    db->depth--;
    db->L = outer;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc;
    lua_pushstring(L, sqlite3_errmsg(db->handle));
    sqlite3_reset(s->handle);
    return db_raise(L, lua_tostring(L, -1), sqlite3_sql(s->handle));
}

/* Pushes the SQLite value v of the given sqlite3_value_type: INTEGER -> integer,
 * REAL -> float, TEXT and BLOB -> string, NULL -> nil.
 * Rows are read through sqlite3_column_value(), which SQLite calls "unprotected": the
 * difference is only the connection mutex, which vigil's connections do not use
 * (SQLITE_OPEN_NOMUTEX, one thread).  It skips the per-call checks of the
 * sqlite3_column_*() functions, a tenth of the time of a row-table loop. */
void db_push_value(lua_State *L, sqlite3_value *v, int type)
{
    const void *bytes;
    switch (type) {
    case SQLITE_INTEGER:
        lua_pushinteger(L, (lua_Integer)sqlite3_value_int64(v));
        return;
    case SQLITE_FLOAT:
        lua_pushnumber(L, (lua_Number)sqlite3_value_double(v));
        return;
    case SQLITE_NULL:
        lua_pushnil(L);
        return;
    case SQLITE_TEXT:
        bytes = sqlite3_value_text(v);
        break;
    default:
        bytes = sqlite3_value_blob(v);
        break;
    }
    size_t n = (size_t)sqlite3_value_bytes(v);
    if (bytes == NULL && n > 0)
        luaL_error(L, "vigil.db: out of memory");
    lua_pushlstring(L, n ? bytes : "", n);
}

/* Pushes the cached array of column names of the Stmt at idx, building it when the
 * statement's column count differs from the cache (first use, or a re-prepare after
 * a schema change).  Valid for every row until the statement is reset. */
void stmt_push_names(lua_State *L, Stmt *s, int idx)
{
    int n = sqlite3_column_count(s->handle);
    if (n == s->ncols) {
        lua_getiuservalue(L, idx, 2);
        return;
    }
    idx = lua_absindex(L, idx);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(s->handle, i);
        if (name == NULL)
            luaL_error(L, "vigil.db: out of memory");
        lua_pushstring(L, name);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, idx, 2);
    s->ncols = n;
}

/* Pushes the current row of s as a table keyed by column name, the names taken from
 * the array at stack index names (from stmt_push_names); NULL columns are absent. */
void stmt_push_row(lua_State *L, Stmt *s, int names)
{
    sqlite3_stmt *h = s->handle;
    int n = s->ncols;
    lua_createtable(L, 0, n);
    for (int i = 0; i < n; i++) {
        sqlite3_value *v = sqlite3_column_value(h, i);
        int type = sqlite3_value_type(v);
        if (type == SQLITE_NULL)
            continue;
        lua_rawgeti(L, names, i + 1);
        db_push_value(L, v, type);
        lua_rawset(L, -3);
    }
}

/* Pushes every column of the current row; returns how many. */
int stmt_push_values(lua_State *L, Stmt *s)
{
    sqlite3_stmt *h = s->handle;
    int n = sqlite3_data_count(h);
    luaL_checkstack(L, n, "too many columns");
    for (int i = 0; i < n; i++) {
        sqlite3_value *v = sqlite3_column_value(h, i);
        db_push_value(L, v, sqlite3_value_type(v));
    }
    return n;
}

/* stmt:bind(...) -> stmt | stmt:bind{...} -> stmt
 * Resets the statement and binds new values (same rules as db:query). */
static int stmt_bind(lua_State *L)
{
    Stmt *s = stmt_check(L, 1);
    sqlite3_reset(s->handle);
    bind_args(L, s, 2, lua_gettop(L));
    lua_settop(L, 1);
    return 1;
}

/* stmt:step() -> row table | nil
 * The next row; nil at the end, where the statement is reset for another run. */
static int stmt_step_method(lua_State *L)
{
    Stmt *s = stmt_check(L, 1);
    if (stmt_step(L, s) == SQLITE_DONE) {
        sqlite3_reset(s->handle);
        lua_pushnil(L);
        return 1;
    }
    lua_settop(L, 1);
    stmt_push_names(L, s, 1);
    stmt_push_row(L, s, 2);
    return 1;
}

/* stmt:values() -> col1, col2, ... | nothing
 * The next row's columns as values; no values at the end (then reset). */
static int stmt_values(lua_State *L)
{
    Stmt *s = stmt_check(L, 1);
    if (stmt_step(L, s) == SQLITE_DONE) {
        sqlite3_reset(s->handle);
        return 0;
    }
    return stmt_push_values(L, s);
}

/* stmt:reset() -> stmt.  Rewinds to the first row; bindings stay. */
static int stmt_reset(lua_State *L)
{
    Stmt *s = stmt_check(L, 1);
    sqlite3_reset(s->handle);
    lua_settop(L, 1);
    return 1;
}

/* stmt:columns() -> {"name", ...} (a fresh table) */
static int stmt_columns(lua_State *L)
{
    Stmt *s = stmt_check(L, 1);
    int n = sqlite3_column_count(s->handle);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, sqlite3_column_name(s->handle, i));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* stmt:sql() -> the statement's SQL text */
static int stmt_sql(lua_State *L)
{
    Stmt *s = stmt_check(L, 1);
    lua_pushstring(L, sqlite3_sql(s->handle));
    return 1;
}

/* stmt:isopen() -> boolean */
static int stmt_isopen(lua_State *L)
{
    Stmt *s = luaL_checkudata(L, 1, STMT_META);
    lua_pushboolean(L, s->handle != NULL);
    return 1;
}

/* The iterator of stmt:rows(): upvalue 1 is the Stmt.  At the end it resets the
 * statement (which stays usable) and returns nil. */
static int stmt_rows_next(lua_State *L)
{
    Stmt *s = stmt_check(L, lua_upvalueindex(1));
    if (stmt_step(L, s) == SQLITE_DONE) {
        sqlite3_reset(s->handle);
        return 0;
    }
    lua_settop(L, 0);
    stmt_push_names(L, s, lua_upvalueindex(1));
    stmt_push_row(L, s, 1);
    return 1;
}

/* __close of the guard stmt:rows() hands to a generic for: resets its Stmt (user
 * value 1) when the loop ends early, so the statement holds no read lock. */
static int guard_close(lua_State *L)
{
    lua_getiuservalue(L, 1, 1);
    Stmt *s = lua_touserdata(L, -1);
    if (s && s->handle && !s->stepping)
        sqlite3_reset(s->handle);
    return 0;
}

/* stmt:rows([...]) -> iterator, nil, nil, guard
 * for row in stmt:rows(...) do: binds the arguments when given (else reruns with the
 * current bindings) and yields row tables; the statement is reset, not closed, when
 * the loop ends, breaks or raises. */
static int stmt_rows(lua_State *L)
{
    Stmt *s = stmt_check(L, 1);
    sqlite3_reset(s->handle);
    if (lua_gettop(L) > 1)
        bind_args(L, s, 2, lua_gettop(L));
    lua_settop(L, 1);
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, stmt_rows_next, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_newuserdatauv(L, 0, 1);
    luaL_setmetatable(L, GUARD_META);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    return 4;
}

/* stmt:close() -> true; also __close.  Idempotent. */
static int stmt_close(lua_State *L)
{
    Stmt *s = luaL_checkudata(L, 1, STMT_META);
    if (s->stepping)
        return luaL_error(L, "vigil.db: statement is running (used from its own SQL function)");
    stmt_finalize(s);
    lua_pushboolean(L, 1);
    return 1;
}

/* __gc: finalizes the statement if still open. */
static int stmt_gc(lua_State *L)
{
    Stmt *s = luaL_checkudata(L, 1, STMT_META);
    if (!s->stepping)
        stmt_finalize(s);
    return 0;
}

/* __tostring -> "vigil.db.Stmt (sql)" | "vigil.db.Stmt (closed)" */
static int stmt_tostring(lua_State *L)
{
    Stmt *s = luaL_checkudata(L, 1, STMT_META);
    if (s->handle == NULL) {
        lua_pushliteral(L, "vigil.db.Stmt (closed)");
    } else {
        db_push_excerpt(L, sqlite3_sql(s->handle));
        lua_pushfstring(L, "vigil.db.Stmt (%s)", lua_tostring(L, -1));
    }
    return 1;
}

static const luaL_Reg stmt_methods[] = {
    {"bind", stmt_bind},
    {"step", stmt_step_method},
    {"values", stmt_values},
    {"reset", stmt_reset},
    {"columns", stmt_columns},
    {"rows", stmt_rows},
    {"sql", stmt_sql},
    {"isopen", stmt_isopen},
    {"close", stmt_close},
    {NULL, NULL},
};

static const luaL_Reg stmt_metamethods[] = {
    {"__close", stmt_close},
    {"__gc", stmt_gc},
    {"__tostring", stmt_tostring},
    {"__index", NULL},
    {NULL, NULL},
};

/* Creates the Stmt metatable (methods in __index) and the rows() guard's. */
void stmt_createmeta(lua_State *L)
{
    luaL_newmetatable(L, STMT_META);
    luaL_setfuncs(L, stmt_metamethods, 0);
    luaL_newlib(L, stmt_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, GUARD_META);
    lua_pushcfunction(L, guard_close);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);
}
