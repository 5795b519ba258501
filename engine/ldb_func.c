/* vigil.db: scalar SQL functions written in Lua.  SQLite calls back into Lua only
 * under lua_pcall, so a Lua error never unwinds through SQLite; it becomes an SQL
 * error carrying the Lua message. */
#include <stdlib.h>

#include "lua.h"
#include "lauxlib.h"

#include "ldb_int.h"

/* One registered function: the Lua function sits in the registry at ref.  Owned by
 * SQLite, which calls func_destroy when the function is replaced or the Db closes. */
typedef struct Func {
    Db *db;
    int ref;
} Func;

/* SQLite's destructor of a Func: frees the registry reference on the thread the Db
 * last ran on (create_function and close set it), then the Func. */
static void func_destroy(void *p)
{
    Func *f = p;
    luaL_unref(f->db->L, LUA_REGISTRYINDEX, f->ref);
    free(f);
}

/* Sets the SQL result from the Lua value at idx; raises for unsupported types. */
static void set_result(lua_State *L, sqlite3_context *ctx, int idx)
{
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
    case LUA_TNONE:
        sqlite3_result_null(ctx);
        break;
    case LUA_TBOOLEAN:
        sqlite3_result_int(ctx, lua_toboolean(L, idx));
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            sqlite3_result_int64(ctx, (sqlite3_int64)lua_tointeger(L, idx));
        else
            sqlite3_result_double(ctx, (double)lua_tonumber(L, idx));
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *text = lua_tolstring(L, idx, &len);
        sqlite3_result_text64(ctx, text, len, SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    }
    default:
        if (db_is_null(L, idx)) {
            sqlite3_result_null(ctx);
            break;
        }
        luaL_error(L, "vigil.db: SQL function returned a %s value "
                      "(nil, boolean, number or string expected)", luaL_typename(L, idx));
    }
}

/* The protected part of a call (run by lua_pcall): Func, context, argc and argv
 * arrive as light userdata/integer; pushes the arguments, calls the Lua function and
 * sets the result. */
static int call_protected(lua_State *L)
{
    Func *f = lua_touserdata(L, 1);
    sqlite3_context *ctx = lua_touserdata(L, 2);
    int argc = (int)lua_tointeger(L, 3);
    sqlite3_value **argv = lua_touserdata(L, 4);
    lua_settop(L, 0);
    luaL_checkstack(L, argc + 1, "too many arguments to an SQL function");
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
    for (int i = 0; i < argc; i++)
        db_push_value(L, argv[i], sqlite3_value_type(argv[i]));
    lua_call(L, argc, 1);
    set_result(L, ctx, 1);
    return 0;
}

/* SQLite's xFunc for every Lua function: runs call_protected on the Db's current
 * thread and turns a Lua error into the SQL error. */
static void call_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    Func *f = sqlite3_user_data(ctx);
    lua_State *L = f->db->L;
    int top = lua_gettop(L);
    if (!lua_checkstack(L, 5)) {
        sqlite3_result_error(ctx, "vigil.db: Lua stack overflow in an SQL function", -1);
        return;
    }
    lua_pushcfunction(L, call_protected);
    lua_pushlightuserdata(L, f);
    lua_pushlightuserdata(L, ctx);
    lua_pushinteger(L, argc);
    lua_pushlightuserdata(L, argv);
    int status = lua_pcall(L, 4, 0, 0);
    if (status == LUA_ERRMEM)
        sqlite3_result_error_nomem(ctx);
    else if (status != LUA_OK && lua_type(L, -1) == LUA_TSTRING)
        sqlite3_result_error(ctx, lua_tostring(L, -1), -1);
    else if (status != LUA_OK)
        sqlite3_result_error(ctx, "vigil.db: SQL function raised a non-string error", -1);
    lua_settop(L, top);
}

/* db:create_function(name, nargs, fn) -> true
 * Makes fn callable from SQL as name(...) with nargs arguments (-1: any number).
 * Arguments arrive as query results do (NULL -> nil); fn returns nil, a boolean, a
 * number, a string or vigil.db.NULL.  A Lua error makes the SQL statement fail with
 * the Lua message.  Replaces an earlier function of the same name and nargs; the
 * Db keeps fn until it closes. */
int db_create_function(lua_State *L)
{
    Db *db = db_check_open(L, 1);
    const char *name = luaL_checkstring(L, 2);
    lua_Integer nargs = luaL_checkinteger(L, 3);
    luaL_argcheck(L, nargs >= -1 && nargs <= 127, 3, "must be from -1 to 127");
    luaL_checktype(L, 4, LUA_TFUNCTION);
    lua_settop(L, 4);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    Func *f = malloc(sizeof *f);
    if (f == NULL) {
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        return luaL_error(L, "vigil.db: out of memory");
    }
    f->db = db;
    f->ref = ref;
    db->L = L;
    /* on failure SQLite itself calls func_destroy(f) */
    if (sqlite3_create_function_v2(db->handle, name, (int)nargs, SQLITE_UTF8, f,
                                   call_function, NULL, NULL, func_destroy) != SQLITE_OK)
        return db_raise(L, sqlite3_errmsg(db->handle), NULL);
    lua_pushboolean(L, 1);
    return 1;
}
