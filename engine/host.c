/* The host: owns the lua_State, its libraries and vigil's modules, and runs chunks
 * under lua_pcall with a traceback and Ctrl-C support. */
#include "host.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "lauxlib.h"
#include "ldb.h"
#include "lualib.h"
#include "modules.h"

const char *const host_progname = "vigil";

/* The state a Ctrl-C should stop; set only while host_docall runs. */
static lua_State *interrupted_state;

/* The C modules preloaded into every state. */
static const luaL_Reg c_modules[] = {
    {"vigil.core", luaopen_vigil_core},
    {"vigil.db", luaopen_vigil_db},
    {"vigil.gnuplot", luaopen_vigil_gnuplot},
    {"vigil.csv", luaopen_vigil_csv},
    {"vigil.limits", luaopen_vigil_limits},
    {NULL, NULL},
};

/* Prints "vigil: msg" on stderr. */
void host_message(const char *msg)
{
    fprintf(stderr, "%s: %s\n", host_progname, msg);
    fflush(stderr);
}

/* Hook set by the SIGINT handler: raises "interrupted!" at the next instruction the
 * interpreter runs, then removes itself. */
static void stop_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

/* SIGINT handler: the second Ctrl-C kills as usual; the first sets a hook, the one
 * operation on a running state that is safe from a signal handler. */
static void on_sigint(int sig)
{
    signal(sig, SIG_DFL);
    if (interrupted_state)
        lua_sethook(interrupted_state, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    db_interrupt_all();  /* and the SQL running meanwhile (engine/ldb_interrupt.c) */
}

/* Message handler of every protected call: turns the error object into a string (via
 * __tostring when it has one) and appends a traceback. */
static int traceback_handler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Calls the function below narg arguments under lua_pcall with a traceback. */
int host_docall(lua_State *L, int narg, int nres)
{
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, traceback_handler);
    lua_insert(L, base);
    lua_State *previous = interrupted_state;
    interrupted_state = L;
    void (*old_handler)(int) = signal(SIGINT, on_sigint);
    int status = lua_pcall(L, narg, nres, base);
    signal(SIGINT, old_handler);
    interrupted_state = previous;
    lua_remove(L, base);
    return status;
}

/* Prints the error on top of the stack when status is not LUA_OK. */
int host_report(lua_State *L, int status)
{
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        host_message(msg ? msg : "(error object is not a string)");
        lua_pop(L, 1);
    }
    return status;
}

/* Runs the chunk in string s named name. */
int host_dostring(lua_State *L, const char *s, const char *name)
{
    int status = luaL_loadbuffer(L, s, strlen(s), name);
    if (status == LUA_OK)
        status = host_docall(L, 0, 0);
    return host_report(L, status);
}

/* Runs require(mod) and stores the result in global glob. */
int host_dolibrary(lua_State *L, const char *glob, const char *mod)
{
    lua_getglobal(L, "require");
    lua_pushstring(L, mod);
    int status = host_docall(L, 1, 1);
    if (status == LUA_OK)
        lua_setglobal(L, glob);
    return host_report(L, status);
}

/* package.preload loader of an embedded Lua file: loader(name) -> module.
 * Upvalue 1: the index of the file in embedded_files. */
static int load_embedded(lua_State *L)
{
    const struct embedded_file *file = &embedded_files[lua_tointeger(L, lua_upvalueindex(1))];
    if (luaL_loadbufferx(L, file->source, file->size, file->chunkname, "t") != LUA_OK)
        return lua_error(L);
    lua_pushstring(L, file->module);
    lua_call(L, 1, 1);
    return 1;
}

/* Puts the C modules and the embedded Lua files into package.preload. */
static void preload_modules(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    for (const luaL_Reg *m = c_modules; m->name; m++) {
        lua_pushcfunction(L, m->func);
        lua_setfield(L, -2, m->name);
    }
    for (lua_Integer i = 0; embedded_files[i].module; i++) {
        lua_pushinteger(L, i);
        lua_pushcclosure(L, load_embedded, 1);
        lua_setfield(L, -2, embedded_files[i].module);
    }
    lua_pop(L, 1);
}

/* Stores the host configuration in the registry table "vigil.config", where
 * vigil.core reads it. */
static void store_config(lua_State *L, const struct host_config *cfg)
{
    static const char *const sources[] = {"option", "environment", "default"};
    lua_createtable(L, 0, 4);
    lua_pushstring(L, cfg->db_path);
    lua_setfield(L, -2, "db_path");
    lua_pushstring(L, sources[cfg->db_source]);
    lua_setfield(L, -2, "db_source");
    if (cfg->share_dir) {
        lua_pushstring(L, cfg->share_dir);
        lua_setfield(L, -2, "share_dir");
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "vigil.config");
}

/* Builds the state inside a protected call (memory errors are caught).
 * Argument 1: the host_config as light userdata. */
static int open_protected(lua_State *L)
{
    const struct host_config *cfg = lua_touserdata(L, 1);
    if (cfg->ignore_env) {
        lua_pushboolean(L, 1);
        lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
    }
    luaL_openlibs(L);
    preload_modules(L);
    store_config(L, cfg);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "vigil.prelude");
    lua_call(L, 1, 0);
    return 0;
}

/* Creates the Lua state with everything vigil adds. */
lua_State *host_open(const struct host_config *cfg)
{
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        host_message("cannot create state: not enough memory");
        return NULL;
    }
    lua_gc(L, LUA_GCGEN, 0, 0);
    lua_pushcfunction(L, open_protected);
    lua_pushlightuserdata(L, (void *)cfg);
    if (host_report(L, host_docall(L, 1, 0)) != LUA_OK) {
        lua_close(L);
        return NULL;
    }
    return L;
}

/* Fills config from the --db option, the environment and where the executable is. */
void host_default_config(struct host_config *config, const char *db_option, int ignore_env,
                         char *share, size_t share_size)
{
    config->db_path = paths_default_db(db_option, getenv("VIGIL_DB"), &config->db_source);
    char exe_dir[4096];
    int have_exe = paths_exe_dir(exe_dir, sizeof exe_dir) == 0;
    config->share_dir = paths_share_dir(getenv("VIGIL_HOME"), have_exe ? exe_dir : NULL,
                                        VIGIL_DATADIR, share, share_size) == 0 ? share : NULL;
    config->ignore_env = ignore_env;
}

/* Runs fn(ud) in a fresh state; returns its integer result as the exit status. */
int host_run(const char *db_option, lua_CFunction fn, void *ud)
{
    char share[4096];
    struct host_config config;
    host_default_config(&config, db_option, 0, share, sizeof share);
    lua_State *L = host_open(&config);
    if (L == NULL)
        return 1;
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, ud);
    int status = host_docall(L, 1, 1);
    int rc = 1;
    if (status == LUA_OK)
        rc = (int)lua_tointeger(L, -1);
    host_report(L, status);
    lua_close(L);
    return rc;
}
