/* The C functions the terminal REPL gives to engine/lua/vigil/repl.lua (through
 * repl.start): table formatting (engine/fmt.c), display width, terminal width, a
 * wall clock and SQL statement completeness. */
#include "repl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fmt.h"
#include "lauxlib.h"

/* Reads the value on top of the stack into a cell and pops it; the text is kept alive
 * in the table at index hold (slot k). */
static void take_cell(lua_State *L, int hold, lua_Integer k, struct fmt_cell *cell)
{
    int type = lua_type(L, -1);
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        *cell = (struct fmt_cell){NULL, 0, FMT_NULL};
        return;
    }
    size_t len;
    const char *text = luaL_tolstring(L, -1, &len);
    *cell = (struct fmt_cell){text, len, type == LUA_TNUMBER ? FMT_NUMBER : FMT_TEXT};
    lua_rawseti(L, hold, k);  /* pops the string; the table keeps it alive */
    lua_pop(L, 1);
}

/* Returns integer field name of the table at idx (def when absent). */
static lua_Integer int_field(lua_State *L, int idx, const char *name, lua_Integer def)
{
    lua_getfield(L, idx, name);
    lua_Integer v = luaL_optinteger(L, -1, def);
    lua_pop(L, 1);
    return v;
}

/* format{mode=, columns={name...}, cells={...}, nrows=, total=, width=} -> text
 * cells holds nrows rows of #columns values, row after row (nil: NULL). */
static int native_format(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    struct fmt_spec spec = {0};
    lua_getfield(L, 1, "mode");
    if (fmt_mode_parse(luaL_optstring(L, -1, "box"), &spec.mode) != 0)
        return luaL_error(L, "unknown mode '%s'", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_Integer nrows = int_field(L, 1, "nrows", 0);
    lua_Integer total = int_field(L, 1, "total", nrows);
    lua_Integer width = int_field(L, 1, "width", 0);
    lua_getfield(L, 1, "columns");
    luaL_checktype(L, -1, LUA_TTABLE);
    int columns = lua_gettop(L);
    lua_getfield(L, 1, "cells");
    luaL_checktype(L, -1, LUA_TTABLE);
    int cells = lua_gettop(L);
    lua_Integer ncols = luaL_len(L, columns);
    if (nrows < 0 || ncols < 0 || total < nrows || width < 0 || nrows > 10000000 / (ncols + 1))
        return luaL_error(L, "format: bad sizes");
    lua_newtable(L);
    int hold = lua_gettop(L);
    struct fmt_cell *all = lua_newuserdatauv(L, sizeof *all * (size_t)(ncols * (nrows + 1) + 1), 0);
    for (lua_Integer j = 0; j < ncols; j++) {
        lua_geti(L, columns, j + 1);
        take_cell(L, hold, j + 1, &all[j]);
    }
    for (lua_Integer k = 0; k < ncols * nrows; k++) {
        lua_geti(L, cells, k + 1);
        take_cell(L, hold, ncols + k + 1, &all[ncols + k]);
    }
    spec.ncols = (size_t)ncols;
    spec.header = all;
    spec.cells = all + ncols;
    spec.nrows = (size_t)nrows;
    spec.total_rows = (size_t)total;
    spec.max_width = (size_t)width;
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (out == NULL)
        return luaL_error(L, "format: not enough memory");
    int rc = fmt_table(out, &spec);
    if (fclose(out) != 0)
        rc = -1;
    if (rc == 0)
        lua_pushlstring(L, buf, size);
    free(buf);
    if (rc != 0)
        return luaL_error(L, "format: not enough memory");
    return 1;
}

/* width(s) -> integer: the columns s takes on a terminal. */
static int native_width(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_pushinteger(L, (lua_Integer)fmt_width(s, len));
    return 1;
}

/* columns() -> integer: the terminal's width (80 when unknown). */
static int native_columns(lua_State *L)
{
    struct winsize ws;
    lua_Integer cols = 80;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        cols = ws.ws_col;
    lua_pushinteger(L, cols);
    return 1;
}

/* now() -> number: seconds on a monotonic clock. */
static int native_now(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

/* sql_complete(text) -> boolean: whether text ends a whole SQL statement. */
static int native_sql_complete(lua_State *L)
{
    lua_pushboolean(L, sqlite3_complete(luaL_checkstring(L, 1)));
    return 1;
}

/* Pushes the table of the functions above. */
void repl_push_native(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"format", native_format},
        {"width", native_width},
        {"columns", native_columns},
        {"now", native_now},
        {"sql_complete", native_sql_complete},
        {NULL, NULL},
    };
    luaL_newlib(L, functions);
}
