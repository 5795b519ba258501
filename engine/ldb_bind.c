/* vigil.db: binding Lua values to statement parameters.  Values are always bound,
 * never pasted into SQL. */
#include "lua.h"
#include "lauxlib.h"

#include "ldb_int.h"

/* The address behind vigil.db.NULL. */
static char null_sentinel;

/* Pushes vigil.db.NULL, the light userdata that binds as SQL NULL. */
void db_push_null(lua_State *L)
{
    lua_pushlightuserdata(L, &null_sentinel);
}

/* Whether the value at idx is vigil.db.NULL. */
int db_is_null(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == &null_sentinel;
}

/* Pushes how an error names parameter i: ":name", "@name", "$name" or "?N". */
static const char *push_label(lua_State *L, sqlite3_stmt *h, int i)
{
    const char *name = sqlite3_bind_parameter_name(h, i);
    if (name && name[0] != '?')
        return lua_pushstring(L, name);
    return lua_pushfstring(L, "?%d", i);
}

/* Binds the Lua value at idx to parameter i: nil and vigil.db.NULL -> NULL, booleans
 * -> 1/0, integers, floats, strings as TEXT (embedded zeros kept).  Raises for
 * other types and SQLite failures. */
static void bind_value(lua_State *L, Stmt *s, int i, int idx)
{
    sqlite3_stmt *h = s->handle;
    int rc;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        rc = sqlite3_bind_null(h, i);
        break;
    case LUA_TBOOLEAN:
        rc = sqlite3_bind_int(h, i, lua_toboolean(L, idx));
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            rc = sqlite3_bind_int64(h, i, (sqlite3_int64)lua_tointeger(L, idx));
        else
            rc = sqlite3_bind_double(h, i, (double)lua_tonumber(L, idx));
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *text = lua_tolstring(L, idx, &len);
        rc = sqlite3_bind_text64(h, i, text, len, SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    }
    default:
        if (db_is_null(L, idx)) {
            rc = sqlite3_bind_null(h, i);
            break;
        }
        push_label(L, h, i);
        lua_pushfstring(L, "cannot bind a %s value to parameter %s", luaL_typename(L, idx),
                        lua_tostring(L, -1));
        db_raise(L, lua_tostring(L, -1), sqlite3_sql(h));
        return;
    }
    if (rc != SQLITE_OK)
        db_raise(L, sqlite3_errmsg(s->db->handle), sqlite3_sql(h));
}

/* Binds by name from the table at t: ":x", "@x", "$x" take t.x; "?" and "?N" take
 * t[N] (the parameter's index).  A missing (nil) value raises; vigil.db.NULL binds
 * NULL. */
static void bind_table(lua_State *L, Stmt *s, int t)
{
    sqlite3_stmt *h = s->handle;
    int n = sqlite3_bind_parameter_count(h);
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(h, i);
        if (name == NULL || name[0] == '?')
            lua_geti(L, t, i);
        else
            lua_getfield(L, t, name + 1);
        if (lua_isnil(L, -1)) {
            push_label(L, h, i);
            lua_pushfstring(L, "missing value for parameter %s", lua_tostring(L, -1));
            db_raise(L, lua_tostring(L, -1), sqlite3_sql(h));
        }
        bind_value(L, s, i, lua_gettop(L));
        lua_pop(L, 1);
    }
}

/* Binds the values at stack slots first..last to s.  One table argument binds by
 * name (see bind_table); otherwise the values bind in order and their count must
 * equal the parameter count (nil counts, binding NULL). */
void bind_args(lua_State *L, Stmt *s, int first, int last)
{
    sqlite3_stmt *h = s->handle;
    int given = last - first + 1;
    if (given == 1 && lua_type(L, first) == LUA_TTABLE) {
        bind_table(L, s, first);
        return;
    }
    int n = sqlite3_bind_parameter_count(h);
    if (given < n) {
        push_label(L, h, given + 1);
        lua_pushfstring(L, "missing value for parameter %s (%d given, %d expected)",
                        lua_tostring(L, -1), given, n);
        db_raise(L, lua_tostring(L, -1), sqlite3_sql(h));
    }
    if (given > n) {
        lua_pushfstring(L, "too many values (%d given, %d expected)", given, n);
        db_raise(L, lua_tostring(L, -1), sqlite3_sql(h));
    }
    for (int i = 1; i <= n; i++)
        bind_value(L, s, i, first + i - 1);
}
