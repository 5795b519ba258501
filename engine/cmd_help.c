/* vigil help NAME|FILE: the usage of a script or report, generated from the metadata
 * block of its file without running it (engine/lua/vigil/report/help.lua). */
#include <stdio.h>

#include "commands.h"
#include "host.h"
#include "lauxlib.h"
#include "lreport.h"
#include "lua.h"

/* Calls require("vigil.report.help").run(NAME) inside a protected call; argument 1 is
 * NAME (a C string as light userdata) or NULL.  Returns its status. */
static int help_main(lua_State *L)
{
    report_push_run(L, "vigil.report.help");
    const char *name = lua_touserdata(L, 1);
    if (name)
        lua_pushstring(L, name);
    else
        lua_pushnil(L);
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
    return host_run(NULL, help_main, argc == 3 ? argv[2] : NULL);
}
