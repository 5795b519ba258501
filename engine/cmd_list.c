/* vigil list: the scripts and reports available, with their one-line descriptions
 * and arguments, read from each file's metadata comment block without running it
 * (engine/lua/vigil/report/list.lua). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "host.h"
#include "lauxlib.h"
#include "lreport.h"
#include "lua.h"

/* Calls require("vigil.report.list").run() inside a protected call; returns its
 * status. */
static int list_main(lua_State *L)
{
    report_push_run(L, "vigil.report.list");
    lua_call(L, 0, 1);
    return 1;
}

/* vigil list [--help]: exit 0, or 2 for an unknown option. */
int command_list(int argc, char **argv)
{
    if (argc > 2) {
        int help = strcmp(argv[2], "--help") == 0;
        fprintf(help ? stdout : stderr, "usage: vigil list\n"
                "Lists scripts/*.lua and scripts/reports/*.lua (shipped and user's) with the\n"
                "description and arguments of their metadata block (docs/report.md).\n");
        return help ? EXIT_OK : EXIT_USAGE;
    }
    return host_run(NULL, list_main, NULL);
}
