/* The interactive loop on input that is not a terminal: exactly the lua interpreter's
 * behaviour (an expression prints its value; incomplete input continues on the next
 * line; _PROMPT and _PROMPT2), so `vigil -i < file` and lua5.4 -i agree. */
#include "repl_int.h"

#include <stdio.h>
#include <string.h>

#include "host.h"
#include "lauxlib.h"

enum { REPL_LINE_MAX = 4096 };

/* Returns the prompt: global _PROMPT (first line) or _PROMPT2 (continuation), as a
 * string, else the defaults "> " and ">> ". Leaves it on the stack. */
static const char *push_prompt(lua_State *L, int first)
{
    if (lua_getglobal(L, first ? "_PROMPT" : "_PROMPT2") == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushstring(L, first ? "> " : ">> ");
        return lua_tostring(L, -1);
    }
    const char *p = luaL_tolstring(L, -1, NULL);
    lua_remove(L, -2);
    return p;
}

/* Reads one line into a string pushed on the stack, without its newline.
 * Returns 0 at end of input (nothing pushed). */
static int push_line(lua_State *L, int first)
{
    char buf[REPL_LINE_MAX];
    const char *prompt = push_prompt(L, first);
    fputs(prompt, stdout);
    fflush(stdout);
    lua_pop(L, 1);
    if (fgets(buf, sizeof buf, stdin) == NULL)
        return 0;
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    if (first && buf[0] == '=')  /* Lua 5.2 habit: "=x" means "return x" */
        lua_pushfstring(L, "return %s", buf + 1);
    else
        lua_pushlstring(L, buf, len);
    return 1;
}

/* Tries the line on top of the stack as "return line"; on success leaves the compiled
 * function above the line and returns LUA_OK. */
static int try_as_expression(lua_State *L)
{
    const char *line = lua_tostring(L, -1);
    const char *retline = lua_pushfstring(L, "return %s;", line);
    int status = luaL_loadbuffer(L, retline, strlen(retline), "=stdin");
    lua_remove(L, -2);
    if (status != LUA_OK)
        lua_pop(L, 1);
    return status;
}

/* Returns 1 when the compile error on top of the stack means "input ends too early"
 * (the message ends in "<eof>"); pops it in that case. */
static int is_incomplete(lua_State *L, int status)
{
    if (status != LUA_ERRSYNTAX)
        return 0;
    size_t len;
    const char *msg = lua_tolstring(L, -1, &len);
    static const char eof_mark[] = "<eof>";
    size_t mark = sizeof eof_mark - 1;
    if (len >= mark && strcmp(msg + len - mark, eof_mark) == 0) {
        lua_pop(L, 1);
        return 1;
    }
    return 0;
}

/* Compiles the line on top of the stack as statements, reading more lines while the
 * input is incomplete.  Leaves the function (or the error) on top, the text below. */
static int compile_statements(lua_State *L)
{
    for (;;) {
        size_t len;
        const char *text = lua_tolstring(L, -1, &len);
        int status = luaL_loadbuffer(L, text, len, "=stdin");
        if (!is_incomplete(L, status))
            return status;
        if (!push_line(L, 0)) {
            lua_pushliteral(L, "stdin: unexpected end of input");
            return LUA_ERRSYNTAX;
        }
        lua_pushliteral(L, "\n");
        lua_insert(L, -2);
        lua_concat(L, 3);
    }
}

/* Reads and compiles one chunk; returns -1 at end of input, else the compile status
 * with the function or the error message on top of the stack. */
static int read_chunk(lua_State *L)
{
    lua_settop(L, 0);
    if (!push_line(L, 1))
        return -1;
    int status = try_as_expression(L);
    if (status != LUA_OK)
        status = compile_statements(L);
    lua_remove(L, 1);  /* the text */
    return status;
}

/* Prints the values on the stack with the global print. */
static void print_results(lua_State *L)
{
    int n = lua_gettop(L);
    if (n == 0)
        return;
    luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
    lua_getglobal(L, "print");
    lua_insert(L, 1);
    if (lua_pcall(L, n, 0, 0) != LUA_OK)
        host_message(lua_pushfstring(L, "error calling 'print' (%s)", lua_tostring(L, -1)));
}

/* Reads chunks until end of input, running each and printing its values. */
void repl_plain(lua_State *L)
{
    int status;
    while ((status = read_chunk(L)) != -1) {
        if (status == LUA_OK)
            status = host_docall(L, 0, LUA_MULTRET);
        if (status == LUA_OK)
            print_results(L);
        else
            host_report(L, status);
    }
    lua_settop(L, 0);
    fputc('\n', stdout);
    fflush(stdout);
}
