/* The host: owns the lua_State, its libraries and vigil's modules, and runs chunks
 * under lua_pcall with a traceback and Ctrl-C support. */
#ifndef VIGIL_HOST_H
#define VIGIL_HOST_H

#include <stddef.h>

#include "lua.h"
#include "paths.h"

struct host_config {
    const char *db_path;             /* the default database (--db, $VIGIL_DB, ./vigil.db) */
    enum db_path_source db_source;   /* where db_path came from */
    const char *share_dir;           /* holds datasets/ and scripts/, or NULL when unknown */
    int ignore_env;                  /* -E: ignore LUA_INIT, LUA_PATH and LUA_CPATH */
};

/* Creates the Lua state: standard libraries, vigil's modules in package.preload, the
 * `vigil` table and the lazy global `db`.  Returns NULL when memory runs out, with a
 * message on stderr. */
lua_State *host_open(const struct host_config *cfg);

/* Calls the function below narg arguments on the stack under lua_pcall with a
 * traceback handler; Ctrl-C interrupts it.  Returns the lua_pcall status. */
int host_docall(lua_State *L, int narg, int nres);

/* When status is not LUA_OK, prints the error on top of the stack as "vigil: msg" on
 * stderr and pops it.  Returns status. */
int host_report(lua_State *L, int status);

/* Prints "vigil: msg" on stderr. */
void host_message(const char *msg);

/* Runs the chunk in string s named name; returns the status (reported). */
int host_dostring(lua_State *L, const char *s, const char *name);

/* Runs `require(mod)` and stores the result in global glob; returns the status (reported). */
int host_dolibrary(lua_State *L, const char *glob, const char *mod);

/* Fills config from the --db option, $VIGIL_DB, $VIGIL_HOME and where the executable
 * is; share (of share_size bytes) receives the share folder when one is found. */
void host_default_config(struct host_config *config, const char *db_option, int ignore_env,
                         char *share, size_t share_size);

/* Runs fn in a fresh state made by host_open from host_default_config(db_option) (NULL:
 * $VIGIL_DB, else ./vigil.db): fn is called under host_docall with ud as a light
 * userdata and returns the exit status as an integer.  Returns that status, or 1 when the
 * state cannot be made or fn raises (the error printed as "vigil: msg"). */
int host_run(const char *db_option, lua_CFunction fn, void *ud);

/* The name vigil prints before its messages. */
extern const char *const host_progname;

#endif
