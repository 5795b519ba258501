/* The Lua module vigil.gnuplot: runs a gnuplot program (built by vigil.plot) in a
 * gnuplot child process and turns its failures into Lua errors.
 *
 * The program goes to gnuplot as a private temporary file (mkstemp, mode 0600, removed
 * before run() returns), run as `gnuplot -d FILE`: gnuplot stops at the first error in
 * a script file (a script piped on stdin goes on after an error), -d skips ~/.gnuplot
 * and the system gnuplotrc, and a file is read in large blocks where a pipe is read one
 * byte per read() call. */
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

#define RUN_BOX "vigil.gnuplot.run"
#define DEFAULT_TIMEOUT 120.0

/* Everything one run owns: the temporary file and the child's output. The box is a
 * userdata, so a Lua error at any point (out of memory) still releases them in __gc. */
struct run_box {
    char path[4096]; /* the temporary program file; "" when none */
    int fd;          /* its descriptor while being written; -1 when closed */
    int have_result;
    struct proc_result res;
};

/* Closes and removes the temporary file and frees the output; idempotent. */
static void box_release(struct run_box *b)
{
    if (b->fd >= 0) {
        close(b->fd);
        b->fd = -1;
    }
    if (b->path[0]) {
        unlink(b->path);
        b->path[0] = '\0';
    }
    if (b->have_result) {
        proc_result_free(&b->res);
        b->have_result = 0;
    }
}

/* __gc of the run box. */
static int box_gc(lua_State *L)
{
    box_release(luaL_checkudata(L, 1, RUN_BOX));
    return 0;
}

/* Writes the program to a fresh private temporary file named in b->path. Returns 0,
 * or an error number. */
static int write_program(struct run_box *b, const char *text, size_t len)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int n = snprintf(b->path, sizeof b->path, "%s/vigil-plot-XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof b->path) {
        b->path[0] = '\0';
        return ENAMETOOLONG;
    }
    b->fd = mkstemp(b->path);
    if (b->fd < 0) {
        int e = errno;
        b->path[0] = '\0';
        return e;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(b->fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        done += (size_t)w;
    }
    int rc = close(b->fd);
    b->fd = -1;
    return rc == 0 ? 0 : errno;
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

/* Pushes the error message of a failed run: gnuplot's own message and the line of the
 * program it names ("gnuplot: line 3: unrecognized plot type\n  plot ..."), or its
 * whole stderr when it names no line, or its exit status when it said nothing. */
static void push_failure(lua_State *L, const struct run_box *b, const char *prog, size_t len)
{
    const struct proc_result *r = &b->res;
    char marker[4200];
    snprintf(marker, sizeof marker, "\"%s\" line ", b->path);
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
        push_program_line(L, prog, len, line);
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

/* vigil.gnuplot.run(program [, {timeout = seconds}]) -> stdout_text, stderr_text
 * Runs the gnuplot program text with `gnuplot -d FILE` and returns what gnuplot wrote.
 * Raises when gnuplot is not installed (the message names the Debian package
 * gnuplot-nox), when it fails (its message and the line of the program), or when it
 * runs longer than timeout seconds (default 120; it is killed and reaped). */
static int gnuplot_run(lua_State *L)
{
    size_t len;
    const char *prog = luaL_checklstring(L, 1, &len);
    double timeout = DEFAULT_TIMEOUT;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (lua_getfield(L, 2, "timeout") != LUA_TNIL) {
            int isnum;
            timeout = (double)lua_tonumberx(L, -1, &isnum);
            luaL_argcheck(L, isnum && timeout > 0, 2, "timeout must be a positive number");
        }
        lua_pop(L, 1);
    }

    struct run_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->path[0] = '\0';
    b->fd = -1;
    b->have_result = 0;
    luaL_setmetatable(L, RUN_BOX);
    int box = lua_gettop(L);

    int e = write_program(b, prog, len);
    if (e) {
        box_release(b);
        return luaL_error(L, "gnuplot: cannot write the program to a temporary file: %s",
                          strerror(e));
    }
    const char *argv[] = {"gnuplot", "-d", b->path, NULL};
    struct proc_options opt = {argv, NULL, 0, timeout, 0};
    if (proc_run(&opt, &b->res) != 0) {
        e = errno;
        box_release(b);
        if (e == ENOENT) {
            lua_pushliteral(L, "gnuplot is not installed (not found on PATH): "
                               "install the Debian package gnuplot-nox");
            return lua_error(L);
        }
        return luaL_error(L, "gnuplot: cannot run it: %s", strerror(e));
    }
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
        return luaL_error(L, "gnuplot: still running after %f seconds; stopped", timeout);
    }
    if (!b->res.exited || b->res.exit_code != 0) {
        push_failure(L, b, prog, len);
        box_release(b);
        return lua_error(L);
    }
    unlink(b->path);
    b->path[0] = '\0';
    lua_pushlstring(L, b->res.out, b->res.out_len);
    lua_pushlstring(L, b->res.err, b->res.err_len);
    box_release(b);
    lua_remove(L, box);
    return 2;
}

static const luaL_Reg gnuplot_funcs[] = {
    {"run", gnuplot_run},
    {"scan", plotdata_scan},           /* engine/lplotdata.c */
    {"datablock", plotdata_datablock},
    {"reduce", plotdata_reduce_xy},
    {NULL, NULL},
};

/* require "vigil.gnuplot" -> { run = function } */
int luaopen_vigil_gnuplot(lua_State *L)
{
    if (luaL_newmetatable(L, RUN_BOX)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, gnuplot_funcs);
    return 1;
}
