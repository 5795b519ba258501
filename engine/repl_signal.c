/* Ctrl-C while the REPL runs an input: the first one stops Lua code through a hook
 * (the one thing a signal handler may do to a running state) and the SQL statement
 * of the connection being watched through sqlite3_interrupt; a second one, before the
 * input has ended, ends vigil as usual (as lua.c does). */
#include "repl_int.h"

#include <signal.h>
#include <string.h>

#include "lauxlib.h"

/* The state a Ctrl-C stops; set only while repl_pcall runs. */
static lua_State *volatile running;
/* The connection a Ctrl-C interrupts; set by repl_watch inside repl_pcall only. */
static sqlite3 *volatile watched;

/* Hook set by the SIGINT handler: raises "interrupted!" at the next instruction, then
 * removes itself. */
static void stop_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

/* SIGINT handler: the default action again for the next Ctrl-C, then the hook and
 * the interrupt of the watched connection. */
static void on_sigint(int sig)
{
    signal(sig, SIG_DFL);
    sqlite3 *db = watched;
    if (db)
        sqlite3_interrupt(db);
    lua_State *L = running;
    if (L)
        lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* Watches db (NULL: none) for Ctrl-C. */
void repl_watch(sqlite3 *db)
{
    watched = db;
}

/* lua_pcall with Ctrl-C handling; clears the hook and the watch afterwards. */
int repl_pcall(lua_State *L, int narg, int nres)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    watched = NULL;
    running = L;
    sigaction(SIGINT, &sa, &old);
    int status = lua_pcall(L, narg, nres, 0);
    sigaction(SIGINT, &old, NULL);
    running = NULL;
    watched = NULL;
    lua_sethook(L, NULL, 0, 0);  /* a Ctrl-C that came after the code had ended */
    return status;
}
