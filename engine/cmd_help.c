/* vigil help NAME|FILE: the usage of a script or report, generated from the metadata
 * block of its file without running it (engine/lua/vigil/report/help.lua). */
#include <stdio.h>

#include "commands.h"
#include "host.h"
#include "lauxlib.h"
#include "lreport.h"
#include "lua.h"

/* Calls require("vigil.report.help").run(NAME) inside a protected call; argument 1 is
 * NAME (a string) or nil.  Returns its status. */
static int help_main(lua_State *L)
{
    report_core_preload(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "vigil.report.help");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "run");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    return 1;
}

/* vigil help [NAME|FILE]: exit 0 with the usage on stdout, 2 when NAME names nothing
 * (or more than one word is given), 1 when the file's metadata is malformed. */
int command_help(int argc, char **argv)
{
    if (argc > 3) {
        fputs("usage: vigil help NAME|FILE\n", stderr);
        return EXIT_USAGE;
    }
    char share[4096];
    struct host_config config;
    host_default_config(&config, NULL, 0, share, sizeof share);
    lua_State *L = host_open(&config);
    if (L == NULL)
        return EXIT_WORK;
    lua_pushcfunction(L, help_main);
    if (argc == 3)
        lua_pushstring(L, argv[2]);
    else
        lua_pushnil(L);
    int status = host_docall(L, 1, 1);
    int rc = EXIT_WORK;
    if (status == LUA_OK) {
        rc = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
    } else {
        host_report(L, status);
    }
    lua_close(L);
    return rc;
}
