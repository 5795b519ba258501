/* vigil.db: the Lua module over SQLite.  This file: the module table, open, the Db
 * userdata (close, transactions, small accessors) and the error helpers.  Statements
 * live in ldb_stmt.c, the query methods in ldb_query.c, parameter binding in
 * ldb_bind.c, Lua SQL functions in ldb_func.c. */
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldb.h"
#include "ldb_int.h"
#include "limits.h"
#include "modules.h"

/* Pushes a one-line excerpt of sql: whitespace runs become one space, and text past
 * SQL_EXCERPT bytes is cut at a UTF-8 character boundary and marked with "...". */
void db_push_excerpt(lua_State *L, const char *sql)
{
    char buf[SQL_EXCERPT + 4];
    const unsigned char *p = (const unsigned char *)sql;
    size_t n = 0;
    int gap = 0;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    for (; *p; p++) {
        if (*p == ' ' || (*p >= '\t' && *p <= '\r')) {
            gap = 1;
            continue;
        }
        if (n + (size_t)gap >= SQL_EXCERPT)
            break;
        if (gap)
            buf[n++] = ' ';
        gap = 0;
        buf[n++] = (char)*p;
    }
    if (*p) {  /* cut: drop a partial multi-byte character at the end */
        size_t start = n;
        while (start > 0 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
            start--;
        if (start > 0 && (unsigned char)buf[start - 1] >= 0xC0) {
            unsigned char lead = (unsigned char)buf[start - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (start - 1 + need > n)
                n = start - 1;
        }
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    lua_pushlstring(L, buf, n);
}

/* Raises "vigil.db: msg (in: sql excerpt)", or "vigil.db: msg" when sql is NULL.
 * msg is copied before anything else can change it. */
int db_raise(lua_State *L, const char *msg, const char *sql)
{
    if (sql == NULL)
        return luaL_error(L, "vigil.db: %s", msg);
    lua_pushstring(L, msg);
    db_push_excerpt(L, sql);
    return luaL_error(L, "vigil.db: %s (in: %s)", lua_tostring(L, -2), lua_tostring(L, -1));
}

static void open_lazy(lua_State *L, Db *db, int idx);

/* Returns the Db at idx, raising when it is not a Db or is closed.  A lazy Db that is
 * not open is opened here. */
Db *db_check_open(lua_State *L, int idx)
{
    Db *db = luaL_checkudata(L, idx, DB_META);
    if (db->handle == NULL) {
        if (!db->lazy)
            luaL_error(L, "vigil.db: attempt to use a closed database");
        open_lazy(L, db, lua_absindex(L, idx));
    }
    return db;
}

/* The handle of the open Db at idx, for other C bindings (see ldb.h). */
sqlite3 *db_check_handle(lua_State *L, int idx)
{
    return db_check_open(L, idx)->handle;
}

/* Closes the connection once: finalizes the statements this Db still owns (marking
 * their userdata closed), then any a foreign binding left, then the connection.
 * Lua SQL functions are released (their xDestroy runs on L). */
void db_release(lua_State *L, Db *db)
{
    if (db->handle == NULL)
        return;
    while (db->stmts)
        stmt_finalize(db->stmts);
    db->L = L;
    db_untrack(db->handle);
    if (sqlite3_close(db->handle) != SQLITE_OK) {
        sqlite3_stmt *left;
        while ((left = sqlite3_next_stmt(db->handle, NULL)) != NULL)
            sqlite3_finalize(left);
        if (sqlite3_close(db->handle) != SQLITE_OK)
            sqlite3_close_v2(db->handle);
    }
    db->handle = NULL;
}

/* Reads open()'s options table at idx into the flags, busy timeout and guard. */
static void read_options(lua_State *L, int idx, int *flags, int *timeout, int *guard)
{
    int readonly = 0, create = 1;
    *timeout = 5000;
    *guard = 0;
    if (!lua_isnoneornil(L, idx)) {
        luaL_checktype(L, idx, LUA_TTABLE);
        lua_getfield(L, idx, "defensive");
        *guard = lua_toboolean(L, -1);
        lua_pop(L, 1);
        lua_getfield(L, idx, "readonly");
        readonly = lua_toboolean(L, -1) || *guard;
        lua_getfield(L, idx, "create");
        if (!lua_isnil(L, -1))
            create = lua_toboolean(L, -1);
        lua_getfield(L, idx, "timeout");
        if (!lua_isnil(L, -1)) {
            int isint;
            lua_Integer ms = lua_tointegerx(L, -1, &isint);
            if (!isint || ms < 0 || ms > 0x7fffffff)
                luaL_argerror(L, idx, "timeout must be a non-negative integer (milliseconds)");
            *timeout = (int)ms;
        }
        lua_pop(L, 3);
    }
    if (readonly)
        *flags = SQLITE_OPEN_READONLY;
    else
        *flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    *flags |= SQLITE_OPEN_NOMUTEX;
}

/* Opens path with the options table at optidx (or none) into db, whose user value 1
 * becomes the path.  Returns SQLite's result code; on failure db is closed again and
 * the message "path: msg" is pushed. */
static int open_connection(lua_State *L, Db *db, int dbidx, int pathidx, int optidx)
{
    const char *path = lua_tostring(L, pathidx);
    int flags, timeout, guard, rc;
    read_options(L, optidx, &flags, &timeout, &guard);
    lua_pushvalue(L, pathidx);
    lua_setiuservalue(L, dbidx, 1);
    rc = sqlite3_open_v2(path, &db->handle, flags, NULL);
    if (rc == SQLITE_OK) {
        db_track(db->handle);  /* for Ctrl-C (db_interrupt_all); released in db_release */
        sqlite3_busy_timeout(db->handle, timeout);
        db->L = L;
        rc = sqlite3_exec(db->handle, (flags & SQLITE_OPEN_READONLY)
                              ? "PRAGMA foreign_keys=ON; PRAGMA schema_version"
                              : "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL",
                          NULL, NULL, NULL);
        if (rc == SQLITE_OK && guard)
            rc = limits_guard_db(db->handle);
    }
    if (rc != SQLITE_OK) {
        lua_pushfstring(L, "%s: %s", path, db->handle ? sqlite3_errmsg(db->handle) : "out of memory");
        db_release(L, db);
    }
    return rc;
}

/* Makes a Db userdata with two user values, not open yet. */
static Db *new_db(lua_State *L)
{
    Db *db = lua_newuserdatauv(L, sizeof *db, 2);
    memset(db, 0, sizeof *db);
    luaL_setmetatable(L, DB_META);
    return db;
}

/* vigil.db.open(path [, opts]) -> Db | nil, msg, code
 * opts: readonly (false), create (true; false = the file must exist), timeout (busy
 * wait in ms, 5000), defensive (false; true = read-only and guarded for untrusted
 * SQL: no ATTACH, no writes, no settings, no extension loading, statements stopped
 * at the sandbox deadline — see limits_guard_db in engine/limits.h).  A failure to
 * open (missing file, not a database, locked) returns nil, "path: message", SQLite's
 * result code; bad arguments raise. */
static int db_open(lua_State *L)
{
    luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    Db *db = new_db(L);
    int rc = open_connection(L, db, 3, 1, 2);
    if (rc != SQLITE_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        lua_pushinteger(L, rc);
        return 3;
    }
    return 1;
}

/* vigil.db.lazy(opener) -> Db
 * A Db that opens itself on first use (and again on the first use after db:close()):
 * it calls opener() -> path [, opts] and opens path with opts as vigil.db.open would,
 * raising "cannot open database: path: msg" on failure.  The global `db` is one. */
static int db_lazy(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    Db *db = new_db(L);
    db->lazy = 1;
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 2);
    return 1;
}

/* Opens the lazy Db at idx by calling its opener. */
static void open_lazy(lua_State *L, Db *db, int idx)
{
    int top = lua_gettop(L);
    lua_getiuservalue(L, idx, 2);
    lua_call(L, 0, 2);
    if (lua_type(L, top + 1) != LUA_TSTRING)
        luaL_error(L, "vigil.db: the opener of a lazy database must return a path");
    if (!lua_isnil(L, top + 2) && !lua_istable(L, top + 2))
        luaL_error(L, "vigil.db: the opener of a lazy database must return path, opts");
    if (open_connection(L, db, idx, top + 1, top + 2) != SQLITE_OK)
        luaL_error(L, "cannot open database: %s", lua_tostring(L, -1));
    lua_settop(L, top);
}

/* db:close() -> true.  Idempotent; finalizes the statements the Db still owns, whose
 * userdata then raise "statement is closed".  Raises inside a Lua SQL function
 * called by this Db, where the running statement must not be freed. */
static int db_close(lua_State *L)
{
    Db *db = luaL_checkudata(L, 1, DB_META);
    if (db->depth > 0)
        return luaL_error(L, "vigil.db: cannot close the database while its statement runs");
    db_release(L, db);
    lua_pushboolean(L, 1);
    return 1;
}

/* __gc: closes the connection unless a statement of it is still running (only
 * possible when the whole state closes from inside a callback: leak, don't crash). */
static int db_gc(lua_State *L)
{
    Db *db = luaL_checkudata(L, 1, DB_META);
    if (db->depth == 0)
        db_release(L, db);
    return 0;
}

/* __tostring -> "vigil.db (path)" | "vigil.db (closed)" | "vigil.db (not opened yet)" */
static int db_tostring(lua_State *L)
{
    Db *db = luaL_checkudata(L, 1, DB_META);
    if (db->handle == NULL) {
        if (db->lazy)
            lua_pushliteral(L, "vigil.db (not opened yet)");
        else
            lua_pushliteral(L, "vigil.db (closed)");
    } else {
        lua_getiuservalue(L, 1, 1);
        lua_pushfstring(L, "vigil.db (%s)", lua_tostring(L, -1));
    }
    return 1;
}

/* db:isopen() -> boolean */
static int db_isopen(lua_State *L)
{
    Db *db = luaL_checkudata(L, 1, DB_META);
    lua_pushboolean(L, db->handle != NULL);
    return 1;
}

/* db:path() -> the path given to open (also after close) */
static int db_path(lua_State *L)
{
    luaL_checkudata(L, 1, DB_META);
    lua_getiuservalue(L, 1, 1);
    return 1;
}

/* db:changes() -> rows changed by the last INSERT, UPDATE or DELETE */
static int db_changes(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)sqlite3_changes64(db_check_open(L, 1)->handle));
    return 1;
}

/* db:last_insert_rowid() -> integer */
static int db_last_insert_rowid(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)sqlite3_last_insert_rowid(db_check_open(L, 1)->handle));
    return 1;
}

/* db:interrupt() -> nothing.  Makes the running statement fail with "interrupted". */
static int db_interrupt(lua_State *L)
{
    sqlite3_interrupt(db_check_open(L, 1)->handle);
    return 0;
}

/* db:transaction(fn, ...) -> fn's results | raises fn's error object unchanged
 * Runs fn(...) inside SAVEPOINT vigil_tx: released (committed when outermost) when fn
 * returns, rolled back to when fn raises.  Nests. */
static int db_transaction(lua_State *L)
{
    Db *db = db_check_open(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    db->L = L;
    if (sqlite3_exec(db->handle, "SAVEPOINT vigil_tx", NULL, NULL, NULL) != SQLITE_OK)
        return db_raise(L, sqlite3_errmsg(db->handle), "SAVEPOINT vigil_tx");
    int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    if (db->handle == NULL) {  /* fn closed the database: nothing left to end */
        if (status != LUA_OK)
            return lua_error(L);
        return lua_gettop(L) - 1;
    }
    db->L = L;
    if (status == LUA_OK) {
        if (sqlite3_exec(db->handle, "RELEASE vigil_tx", NULL, NULL, NULL) == SQLITE_OK)
            return lua_gettop(L) - 1;
        lua_pushstring(L, sqlite3_errmsg(db->handle));
    }
    sqlite3_exec(db->handle, "ROLLBACK TO vigil_tx; RELEASE vigil_tx", NULL, NULL, NULL);
    if (status == LUA_OK)
        return db_raise(L, lua_tostring(L, -1), "RELEASE vigil_tx");
    return lua_error(L);
}

/* Db methods and metamethods. */
static const luaL_Reg db_methods[] = {
    {"query", db_query},
    {"values", db_values},
    {"rows", db_rows},
    {"first", db_first},
    {"scalar", db_scalar},
    {"exec", db_exec},
    {"prepare", db_prepare},
    {"aggregate", db_aggregate}, /* engine/ldb_aggregate.c */
    {"transaction", db_transaction},
    {"create_function", db_create_function},
    {"changes", db_changes},
    {"last_insert_rowid", db_last_insert_rowid},
    {"interrupt", db_interrupt},
    {"path", db_path},
    {"isopen", db_isopen},
    {"close", db_close},
    {NULL, NULL},
};

static const luaL_Reg db_metamethods[] = {
    {"__close", db_close},
    {"__gc", db_gc},
    {"__tostring", db_tostring},
    {"__index", NULL},
    {NULL, NULL},
};

/* Creates the Db metatable, its methods in __index. */
static void db_createmeta(lua_State *L)
{
    luaL_newmetatable(L, DB_META);
    luaL_setfuncs(L, db_metamethods, 0);
    luaL_newlib(L, db_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

/* require "vigil.db" -> {open = fn, NULL = sentinel, sqlite_version = "3.x.y"} */
int luaopen_vigil_db(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"open", db_open},
        {"lazy", db_lazy},
        {"NULL", NULL},
        {"sqlite_version", NULL},
        {NULL, NULL},
    };
    db_createmeta(L);
    stmt_createmeta(L);
    luaL_newlib(L, functions);
    db_push_null(L);
    lua_setfield(L, -2, "NULL");
    lua_pushstring(L, sqlite3_libversion());
    lua_setfield(L, -2, "sqlite_version");
    return 1;
}
