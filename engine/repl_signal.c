/* Ctrl-C in the terminal REPL.  While an input runs, Ctrl-C stops Lua code through a
 * hook (the one thing a signal handler may do to a running state) and the SQL
 * statements running on any connection through sqlite3_interrupt; the third
 * Ctrl-C of one input ends vigil as usual (for code stuck in a C function).  Between
 * inputs Ctrl-C is ignored, so one pressed as a line is sent cannot kill the session;
 * at the prompt the line editor handles it (engine/repl_edit.c). */
#include "repl_int.h"

#include <signal.h>
#include <string.h>

#include "lauxlib.h"
#include "ldb.h"

/* The handler vigil had before the session (restored at its end). */
static struct sigaction before_session;
/* Ctrl-C pressed during the current input. */
static volatile sig_atomic_t presses;

/* The state a Ctrl-C stops; set only while repl_pcall runs. */
static lua_State *volatile running;

/* Hook set by the SIGINT handler: raises "interrupted!" at the next instruction, then
 * removes itself. */
static void stop_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

/* SIGINT handler between inputs: ignores it. */
static void on_idle_sigint(int sig)
{
    (void)sig;
}

/* Installs handler for SIGINT (restarting interrupted system calls); saves the
 * previous one into old when not NULL. */
static void set_handler(void (*handler)(int), struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, old);
}

/* SIGINT handler while an input runs: the hook and the interrupt of the running SQL;
 * the third press of one input gets the default action back. */
static void on_sigint(int sig)
{
    if (++presses >= 2)
        signal(sig, SIG_DFL);
    db_interrupt_all();
    lua_State *L = running;
    if (L)
        lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* Ignores Ctrl-C between inputs until repl_signals_end. */
void repl_signals_begin(void)
{
    set_handler(on_idle_sigint, &before_session);
}

/* Gives SIGINT back the handler it had before repl_signals_begin. */
void repl_signals_end(void)
{
    sigaction(SIGINT, &before_session, NULL);
}

/* lua_pcall with Ctrl-C handling; clears the hook afterwards. */
int repl_pcall(lua_State *L, int narg, int nres)
{
    struct sigaction old;
    running = L;
    presses = 0;
    set_handler(on_sigint, &old);
    int status = lua_pcall(L, narg, nres, 0);
    sigaction(SIGINT, &old, NULL);
    running = NULL;
    lua_sethook(L, NULL, 0, 0);  /* a Ctrl-C that came after the code had ended */
    return status;
}
