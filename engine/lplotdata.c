/* vigil.gnuplot's numeric fast paths for long series (used by vigil.plot): scanning a
 * column of numbers, writing a two-column datablock, and the M4 reduction of a line
 * series.  The text and the arithmetic are pure C in engine/plotdata.c; this file only
 * moves values between Lua arrays and C.  Scratch arrays are Lua userdata, so an error
 * at any point (out of memory, a bad value) leaves nothing to free. */
#include <math.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"
#include "lplotdata.h"
#include "plotdata.h"

/* The terminator of vigil's datablocks (vigil.plot.emit.EOD). */
#define EOD "VIGIL_EOD"

/* Returns the length of the array argument at idx (a table), or the count given at
 * idx_n (0: none) when it is not larger. */
static lua_Integer array_length(lua_State *L, int idx, int idx_n)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
    lua_Integer n = idx_n > 0 ? luaL_optinteger(L, idx_n, len) : len;
    luaL_argcheck(L, n >= 0 && n <= len, idx_n, "count out of range");
    return n;
}

/* vigil.gnuplot.scan(t [, n]) -> n, lo, hi, sorted, finite | nil
 * Looks at t[1..n] (n default #t) in one pass: when every one is a number, returns n,
 * the smallest and largest non-NaN values (nil when there is none), whether they never
 * decrease (NaN counts as a decrease) and whether any is finite; nil when any is not a
 * number. */
int plotdata_scan(lua_State *L)
{
    lua_Integer n = array_length(L, 1, 2);
    double lo = HUGE_VAL, hi = -HUGE_VAL, prev = -HUGE_VAL;
    int sorted = 1, finite = 0, any = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        double v;
        int type = lua_rawgeti(L, 1, i);
        if (type != LUA_TNUMBER) {
            lua_pushnil(L);
            return 1;
        }
        v = lua_isinteger(L, -1) ? (double)lua_tointeger(L, -1) : (double)lua_tonumber(L, -1);
        lua_pop(L, 1);
        if (isnan(v)) {
            sorted = 0;
            continue;
        }
        if (v < prev)
            sorted = 0;
        prev = v;
        any = 1;
        if (isfinite(v))
            finite = 1;
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
    }
    lua_pushinteger(L, n);
    if (any) {
        lua_pushnumber(L, lo);
        lua_pushnumber(L, hi);
    } else {
        lua_pushnil(L);
        lua_pushnil(L);
    }
    lua_pushboolean(L, sorted);
    lua_pushboolean(L, finite);
    return 5;
}

/* Writes the number t[i] (integer or float) to p (PLOTDATA_NUMBER_MAX bytes); returns
 * its length.  Raises naming the array and index when it is no number. */
static size_t format_item(lua_State *L, int t, lua_Integer i, const char *what, char *p)
{
    size_t len;
    int type = lua_rawgeti(L, t, i);
    if (type == LUA_TNUMBER && lua_isinteger(L, -1))
        len = plotdata_format_int((long long)lua_tointeger(L, -1), p);
    else if (type == LUA_TNUMBER)
        len = plotdata_format_double((double)lua_tonumber(L, -1), p);
    else
        return (size_t)luaL_error(L, "vigil.gnuplot.datablock: %s[%d] is a %s, not a number",
                                  what, (int)i, luaL_typename(L, -1));
    lua_pop(L, 1);
    return len;
}

/* vigil.gnuplot.datablock(name, xs, ys [, n]) -> text
 * The datablock `name << VIGIL_EOD`, one line "x y" per point 1..n (n default #xs;
 * ys must have as many), then VIGIL_EOD (no newline after it).  Numbers as
 * vigil.plot.emit.number writes them; name must be $ and letters, digits or _. */
int plotdata_datablock(lua_State *L)
{
    size_t name_len;
    const char *name = luaL_checklstring(L, 1, &name_len);
    luaL_argcheck(L, name_len >= 2 && name_len <= 64 && name[0] == '$'
                  && strspn(name + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789_") == name_len - 1,
                  1, "a datablock name is $ then letters, digits or _");
    lua_Integer n = array_length(L, 2, 4);
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_argcheck(L, (lua_Integer)lua_rawlen(L, 3) >= n, 3, "fewer y than x values");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, name, name_len);
    luaL_addstring(&b, " << " EOD "\n");
    for (lua_Integer i = 1; i <= n; i++) {
        char line[2 * PLOTDATA_NUMBER_MAX + 2];
        size_t len = format_item(L, 2, i, "x", line);
        line[len++] = ' ';
        len += format_item(L, 3, i, "y", line + len);
        line[len++] = '\n';
        luaL_addlstring(&b, line, len);
    }
    luaL_addstring(&b, EOD);
    luaL_pushresult(&b);
    return 1;
}

/* Returns t[i] as a double; raises when it is no number. */
static double number_at(lua_State *L, int t, lua_Integer i)
{
    int type = lua_rawgeti(L, t, i);
    if (type != LUA_TNUMBER)
        luaL_error(L, "vigil.gnuplot.reduce: value %d is a %s, not a number", (int)i,
                   luaL_typename(L, -1));
    double v = lua_isinteger(L, -1) ? (double)lua_tointeger(L, -1) : (double)lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Copies t[keep[k] + 1] for k in [0, count) into a new array left on the stack. */
static void push_kept(lua_State *L, int t, const size_t *keep, size_t count)
{
    lua_createtable(L, count > 0x7fffffff ? 0x7fffffff : (int)count, 0);
    for (size_t k = 0; k < count; k++) {
        lua_rawgeti(L, t, (lua_Integer)keep[k] + 1);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
}

/* vigil.gnuplot.reduce(xs, ys, lo, hi, columns) -> xs2, ys2
 * The points of the line series (xs[i], ys[i]) (xs increasing, numbers) that the M4
 * rule keeps for `columns` columns across [lo, hi] (see plotdata.h): in each column the
 * first, last, lowest and highest points, and every gap (NaN).  The kept values are the
 * original ones (integers stay integers), in their order.  The values are read in
 * blocks, so the scratch memory is small whatever the length. */
int plotdata_reduce_xy(lua_State *L)
{
    lua_Integer n = array_length(L, 1, 0);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_argcheck(L, (lua_Integer)lua_rawlen(L, 2) >= n, 2, "fewer y than x values");
    double lo = luaL_checknumber(L, 3), hi = luaL_checknumber(L, 4);
    lua_Integer columns = luaL_checkinteger(L, 5);
    luaL_argcheck(L, columns >= 1 && columns <= 1000000, 5, "columns out of range");
    struct plotdata_reducer *r = lua_newuserdatauv(L, sizeof *r, 0);
    size_t *keep = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *keep, 0);
    plotdata_reducer_init(r, lo, hi, (size_t)columns, keep);
    for (lua_Integer i = 1; i <= n; i++) {
        double x = number_at(L, 1, i), y = number_at(L, 2, i);
        plotdata_reducer_add(r, (size_t)i - 1, x, y);
    }
    size_t count = plotdata_reducer_finish(r);
    push_kept(L, 1, keep, count);
    push_kept(L, 2, keep, count);
    return 2;
}
