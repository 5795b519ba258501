/* vigil.gnuplot's numeric fast paths for long series (used by vigil.plot): a Column
 * holds a Lua array of numbers in C, read once; its summary, the datablock of two of
 * them (all points, or the M4 reduction of a line) and the table forms (scan, reduce,
 * datablock of Lua arrays) all work on columns.  The text and the arithmetic are pure C
 * in engine/plotdata.c and engine/plotcolumn.c; this file only moves values between Lua
 * and C.  Columns and scratch arrays are Lua userdata, so an error at any point (out of
 * memory, a bad value) leaves nothing to free. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"
#include "lplotdata.h"
#include "plotcolumn.h"
#include "plotdata.h"

/* The terminator of vigil's datablocks (vigil.plot.emit.EOD). */
#define EOD "VIGIL_EOD"
/* The line that ends inline data ('-'): gnuplot ends it at any line that starts with e
 * or E, which no line of numbers does. */
#define INLINE_END "e"
/* The metatable of Column userdata. */
#define COLUMN "vigil.gnuplot.Column"
/* Values pushed on the Lua stack at once while reading an array. */
#define BATCH 128
/* Bytes of datablock text formatted at once (into a string; into a put function). */
#define CHUNK 65536
#define PART_CHUNK 16384

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

/* Checks the arrays of a line, x at 1 and y at 2 (at least as long); returns #x. */
static lua_Integer check_line(lua_State *L)
{
    lua_Integer n = array_length(L, 1, 0);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_argcheck(L, (lua_Integer)lua_rawlen(L, 2) >= n, 2, "fewer y than x values");
    return n;
}

/* Pushes a new Column of n values (not yet read); the struct and the values live in
 * the one userdata. */
static struct plotcolumn *new_column(lua_State *L, lua_Integer n)
{
    size_t per = sizeof(union plotcolumn_cell) + 1;
    if ((size_t)n > (SIZE_MAX - sizeof(struct plotcolumn) - 16) / per)
        luaL_error(L, "vigil.gnuplot: %d values are too many", (int)n);
    size_t head = (sizeof(struct plotcolumn) + 15) / 16 * 16;
    char *p = lua_newuserdatauv(L, head + (size_t)n * per, 0);
    struct plotcolumn *c = (struct plotcolumn *)(void *)p;
    c->n = (size_t)n;
    c->cell = (union plotcolumn_cell *)(void *)(p + head);
    c->is_int = (unsigned char *)(p + head + (size_t)n * sizeof(union plotcolumn_cell));
    c->lo = c->hi = 0;
    c->any = c->sorted = c->finite = 0;
    luaL_setmetatable(L, COLUMN);
    return c;
}

/* Stores the number at idx in *cell; returns 1 when it is kept as an integer.  One API
 * call for most values: a whole number under 1e15 other than -0 is written the same
 * whether it is an integer or a float, so it is kept as an integer; beyond that, only a
 * Lua integer is (exactly). */
static int to_cell(lua_State *L, int idx, union plotcolumn_cell *cell)
{
    double v = (double)lua_tonumberx(L, idx, NULL);
    if (fabs(v) < 1e15 && v == (double)(long long)v && !(v == 0 && signbit(v))) {
        cell->i = (long long)v;
        return 1;
    }
    if (!(fabs(v) < 1e15) && lua_isinteger(L, idx)) {
        cell->i = (long long)lua_tointeger(L, idx);
        return 1;
    }
    cell->f = v;
    return 0;
}

/* Reads t[1..c->n] (t an absolute stack index) into c, BATCH values at a time, and
 * summarizes them.  Returns 0, or the index of the first value that is not a number
 * (its type name pushed). */
static lua_Integer read_values(lua_State *L, int t, struct plotcolumn *c)
{
    lua_Integer n = (lua_Integer)c->n;
    int top = lua_gettop(L);
    luaL_checkstack(L, BATCH + 1, "reading a column");
    plotcolumn_summary_start(c);
    for (lua_Integer i = 1; i <= n; i += BATCH) {
        int count = n - i + 1 < BATCH ? (int)(n - i + 1) : BATCH, bad = 0;
        for (int j = 0; j < count; j++)
            bad |= lua_rawgeti(L, t, i + j) != LUA_TNUMBER;
        if (bad) {
            for (int j = 0; j < count; j++)
                if (lua_type(L, top + 1 + j) != LUA_TNUMBER) {
                    const char *type = luaL_typename(L, top + 1 + j);
                    lua_settop(L, top);
                    lua_pushstring(L, type);
                    return i + j;
                }
        }
        size_t at = (size_t)i - 1;
        for (int j = 0; j < count; j++, at++)
            c->is_int[at] = (unsigned char)to_cell(L, top + 1 + j, &c->cell[at]);
        lua_settop(L, top);
        plotcolumn_summary_add(c, (size_t)i - 1, at);
    }
    return 0;
}

/* Pushes a summarized Column of t[1..n] (t absolute); raises, naming `what` and the
 * index, when a value is not a number. */
static struct plotcolumn *check_column_of(lua_State *L, int t, lua_Integer n, const char *fn,
                                          const char *what)
{
    struct plotcolumn *c = new_column(L, n);
    lua_Integer bad = read_values(L, t, c);
    if (bad)
        luaL_error(L, "vigil.gnuplot.%s: %s[%d] is a %s, not a number", fn, what, (int)bad,
                   lua_tostring(L, -1));
    return c;
}

/* vigil.gnuplot.column(t [, n]) -> Column | nil, index, type
 * t[1..n] (n default #t) read into C once, with its summary (col:summary()); nil, the
 * index of the first value that is not a number and that value's type otherwise. */
static int column_new(lua_State *L)
{
    lua_Integer n = array_length(L, 1, 2);
    struct plotcolumn *c = new_column(L, n);
    lua_Integer bad = read_values(L, 1, c);
    if (bad) {
        lua_pushnil(L);
        lua_pushinteger(L, bad);
        lua_pushvalue(L, -3);
        return 3;
    }
    return 1;
}

/* Pushes the summary of c: n, lo, hi (nil, nil when every value is NaN), sorted,
 * finite. */
static int push_summary(lua_State *L, const struct plotcolumn *c)
{
    lua_pushinteger(L, (lua_Integer)c->n);
    if (c->any) {
        lua_pushnumber(L, c->lo);
        lua_pushnumber(L, c->hi);
    } else {
        lua_pushnil(L);
        lua_pushnil(L);
    }
    lua_pushboolean(L, c->sorted);
    lua_pushboolean(L, c->finite);
    return 5;
}

/* col:summary() -> n, lo, hi, sorted, finite
 * As vigil.gnuplot.scan gives them for the array the column was read from. */
static int column_summary(lua_State *L)
{
    return push_summary(L, luaL_checkudata(L, 1, COLUMN));
}

/* #col -> n */
static int column_len(lua_State *L)
{
    const struct plotcolumn *c = luaL_checkudata(L, 1, COLUMN);
    lua_pushinteger(L, (lua_Integer)c->n);
    return 1;
}

/* vigil.gnuplot.scan(t [, n]) -> n, lo, hi, sorted, finite | nil
 * Looks at t[1..n] (n default #t): when every one is a number, returns n, the smallest
 * and largest non-NaN values (nil when there is none), whether they never decrease (NaN
 * counts as a decrease) and whether any is finite; nil when any is not a number. */
int plotdata_scan(lua_State *L)
{
    lua_Integer n = array_length(L, 1, 2);
    struct plotcolumn *c = new_column(L, n);
    if (read_values(L, 1, c)) {
        lua_pushnil(L);
        return 1;
    }
    return push_summary(L, c);
}

/* Whether name[0..len) can name a datablock: $ then letters, digits or _ (at most 64
 * bytes). */
static int valid_block_name(const char *name, size_t len)
{
    return len >= 2 && len <= 64 && name[0] == '$'
           && strspn(name + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789_") == len - 1;
}

/* Checks the datablock name at idx (valid_block_name). */
static const char *check_block_name(lua_State *L, int idx, size_t *len)
{
    const char *name = luaL_checklstring(L, idx, len);
    luaL_argcheck(L, valid_block_name(name, *len), idx,
                  "a datablock name is $ then letters, digits or _");
    return name;
}

/* Pushes the datablock `name << VIGIL_EOD`, the lines of points idx[0..count) (all of
 * x's when idx is NULL), then VIGIL_EOD (no newline after it). */
static void push_block(lua_State *L, const char *name, size_t name_len,
                       const struct plotcolumn *x, const struct plotcolumn *y,
                       const size_t *idx, size_t count)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, name, name_len);
    luaL_addstring(&b, " << " EOD "\n");
    size_t next = 0;
    while (next < count) {
        char *p = luaL_prepbuffsize(&b, CHUNK);
        luaL_addsize(&b, plotcolumn_write_lines(x, y, idx, count, &next, p, CHUNK));
    }
    luaL_addstring(&b, EOD);
    luaL_pushresult(&b);
}

/* Reads the reduction plan at idx ({lo =, hi =, columns =}) and pushes the indices that
 * plotcolumn_reduce keeps (a userdata); returns them and sets *count. */
static size_t *reduce_by_plan(lua_State *L, int idx, const struct plotcolumn *x,
                              const struct plotcolumn *y, size_t *count)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_getfield(L, idx, "lo");
    lua_getfield(L, idx, "hi");
    lua_getfield(L, idx, "columns");
    double lo = luaL_checknumber(L, -3), hi = luaL_checknumber(L, -2);
    lua_Integer columns = luaL_checkinteger(L, -1);
    luaL_argcheck(L, columns >= 1 && columns <= 1000000, idx, "columns out of range");
    lua_pop(L, 3);
    size_t *keep = lua_newuserdatauv(L, (x->n > 0 ? x->n : 1) * sizeof *keep, 0);
    *count = plotcolumn_reduce(x, y, lo, hi, (size_t)columns, keep);
    return keep;
}

/* vigil.gnuplot.datablock(name, xs, ys [, n]) -> text
 * vigil.gnuplot.datablock(name, xcol, ycol [, plan]) -> text
 * The datablock `name << VIGIL_EOD`, one line "x y" per point, then VIGIL_EOD (no
 * newline after it).  xs and ys are arrays of numbers (points 1..n, n default #xs; ys
 * must have as many), or Columns (ycol at least as long as xcol); with plan = {lo =,
 * hi =, columns =} only the points the M4 reduction keeps (vigil.gnuplot.reduce).
 * Numbers as vigil.plot.emit.number writes them; name must be $ and letters, digits or
 * _. */
int plotdata_datablock(lua_State *L)
{
    size_t name_len;
    const char *name = check_block_name(L, 1, &name_len);
    const struct plotcolumn *x, *y;
    const size_t *keep = NULL;
    size_t count;
    if (lua_type(L, 2) == LUA_TUSERDATA) {
        x = luaL_checkudata(L, 2, COLUMN);
        y = luaL_checkudata(L, 3, COLUMN);
        luaL_argcheck(L, y->n >= x->n, 3, "fewer y than x values");
        count = x->n;
        if (!lua_isnoneornil(L, 4))
            keep = reduce_by_plan(L, 4, x, y, &count);
    } else {
        lua_Integer n = array_length(L, 2, 4);
        luaL_checktype(L, 3, LUA_TTABLE);
        luaL_argcheck(L, (lua_Integer)lua_rawlen(L, 3) >= n, 3, "fewer y than x values");
        x = check_column_of(L, 2, n, "datablock", "x");
        y = check_column_of(L, 3, n, "datablock", "y");
        count = x->n;
    }
    push_block(L, name, name_len, x, y, keep, count);
    return 1;
}

/* Pushes xs[i + j] and ys[i + j] for j in [0, count), in turn (xs and ys absolute
 * stack indices; room checked by the caller).  Returns 1 when every one is a number. */
static int push_pairs(lua_State *L, int xs, int ys, lua_Integer i, int count)
{
    int bad = 0;
    for (int j = 0; j < count; j++) {
        bad |= lua_rawgeti(L, xs, i + j) != LUA_TNUMBER;
        bad |= lua_rawgeti(L, ys, i + j) != LUA_TNUMBER;
    }
    return !bad;
}

/* Writes, through put, the lines of the points (xs[i], ys[i]), i = 1..n (xs and ys
 * absolute stack indices), read BATCH at a time with no copy of the arrays.  Returns 1,
 * or 0 as soon as a value is not a number or x goes down (or is NaN), and at the end
 * when no y is finite: then the lines put so far are to be thrown away.  The stack is
 * as put left it at each read (put may add to a luaL_Buffer). */
static int write_stream(lua_State *L, int xs, int ys, lua_Integer n, plotdata_put put, void *ctx)
{
    union plotcolumn_cell xcell[BATCH], ycell[BATCH];
    unsigned char xint[BATCH], yint[BATCH];
    struct plotcolumn x, y;
    memset(&x, 0, sizeof x);
    memset(&y, 0, sizeof y);
    x.cell = xcell;
    x.is_int = xint;
    y.cell = ycell;
    y.is_int = yint;
    double prev = -HUGE_VAL;
    int yfinite = 0;
    char chunk[PART_CHUNK];
    luaL_checkstack(L, 2 * BATCH + 1, "reading a line");
    for (lua_Integer i = 1; i <= n; i += BATCH) {
        int count = n - i + 1 < BATCH ? (int)(n - i + 1) : BATCH, base = lua_gettop(L);
        if (!push_pairs(L, xs, ys, i, count)) {
            lua_settop(L, base);
            return 0;
        }
        for (int j = 0; j < count; j++) {
            int at = base + 1 + 2 * j;
            xint[j] = (unsigned char)to_cell(L, at, &xcell[j]);
            yint[j] = (unsigned char)to_cell(L, at + 1, &ycell[j]);
            double xv = plotcolumn_value(&x, (size_t)j);
            if (!(xv >= prev)) {
                lua_settop(L, base);
                return 0;
            }
            prev = xv;
            yfinite |= isfinite(plotcolumn_value(&y, (size_t)j));
        }
        lua_settop(L, base);
        x.n = y.n = (size_t)count;
        size_t next = 0;
        while (next < (size_t)count)
            put(ctx, chunk, plotcolumn_write_lines(&x, &y, NULL, (size_t)count, &next, chunk,
                                                   sizeof chunk));
    }
    return yfinite;
}

/* Adds p[0..n) to the luaL_Buffer ctx (a plotdata_put). */
static void buffer_put(void *ctx, const char *p, size_t n)
{
    luaL_addlstring(ctx, p, n);
}

/* vigil.gnuplot.inline_data(xs, ys) -> text | nil
 * The inline data of a stream part ({x = xs, y = ys, stream = true}, see lplotdata.h)
 * as run:finish sends it after the plot command that reads it as '-': the lines of
 * (xs[i], ys[i]), i = 1..#xs, read from the arrays with no copy, then the line "e";
 * nil when a value is not a number, xs goes down (or holds NaN) or no y is finite. */
static int inline_data(lua_State *L)
{
    lua_Integer n = check_line(L);
    lua_settop(L, 2);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (!write_stream(L, 1, 2, n, buffer_put, &b)) {
        lua_pushnil(L);
        return 1;
    }
    luaL_addstring(&b, INLINE_END);
    luaL_pushresult(&b);
    return 1;
}

/* See lplotdata.h. */
size_t plotdata_write_part(lua_State *L, int idx, plotdata_put put, void *ctx)
{
    int top = lua_gettop(L);
    idx = lua_absindex(L, idx);
    lua_getfield(L, idx, "stream");
    int stream = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (stream) {
        lua_getfield(L, idx, "x");
        lua_getfield(L, idx, "y");
        if (!lua_istable(L, -2) || !lua_istable(L, -1) || lua_rawlen(L, -1) < lua_rawlen(L, -2))
            luaL_error(L, "vigil.gnuplot: a stream part needs arrays x and y (y as long)");
        lua_Integer n = (lua_Integer)lua_rawlen(L, -2);
        int whole = write_stream(L, top + 1, top + 2, n, put, ctx);
        if (whole)
            put(ctx, INLINE_END, sizeof INLINE_END - 1);
        lua_settop(L, top);
        return whole ? (size_t)n + 1 : 0;
    }
    size_t name_len;
    lua_getfield(L, idx, "block");
    const char *name = lua_tolstring(L, -1, &name_len);
    if (!name || !valid_block_name(name, name_len))
        luaL_error(L, "vigil.gnuplot: a datablock part needs block = $name");
    lua_getfield(L, idx, "x");
    lua_getfield(L, idx, "y");
    const struct plotcolumn *x = luaL_testudata(L, -2, COLUMN), *y = luaL_testudata(L, -1, COLUMN);
    if (!x || !y || y->n < x->n)
        luaL_error(L, "vigil.gnuplot: a datablock part needs columns x and y (y as long)");
    const size_t *keep = NULL;
    size_t count = x->n;
    if (lua_getfield(L, idx, "plan") != LUA_TNIL)
        keep = reduce_by_plan(L, lua_gettop(L), x, y, &count);
    put(ctx, name, name_len);
    put(ctx, " << " EOD "\n", sizeof " << " EOD "\n" - 1);
    char chunk[PART_CHUNK];
    size_t next = 0;
    while (next < count)
        put(ctx, chunk, plotcolumn_write_lines(x, y, keep, count, &next, chunk, sizeof chunk));
    put(ctx, EOD, sizeof EOD - 1);
    lua_settop(L, top);
    return count + 2;
}

/* Copies t[keep[k] + 1] for k in [0, count) into a new array left on the stack. */
static void push_kept(lua_State *L, int t, const size_t *keep, size_t count)
{
    lua_createtable(L, count > INT_MAX ? INT_MAX : (int)count, 0);
    for (size_t k = 0; k < count; k++) {
        lua_rawgeti(L, t, (lua_Integer)keep[k] + 1);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
}

/* vigil.gnuplot.reduce(xs, ys, lo, hi, columns) -> xs2, ys2
 * The points of the line series (xs[i], ys[i]) (xs increasing, numbers) that the M4
 * rule keeps for `columns` columns across [lo, hi] (see plotdata.h): in each column the
 * first, last, lowest and highest points, and every gap (NaN).  The kept values are the
 * original ones (integers stay integers), in their order. */
int plotdata_reduce_xy(lua_State *L)
{
    lua_Integer n = check_line(L);
    double lo = luaL_checknumber(L, 3), hi = luaL_checknumber(L, 4);
    lua_Integer columns = luaL_checkinteger(L, 5);
    luaL_argcheck(L, columns >= 1 && columns <= 1000000, 5, "columns out of range");
    const struct plotcolumn *x = check_column_of(L, 1, n, "reduce", "xs");
    const struct plotcolumn *y = check_column_of(L, 2, n, "reduce", "ys");
    size_t *keep = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *keep, 0);
    size_t count = plotcolumn_reduce(x, y, lo, hi, (size_t)columns, keep);
    push_kept(L, 1, keep, count);
    push_kept(L, 2, keep, count);
    return 2;
}

/* Pushes a new Column of t[keep[k] + 1] for k in [0, count) (t absolute; every one a
 * number, already checked). */
static void push_kept_column(lua_State *L, int t, const size_t *keep, size_t count)
{
    struct plotcolumn *c = new_column(L, (lua_Integer)count);
    for (size_t k = 0; k < count; k++) {
        lua_rawgeti(L, t, (lua_Integer)keep[k] + 1);
        c->is_int[k] = (unsigned char)to_cell(L, -1, &c->cell[k]);
        lua_pop(L, 1);
    }
    plotcolumn_summarize(c);
}

/* The state of one pass of reduce_line over the points. */
struct line_pass {
    struct plotdata_reducer r;
    double lo, hi, prev; /* x range and the last x */
    int xfinite, yfinite;
};

/* Adds the `count` points whose x and y values (numbers) are at stack slots base, base
 * + 2 ... (x) and base + 1, base + 3 ... (y), the first being point number `first`
 * (0-based).  Returns 0, or 1 when x goes down (or is NaN). */
static int line_pass_add(lua_State *L, struct line_pass *p, int base, int count, size_t first)
{
    for (int j = 0; j < count; j++) {
        double x = (double)lua_tonumberx(L, base + 2 * j, NULL);
        double y = (double)lua_tonumberx(L, base + 2 * j + 1, NULL);
        if (!(x >= p->prev))
            return 1;
        p->prev = x;
        if (x > p->hi)
            p->hi = x;
        p->xfinite |= isfinite(x);
        p->yfinite |= isfinite(y);
        plotdata_reducer_add(&p->r, first + (size_t)j, x, y);
    }
    return 0;
}

/* vigil.gnuplot.reduce_line(xs, ys, columns) -> xcol, ycol, lo, hi, xfinite, yfinite | nil
 * The M4 reduction of the line (xs[i], ys[i]), i = 1..#xs, read in one pass with no copy
 * of the arrays: when every value is a number and xs never decreases, returns Columns of
 * the kept points (vigil.gnuplot.reduce's, for `columns` columns across [xs[1], xs[#xs]],
 * which is then the range of xs), that range, and whether any x and any y is finite;
 * nil otherwise (then nothing was kept: the caller takes the general path).  ys must be
 * at least as long as xs. */
int plotdata_reduce_line(lua_State *L)
{
    lua_Integer n = check_line(L);
    lua_Integer columns = luaL_checkinteger(L, 3);
    luaL_argcheck(L, columns >= 1 && columns <= 1000000, 3, "columns out of range");
    lua_settop(L, 3);
    if (n == 0 || lua_rawgeti(L, 1, 1) != LUA_TNUMBER || lua_rawgeti(L, 1, n) != LUA_TNUMBER) {
        lua_pushnil(L);
        return 1;
    }
    double lo = (double)lua_tonumber(L, 4), hi = (double)lua_tonumber(L, 5);
    lua_settop(L, 3);
    if (!(lo <= hi)) {
        lua_pushnil(L);
        return 1;
    }
    size_t *keep = lua_newuserdatauv(L, (size_t)n * sizeof *keep, 0); /* at 4 */
    struct line_pass p;
    plotdata_reducer_init(&p.r, lo, hi, (size_t)columns, keep);
    p.lo = lo;
    p.hi = p.prev = -HUGE_VAL;
    p.xfinite = p.yfinite = 0;
    luaL_checkstack(L, 2 * BATCH + 1, "reading a line");
    for (lua_Integer i = 1; i <= n; i += BATCH) {
        int count = n - i + 1 < BATCH ? (int)(n - i + 1) : BATCH;
        int bad = !push_pairs(L, 1, 2, i, count) || line_pass_add(L, &p, 5, count, (size_t)i - 1);
        lua_settop(L, 4);
        if (bad) {
            lua_pushnil(L);
            return 1;
        }
    }
    size_t count = plotdata_reducer_finish(&p.r);
    push_kept_column(L, 1, keep, count);
    push_kept_column(L, 2, keep, count);
    lua_pushnumber(L, p.lo);
    lua_pushnumber(L, p.hi);
    lua_pushboolean(L, p.xfinite);
    lua_pushboolean(L, p.yfinite);
    return 6;
}

static const luaL_Reg column_methods[] = {
    {"summary", column_summary},
    {NULL, NULL},
};

/* Creates the Column metatable (once) and adds vigil.gnuplot.column to the module table
 * on top of the stack. */
void plotdata_register(lua_State *L)
{
    if (luaL_newmetatable(L, COLUMN)) {
        luaL_newlib(L, column_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, column_len);
        lua_setfield(L, -2, "__len");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, column_new);
    lua_setfield(L, -2, "column");
    lua_pushcfunction(L, inline_data);
    lua_setfield(L, -2, "inline_data");
}
