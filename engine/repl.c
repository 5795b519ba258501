/* The REPL.  On a terminal: libedit line editing with a persistent history and Tab
 * completion (engine/repl_edit.c) around engine/lua/vigil/repl.lua, which runs each
 * input (Lua, SQL after a prefix, dot-commands) and prints its values.  Not on a
 * terminal: the plain loop of `lua -i` (engine/repl_plain.c). */
#include "repl.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "lauxlib.h"
#include "repl_edit.h"
#include "repl_int.h"

/* What the completion callback needs: the state and the vigil.repl module. */
struct session {
    lua_State *L;
    int module;  /* registry reference to the vigil.repl table */
};

/* Protected part of prompt_copy.  Argument: first (boolean).  Returns the prompt:
 * global _PROMPT or _PROMPT2 converted to a string, else "> " or ">> ". */
static int push_prompt(lua_State *L)
{
    int first = lua_toboolean(L, 1);
    if (lua_getglobal(L, first ? "_PROMPT" : "_PROMPT2") == LUA_TNIL)
        lua_pushstring(L, first ? "> " : ">> ");
    else
        luaL_tolstring(L, -1, NULL);
    return 1;
}

/* Returns a copy (to free) of the prompt for the first line of an input or for a
 * continuation line; a _PROMPT whose __tostring fails gives the default. */
static char *prompt_copy(lua_State *L, int first)
{
    int top = lua_gettop(L);
    const char *p = first ? "> " : ">> ";
    lua_pushcfunction(L, push_prompt);
    lua_pushboolean(L, first);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
        p = lua_tostring(L, -1);
    char *copy = strdup(p);
    lua_settop(L, top);
    return copy;
}

/* Protected part of completion.  Arguments: the vigil.repl table, the text.  Returns
 * repl.complete(text): start, candidates. */
static int call_complete(lua_State *L)
{
    lua_getfield(L, 1, "complete");
    lua_pushvalue(L, 2);
    lua_call(L, 1, 2);
    return 2;
}

/* Completion callback of the line editor: asks repl.complete for the candidates. */
static char **complete(void *ctx, const char *text, size_t len, size_t *start)
{
    struct session *s = ctx;
    lua_State *L = s->L;
    int top = lua_gettop(L);
    char **list = NULL;
    lua_pushcfunction(L, call_complete);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->module);
    lua_pushlstring(L, text, len);
    if (lua_pcall(L, 2, 2, 0) == LUA_OK && lua_type(L, -1) == LUA_TTABLE) {
        *start = (size_t)lua_tointeger(L, -2);
        size_t n = lua_rawlen(L, -1), k = 0;
        list = calloc(n + 1, sizeof *list);
        for (size_t i = 1; list && i <= n; i++) {
            if (lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TSTRING) {
                list[k] = strdup(lua_tostring(L, -1));
                k += list[k] != NULL;
            }
            lua_pop(L, 1);
        }
    }
    lua_settop(L, top);
    return list;
}

/* Loads vigil.repl and gives it the C functions; stores the module in s->module.
 * Returns 0, or -1 (reported) when it fails. */
static int start_module(struct session *s)
{
    lua_State *L = s->L;
    lua_getglobal(L, "require");
    lua_pushliteral(L, "vigil.repl");
    if (host_report(L, host_docall(L, 1, 1)) != LUA_OK)
        return -1;
    lua_getfield(L, -1, "start");
    repl_push_native(L);
    if (host_report(L, host_docall(L, 1, 0)) != LUA_OK) {
        lua_pop(L, 1);
        return -1;
    }
    s->module = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* Runs repl.feed(text, first) with the text at stack index 1.  Returns 1 to read a
 * continuation line, -1 to end the session, 0 when the input is done. */
static int feed(struct session *s, int first)
{
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->module);
    lua_getfield(L, -1, "feed");
    lua_remove(L, -2);
    lua_pushvalue(L, 1);
    lua_pushboolean(L, first);
    int status = repl_pcall(L, 2, 1);
    fflush(stdout);
    if (status != LUA_OK) {
        host_report(L, status);
        return 0;
    }
    const char *what = lua_tostring(L, -1);
    int rc = what && strcmp(what, "more") == 0 ? 1 : what && strcmp(what, "quit") == 0 ? -1 : 0;
    lua_pop(L, 1);
    return rc;
}

/* The terminal loop: reads lines until Ctrl-D or .quit; Ctrl-C at the prompt drops the
 * input, Ctrl-C while code runs stops it (repl_pcall). */
static void terminal_loop(struct session *s, struct repl_edit *e)
{
    lua_State *L = s->L;
    int first = 1;
    lua_settop(L, 0);
    for (;;) {
        char *prompt = prompt_copy(L, first);
        const char *line = NULL;
        enum repl_read r = repl_edit_read(e, prompt ? prompt : "> ", &line);
        free(prompt);
        if (r == REPL_READ_EOF) {
            fputc('\n', stdout);
            break;
        }
        if (r == REPL_READ_INTERRUPT) {
            lua_settop(L, 0);
            first = 1;
            continue;
        }
        repl_edit_remember(e, line);
        if (first) {
            lua_pushstring(L, line);
        } else {
            lua_pushliteral(L, "\n");
            lua_pushstring(L, line);
            lua_concat(L, 3);
        }
        int rc = feed(s, first);
        if (rc < 0)
            break;
        first = rc == 0;
        if (first)
            lua_settop(L, 0);
    }
    lua_settop(L, 0);
    fflush(stdout);
}

/* The REPL: the terminal loop when stdin is a terminal, else the plain lua loop. */
void repl_run(lua_State *L)
{
    if (!isatty(STDIN_FILENO)) {
        repl_plain(L);
        return;
    }
    struct session s = {L, LUA_NOREF};
    if (start_module(&s) != 0) {
        repl_plain(L);
        return;
    }
    /* libedit reads and shows UTF-8 by the locale's character type; numbers keep the
     * "C" format (LC_NUMERIC is left alone). */
    setlocale(LC_CTYPE, "");
    char path[4096];
    int have_history = repl_history_path(path, sizeof path) == 0;
    struct repl_edit *e = repl_edit_open(host_progname, have_history ? path : NULL, complete, &s);
    if (e == NULL) {
        host_message("cannot start line editing; reading plain lines");
        luaL_unref(L, LUA_REGISTRYINDEX, s.module);
        repl_plain(L);
        return;
    }
    puts("Lua, or SQL after \\ (\\select ...); .help for the commands");
    repl_signals_begin();
    terminal_loop(&s, e);
    repl_signals_end();
    repl_edit_close(e);
    luaL_unref(L, LUA_REGISTRYINDEX, s.module);
}
