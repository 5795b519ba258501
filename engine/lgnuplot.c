/* The Lua module vigil.gnuplot: runs a gnuplot program (built by vigil.plot) in a
 * gnuplot child process and turns its failures into Lua errors.
 *
 * The program is piped to `gnuplot -d /dev/stdin`: gnuplot opens that name as a script
 * file, so it stops at the first error (a script read as its interactive stdin goes on
 * after an error) and reads it through stdio in 4096-byte blocks (its interactive stdin
 * is read one byte per read() call); -d skips ~/.gnuplot and the system gnuplotrc.
 * Nothing is written to disk.  gnuplot can be started before the program is ready
 * (gnuplot.start), so that its start-up overlaps vigil's work, and datablocks of
 * Columns are formatted straight into the pipe while gnuplot reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lauxlib.h"
#include "lua.h"
#include "lplotdata.h"
#include "modules.h"
#include "proc.h"

#define RUN_BOX "vigil.gnuplot.Run"
#define DEFAULT_TIMEOUT 120.0
/* The name gnuplot's messages give the program. */
#define PROGRAM_NAME "/dev/stdin"
/* Bytes gathered before one write to gnuplot. */
#define STAGE 65536

/* One run of gnuplot: the child (or why it could not start), the bytes waiting to be
 * written, and its result.  A userdata, so a Lua error at any point (out of memory)
 * still kills and reaps the child in __gc. */
struct run_box {
    struct proc *proc; /* the running gnuplot; NULL when not started or finished */
    int start_error;   /* errno of a failed start, reported by finish */
    int finished;      /* finish was called (a box runs once) */
    double timeout;
    int have_result;
    struct proc_result res;
    size_t staged;
    char stage[STAGE];
};

/* Kills the child if it still runs and frees the result; idempotent. */
static void box_release(struct run_box *b)
{
    if (b->proc) {
        proc_abort(b->proc);
        b->proc = NULL;
    }
    if (b->have_result) {
        proc_result_free(&b->res);
        b->have_result = 0;
    }
}

/* __gc and __close of a Run; run:close() -> nothing: stops gnuplot if it still runs. */
static int box_close(lua_State *L)
{
    struct run_box *b = luaL_checkudata(L, 1, RUN_BOX);
    box_release(b);
    b->finished = 1;
    return 0;
}

/* Writes the staged bytes to gnuplot (dropped when it cannot take them: the result
 * says why). */
static void box_flush(struct run_box *b)
{
    if (b->proc && b->staged > 0)
        proc_feed(b->proc, b->stage, b->staged);
    b->staged = 0;
}

/* Sends p[0..n) to gnuplot through the stage (a plotdata_put). */
static void box_put(void *ctx, const char *p, size_t n)
{
    struct run_box *b = ctx;
    if (n > STAGE - b->staged) {
        box_flush(b);
        if (n >= STAGE) {
            if (b->proc)
                proc_feed(b->proc, p, n);
            return;
        }
    }
    memcpy(b->stage + b->staged, p, n);
    b->staged += n;
}

/* Reads the options table at idx ({timeout = seconds}); returns the timeout. */
static double check_timeout(lua_State *L, int idx)
{
    double timeout = DEFAULT_TIMEOUT;
    if (!lua_isnoneornil(L, idx)) {
        luaL_checktype(L, idx, LUA_TTABLE);
        if (lua_getfield(L, idx, "timeout") != LUA_TNIL) {
            int isnum;
            timeout = (double)lua_tonumberx(L, -1, &isnum);
            luaL_argcheck(L, isnum && timeout > 0, idx, "timeout must be a positive number");
        }
        lua_pop(L, 1);
    }
    return timeout;
}

/* vigil.gnuplot.start([{timeout = seconds}]) -> Run
 * Starts `gnuplot -d /dev/stdin`, which waits for its program (run:finish).  A gnuplot
 * that cannot be started is reported by run:finish, so that errors found while the
 * program is being built come first. */
static int gnuplot_start(lua_State *L)
{
    double timeout = check_timeout(L, 1);
    struct run_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->proc = NULL;
    b->start_error = 0;
    b->finished = 0;
    b->timeout = timeout;
    b->have_result = 0;
    b->staged = 0;
    luaL_setmetatable(L, RUN_BOX);
    const char *argv[] = {"gnuplot", "-d", PROGRAM_NAME, NULL};
    struct proc_options opt = {argv, NULL, 0, timeout, 0};
    if (proc_start(&opt, &b->proc) != 0) {
        b->proc = NULL;
        b->start_error = errno;
    } else {
        proc_batch_input(b->proc); /* gnuplot reads 4096 bytes at a time */
    }
    return 1;
}

/* vigil.gnuplot.scratch_path(path) -> path .. ".tmp-" .. pid
 * The file beside path that gnuplot draws into, renamed to path once the chart is
 * whole (vigil.plot): one per process, since a process draws one chart at a time. */
static int gnuplot_scratch_path(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lua_pushfstring(L, "%s.tmp-%I", path, (lua_Integer)getpid());
    return 1;
}

/* Pushes line number `line` (1-based) of the program, or "" when there is none. */
static void push_program_line(lua_State *L, const char *prog, size_t len, long line)
{
    const char *p = prog, *end = prog + len;
    for (long i = 1; i < line && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    lua_pushlstring(L, p, (size_t)((nl ? nl : end) - p));
}

/* Pushes s[0..len) without trailing white space. */
static void push_trimmed(lua_State *L, const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
        len--;
    lua_pushlstring(L, s, len);
}

/* Pushes line number `line` (1-based) of the program at idx: a string, or an array of
 * parts each followed by a newline, the datablocks spanning lines[k] lines (their
 * own lines are numbers: "" is pushed for them). */
static void push_line_of(lua_State *L, int idx, const size_t *lines, long line)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *prog = lua_tolstring(L, idx, &len);
        push_program_line(L, prog, len, line);
        return;
    }
    long at = 1; /* the line the current part starts on */
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    for (lua_Integer k = 1; k <= n; k++) {
        long count;
        if (lua_rawgeti(L, idx, k) == LUA_TSTRING) {
            size_t len;
            const char *s = lua_tolstring(L, -1, &len);
            count = 1;
            for (const char *p = s; (p = memchr(p, '\n', len - (size_t)(p - s))) != NULL; p++)
                count++;
            if (line < at + count) {
                push_program_line(L, s, len, line - at + 1);
                lua_remove(L, -2);
                return;
            }
        } else {
            count = (long)lines[k - 1];
        }
        lua_pop(L, 1);
        at += count;
        if (line < at) {
            lua_pushliteral(L, "");
            return;
        }
    }
    lua_pushliteral(L, "");
}

/* Pushes the error message of a failed run: gnuplot's own message and the line of the
 * program it names ("gnuplot: line 3: unrecognized plot type\n  plot ..."), or its
 * whole stderr when it names no line, or its exit status when it said nothing. */
static void push_failure(lua_State *L, const struct run_box *b, int prog, const size_t *lines)
{
    const struct proc_result *r = &b->res;
    const char *marker = "\"" PROGRAM_NAME "\" line ";
    const char *at = strstr(r->err, marker);
    if (at) {
        char *after;
        long line = strtol(at + strlen(marker), &after, 10);
        if (*after == ':')
            after++;
        while (*after == ' ')
            after++;
        lua_pushfstring(L, "gnuplot: line %d: ", (int)line);
        push_trimmed(L, after, strlen(after));
        luaL_gsub(L, lua_tostring(L, -1), "\n", "; ");
        lua_remove(L, -2);
        lua_pushliteral(L, "\n  ");
        push_line_of(L, prog, lines, line);
        lua_concat(L, 4);
    } else if (r->err_len > 0) {
        lua_pushliteral(L, "gnuplot: ");
        push_trimmed(L, r->err, r->err_len);
        lua_concat(L, 2);
    } else if (r->signal) {
        lua_pushfstring(L, "gnuplot: killed by signal %d", r->signal);
    } else {
        lua_pushfstring(L, "gnuplot: exited with status %d", r->exit_code);
    }
}

/* Sends the program at idx (a string as it is, or an array of parts: strings and
 * datablock parts, each followed by a newline) to gnuplot; returns the line counts of
 * the parts (a userdata left on the stack; NULL for a string).  Stops at a stream part
 * whose arrays break what it assumes, setting *broken (see lplotdata.h). */
static size_t *send_program(lua_State *L, struct run_box *b, int idx, int *broken)
{
    *broken = 0;
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *prog = lua_tolstring(L, idx, &len);
        box_put(b, prog, len);
        lua_pushnil(L);
        return NULL;
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    size_t *lines = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *lines, 0);
    for (lua_Integer k = 1; k <= n; k++) {
        int type = lua_rawgeti(L, idx, k);
        if (type == LUA_TSTRING) {
            size_t len;
            const char *s = lua_tolstring(L, -1, &len);
            box_put(b, s, len);
            lines[k - 1] = 0; /* counted when needed (push_line_of) */
        } else if (type == LUA_TTABLE) {
            lines[k - 1] = plotdata_write_part(L, -1, box_put, b);
            if (lines[k - 1] == 0) {
                *broken = 1;
                lua_pop(L, 1);
                return lines;
            }
        } else {
            luaL_error(L, "vigil.gnuplot: part %d of the program is a %s", (int)k,
                       luaL_typename(L, -1));
        }
        lua_pop(L, 1);
        box_put(b, "\n", 1);
    }
    return lines;
}

/* run:finish(program) -> stdout_text, stderr_text | false
 * Sends the program (a string, or an array of parts: strings, datablock parts
 * {block =, x =, y = [, plan =]} and stream parts {x =, y =, stream = true}, each
 * followed by a newline) to the gnuplot of gnuplot.start, waits for it and returns what
 * it wrote.  Returns false, gnuplot stopped before its plot command had all its data,
 * when the arrays of a stream part break what it assumes (lplotdata.h): vigil.plot then
 * builds the program again without them (gnuplot draws into a scratch file, so the
 * chart's own file is untouched).  Raises when gnuplot is not
 * installed (the message names the Debian package gnuplot-nox), when it fails (its
 * message and the line of the program), or when it runs longer than the timeout (it
 * is killed and reaped). */
static int run_finish(lua_State *L)
{
    struct run_box *b = luaL_checkudata(L, 1, RUN_BOX);
    luaL_argcheck(L, !b->finished, 1, "this gnuplot run is over");
    b->finished = 1;
    if (!b->proc) {
        int e = b->start_error;
        if (e == ENOENT) {
            lua_pushliteral(L, "gnuplot is not installed (not found on PATH): "
                               "install the Debian package gnuplot-nox");
            return lua_error(L);
        }
        return luaL_error(L, "gnuplot: cannot run it: %s", strerror(e));
    }
    int broken;
    size_t *lines = send_program(L, b, 2, &broken);
    if (broken) {
        box_release(b);
        lua_pushboolean(L, 0);
        return 1;
    }
    box_flush(b);
    struct proc *p = b->proc;
    b->proc = NULL;
    if (proc_finish(p, &b->res) != 0)
        return luaL_error(L, "gnuplot: %s", strerror(errno));
    b->have_result = 1;
    if (b->res.exited && b->res.exit_code == 127 && b->res.err_len == 0 && b->res.out_len == 0) {
        /* posix_spawn's child reports a failed exec this way when the spawn itself
         * cannot (as under valgrind) */
        box_release(b);
        lua_pushliteral(L, "gnuplot could not be started (is it installed?): "
                           "install the Debian package gnuplot-nox");
        return lua_error(L);
    }
    if (b->res.timed_out) {
        box_release(b);
        return luaL_error(L, "gnuplot: still running after %f seconds; stopped", b->timeout);
    }
    if (!b->res.exited || b->res.exit_code != 0) {
        push_failure(L, b, 2, lines);
        box_release(b);
        return lua_error(L);
    }
    lua_pushlstring(L, b->res.out, b->res.out_len);
    lua_pushlstring(L, b->res.err, b->res.err_len);
    box_release(b);
    return 2;
}

/* vigil.gnuplot.run(program [, {timeout = seconds}]) -> stdout_text, stderr_text
 * gnuplot.start(opts) then run:finish(program): runs the program text (or parts) and
 * returns what gnuplot wrote; raises as run:finish does, gnuplot stopped by then. */
static int gnuplot_run(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE)
        luaL_checkstring(L, 1);
    lua_settop(L, 2);
    lua_pushcfunction(L, gnuplot_start);
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1); /* the Run, at 3 */
    lua_pushcfunction(L, run_finish);
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 2, 2, 0) != LUA_OK) {
        box_release(lua_touserdata(L, 3)); /* a bad part: no gnuplot left waiting */
        return lua_error(L);
    }
    return 2;
}

static const luaL_Reg run_methods[] = {
    {"finish", run_finish},
    {"close", box_close},
    {NULL, NULL},
};

static const luaL_Reg gnuplot_funcs[] = {
    {"run", gnuplot_run},
    {"start", gnuplot_start},
    {"scratch_path", gnuplot_scratch_path},
    {"scan", plotdata_scan},           /* engine/lplotdata.c */
    {"datablock", plotdata_datablock},
    {"reduce", plotdata_reduce_xy},
    {"reduce_line", plotdata_reduce_line},
    {NULL, NULL},
};

/* require "vigil.gnuplot" -> { run, start, scratch_path, scan, datablock, reduce,
 * reduce_line, column, inline_data } */
int luaopen_vigil_gnuplot(lua_State *L)
{
    if (luaL_newmetatable(L, RUN_BOX)) {
        lua_pushcfunction(L, box_close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, box_close);
        lua_setfield(L, -2, "__close");
        luaL_newlib(L, run_methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    luaL_newlib(L, gnuplot_funcs);
    plotdata_register(L); /* column (engine/lplotdata.c) */
    return 1;
}
