/* vigil.db: the Db methods that run SQL: query, values, rows, first, scalar, exec,
 * prepare.  Each makes a Stmt userdata first, so an error anywhere leaves the
 * statement to its one close path (to-be-closed slot, iterator end or __gc). */
#include "lua.h"
#include "lauxlib.h"

#include "ldb_int.h"

/* Prepares the statement of db:method(sql, ...) and binds the arguments after sql;
 * the Stmt ends on top of the stack. */
static Stmt *prepare_call(lua_State *L)
{
    int top = lua_gettop(L);
    Stmt *s = stmt_push_prepared(L, 1, 2);
    bind_args(L, s, 3, top);
    return s;
}

/* The Stmt of a query or values iterator (upvalue 1, always a Stmt: no type check
 * in the row path); NULL once the iterator has reached the end.  Raises when the
 * statement was closed early or is running. */
static Stmt *loop_stmt(lua_State *L)
{
    Stmt *s = lua_touserdata(L, lua_upvalueindex(1));
    if (s->handle == NULL) {
        if (s->exhausted)
            return NULL;
        luaL_error(L, "vigil.db: statement is closed");
    }
    if (s->stepping)
        luaL_error(L, "vigil.db: statement is running (used from its own SQL function)");
    return s;
}

/* Steps the Stmt of a query or values iterator to its next row and returns it, or
 * returns NULL at the end (finalizing the statement the first time). */
static Stmt *loop_next_row(lua_State *L)
{
    Stmt *s = loop_stmt(L);
    if (s == NULL)
        return NULL;
    if (stmt_step(L, s) == SQLITE_DONE) {
        stmt_finalize(s);
        s->exhausted = 1;
        return NULL;
    }
    return s;
}

/* The iterator of db:query(): upvalue 1 is the Stmt.  Yields row tables; at the end
 * finalizes the statement and keeps returning nil. */
static int query_next(lua_State *L)
{
    Stmt *s = loop_next_row(L);
    if (s == NULL)
        return 0;
    lua_settop(L, 0);
    stmt_push_names(L, s, lua_upvalueindex(1));
    stmt_push_row(L, s, 1);
    return 1;
}

/* The iterator of db:values(): like query_next but returns the columns as values.
 * A NULL first column raises, since a generic for would stop there silently. */
static int values_next(lua_State *L)
{
    Stmt *s = loop_next_row(L);
    if (s == NULL)
        return 0;
    if (sqlite3_column_type(s->handle, 0) == SQLITE_NULL)
        return db_raise(L, "values(): the first column is NULL, which would end the loop "
                           "(use coalesce() or db:query)", sqlite3_sql(s->handle));
    return stmt_push_values(L, s);
}

/* Returns iterator, nil, nil, stmt for a generic for over the Stmt on top. */
static int push_loop(lua_State *L, lua_CFunction next)
{
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, next, 1);
    lua_insert(L, -2);
    lua_pushnil(L);
    lua_insert(L, -2);
    lua_pushnil(L);
    lua_insert(L, -2);
    return 4;
}

/* db:query(sql, ...) -> iterator, nil, nil, stmt
 * for row in db:query(sql, ...) do: row tables keyed by column name (NULL columns
 * absent).  The statement is finalized when the loop ends, breaks or raises. */
int db_query(lua_State *L)
{
    prepare_call(L);
    return push_loop(L, query_next);
}

/* db:values(sql, ...) -> iterator, nil, nil, stmt
 * for a, b in db:values(sql, ...) do: each row's columns as values (the fast path);
 * raises on a row whose first column is NULL. */
int db_values(lua_State *L)
{
    prepare_call(L);
    return push_loop(L, values_next);
}

/* db:rows(sql, ...) -> {row, ..., columns = {name, ...}} (possibly empty)
 * The array of row tables; its field `columns` lists the column names in the
 * query's order (a row table alone cannot keep that order). */
int db_rows(lua_State *L)
{
    Stmt *s = prepare_call(L);
    int idx = lua_gettop(L);
    lua_toclose(L, idx);
    lua_newtable(L);
    int done = stmt_step(L, s) == SQLITE_DONE;
    stmt_push_names(L, s, idx);
    int names = lua_gettop(L);
    lua_pushvalue(L, names);
    lua_setfield(L, names - 1, "columns");
    lua_Integer n = 0;
    if (!done) {
        do {
            stmt_push_row(L, s, names);
            lua_rawseti(L, names - 1, ++n);
        } while (stmt_step(L, s) == SQLITE_ROW);
    }
    lua_settop(L, names - 1);
    return 1;
}

/* db:first(sql, ...) -> row | nil (the first row; the rest is not computed) */
int db_first(lua_State *L)
{
    Stmt *s = prepare_call(L);
    int idx = lua_gettop(L);
    lua_toclose(L, idx);
    if (stmt_step(L, s) == SQLITE_DONE) {
        lua_pushnil(L);
        return 1;
    }
    stmt_push_names(L, s, idx);
    stmt_push_row(L, s, idx + 1);
    return 1;
}

/* db:scalar(sql, ...) -> value | nil (first column of the first row) */
int db_scalar(lua_State *L)
{
    Stmt *s = prepare_call(L);
    lua_toclose(L, -1);
    if (stmt_step(L, s) == SQLITE_ROW && sqlite3_column_count(s->handle) > 0) {
        sqlite3_value *v = sqlite3_column_value(s->handle, 0);
        db_push_value(L, v, sqlite3_value_type(v));
    } else {
        lua_pushnil(L);
    }
    return 1;
}

/* db:exec(sql, ...) -> true
 * Runs every statement of the script in turn, discarding rows.  Arguments, when
 * given, are bound to each statement that has parameters (a table binds by name). */
int db_exec(lua_State *L)
{
    size_t len;
    db_check_open(L, 1);
    const char *sql = luaL_checklstring(L, 2, &len);
    const char *end = sql + len, *tail;
    int top = lua_gettop(L), used = 0;
    Stmt *s = stmt_push(L, 1);
    lua_toclose(L, -1);
    while (sql < end) {
        stmt_prepare(L, s, sql, (size_t)(end - sql), &tail);
        if (tail <= sql)
            break;
        sql = tail;
        if (s->handle == NULL)
            continue;
        if (sqlite3_bind_parameter_count(s->handle) > 0) {
            bind_args(L, s, 3, top);
            used = 1;
        }
        while (stmt_step(L, s) == SQLITE_ROW)
            ;
        stmt_finalize(s);
    }
    if (top > 2 && !used)
        return luaL_error(L, "vigil.db: exec was given values but the SQL has no parameters");
    lua_pushboolean(L, 1);
    return 1;
}

/* db:prepare(sql) -> Stmt (one statement; bind with stmt:bind) */
int db_prepare(lua_State *L)
{
    stmt_push_prepared(L, 1, 2);
    return 1;
}
