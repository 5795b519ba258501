/* The Lua module vigil.core: what the host knows (versions, the default database, the
 * share folder) and building a database from datasets (engine/dbinit.c). */
#include <sqlite3.h>

#include <string.h>

#include "dbinit.h"
#include "embedded.h"
#include "lauxlib.h"
#include "lua.h"
#include "modules.h"
#include "paths.h"

/* core.init_db(path, datasets_dir [, {force=bool, quiet=bool}]) -> true | nil, msg, code
 * Builds a database from schema.sql and the CSV files of datasets_dir; code is 1 for
 * bad data or an I/O error, 2 when path exists and force is not set. */
static int core_init_db(lua_State *L)
{
    struct dbinit_options opt = {0};
    opt.db_path = luaL_checkstring(L, 1);
    opt.datasets_dir = luaL_checkstring(L, 2);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_getfield(L, 3, "force");
        opt.force = lua_toboolean(L, -1);
        lua_getfield(L, 3, "quiet");
        opt.quiet = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    char err[1024] = "";
    int rc = dbinit_build(&opt, err, sizeof err);
    if (rc == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    luaL_pushfail(L);
    lua_pushstring(L, err);
    lua_pushinteger(L, rc);
    return 3;
}

/* core.is_file(path) -> boolean: whether path names an existing regular file. */
static int core_is_file(lua_State *L)
{
    lua_pushboolean(L, paths_is_file(luaL_checkstring(L, 1)));
    return 1;
}

/* core.embedded(module) -> source, chunkname | nil
 * The text of a Lua module compiled into vigil (the sandbox loads its own copies of the
 * modules it allows, so a script cannot change the ones trusted code uses). */
static int core_embedded(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    for (const struct embedded_file *f = embedded_files; f->module; f++) {
        if (strcmp(f->module, name) == 0) {
            lua_pushlstring(L, f->source, f->size);
            lua_pushstring(L, f->chunkname);
            return 2;
        }
    }
    luaL_pushfail(L);
    return 1;
}

/* Copies field name of the registry's "vigil.config" table (at index cfg) into the
 * module table on top of the stack. */
static void copy_config_field(lua_State *L, int cfg, const char *name)
{
    lua_getfield(L, cfg, name);
    lua_setfield(L, -2, name);
}

/* require "vigil.core" -> { version, lua_version, sqlite_version, db_path, db_source,
 * share_dir, init_db, is_file, embedded } */
int luaopen_vigil_core(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"init_db", core_init_db},
        {"is_file", core_is_file},
        {"embedded", core_embedded},
        {NULL, NULL},
    };
    lua_getfield(L, LUA_REGISTRYINDEX, "vigil.config");
    int cfg = lua_gettop(L);
    luaL_newlib(L, functions);
    lua_pushliteral(L, VIGIL_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushliteral(L, LUA_RELEASE);
    lua_setfield(L, -2, "lua_version");
    lua_pushstring(L, sqlite3_libversion());
    lua_setfield(L, -2, "sqlite_version");
    if (lua_istable(L, cfg)) {
        copy_config_field(L, cfg, "db_path");
        copy_config_field(L, cfg, "db_source");
        copy_config_field(L, cfg, "share_dir");
    }
    return 1;
}
